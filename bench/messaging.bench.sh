#!/usr/bin/env bash
# Messaging benchmark (see MessagingBench): events end to end through the real RabbitMQ on
# loopback (make services-up), relay drain of a 10k backlog, WebSocket fan-out to 1,000 clients.
# BENCH_ORDERS, BENCH_BACKLOG, BENCH_CLIENTS shrink it for a quick look.
set -euo pipefail
cd "$(dirname "$0")/.."
MVN="./mvnw -B -ntp -q"
# Reactor build of crds + api-service (never `install`: ~/.m2 is shared with other checkouts).
$MVN -pl crds,api-service test-compile dependency:build-classpath -Djacoco.skip=true \
  -Dspotless.check.skip=true -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
CP="api-service/target/test-classes:api-service/target/classes:crds/target/classes:$(cat api-service/target/bench.classpath)"
java -Xmx2g -Dbench.orders="${BENCH_ORDERS:-2000}" -Dbench.backlog="${BENCH_BACKLOG:-10000}" \
  -Dbench.clients="${BENCH_CLIENTS:-1000}" \
  -cp "$CP" io.kaleem.api.bench.MessagingBench bench/results
