#!/bin/sh
# Measures the simulator with wrk: how many requests per second it serves, so that it is
# never what limits a client benchmark.
#
#   tests/bench/sim_wrk.sh [BUILD_DIR]            non-streaming, TTFT 0, all tokens at once
#   MODE=stream tests/bench/sim_wrk.sh            streaming, TTFT 0, all tokens at once
#   MODE=hold tests/bench/sim_wrk.sh              10,000 concurrent slow streams (capacity test)
#
# Environment: THREADS (wrk threads, 1), CONNECTIONS (32), DURATION (5s), WORKERS (simulator
# worker threads, 1), SIM (path to a simulator executable printing its base URL first; defaults
# to BUILD_DIR/tests/sim/poolscope_simserve), SIM_ARGS (extra simulator arguments).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-"$here/../../build/sim"}
sim=${SIM:-"$build/tests/sim/poolscope_simserve"}
mode=${MODE:-plain}
threads=${THREADS:-1}
connections=${CONNECTIONS:-32}
duration=${DURATION:-5s}
workers=${WORKERS:-1}

command -v wrk >/dev/null || { echo "wrk is not installed" >&2; exit 2; }
[ -x "$sim" ] || { echo "no simulator at $sim (build poolscope_simserve)" >&2; exit 2; }

# Thousands of sockets need thousands of descriptors (wrk and the simulator inherit this).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

case "$mode" in
plain)
    sim_args="--ttft-ms 0 --ttft-sigma 0 --tokens-per-s 0 --output-tokens 16 --no-jitter"
    stream=0 ;;
stream)
    sim_args="--ttft-ms 0 --ttft-sigma 0 --tokens-per-s 0 --output-tokens 16 --no-jitter"
    stream=1 ;;
hold)
    # Each stream lasts about 10 s: 20 tokens at 2 tokens/s.
    sim_args="--ttft-ms 100 --ttft-sigma 0 --tokens-per-s 2 --output-tokens 20 --no-jitter"
    stream=1
    connections=${CONNECTIONS_HOLD:-10000}
    duration=${DURATION_HOLD:-25s} ;;
*)
    echo "unknown MODE $mode" >&2; exit 2 ;;
esac

out=$(mktemp)
"$sim" --port 0 --workers "$workers" --stats-ms 2000 $sim_args ${SIM_ARGS:-} >"$out" 2>"$out.err" &
sim_pid=$!
trap 'kill "$sim_pid" 2>/dev/null; wait "$sim_pid" 2>/dev/null || true; cat "$out.err" >&2; rm -f "$out" "$out.err"' EXIT

base=""
for _ in $(seq 50); do
    base=$(head -n 1 "$out")
    [ -n "$base" ] && break
    sleep 0.1
done
[ -n "$base" ] || { echo "the simulator did not start" >&2; exit 1; }

echo "simulator: $base ($mode, $workers worker thread(s)); wrk -t$threads -c$connections -d$duration"
SIM_STREAM=$stream wrk -t"$threads" -c"$connections" -d"$duration" --timeout 30s \
    -s "$here/sim_wrk_post.lua" "$base"
echo "simulator stats (every 2 s):"
