#include "poolconfigio.h"

#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace poolscope;
using namespace Qt::StringLiterals;

class tst_PoolConfigIo : public QObject {
    Q_OBJECT
private slots:
    void roundTrip() {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"poolscope.conf"_s);
        PoolConfig config;
        config.maxConnections = 24;
        config.minIdle = 4;
        config.acquireTimeoutMs = 1234;
        config.leakThresholdMs = 9000;
        config.http2 = Http2Mode::Off;
        config.maxStreamsPerConnection = 7;
        config.connectionsPerThread = 3;
        config.noPool = true;
        config.retries = 5;
        config.requestsPerMinute = 600;
        {
            QSettings settings(path, QSettings::IniFormat);
            savePoolConfig(settings, config);
        }
        QSettings settings(path, QSettings::IniFormat);
        const PoolConfig loaded = loadPoolConfig(settings);
        QCOMPARE(loaded.maxConnections, 24);
        QCOMPARE(loaded.minIdle, 4);
        QCOMPARE(loaded.acquireTimeoutMs, 1234);
        QCOMPARE(loaded.leakThresholdMs, 9000);
        QCOMPARE(loaded.http2, Http2Mode::Off);
        QCOMPARE(loaded.maxStreamsPerConnection, 7);
        QCOMPARE(loaded.connectionsPerThread, 3);
        QVERIFY(loaded.noPool);
        QCOMPARE(loaded.retries, 5);
        QCOMPARE(loaded.requestsPerMinute, 600.0);
    }

    void badValuesFallBackToDefaults() {
        QTemporaryDir dir;
        QSettings settings(dir.filePath(u"bad.conf"_s), QSettings::IniFormat);
        settings.setValue(u"pool/maxConnections"_s, u"lots"_s);
        settings.setValue(u"pool/acquireTimeoutMs"_s, -5);
        settings.setValue(u"pool/minIdle"_s, 500);
        const PoolConfig loaded = loadPoolConfig(settings);
        QCOMPARE(loaded.maxConnections, PoolConfig{}.maxConnections);
        QCOMPARE(loaded.acquireTimeoutMs, PoolConfig{}.acquireTimeoutMs);
        QCOMPARE(loaded.minIdle, loaded.maxConnections); // never more than max
    }
};

QTEST_GUILESS_MAIN(tst_PoolConfigIo)
#include "tst_poolconfigio.moc"
