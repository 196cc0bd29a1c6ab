#pragma once

#include "poolconfig.h"

class QUrl;

namespace poolscope {

// How many of a pool's HTTP/1.1 connections share one Qt network thread from its first request:
// the config's connectionsPerThread where HTTP/1.1 is certain before any server answers (plain
// http without prior-knowledge HTTP/2, or HTTP/2 off), otherwise 1. No pool never shares (a
// connection per request gains nothing from it). Over TLS with HTTP/2 allowed the pool shares
// only once a server's ALPN answer chose HTTP/1.1 (see ConnectionPool).
int connectionsPerThreadFromTheStart(const PoolConfig& config, const QUrl& baseUrl);

} // namespace poolscope
