#!/usr/bin/env bash
# `make bench`: runs every bench/*.bench.sh in turn. Each prints its table and writes its figures
# to bench/results/<name>-latest.md (one file per benchmark; history is git's). Figures compare configurations
# measured side by side in one run; nothing here asserts absolute times.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results
status=0
for b in bench/*.bench.sh; do
  [ -e "$b" ] || continue
  echo "=== $(basename "$b" .bench.sh)"
  bash "$b" || { echo "benchmark $b failed" >&2; status=1; }
done
exit $status
