#!/usr/bin/env bash
# The local monitoring stack around `make run` (docs/OBSERVABILITY.md).
#   scripts/observability-up.sh [up]   Prometheus on :9090 (the installed `prometheus` binary)
#                                      scraping the API's management port :9464 with the alert
#                                      rules of observability/alerts; Grafana and Loki through
#                                      docker compose when a Docker engine answers.
#   scripts/observability-up.sh down   stops what `up` started
#   scripts/observability-up.sh status
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${OBSERVABILITY_DATA:-data/observability}
PORT=${PROMETHEUS_PORT:-9090}
PIDFILE="$DATA/prometheus.pid"
COMPOSE=(docker compose -f observability/docker-compose.yml)

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

up() {
  mkdir -p "$DATA" data/logs
  if running; then
    echo "prometheus already running (pid $(cat "$PIDFILE")) on http://localhost:$PORT"
  elif command -v prometheus >/dev/null; then
    promtool check config observability/prometheus/prometheus-local.yml >/dev/null
    prometheus --config.file=observability/prometheus/prometheus-local.yml \
      --storage.tsdb.path="$DATA/prometheus" --web.listen-address="127.0.0.1:$PORT" \
      --log.level=warn >"$DATA/prometheus.log" 2>&1 &
    echo $! >"$PIDFILE"
    for _ in $(seq 1 50); do
      curl -sf "http://127.0.0.1:$PORT/-/ready" >/dev/null && break
      sleep 0.2
    done
    running || { cat "$DATA/prometheus.log" >&2; exit 1; }
    echo "prometheus on http://localhost:$PORT (targets: /targets, alerts: /alerts); log $DATA/prometheus.log"
  else
    echo "prometheus is not installed (apt-get install prometheus); or use: ${COMPOSE[*]} up -d prometheus" >&2
  fi
  if docker info >/dev/null 2>&1; then
    "${COMPOSE[@]}" up -d grafana loki promtail
    echo "grafana on http://localhost:3001 (dashboards in folder Kaleem), loki on http://localhost:3100"
  else
    echo "no Docker engine: Grafana and Loki not started. Elsewhere: ${COMPOSE[*]} up -d grafana loki promtail"
  fi
  echo "start the API with its log shipped to Loki: make run 2>&1 | tee data/logs/api.log"
}

down() {
  if running; then
    kill "$(cat "$PIDFILE")" && rm -f "$PIDFILE" && echo "prometheus stopped"
  fi
  if docker info >/dev/null 2>&1; then
    "${COMPOSE[@]}" down
  fi
}

case "${1:-up}" in
  up) up ;;
  down) down ;;
  status) running && echo "prometheus running (pid $(cat "$PIDFILE"))" || echo "prometheus not running" ;;
  *) echo "usage: $0 [up|down|status]" >&2; exit 2 ;;
esac
