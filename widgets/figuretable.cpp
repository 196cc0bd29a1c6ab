#include "figuretable.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QEvent>
#include <QFontMetrics>
#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

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
    m_tableWidth = tableWidth;
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
    // Notes wrap nowhere, but they are footnotes: they may elide rather than widen the table.
    const QSize minimum(tableWidth - shrink + extraWidth, height);
    if (size != m_size || minimum != m_minimumSize) {
        m_size = size;
        m_minimumSize = minimum;
        updateGeometry();
    }
}

QList<int> FigureTable::shownWidths() const {
    // Short of room, the elided column gives up what is missing, down to its minimum.
    QList<int> widths = m_columnWidths;
    if (m_elidedColumn >= 0 && m_elidedColumn < widths.size()) {
        const int missing = m_tableWidth - contentsRect().width();
        int& column = widths[m_elidedColumn];
        if (missing > 0)
            column = std::max(std::min(m_elidedMinimumWidth, column), column - missing);
    }
    return widths;
}

QString FigureTable::shownText(const Cell& cell, int shownWidth) const {
    if (shownWidth >= textWidth(cell))
        return cell.text;
    const QFontMetrics metrics(cell.bold ? boldOf(font()) : font());
    return metrics.elidedText(cell.text, Qt::ElideMiddle, shownWidth);
}

void FigureTable::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    const QRect area = contentsRect();
    const QFont regular = font();
    const QFont bold = boldOf(regular);
    const QColor text = palette().color(foregroundRole());
    const int height = rowHeight();
    const QList<int> widths = shownWidths();
    int y = area.top();
    for (const Row& row : std::as_const(m_rows)) {
        int x = area.left();
        for (qsizetype c = 0; c < row.size() && c < widths.size(); ++c) {
            const Cell& cell = row[c];
            painter.setFont(cell.bold ? bold : regular);
            painter.setPen(cell.color.isValid() ? cell.color : text);
            // Advances are whole pixels; a glyph's ink may reach a pixel past its box.
            painter.drawText(QRect(x, y, widths[c], height),
                             int(cell.alignment | Qt::AlignVCenter | Qt::TextDontClip),
                             shownText(cell, widths[c]));
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
                         int(Qt::AlignLeft | Qt::AlignVCenter),
                         metrics.elidedText(line, Qt::ElideRight, area.width()));
        y += metrics.height();
    }
}

bool FigureTable::event(QEvent* event) {
    if (event->type() != QEvent::ToolTip)
        return QWidget::event(event);
    // An elided name shows in full under the mouse.
    const QPoint at = static_cast<QHelpEvent*>(event)->pos();
    const QRect area = contentsRect();
    const QList<int> widths = shownWidths();
    const qsizetype r = (at.y() - area.top()) / rowHeight();
    if (at.y() >= area.top() && r < m_rows.size()) {
        int x = area.left();
        const Row& row = m_rows[r];
        for (qsizetype c = 0; c < row.size() && c < widths.size(); ++c) {
            if (at.x() >= x && at.x() < x + widths[c]) {
                if (shownText(row[c], widths[c]) != row[c].text) {
                    QToolTip::showText(static_cast<QHelpEvent*>(event)->globalPos(), row[c].text,
                                       this);
                    return true;
                }
                break;
            }
            x += widths[c] + kColumnGap;
        }
    }
    QToolTip::hideText();
    event->ignore();
    return true;
}

void FigureTable::changeEvent(QEvent* event) {
    if (event->type() == QEvent::FontChange || event->type() == QEvent::ContentsRectChange)
        remeasure(true);
    QWidget::changeEvent(event);
}

void FigureTable::copyToClipboard() const {
    QApplication::clipboard()->setText(plainText());
}

} // namespace poolscope
