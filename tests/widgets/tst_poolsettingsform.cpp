// The pool settings form: every knob it shows goes out as set, knobs it does not show are kept,
// Apply hands the edited values on, Defaults puts the defaults back.
#include "poolsettingsform.h"

#include <QCheckBox>
#include <QComboBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>

using namespace poolscope;
using namespace Qt::StringLiterals;

class tst_PoolSettingsForm : public QObject {
    Q_OBJECT

    static QSpinBox* spin(PoolSettingsForm& form, const QString& name) {
        return form.findChild<QSpinBox*>(name);
    }

private slots:
    void everyShownKnobRoundTrips() {
        PoolConfig config;
        config.maxConnections = 24;
        config.minIdle = 3;
        config.acquireTimeoutMs = 1500;
        config.connectTimeoutMs = 2500;
        config.readTimeoutMs = 7000;
        config.totalTimeoutMs = 90000;
        config.idleTimeoutMs = 30000;
        config.maxLifetimeMs = 600000;
        config.leakThresholdMs = 4000;
        config.http2 = Http2Mode::Off;
        config.maxStreamsPerConnection = 12;
        config.connectionsPerThread = 2;
        config.noPool = true;
        config.retries = 4;
        config.requestsPerMinute = 600;
        config.tokensPerMinute = 90000;
        config.retryAfterCapMs = 12345; // not on the form: kept as it was
        PoolSettingsForm form;
        form.setConfig(config);
        QCOMPARE(form.config().retryAfterCapMs, 12345);
        // The knobs go through the widgets, not through the config the form keeps: a second
        // form with the defaults gets every widget's value copied over, by object name.
        PoolSettingsForm copy;
        for (const QSpinBox* box : form.findChildren<QSpinBox*>())
            spin(copy, box->objectName())->setValue(box->value());
        for (const QComboBox* box : form.findChildren<QComboBox*>())
            copy.findChild<QComboBox*>(box->objectName())->setCurrentIndex(box->currentIndex());
        for (const QCheckBox* box : form.findChildren<QCheckBox*>())
            copy.findChild<QCheckBox*>(box->objectName())->setChecked(box->isChecked());
        const PoolConfig shown = copy.config();
        QCOMPARE(shown.maxConnections, 24);
        QCOMPARE(shown.minIdle, 3);
        QCOMPARE(shown.acquireTimeoutMs, 1500);
        QCOMPARE(shown.connectTimeoutMs, 2500);
        QCOMPARE(shown.readTimeoutMs, 7000);
        QCOMPARE(shown.totalTimeoutMs, 90000);
        QCOMPARE(shown.idleTimeoutMs, 30000);
        QCOMPARE(shown.maxLifetimeMs, 600000);
        QCOMPARE(shown.leakThresholdMs, 4000);
        QCOMPARE(shown.http2, Http2Mode::Off);
        QCOMPARE(shown.maxStreamsPerConnection, 12);
        QCOMPARE(shown.connectionsPerThread, 2);
        QVERIFY(shown.noPool);
        QCOMPARE(shown.retries, 4);
        QCOMPARE(shown.requestsPerMinute, 600.0);
        QCOMPARE(shown.tokensPerMinute, 90000.0);
        QCOMPARE(shown.retryAfterCapMs, PoolConfig{}.retryAfterCapMs); // not a widget
    }

    void applyHandsOnTheEditedValues() {
        PoolSettingsForm form;
        QSignalSpy applied(&form, &PoolSettingsForm::configApplied);
        spin(form, u"maxConnections"_s)->setValue(4);
        spin(form, u"minIdle"_s)->setValue(9); // more than max: held at max
        spin(form, u"maxStreams"_s)->setValue(5);
        form.findChild<QComboBox*>(u"http2"_s)->setCurrentIndex(1);
        form.findChild<QPushButton*>(u"applyPool"_s)->click();
        QCOMPARE(applied.size(), 1);
        const auto config = applied.first().first().value<PoolConfig>();
        QCOMPARE(config.maxConnections, 4);
        QCOMPARE(config.minIdle, 4);
        QCOMPARE(config.maxStreamsPerConnection, 5);
        QCOMPARE(config.http2, Http2Mode::On);
    }

    void defaultsPutTheDefaultsBack() {
        PoolSettingsForm form;
        spin(form, u"maxConnections"_s)->setValue(77);
        spin(form, u"maxStreams"_s)->setValue(3);
        for (QPushButton* button : form.findChildren<QPushButton*>()) {
            if (button->objectName() != u"applyPool"_s)
                button->click();
        }
        QCOMPARE(form.config().maxConnections, PoolConfig{}.maxConnections);
        QCOMPARE(form.config().maxStreamsPerConnection, PoolConfig{}.maxStreamsPerConnection);
    }
};

QTEST_MAIN(tst_PoolSettingsForm)
#include "tst_poolsettingsform.moc"
