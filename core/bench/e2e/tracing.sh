#!/bin/sh
# End-to-end cost of tracing: two Portico processes with the same routes to the origin nginx, one with tracing
# off, one exporting every request's spans (100 % sampling, OTLP/HTTP, batched) to a local receiver
# (otlp-sink.py). Public tools only: python3, wrk through ../shared/bench/bench.sh, nginx as the origin.
#
#   core/bench/e2e/tracing.sh PORTICO_HOME BENCH_DIR [ROUNDS]
#
# The origin nginx must run on :18080 (BENCH_DIR/start-all.sh backend). Writes to $BENCH_WORK/tracing.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
HOME_DIR=$(cd "$1" && pwd); BENCH=$(cd "$2" && pwd); ROUNDS=${3:-8}
W=${BENCH_WORK:-/tmp/portico-bench}/tracing
SINK_PORT=14318
mkdir -p "$W"

config() { # PORT
  cat <<YAML
server: { port: $1, max-connections: 10000 }
admin: { port: -1 }
plugins: { dir: $HOME_DIR/plugins }
upstreams:
  origin: { targets: [ "http://127.0.0.1:18080" ] }
routes:
  - { id: plain, match: { path: /** }, upstream: origin }
YAML
}
config 9000 > "$W/off.yaml"
config 9001 > "$W/on.yaml"

python3 "$HERE/otlp-sink.py" $SINK_PORT > "$W/sink.log" 2>&1 &
SINK=$!
"$HOME_DIR/bin/portico" run --config "$W/off.yaml" > "$W/off.log" 2>&1 &
OFF=$!
OTEL_TRACES_EXPORTER=otlp OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf \
OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$SINK_PORT OTEL_TRACES_SAMPLER=always_on OTEL_SERVICE_NAME=portico-bench \
  "$HOME_DIR/bin/portico" run --config "$W/on.yaml" > "$W/on.log" 2>&1 &
ON=$!
trap 'kill $OFF $ON 2>/dev/null; kill $SINK 2>/dev/null; true' EXIT
for p in 9000 9001; do
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$p/" && break; sleep 0.1; done
done
for p in 9000 9001; do wrk -t1 -c50 -d20s "http://127.0.0.1:$p/" > /dev/null; done
"$BENCH/bench.sh" -w 5 -r "$ROUNDS" -T 1200 -b off -s "small:GET:/ big16k:GET:/16k" \
  off=http://127.0.0.1:9000 on=http://127.0.0.1:9001
kill $ON; sleep 2   # the exporter flushes on shutdown
kill $SINK; sleep 0.5
cat "$W/sink.log"
