#!/bin/bash
# Kiln's container pipeline against the same work by hand (issue 5: within 1.3x; start to AVAILABLE under
# 15 s). The reference recipe: Kiln's Debian 12 container base image as parent, one component with three
# ExecuteBash steps and one test step (examples/build/hello-container.yaml), a Dockerfile template with
# labels, environment, working folder and command (bench/container/Dockerfile.kiln).
#
#   Kiln:  a `kiln server` with its own data folder; each round StartImagePipelineExecution through boto3,
#          then GetImage every 20 ms until AVAILABLE (bench/container/api.py): Dockerfile, components in a
#          working container, commit, test container, push to the region's registry.
#   plain: the same Dockerfile lines with the steps as RUN lines: `buildah bud`, the test step in a
#          container from the result, push to a registry of its own, remove the local image
#          (bench/container/plain.sh), with a storage of its own.
# Both have the parent image in their storage already (warm-up round) and push to a registry on loopback.
# Rounds alternate Kiln and plain, so that a change in the machine's speed falls on both. Then, for the
# record, `kiln build examples/build/container.yaml` (the same component, JVM start, an in-memory store
# and the region's registry start included) a few times.
#
#   bench/container-pipeline.sh [ROUNDS]     default 7 rounds after one warm-up
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/bench-lib.sh
ROUNDS=${1:-7}
CACHE=${KILN_TEST_CACHE:-/var/tmp/kiln-test-cache}/base-images
BENCH_TMP=$(mktemp -d /var/tmp/kiln-bench-containers.XXXXXX)
PLAIN_RUN=/run/kiln-bench-plain-$$
SERVER_PID="" REGISTRY_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  if [ -n "$REGISTRY_PID" ]; then kill "$REGISTRY_PID" 2>/dev/null || true; wait "$REGISTRY_PID" 2>/dev/null || true; fi
  buildah --root "$BENCH_TMP/plain-storage" --runroot "$PLAIN_RUN" unmount --all >/dev/null 2>&1 || true
  buildah --root "$BENCH_TMP/data/cache/containers/storage" unmount --all >/dev/null 2>&1 || true
  rm -rf "$BENCH_TMP" "$PLAIN_RUN"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

[ -d "$CACHE/debian-12-container/oci" ] || ./kiln base-images build debian-12-container --base-images "$CACHE"

# Kiln: a server of its own.
PORT=$(free_port)
./kiln server --data-dir "$BENCH_TMP/data" --base-images "$CACHE" --port "$PORT" --regions us-east-1 \
  --max-builds 1 >"$BENCH_TMP/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 600); do grep -q "Container registry of" "$BENCH_TMP/server.log" && break; sleep 0.1; done
grep -q "Container registry of" "$BENCH_TMP/server.log" || { cat "$BENCH_TMP/server.log"; exit 1; }
export AWS_SHARED_CREDENTIALS_FILE=$BENCH_TMP/data/credentials AWS_DEFAULT_REGION=us-east-1
ENDPOINT=http://127.0.0.1:$PORT
PIPELINE=$(python3 bench/container/api.py "$ENDPOINT" setup)

# Plain: a registry and a storage of its own, the same base image pushed from Kiln's cache.
RPORT=$(free_port)
mkdir -p "$BENCH_TMP/registry"
printf 'version: 0.1\nlog: {level: error}\nstorage: {filesystem: {rootdirectory: %s}}\nhttp: {addr: 127.0.0.1:%s}\n' \
  "$BENCH_TMP/registry" "$RPORT" >"$BENCH_TMP/registry.yml"
docker-registry serve "$BENCH_TMP/registry.yml" >"$BENCH_TMP/registry.log" 2>&1 &
REGISTRY_PID=$!
sleep 0.5
skopeo copy -q --dest-tls-verify=false "oci:$CACHE/debian-12-container/oci:2026.11.0" \
  "docker://127.0.0.1:$RPORT/kiln/debian-12-container:2026.11.0"
PLAIN=(bench/container/plain.sh "$BENCH_TMP/plain-storage" "$PLAIN_RUN" "127.0.0.1:$RPORT")

echo "# $(date -u +%FT%TZ) $(uname -n), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 bench/container/api.py "$ENDPOINT" run "$PIPELINE" >/dev/null    # warm-up: pushes the base image, pulls it
"${PLAIN[@]}" warmup
kiln_times="" plain_times=""
for ((round = 1; round <= ROUNDS; round++)); do
  kiln_times+="$(python3 bench/container/api.py "$ENDPOINT" run "$PIPELINE") "
  t0=$(date +%s%N)
  "${PLAIN[@]}" "r$round"
  t1=$(date +%s%N)
  plain_times+="$(((t1 - t0) / 1000000)) "
done
read -r _ k_med k_min k_max _ <<<"$(bench_stats "$kiln_times" 0)"
read -r _ p_med p_min p_max _ <<<"$(bench_stats "$plain_times" 0)"
echo "Kiln container pipeline, StartImagePipelineExecution to AVAILABLE: median $k_med ms (min $k_min, max $k_max; rounds $kiln_times)"
echo "plain buildah bud + test container + push:                        median $p_med ms (min $p_min, max $p_max; rounds $plain_times)"
echo "ratio of medians: $(awk -v k="$k_med" -v p="$p_med" 'BEGIN { printf "%.2f", k / p }')x"
kill "$SERVER_PID" && wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=""
bench_time 3 1 build "./kiln build examples/build/container.yaml --data-dir $BENCH_TMP/data --base-images $CACHE"
echo "kiln build examples/build/container.yaml, JVM included: median ${B_MEDIAN[build]} ms (min ${B_MIN[build]}, max ${B_MAX[build]}; rounds ${B_TIMES[build]})"
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
