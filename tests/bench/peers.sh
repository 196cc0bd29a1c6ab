#!/usr/bin/env bash
# PoolScope beside wrk, raw QNetworkAccessManager lanes, aiohttp and httpx, in one run of the
# shared peer kit (nginx on loopback answering a canned chat completion).
#   tests/bench/peers.sh [-n REQUESTS] [-c CONCURRENCY] [--tls]
# Needs ../shared/bench-peers beside the checkout; builds the release binary if missing.
# POOLSCOPE_ARGS adds options to poolscope run, e.g. POOLSCOPE_ARGS="--http2 off" to speak
# HTTP/1.1 over TLS like every peer does (PoolScope negotiates h2 by default).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
kit=${BENCH_PEERS:-$root/../shared/bench-peers}
app=${POOLSCOPE:-$root/build/release/app/poolscope}
if [[ ! -x $app ]]; then
    (cd "$root" && cmake --preset release -DPOOLSCOPE_BUILD_TESTS=OFF >/dev/null &&
        cmake --build --preset release -j"$(nproc)" --target poolscope >/dev/null)
fi
# run-peers.sh reads "rps=N" from a client's output; {url} ends in /chat/completions.
cmd="u={url}; ca='{ca}'; $app run --base-url \${u%/chat/completions} --model sim \
--requests {n} --concurrency {c} --max-connections {c} --retries 0 --quiet --json \
${POOLSCOPE_ARGS:-} \
\${ca:+--ca-cert \$ca} | python3 -c 'import json,sys; s=json.load(sys.stdin); \
print(\"rps=%s failed=%s\" % (s[\"throughput_rps\"], s[\"failed\"]))'"
exec bash "$kit/run-peers.sh" "$@" --cmd "$cmd"
