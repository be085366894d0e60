#!/usr/bin/env bash
# Rollout: on the Kubernetes simulation (kaleem-operator/src/test/java/io/kaleem/operator/sim),
# with the operator's default settings, the time from the first failure signal to the rollback
# write (RollingUpdate) and to the preview scaled away (BlueGreen), in simulated and wall time;
# and decide() evaluations per second. Writes bench/results/rollout-<timestamp>.md and
# rollout-latest.md.
set -euo pipefail
cd "$(dirname "$0")/.."
MVN="${MVN:-./mvnw -B -ntp}"
mkdir -p bench/results
$MVN -q -pl crds,kaleem-operator -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt \
  -Dspotless.check.skip=true -Djacoco.skip=true
cp="kaleem-operator/target/test-classes:kaleem-operator/target/classes:crds/target/classes:$(cat kaleem-operator/target/bench-classpath.txt)"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="bench/results/rollout-$stamp.md"
java -Xmx512m -Dlogback.configurationFile=kaleem-operator/src/test/resources/logback-bench.xml \
  -cp "$cp" io.kaleem.operator.bench.RolloutBench "$out"
mv "$out" bench/results/rollout-latest.md
echo "written: $out"
