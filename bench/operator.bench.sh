#!/usr/bin/env bash
# kaleem-operator: create-to-Ready for 1 and 200 tenants, reconcile P95, heap, rollback decision
# time (OperatorBench); then the fleet, 1,000 tenants (OperatorFleetBench; FLEET_TENANTS to change):
# API requests per idle reconcile, reconcile P95, heap, requests/s during a fleet-wide rollout and
# after a restart, time to converge after the restart. The operator runs in-process against the
# fabric8 mock API server and an in-process MongoDB-wire server. Writes
# bench/results/operator-latest.md and operator-fleet-latest.md.
set -euo pipefail
cd "$(dirname "$0")/.."
MVN="${MVN:-./mvnw -B -ntp}"
mkdir -p bench/results
$MVN -q -pl crds,kaleem-operator -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt \
  -Dspotless.check.skip=true -Djacoco.skip=true
cp="kaleem-operator/target/test-classes:kaleem-operator/target/classes:crds/target/classes:$(cat kaleem-operator/target/bench-classpath.txt)"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="bench/results/operator-$stamp.md"
java -Xmx512m -Dlogback.configurationFile=kaleem-operator/src/test/resources/logback-bench.xml \
  -Djava.util.logging.config.file=kaleem-operator/src/test/resources/jul-bench.properties \
  -cp "$cp" io.kaleem.operator.bench.OperatorBench "$out"
mv "$out" bench/results/operator-latest.md
echo "written: $out"
fleet="bench/results/operator-fleet-$stamp.md"
java -Xmx1g -Dbench.fleet.tenants="${FLEET_TENANTS:-1000}" \
  -Dlogback.configurationFile=kaleem-operator/src/test/resources/logback-bench.xml \
  -Djava.util.logging.config.file=kaleem-operator/src/test/resources/jul-bench.properties \
  -cp "$cp" io.kaleem.operator.bench.OperatorFleetBench "$fleet"
mv "$fleet" bench/results/operator-fleet-latest.md
echo "written: bench/results/operator-fleet-latest.md"
