#!/usr/bin/env bash
# ctest: the official OpenAI and Anthropic SDKs (npm) talk to `poolscope serve-sim`.
#   run_sdk_clients.sh POOLSCOPE_BINARY WORK_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
app=$1 work=$2
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "node and npm are needed (scripts/test.sh installs them)" >&2
    exit 1
fi
mkdir -p "$work"
cp "$here/package.json" "$here/sdk_clients.mjs" "$work/"
if [[ ! -d $work/node_modules/openai || ! -d $work/node_modules/@anthropic-ai/sdk ]]; then
    (cd "$work" && npm install --silent --no-audit --no-fund >/dev/null)
fi
log=$(mktemp)
"$app" serve-sim --ttft-ms 5 --tokens-per-s 500 --output-tokens 20 > "$log" 2>/dev/null &
sim=$!
trap 'kill $sim 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 100); do [[ -s $log ]] && break; sleep 0.1; done
node "$work/sdk_clients.mjs" "$(head -1 "$log")"
