#include "recordfeed.h"

#include "connectionpool.h"

#include <QTimerEvent>

namespace poolscope {

RecordFeed::RecordFeed(ConnectionPool* pool, const PriceTable& prices, QObject* parent)
    : QObject(parent)
    , m_prices(prices) {
    addPool(pool);
}

void RecordFeed::addPool(ConnectionPool* pool) {
    connect(pool, &ConnectionPool::requestFinished, this, [this](const RequestRecord& record) {
        RequestRecord priced = record;
        if (!priced.costPicoUsd)
            priced.costPicoUsd = m_prices.costPico(priced.model, priced.tokens);
        m_buffer.append(priced);
        if (!m_timer.isActive())
            m_timer.start(100, this);
    });
}

void RecordFeed::timerEvent(QTimerEvent* event) {
    if (event->timerId() != m_timer.timerId())
        return;
    m_timer.stop();
    if (!m_buffer.isEmpty())
        emit recordsReady(std::exchange(m_buffer, {}));
}

} // namespace poolscope
