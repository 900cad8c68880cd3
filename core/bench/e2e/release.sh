#!/usr/bin/env bash
# Release figures in one run: the origin nginx, the nginx proxy, Spring Cloud Gateway and three Portico
# targets (plain proxy, full chain, plain with tracing; each its own process) measured side by side by
# ../shared/bench/bench.sh, plus Portico's start to first served request. Public tools only: wrk, nginx, openssl, python3, curl,
# Maven (to build the Spring Cloud Gateway of the harness).
#
#   core/bench/e2e/release.sh [--write-docs] PORTICO_HOME BENCH_DIR [ROUNDS]
#
# PORTICO_HOME: an unpacked distribution (dist/target/portico); BENCH_DIR: the harness (../shared/bench).
# Starts and, on exit, stops everything it needs (BENCH_DIR/start-all.sh backend nginx scg; two Portico
# processes; the OTLP sink). Writes to $BENCH_WORK/release (default /tmp/portico-bench/release): the
# bench.sh results, start-up timings and release.md, the markdown section. With --write-docs (or
# WRITE_DOCS=1) the section also replaces the block between <!-- release:begin --> and <!-- release:end -->
# in docs/benchmarks.md.
#
# Environment (defaults in brackets): DURATION throughput-run seconds [4], LAT_DURATION latency-run seconds
# [2], WARMUP bench.sh warm-up per target and scenario [20], PREWARM seconds of load per JVM target before
# bench.sh [20], SCENARIOS bench.sh scenario names to run, from "small big16k" [small big16k], STARTS
# start-up measurements [3], NO_SCG=1 to leave Spring Cloud Gateway out, NOTE free text added to the section,
# REPORT_ONLY=1 to only rewrite the section (and with --write-docs the docs) from the last run in $W.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
WRITE_DOCS=${WRITE_DOCS:-0}
if [[ ${1:-} == --write-docs ]]; then WRITE_DOCS=1; shift; fi
[[ $# -ge 2 ]] || { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
HOME_DIR=$(cd "$1" && pwd); BENCH=$(cd "$2" && pwd); ROUNDS=${3:-5}
DURATION=${DURATION:-4}; LAT_DURATION=${LAT_DURATION:-2}; WARMUP=${WARMUP:-20}; PREWARM=${PREWARM:-20}
SCENARIOS=${SCENARIOS:-small big16k}; STARTS=${STARTS:-3}; NO_SCG=${NO_SCG:-0}
export BENCH_WORK=${BENCH_WORK:-/tmp/portico-bench}
W=$BENCH_WORK/release
DOCS=$(cd "$HERE/../../.." && pwd)/docs/benchmarks.md
PORT=9000; TPORT=9001; PPORT=9002; SINK_PORT=14318
mkdir -p "$W"
log() { echo "release: $*" >&2; }
report() { # $W -> $W/release.md, and docs/benchmarks.md with WRITE_DOCS=1
  if [[ -n ${NOTE:-} && -f $W/machine.txt ]]; then grep -v '^note=' "$W/machine.txt" > "$W/machine.tmp"; echo "note=$NOTE" >> "$W/machine.tmp"; mv "$W/machine.tmp" "$W/machine.txt"; fi
  python3 "$HERE/release-report.py" "$W" > "$W/release.md"
  log "section written to $W/release.md"
  if [[ $WRITE_DOCS == 1 ]]; then
    python3 - "$DOCS" "$W/release.md" <<'PY'
import sys
docs, sec = sys.argv[1], open(sys.argv[2]).read().rstrip("\n")
text = open(docs).read()
b, e = "<!-- release:begin -->", "<!-- release:end -->"
i, j = text.find(b), text.find(e)
if i < 0 or j < i: sys.exit(f"{docs}: no {b} ... {e} block")
open(docs, "w").write(text[:i + len(b)] + "\n" + sec + "\n" + text[j:])
print(f"release: {docs} updated", file=sys.stderr)
PY
  fi
  cat "$W/release.md"
}
if [[ ${REPORT_ONLY:-0} == 1 ]]; then report; exit 0; fi
rm -f "$W"/*.log "$W"/starts.txt

for p in 18080 18081 18082 $PORT $TPORT $PPORT $SINK_PORT; do
  if ss -ltnH "sport = :$p" | grep -q .; then log "port $p is already in use; stop whatever listens there first"; exit 1; fi
done

# --- cleanup: only what this script started (by pid)
PIDS_TO_KILL=()
STARTED_FLEET=()
cleanup() {
  local p
  for p in "${PIDS_TO_KILL[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS_TO_KILL[@]}"; do for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done; done
  [[ ${#STARTED_FLEET[@]} -gt 0 ]] && "$BENCH/stop-all.sh" "${STARTED_FLEET[@]}" >&2 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Spring Cloud Gateway runs on the same Java as Portico (bin/find-java.sh), unless JAVA is set
if [[ -z ${JAVA:-} ]]; then
  JAVA=$(PORTICO_HOME=$HOME_DIR sh -c '. "$PORTICO_HOME/bin/find-java.sh" >/dev/null && echo "$JAVA"' 2>/dev/null || true)
  [[ -n $JAVA ]] || JAVA=java
fi
export JAVA

# --- 1. the harness's fleet: origin nginx :18080, nginx proxy :18081, Spring Cloud Gateway :18082
STARTED_FLEET=(backend nginx-proxy)
"$BENCH/start-all.sh" backend nginx | tee "$W/start-all.txt" >&2
SCG_NOTE=""
if [[ $NO_SCG == 1 ]]; then
  SCG_NOTE="Spring Cloud Gateway left out (NO_SCG=1)."
else
  STARTED_FLEET+=(scg)
  if ! "$BENCH/start-all.sh" scg 2>&1 | tee -a "$W/start-all.txt" >&2; then
    SCG_NOTE="Spring Cloud Gateway could not be built or started (see $W/start-all.txt); left out."
    NO_SCG=1
  fi
fi
[[ $NO_SCG == 1 ]] && log "$SCG_NOTE"

# --- 2. an RS256 key pair and a token valid for a day, signed with openssl (as security.sh)
TOKEN=$("$HERE/mint-token.sh" "$W")
Q="?access_token=$TOKEN"

# the script filter: the distribution's scripts/add-headers.js, else a tiny inline one
mkdir -p "$W/scripts"; rm -f "$W/scripts/"*.js
if [[ -f $HOME_DIR/scripts/add-headers.js ]]; then
  cp "$HOME_DIR/scripts/add-headers.js" "$W/scripts/"; SCRIPT_SRC="PORTICO_HOME/scripts/add-headers.js"
elif [[ -f $HERE/../../../scripts/add-headers.js ]]; then
  cp "$HERE/../../../scripts/add-headers.js" "$W/scripts/"; SCRIPT_SRC="scripts/add-headers.js (repository)"
else
  cat > "$W/scripts/add-headers.js" <<'JS'
export default {
  phase: 'transform',
  onRequest(req, ctx) { req.headers.set('x-gateway', 'portico'); },
  onResponse(res, ctx) { res.headers.set('x-served-by', 'portico'); },
};
JS
  SCRIPT_SRC="an inline script (sets one request and one response header)"
fi

config() { # PORT [plain-only]
  cat <<YAML
server: { port: $1, max-connections: 10000 }
admin: { port: -1 }
telemetry: { access-log: off }
plugins: { dir: $HOME_DIR/plugins }
scripts: { dir: $W/scripts }
upstreams:
  origin: { targets: [ "http://127.0.0.1:18080" ] }
routes:
  - { id: plain, match: { path: /plain/** }, upstream: origin, strip-prefix: /plain }
YAML
  [[ ${2:-} == plain-only ]] && return
  cat <<YAML
  - id: chain
    match: { path: /chain/** }
    upstream: origin
    strip-prefix: /chain
    filters:
$(cat "$W/jwt-auth-filter.yaml")
      - { type: acl, scopes: [ "orders:read" ] }
      - { type: rate-limit, key: consumer, backend: local, limits: [ { capacity: 1000000000, per: 1s } ] }
      - { type: script, file: add-headers.js, config: { request: { X-Gateway: portico }, response: { X-Served-By: portico } } }
YAML
}
config $PORT > "$W/portico.yaml"
config $PPORT plain-only > "$W/plain-only.yaml"
config $TPORT plain-only > "$W/tracing.yaml"

code_of() { curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1" || true; }
rss_mib() { awk '/^VmRSS/{printf "%.0f", $2/1024}' "/proc/$1/status"; }

# --- 2b. start to first served request (exec to the first 200 on /plain/), STARTS times with the plain-only
# config, then STARTS times with the full config (whose script filter makes the JavaScript engine at start);
# after each of the latter, the time to the first 200 on /chain/. The last instance of each stays up for the
# bench: the plain-only one is the `plain` target, the full one the `chain` target. Before those, the
# plain-only config without JVMCI and with a JDK AOT cache (JDK 25+; JVMCI's --upgrade-module-path turns
# class-data sharing off): one training run writes the cache, then STARTS runs use it.
rm -f "$W/portico.aot"
start_one() { # CFG I PORT [ENV=VALUE ...] -> PID, one line in starts.txt
  local cfg=$1 i=$2 port=$3 yaml=$1 ok=0 t0 t1 t2 c=- rss
  shift 3
  [[ $cfg == plain-only-aot ]] && yaml=plain-only
  t0=$(date +%s.%N)
  env "$@" "$HOME_DIR/bin/portico" run --config "$W/$yaml.yaml" > "$W/$cfg.$i.log" 2>&1 &
  PID=$!
  PIDS_TO_KILL+=("$PID")
  for _ in $(seq 3000); do
    [[ $(code_of "http://127.0.0.1:$port/plain/") == 200 ]] && { ok=1; break; }
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.02
  done
  t1=$(date +%s.%N); t2=$t1
  [[ $ok == 1 ]] || { log "Portico did not serve /plain/ ($cfg, start $i)"; cat "$W/$cfg.$i.log" >&2; exit 1; }
  if [[ $cfg == portico ]]; then
    c=$(curl -s -o /dev/null -w '%{http_code}' --max-time 60 "http://127.0.0.1:$PORT/chain/$Q" || true)
    t2=$(date +%s.%N)
    [[ $c == 200 ]] || { log "chain answered $c (start $i)"; cat "$W/$cfg.$i.log" >&2; exit 1; }
  fi
  rss=$(rss_mib "$PID")
  [[ $i == train ]] && return
  printf '%s %s %.3f %.3f %s\n' "$cfg" "$i" "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)" "$rss" | tee -a "$W/starts.txt" >&2
}
stop_one() { kill "$PID"; wait "$PID" 2>/dev/null || true; }
PID=""; AOT_NOTE=""
if (( $("$JAVA" -XX:+PrintFlagsFinal -version 2>/dev/null | grep -c ' AOTCacheOutput ' || true) > 0 )); then
  start_one plain-only-aot train $PPORT PORTICO_JVMCI=off "JAVA_OPTS=-XX:AOTCacheOutput=$W/portico.aot"
  wrk -t1 -c10 -d3s "http://127.0.0.1:$PPORT/plain/" > /dev/null # the request path is part of the training
  stop_one
  if [[ -s $W/portico.aot ]]; then
    for i in $(seq "$STARTS"); do
      start_one plain-only-aot "$i" $PPORT PORTICO_JVMCI=off "JAVA_OPTS=-XX:AOTCache=$W/portico.aot"; stop_one
    done
  else AOT_NOTE="the AOT training run wrote no cache ($W/plain-only-aot.train.log)"; fi
else AOT_NOTE="this JDK has no -XX:AOTCacheOutput (JDK 25+): no AOT start-up figures"; fi
[[ -z $AOT_NOTE ]] || log "$AOT_NOTE"
for cfg in plain-only portico; do
  port=$PORT; [[ $cfg == plain-only ]] && port=$PPORT
  for i in $(seq "$STARTS"); do
    start_one $cfg "$i" $port
    if [[ $i -lt $STARTS ]]; then stop_one; fi
  done
done
cp "$W/portico.$STARTS.log" "$W/portico.log"
code=$(code_of "http://127.0.0.1:$PORT/chain/")
[[ $code == 401 ]] || { log "chain without a token answered $code, expected 401"; exit 1; }
hdr=$(curl -s -D - -o /dev/null "http://127.0.0.1:$PORT/chain/$Q" | tr -d '\r' | grep -i '^x-served-by:' || true)
[[ -n $hdr ]] || { log "chain response has no X-Served-By header: the script filter did not run"; exit 1; }

# --- 3. Portico with tracing (always_on, OTLP/HTTP to otlp-sink.py)
python3 "$HERE/otlp-sink.py" $SINK_PORT > "$W/sink.log" 2>&1 &
SINK=$!
OTEL_TRACES_EXPORTER=otlp OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf \
OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$SINK_PORT OTEL_TRACES_SAMPLER=always_on OTEL_SERVICE_NAME=portico-bench \
  "$HOME_DIR/bin/portico" run --config "$W/tracing.yaml" > "$W/tracing.log" 2>&1 &
TPID=$!
PIDS_TO_KILL+=("$TPID" "$SINK")
for _ in $(seq 300); do [[ $(code_of "http://127.0.0.1:$TPORT/plain/") == 200 ]] && break; sleep 0.05; done
[[ $(code_of "http://127.0.0.1:$TPORT/plain/") == 200 ]] || { log "tracing instance not up"; cat "$W/tracing.log" >&2; exit 1; }

# --- 4. warm the JVMs, then one bench.sh run per scenario over every target. Each target's URL holds the
# scenario's path; only the chain's carries the token (?access_token=…), so the others see a short URL.
declare -A SCEN_PATH=([small]=/ [big16k]=/16k)
targets() { # scenario path -> NAME=URL ...
  local t=(direct=http://127.0.0.1:18080$1 nginx=http://127.0.0.1:18081$1)
  [[ $NO_SCG == 1 ]] || t+=(scg=http://127.0.0.1:18082$1)
  t+=(plain=http://127.0.0.1:$PPORT/plain$1 chain=http://127.0.0.1:$PORT/chain$1$Q tracing=http://127.0.0.1:$TPORT/plain$1)
  echo "${t[@]}"
}
for s in $SCENARIOS; do [[ -n ${SCEN_PATH[$s]:-} ]] || { log "unknown scenario $s"; exit 2; }; done
if (( PREWARM > 0 )); then
  read -r -a TARGETS <<<"$(targets /)"
  for t in "${TARGETS[@]:2}"; do
    log "pre-warm ${t%%=*}: ${PREWARM}s"; wrk -t1 -c50 -d"${PREWARM}s" "${t#*=}" > /dev/null
  done
fi
RES=$W/results; rm -rf "$RES" "$RES".*
nsc=$(wc -w <<<"$SCENARIOS"); ntg=$(wc -w <<<"$(targets /)")
log "bench.sh: about $(( nsc * ntg * (WARMUP + ROUNDS * (DURATION + LAT_DURATION) + ROUNDS) / 60 + 1 )) min"
# baseline = direct, so bench.sh's "other" column is the machine's noise only (busy - wrk - target - origin);
# the ratios to nginx (and to plain, to scg) are paired per round below, from results.csv
BENCH_T0=$(date -Is)
for s in $SCENARIOS; do
  read -r -a TARGETS <<<"$(targets "${SCEN_PATH[$s]}")"
  "$BENCH/bench.sh" -w "$WARMUP" -r "$ROUNDS" -d "$DURATION" -l "$LAT_DURATION" -T 5000 -b direct -o "$RES.$s" \
    -s "$s:GET:" "${TARGETS[@]}" >&2
done
BENCH_T1=$(date -Is)
mkdir -p "$RES"
first=1
for s in $SCENARIOS; do
  if [[ $first == 1 ]]; then cat "$RES.$s/results.csv"; first=0; else tail -n +2 "$RES.$s/results.csv"; fi
done > "$RES/results.csv"

# flush the exporter and read the sink's count
kill "$TPID"; wait "$TPID" 2>/dev/null || true; sleep 1
kill "$SINK"; wait "$SINK" 2>/dev/null || true

# --- 5. the markdown section
JAVA_EXE=$(readlink -f "/proc/$PID/exe" 2>/dev/null || command -v java)
{
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "ncpu=$(nproc)"
  echo "mem=$(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
  virt=$(systemd-detect-virt 2>/dev/null || true); [[ $virt == none ]] && virt=""
  grep -q hypervisor /proc/cpuinfo && virt="${virt:+$virt container in }a VM (hypervisor flag set)"
  echo "virt=${virt:-bare metal}"
  echo "os=$( (. /etc/os-release; echo "$PRETTY_NAME") 2>/dev/null)"
  echo "kernel=$(uname -sr)"
  echo "java=$("$JAVA_EXE" -version 2>&1 | head -1)"
  echo "wrk=$(wrk -v 2>&1 | head -1 | awk '{print $1, $2}' | sed 's# debian/# #')"
  echo "nginx=$(nginx -v 2>&1 | sed 's/.*version: //; s#^nginx/##')"
  echo "portico=$("$HOME_DIR/bin/portico" version 2>/dev/null | head -1 | sed 's/^portico //')"
  echo "commit=$(git -C "$HERE" rev-parse --short HEAD 2>/dev/null)"
  echo "js=$(grep -o 'JavaScript engine: .*' "$W/portico.log" | head -1)"
  echo "sink=$(cat "$W/sink.log" | tail -1)"
  echo "scg_note=$SCG_NOTE"
  echo "aot_note=$AOT_NOTE"
  echo "script_src=$SCRIPT_SRC"
  echo "bench_t0=$BENCH_T0"; echo "bench_t1=$BENCH_T1"
  echo "loadavg=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "cmd=core/bench/e2e/release.sh $([[ $WRITE_DOCS == 1 ]] && echo '--write-docs ')dist/target/portico ../shared/bench $ROUNDS"
  echo "params=ROUNDS=$ROUNDS DURATION=$DURATION LAT_DURATION=$LAT_DURATION WARMUP=$WARMUP PREWARM=$PREWARM SCENARIOS='$SCENARIOS' STARTS=$STARTS"
  echo "note=${NOTE:-}"
} > "$W/machine.txt"
cp "$BENCH_WORK/run/scg-startup.txt" "$W/scg-startup.txt" 2>/dev/null || : > "$W/scg-startup.txt"
report
