#!/usr/bin/env bash
# PoolScope beside wrk, raw QNetworkAccessManager lanes, aiohttp and httpx, in one run of the
# shared peer kit (nginx on loopback answering a canned chat completion).
#   tests/bench/peers.sh [-r ROUNDS] [-n REQUESTS] [-c CONCURRENCY] [--tls]
# With -r, runs the kit ROUNDS times and ends with the median and range of each ratio the
# performance targets name (PoolScope against raw QNAM, aiohttp and httpx; CPU per request
# against aiohttp's; raw QNAM against aiohttp for scale): ratios within a run, then medians.
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
rounds=1 args=()
while [[ $# -gt 0 ]]; do
    case $1 in
        -r) rounds=$2; shift 2;;
        *) args+=("$1"); shift;;
    esac
done
((rounds > 1)) || exec bash "$kit/run-peers.sh" "${args[@]}" --cmd "$cmd"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for ((i = 1; i <= rounds; i++)); do
    echo "== round $i of $rounds"
    bash "$kit/run-peers.sh" "${args[@]}" --cmd "$cmd" | tee -a "$log"
done
# Client rows read "name  RPS req/s  CPU CPU-s/1k req"; each round starts at "clients against".
python3 - "$log" <<'PY'
import statistics, sys
rounds, current = [], None
for line in open(sys.argv[1]):
    f = line.split()
    if line.startswith("clients against"):
        current = {}
        rounds.append(current)
    elif current is not None and len(f) >= 5 and f[2] == "req/s" and f[4] == "CPU-s/1k":
        current[f[0]] = (float(f[1]), float(f[3]))
def ratio(r, a, b, i):
    return r[a][i] / r[b][i] if a in r and b in r and r[b][i] > 0 else None
rows = [("PoolScope / raw QNAM, req/s", "yours", "qnam-raw", 0),
        ("PoolScope / aiohttp, req/s", "yours", "aiohttp", 0),
        ("PoolScope / httpx, req/s", "yours", "httpx", 0),
        ("PoolScope / aiohttp, CPU per request", "yours", "aiohttp", 1),
        ("raw QNAM / aiohttp, req/s", "qnam-raw", "aiohttp", 0),
        ("raw QNAM / aiohttp, CPU per request", "qnam-raw", "aiohttp", 1)]
print(f"medians over {len(rounds)} rounds (range):")
for label, a, b, i in rows:
    values = [v for v in (ratio(r, a, b, i) for r in rounds) if v is not None]
    if values:
        print(f"  {label:38} {statistics.median(values):5.2f}x  ({min(values):.2f}-{max(values):.2f})")
PY
