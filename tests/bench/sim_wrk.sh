#!/bin/sh
# Measures the simulator with wrk, so that it is never what limits a client benchmark.
#
#   tests/bench/sim_wrk.sh [BUILD_DIR]       non-streaming, TTFT 0, all tokens at once
#   MODE=stream tests/bench/sim_wrk.sh       streaming (16 token events), TTFT 0, no pacing
#   MODE=hold tests/bench/sim_wrk.sh         10,000 concurrent slow streams (about 10 s each)
#
# Besides wrk's figures it prints the simulator's CPU time per request (from /proc), which
# stays meaningful when other processes share the machine and throughput does not.
#
# Environment: THREADS (wrk threads, 1), CONNECTIONS (32), DURATION (5s), WORKERS (simulator
# worker threads, 1), CONNECTIONS_HOLD (10000), DURATION_HOLD (25s), SIM (a simulator command
# that prints its base URL as its first line and takes the knobs below; default
# BUILD_DIR/tests/sim/poolscope_simserve), SIM_ARGS (more simulator arguments).
# POOLSCOPE_SIM_DISPATCHER=qt makes the simulator use Qt's event dispatcher instead of epoll.
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

# Thousands of sockets need thousands of descriptors (wrk and the simulator inherit this).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

case "$mode" in
plain)
    knobs="--ttft-ms 0 --ttft-sigma 0 --tokens-per-s 0 --output-tokens 16 --no-jitter"
    stream=0 ;;
stream)
    knobs="--ttft-ms 0 --ttft-sigma 0 --tokens-per-s 0 --output-tokens 16 --no-jitter"
    stream=1 ;;
hold)
    # 20 tokens at 2 per second after 100 ms: each stream stays open about 10 s.
    knobs="--ttft-ms 100 --ttft-sigma 0 --tokens-per-s 2 --output-tokens 20 --no-jitter"
    stream=1
    connections=${CONNECTIONS_HOLD:-10000}
    duration=${DURATION_HOLD:-25s} ;;
*)
    echo "unknown MODE $mode" >&2; exit 2 ;;
esac

out=$(mktemp)
# shellcheck disable=SC2086 # $sim and the knobs are word lists on purpose
$sim --port 0 --workers "$workers" --stats-ms 2000 $knobs ${SIM_ARGS:-} >"$out" 2>"$out.err" &
sim_pid=$!
trap 'kill "$sim_pid" 2>/dev/null; wait "$sim_pid" 2>/dev/null || true; echo "simulator stats (every 2 s):"; cat "$out.err"; rm -f "$out" "$out.err"' EXIT

base=""
for _ in $(seq 100); do
    base=$(head -n 1 "$out")
    [ -n "$base" ] && break
    sleep 0.1
done
[ -n "$base" ] || { echo "the simulator did not start" >&2; exit 1; }

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$sim_pid/stat" 2>/dev/null || echo 0; }

echo "simulator: $base ($mode, $workers worker thread(s)); wrk -t$threads -c$connections -d$duration"
before=$(cpu_ticks)
result=$(SIM_STREAM=$stream wrk -t"$threads" -c"$connections" -d"$duration" --timeout 30s \
    -s "$here/sim_wrk_post.lua" "$base")
after=$(cpu_ticks)
echo "$result"
requests=$(echo "$result" | awk '/requests in/ { print $1 }')
ticks=$(getconf CLK_TCK)
if [ -n "$requests" ] && [ "$requests" -gt 0 ] && [ "$after" != 0 ]; then
    awk -v t=$((after - before)) -v hz="$ticks" -v n="$requests" \
        'BEGIN { printf "simulator CPU: %.1f s, %.1f us per request\n", t / hz, t / hz * 1e6 / n }'
fi
