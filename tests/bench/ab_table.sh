#!/usr/bin/env bash
# The httpx article's "no pool vs pool" table, reproduced with PoolScope on the built-in
# simulator: every new connection costs --connect-cost ms (standing in for TCP + TLS round
# trips), the server itself answers in --server-ms.
#   tests/bench/ab_table.sh [--requests N] [--concurrency C] [--connect-cost MS] [--server-ms MS]
set -euo pipefail
cd "$(dirname "$0")/../.."
requests=200 concurrency=10 cost=100 server=50
while [[ $# -gt 0 ]]; do
    case $1 in
        --requests) requests=$2; shift 2;; --concurrency) concurrency=$2; shift 2;;
        --connect-cost) cost=$2; shift 2;; --server-ms) server=$2; shift 2;;
        *) echo "usage: $0 [--requests N] [--concurrency C] [--connect-cost MS] [--server-ms MS]" >&2; exit 2;;
    esac
done
app=${POOLSCOPE:-build/release/app/poolscope}
if [[ ! -x $app ]]; then
    cmake --preset release >/dev/null && cmake --build --preset release -j"$(nproc)" --target poolscope >/dev/null
fi
work=$(mktemp -d); trap 'kill "${sim:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
"$app" serve-sim --ttft-ms "$server" --tokens-per-s 0 --output-tokens 32 \
    --connect-cost-ms "$cost" --seed 1 --log "$work/truth.jsonl" > "$work/url" 2>/dev/null &
sim=$!
for _ in $(seq 50); do [[ -s $work/url ]] && break; sleep 0.1; done
url=$(head -1 "$work/url")

measure() { # name, extra args...
    local name=$1; shift
    /usr/bin/time -f '%U %S' -o "$work/$name.cpu" "$app" run --base-url "$url" --model sim-small \
        --prompt "Explain pooling." --requests "$requests" --concurrency "$concurrency" \
        --max-connections "$concurrency" --quiet --json "$@" > "$work/$name.json"
}
measure pool
lines=$(wc -l < "$work/truth.jsonl")
measure nopool --no-pool

python3 - "$work" "$requests" "$cost" "$server" "$lines" <<'PY'
import json, sys
work, n, cost, server, pooled_lines = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
truth = [json.loads(l) for l in open(f"{work}/truth.jsonl")][:pooled_lines]
own = sorted((t["last_byte_at_us"] - t["received_at_us"]) / 1000.0 for t in truth)
server_p50 = own[(len(own) - 1) // 2]
rows = []
for name, label in (("nopool", "No pool (new connection per request)"), ("pool", "Pool")):
    s = json.load(open(f"{work}/{name}.json"))
    user, sys_ = map(float, open(f"{work}/{name}.cpu").read().split())
    lat = s["latency_ms"]
    rows.append((label, lat["mean"], lat["p50"], lat["p95"], 100.0 * s["succeeded"] / s["requests"],
                 s["throughput_rps"], (user + sys_) * 1000.0 / n, s["pool"]["connections_opened"]))
print(f"server time {server} ms, connection cost {cost} ms, {n} requests, concurrency/max connections as given\n")
print("| client | avg latency | p50 | p95 | success | throughput | client CPU per request | connections opened |")
print("|---|---|---|---|---|---|---|---|")
for r in rows:
    print(f"| {r[0]} | {r[1]:.1f} ms | {r[2]:.1f} ms | {r[3]:.1f} ms | {r[4]:.1f}% | {r[5]:.1f} req/s | {r[6]:.3f} ms | {r[7]} |")
pooled, nopool = rows[1], rows[0]
print(f"\nserver's own time (truth log, pooled run) p50 {server_p50:.1f} ms; "
      f"pooled p50 / server p50 = {pooled[2] / server_p50:.2f}; "
      f"no-pool p50 - pooled p50 = {nopool[2] - pooled[2]:.1f} ms")
PY
