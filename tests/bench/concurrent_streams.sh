#!/usr/bin/env bash
# P2: N concurrent streaming requests (default 10,000) through PoolScope's client against a
# standalone `poolscope serve-sim`. Reports how many succeeded, the connections the pool opened
# beside the ones the server saw (its truth log), the peak number of concurrent streams the
# server saw and the client's max RSS.
#   tests/bench/concurrent_streams.sh [N] [--h2] [--ttft-ms MS] [--tokens-per-s R] [--output-tokens T]
# Without --h2 every stream has its own HTTP/1.1 connection, and six connections share a
# QNetworkAccessManager thread: N streams need N/6 threads and about N + N/6 file descriptors in
# the client (the soft limit is raised as far as the hard limit allows; past it the pool caps its
# connections and says so). With --h2, nginx (TLS + HTTP/2) stands in front of
# the simulator, whose wire is HTTP/1.1 only, and the client carries up to 100 streams on each
# connection: N/100 connections. POOLSCOPE=path picks the binary.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
app=${POOLSCOPE:-$root/build/release/app/poolscope}
n=10000 ttft=3000 tps=4 tokens=24 h2=0
while [[ $# -gt 0 ]]; do
    case $1 in
        --ttft-ms) ttft=$2; shift 2;; --tokens-per-s) tps=$2; shift 2;;
        --output-tokens) tokens=$2; shift 2;; --h2) h2=1; shift;;
        [0-9]*) n=$1; shift;;
        *) echo "usage: $0 [N] [--h2] [--ttft-ms MS] [--tokens-per-s R] [--output-tokens T]" >&2; exit 2;;
    esac
done
if [[ ! -x $app ]]; then
    (cd "$root" && cmake --preset release >/dev/null &&
        cmake --build --preset release -j"$(nproc)" --target poolscope >/dev/null)
fi
ulimit -n "$(ulimit -Hn)"
work=$(mktemp -d)
stop() {
    kill "${sim:-}" 2>/dev/null || true
    [[ -f $work/nginx.pid ]] && nginx -p "$work" -c "$work/nginx.conf" -s stop 2>/dev/null
    rm -rf "$work"
}
trap stop EXIT
"$app" serve-sim --ttft-ms "$ttft" --tokens-per-s "$tps" --output-tokens "$tokens" \
    --capacity $((n * 2)) --seed 1 --log "$work/truth.jsonl" > "$work/url" 2> "$work/sim.err" &
sim=$!
for _ in $(seq 100); do [[ -s $work/url ]] && break; sleep 0.1; done
url=$(head -1 "$work/url")
[[ -n $url ]] || { echo "serve-sim did not start:" >&2; cat "$work/sim.err" >&2; exit 1; }
connections=$n via=""
client=(--base-url "$url")
if ((h2)); then
    command -v nginx >/dev/null || { echo "--h2 needs nginx (apt-get install nginx-light)" >&2; exit 2; }
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" \
        -days 1 -subj /CN=localhost -addext "subjectAltName=DNS:localhost" 2>/dev/null
    mkdir -p "$work/logs"
    upstream=${url#http://}; upstream=${upstream%%/*}
    cat > "$work/nginx.conf" <<NGINX
worker_processes 1;
worker_rlimit_nofile $(ulimit -Hn);
error_log $work/logs/error.log;
pid $work/nginx.pid;
events { worker_connections $((n + 1000)); }
http {
  access_log off;
  client_body_temp_path $work/body;
  proxy_temp_path $work/proxy; fastcgi_temp_path $work/fcgi; uwsgi_temp_path $work/uwsgi; scgi_temp_path $work/scgi;
  server {
    listen 127.0.0.1:$port ssl http2;
    ssl_certificate $work/cert.pem;
    ssl_certificate_key $work/key.pem;
    http2_max_concurrent_streams 128;
    keepalive_requests 1000000;
    location / {
      proxy_pass http://$upstream;
      proxy_http_version 1.1;
      proxy_buffering off;
      proxy_read_timeout 300s;
    }
  }
}
NGINX
    nginx -p "$work" -c "$work/nginx.conf"
    connections=$(((n + 99) / 100)) via=" via nginx (TLS, HTTP/2)"
    client=(--base-url "https://localhost:$port/v1" --ca-cert "$work/cert.pem" --http2 on)
fi
echo "$n concurrent streams$via: serve-sim --ttft-ms $ttft --tokens-per-s $tps --output-tokens $tokens"
status=0
/usr/bin/time -f '%M %e %U %S' -o "$work/time" "$app" run "${client[@]}" --model sim-small \
    --prompt "Explain connection pooling." --stream --requests "$n" --concurrency "$n" \
    --max-connections "$connections" --retries 0 --acquire-timeout 120000 \
    --connect-timeout 60000 --quiet --json > "$work/summary.json" 2> "$work/run.err" || status=$?
sleep 1
python3 - "$work" "$n" "$status" "$h2" <<'PY'
import json, sys
work, n, status, h2 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"
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
print(f"connections: pool opened {s['pool']['connections_opened']}, "
      f"{'nginx opened to the simulator' if h2 else 'server saw'} {conns}; "
      f"peak concurrent streams at the server {peak}; max active {s['pool']['max_active']}")
print(f"client max RSS {int(rss_kb) / 1024:.0f} MB, wall {wall} s, CPU {float(user) + float(sys_):.1f} s; "
      f"ttft p50 {s['ttft_ms']['p50']} ms, p99 {s['ttft_ms']['p99']} ms; "
      f"queue p50 {s['queue_ms']['p50']} ms, p99 {s['queue_ms']['p99']} ms")
PY
