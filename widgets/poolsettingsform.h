#pragma once

#include "poolconfig.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QFormLayout;
class QSpinBox;

namespace poolscope {

// Every pool knob, explained in HikariCP's terms. Changes apply live (the pool lets in-flight
// requests finish when it shrinks).
class PoolSettingsForm : public QWidget {
    Q_OBJECT
public:
    explicit PoolSettingsForm(QWidget* parent = nullptr);

    void setConfig(const PoolConfig& config);
    PoolConfig config() const;

signals:
    void configApplied(const poolscope::PoolConfig& config);

private:
    QSpinBox* addCount(const QString& label, const QString& objectName, int minimum, int maximum,
                       const QString& tip);
    QSpinBox* addMs(const QString& label, const QString& objectName, const QString& tip);

    PoolConfig m_base; // knobs the form does not show are kept as they were
    QSpinBox* m_maxConnections;
    QSpinBox* m_minIdle;
    QSpinBox* m_acquireTimeout;
    QSpinBox* m_connectTimeout;
    QSpinBox* m_readTimeout;
    QSpinBox* m_totalTimeout;
    QSpinBox* m_idleTimeout;
    QSpinBox* m_maxLifetime;
    QSpinBox* m_leakThreshold;
    QComboBox* m_http2;
    QSpinBox* m_maxStreams;
    QSpinBox* m_perThread;
    QCheckBox* m_noPool;
    QSpinBox* m_retries;
    QSpinBox* m_rpm;
    QSpinBox* m_tpm;
    QFormLayout* m_form;
};

} // namespace poolscope
