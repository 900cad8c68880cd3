#!/bin/sh
# End-to-end benchmark of the security chain: jwt-auth (RS256) + acl + rate-limit, local and on Redis, against
# the same gateway's route without filters. Public tools only: openssl (keys and the token), redis-server, wrk
# through the harness in ../shared/bench (bench.sh), nginx as the origin.
#
#   core/bench/e2e/security.sh PORTICO_HOME BENCH_DIR [ROUNDS]
#
# PORTICO_HOME: an unpacked distribution (dist/target/portico); BENCH_DIR: the harness (../shared/bench), whose
# origin nginx must be running on :18080 (BENCH_DIR/start-all.sh backend). Writes to $BENCH_WORK/security
# (default /tmp/portico-bench/security); prints bench.sh's summary.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
HOME_DIR=$(cd "$1" && pwd); BENCH=$(cd "$2" && pwd); ROUNDS=${3:-8}
W=${BENCH_WORK:-/tmp/portico-bench}/security
PORT=9000; REDIS_PORT=16399
mkdir -p "$W"

# an RS256 key pair and a token valid for a day, signed with openssl
TOKEN=$("$HERE/mint-token.sh" "$W")

chain() { # BACKEND
  cat <<YAML
    filters:
$(cat "$W/jwt-auth-filter.yaml")
      - { type: acl, scopes: [ "orders:read" ] }
      - { type: rate-limit, key: consumer, backend: $1, limits: [ { capacity: 1000000000, per: 1s } ] }
YAML
}
cat > "$W/portico.yaml" <<YAML
server: { port: $PORT, max-connections: 10000 }
admin: { port: -1 }
plugins: { dir: $HOME_DIR/plugins }
redis: { url: "redis://127.0.0.1:$REDIS_PORT", timeout: 100ms }
upstreams:
  origin: { targets: [ "http://127.0.0.1:18080" ] }
routes:
  - { id: plain, match: { path: /plain/** }, upstream: origin, strip-prefix: /plain }
  - id: chain
    match: { path: /chain/** }
    upstream: origin
    strip-prefix: /chain
$(chain local)
  - id: redis
    match: { path: /redis/** }
    upstream: origin
    strip-prefix: /redis
$(chain redis)
YAML

redis-server --port $REDIS_PORT --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --pidfile "$W/redis.pid" \
  --logfile "$W/redis.log"
"$HOME_DIR/bin/portico" run --config "$W/portico.yaml" > "$W/portico.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; kill $(cat "$W/redis.pid") 2>/dev/null; true' EXIT
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/plain/" && break; sleep 0.1; done
Q="?access_token=$TOKEN"
for r in plain chain redis; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/$r/$Q")
  [ "$code" = 200 ] || { echo "route $r answered $code" >&2; cat "$W/portico.log" >&2; exit 1; }
done
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/chain/")
[ "$code" = 401 ] || { echo "route chain without a token answered $code, expected 401" >&2; exit 1; }
# warm-up: the JIT needs ~20-30 s of load on this box
for r in chain redis plain; do wrk -t1 -c50 -d15s "http://127.0.0.1:$PORT/$r/$Q" > /dev/null; done
"$BENCH/bench.sh" -w 5 -r "$ROUNDS" -T 1200 -b plain -s "small:GET:/$Q" \
  plain=http://127.0.0.1:$PORT/plain chain=http://127.0.0.1:$PORT/chain redis=http://127.0.0.1:$PORT/redis
echo "redis-server CPU is not in the chain's figures: $(ps -o cputime= -p "$(cat "$W/redis.pid")") for the whole run"
