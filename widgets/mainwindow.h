#pragma once

#include <QMainWindow>

namespace poolscope {

class ChatPage;
class PoolHost;
class PoolStatusLabel;

// The main window: pages in tabs, the pool's state in the status bar.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    MainWindow(PoolHost* host, const QString& profileName, const QString& model,
               QWidget* parent = nullptr);

    ChatPage* chatPage() const { return m_chat; }

private:
    PoolHost* m_host;
    ChatPage* m_chat;
    PoolStatusLabel* m_status;
};

} // namespace poolscope
