#pragma once

#include "anthropicwireformat.h"
#include "openaiwireformat.h"

#include <QBasicTimer>
#include <QObject>
#include <QSslConfiguration>

#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

namespace poolscope::sim {

class SimConnection;
class SimServer;
class SimState;
struct TruthRecord;

// Serves the connections handed to it, on the thread it lives on. All timing goes through one
// schedule: a min-heap of wake-up times and a single timer armed for the earliest, instead of a
// QTimer per request or per connection.
class SimWorker : public QObject {
    Q_OBJECT
public:
    SimWorker(SimState& state, SimServer* server, QObject* parent = nullptr);
    ~SimWorker() override;

    void setTls(const QSslConfiguration& configuration); // before any connection
    void addConnection(qintptr descriptor);
    // Posted by SimState when a capacity slot goes to a queued request of this worker.
    void grantSlot(quint64 connectionId, quint64 requestNumber);
    // Closes every connection (logging requests under way) and stops the schedule; called on
    // the worker's thread before it is destroyed.
    void shutdown();

    // For connections.
    SimState& state() const { return m_state; }
    const SimWireFormat& format(SimApi api) const;
    // Replaces the connection's wake-up time; one per connection.
    void wakeAt(SimConnection& connection, qint64 dueUs);
    void cancelWake(SimConnection& connection);
    void connectionClosed(SimConnection& connection);
    void logged(const TruthRecord& record);

protected:
    void timerEvent(QTimerEvent* event) override;

private:
    struct Wake {
        qint64 dueUs;
        quint64 connectionId;
        bool operator>(const Wake& other) const { return dueUs > other.dueUs; }
    };
    void armTimer();

    SimState& m_state;
    SimServer* m_server;
    OpenAiWireFormat m_openAi;
    AnthropicWireFormat m_anthropic;
    std::optional<QSslConfiguration> m_tls;
    std::unordered_map<quint64, std::unique_ptr<SimConnection>> m_connections;
    std::vector<Wake> m_wakes; // a min-heap on dueUs
    QBasicTimer m_timer;
    qint64 m_timerDueUs = -1;
    bool m_dispatching = false;
};

} // namespace poolscope::sim
