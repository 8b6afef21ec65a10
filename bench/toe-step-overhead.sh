#!/usr/bin/env bash
# The component engine's own cost per ExecuteBash step, against plain bash doing the same work.
#
# Generates, in a temporary folder, a component document of N ExecuteBash steps (default 200),
# each running `echo "step N"` and writing a small file, and two plain-bash baselines running the
# very same commands:
#   - bash per step:   one driver script that runs `bash script_N.sh` for each step, so bash
#                      start-up is paid once per step, as Kiln pays it;
#   - bash one process: one script running every step's commands in one bash.
# Then times, side by side in one run, `kiln toe run` of the document (with its live progress
# display, and with --quiet), both baselines, and `kiln --help` (JVM start-up and the launcher),
# and prints
#   engine overhead per step = (kiln toe run - bash per step - kiln --help) / N
# against the target of issue 2: at most 5 ms per step beyond starting bash.
#
# Usage: bench/toe-step-overhead.sh [--steps N] [--runs N] [--warmup N]
# Uses hyperfine when installed (apt-get install hyperfine); set BENCH_NO_HYPERFINE=1 to use the
# built-in `date +%s%N` timer instead. KILN=/path/to/kiln picks another launcher than this
# repository's. Needs no network.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
kiln="${KILN:-$repo/kiln}"
# shellcheck source=bench/bench-lib.sh
. "$here/bench-lib.sh"

steps=200
runs=10
warmup=2
target_ms=5
while [ "$#" -gt 0 ]; do
  case "$1" in
    --steps) steps="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    -h | --help) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "toe-step-overhead: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done

tmp="$(mktemp -d "${TMPDIR:-/tmp}/kiln-bench-steps.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
export BENCH_TMP="$tmp"
mkdir -p "$tmp/kiln-out" "$tmp/bash-step-out" "$tmp/bash-one-out" "$tmp/logs" "$tmp/scripts"

# The commands of step i, writing into folder $2.
step_commands() {
  printf 'echo "step %d"\n' "$1"
  printf 'echo "%d" > "%s/out_%d.txt"\n' "$1" "$2" "$1"
}

doc="$tmp/steps.yaml"
{
  echo "name: StepOverhead"
  echo "description: $steps ExecuteBash steps, each echoing a line and writing a small file."
  echo "schemaVersion: 1.0"
  echo "phases:"
  echo "  - name: build"
  echo "    steps:"
  for ((i = 1; i <= steps; i++)); do
    echo "      - name: Step$i"
    echo "        action: ExecuteBash"
    echo "        inputs:"
    echo "          commands:"
    step_commands "$i" "$tmp/kiln-out" | sed "s/'/''/g; s/^/            - '/; s/\$/'/"
  done
} >"$doc"

per_step="$tmp/bash-per-step.sh"
per_step_setsid="$tmp/setsid-bash-per-step.sh"
one="$tmp/bash-one-process.sh"
{
  echo "#!/usr/bin/env bash"
  for ((i = 1; i <= steps; i++)); do
    step_commands "$i" "$tmp/bash-step-out" >"$tmp/scripts/script_$i.sh"
    echo "bash '$tmp/scripts/script_$i.sh' || exit"
  done
} >"$per_step"
# Not part of the target's formula: the engine starts each step as `setsid bash script` (a session
# of its own, to kill the step's whole process tree on timeout); this shows what that exec costs.
setsid_bin="$(command -v setsid || true)"
if [ -n "$setsid_bin" ]; then
  {
    echo "#!/usr/bin/env bash"
    for ((i = 1; i <= steps; i++)); do
      echo "'$setsid_bin' bash '$tmp/scripts/script_$i.sh' || exit"
    done
  } >"$per_step_setsid"
fi
{
  echo "#!/usr/bin/env bash"
  for ((i = 1; i <= steps; i++)); do
    step_commands "$i" "$tmp/bash-one-out"
  done
} >"$one"

bench_prepare "$kiln"

# A first run, checked, so that a broken engine is not timed.
summary="$("$kiln" toe run --quiet --documents "$doc" --log-directory "$tmp/logs")" || {
  echo "toe-step-overhead: 'kiln toe run' of the generated document failed:" >&2
  echo "$summary" >&2
  exit 1
}
if ! grep -q '"status" *: *"success"' <<<"$summary" ||
  ! grep -q "\"executedStepCount\" *: *$steps\\b" <<<"$summary" ||
  [ "$(cat "$tmp/kiln-out/out_$steps.txt")" != "$steps" ]; then
  echo "toe-step-overhead: the check run did not run all $steps steps:" >&2
  echo "$summary" >&2
  exit 1
fi
bash "$per_step" >/dev/null
bash "$one" >/dev/null
for f in bash-step-out bash-one-out; do
  cmp -s "$tmp/kiln-out/out_$steps.txt" "$tmp/$f/out_$steps.txt" ||
    { echo "toe-step-overhead: baseline $f did not do the same work" >&2; exit 1; }
done

q() { printf '%q' "$1"; }
K="kiln toe run ($steps steps)"
KQ="kiln toe run --quiet ($steps steps)"
B="bash per step ($steps x bash script_N.sh)"
O="bash one process ($steps steps)"
H="kiln --help (JVM start-up)"
stamp="$(bench_jar_stamp "$(dirname "$kiln")")"
echo "toe-step-overhead: $steps steps, $runs runs each after $warmup warm-up runs, in $tmp" >&2
S="setsid bash per step (as the engine starts it)"
extra=()
[ -z "$setsid_bin" ] || extra=("$S" "bash $(q "$per_step_setsid")")
bench_time "$runs" "$warmup" \
  "$K" "$(q "$kiln") toe run --documents $(q "$doc") --log-directory $(q "$tmp/logs")" \
  "$KQ" "$(q "$kiln") toe run --quiet --documents $(q "$doc") --log-directory $(q "$tmp/logs")" \
  "$B" "bash $(q "$per_step")" \
  "$O" "bash $(q "$one")" \
  "$H" "$(q "$kiln") --help" \
  "${extra[@]}"
if [ "$(bench_jar_stamp "$(dirname "$kiln")")" != "$stamp" ]; then
  echo "toe-step-overhead: the kiln jar was rebuilt during the benchmark (sources changed); run it again" >&2
  exit 1
fi

verdict() {
  awk -v v="$1" -v t="$target_ms" 'BEGIN { print (v <= t) ? "meets the target (<= " t " ms)" : "MISSES the target (<= " t " ms)" }'
}
# The overhead per step in each round (paired: the runs of one round ran back to back), then the
# median and spread over the rounds.
per_round() { # $1 = kiln variant, $2 = baseline
  bench_paired "(\$1 - \$2 - \$3) / $steps" "$1" "$2" "$H"
}
summary() { # per-round values -> "median (min .. max)"
  local mean median min max stddev
  read -r mean median min max stddev <<<"$(bench_stats "$1" 2)"
  echo "$median ms (rounds: min $min, max $max, mean $mean)"
}
med() {
  local mean median rest
  read -r mean median rest <<<"$(bench_stats "$1" 2)"
  echo "$median"
}

k_rounds="$(per_round "$K" "$B")"
kq_rounds="$(per_round "$KQ" "$B")"
echo
echo "== toe-step-overhead: $steps ExecuteBash steps =="
bench_machine
echo
rows=("$K" "$KQ" "$B" "$O" "$H")
[ -z "$setsid_bin" ] || rows+=("$S")
bench_table "${rows[@]}"
echo
echo "engine overhead per step beyond starting bash = (kiln toe run - bash per step - kiln --help) / $steps,"
echo "median over the $runs rounds of the per-round value:"
echo "  kiln toe run:          $(summary "$k_rounds")   $(verdict "$(med "$k_rounds")")"
echo "  kiln toe run --quiet:  $(summary "$kq_rounds")   $(verdict "$(med "$kq_rounds")")"
echo "  (from the medians of the table: $(bench_calc "(${B_MEDIAN[$K]} - ${B_MEDIAN[$B]} - ${B_MEDIAN[$H]}) / $steps") ms and $(bench_calc "(${B_MEDIAN[$KQ]} - ${B_MEDIAN[$B]} - ${B_MEDIAN[$H]}) / $steps") ms)"
echo "cost per step against one bash process, bash start-up included (per-round medians):"
echo "  kiln toe run: $(med "$(per_round "$K" "$O")") ms; kiln toe run --quiet: $(med "$(per_round "$KQ" "$O")") ms"
echo "bash start-up per step on this machine: $(med "$(bench_paired "(\$1 - \$2) / $steps" "$B" "$O")") ms"
if [ -n "$setsid_bin" ]; then
  echo "of the engine overhead, the setsid exec per step: $(med "$(bench_paired "(\$1 - \$2) / $steps" "$S" "$B")") ms"
fi
