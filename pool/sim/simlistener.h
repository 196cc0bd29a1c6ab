#pragma once

#include <QTcpServer>

#include <functional>

namespace poolscope::sim {

// A QTcpServer that hands each accepted descriptor to a callback instead of wrapping it in a
// QTcpSocket here: the socket is created by the worker that serves it, on its own thread.
class SimListener : public QTcpServer {
    Q_OBJECT
public:
    using Handler = std::function<void(qintptr)>;
    explicit SimListener(Handler handler, QObject* parent = nullptr);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    Handler m_handler;
};

} // namespace poolscope::sim
