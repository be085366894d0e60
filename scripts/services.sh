#!/usr/bin/env bash
# Starts (or stops) the Redis and RabbitMQ the tests and `make run` talk to, on loopback only,
# and makes sure the prometheus/promtool binaries the operator tests run, and the chromium the page
# test drives, are installed.
# `make test` runs `up` first, so a fresh Debian/Ubuntu machine needs nothing but a JDK.
#
# Idempotent: a service already answering on its port is left alone (whoever started it).
# Missing programs are installed from the OS packages when we are root with apt-get; otherwise we
# stop at once with one line naming what to install. `down` stops only what `up` started, by the
# pid it recorded: never by name or pattern, so other servers on this machine are never touched.
#
# REDIS_PORT / RABBITMQ_PORT choose other ports (e.g. a second, private pair next to running ones).
set -euo pipefail

STATE_DIR="${KALEEM_SERVICES_DIR:-${TMPDIR:-/tmp}/kaleem-services}"
REDIS_PORT="${REDIS_PORT:-6379}"
AMQP_PORT="${RABBITMQ_PORT:-5672}"
# One node name per port: two brokers started here never share an Erlang node name.
RABBIT_NODE="kaleem${AMQP_PORT}@localhost"
REDIS_DIR="$STATE_DIR/redis-$REDIS_PORT"
RABBIT_DIR="$STATE_DIR/rabbitmq-$AMQP_PORT"
EPMD_PID="$STATE_DIR/epmd.pid"
export PATH="$PATH:/usr/sbin:/usr/lib/rabbitmq/bin"

log() { printf '[services] %s\n' "$*"; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
have() { command -v "$1" >/dev/null 2>&1; }

# The OS packages this run needs and lacks: a server is needed only when nothing answers on its
# port; prometheus/promtool always (the operator's tests start their own Prometheus); chromium and
# its driver for the page test.
missing_packages() {
  local pkgs=()
  if ! port_open "$REDIS_PORT" && ! have redis-server; then pkgs+=(redis-server); fi
  if ! port_open "$AMQP_PORT" && ! have rabbitmq-server; then pkgs+=(rabbitmq-server); fi
  if ! have prometheus || ! have promtool; then pkgs+=(prometheus); fi
  # The /live page is tested in a real headless browser (LivePageTest): Debian's own paths.
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    pkgs+=(chromium chromium-driver)
  fi
  echo "${pkgs[@]:-}"
}

install_missing() {
  local pkgs
  pkgs="$(missing_packages)"
  [ -z "$pkgs" ] && return
  if [ "$(id -u)" != 0 ] || ! have apt-get; then
    die "make test needs: $pkgs. Install them (Debian/Ubuntu: sudo apt-get install -y $pkgs; macOS: brew install ${pkgs//-server/}) and run make test again."
  fi
  log "installing from the OS packages: $pkgs"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $pkgs >/dev/null \
    || die "apt-get install $pkgs failed; install them yourself and run make test again."
  # Debian starts a packaged server at install time when it can; leave a running one alone, it
  # answers on its port and is used as is.
}

redis_up() {
  if port_open "$REDIS_PORT"; then log "redis already answering on 127.0.0.1:$REDIS_PORT"; return; fi
  mkdir -p "$REDIS_DIR"
  redis-server --daemonize yes --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$REDIS_DIR" --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log"
  for _ in $(seq 1 100); do port_open "$REDIS_PORT" && break; sleep 0.1; done
  port_open "$REDIS_PORT" || die "redis did not start on 127.0.0.1:$REDIS_PORT; see $REDIS_DIR/redis.log"
  log "redis started on 127.0.0.1:$REDIS_PORT (pid $(cat "$REDIS_DIR/redis.pid"))"
}

# RabbitMQ registers with epmd (port 4369). When none runs we start one ourselves, in the
# foreground of a background job, so that its pid is known and `down` can end exactly it.
epmd_up() {
  if port_open 4369; then return; fi
  mkdir -p "$STATE_DIR"
  nohup epmd -address 127.0.0.1 >"$STATE_DIR/epmd.log" 2>&1 &
  echo $! >"$EPMD_PID"
  disown || true
  for _ in $(seq 1 50); do port_open 4369 && return; sleep 0.1; done
  die "epmd did not start; see $STATE_DIR/epmd.log"
}

rabbit_up() {
  if port_open "$AMQP_PORT"; then log "rabbitmq already answering on 127.0.0.1:$AMQP_PORT"; return; fi
  epmd_up
  mkdir -p "$RABBIT_DIR/mnesia" "$RABBIT_DIR/log"
  # Our own config and env files: a machine-wide /etc/rabbitmq (say, one naming port 5672) must not
  # decide where this broker listens.
  printf 'listeners.tcp.local = 127.0.0.1:%s\n' "$AMQP_PORT" >"$RABBIT_DIR/rabbitmq.conf"
  : >"$RABBIT_DIR/rabbitmq-env.conf"
  echo "[]." >"$RABBIT_DIR/enabled_plugins"
  # RabbitMQ hangs silently when its folders belong to root: hand them to its own user.
  if id rabbitmq >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then chown -R rabbitmq:rabbitmq "$RABBIT_DIR"; fi
  export RABBITMQ_MNESIA_BASE="$RABBIT_DIR/mnesia" RABBITMQ_LOG_BASE="$RABBIT_DIR/log" \
    RABBITMQ_PID_FILE="$RABBIT_DIR/rabbit.pid" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT="$AMQP_PORT" RABBITMQ_DIST_PORT="$((AMQP_PORT + 20000))" \
    RABBITMQ_NODENAME="$RABBIT_NODE" ERL_EPMD_ADDRESS=127.0.0.1 \
    RABBITMQ_CONFIG_FILE="$RABBIT_DIR/rabbitmq.conf" RABBITMQ_CONF_ENV_FILE="$RABBIT_DIR/rabbitmq-env.conf" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$RABBIT_DIR/enabled_plugins"
  rabbitmq-server -detached
  if ! rabbitmqctl -n "$RABBIT_NODE" wait --timeout 90 "$RABBIT_DIR/rabbit.pid" >/dev/null 2>&1; then
    die "rabbitmq did not start on 127.0.0.1:$AMQP_PORT in 90 s; see $RABBIT_DIR/log"
  fi
  log "rabbitmq started on 127.0.0.1:$AMQP_PORT (guest/guest, pid $(cat "$RABBIT_DIR/rabbit.pid"))"
}

# Ends the process whose pid `up` recorded in $1, then forgets it.
stop_pid() {
  local file=$1 what=$2 pid
  [ -f "$file" ] || return 0
  pid="$(cat "$file")"
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    log "$what stopped (pid $pid)"
  fi
  rm -f "$file"
}

# Everything that can stop `up` is checked before anything starts: one line, nothing half done.
preflight() {
  install_missing
  # The packaged rabbitmq-server refuses every user but root and rabbitmq.
  if ! port_open "$AMQP_PORT" && [ "$(id -u)" != 0 ] && [ "$(id -un)" != rabbitmq ]; then
    die "nothing answers on 127.0.0.1:$AMQP_PORT and only root can start the packaged RabbitMQ: start it (Debian/Ubuntu: sudo systemctl start rabbitmq-server) and run make test again."
  fi
}

case "${1:-up}" in
  up)
    preflight
    redis_up
    rabbit_up
    log "prometheus and promtool installed (tests start their own Prometheus)"
    ;;
  down)
    stop_pid "$REDIS_DIR/redis.pid" redis
    # SIGTERM makes the Erlang VM shut RabbitMQ down cleanly (init:stop).
    stop_pid "$RABBIT_DIR/rabbit.pid" rabbitmq
    # epmd serves every broker started here: it goes with the last of them.
    if ! compgen -G "$STATE_DIR/rabbitmq-*/rabbit.pid" >/dev/null; then stop_pid "$EPMD_PID" epmd; fi
    ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
