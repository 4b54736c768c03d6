#!/bin/sh
# run.sh [quick]: dvk's benchmarks in one run. bench_scale.sh measures, for 100,000 models
# (quick mode: only these) and 1,000,000 models, side by side: import vs the sqlite3 shell's
# .import; decide (bench/bench_province.lua) vs pure SQL (bench/decide.sql) vs Python
# (bench/decide.py), checked to agree model by model; the statistics report; REPL-style
# queries. It prints a table of times, ratios, peak memory and growth from 100,000 to
# 1,000,000, and writes it to bench/RESULTS.md with the machine's description (anything
# below the line "<!-- notes -->" in an existing RESULTS.md is kept).
# bench_import.sh (run it alone) compares import with an indexed sqlite3 table as well.
# Environment: DVK=path/to/dvk (default: build/dvk), BENCH_RESULTS (default bench/RESULTS.md;
# "-" prints only), PYTHON.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
DVK=${DVK:-$here/../build/dvk}
case $DVK in /*) ;; *) DVK=$(pwd)/$DVK ;; esac
export DVK
mode=${1:-full}
results=${BENCH_RESULTS:-$here/RESULTS.md}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dvk-run-XXXXXX"); trap 'rm -rf "$tmp"' EXIT
started=$(date -u '+%Y-%m-%d %H:%M UTC')

sh "$here/bench_scale.sh" ${BENCH_SMALL:-100000} "$tmp/small"
if [ "$mode" = quick ]; then cp "$tmp/small" "$tmp/big"; big=0; else
  sh "$here/bench_scale.sh" 1000000 "$tmp/big"; big=1; fi

# The table (awk reads both result files).
awk -v big="$big" '
  FNR == 1 { f++ }
  { v[f, $1] = $2 }
  function g(k, n) { return v[n, k] + 0 }
  function mib(kb) { return sprintf("%.1f", kb / 1024) }
  function row(name, k, base, goal,   r, s, b) {
    s = sprintf("| %-34s | %7.2f | %7.2f | %6s |", name, g(k "_s", 1), g(k "_cpu", 1), mib(g(k "_kb", 1)))
    if (big) s = s sprintf(" %7.2f | %7.2f | %6s | %5.1fx |", g(k "_s", 2), g(k "_cpu", 2), mib(g(k "_kb", 2)),
                             g(k "_cpu", 1) > 0 ? g(k "_cpu", 2) / g(k "_cpu", 1) : 0)
    print s
  }
  END {
    n = big ? 2 : 1
    a = g("models", 1); b = g("models", 2)
    print "| measure | " a " wall s | cpu s | peak MiB |" (big ? " " b " wall s | cpu s | peak MiB | growth (cpu) |" : "")
    print "|---|---:|---:|---:|" (big ? "---:|---:|---:|---:|" : "")
    row("dvk import models", "import")
    row("sqlite3 .import (plain table)", "sqlite_import")
    row("sqlite3 .import (same keys, indexes, WAL)", "sqlite_import_idx")
    row("dvk decide (bench province)", "decide")
    row("pure SQL (sqlite3, decide.sql)", "sql_decide")
    row("Python (decide.py)", "py_decide")
    row("dvk report thong-ke (HTML)", "report")
    row("dvk stats --by field", "stats")
    row("dvk -e models{...}:count()", "query")
    row("dvk -e models{search=...}:count()", "search")
    print ""
    print "Goals (ratios from CPU time, at " g("models", n) " models):"
    print ""
    ri = g("import_cpu", n) / g("sqlite_import_cpu", n)
    rs = g("decide_cpu", n) / g("sql_decide_cpu", n)
    rp = g("py_decide_cpu", n) / g("decide_cpu", n)
    printf "- import <= 1.25x sqlite3 .import: %.2fx (wall %.2fx): %s\n", ri, g("import_s", n) / g("sqlite_import_s", n), (ri <= 1.25) ? "met" : "MISSED"
    rx = g("import_cpu", n) / g("sqlite_import_idx_cpu", n)
    printf "- import <= 1.25x sqlite3 .import into an equivalent table (same keys and indexes, WAL): %.2fx (wall %.2fx): %s\n", rx, g("import_s", n) / g("sqlite_import_idx_s", n), (rx <= 1.25) ? "met" : "MISSED"
    printf "- decide <= 3x pure SQL: %.2fx (wall %.2fx): %s\n", rs, g("decide_s", n) / g("sql_decide_s", n), (rs <= 3) ? "met" : "MISSED"
    printf "- decide >= 3x faster than Python: %.2fx (wall %.2fx): %s\n", rp, g("py_decide_s", n) / g("decide_s", n), (rp >= 3) ? "met" : "MISSED"
    printf "- import peak memory < 64 MiB: %s MiB: %s\n", mib(g("import_kb", n)), (g("import_kb", n) < 65536) ? "met" : "MISSED"
    printf "- decide peak memory < 128 MiB: %s MiB: %s\n", mib(g("decide_kb", n)), (g("decide_kb", n) < 131072) ? "met" : "MISSED"
    if (big) {
      split("import decide sql_decide py_decide report stats query search", ks, " ")
      lin = ""; for (i = 1; i <= 8; i++) { k = ks[i]; gr = (g(k "_cpu", 1) > 0) ? g(k "_cpu", 2) / g(k "_cpu", 1) : 0
        lin = lin sprintf("%s%s %.1fx", i > 1 ? ", " : "", k, gr) }
      printf "- growth from %d to %d models (%.0fx data; linear growth is about the same factor, in CPU time): %s\n", a, b, b / a, lin
    }
    print ""
    printf "Data: %d and %d models (%s and %s MiB of CSV); %d and %d candidates at co-so; outcomes %s / %s; dvk, SQL and Python agreed on every model: %s / %s; database %s / %s MiB.\n",
      g("models", 1), g("models", 2), mib(g("csv_bytes", 1) / 1024), mib(g("csv_bytes", 2) / 1024),
      g("candidates", 1), g("candidates", 2), v[1, "outcomes"], v[2, "outcomes"], v[1, "agree"], v[2, "agree"],
      mib(g("db_bytes", 1) / 1024), mib(g("db_bytes", 2) / 1024)
  }' "$tmp/small" "$tmp/big" > "$tmp/table"

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
mem=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
os=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME" || uname -s)
{
  echo "# dvk benchmark results"
  echo
  echo "Measured $started with \`bench/run.sh${1:+ $1}\` (DVK=$(basename "$(dirname "$DVK")")/$(basename "$DVK"))."
  echo
  echo "Machine: $(nproc) CPU(s), $cpu, $mem RAM, $os, load average at start $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "Versions: $("$DVK" --version 2>/dev/null | head -1 || echo dvk), SQLite $(sqlite3 --version | cut -d' ' -f1),"
  echo "$(${PYTHON:-python3} --version 2>&1), Lua $(pkg-config --modversion lua5.4 2>/dev/null || echo 5.4), $(cc --version | head -1)."
  echo
  echo "Wall time is what a user waits; CPU time (user + system) is what the work costs and is"
  echo "the basis of the ratios, because other jobs on a shared machine inflate wall time."
  echo "Peak memory is the maximum resident set size reported by GNU time."
  echo
  cat "$tmp/table"
} > "$tmp/results"
cat "$tmp/results"
if [ "$results" != - ]; then
  if [ -f "$results" ] && grep -q '^<!-- notes -->' "$results"; then
    { echo; sed -n '/^<!-- notes -->/,$p' "$results"; } >> "$tmp/results"
  fi
  cp "$tmp/results" "$results"
  echo "written: $results"
fi
