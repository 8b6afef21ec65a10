#!/bin/bash
# Start to AVAILABLE of the quick-start recipe on kiln.sandbox (issue: under 20 s): `kiln build
# examples/build/sandbox.yaml`, JVM start included, base image already cached; plus the time the
# build itself reports (from its log's first to last line).
#
#   bench/sandbox-pipeline.sh [ROUNDS]     default 5 rounds after one warm-up
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/bench-lib.sh
ROUNDS=${1:-5}
CACHE=${KILN_TEST_CACHE:-/var/tmp/kiln-test-cache}/base-images
BENCH_TMP=$(mktemp -d)
trap 'rm -rf "$BENCH_TMP"' EXIT
[ -f "$CACHE/debian-12/disk.qcow2" ] || ./kiln base-images build debian-12 --base-images "$CACHE"
echo "# $(date -u +%FT%TZ) $(uname -n), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
bench_time "$ROUNDS" 1 \
  sandbox "./kiln build examples/build/sandbox.yaml --data-dir $BENCH_TMP/data --base-images $CACHE"
echo "kiln build (sandbox), start to AVAILABLE: median ${B_MEDIAN[sandbox]} ms (min ${B_MIN[sandbox]}, max ${B_MAX[sandbox]}; rounds ${B_TIMES[sandbox]})"
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
