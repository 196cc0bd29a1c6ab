#!/usr/bin/env bash
# P2: N concurrent streaming requests (default 10,000) through PoolScope's client against a
# standalone `poolscope serve-sim`, each on its own HTTP/1.1 connection. Reports how many
# succeeded, the connections the pool opened beside the ones the server saw (its truth log),
# the peak number of concurrent streams the server saw and the client's max RSS.
#   tests/bench/concurrent_streams.sh [N] [--ttft-ms MS] [--tokens-per-s R] [--output-tokens T]
# Every HTTP/1.1 connection is a QNetworkAccessManager with its own thread, so N streams need
# N threads and about 2N file descriptors in the client: the soft limit is raised as far as
# the hard limit allows. POOLSCOPE=path picks the binary.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
app=${POOLSCOPE:-$root/build/release/app/poolscope}
n=10000 ttft=3000 tps=4 tokens=24
while [[ $# -gt 0 ]]; do
    case $1 in
        --ttft-ms) ttft=$2; shift 2;; --tokens-per-s) tps=$2; shift 2;;
        --output-tokens) tokens=$2; shift 2;;
        [0-9]*) n=$1; shift;;
        *) echo "usage: $0 [N] [--ttft-ms MS] [--tokens-per-s R] [--output-tokens T]" >&2; exit 2;;
    esac
done
if [[ ! -x $app ]]; then
    (cd "$root" && cmake --preset release >/dev/null &&
        cmake --build --preset release -j"$(nproc)" --target poolscope >/dev/null)
fi
ulimit -n "$(ulimit -Hn)"
work=$(mktemp -d)
trap 'kill "${sim:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
"$app" serve-sim --ttft-ms "$ttft" --tokens-per-s "$tps" --output-tokens "$tokens" \
    --capacity $((n * 2)) --seed 1 --log "$work/truth.jsonl" > "$work/url" 2> "$work/sim.err" &
sim=$!
for _ in $(seq 100); do [[ -s $work/url ]] && break; sleep 0.1; done
url=$(head -1 "$work/url")
[[ -n $url ]] || { echo "serve-sim did not start:" >&2; cat "$work/sim.err" >&2; exit 1; }
echo "$n concurrent streams: serve-sim --ttft-ms $ttft --tokens-per-s $tps --output-tokens $tokens"
status=0
/usr/bin/time -f '%M %e %U %S' -o "$work/time" "$app" run --base-url "$url" --model sim-small \
    --prompt "Explain connection pooling." --stream --requests "$n" --concurrency "$n" \
    --max-connections "$n" --retries 0 --acquire-timeout 120000 --connect-timeout 60000 \
    --quiet --json > "$work/summary.json" 2> "$work/run.err" || status=$?
sleep 1
python3 - "$work" "$n" "$status" <<'PY'
import json, sys
work, n, status = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rss_kb, wall, user, sys_ = open(f"{work}/time").read().split("\n")[-2].split()  # after any notes
try:
    s = json.load(open(f"{work}/summary.json"))
except ValueError:
    print(f"exit {status}: no summary;", open(f"{work}/run.err").read()[-2000:]); sys.exit(1)
truth = [json.loads(l) for l in open(f"{work}/truth.jsonl") if l.strip()]
events = sorted([(t["received_at_us"], 1) for t in truth] + [(t["last_byte_at_us"], -1) for t in truth])
live = peak = 0
for _, d in events:
    live += d; peak = max(peak, live)
conns = len({t["connection_id"] for t in truth})
print(f"exit {status}: {s['succeeded']} of {s['requests']} succeeded, errors {s['errors']}")
if status != 0:
    print("  the run said:", " | ".join(sorted(set(open(f"{work}/run.err").read().splitlines()))[:5]))
print(f"connections: pool opened {s['pool']['connections_opened']}, server saw {conns}; "
      f"peak concurrent streams at the server {peak}; max active {s['pool']['max_active']}")
print(f"client max RSS {int(rss_kb) / 1024:.0f} MB, wall {wall} s, CPU {float(user) + float(sys_):.1f} s; "
      f"ttft p50 {s['ttft_ms']['p50']} ms, p99 {s['ttft_ms']['p99']} ms")
PY
