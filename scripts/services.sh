#!/usr/bin/env bash
# Starts (or stops) the Redis and RabbitMQ the tests and `make run` talk to, on loopback only,
# and makes sure the prometheus/promtool binaries the operator tests run are installed.
# Idempotent: a service already answering is left alone. Where a server is not installed and we
# are root on a Debian/Ubuntu machine, it is installed from the OS packages; elsewhere we say how.
set -euo pipefail

STATE_DIR="${KALEEM_SERVICES_DIR:-${TMPDIR:-/tmp}/kaleem-services}"
REDIS_PORT="${REDIS_PORT:-6379}"
AMQP_PORT="${RABBITMQ_PORT:-5672}"

log() { printf '[services] %s\n' "$*"; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

install_pkg() {
  local pkg=$1
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing $pkg from the OS packages"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >/dev/null
  else
    log "ERROR: $pkg is not installed. Install it (Debian/Ubuntu: sudo apt-get install $pkg;"
    log "macOS: brew install ${pkg%-server}) and run 'make services-up' again."
    exit 1
  fi
}

redis_up() {
  if port_open "$REDIS_PORT"; then log "redis already answering on 127.0.0.1:$REDIS_PORT"; return; fi
  command -v redis-server >/dev/null || install_pkg redis-server
  mkdir -p "$STATE_DIR/redis"
  redis-server --daemonize yes --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$STATE_DIR/redis" --pidfile "$STATE_DIR/redis/redis.pid" \
    --logfile "$STATE_DIR/redis/redis.log"
  for _ in $(seq 1 50); do port_open "$REDIS_PORT" && break; sleep 0.1; done
  port_open "$REDIS_PORT" || { log "ERROR: redis did not start; see $STATE_DIR/redis/redis.log"; exit 1; }
  log "redis started on 127.0.0.1:$REDIS_PORT"
}

rabbit_up() {
  if port_open "$AMQP_PORT"; then log "rabbitmq already answering on 127.0.0.1:$AMQP_PORT"; return; fi
  command -v rabbitmq-server >/dev/null || [ -x /usr/sbin/rabbitmq-server ] || install_pkg rabbitmq-server
  export PATH="$PATH:/usr/sbin"
  local base="$STATE_DIR/rabbitmq"
  mkdir -p "$base/mnesia" "$base/log"
  # RabbitMQ hangs silently when its folders belong to root: hand them to its own user.
  if id rabbitmq >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then chown -R rabbitmq:rabbitmq "$base"; fi
  export RABBITMQ_MNESIA_BASE="$base/mnesia" RABBITMQ_LOG_BASE="$base/log" \
    RABBITMQ_PID_FILE="$base/rabbit.pid" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT="$AMQP_PORT" RABBITMQ_NODENAME=rabbit@localhost ERL_EPMD_ADDRESS=127.0.0.1
  rabbitmq-server -detached
  if ! rabbitmqctl -n rabbit@localhost wait --timeout 60 "$base/rabbit.pid" >/dev/null 2>&1; then
    log "ERROR: rabbitmq did not start in 60 s; see $base/log"; exit 1
  fi
  log "rabbitmq started on 127.0.0.1:$AMQP_PORT (guest/guest)"
}

# The operator's rollout-analysis test starts its own Prometheus (on a free loopback port, with a
# temporary config) and its alert-rule test runs promtool: only the binaries are needed here, no
# daemon is started.
prometheus_check() {
  if command -v prometheus >/dev/null && command -v promtool >/dev/null; then
    log "prometheus and promtool installed (tests start their own server)"; return
  fi
  install_pkg prometheus
  log "prometheus and promtool installed"
}

redis_down() {
  local pid="$STATE_DIR/redis/redis.pid"
  if [ -f "$pid" ]; then kill "$(cat "$pid")" 2>/dev/null || true; rm -f "$pid"; log "redis stopped"; fi
}

rabbit_down() {
  local base="$STATE_DIR/rabbitmq"
  if [ -f "$base/rabbit.pid" ]; then
    export PATH="$PATH:/usr/sbin"
    rabbitmqctl -n rabbit@localhost stop >/dev/null 2>&1 || kill "$(cat "$base/rabbit.pid")" 2>/dev/null || true
    rm -f "$base/rabbit.pid"
    pkill -f "epmd.*-address 127.0.0.1" 2>/dev/null || true
    log "rabbitmq stopped"
  fi
}

case "${1:-up}" in
  up) redis_up; rabbit_up; prometheus_check ;;
  down) redis_down; rabbit_down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
