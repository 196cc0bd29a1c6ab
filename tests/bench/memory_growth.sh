#!/usr/bin/env bash
# P3: resident memory of a long headless run. Runs N requests (default 1,000,000) through
# `poolscope run` against a standalone `poolscope serve-sim`, samples the run process's VmRSS
# once a second, and reports RSS after warm-up (once 10% of the requests completed), at the
# end, and the growth between the two (target: at most 10 MB).
#   tests/bench/memory_growth.sh [N] [--concurrency C] [--stream] [--scenario NAME]
#                                [--sim 'EXTRA SERVE-SIM ARGS'] [--keep DIR]
# Default load: scenario fast-local with its first-token wait and decode time taken out
# (--ttft-ms 0 --tokens-per-s 0), non-streaming, concurrency 32, so a million requests fit in a
# few minutes; --stream exercises the streaming path. POOLSCOPE=path picks the binary.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
app=${POOLSCOPE:-$root/build/release/app/poolscope}
n=1000000 concurrency=32 stream=() scenario=fast-local sim_extra="--ttft-ms 0 --tokens-per-s 0"
keep=""
while [[ $# -gt 0 ]]; do
    case $1 in
        --concurrency) concurrency=$2; shift 2;;
        --stream) stream=(--stream); shift;;
        --scenario) scenario=$2; shift 2;;
        --sim) sim_extra=$2; shift 2;;
        --keep) keep=$2; shift 2;;
        [0-9]*) n=$1; shift;;
        *) echo "usage: $0 [N] [--concurrency C] [--stream] [--scenario NAME] [--sim 'ARGS'] [--keep DIR]" >&2
           exit 2;;
    esac
done
if [[ ! -x $app ]]; then
    (cd "$root" && cmake --preset release >/dev/null &&
        cmake --build --preset release -j"$(nproc)" --target poolscope >/dev/null)
fi
work=${keep:-$(mktemp -d)}
mkdir -p "$work"
cleanup() {
    if [[ -n ${sampler:-} ]]; then kill "$sampler" 2>/dev/null || true; fi
    if [[ -n ${sim:-} ]]; then kill "$sim" 2>/dev/null || true; fi
    if [[ -z $keep ]]; then rm -rf "$work"; fi
}
trap cleanup EXIT

# shellcheck disable=SC2086 # sim_extra is a list of options
"$app" serve-sim --scenario "$scenario" $sim_extra --seed 1 > "$work/url" 2> "$work/sim.err" &
sim=$!
for _ in $(seq 100); do [[ -s $work/url ]] && break; sleep 0.1; done
url=$(head -1 "$work/url")
[[ -n $url ]] || { echo "serve-sim did not start:" >&2; cat "$work/sim.err" >&2; exit 1; }

echo "poolscope run: $n requests, concurrency $concurrency ${stream[*]:-}, serve-sim --scenario $scenario $sim_extra"
"$app" run --base-url "$url" --model sim-small --prompt "Explain connection pooling." \
    --requests "$n" --concurrency "$concurrency" --max-connections "$concurrency" "${stream[@]}" \
    --retries 0 --quiet --json --summary "$work/summary.json" --timeseries "$work/series.csv" \
    > /dev/null &
run=$!
# One sample a second: wall clock (ms) and VmRSS (kB) of the run process.
(
    while [[ -r /proc/$run/status ]]; do
        rss=$(awk '/^VmRSS:/{print $2}' "/proc/$run/status" 2>/dev/null || true)
        [[ -n $rss ]] && echo "$(date +%s%3N) $rss"
        sleep 1
    done
) > "$work/rss.txt" &
sampler=$!
status=0
wait "$run" || status=$?
wait "$sampler" 2>/dev/null || true
sampler=""

python3 - "$work" "$n" "$status" <<'PY'
import csv, json, sys
work, n, status = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
samples = [tuple(map(int, line.split())) for line in open(f"{work}/rss.txt") if line.strip()]
rows = list(csv.DictReader(open(f"{work}/series.csv")))
done, progress = 0, []  # (wall clock ms, requests completed by then)
for row in rows:
    done += int(row["completed"])
    progress.append((int(row["wall_clock_ms"]), done))
warm_at = next((t for t, d in progress if d >= n // 10), None)
if not samples or warm_at is None:
    sys.exit(f"not enough data: {len(samples)} RSS samples, {len(progress)} time-series rows")
# The run's last second closes when its last request is done; samples after it show the
# process tearing down (the request list freed), not the steady state.
run_end = progress[-1][0]
during = [(t, rss) for t, rss in samples if t <= run_end] or samples
warm = next((rss for t, rss in during if t >= warm_at), during[-1][1])
end = during[-1][1]
peak = max(rss for _, rss in during)
s = json.load(open(f"{work}/summary.json"))
print(f"exit {status}; {s['succeeded']} of {s['requests']} succeeded in {s['duration_s']} s "
      f"({s['throughput_rps']} req/s); connections opened {s['pool']['connections_opened']}")
print(f"RSS after warm-up (10% = {n // 10} requests done): {warm / 1024:.1f} MB")
print(f"RSS at the end of the run: {end / 1024:.1f} MB (peak {peak / 1024:.1f} MB, {len(during)} samples)")
print(f"growth after warm-up: {(end - warm) / 1024:+.1f} MB (target at most 10 MB)")
# the trend, ten points from warm-up to the end
after = [(t, r) for t, r in during if t >= warm_at]
step = max(1, len(after) // 10)
print("trend (s since warm-up: MB): " + ", ".join(
    f"{(t - after[0][0]) / 1000:.0f}: {r / 1024:.1f}" for t, r in after[::step] + [after[-1]]))
PY
