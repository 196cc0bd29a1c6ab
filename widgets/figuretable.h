#pragma once

#include <QColor>
#include <QList>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <utility>

namespace poolscope {

// A small table of figures painted as plain text: the monitor's latency, error and spend
// tables beside their charts. A rich-text QLabel lays out its HTML document once for its size
// hint and again to paint, each time a figure changes, and its new size hint re-runs the page's
// layout: several times a second on a busy run, that was most of a redraw. This measures cells
// with font metrics and paints them directly. Each column keeps the width of the widest text it
// has shown (until clear()), so changing figures neither make the table jitter nor ask the
// layout to run again. The context menu copies the table as tab-separated text; a name elided
// for want of room shows in full in a tooltip.
class FigureTable : public QWidget {
    Q_OBJECT
public:
    struct Cell {
        Cell() = default;
        // Implicit: a bare string is a plain, right-aligned figure.
        Cell(QString text, QColor color = {}, bool bold = false, // NOLINT
             Qt::Alignment alignment = Qt::AlignRight)
            : text(std::move(text))
            , color(color)
            , bold(bold)
            , alignment(alignment) {}
        QString text;
        QColor color; // invalid: the palette's text color
        bool bold = false;
        Qt::Alignment alignment = Qt::AlignRight;
        bool operator==(const Cell&) const = default;
    };
    using Row = QList<Cell>;

    explicit FigureTable(QWidget* parent = nullptr);

    // The first row is usually the header; a row may have fewer cells than others.
    void setRows(const QList<Row>& rows);
    void setNotes(const QStringList& lines); // grey lines under the table
    void clear();                            // no rows, no notes, and the widths forgotten
    // Lets `column` (left-aligned names) shrink to `minimumWidth` when space is short; its
    // texts then elide in the middle. Other columns always show their figures whole.
    void setElidedColumn(int column, int minimumWidth);

    const QList<Row>& rows() const { return m_rows; }
    const QStringList& notes() const { return m_notes; }
    // Cells joined by tabs, rows and notes by newlines.
    QString plainText() const;

    QSize sizeHint() const override { return m_size; }
    QSize minimumSizeHint() const override { return m_minimumSize; }

    static constexpr int kColumnGap = 10;
    static constexpr int kRowPadding = 2;

protected:
    bool event(QEvent* event) override; // tooltips for elided names
    void paintEvent(QPaintEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    int textWidth(const Cell& cell) const;
    QList<int> shownWidths() const; // the column widths at the current width
    QString shownText(const Cell& cell, int shownWidth) const;
    int rowHeight() const;
    void remeasure(bool forgetWidths);
    void copyToClipboard() const;

    QList<Row> m_rows;
    QStringList m_notes;
    QList<int> m_columnWidths;
    int m_notesWidth = 0;
    int m_tableWidth = 0; // the columns and the gaps between them
    int m_elidedColumn = -1;
    int m_elidedMinimumWidth = 0;
    QSize m_size;
    QSize m_minimumSize;
};

} // namespace poolscope
