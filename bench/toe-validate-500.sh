#!/usr/bin/env bash
# Wall-clock time of `kiln toe validate` on a large, realistic component document, JVM start-up
# included, against the target of issue 2: under 1.5 s for 500 steps.
#
# Generates, in a temporary folder, a document of N steps (default 500) in the phases build,
# validate and test, mixing what real documents use: parameters (with defaults and
# allowedValues) and constants, ExecuteBash with multi-line block-scalar commands, CreateFolder,
# CreateFile with multi-line content, ReadFile, Assert, ExecuteBinary, for / forEach /
# forEach {list, delimiter} loops (named and unnamed), if conditions (and/not, string and file
# operators, on parameters and on earlier steps' outputs), timeoutSeconds / onFailure /
# maxAttempts, and chaining references to earlier steps' inputs and outputs. It checks that the
# document validates, then times, side by side in one run, `kiln toe validate` of it and
# `kiln --help` (the floor: JVM start-up and the launcher), and prints min and median.
#
# Usage: bench/toe-validate-500.sh [--steps N] [--runs N] [--warmup N] [--keep FILE]
#   --keep FILE  also copy the generated document to FILE.
# Uses hyperfine when installed (apt-get install hyperfine); set BENCH_NO_HYPERFINE=1 to use the
# built-in `date +%s%N` timer instead. KILN=/path/to/kiln picks another launcher than this
# repository's. Needs no network.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
kiln="${KILN:-$repo/kiln}"
# shellcheck source=bench/bench-lib.sh
. "$here/bench-lib.sh"

steps=500
runs=10
warmup=2
keep=""
target_ms=1500
while [ "$#" -gt 0 ]; do
  case "$1" in
    --steps) steps="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --keep) keep="$2"; shift 2 ;;
    -h | --help) sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "toe-validate-500: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
if ((steps < 10 || steps % 10 != 0)); then
  echo "toe-validate-500: --steps must be a multiple of 10 (the document is made of blocks of 10 steps)" >&2
  exit 2
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/kiln-bench-validate.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
export BENCH_TMP="$tmp"

# One block of 10 steps, numbered $2, in phase $1. Step and loop names are unique per phase;
# chaining refers only to earlier steps of the same phase (or of build, from validate).
block() {
  local p="$1" k="$2"
  cat <<EOF
      - name: Prepare_$k
        action: CreateFolder
        inputs:
          - path: '{{ InstallRoot }}/$p/unit-$k'
            permissions: '0755'
            overwrite: true
          - path: '{{ LogFolder }}/$p-$k'
      - name: Configure_$k
        action: ExecuteBash
        timeoutSeconds: 600
        inputs:
          commands:
            - |
              set -euo pipefail
              app='{{ AppName }}'
              env='{{ Environment }}'
              echo "configuring \$app unit $k for \$env"
              if [ "\$env" = prod ]; then
                workers=\$(( \$(nproc) * 2 ))
              else
                workers=2
              fi
              for i in \$(seq 1 "\$workers"); do
                echo "worker \$i" >> '{{ LogFolder }}/$p-$k/workers.log'
              done
            - echo "unit-$k-ok"
      - name: WriteConfig_$k
        action: CreateFile
        inputs:
          - path: '{{ InstallRoot }}/$p/unit-$k/app.conf'
            content: |
              # generated for {{ AppName }} ({{ Environment }})
              [unit]
              id = $k
              status = {{ $p.Configure_$k.outputs.stdout }}
              port = {{ BasePort }}
            permissions: '0644'
            overwrite: true
          - path: '{{ InstallRoot }}/$p/unit-$k/README'
            content: 'unit $k of {{ AppName }}'
      - name: InstallPackages_$k
        action: ExecuteBash
        maxAttempts: 3
        loop:
          name: pkg_$k
          forEach:
            - curl
            - jq
            - '{{ ExtraPackage }}'
        inputs:
          commands:
            - echo "installing {{ pkg_$k.value }} ({{ pkg_$k.index }})"
            - command -v '{{ pkg_$k.value }}' || echo "would install {{ pkg_$k.value }}"
      - name: Tune_$k
        action: ExecuteBash
        onFailure: Continue
        loop:
          for:
            start: 1
            end: 8
            updateBy: 2
        inputs:
          commands:
            - echo "tuning pass {{ loop.value }} of unit $k"
            - sysctl -n kernel.hostname >/dev/null 2>&1 || true
      - name: ProdOnly_$k
        action: ExecuteBash
        if:
          and:
            - stringEquals: 'prod'
              value: '{{ Environment }}'
            - not:
                fileExists: '{{ InstallRoot }}/$p/unit-$k/disabled'
        inputs:
          commands:
            - echo "enabling production settings for unit $k"
      - name: ReadBack_$k
        action: ReadFile
        inputs:
          - path: '{{ $p.WriteConfig_$k.inputs[0].path }}'
      - name: CheckStatus_$k
        action: Assert
        inputs:
          stringEquals: 'unit-$k-ok'
          value: '{{ $p.Configure_$k.outputs.stdout }}'
      - name: Hosts_$k
        action: ExecuteBash
        onFailure: Ignore
        loop:
          name: host_$k
          forEach:
            list: '{{ Hosts }}'
            delimiter: ','
        if:
          or:
            - stringEquals: 'unit-$k-ok'
              value: '{{ $p.Configure_$k.outputs.stdout }}'
            - binaryExists: getent
        inputs:
          commands:
            - getent hosts '{{ host_$k.value }}' || echo "{{ host_$k.value }} unresolved"
      - name: Report_$k
        action: ExecuteBinary
        inputs:
          path: /bin/echo
          arguments:
            - 'unit $k:'
            - '{{ $p.ReadBack_$k.outputs.content }}'
EOF
}

doc="$tmp/validate-$steps.yaml"
blocks=$((steps / 10))
# About 80% of the blocks in build, the rest split between validate and test.
test_blocks=$((blocks / 10))
validate_blocks=$((blocks / 10))
build_blocks=$((blocks - test_blocks - validate_blocks))
{
  cat <<'EOF'
name: LargeRealistic
description: |
  A large generated component document for timing validation: parameters, constants, loops,
  conditions, multi-line scripts, files and chaining across many steps.
schemaVersion: 1.0
parameters:
  - AppName:
      type: string
      default: inventory-service
      description: The application to install.
  - Environment:
      type: string
      default: staging
      allowedValues: [dev, staging, prod]
      description: Where the image runs.
  - InstallRoot:
      type: string
      default: /opt/kiln-bench
  - BasePort:
      type: string
      default: "8080"
  - ExtraPackage:
      type: string
      default: htop
  - Hosts:
      type: string
      default: localhost,example.invalid,metadata.internal
constants:
  - LogFolder:
      type: string
      value: /var/log/kiln-bench
phases:
EOF
  n=0
  for spec in "build $build_blocks" "validate $validate_blocks" "test $test_blocks"; do
    read -r phase count <<<"$spec"
    ((count > 0)) || continue
    echo "  - name: $phase"
    echo "    steps:"
    for ((b = 1; b <= count; b++)); do
      n=$((n + 1))
      block "$phase" "$n"
    done
  done
} >"$doc"

count="$(grep -c '^      - name: ' "$doc")"
if [ "$count" != "$steps" ]; then
  echo "toe-validate-500: generated $count steps instead of $steps" >&2
  exit 1
fi
[ -z "$keep" ] || cp "$doc" "$keep"

bench_prepare "$kiln"
if ! out="$("$kiln" toe validate --documents "$doc" 2>&1)" || ! grep -q '"validationStatus" *: *"success"' <<<"$out"; then
  echo "toe-validate-500: the generated document does not validate:" >&2
  echo "$out" | head -n 40 >&2
  exit 1
fi

q() { printf '%q' "$1"; }
V="kiln toe validate ($steps steps)"
H="kiln --help (JVM start-up)"
stamp="$(bench_jar_stamp "$(dirname "$kiln")")"
echo "toe-validate-500: $steps steps ($(wc -l <"$doc") lines, $(wc -c <"$doc") bytes), $runs runs each after $warmup warm-up runs" >&2
bench_time "$runs" "$warmup" \
  "$V" "$(q "$kiln") toe validate --documents $(q "$doc")" \
  "$H" "$(q "$kiln") --help"
if [ "$(bench_jar_stamp "$(dirname "$kiln")")" != "$stamp" ]; then
  echo "toe-validate-500: the kiln jar was rebuilt during the benchmark (sources changed); run it again" >&2
  exit 1
fi

verdict() {
  awk -v v="$1" -v t="$target_ms" 'BEGIN { print (v < t) ? "meets the target (< " t " ms)" : "MISSES the target (< " t " ms)" }'
}
echo
echo "== toe-validate-500: kiln toe validate of a $steps-step document =="
bench_machine
echo "document:    $steps steps, $(wc -l <"$doc") lines, $(wc -c <"$doc") bytes"
echo
bench_table "$V" "$H"
echo
echo "kiln toe validate, wall clock including JVM start-up:"
echo "  min    ${B_MIN[$V]} ms   $(verdict "${B_MIN[$V]}")"
echo "  median ${B_MEDIAN[$V]} ms   $(verdict "${B_MEDIAN[$V]}")"
# shellcheck disable=SC2016 # an awk expression
beyond="$(bench_stats "$(bench_paired '$1 - $2' "$V" "$H")")"
echo "  beyond kiln --help (per-round median): $(awk '{ print $2 }' <<<"$beyond") ms"
