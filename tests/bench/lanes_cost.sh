#!/usr/bin/env bash
# Where PoolScope's gap to raw QNAM lanes comes from. Against nginx on loopback answering a canned
# chat completion (plain HTTP/1.1), paired rounds of:
#   raw-6    the peer kit's raw client with 6 QNAMs (6 connections each), like run-peers.sh
#   raw-C    the same client with one QNAM per connection (C of them), PoolScope's shape
#   poolscope run --max-connections C             (6 connections per network thread, the default)
#   poolscope run ... --connections-per-thread 1  (one thread per connection, like raw-C)
# With --tls the same nginx speaks TLS with HTTP/2 offered by ALPN, and the rounds compare
#   raw-6      6 QNAMs speaking HTTP/1.1 (the peer kit's baseline)
#   raw-6-h2   6 QNAMs speaking h2 (one connection each, the streams spread over them)
#   raw-1-h2   one QNAM speaking h2 (one connection: PoolScope's default shape)
#   poolscope  the default (h2 by ALPN, up to 100 streams on one connection)
#   ps-http1   --http2 off (HTTP/1.1, six connections per thread, like raw-6)
# Prints requests/s, CPU seconds per 1,000 requests and context switches per request, then the
# medians. Needs the raw client built by ../shared/bench-peers/run-peers.sh (run it once).
#   tests/bench/lanes_cost.sh [-n REQUESTS] [-c CONCURRENCY] [-r ROUNDS] [--tls]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
app=${POOLSCOPE:-$root/build/release/app/poolscope}
raw=${QNAMLOAD:-${XDG_CACHE_HOME:-$HOME/.cache}/bench-peers/qnam-raw/qnamload}
n=20000 c=32 rounds=5 tls=0
while [[ $# -gt 0 ]]; do
    case $1 in
        -n) n=$2; shift 2;; -c) c=$2; shift 2;; -r) rounds=$2; shift 2;; --tls) tls=1; shift;;
        *) echo "usage: $0 [-n REQUESTS] [-c CONCURRENCY] [-r ROUNDS] [--tls]" >&2; exit 2;;
    esac
done
[[ -x $raw ]] || { echo "no raw QNAM client at $raw: run ../shared/bench-peers/run-peers.sh once" >&2; exit 2; }
[[ -x $app ]] || { echo "no PoolScope binary at $app (cmake --build --preset release)" >&2; exit 2; }
work=$(mktemp -d)
trap '[[ -f $work/nginx.pid ]] && nginx -p "$work" -c "$work/nginx.conf" -s stop 2>/dev/null; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$work/logs"
listen="listen 127.0.0.1:$port;" scheme=http
if ((tls)); then
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" \
        -days 2 -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
    listen="listen 127.0.0.1:$port ssl http2; ssl_certificate $work/cert.pem; ssl_certificate_key $work/key.pem;"
    scheme=https
    export PEER_CA=$work/cert.pem
fi
cat > "$work/nginx.conf" <<NGINX
worker_processes 1;
error_log $work/logs/error.log;
pid $work/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 10000000;
  client_body_temp_path $work/body;
  proxy_temp_path $work/proxy; fastcgi_temp_path $work/fcgi; uwsgi_temp_path $work/uwsgi; scgi_temp_path $work/scgi;
  server {
    $listen
    location / {
      default_type application/json;
      return 200 '{"id":"c1","object":"chat.completion","model":"sim","choices":[{"index":0,"message":{"role":"assistant","content":"Pooling reuses connections."},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":4,"total_tokens":9}}';
    }
  }
}
NGINX
nginx -p "$work" -c "$work/nginx.conf"
sleep 0.3
url=$scheme://127.0.0.1:$port/v1
ca=(); ((tls)) && ca=(--ca-cert "$work/cert.pem")
measure() { # label, command...; appends "label rps cpu_per_1k switches_per_request"
    local label=$1; shift
    local out rps
    out=$(/usr/bin/time -o "$work/time" -f '%U %S %w %c' "$@" 2>/dev/null)
    rps=$(grep -o 'rps=[0-9.]*' <<<"$out" | head -1 | cut -d= -f2 || true)
    [[ -n $rps ]] || rps=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["throughput_rps"])' "$out")
    read -r user sys voluntary involuntary < "$work/time"
    python3 -c 'import sys; l,r,u,s,v,i,n=sys.argv[1:]; n=int(n); print(f"{l:10} rps {float(r):8.0f}  cpu/1k {(float(u)+float(s))*1000/n:6.3f} s  switches/req {(int(v)+int(i))/n:5.2f}")' \
        "$label" "$rps" "$user" "$sys" "$voluntary" "$involuntary" "$n" | tee -a "$work/rows"
}
echo "$n requests at concurrency $c, $rounds paired rounds, nginx on $url"
poolscope=("$app" run --base-url "$url" --model sim --requests "$n" --concurrency "$c"
    --max-connections "$c" --retries 0 --quiet --json "${ca[@]}")
for ((i = 1; i <= rounds && tls; i++)); do
    measure raw-6 "$raw" "$url/chat/completions" "$n" "$c" 6
    measure raw-6-h2 "$raw" "$url/chat/completions" "$n" "$c" 6 h2
    measure raw-1-h2 "$raw" "$url/chat/completions" "$n" "$c" 1 h2
    measure poolscope "${poolscope[@]}"
    measure ps-http1 "${poolscope[@]}" --http2 off
done
for ((i = 1; i <= rounds && !tls; i++)); do
    measure raw-6 "$raw" "$url/chat/completions" "$n" "$c" 6
    measure "raw-$c" "$raw" "$url/chat/completions" "$n" "$c" "$c"
    measure poolscope "${poolscope[@]}"
    measure ps-1/thread "${poolscope[@]}" --connections-per-thread 1
done
python3 - "$work/rows" <<'PY'
import statistics, sys, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    f = line.split()
    rows[f[0]].append((float(f[2]), float(f[4]), float(f[7])))
print("medians:")
base = statistics.median(r[0] for r in rows["raw-6"])
for label, values in rows.items():
    rps = statistics.median(v[0] for v in values)
    print(f"{label:10} rps {rps:8.0f} ({rps / base:.2f}x raw-6)  cpu/1k {statistics.median(v[1] for v in values):6.3f} s"
          f"  switches/req {statistics.median(v[2] for v in values):5.2f}")
PY
