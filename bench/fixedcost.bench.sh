#!/usr/bin/env bash
# Fixed cost of the API's request path, against a bare Spring Boot WebFlux app (bench/bare-webflux:
# same Boot and Reactor Netty, one static JSON route), measured side by side in one run: each
# target gets a warm-up, then ROUNDS interleaved rounds (the order rotates every round), so a
# neighbour's build slows every target alike. Prints req/s, latency and server CPU per request, the
# ratios to bare (median round, with min-max over rounds), and writes
# bench/results/fixedcost-latest.md (earlier runs live in git history). With FIXEDCOST_PROFILE=1 (the
# default) it then profiles the cheapest filtered route with async-profiler (Maven Central
# tools.profiler:async-profiler) and attributes event-loop CPU to each filter
# (bench/fixedcost-profile.py). Needs wrk (apt-get install wrk) and Redis on 127.0.0.1:6379.
# Usage: bench/fixedcost.bench.sh   (env: FIXEDCOST_WARMUP_SECONDS=30 FIXEDCOST_ROUND_SECONDS=10
#        FIXEDCOST_ROUNDS=3 FIXEDCOST_CONNECTIONS=32 FIXEDCOST_PROFILE=1)
set -euo pipefail
cd "$(dirname "$0")/.."
# The RabbitMQ of `make services-up`: the embedded broker does not start from the packaged jar.
BROKER_URL=${KALEEM_BENCH_BROKER_URL:-amqp://guest:guest@127.0.0.1:5672}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
WARMUP=${FIXEDCOST_WARMUP_SECONDS:-30}
ROUND=${FIXEDCOST_ROUND_SECONDS:-10}
ROUNDS=${FIXEDCOST_ROUNDS:-3}
CONNS=${FIXEDCOST_CONNECTIONS:-32}
PROFILE=${FIXEDCOST_PROFILE:-1}
MVN="./mvnw -B -ntp -q"
ASPROF_VERSION=4.2

$MVN -f bench/bare-webflux/pom.xml package -DskipTests >/dev/null
$MVN -pl api-service -am package -DskipTests -Dspotless.check.skip=true -Djacoco.skip=true >/dev/null
WORK=$(mktemp -d)
# Copies: a build in the worktree while the bench runs must not swap a running JVM's jar.
cp bench/bare-webflux/target/bare-webflux.jar "$WORK/bare.jar"
cp api-service/target/kaleem-api-service-0.1.0-SNAPSHOT.jar "$WORK/api.jar"
BARE_JAR=$WORK/bare.jar
API_JAR=$WORK/api.jar
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

# The same JVM flags for both apps: the comparison is of what runs per request, not of JVM tuning.
JVM=(-Xms256m -Xmx512m)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_bare() {
  BARE_PORT=$(free_port)
  java "${JVM[@]}" -jar "$BARE_JAR" --server.port="$BARE_PORT" --spring.main.banner-mode=off \
    >"$WORK/bare.log" 2>&1 &
  BARE_PID=$!
  PIDS+=("$BARE_PID")
}

# The API as `make run` starts it but in memory, without demo data (a busy machine times out its
# load), with the demo accounts (the cached read needs an admin token), and with budgets no
# benchmark reaches (a 429 would be cheaper than the path measured). Its log goes to a file, as to
# a collector that keeps up; $1: extra JVM flags (the profiler agent).
start_api() {
  API_PORT=$(free_port)
  # shellcheck disable=SC2086 # $1 is a list of JVM flags: split into words on purpose
  java "${JVM[@]}" ${1:-} -jar "$API_JAR" --server.port="$API_PORT" \
    --kaleem.mongo.embedded.data-file= --kaleem.mongo.embedded.demo-data=false \
    --kaleem.security.jwt.dev-key-file= --kaleem.security.demo-users.enabled=true \
    --kaleem.security.rate-limit.key-prefix="rl-bench:$$" \
    --kaleem.security.rate-limit.anonymous=2000000000 \
    --kaleem.security.rate-limit.plans.platform=2000000000 \
    --kaleem.messaging.broker-url="$BROKER_URL" --kaleem.messaging.exchange="kaleem-bench-$$" \
    >"$WORK/api.log" 2>&1 &
  API_PID=$!
  PIDS+=("$API_PID")
}

await() { # url pid
  # A shared machine can take minutes to start a JVM.
  for _ in $(seq 1 1200); do
    curl -fs -o /dev/null "$1" && return 0
    kill -0 "$2" 2>/dev/null || { echo "server for $1 exited; log in $WORK" >&2; exit 1; }
    sleep 0.5
  done
  echo "server for $1 not ready after 600 s" >&2
  exit 1
}

start_bare
start_api
await "http://127.0.0.1:$BARE_PORT/bare" "$BARE_PID"
await "http://127.0.0.1:$API_PORT/api/health/readiness" "$API_PID"

declare -A URL PID
NAMES=(bare filtered liveness)
URL[bare]="http://127.0.0.1:$BARE_PORT/bare"
URL[filtered]="http://127.0.0.1:$API_PORT/api/v1/no-such-route"
URL[liveness]="http://127.0.0.1:$API_PORT/api/health/liveness"
PID[bare]=$BARE_PID
PID[filtered]=$API_PID
PID[liveness]=$API_PID
# The cached read: one product, created here, read by the platform admin (a token, the
# ownership check, then the product cache's L1 hit; the first read below fills it).
api_json() { # path [curl args...] -> body
  local path=$1; shift
  curl -fs "$@" "http://127.0.0.1:$API_PORT$path"
}
TOKEN=$(api_json /api/v1/auth/login -H 'Content-Type: application/json' \
  -d '{"email":"admin@demo.kaleem.io","password":"demo-admin-2026"}' |
  python3 -c 'import sys,json;print(json.load(sys.stdin)["accessToken"])')
CACHED_AUTH="Bearer $TOKEN"
M=$(api_json /api/v1/merchants -H "Authorization: $CACHED_AUTH" -H 'Content-Type: application/json' \
  -d '{"name":{"en":"Bench merchant"},"slug":"bench-cached","contactEmail":"bench@example.com","country":"SA","currency":"SAR"}' |
  python3 -c 'import sys,json;print(json.load(sys.stdin)["id"])')
P=$(api_json "/api/v1/merchants/$M/products" -H "Authorization: $CACHED_AUTH" -H 'Content-Type: application/json' \
  -d '{"sku":"BENCH-1","name":{"en":"Bench product"},"price":10.00,"currency":"SAR","stock":5,"status":"ACTIVE"}' |
  python3 -c 'import sys,json;print(json.load(sys.stdin)["id"])')
URL[cached]="http://127.0.0.1:$API_PORT/api/v1/merchants/$M/products/$P"
PID[cached]=$API_PID
NAMES+=(cached)
api_json "/api/v1/merchants/$M/products/$P" -H "Authorization: $CACHED_AUTH" -o /dev/null
# What each target is:
#   [bare]: bare WebFlux, GET /bare (static JSON)
#   [filtered]: API, anonymous GET of an unknown path (every filter, then 404)
#   [liveness]: API, GET /api/health/liveness
#   [cached]: API, cached read (L1 hit)

cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
TICK=$(getconf CLK_TCK)

# run <name> <seconds> -> appends "name rps p50ms p99ms requests cpu_us_per_request" to $WORK/runs
run() {
  local name=$1 secs=$2 before after out
  local auth=()
  [ "$name" = cached ] && auth=(-H "Authorization: $CACHED_AUTH")
  before=$(cpu_ticks "${PID[$name]}")
  out=$(wrk -t1 -c"$CONNS" -d"${secs}s" --latency "${auth[@]}" "${URL[$name]}")
  after=$(cpu_ticks "${PID[$name]}")
  python3 - "$name" "$before" "$after" "$TICK" <<PY >>"$WORK/runs"
import re, sys
out = """$out"""
name, before, after, tick = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
def ms(v):
    # wrk prints us, ms, s or m (minutes, when a request waited that long under load).
    m = re.match(r"([\d.]+)(us|ms|s|m|h)$", v)
    if not m:
        return float("nan")
    n, u = m.groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000, "h": 3600000}[u]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
reqs = int(re.search(r"(\d+) requests in", out).group(1))
p50 = ms(re.search(r"50%\s+(\S+)", out).group(1))
p99 = ms(re.search(r"99%\s+(\S+)", out).group(1))
cpu_us = (after - before) / tick * 1e6 / max(reqs, 1)
print(name, rps, p50, p99, reqs, round(cpu_us, 1))
PY
}

STATUS_FILTERED=$(curl -s -o /dev/null -w '%{http_code}' "${URL[filtered]}")
STATUS_CACHED=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: $CACHED_AUTH" "${URL[cached]}")
[ "$STATUS_CACHED" = 200 ] || { echo "the cached read answers $STATUS_CACHED, not 200" >&2; exit 1; }
echo "warm-up: ${WARMUP}s per target (JIT), then $ROUNDS interleaved rounds of ${ROUND}s, wrk -t1 -c$CONNS"
: >"$WORK/runs"
for n in "${NAMES[@]}"; do run "$n" "$WARMUP"; done
: >"$WORK/runs"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for r in $(seq 0 $((ROUNDS - 1))); do
  k=${#NAMES[@]}
  for i in $(seq 0 $((k - 1))); do run "${NAMES[$(((i + r) % k))]}" "$ROUND"; done
done

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
STAMP=$(date -u +%Y%m%d-%H%M%S)
OUT=bench/results/fixedcost-$STAMP.md
python3 - "$WORK/runs" "$STATUS_FILTERED" "$CONNS" "$ROUND" "$ROUNDS" "$WARMUP" "$LOAD_BEFORE" "$LOAD_AFTER" >"$OUT" <<'PY'
import statistics, sys, datetime
path, status, conns, secs, rounds, warm, load_before, load_after = sys.argv[1:]
runs = {}
for line in open(path):
    name, rps, p50, p99, reqs, cpu = line.split()
    runs.setdefault(name, []).append((float(rps), float(p50), float(p99), int(reqs), float(cpu)))
labels = {
    "bare": "bare WebFlux, GET /bare (static JSON)",
    "filtered": f"API, anonymous GET of an unknown path (every filter; answers {status})",
    "liveness": "API, GET /api/health/liveness",
    "cached": "API, cached read: admin GET /api/v1/merchants/{m}/products/{id} (token, ownership, L1 hit)",
}
print(f"# Fixed cost of the request path, {datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds')}")
print()
print(f"wrk -t1 -c{conns}, {warm} s warm-up per target, then {rounds} interleaved rounds of {secs} s "
      "(order rotated each round); the apps and wrk share 2 cores with other builds, so the "
      "spread (min-max over rounds) is part of the result. Server CPU: the server JVM's CPU time "
      "(all threads, log writing included) per request.")
print()
print(f"Load average (1, 5, 15 min) before the rounds: {load_before}; after: {load_after}.")
print()
print("| target | req/s median | req/s min-max | P50 ms | P99 ms | server CPU µs/request |")
print("|---|---:|---:|---:|---:|---:|")
med = {}
for name in ["bare", "filtered", "liveness", "cached"]:
    if name not in runs:
        print(f"| {labels[name]} | not measured | | | | |")
        continue
    r = runs[name]
    rps = [x[0] for x in r]
    med[name] = statistics.median(rps)
    print(f"| {labels[name]} | {med[name]:.0f} | {min(rps):.0f}-{max(rps):.0f} | "
          f"{statistics.median(x[1] for x in r):.2f} | {statistics.median(x[2] for x in r):.2f} | "
          f"{statistics.median(x[4] for x in r):.0f} |")
print()
print("| ratio to bare | req/s, medians | req/s, per round min-max | server CPU per request, bare / target (medians) |")
print("|---|---:|---:|---:|")
for name in ["filtered", "liveness", "cached"]:
    if name not in runs:
        continue
    per_round = [a[0] / b[0] for a, b in zip(runs[name], runs["bare"])]
    cpu = statistics.median(x[4] for x in runs["bare"]) / statistics.median(x[4] for x in runs[name])
    target = " (target >= 0.5)" if name == "filtered" else ""
    print(f"| {labels[name]}{target} | {med[name] / med['bare']:.2f} | "
          f"{min(per_round):.2f}-{max(per_round):.2f} | {cpu:.2f} |")
print()
print("The CPU ratio is what the req/s ratio becomes when both are CPU-bound on the same cores; "
      "on a shared machine it is the steadier of the two.")
PY

# The measurement is the result; the profile below adds to it when it works.
mv "$OUT" bench/results/fixedcost-latest.md
OUT=bench/results/fixedcost-latest.md

if [ "$PROFILE" = 1 ]; then
  # A third JVM, started with the profiler, under the filtered route's load only.
  $MVN dependency:copy -Dartifact="tools.profiler:async-profiler:$ASPROF_VERSION:jar:linux-x64" \
    -DoutputDirectory="$WORK" >/dev/null
  (cd "$WORK" && unzip -q -o "async-profiler-$ASPROF_VERSION-linux-x64.jar" linux-x64/libasyncProfiler.so)
  kill "$API_PID" "$BARE_PID"
  wait "$API_PID" "$BARE_PID" 2>/dev/null || true
  # Continuous mode: a file per 10 s of profile, so the analysis takes the steady state only
  # (the last full files of the measured run), not start-up or JIT warm-up.
  start_api "-agentpath:$WORK/linux-x64/libasyncProfiler.so=start,event=itimer,interval=1ms,threads,collapsed,loop=10s,file=$WORK/profile-%t.collapsed"
  await "http://127.0.0.1:$API_PORT/api/health/readiness" "$API_PID"
  PID[filtered]=$API_PID
  URL[filtered]="http://127.0.0.1:$API_PORT/api/v1/no-such-route"
  run filtered "$WARMUP"
  : >"$WORK/runs"
  run filtered 45
  kill "$API_PID"
  wait "$API_PID" 2>/dev/null || true
  # The newest file is the partial one written at exit; the three before it are the last 30 s.
  mapfile -t CHUNKS < <(find "$WORK" -maxdepth 1 -name 'profile-*.collapsed' | sort | tail -4 | head -3)
  cat "${CHUNKS[@]}" >"$WORK/profile.collapsed"
  python3 bench/fixedcost-profile.py "$WORK/profile.collapsed" "$(awk '{print $6}' "$WORK/runs" | tail -1)" >>"$OUT"
fi

cat "$OUT"
echo "written: $OUT"
