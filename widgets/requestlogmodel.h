#pragma once

#include "requestrecord.h"

#include <QAbstractTableModel>
#include <QStringList>

#include <deque>

namespace poolscope {

// The request log: the last N finished requests, newest first. Bounded twice: by row count,
// and by the bytes of bodies and outputs it keeps (the oldest rows lose theirs first), so a
// long run with large prompts cannot grow it without limit.
class RequestLogModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        TimeColumn,
        RequestIdColumn,
        StatusColumn,
        HttpColumn,
        ClassColumn,
        ModelColumn,
        ConnectionColumn,
        ReusedColumn,
        AttemptsColumn,
        QueueColumn,
        TtftColumn,
        E2eColumn,
        TokensColumn,
        CostColumn,
        ColumnCount
    };
    enum Role {
        SortRole = Qt::UserRole + 1, // numbers for numeric columns
        OkRole,                      // bool
        ModelNameRole,               // QString
        RecordIdRole,                // quint64, the pool's sequence number
        SearchTextRole,              // request id, index, error text: what the search box matches
    };

    static constexpr int kDefaultCapacity = 5000;
    static constexpr qsizetype kDefaultPayloadBudget = 48 * 1024 * 1024;
    static constexpr qsizetype kMaxPayloadPerField = 64 * 1024;

    explicit RequestLogModel(QObject* parent = nullptr);

    void setCapacity(int rows);
    int capacity() const { return m_capacity; }
    void setPayloadBudget(qsizetype bytes);
    qsizetype payloadBytes() const { return m_payloadBytes; }
    // x of the charts: the log shows times as seconds since this instant (µs, monotonic).
    void setTimeOrigin(qint64 originUs);

    void addRecords(const QList<RequestRecord>& records);
    void clear();

    const RequestRecord& recordAt(int row) const; // row 0 is the newest
    QStringList models() const { return m_models; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

signals:
    void modelsChanged(const QStringList& models);

private:
    static qsizetype payloadSize(const RequestRecord& record);
    QVariant display(const RequestRecord& record, int column) const;
    QVariant sortValue(const RequestRecord& record, int column) const;
    void removeOldest(int count);
    void enforcePayloadBudget();

    std::deque<RequestRecord> m_records; // oldest first; row r is m_records[size - 1 - r]
    int m_capacity = kDefaultCapacity;
    qsizetype m_payloadBudget = kDefaultPayloadBudget;
    qsizetype m_payloadBytes = 0;
    size_t m_stripped = 0; // the oldest m_stripped records have lost their payload
    qint64 m_originUs = 0;
    QStringList m_models;
};

} // namespace poolscope
