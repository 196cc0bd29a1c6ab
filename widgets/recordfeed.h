#pragma once

#include "pricetable.h"
#include "requestrecord.h"

#include <QBasicTimer>
#include <QList>
#include <QObject>

namespace poolscope {

class ConnectionPool;

// Collects the pool's finished requests on the GUI thread, prices them, and hands them on in
// batches about 10 times a second, so pages redraw per batch rather than per request.
class RecordFeed : public QObject {
    Q_OBJECT
public:
    RecordFeed(ConnectionPool* pool, const PriceTable& prices, QObject* parent = nullptr);
    void setPrices(const PriceTable& prices) { m_prices = prices; }
    void addPool(ConnectionPool* pool); // another pool whose requests the pages should see

signals:
    void recordsReady(const QList<poolscope::RequestRecord>& records);

protected:
    void timerEvent(QTimerEvent* event) override;

private:
    PriceTable m_prices;
    QList<RequestRecord> m_buffer;
    QBasicTimer m_timer;
};

} // namespace poolscope
