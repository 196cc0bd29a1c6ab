#include "requestlogmodel.h"

#include "pricetable.h"

#include <QColor>
#include <QFont>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace poolscope {

namespace {

const QString kDash = u"\u2014"_s;

QString msText(double ms) {
    return ms < 0 ? kDash : QString::number(ms, 'f', 1);
}

// Keeps the head of an oversized field and says how much is missing.
void truncateBytes(QByteArray& bytes, qsizetype limit) {
    if (bytes.size() <= limit)
        return;
    const qsizetype dropped = bytes.size() - limit;
    bytes.truncate(limit);
    bytes += "\n\xe2\x80\xa6 [" + QByteArray::number(dropped) + " more bytes not kept]";
}

void truncateText(QString& text, qsizetype limit) {
    if (text.size() <= limit)
        return;
    const qsizetype dropped = text.size() - limit;
    text.truncate(limit);
    text += u"\n\u2026 ["_s + QString::number(dropped) + u" more characters not kept]"_s;
}

} // namespace

RequestLogModel::RequestLogModel(QObject* parent)
    : QAbstractTableModel(parent) {}

qsizetype RequestLogModel::payloadSize(const RequestRecord& record) {
    return record.requestBody.size() + record.output.size() * qsizetype(sizeof(QChar));
}

void RequestLogModel::setCapacity(int rows) {
    m_capacity = std::max(1, rows);
    const int excess = rowCount() - m_capacity;
    if (excess > 0)
        removeOldest(excess);
}

void RequestLogModel::setPayloadBudget(qsizetype bytes) {
    m_payloadBudget = std::max<qsizetype>(0, bytes);
    enforcePayloadBudget();
}

void RequestLogModel::setTimeOrigin(qint64 originUs) {
    if (originUs == m_originUs)
        return;
    m_originUs = originUs;
    if (rowCount() > 0)
        emit dataChanged(index(0, TimeColumn), index(rowCount() - 1, TimeColumn));
}

void RequestLogModel::addRecords(const QList<RequestRecord>& records) {
    if (records.isEmpty())
        return;
    const int count = int(std::min<qsizetype>(records.size(), m_capacity));
    const int excess = rowCount() + count - m_capacity;
    if (excess > 0)
        removeOldest(excess);

    const int modelsBefore = int(m_models.size());
    beginInsertRows({}, 0, count - 1);
    for (qsizetype i = records.size() - count; i < records.size(); ++i) {
        RequestRecord record = records[i];
        truncateBytes(record.requestBody, kMaxPayloadPerField);
        truncateText(record.output, kMaxPayloadPerField);
        m_payloadBytes += payloadSize(record);
        if (!record.model.isEmpty() && !m_models.contains(record.model))
            m_models.append(record.model);
        m_records.push_back(std::move(record));
    }
    endInsertRows();
    enforcePayloadBudget();
    if (m_models.size() != modelsBefore)
        emit modelsChanged(m_models);
}

void RequestLogModel::removeOldest(int count) {
    count = std::min(count, rowCount());
    if (count <= 0)
        return;
    beginRemoveRows({}, rowCount() - count, rowCount() - 1);
    for (int i = 0; i < count; ++i) {
        m_payloadBytes -= payloadSize(m_records.front());
        m_records.pop_front();
        if (m_stripped > 0)
            --m_stripped;
    }
    endRemoveRows();
}

void RequestLogModel::enforcePayloadBudget() {
    // The oldest records give up their bodies first; their timings stay.
    while (m_payloadBytes > m_payloadBudget && m_stripped < m_records.size()) {
        RequestRecord& record = m_records[m_stripped++];
        m_payloadBytes -= payloadSize(record);
        record.requestBody = "[not kept: the log keeps the bodies of recent requests only]";
        record.output = tr("[not kept: the log keeps the output of recent requests only]");
        m_payloadBytes += payloadSize(record);
    }
}

void RequestLogModel::clear() {
    beginResetModel();
    m_records.clear();
    m_payloadBytes = 0;
    m_stripped = 0;
    endResetModel();
    if (!m_models.isEmpty()) {
        m_models.clear();
        emit modelsChanged(m_models);
    }
}

const RequestRecord& RequestLogModel::recordAt(int row) const {
    return m_records[m_records.size() - 1 - size_t(row)];
}

int RequestLogModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_records.size());
}

int RequestLogModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RequestLogModel::display(const RequestRecord& record, int column) const {
    switch (Column(column)) {
    case TimeColumn:
        if (record.timeline.finishedAt <= 0)
            return kDash;
        return QString::number(double(record.timeline.finishedAt - m_originUs) / 1e6, 'f', 3);
    case RequestIdColumn:
        return record.requestId;
    case StatusColumn:
        return record.ok ? tr("ok") : tr("error");
    case HttpColumn:
        return record.httpStatus > 0 ? QString::number(record.httpStatus) : kDash;
    case ClassColumn:
        return errorClassName(record.errorClass);
    case ModelColumn:
        return record.model;
    case ConnectionColumn:
        return record.connectionId > 0 ? u"#"_s + QString::number(record.connectionId) : kDash;
    case ReusedColumn:
        if (record.connectionId <= 0)
            return kDash;
        return record.reused ? tr("reused") : tr("new");
    case AttemptsColumn:
        return QString::number(record.attempts);
    case QueueColumn:
        return msText(record.queueMs());
    case TtftColumn:
        return msText(record.ttftMs());
    case E2eColumn:
        return msText(record.e2eMs());
    case TokensColumn: {
        if (!record.tokens.hasCounts())
            return kDash;
        auto count = [](qint64 n) {
            return n >= 0 ? QString::number(n) : u"?"_s;
        };
        return QString((record.tokens.estimated ? u"~"_s : QString()) +
                       count(record.tokens.prompt) + u" \u2192 "_s +
                       count(record.tokens.completion));
    }
    case CostColumn:
        return record.costPicoUsd ? PriceTable::formatUsd(*record.costPicoUsd, 6) : tr("unknown");
    case ColumnCount:
        break;
    }
    return {};
}

QVariant RequestLogModel::sortValue(const RequestRecord& record, int column) const {
    switch (Column(column)) {
    case TimeColumn:
        return record.timeline.finishedAt;
    case RequestIdColumn:
        return record.requestId;
    case StatusColumn:
        return int(record.ok);
    case HttpColumn:
        return record.httpStatus;
    case ClassColumn:
        return errorClassName(record.errorClass);
    case ModelColumn:
        return record.model;
    case ConnectionColumn:
        return record.connectionId;
    case ReusedColumn:
        return int(record.reused);
    case AttemptsColumn:
        return record.attempts;
    case QueueColumn:
        return record.queueMs();
    case TtftColumn:
        return record.ttftMs();
    case E2eColumn:
        return record.e2eMs();
    case TokensColumn:
        return record.tokens.completion;
    case CostColumn:
        return record.costPicoUsd ? *record.costPicoUsd : qint64(-1);
    case ColumnCount:
        break;
    }
    return {};
}

QVariant RequestLogModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RequestRecord& record = recordAt(index.row());
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return display(record, column);
    case SortRole:
        return sortValue(record, column);
    case OkRole:
        return record.ok;
    case ModelNameRole:
        return record.model;
    case RecordIdRole:
        return record.id;
    case SearchTextRole:
        return QStringList{record.requestId, record.index, record.error,
                           errorClassName(record.errorClass)}
            .join(u'\n');
    case Qt::ForegroundRole:
        if (!record.ok && (column == StatusColumn || column == ClassColumn))
            return QColor(0xb0, 0x1c, 0x1c);
        if (column == CostColumn && !record.costPicoUsd)
            return QColor(0xb3, 0x5c, 0x00);
        return {};
    case Qt::FontRole:
        if (column == CostColumn && !record.costPicoUsd) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case Qt::TextAlignmentRole:
        switch (column) {
        case TimeColumn:
        case HttpColumn:
        case ConnectionColumn:
        case AttemptsColumn:
        case QueueColumn:
        case TtftColumn:
        case E2eColumn:
        case TokensColumn:
        case CostColumn:
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        default:
            return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
        }
    case Qt::ToolTipRole:
        if (column == CostColumn && !record.costPicoUsd)
            return tr("No price is known for model \u201c%1\u201d: the cost is unknown, not zero.")
                .arg(record.model);
        if (!record.ok && !record.error.isEmpty())
            return record.error;
        return {};
    default:
        return {};
    }
}

QVariant RequestLogModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::DisplayRole) {
        switch (Column(section)) {
        case TimeColumn:
            return tr("t (s)");
        case RequestIdColumn:
            return tr("Request ID");
        case StatusColumn:
            return tr("Status");
        case HttpColumn:
            return tr("HTTP");
        case ClassColumn:
            return tr("Class");
        case ModelColumn:
            return tr("Model");
        case ConnectionColumn:
            return tr("Conn.");
        case ReusedColumn:
            return tr("Reused");
        case AttemptsColumn:
            return tr("Tries");
        case QueueColumn:
            return tr("Queue ms");
        case TtftColumn:
            return tr("TTFT ms");
        case E2eColumn:
            return tr("E2E ms");
        case TokensColumn:
            return tr("Tokens in \u2192 out");
        case CostColumn:
            return tr("Cost");
        case ColumnCount:
            break;
        }
    } else if (role == Qt::ToolTipRole) {
        switch (Column(section)) {
        case TimeColumn:
            return tr("When the request finished, in seconds on the charts' time axis");
        case QueueColumn:
            return tr("Time spent waiting for a connection from the pool");
        case TtftColumn:
            return tr("Time to the first content token, from submission");
        case E2eColumn:
            return tr("End to end, from submission to the last byte");
        case TokensColumn:
            return tr("Prompt and completion tokens (~: estimated, the provider reported none)");
        default:
            break;
        }
    }
    return {};
}

} // namespace poolscope
