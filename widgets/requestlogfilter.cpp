#include "requestlogfilter.h"

#include "requestlogmodel.h"

namespace poolscope {

RequestLogFilter::RequestLogFilter(QObject* parent)
    : QSortFilterProxyModel(parent) {
    setSortRole(RequestLogModel::SortRole);
}

void RequestLogFilter::setStatusFilter(Status status) {
    if (status == m_status)
        return;
    m_status = status;
    invalidateFilter();
}

void RequestLogFilter::setModelFilter(const QString& model) {
    if (model == m_model)
        return;
    m_model = model;
    invalidateFilter();
}

void RequestLogFilter::setSearchText(const QString& text) {
    const QString trimmed = text.trimmed();
    if (trimmed == m_search)
        return;
    m_search = trimmed;
    invalidateFilter();
}

bool RequestLogFilter::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    if (m_status != Status::All) {
        const bool ok = index.data(RequestLogModel::OkRole).toBool();
        if (ok != (m_status == Status::Ok))
            return false;
    }
    if (!m_model.isEmpty() && index.data(RequestLogModel::ModelNameRole).toString() != m_model)
        return false;
    if (!m_search.isEmpty() && !index.data(RequestLogModel::SearchTextRole)
                                    .toString()
                                    .contains(m_search, Qt::CaseInsensitive))
        return false;
    return true;
}

} // namespace poolscope
