#pragma once

#include "poolsnapshot.h"

#include <QLabel>

namespace poolscope {

// The status bar's one-line view of the pool: active / idle / pending / max.
class PoolStatusLabel : public QLabel {
    Q_OBJECT
public:
    explicit PoolStatusLabel(QWidget* parent = nullptr);
    void showSnapshot(const poolscope::PoolSnapshot& snapshot);
};

} // namespace poolscope
