#!/bin/sh
# End-to-end benchmark of an aggregate route: one client call that Portico answers by fetching three small
# JSON parts in parallel and merging them, against the same three answers fetched by the client as three
# sequential calls through Portico's plain routes. Public tools only: nginx (its own origin, started here),
# wrk with a LuaJIT script (aggregate-seq.lua), curl, python3 for the arithmetic (aggregate.py).
#
#   core/bench/e2e/aggregate.sh PORTICO_HOME BENCH_DIR [ROUNDS]
#
# PORTICO_HOME: an unpacked distribution (dist/target/portico); BENCH_DIR: the harness (../shared/bench).
# bench.sh cannot time a cycle of three requests, so the rounds run here, the way bench.sh runs them (A/B
# alternating, wrk -t1 -c50 for throughput then -t1 -c1 for latency, /proc CPU accounting, medians); its
# README's rule holds: discard runs whose `other` column is above ~0.1 cores. Writes to
# $BENCH_WORK/aggregate (default /tmp/portico-bench/aggregate); prints a markdown table, also written to
# summary.md there. Environment: DURATION (4) and LAT_DURATION (2) seconds per run, WARMUP (15) seconds per
# scenario, SCENARIOS ("agg seq"; "seq" alone runs without the aggregate route).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
HOME_DIR=$(cd "$1" && pwd); BENCH=$(cd "$2" && pwd); ROUNDS=${3:-8}
W=${BENCH_WORK:-/tmp/portico-bench}/aggregate
PORT=9000; ORIGIN_PORT=18090
DURATION=${DURATION:-4}; LAT_DURATION=${LAT_DURATION:-2}; WARMUP=${WARMUP:-15}; SCENARIOS=${SCENARIOS:-agg seq}
for tool in wrk nginx curl python3 ss; do command -v $tool > /dev/null || { echo "error: $tool not found" >&2; exit 2; }; done
[ -f "$BENCH/bench.sh" ] || { echo "error: $BENCH is not the bench harness (no bench.sh)" >&2; exit 2; }
for p in $PORT $ORIGIN_PORT; do
  [ -z "$(ss -ltnH "sport = :$p")" ] || { echo "error: port $p is in use" >&2; exit 2; }
done
rm -rf "$W/raw" "$W/results.csv" "$W/summary.md" "$W/idle.txt"; mkdir -p "$W/raw" "$W/nginx"

# the origin: three small JSON answers; X-Flow is echoed so the sequential script can pair answers with its
# logical clients (aggregate-seq.lua)
cat > "$W/nginx/origin.conf" <<NGINX
worker_processes 1;
daemon off;
pid $W/nginx/origin.pid;
error_log $W/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    tcp_nodelay on;
    keepalive_timeout 65s;
    keepalive_requests 1000000;
    client_body_temp_path $W/nginx/body;
    proxy_temp_path $W/nginx/proxy;
    fastcgi_temp_path $W/nginx/fcgi;
    uwsgi_temp_path $W/nginx/uwsgi;
    scgi_temp_path $W/nginx/scgi;
    default_type application/json;
    add_header X-Flow \$http_x_flow;
    server {
        listen 127.0.0.1:$ORIGIN_PORT backlog=4096;
        location ^~ /users/ { return 200 '{"id":"u1","name":"Ann"}'; }
        location = /orders  { return 200 '[{"id":1},{"id":2}]'; }
        location ^~ /prefs/ { return 200 '{"theme":"dark"}'; }
        location /          { return 404; }
    }
}
NGINX

aggregate_route() {
  cat <<YAML
  - id: dashboard
    match: { path: "/api/dashboard/{userId}" }
    aggregate:
      parts:
        - { name: user,   upstream: origin, path: "/users/{userId}" }
        - { name: orders, upstream: origin, path: "/orders?user={userId}" }
        - { name: prefs,  upstream: origin, path: "/prefs/{userId}" }
YAML
}
cat > "$W/portico.yaml" <<YAML
server: { port: $PORT, max-connections: 10000 }
admin: { port: -1 }
telemetry: { access-log: off }
upstreams:
  origin: { targets: [ "http://127.0.0.1:$ORIGIN_PORT" ] }
routes:
  - { id: users,  match: { path: "/users/**" },  upstream: origin }
  - { id: orders, match: { path: "/orders/**" }, upstream: origin }
  - { id: prefs,  match: { path: "/prefs/**" },  upstream: origin }
$(case " $SCENARIOS " in *" agg "*) aggregate_route;; esac)
YAML

nginx -c "$W/nginx/origin.conf" -p "$W/nginx" 2> "$W/nginx/stderr.log" &
NGINX_PID=$!
"$HOME_DIR/bin/portico" run --config "$W/portico.yaml" > "$W/portico.log" 2>&1 &
PID=$!
trap 'kill $PID $NGINX_PID 2>/dev/null; [ -z "${WRK_PID:-}" ] || kill $WRK_PID 2>/dev/null; true' EXIT
trap 'exit 130' INT TERM
for _ in $(seq 150); do
  curl -s -o /dev/null "http://127.0.0.1:$PORT/users/u1" && break
  kill -0 $PID 2>/dev/null || { echo "portico exited:" >&2; cat "$W/portico.log" >&2; exit 1; }
  sleep 0.1
done

# the processes measured: whoever listens on the port (the JVM, not the launcher script; nginx master+worker)
listeners() { ss -ltnpH "sport = :$1" | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -un | paste -sd' '; }
PORTICO_PIDS=$(listeners $PORT); ORIGIN_PIDS=$(listeners $ORIGIN_PORT)
if [ -z "$PORTICO_PIDS" ] || [ -z "$ORIGIN_PIDS" ]; then echo "error: no listener on :$PORT or :$ORIGIN_PORT" >&2; exit 1; fi

# sanity: each plain route and the aggregate answer 200 with the expected JSON
check() { # PATH EXPECTED_JSON
  code=$(curl -s -o "$W/check.body" -w '%{http_code}' "http://127.0.0.1:$PORT$1")
  [ "$code" = 200 ] || { echo "error: $1 answered $code: $(cat "$W/check.body")" >&2; cat "$W/portico.log" >&2; exit 1; }
  python3 "$HERE/aggregate.py" same-json "$W/check.body" "$2" || { echo "error: $1 answered another body" >&2; exit 1; }
  echo "check $1: 200, $(wc -c < "$W/check.body") bytes"
}
check /users/u1 '{"id":"u1","name":"Ann"}'
check '/orders?user=u1' '[{"id":1},{"id":2}]'
check /prefs/u1 '{"theme":"dark"}'
case " $SCENARIOS " in *" agg "*)
  check /api/dashboard/u1 '{"user":{"id":"u1","name":"Ann"},"orders":[{"id":1},{"id":2}],"prefs":{"theme":"dark"}}';;
esac

AGG_URL=http://127.0.0.1:$PORT/api/dashboard/u1
SEQ_URL=http://127.0.0.1:$PORT
LUA=$HERE/aggregate-seq.lua
HZ=$(getconf CLK_TCK)
ticks() { # PID... -> utime+stime of those processes, clock ticks
  for p; do [ -r "/proc/$p/stat" ] && cat "/proc/$p/stat"; done 2> /dev/null |
    awk '{ sub(/.*\) /, ""); t += $12 + $13 } END { print t + 0 }'; }
busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }

# run SCEN ROUND KIND CONNS SECS: one wrk run with the CPU of Portico, the origin, wrk and the whole machine
run() {
  out=$W/raw/$1.r$2.$3.txt; cyc=$W/raw/$1.r$2.$3.cycles
  if [ "$1" = seq ]; then set -- "$@" -s "$LUA" "$SEQ_URL"; else set -- "$@" "$AGG_URL"; fi
  p0=$(ticks $PORTICO_PIDS); o0=$(ticks $ORIGIN_PIDS); b0=$(busy); t0=$(date +%s.%N)
  ( AGG_CYCLES_OUT=$cyc timeout -k 5 $(( $5 + 30 )) wrk -t1 -c"$4" -d"$5"s --timeout 5s --latency "$6" ${7:+"$7"} ${8:+"$8"} \
      > "$out" 2>&1; echo "wrk_rc=$?" >> "$out"; times > "$out.times" ) &
  WRK_PID=$!; wait $WRK_PID || true; WRK_PID=
  p1=$(ticks $PORTICO_PIDS); o1=$(ticks $ORIGIN_PIDS); b1=$(busy); t1=$(date +%s.%N)
  python3 "$HERE/aggregate.py" row "$W/results.csv" "$1" "$2" "$3" "$4" "$out" "$cyc" "$out.times" \
    $(( p1 - p0 )) $(( o1 - o0 )) $(( b1 - b0 )) "$HZ" "$t0" "$t1"
}

echo "# aggregate.sh $(date -Is) on $(hostname), $(nproc) CPUs, load avg $(cut -d' ' -f1-3 /proc/loadavg); $(wrk -v 2>&1 | head -1 | cut -c1-40)"
echo "# portico pids $PORTICO_PIDS, origin nginx pids $ORIGIN_PIDS; scenarios $SCENARIOS; $ROUNDS rounds of ${DURATION}s @c50 + ${LAT_DURATION}s @c1; results in $W"
# warm-up: the JIT needs ~20-30 s of load on this box
for s in $SCENARIOS; do
  if [ "$s" = seq ]; then wrk -t1 -c50 -d"$WARMUP"s -s "$LUA" "$SEQ_URL" > "$W/raw/warmup.$s.txt" 2>&1
  else wrk -t1 -c50 -d"$WARMUP"s "$AGG_URL" > "$W/raw/warmup.$s.txt" 2>&1; fi
done
r=1
while [ $r -le "$ROUNDS" ]; do
  echo "  round $r/$ROUNDS"
  # 1 s without load: what the rest of the machine (other people's builds) uses, apart from Portico and nginx
  p0=$(ticks $PORTICO_PIDS $ORIGIN_PIDS); b0=$(busy); sleep 1; p1=$(ticks $PORTICO_PIDS $ORIGIN_PIDS); b1=$(busy)
  echo "$r $(( b1 - b0 - p1 + p0 )) $HZ" >> "$W/idle.txt"
  for s in $SCENARIOS; do
    run $s $r thr 50 "$DURATION"
    run $s $r lat 1 "$LAT_DURATION"
  done
  r=$(( r + 1 ))
done
echo
python3 "$HERE/aggregate.py" summary "$W/results.csv" "$W/summary.md"
echo "results: $W (results.csv, summary.md, raw/)"
