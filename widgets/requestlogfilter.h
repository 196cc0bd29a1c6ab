#pragma once

#include <QSortFilterProxyModel>

namespace poolscope {

// Filters the request log by status, model and a search text (request id, index, error), and
// sorts numeric columns by number. Unsorted, it keeps the log's newest-first order.
class RequestLogFilter : public QSortFilterProxyModel {
    Q_OBJECT
public:
    enum class Status { All, Ok, Error };

    explicit RequestLogFilter(QObject* parent = nullptr);

    void setStatusFilter(Status status);
    Status statusFilter() const { return m_status; }
    void setModelFilter(const QString& model); // empty: every model
    QString modelFilter() const { return m_model; }
    void setSearchText(const QString& text);
    QString searchText() const { return m_search; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    Status m_status = Status::All;
    QString m_model;
    QString m_search;
};

} // namespace poolscope
