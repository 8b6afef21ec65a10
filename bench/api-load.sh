#!/usr/bin/env bash
# Load on the Image Builder API: `kiln server` (embedded H2 database, in a temporary data dir) driven by
# a load generator in another process (bench/ApiLoad.java: the JDK's java.net.http.HttpClient, every
# request SigV4-signed with the key from the server's credentials file), as 32 concurrent clients.
#
# Measures, against the targets of issue 3 (2 cores, embedded database):
#   - GetComponent: throughput and latency percentiles, after a warm-up that lets the JIT compile the
#     hot paths (target: >= 2,000 requests/s, p99 < 20 ms);
#   - memory over 100,000 requests (GetComponent, GetComponent of a missing build, ListComponents):
#     the server's RSS (/proc/PID/status) and its live heap after a full GC (jcmd PID
#     GC.class_histogram), every 10,000 requests (target: flat);
#   - CreateComponent: throughput, each request a new component (target: >= 300/s);
# and the CPU the server, the load generator and everything else on the machine used meanwhile
# (the generator shares the machine's cores with the server). Then, for comparison, the same
# GetComponent phases against the plain tool doing the same HTTP work: the JDK's own HTTP server
# (com.sun.net.httpserver) answering every request with a canned answer of the same size, in a
# process of its own (ApiLoad --serve): what this machine and this generator do with no Image
# Builder behind the socket (no signature check, routing, validation or database).
#
# Usage: bench/api-load.sh [--clients N] [--warmup-seconds S] [--get-seconds S]
#                          [--memory-requests N] [--sample-every N] [--create-seconds S]
# Builds Kiln first when its sources changed (through ./kiln). KILN=/path/to/kiln picks another
# launcher; the server runs with the JVM options the launcher gives `kiln server`, plus
# $KILN_BENCH_SERVER_OPTS (e.g. -XX:FlightRecorderOptions:stackdepth=256 to profile it with
# `jcmd PID JFR.start`). Needs no network.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
kiln="${KILN:-$repo/kiln}"

clients=32
warmup=30
get_seconds=30
memory_requests=100000
sample_every=10000
create_seconds=20
while [ "$#" -gt 0 ]; do
  case "$1" in
    --clients) clients="$2"; shift 2 ;;
    --warmup-seconds) warmup="$2"; shift 2 ;;
    --get-seconds) get_seconds="$2"; shift 2 ;;
    --memory-requests) memory_requests="$2"; shift 2 ;;
    --sample-every) sample_every="$2"; shift 2 ;;
    --create-seconds) create_seconds="$2"; shift 2 ;;
    -h | --help) sed -n '2,25p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "api-load: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done

for tool in java javac jcmd; do
  command -v "$tool" >/dev/null || { echo "api-load: '$tool' not found (a JDK 17+ is needed)" >&2; exit 1; }
done

tmp="$(mktemp -d "${TMPDIR:-/tmp}/kiln-api-load.XXXXXX")"
server_pid=""
baseline_pid=""
cleanup() {
  for pid in "$server_pid" "$baseline_pid"; do
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$tmp"
}
trap cleanup EXIT

# Build (when stale) and let the launcher make its class-data archive before anything is timed.
echo "api-load: building Kiln if needed..." >&2
"$kiln" --help >/dev/null

echo "api-load: compiling the load generator..." >&2
mkdir -p "$tmp/classes" "$tmp/data"
javac -d "$tmp/classes" "$here/ApiLoad.java"

# The server: port 0 lets the system choose one; the launcher prints the endpoint.
# shellcheck disable=SC2086
JAVA_TOOL_OPTIONS="${KILN_BENCH_SERVER_OPTS:-}" "$kiln" server --data-dir "$tmp/data" --port 0 \
  >"$tmp/server.log" 2>&1 &
server_pid=$!
endpoint=""
for _ in $(seq 1 300); do
  endpoint="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$tmp/server.log" | head -n 1 || true)"
  [ -n "$endpoint" ] && [ -s "$tmp/data/credentials" ] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "api-load: the server did not start:" >&2
    cat "$tmp/server.log" >&2
    exit 1
  fi
  sleep 0.1
done
[ -n "$endpoint" ] || { echo "api-load: the server printed no endpoint" >&2; cat "$tmp/server.log" >&2; exit 1; }
server_cmd="$(tr '\0' ' ' <"/proc/$server_pid/cmdline")"
echo "api-load: server pid $server_pid at $endpoint: $server_cmd" >&2

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
started="$(date -u '+%Y-%m-%d %H:%M:%S')"
java -XX:+UseSerialGC -cp "$tmp/classes" ApiLoad --endpoint "$endpoint" --credentials "$tmp/data/credentials" \
  --pid "$server_pid" --clients "$clients" --warmup-seconds "$warmup" --get-seconds "$get_seconds" \
  --memory-requests "$memory_requests" --sample-every "$sample_every" --create-seconds "$create_seconds" \
  >"$tmp/results" || { echo "api-load: the load generator reported errors" >&2; cat "$tmp/results" >&2; exit 1; }
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=""
if grep -q ' ERROR ' "$tmp/server.log"; then
  echo "api-load: the server logged errors:" >&2
  grep -A5 ' ERROR ' "$tmp/server.log" | head -n 40 >&2
fi

r() { awk -F= -v k="$1" '$1 == k { print $2 }' "$tmp/results"; }
b() { awk -F= -v k="$1" '$1 == k { print $2 }' "$tmp/baseline"; }

# The baseline: the same GetComponent phases against the JDK's HTTP server with a canned answer.
echo "api-load: the baseline (JDK HTTP server, canned answer of $(r get_component_answer_bytes) bytes)..." >&2
java -XX:+UseSerialGC -cp "$tmp/classes" ApiLoad --serve 0 --clients "$clients" \
  --answer-bytes "$(r get_component_answer_bytes)" >"$tmp/baseline.log" 2>&1 &
baseline_pid=$!
baseline=""
for _ in $(seq 1 100); do
  baseline="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$tmp/baseline.log" | head -n 1 || true)"
  [ -n "$baseline" ] && break
  sleep 0.1
done
[ -n "$baseline" ] || { echo "api-load: the baseline did not start" >&2; cat "$tmp/baseline.log" >&2; exit 1; }
java -XX:+UseSerialGC -cp "$tmp/classes" ApiLoad --endpoint "$baseline" --credentials "$tmp/data/credentials" \
  --pid "$baseline_pid" --clients "$clients" --warmup-seconds "$warmup" --get-seconds "$get_seconds" \
  --get-only true >"$tmp/baseline" || { echo "api-load: the baseline run failed" >&2; cat "$tmp/baseline" >&2; exit 1; }
kill "$baseline_pid"
wait "$baseline_pid" 2>/dev/null || true
baseline_pid=""
verdict() { awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN { ok = (op == ">=") ? v >= t : v < t; print ok ? "met" : "MISSED" }'; }

# Memory: the samples taken after the first 10,000 requests (warm-up), first against last.
samples="$(grep '^memory_sample_' "$tmp/results" | cut -d= -f2)"
mem_first="$(sed -n 2p <<<"$samples")"
mem_last="$(tail -n 1 <<<"$samples")"
heap_growth="$(awk -v a="$(cut -d' ' -f3 <<<"$mem_first")" -v b="$(cut -d' ' -f3 <<<"$mem_last")" \
  'BEGIN { printf "%+.1f", (b - a) / 1024 }')"
rss_growth="$(awk -v a="$(cut -d' ' -f2 <<<"$mem_first")" -v b="$(cut -d' ' -f2 <<<"$mem_last")" \
  'BEGIN { printf "%+.1f", (b - a) / 1024 }')"
heap_flat="$(awk -v a="$(cut -d' ' -f3 <<<"$mem_first")" -v b="$(cut -d' ' -f3 <<<"$mem_last")" \
  'BEGIN { print (b - a <= 0.10 * a || b - a <= 5 * 1024) ? "met" : "MISSED" }')"

cat <<EOF

## Image Builder API under load (bench/api-load.sh)

\`\`\`
date (UTC):   $started
machine:      $(nproc) x $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo unknown), $(free -g | awk '/^Mem:/ { print $2 " GiB" }')
kernel:       $(uname -sr)
java:         $(java -version 2>&1 | head -n 2 | tail -n 1)
server:       $server_cmd
database:     embedded H2 in a new data dir
clients:      $clients concurrent (closed loop), java.net.http.HttpClient, SigV4-signed, one process
load average: $load_before before, $load_after after (1, 5, 15 min)
\`\`\`

| | result | target | |
|---|---|---|---|
| GetComponent throughput | $(r get_component_rps) requests/s ($(r get_component_requests) in $(r get_component_seconds) s, after ${warmup} s of warm-up) | >= 2,000/s | $(verdict "$(r get_component_rps)" ">=" 2000) |
| GetComponent latency | p50 $(r get_component_p50_ms) ms, p90 $(r get_component_p90_ms) ms, p99 $(r get_component_p99_ms) ms, p99.9 $(r get_component_p999_ms) ms, max $(r get_component_max_ms) ms | p99 < 20 ms | $(verdict "$(r get_component_p99_ms)" "<" 20) |
| GetComponent against the baseline (same generator, JDK HTTP server, canned answer) | $(b get_component_rps) requests/s; p50 $(b get_component_p50_ms) ms, p99 $(b get_component_p99_ms) ms, p99.9 $(b get_component_p999_ms) ms | | |
| CreateComponent throughput | $(r create_component_rps) requests/s ($(r create_component_requests) in $(r create_component_seconds) s); p50 $(r create_component_p50_ms) ms, p99 $(r create_component_p99_ms) ms | >= 300/s | $(verdict "$(r create_component_rps)" ">=" 300) |
| Live heap over $(r memory_requests) requests | ${heap_growth} MiB from request ${sample_every} to the last | flat | $heap_flat |
| RSS over the same requests | ${rss_growth} MiB | flat | |

CPU used during the measured phases, in cores (of $(nproc)): GetComponent: server $(r get_component_server_cpu), load
generator $(r get_component_load_cpu), kernel interrupts (mostly loopback TCP) $(r get_component_irq_cpu), other processes
$(r get_component_other_cpu); CreateComponent: server $(r create_component_server_cpu), load generator
$(r create_component_load_cpu), kernel interrupts $(r create_component_irq_cpu), other processes $(r create_component_other_cpu).
Baseline: server $(b get_component_server_cpu), load generator $(b get_component_load_cpu), kernel interrupts
$(b get_component_irq_cpu), other processes $(b get_component_other_cpu).
Server CPU per request: baseline GetComponent $(awk -v c="$(b get_component_server_cpu)" -v n="$(b get_component_rps)" 'BEGIN { printf "%.3f", 1000 * c / n }') ms, Kiln GetComponent $(awk -v c="$(r get_component_server_cpu)" -v n="$(r get_component_rps)" 'BEGIN { printf "%.3f", 1000 * c / n }') ms, CreateComponent $(awk -v c="$(r create_component_server_cpu)" -v n="$(r create_component_rps)" 'BEGIN { printf "%.3f", 1000 * c / n }') ms.

Memory, sampled every $sample_every requests of the mix (GetComponent 80 %, GetComponent of a missing
build 10 %, ListComponents 10 %; $(r memory_rps) requests/s, p99 $(r memory_p99_ms) ms, each sample a full GC):

| requests | RSS MiB | live heap after full GC MiB | heap committed MiB | threads |
|---:|---:|---:|---:|---:|
$(while read -r n rss live committed threads; do
  awk -v n="$n" -v rss="$rss" -v live="$live" -v c="$committed" -v t="$threads" \
    'BEGIN { printf "| %d | %.1f | %.1f | %.1f | %s |\n", n, rss / 1024, live / 1024, c / 1024, t }'
done <<<"$samples")

ListComponents once the account holds $(r components_after) components: p50 $(r list_after_creates_p50_ms) ms (sequential).
EOF
