#!/usr/bin/env bash
# Two-level cache benchmark (see CacheBenchmark): Zipf reads with the cache on vs off (database
# queries, hit ratios), HTTP req/s, request-path CPU per request and P50/P95/P99 for the cached
# route, the uncached route and liveness with wrk (interleaved 2 s slices), and per-read latency of
# L1 hits, L2 hits and misses (JMH, CacheJmh: sample time, 1 fork, 3 x 2 s warm-up, 5 x 2 s).
# BENCH_PRODUCTS=100000 (the issue's size) takes ~9 min on the shared 2-core machine at load ~20.
# Needs Redis on 127.0.0.1:6379 and wrk (apt-get install wrk). BENCH_PRODUCTS (default 20000),
# BENCH_READS (default 1000000) and BENCH_SECONDS (default 10) resize it.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }
MVN="./mvnw -B -ntp -q"
# Builds from this checkout (crds included) without installing anything into ~/.m2.
$MVN -pl api-service -am test-compile dependency:build-classpath -Djacoco.skip=true \
  -Dspotless.check.skip=true -Dmdep.includeScope=test -Dmdep.outputFile=target/cache-bench.classpath
CP="api-service/target/test-classes:api-service/target/classes:$(cat api-service/target/cache-bench.classpath)"
# JMH first (its own forked JVM), so the HTTP runs do not share the machine with it.
java -cp "$CP" org.openjdk.jmh.Main 'io.kaleem.api.cache.CacheJmh' -rf json \
  -rff api-service/target/cache-jmh.json
# BENCH_JFR=file records a CPU profile of the whole run (e.g. to see what a cached read costs
# beyond the cache: `jfr print --events jdk.ExecutionSample file`).
JFR=()
[ -n "${BENCH_JFR:-}" ] && JFR=("-XX:StartFlightRecording=filename=${BENCH_JFR},settings=profile")
java -Xmx2g "${JFR[@]}" -Dbench.jmh=api-service/target/cache-jmh.json \
  -Dbench.products="${BENCH_PRODUCTS:-20000}" -Dbench.reads="${BENCH_READS:-1000000}" \
  -Dbench.seconds="${BENCH_SECONDS:-10}" \
  -cp "$CP" io.kaleem.api.bench.CacheBenchmark bench/results
