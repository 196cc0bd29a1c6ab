#include "simlistener.h"

namespace poolscope::sim {

SimListener::SimListener(Handler handler, QObject* parent)
    : QTcpServer(parent)
    , m_handler(std::move(handler)) {}

void SimListener::incomingConnection(qintptr descriptor) {
    m_handler(descriptor);
}

} // namespace poolscope::sim
