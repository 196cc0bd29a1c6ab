#include "poolsettingsform.h"

#include <QBoxLayout>
#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QPushButton>
#include <QSpinBox>

using namespace Qt::StringLiterals;

namespace poolscope {

namespace {
constexpr int kMaxMs = 24 * 3600 * 1000;
}

QSpinBox* PoolSettingsForm::addCount(const QString& label, const QString& objectName, int minimum,
                                     int maximum, const QString& tip) {
    auto* box = new QSpinBox(this);
    box->setObjectName(objectName);
    box->setRange(minimum, maximum);
    box->setToolTip(tip);
    m_form->addRow(label, box);
    return box;
}

QSpinBox* PoolSettingsForm::addMs(const QString& label, const QString& objectName,
                                  const QString& tip) {
    QSpinBox* box = addCount(label, objectName, 0, kMaxMs, tip);
    box->setSingleStep(100);
    box->setSuffix(tr(" ms"));
    box->setSpecialValueText(tr("off"));
    return box;
}

PoolSettingsForm::PoolSettingsForm(QWidget* parent)
    : QWidget(parent)
    , m_form(new QFormLayout) {
    m_maxConnections = addCount(
        tr("Max connections"), u"maxConnections"_s, 1, 10000,
        tr("maximumPoolSize: the most connections open at once. Requests beyond it wait in "
           "the pool's queue, where the wait is measured. Size it from the real load: "
           "connections ≈ request rate × time a request holds one (the monitor's advisor "
           "does this)."));
    m_minIdle = addCount(tr("Min idle"), u"minIdle"_s, 0, 10000,
                         tr("minimumIdle: warm connections opened ahead of demand and kept "
                            "topped up, so the first requests pay no connection cost."));
    m_acquireTimeout = addMs(tr("Acquire timeout"), u"acquireTimeout"_s,
                             tr("connectionTimeout: how long a request may wait for a free "
                                "connection before it fails with acquire_timeout."));
    m_connectTimeout = addMs(tr("Connect timeout"), u"connectTimeout"_s,
                             tr("How long opening a new connection (TCP and TLS) may take."));
    m_readTimeout = addMs(tr("Read (stall) timeout"), u"readTimeout"_s,
                          tr("A response that sends no byte for this long fails as stalled. "
                             "It catches hung streams, not slow ones."));
    m_totalTimeout = addMs(tr("Total timeout"), u"totalTimeout"_s,
                           tr("One attempt, from sending to the last byte."));
    m_idleTimeout = addMs(tr("Idle timeout"), u"idleTimeout"_s,
                          tr("idleTimeout: an idle connection above min idle is closed after "
                             "this long. Keep it below the server's own keep-alive limit."));
    m_maxLifetime = addMs(tr("Max lifetime"), u"maxLifetime"_s,
                          tr("maxLifetime: a connection is retired at this age, between "
                             "requests and never during one (load balancers rotate, DNS "
                             "changes)."));
    m_leakThreshold = addMs(tr("Leak detection threshold"), u"leakThreshold"_s,
                            tr("leakDetectionThreshold: warn, naming the request, when one "
                               "holds a connection longer than this (streams included)."));
    m_http2 = new QComboBox(this);
    m_http2->setObjectName(u"http2"_s);
    m_http2->addItems({tr("Auto (ALPN on https)"), tr("On"), tr("Off")});
    m_http2->setToolTip(tr("HTTP/2 carries many streams on one connection; Off forces "
                           "HTTP/1.1, one request per connection."));
    m_form->addRow(tr("HTTP/2"), m_http2);
    m_maxStreams = addCount(tr("HTTP/2 streams per connection"), u"maxStreams"_s, 1,
                            PoolConfig::kMostStreamsPerConnection,
                            tr("HTTP/2 streams one connection carries at once; a new "
                               "connection opens only when every open one is full. Lower it "
                               "to spread streams over more connections or to match the "
                               "server's own limit."));
    m_perThread = addCount(tr("HTTP/1.1 connections per thread"), u"connectionsPerThread"_s, 1,
                           PoolConfig::kMostConnectionsPerThread,
                           tr("HTTP/1.1 connections sharing one network thread: fewer threads "
                              "are faster, but a thread's connections close together (an "
                              "idle one waits for the others). 1 gives every connection its "
                              "own idle timeout and lifetime."));
    m_noPool = new QCheckBox(tr("A fresh connection for every request (the A/B baseline)"), this);
    m_noPool->setObjectName(u"noPool"_s);
    m_form->addRow(tr("No pool"), m_noPool);
    m_retries = addCount(tr("Retries"), u"retries"_s, 0, 20,
                         tr("Retries on 408, 409, 429, 5xx and connection failures, with "
                            "0.5 s·2ⁿ backoff (at most 8 s) and jitter; the server's "
                            "Retry-After wins up to 60 s. A request waiting to retry holds no "
                            "connection."));
    m_rpm = addCount(tr("Requests per minute"), u"rpm"_s, 0, 10000000,
                     tr("Client-side limit on requests started per minute. A 429 pauses new "
                        "starts for its Retry-After."));
    m_rpm->setSpecialValueText(tr("off"));
    m_tpm = addCount(tr("Tokens per minute"), u"tpm"_s, 0, 100000000,
                     tr("Client-side limit on estimated tokens per minute."));
    m_tpm->setSpecialValueText(tr("off"));

    auto* apply = new QPushButton(tr("Apply"), this);
    apply->setObjectName(u"applyPool"_s);
    apply->setToolTip(tr("Apply to the running pool now; saved for next time"));
    auto* reset = new QPushButton(tr("Defaults"), this);
    connect(apply, &QPushButton::clicked, this, [this] { emit configApplied(config()); });
    connect(reset, &QPushButton::clicked, this, [this] { setConfig(PoolConfig{}); });
    auto* buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(reset);
    buttons->addWidget(apply);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(m_form);
    layout->addLayout(buttons);
    layout->addStretch();
    connect(m_maxConnections, &QSpinBox::valueChanged, m_minIdle, &QSpinBox::setMaximum);
    setConfig(PoolConfig{});
}

void PoolSettingsForm::setConfig(const PoolConfig& c) {
    m_base = c;
    m_maxConnections->setValue(c.maxConnections);
    m_minIdle->setValue(c.minIdle);
    m_acquireTimeout->setValue(int(std::min<qint64>(c.acquireTimeoutMs, kMaxMs)));
    m_connectTimeout->setValue(int(std::min<qint64>(c.connectTimeoutMs, kMaxMs)));
    m_readTimeout->setValue(int(std::min<qint64>(c.readTimeoutMs, kMaxMs)));
    m_totalTimeout->setValue(int(std::min<qint64>(c.totalTimeoutMs, kMaxMs)));
    m_idleTimeout->setValue(int(std::min<qint64>(c.idleTimeoutMs, kMaxMs)));
    m_maxLifetime->setValue(int(std::min<qint64>(c.maxLifetimeMs, kMaxMs)));
    m_leakThreshold->setValue(int(std::min<qint64>(c.leakThresholdMs, kMaxMs)));
    m_http2->setCurrentIndex(c.http2 == Http2Mode::On ? 1 : c.http2 == Http2Mode::Off ? 2 : 0);
    m_maxStreams->setValue(c.maxStreamsPerConnection);
    m_perThread->setValue(c.connectionsPerThread);
    m_noPool->setChecked(c.noPool);
    m_retries->setValue(c.retries);
    m_rpm->setValue(int(c.requestsPerMinute));
    m_tpm->setValue(int(c.tokensPerMinute));
}

PoolConfig PoolSettingsForm::config() const {
    PoolConfig c = m_base;
    c.maxConnections = m_maxConnections->value();
    c.minIdle = std::min(m_minIdle->value(), c.maxConnections);
    c.acquireTimeoutMs = m_acquireTimeout->value();
    c.connectTimeoutMs = m_connectTimeout->value();
    c.readTimeoutMs = m_readTimeout->value();
    c.totalTimeoutMs = m_totalTimeout->value();
    c.idleTimeoutMs = m_idleTimeout->value();
    c.maxLifetimeMs = m_maxLifetime->value();
    c.leakThresholdMs = m_leakThreshold->value();
    const int http2 = m_http2->currentIndex();
    c.http2 = http2 == 1 ? Http2Mode::On : http2 == 2 ? Http2Mode::Off : Http2Mode::Auto;
    c.maxStreamsPerConnection = m_maxStreams->value();
    c.connectionsPerThread = m_perThread->value();
    c.noPool = m_noPool->isChecked();
    c.retries = m_retries->value();
    c.requestsPerMinute = m_rpm->value();
    c.tokensPerMinute = m_tpm->value();
    return c;
}

} // namespace poolscope
