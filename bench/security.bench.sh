#!/usr/bin/env bash
# Security overhead: the API with and without its SecurityFilter, each in its own JVM,
# measured in alternating rounds once both JITs have settled (SecurityBench in test sources removes
# the chain for the second instance; production has no switch), plus µs per JWT validation and per
# Redis rate-limit check. Needs Redis on 127.0.0.1:6379 (make services-up). Takes 6-9 min.
# Usage: bench/security.bench.sh [seconds-per-round] [client-threads] [max-warm-up-seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
MVN="./mvnw -B -ntp -q ${MVN_OFFLINE:-}"
$MVN -pl api-service -am install -DskipTests -Dspotless.check.skip=true -Djacoco.skip=true >/dev/null
$MVN -pl api-service test-compile -Djacoco.skip=true >/dev/null
CP_FILE=api-service/target/bench.classpath
$MVN -pl api-service dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$(pwd)/$CP_FILE" >/dev/null
CP="api-service/target/test-classes:api-service/target/classes:$(cat "$CP_FILE")"
java -cp "$CP" io.kaleem.api.bench.SecurityBench "${1:-5}" "${2:-8}" bench/results "${3:-120}" \
  2> >(grep --line-buffered -v '^{' >&2) | grep --line-buffered -v '^{'
echo "written: bench/results/security-latest.md"
