#!/usr/bin/env bash
# CPU the window uses at idle (simulator profile, nothing sent), as % of one core, over 30 s.
#   tests/bench/gui_idle_cpu.sh [POOLSCOPE_BINARY] [TAB]   (TAB 0 Playground … 1 Monitor)
set -euo pipefail
app=${1:-build/release/app/poolscope}
tab=${2:-0}
work=$(mktemp -d)
mkdir -p "$work/PoolScope"
printf '[window]\ntab=%s\n' "$tab" > "$work/PoolScope/PoolScope.conf"
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
XDG_CONFIG_HOME=$work XDG_DATA_HOME=$work xvfb-run -a -s "-screen 0 1600x1000x24" "$app" &
sleep 6
pid=$(pgrep -n -f "^$app$" || pgrep -n -x poolscope)
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
t0=$(ticks); sleep 30; t1=$(ticks)
awk -v a="$t0" -v b="$t1" -v hz="$hz" -v tab="$tab" 'BEGIN{printf "window idle CPU (tab %s): %.2f%% of a core over 30 s\n", tab, (b-a)/hz/30*100}'
