#!/usr/bin/env bash
# Instrumentation overhead (issue 13): requests/s of a hot read (GET /api/v1/plans, a token, one
# MongoDB query) on three API instances started from the same jar, measured in interleaved rounds
# in one run: without instrumentation (kaleem.metrics.enabled=false), with metrics, and with
# metrics plus the OpenTelemetry agent (exporters "none"): with every default instrumentation, not
# sampling (ids only, as without a collector); and with only the instrumentations a trace of this
# API needs (api-service/src/main/otel/agent.properties: what `make run-traced` and the image use),
# not sampling and recording every span. Error monitoring's trace id is checked on each agent
# instance (the ids must survive the trimming). The load average is printed with the figures.
# Then the scrape of /metrics on the instrumented instance: time and series count.
#   BENCH_SECONDS (default 10) per round, BENCH_ROUNDS (default 3), BENCH_CONNECTIONS (default 16)
set -euo pipefail
cd "$(dirname "$0")/.."
# The RabbitMQ of `make services-up`: the embedded broker does not start from the packaged jar.
BROKER_URL=${KALEEM_BENCH_BROKER_URL:-amqp://guest:guest@127.0.0.1:5672}
SECONDS_PER_ROUND=${BENCH_SECONDS:-10}
ROUNDS=${BENCH_ROUNDS:-3}
CONN=${BENCH_CONNECTIONS:-16}
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }
./mvnw -B -ntp -q -pl api-service -am package -DskipTests -Dspotless.check.skip=true -Djacoco.skip=true
WORK=$(mktemp -d)
# Copies: a build in the worktree while the bench runs must not swap a running JVM's jar.
cp api-service/target/kaleem-api-service-0.1.0-SNAPSHOT.jar "$WORK/api.jar"
cp api-service/target/otel/opentelemetry-javaagent.jar "$WORK/agent.jar"
JAR=$WORK/api.jar
AGENT=$WORK/agent.jar
LEAN=api-service/src/main/otel/agent.properties
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

# start NAME EXTRA_JVM_FLAGS SAMPLER AGENT_CONFIG_FILE SPRING_ARGS...
start() {
  local name=$1 jvm=$2 sampler=$3 config=$4; shift 4
  local port; port=$(free_port)
  local mport; mport=$(free_port)
  mkdir -p "$WORK/$name"
  # shellcheck disable=SC2086 # jvm is a list of flags
  OTEL_TRACES_SAMPLER=$sampler OTEL_TRACES_EXPORTER=none OTEL_METRICS_EXPORTER=none \
    OTEL_LOGS_EXPORTER=none OTEL_JAVAAGENT_CONFIGURATION_FILE=$config \
    java @api-service/run.jvmopts $jvm -jar "$JAR" --server.port="$port" \
    --kaleem.metrics.port="$mport" --kaleem.mongo.embedded.data-file="$WORK/$name/db.mv" \
    --kaleem.security.jwt.dev-key-file="$WORK/$name/jwks.json" \
    --kaleem.security.rate-limit.enabled=false --logging.level.io.kaleem.api.access=WARN "$@" \
    --kaleem.messaging.broker-url="$BROKER_URL" --kaleem.messaging.exchange="kaleem-bench-$$" \
    >"$WORK/$name/log" 2>&1 &
  PIDS+=($!)
  echo "$port $mport" >"$WORK/$name/ports"
}

await() {
  local port; port=$(cut -d' ' -f1 "$WORK/$1/ports")
  # A shared machine can take minutes to start a JVM.
  for _ in $(seq 1 600); do
    curl -sf "http://127.0.0.1:$port/api/health/readiness" >/dev/null && return 0
    sleep 0.5
  done
  echo "$1 did not become ready:" >&2; tail -20 "$WORK/$1/log" >&2; exit 1
}

token() {
  local port; port=$(cut -d' ' -f1 "$WORK/$1/ports")
  curl -sf "http://127.0.0.1:$port/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d '{"email":"admin@demo.kaleem.io","password":"demo-admin-2026"}' |
    python3 -c 'import sys,json;print(json.load(sys.stdin)["accessToken"])'
}

rps() { # NAME SECONDS
  local port; port=$(cut -d' ' -f1 "$WORK/$1/ports")
  wrk -t1 -c"$CONN" -d"${2}s" -H "Authorization: Bearer $(cat "$WORK/$1/token")" \
    "http://127.0.0.1:$port/api/v1/plans" | awk '/Requests\/sec/ {print $2}'
}

VARIANTS=(plain metrics traced lean leansampled)
# One at a time: JVMs starting together on a busy machine time out on the embedded database.
start plain "" always_off "" --kaleem.metrics.enabled=false && await plain
start metrics "" always_off "" && await metrics
# Every default instrumentation, not sampling (ids only, as without a collector).
start traced "-javaagent:$AGENT" always_off "" && await traced
# Only what a trace of this API needs (agent.properties), as `make run-traced` and the image run it.
start lean "-javaagent:$AGENT" always_off "$LEAN" && await lean
start leansampled "-javaagent:$AGENT" parentbased_always_on "$LEAN" && await leansampled
for v in "${VARIANTS[@]}"; do token "$v" >"$WORK/$v/token"; done
for v in "${VARIANTS[@]}"; do rps "$v" 5 >/dev/null; done # warm-up (JIT, pools)
declare -A SUM
for r in $(seq 1 "$ROUNDS"); do
  for v in "${VARIANTS[@]}"; do
    x=$(rps "$v" "$SECONDS_PER_ROUND")
    echo "round $r $v: $x req/s"
    SUM[$v]=$(python3 -c "print(${SUM[$v]:-0} + $x)")
  done
done
mean() { python3 -c "print(round(${SUM[$1]} / $ROUNDS))"; }
P=$(mean plain); M=$(mean metrics); T=$(mean traced); L=$(mean lean); S=$(mean leansampled)
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)

# Does error monitoring still name the trace? A 404, then the newest recorded error's traceId.
traceid() {
  local port; port=$(cut -d' ' -f1 "$WORK/$1/ports")
  curl -s -o /dev/null -H "Authorization: Bearer $(cat "$WORK/$1/token")" \
    "http://127.0.0.1:$port/api/v1/no-such-route"
  curl -sf -H "Authorization: Bearer $(cat "$WORK/$1/token")" \
    "http://127.0.0.1:$port/monitoring/errors/recent?limit=1" |
    python3 -c 'import sys,json;d=json.load(sys.stdin);e=d[0] if isinstance(d,list) else (d.get("errors") or d.get("items") or [{}])[0];print("yes" if e.get("traceId") else "no")'
}
TID_T=$(traceid traced || echo "n/a"); TID_L=$(traceid lean || echo "n/a"); TID_S=$(traceid leansampled || echo "n/a")

MPORT=$(cut -d' ' -f2 "$WORK/metrics/ports")
SERIES=$(curl -sf "http://127.0.0.1:$MPORT/metrics" | grep -vc '^#')
SCRAPE_MS=$(for _ in $(seq 1 20); do curl -sf -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$MPORT/metrics"; done |
  sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int(NR/2)+1]*1000}')
BYTES=$(curl -sf "http://127.0.0.1:$MPORT/metrics" | wc -c)

TS=$(date -u +%Y%m%dT%H%M%SZ)
OUT=bench/results/observability-$TS.md
cat >"$OUT" <<MD
# Observability overhead ($TS)

Hot read \`GET /api/v1/plans\` (admin token, one MongoDB query on the embedded server), wrk -t1
-c$CONN, $ROUNDS interleaved rounds of ${SECONDS_PER_ROUND}s per variant after a 5 s warm-up, five
instances of the same jar on one machine ($(nproc) CPUs, shared).

| variant | req/s (mean) | vs without | trace id in error monitoring |
|---|---|---|---|
| without instrumentation (\`kaleem.metrics.enabled=false\`) | $P | 1.00 | |
| metrics (HTTP, MongoDB, business; /metrics on :9464) | $M | $(python3 -c "print(f'{$M/$P:.2f}')") | |
| metrics + agent, every default instrumentation, not sampling | $T | $(python3 -c "print(f'{$T/$P:.2f}')") | $TID_T |
| metrics + agent, trimmed (\`agent.properties\`), not sampling (\`make run-traced\` without a collector) | $L | $(python3 -c "print(f'{$L/$P:.2f}')") | $TID_L |
| metrics + agent, trimmed, every span recorded (exporter none) | $S | $(python3 -c "print(f'{$S/$P:.2f}')") | $TID_S |

Load average (1, 5, 15 min) at the end of the rounds: $LOAD.

Scrape of /metrics after the load (instrumented instance): median of 20 scrapes **${SCRAPE_MS} ms**,
**$SERIES series**, $BYTES bytes.

Targets (issue 13): instrumented ≥ 0.90 of without; scrape < 50 ms with bounded series.
MD
mv "$OUT" bench/results/observability-latest.md
cat bench/results/observability-latest.md
