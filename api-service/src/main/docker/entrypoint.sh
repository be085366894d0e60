#!/bin/sh
# The API container's entrypoint (the Jib image and api-service/Dockerfile both run it).
# The OpenTelemetry Java agent is in the image but loaded only when OTEL_EXPORTER_OTLP_ENDPOINT
# names a collector: without one the agent would only cost start-up time and memory.
# JVM flags: jvm.options beside this script (container-aware heap), then JAVA_OPTS, which wins
# because the JVM takes the last occurrence of a flag. Arguments go to the application.
set -eu
APP_HOME=${APP_HOME:-/app}
agent=""
if [ -n "${OTEL_EXPORTER_OTLP_ENDPOINT:-}" ]; then
  agent="-javaagent:$APP_HOME/opentelemetry-javaagent.jar"
fi
# shellcheck disable=SC2086 # $agent is one word or none; JAVA_OPTS is a list of flags
exec java @"$APP_HOME/jvm.options" $agent ${JAVA_OPTS:-} -jar "$APP_HOME/app.jar" "$@"
