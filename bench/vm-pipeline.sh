#!/bin/bash
# Kiln's VM pipeline against the same work done by hand, side by side in one run (issue: Kiln within
# 1.15x). Kiln: `kiln build examples/build/vm.yaml` (build VM, component, capture, register, test VM,
# AVAILABLE), JVM start included. By hand: bench/plain-vm-pipeline.sh (same QEMU command line, same
# commands, qemu-img convert, sha256sum, test boot). Both under TCG (KILN_ACCEL=tcg: the plain
# script does not probe KVM either).
#
#   bench/vm-pipeline.sh [ROUNDS]      default 3 rounds, after one warm-up round
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/bench-lib.sh
ROUNDS=${1:-3}
CACHE=${KILN_TEST_CACHE:-/var/tmp/kiln-test-cache}/base-images
export BASE=$CACHE/debian-12 KILN_ACCEL=tcg
BENCH_TMP=$(mktemp -d)
trap 'rm -rf "$BENCH_TMP"' EXIT
./kiln base-images list --base-images "$CACHE" >/dev/null 2>&1 || true
[ -f "$BASE/disk.qcow2" ] || ./kiln base-images build debian-12 --base-images "$CACHE"

echo "# $(date -u +%FT%TZ) $(uname -n), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
bench_time "$ROUNDS" 1 \
  kiln "./kiln build examples/build/vm.yaml --data-dir $BENCH_TMP/data --base-images $CACHE" \
  by-hand "bench/plain-vm-pipeline.sh"
for n in kiln by-hand; do
  echo "$n: median ${B_MEDIAN[$n]} ms (min ${B_MIN[$n]}, max ${B_MAX[$n]}; rounds ${B_TIMES[$n]})"
done
awk -v k="${B_MEDIAN[kiln]}" -v h="${B_MEDIAN[by-hand]}" 'BEGIN {printf "kiln / by hand = %.3f (target <= 1.15)\n", k / h}'
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
