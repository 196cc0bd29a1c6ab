#pragma once

#include "poolconfig.h"

class QUrl;

namespace poolscope {

// How many of a pool's HTTP/1.1 connections share one Qt network thread: the config's
// connectionsPerThread where HTTP/1.1 is certain (plain http without prior-knowledge HTTP/2,
// HTTP/2 off, or a server that already chose HTTP/1.1 by ALPN: http1Chosen), otherwise 1. No
// pool never shares (a connection per request gains nothing from it). Before any server has
// answered (the descriptor budget at start), http1Chosen is false.
int connectionsPerThread(const PoolConfig& config, const QUrl& baseUrl, bool http1Chosen = false);

} // namespace poolscope
