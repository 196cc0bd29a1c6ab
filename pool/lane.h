#pragma once

#include <QtGlobal>

#include <algorithm>
#include <deque>

class QNetworkAccessManager;

namespace poolscope {

// One QNetworkAccessManager, and so one Qt network thread, shared by up to
// PoolConfig::connectionsPerThread HTTP/1.1 lanes; an HTTP/2 lane, one whose protocol is not
// known yet, and a pre-opened (min idle) one have a group to themselves. Qt opens a connection in a
// manager only when every connection it has is busy, so while the pool gives each lane at most one
// request, the manager's connections are exactly its lanes' connections. The pool can close them
// only all at once, by destroying the manager: a group that must close one of them drains (takes no
// new requests) and closes when its last request ends.
struct NetworkGroup {
    QNetworkAccessManager* network = nullptr; // owned; deleteLater() when the group closes
    int lanes = 0;
    int inFlight = 0;
    bool shared = false; // HTTP/1.1 lanes may join it
    // While draining, its idle connections may carry one last request each (not after an
    // endpoint or protocol change: those requests must not go out on this manager).
    bool lastRequestsAllowed = true;
    bool draining = false;
    // When its connections started opening, oldest first. Qt announces a new connection to the
    // request first in its queue, which need not be the one it sends on it; the requests that
    // do go out on new connections take these in order.
    std::deque<qint64> connectStartsUs;
};

// One connection of the pool. Over HTTP/1.1 a lane carries one request at a time, so Qt never
// queues inside its manager; over HTTP/2 it carries up to maxStreamsPerConnection streams on its
// single connection. The pool knows every lane's state, which is how its connection count stays
// equal to what the server accepted.
struct Lane {
    qint64 id = 0;
    NetworkGroup* group = nullptr; // owned by the pool
    qint64 connectionId = 0;       // the connection it carries now (0: none yet)
    bool hasConnection = false;    // a socket is open or opening
    bool connecting = false;       // its request was told a connection is opening for it
    bool borrowing = false;        // its request went out on a connection another lane is ending
    qint64 connectionOpenedAt = 0;
    qint64 lastReleasedAt = 0;
    int inFlight = 0;
    bool protocolKnown = false; // ALPN, prior knowledge or a response said whether it is HTTP/2
    bool http2 = false;
    bool mustRetire = false; // retire once its last stream ends
    int useCount = 0;
    int housekeepingTimerId = 0;  // idle timeout / max lifetime while idle
    qint64 housekeepingDueUs = 0; // when that timer fires (it may fire early: it re-checks)

    bool isIdle() const { return hasConnection && inFlight == 0; }
    // Idle and staying: a candidate for the next request and for min idle.
    bool isAvailable() const { return isIdle() && !mustRetire; }
    // One stream until HTTP/2 is known to be in use, then up to maxStreams.
    bool hasRoom(int maxStreams) const {
        return inFlight < (http2 ? std::max(1, maxStreams) : 1) && !mustRetire;
    }
};

} // namespace poolscope
