#include "mainwindow.h"

#include "chatpage.h"
#include "connectionpool.h"
#include "poolhost.h"
#include "poolstatuslabel.h"

#include <QAction>
#include <QApplication>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QTabWidget>

using namespace Qt::StringLiterals;

namespace poolscope {

MainWindow::MainWindow(PoolHost* host, const QString& profileName, const QString& model,
                       QWidget* parent)
    : QMainWindow(parent)
    , m_host(host)
    , m_chat(new ChatPage(host, this))
    , m_status(new PoolStatusLabel(this)) {
    setWindowTitle(tr("PoolScope — %1").arg(profileName));
    m_chat->setModel(model);
    auto* tabs = new QTabWidget(this);
    tabs->addTab(m_chat, tr("Playground"));
    setCentralWidget(tabs);

    auto* profile = new QLabel(tr("profile: %1 · model: %2").arg(profileName, model), this);
    statusBar()->addWidget(profile);
    statusBar()->addPermanentWidget(m_status);
    connect(host->pool(), &ConnectionPool::snapshotReady, m_status, &PoolStatusLabel::showSnapshot);

    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* clear = file->addAction(tr("&Clear conversation"), m_chat, &ChatPage::clear);
    clear->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
    quit->setShortcut(QKeySequence::Quit);
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About PoolScope"), this, [this] {
        QMessageBox::about(this, tr("About PoolScope"),
                           tr("<b>PoolScope %1</b><p>A monitor and playground for LLM API "
                              "traffic: every request goes through a measured connection "
                              "pool.</p>")
                               .arg(QStringLiteral(POOLSCOPE_VERSION)));
    });
    resize(1100, 760);
}

} // namespace poolscope
