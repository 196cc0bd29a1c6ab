#include "poolstatuslabel.h"

namespace poolscope {

PoolStatusLabel::PoolStatusLabel(QWidget* parent)
    : QLabel(parent) {
    setObjectName(QStringLiteral("poolStatus"));
    setToolTip(tr("Connections carrying a request / open but unused / requests waiting for a "
                  "connection / the pool's maximum"));
    showSnapshot({});
}

void PoolStatusLabel::showSnapshot(const PoolSnapshot& s) {
    setText(tr("active %1 · idle %2 · pending %3 · max %4 · opened %5")
                .arg(s.active)
                .arg(s.idle)
                .arg(s.pending)
                .arg(s.max)
                .arg(s.connectionsOpened));
}

} // namespace poolscope
