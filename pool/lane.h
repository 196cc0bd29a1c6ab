#pragma once

#include <QtGlobal>

#include <algorithm>

class QNetworkAccessManager;

namespace poolscope {

// One QNetworkAccessManager used as exactly one connection. Over HTTP/1.1 a lane carries one
// request at a time, so Qt never opens a second socket in it and never queues inside it; over
// HTTP/2 it carries up to maxStreamsPerConnection streams on its single connection. The pool knows
// every lane's state, which is how its connection count stays equal to what the server accepted.
struct Lane {
    qint64 id = 0;
    QNetworkAccessManager* network = nullptr; // owned; deleteLater() when the lane retires
    qint64 connectionId = 0;                  // the connection it carries now (0: none yet)
    bool hasConnection = false;               // a socket is open or opening
    bool warm = false;                        // opened ahead of demand (min idle), not yet used
    qint64 connectionOpenedAt = 0;
    qint64 lastReleasedAt = 0;
    int inFlight = 0;
    bool protocolKnown = false; // ALPN, prior knowledge or a response said whether it is HTTP/2
    bool http2 = false;
    bool mustRetire = false; // retire once its last stream ends
    int useCount = 0;
    int housekeepingTimerId = 0; // idle timeout / max lifetime while idle

    bool isIdle() const { return hasConnection && inFlight == 0; }
    // One stream until HTTP/2 is known to be in use, then up to maxStreams.
    bool hasRoom(int maxStreams) const {
        return inFlight < (http2 ? std::max(1, maxStreams) : 1) && !mustRetire;
    }
};

} // namespace poolscope
