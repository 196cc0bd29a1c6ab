#include "figuretable.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QEvent>
#include <QFontMetrics>
#include <QPainter>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace poolscope {

namespace {

QFont boldOf(QFont font) {
    font.setBold(true);
    return font;
}

const QColor kNoteColor(0x55, 0x55, 0x55);

} // namespace

FigureTable::FigureTable(QWidget* parent)
    : QWidget(parent) {
    setContentsMargins(4, 8, 8, 4);
    setSizePolicy(QSizePolicy::Maximum, QSizePolicy::Preferred);
    auto* copy = new QAction(tr("Copy table"), this);
    connect(copy, &QAction::triggered, this, &FigureTable::copyToClipboard);
    addAction(copy);
    setContextMenuPolicy(Qt::ActionsContextMenu);
    remeasure(true);
}

void FigureTable::setRows(const QList<Row>& rows) {
    if (rows == m_rows)
        return;
    m_rows = rows;
    remeasure(false);
    update();
}

void FigureTable::setNotes(const QStringList& lines) {
    if (lines == m_notes)
        return;
    m_notes = lines;
    remeasure(false);
    update();
}

void FigureTable::clear() {
    m_rows.clear();
    m_notes.clear();
    remeasure(true);
    update();
}

void FigureTable::setElidedColumn(int column, int minimumWidth) {
    m_elidedColumn = column;
    m_elidedMinimumWidth = minimumWidth;
    remeasure(false);
    update();
}

QString FigureTable::plainText() const {
    QStringList lines;
    for (const Row& row : m_rows) {
        QStringList cells;
        for (const Cell& cell : row)
            cells.append(cell.text);
        lines.append(cells.join(u'\t'));
    }
    lines.append(m_notes);
    return lines.join(u'\n');
}

int FigureTable::textWidth(const Cell& cell) const {
    const QFontMetrics metrics(cell.bold ? boldOf(font()) : font());
    return metrics.horizontalAdvance(cell.text);
}

int FigureTable::rowHeight() const {
    return QFontMetrics(boldOf(font())).height() + 2 * kRowPadding;
}

void FigureTable::remeasure(bool forgetWidths) {
    if (forgetWidths) {
        m_columnWidths.clear();
        m_notesWidth = 0;
    }
    for (const Row& row : std::as_const(m_rows)) {
        if (m_columnWidths.size() < row.size())
            m_columnWidths.resize(row.size(), 0);
        for (qsizetype c = 0; c < row.size(); ++c)
            m_columnWidths[c] = std::max(m_columnWidths[c], textWidth(row[c]));
    }
    const QFontMetrics metrics(font());
    for (const QString& line : std::as_const(m_notes))
        m_notesWidth = std::max(m_notesWidth, metrics.horizontalAdvance(line));

    int tableWidth = 0;
    for (int width : std::as_const(m_columnWidths))
        tableWidth += width;
    if (!m_columnWidths.isEmpty())
        tableWidth += kColumnGap * int(m_columnWidths.size() - 1);
    const int notesHeight =
        m_notes.isEmpty() ? 0 : rowHeight() / 2 + int(m_notes.size()) * metrics.height();
    const QMargins margins = contentsMargins();
    const int extraWidth = margins.left() + margins.right();
    const int height =
        int(m_rows.size()) * rowHeight() + notesHeight + margins.top() + margins.bottom();
    const QSize size(std::max(tableWidth, m_notesWidth) + extraWidth, height);
    int shrink = 0;
    if (m_elidedColumn >= 0 && m_elidedColumn < m_columnWidths.size())
        shrink = std::max(0, m_columnWidths[m_elidedColumn] - m_elidedMinimumWidth);
    // Notes wrap nowhere, but they are footnotes: they may be cut rather than widen the table.
    const QSize minimum(tableWidth - shrink + extraWidth, height);
    if (size != m_size || minimum != m_minimumSize) {
        m_size = size;
        m_minimumSize = minimum;
        updateGeometry();
    }
}

void FigureTable::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    const QRect area = contentsRect();
    const QFont regular = font();
    const QFont bold = boldOf(regular);
    const int height = rowHeight();
    // Short of room, the elided column gives up what is missing (down to its minimum).
    QList<int> widths = m_columnWidths;
    if (m_elidedColumn >= 0 && m_elidedColumn < widths.size()) {
        const int missing = m_size.width() - width();
        if (missing > 0)
            widths[m_elidedColumn] =
                std::max(m_elidedMinimumWidth, widths[m_elidedColumn] - missing);
    }
    int y = area.top();
    for (const Row& row : std::as_const(m_rows)) {
        int x = area.left();
        for (qsizetype c = 0; c < row.size() && c < widths.size(); ++c) {
            const Cell& cell = row[c];
            const QFont& cellFont = cell.bold ? bold : regular;
            painter.setFont(cellFont);
            painter.setPen(cell.color.isValid() ? cell.color : palette().color(QPalette::Text));
            const QRect box(x, y, widths[c], height);
            const QString text =
                widths[c] < m_columnWidths[c]
                    ? QFontMetrics(cellFont).elidedText(cell.text, Qt::ElideMiddle, widths[c])
                    : cell.text;
            painter.drawText(box, int(cell.alignment | Qt::AlignVCenter), text);
            x += widths[c] + kColumnGap;
        }
        y += height;
    }
    if (m_notes.isEmpty())
        return;
    painter.setFont(regular);
    painter.setPen(kNoteColor);
    const QFontMetrics metrics(regular);
    y += height / 2;
    for (const QString& line : std::as_const(m_notes)) {
        painter.drawText(QRect(area.left(), y, area.width(), metrics.height()),
                         int(Qt::AlignLeft | Qt::AlignVCenter), line);
        y += metrics.height();
    }
}

void FigureTable::changeEvent(QEvent* event) {
    if (event->type() == QEvent::FontChange)
        remeasure(true);
    QWidget::changeEvent(event);
}

void FigureTable::copyToClipboard() const {
    QApplication::clipboard()->setText(plainText());
}

} // namespace poolscope
