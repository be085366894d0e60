#!/usr/bin/env bash
# API core benchmark: cold start, RSS, cursor depth latency, load on loopback (see ApiBenchmark).
# BENCH_PRODUCTS (default 200000) and BENCH_LOAD_SECONDS (default 10) shrink it for a quick look.
set -euo pipefail
cd "$(dirname "$0")/.."
MVN="./mvnw -B -ntp -q"
$MVN -pl crds,api-service install -DskipTests -Dspotless.check.skip=true -Djacoco.skip=true
$MVN -pl api-service test-compile -Djacoco.skip=true
$MVN -pl api-service dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
# The CDS archive is made once per build, before the clock of the start-up figures starts.
bash scripts/run-api.sh --prepare-only
CP="api-service/target/test-classes:api-service/target/classes:$(cat api-service/target/bench.classpath)"
java -Xmx2g -Dbench.products="${BENCH_PRODUCTS:-200000}" -Dbench.loadSeconds="${BENCH_LOAD_SECONDS:-10}" \
  -cp "$CP" io.kaleem.api.bench.ApiBenchmark api-service/target/kaleem-api-service-0.1.0-SNAPSHOT.jar bench/results
