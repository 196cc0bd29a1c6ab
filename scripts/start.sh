#!/usr/bin/env bash
# Quick start, command 1: installs what is missing, builds, and opens PoolScope on its built-in
# simulator. Without a display it runs a short headless demo instead and says how to get the
# window.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
poolscope_install "${poolscope_packages[@]}"
cmake --preset dev >/dev/null
cmake --build --preset dev -j"$(nproc)" --target poolscope
app=build/dev/app/poolscope

if [[ -n ${DISPLAY:-} || -n ${WAYLAND_DISPLAY:-} ]]; then
    exec "$app" "$@"
fi
cat >&2 <<'MSG'
No display found, so here is the headless demo instead: 300 streamed prompts through the
connection pool (16 connections) to the built-in simulator, with a live progress line and
the summary. To see the window, run ./scripts/start.sh on a desktop session, or on this
machine under a virtual screen:  xvfb-run -a build/dev/app/poolscope
MSG
exec "$app" run --prompt "Explain connection pooling in one paragraph." --requests 300 \
    --concurrency 16 --max-connections 16 --stream --max-tokens 40 --sim-scenario typical-cloud
