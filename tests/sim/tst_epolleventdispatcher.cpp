// The simulator's epoll event dispatcher must behave like Qt's own: timers, posted events,
// deferred deletes, socket notifiers, nested loops, quitting a thread.
#include "epolleventdispatcher.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QPointer>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <atomic>

using namespace Qt::StringLiterals;
using poolscope::sim::EpollEventDispatcher;

namespace {

// Runs `body` on a thread driven by an EpollEventDispatcher and returns once the thread has
// finished. The body records what it saw; the test checks it afterwards on its own thread.
template <typename Body> bool onEpollThread(Body body) {
    QThread thread;
    auto* dispatcher = EpollEventDispatcher::create();
    if (!dispatcher)
        return false;
    thread.setEventDispatcher(dispatcher);
    thread.start();
    const bool installed = QAbstractEventDispatcher::instance(&thread) == dispatcher;
    QObject context;
    context.moveToThread(&thread);
    QMetaObject::invokeMethod(&context, body, Qt::BlockingQueuedConnection);
    thread.quit();
    return thread.wait(10000) && installed;
}

} // namespace

class TestEpollEventDispatcher : public QObject {
    Q_OBJECT
private slots:
    void timers();
    void zeroTimerAndPostedEvents();
    void killTimerInsideItsEvent();
    void deleteLaterAndNestedLoop();
    void sockets();
    void quitFromOtherThread();
};

void TestEpollEventDispatcher::timers() {
    int single = 0;
    int repeats = 0;
    qint64 singleAt = -1;
    int remaining = -2;
    qsizetype timersLeft = -1;
    QVERIFY(onEpollThread([&] {
        QEventLoop loop;
        QElapsedTimer clock;
        clock.start();
        QTimer::singleShot(50, Qt::PreciseTimer, &loop, [&] {
            ++single;
            singleAt = clock.elapsed();
        });
        QTimer repeating;
        repeating.setTimerType(Qt::PreciseTimer);
        repeating.setInterval(10);
        QObject::connect(&repeating, &QTimer::timeout, &loop, [&] {
            if (++repeats == 10)
                repeating.stop();
        });
        repeating.start();
        remaining = repeating.remainingTime();
        QTimer::singleShot(300, &loop, &QEventLoop::quit);
        loop.exec();
        timersLeft = QAbstractEventDispatcher::instance()->registeredTimers(&repeating).size();
    }));
    QCOMPARE(single, 1);
    QVERIFY2(singleAt >= 50, qPrintable(QString::number(singleAt)));
    QCOMPARE(repeats, 10);
    QVERIFY(remaining >= 0 && remaining <= 10);
    QCOMPARE(timersLeft, 0);
}

void TestEpollEventDispatcher::zeroTimerAndPostedEvents() {
    int zeroTicks = 0;
    int posted = 0;
    QVERIFY(onEpollThread([&] {
        QEventLoop loop;
        QTimer zero;
        zero.setInterval(0);
        QObject::connect(&zero, &QTimer::timeout, &loop, [&] {
            if (++zeroTicks == 100)
                zero.stop();
        });
        zero.start();
        for (int i = 0; i < 50; ++i)
            QMetaObject::invokeMethod(
                &loop, [&] { ++posted; }, Qt::QueuedConnection);
        // Posted from another thread while the dispatcher waits: it must wake up.
        QThread* poster = QThread::create([&loop] {
            QThread::msleep(50);
            QMetaObject::invokeMethod(&loop, &QEventLoop::quit, Qt::QueuedConnection);
        });
        poster->start();
        loop.exec();
        poster->wait();
        delete poster;
    }));
    QCOMPARE(zeroTicks, 100);
    QCOMPARE(posted, 50);
}

void TestEpollEventDispatcher::killTimerInsideItsEvent() {
    class Killer : public QObject {
    public:
        int fired = 0;
        int other = 0;
        void timerEvent(QTimerEvent* event) override {
            ++fired;
            killTimer(event->timerId());
            killTimer(other); // due at the same moment: must not fire afterwards
        }
    };
    int fired = -1;
    QVERIFY(onEpollThread([&] {
        Killer killer;
        killer.startTimer(5, Qt::PreciseTimer);
        killer.other = killer.startTimer(5, Qt::PreciseTimer);
        QEventLoop loop;
        QTimer::singleShot(100, &loop, &QEventLoop::quit);
        loop.exec();
        fired = killer.fired;
    }));
    QCOMPARE(fired, 1);
}

void TestEpollEventDispatcher::deleteLaterAndNestedLoop() {
    bool nestedRan = false;
    bool deletedInside = false;
    QPointer<QObject> doomed;
    QVERIFY(onEpollThread([&] {
        QEventLoop outer;
        QTimer::singleShot(10, &outer, [&] {
            // deleteLater() from inside an event: done once control is back in this loop.
            doomed = new QObject;
            doomed->deleteLater();
            QEventLoop inner;
            QTimer::singleShot(10, &inner, [&] {
                nestedRan = true;
                inner.quit();
            });
            inner.exec();
            QTimer::singleShot(10, &outer, [&] {
                deletedInside = doomed.isNull();
                outer.quit();
            });
        });
        outer.exec();
    }));
    QVERIFY(nestedRan);
    QVERIFY(deletedInside);
}

void TestEpollEventDispatcher::sockets() {
    QByteArray echoed;
    bool serverClosed = false;
    QVERIFY(onEpollThread([&] {
        QTcpServer server;
        if (!server.listen(QHostAddress::LocalHost))
            return;
        QEventLoop loop;
        QTcpSocket* serverSide = nullptr;
        QObject::connect(&server, &QTcpServer::newConnection, &loop, [&] {
            serverSide = server.nextPendingConnection();
            QObject::connect(serverSide, &QIODevice::readyRead, &loop,
                             [&] { serverSide->write(serverSide->readAll().toUpper()); });
            QObject::connect(serverSide, &QAbstractSocket::disconnected, &loop, [&] {
                serverClosed = true;
                loop.quit();
            });
        });
        QTcpSocket client;
        QObject::connect(&client, &QTcpSocket::connected, &loop, [&] {
            client.write(QByteArray(1000000, 'a')); // far more than one write's worth
        });
        QObject::connect(&client, &QIODevice::readyRead, &loop, [&] {
            echoed += client.readAll();
            if (echoed.size() == 1000000)
                client.disconnectFromHost();
        });
        client.connectToHost(QHostAddress::LocalHost, server.serverPort());
        QTimer::singleShot(20000, &loop, &QEventLoop::quit);
        loop.exec();
    }));
    QCOMPARE(echoed, QByteArray(1000000, 'A'));
    QVERIFY(serverClosed);
}

void TestEpollEventDispatcher::quitFromOtherThread() {
    QThread thread;
    auto* dispatcher = EpollEventDispatcher::create();
    QVERIFY(dispatcher);
    thread.setEventDispatcher(dispatcher);
    std::atomic<int> ticks{0};
    QTimer timer;
    timer.setInterval(1);
    timer.moveToThread(&thread);
    connect(&timer, &QTimer::timeout, &timer, [&ticks] { ++ticks; });
    thread.start();
    QMetaObject::invokeMethod(&timer, qOverload<>(&QTimer::start));
    QTRY_VERIFY(ticks.load() > 5);
    QMetaObject::invokeMethod(&timer, &QTimer::stop, Qt::BlockingQueuedConnection);
    thread.quit();
    QVERIFY(thread.wait(5000));
}

QTEST_GUILESS_MAIN(TestEpollEventDispatcher)
#include "tst_epolleventdispatcher.moc"
