#!/usr/bin/env bash
# Starts the API jar the way `make run` does: extracted (Spring Boot's jarmode=tools layout) and
# with a class-data-sharing archive, which roughly halves JVM + Spring start-up here. The archive is
# made once per build by a training run that refreshes the context and exits (in-memory database,
# no demo data, nothing written to ./data); it is remade whenever the jar's content or the JVM
# changes (jars are reproducible: see project.build.outputTimestamp in pom.xml).
#   scripts/run-api.sh [--prepare-only] [spring args...]
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${API_JAR:-api-service/target/kaleem-api-service-0.1.0-SNAPSHOT.jar}
RUN_DIR=${API_RUN_DIR:-api-service/target/run}
ARCHIVE="$RUN_DIR/app.jsa"
APP="$RUN_DIR/$(basename "$JAR")"
[ -f "$JAR" ] || { echo "run-api: $JAR not found; build it with make build" >&2; exit 1; }

STAMP="$(sha256sum "$JAR" | cut -d' ' -f1) $(java -version 2>&1 | tr '\n' ' ')"
if [ ! -f "$ARCHIVE" ] || [ "$(cat "$RUN_DIR/stamp" 2>/dev/null)" != "$STAMP" ]; then
  echo "run-api: preparing $RUN_DIR (extracted jar + CDS archive, once per build)..." >&2
  start=$(date +%s)
  rm -rf "$RUN_DIR"
  java -Djarmode=tools -jar "$JAR" extract --destination "$RUN_DIR" >/dev/null
  # The training run's own output only matters when it fails.
  java @api-service/run.jvmopts -XX:ArchiveClassesAtExit="$ARCHIVE" -Xlog:cds=off \
    -Xlog:cds+dynamic=off -Dspring.context.exit=onRefresh -jar "$APP" \
    --server.port=0 --kaleem.metrics.port=0 --kaleem.mongo.embedded.data-file= \
    --kaleem.mongo.embedded.demo-data=false \
    --kaleem.security.demo-users.enabled=false --kaleem.security.jwt.dev-key-file= \
    --logging.level.root=WARN \
    >"$RUN_DIR/training.log" 2>&1 || true
  if [ -f "$ARCHIVE" ]; then
    echo "$STAMP" >"$RUN_DIR/stamp"
  else
    echo "run-api: no CDS archive (see $RUN_DIR/training.log); starting without it" >&2
  fi
  echo "run-api: prepared in $(( $(date +%s) - start )) s" >&2
fi
if [ "${1:-}" = "--prepare-only" ]; then
  exit 0
fi
SHARE=()
# A Java agent (make run-traced) transforms classes the archive holds already defined: the JVM
# then fails with "duplicate interface definition", so an agent runs without the archive.
if [ -f "$ARCHIVE" ] && [[ "${JAVA_OPTS:-}" != *-javaagent* ]]; then
  # -Xshare:auto (the default) starts without the archive if this JVM cannot use it.
  SHARE=(-XX:SharedArchiveFile="$ARCHIVE" -Xlog:cds=off -Xlog:cds+dynamic=off)
fi
# shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
exec java @api-service/run.jvmopts "${SHARE[@]}" ${JAVA_OPTS:-} -jar "$APP" "$@"
