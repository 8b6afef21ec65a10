# shellcheck shell=bash
# Shared helpers for the scripts in bench/ (sourced, not run).
#
# bench_time RUNS WARMUP NAME1 CMD1 [NAME2 CMD2 ...]
#   Times each command string RUNS times, after WARMUP untimed rounds, side by side in one run:
#   round by round, each round running every command once, so that a change in the machine's
#   speed (other work starting or stopping) falls on all of them alike and each round gives a
#   paired sample. Each run is timed by hyperfine (`hyperfine -N --runs 1`) when it is installed
#   and BENCH_NO_HYPERFINE is not set, otherwise by `date +%s%N` around it. Commands are split
#   into words as a shell would (quote with printf %q); their output is discarded; one that exits
#   non-zero aborts the benchmark. Afterwards, for each NAME: B_TIMES[NAME] holds the times of
#   the rounds in order (ms, space-separated), and B_MEAN, B_MEDIAN, B_MIN, B_MAX and B_STDDEV
#   the statistics (ms); B_TOOL says which timer was used. Scratch files go under $BENCH_TMP (a
#   folder the caller removes on exit) or else $TMPDIR.

declare -gA B_TIMES=() B_MEAN=() B_MEDIAN=() B_MIN=() B_MAX=() B_STDDEV=()
declare -g B_TOOL=""

# bench_stats "T1 T2 ..." [DECIMALS] : prints mean median min max stddev of the numbers, with
# DECIMALS decimals (default 1).
bench_stats() {
  tr ' ' '\n' <<<"$1" | grep . | sort -g | awk -v d="${2:-1}" '
    { v[NR] = $1; s += $1; ss += $1 * $1 }
    END {
      n = NR; mean = s / n
      med = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
      var = n > 1 ? (ss - n * mean * mean) / (n - 1) : 0
      if (var < 0) var = 0
      f = "%." d "f"
      printf f " " f " " f " " f " " f "\n", mean, med, v[1], v[n], sqrt(var)
    }'
}

bench_time() {
  local runs="$1" warmup="$2"
  shift 2
  local names=() cmds=()
  while [ "$#" -gt 0 ]; do
    names+=("$1")
    cmds+=("$2")
    shift 2
  done
  local work use_hyperfine=""
  work="$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/kiln-bench-time.XXXXXX")"
  if [ -z "${BENCH_NO_HYPERFINE:-}" ] && command -v hyperfine >/dev/null 2>&1 &&
    hyperfine -N --style none --runs 1 true >/dev/null 2>&1; then
    use_hyperfine=1
    B_TOOL="hyperfine $(hyperfine --version | awk '{print $2}') (-N --runs 1 per command and round)"
  else
    B_TOOL="date +%s%N around each run"
  fi
  local round i t0 t1 ms
  for i in "${!names[@]}"; do
    B_TIMES[${names[$i]}]=""
  done
  for ((round = 1; round <= warmup + runs; round++)); do
    for i in "${!cmds[@]}"; do
      if [ -n "$use_hyperfine" ]; then
        if ! hyperfine -N --style none --runs 1 --export-csv "$work/one.csv" "${cmds[$i]}" >/dev/null 2>&1; then
          echo "bench: '${names[$i]}' failed (exit non-zero): ${cmds[$i]}" >&2
          rm -rf "$work"
          return 1
        fi
        # command,mean,stddev,median,user,system,min,max (seconds)
        ms="$(awk -F, 'NR == 2 { printf "%.1f", $(NF - 6) * 1000 }' "$work/one.csv")"
      else
        t0="$(date +%s%N)"
        if ! (eval "${cmds[$i]}") >/dev/null 2>&1; then
          echo "bench: '${names[$i]}' failed (exit non-zero): ${cmds[$i]}" >&2
          rm -rf "$work"
          return 1
        fi
        t1="$(date +%s%N)"
        ms="$(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.1f", d / 1e6 }')"
      fi
      if ((round > warmup)); then
        B_TIMES[${names[$i]}]+="$ms "
      fi
    done
    echo "bench: round $round of $((warmup + runs)) done$( ((round <= warmup)) && echo ' (warm-up, not counted)')" >&2
  done
  local mean median min max stddev
  for i in "${!names[@]}"; do
    read -r mean median min max stddev <<<"$(bench_stats "${B_TIMES[${names[$i]}]}")"
    B_MEAN[${names[$i]}]="$mean"
    B_MEDIAN[${names[$i]}]="$median"
    B_MIN[${names[$i]}]="$min"
    B_MAX[${names[$i]}]="$max"
    B_STDDEV[${names[$i]}]="$stddev"
  done
  rm -rf "$work"
}

# bench_paired "AWK-EXPR" NAME... : evaluates AWK-EXPR once per round, with $1, $2, ... the times
# (ms) of the named commands in that round, and prints the per-round values space-separated.
bench_paired() {
  local expr="$1"
  shift
  local name lists=()
  for name in "$@"; do
    lists+=("${B_TIMES[$name]}")
  done
  printf '%s\n' "${lists[@]}" | awk -v n="$#" '
    { k = split($0, f, " "); for (r = 1; r <= k; r++) t[NR, r] = f[r]; rounds = k }
    END {
      for (r = 1; r <= rounds; r++) {
        line = ""
        for (c = 1; c <= n; c++) line = line t[c, r] " "
        print line
      }
    }' | awk "{ printf \"%.2f \", $expr }"
}

# bench_table NAME... : prints the figures of the named commands as an aligned table.
bench_table() {
  local name
  printf '%-48s %9s %9s %9s %9s %9s\n' "command" "mean ms" "stddev" "median ms" "min ms" "max ms"
  for name in "$@"; do
    printf '%-48s %9s %9s %9s %9s %9s\n' "$name" "${B_MEAN[$name]}" "${B_STDDEV[$name]}" \
      "${B_MEDIAN[$name]}" "${B_MIN[$name]}" "${B_MAX[$name]}"
  done
}

# bench_calc EXPR : evaluates an arithmetic expression with awk; prints it with two decimals.
bench_calc() {
  awk "BEGIN { printf \"%.2f\", $1 }"
}

# bench_machine : one block describing the machine, for the reports.
bench_machine() {
  echo "date (UTC):  $(date -u '+%Y-%m-%d %H:%M:%S')"
  echo "cpus:        $(nproc) x $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo unknown)"
  echo "memory:      $(free -g | awk '/^Mem:/ { print $2 " GiB total, " $7 " GiB available" }')"
  echo "kernel:      $(uname -sr)"
  echo "java:        $(java -version 2>&1 | head -n 2 | tail -n 1)"
  echo "bash:        ${BASH_VERSION}"
  echo "timer:       ${B_TOOL:-not yet chosen}"
  echo "load:        $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min; other work on the machine inflates the figures)"
}

# bench_jar_stamp DIR : the modification time of DIR/cli/target/kiln.jar (the launcher's jar),
# to detect a rebuild during a benchmark.
bench_jar_stamp() {
  stat -c %Y "$1/cli/target/kiln.jar" 2>/dev/null || echo none
}

# bench_prepare KILN : builds the jar if needed and lets the launcher make its class-data archive,
# so that neither a build nor the archive's creation is timed.
bench_prepare() {
  local kiln="$1"
  if ! "$kiln" --help >/dev/null; then
    echo "bench: '$kiln --help' failed; fix the build first" >&2
    return 1
  fi
  "$kiln" --help >/dev/null
}
