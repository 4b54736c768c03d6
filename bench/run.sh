#!/bin/sh
# run.sh [quick|huge]: dvk's benchmarks in one run. bench_scale.sh measures, for 100,000 models
# (quick mode: only these) and 1,000,000 models, side by side: import vs the sqlite3 shell's
# .import; decide (bench/bench_province.lua) vs pure SQL (bench/decide.sql) vs Python
# (bench/decide.py), checked to agree model by model; the statistics report; REPL-style
# queries. It prints a table of times, ratios, peak memory and growth from 100,000 to
# 1,000,000 (huge: and 3,000,000 models, about 1 GiB of CSV and 5 GiB of database; time it
# first), and writes it to bench/RESULTS.md with the machine's description (anything
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

sh "$here/bench_scale.sh" ${BENCH_SMALL:-100000} "$tmp/size1"
files="$tmp/size1"
case $mode in
  quick) ;;
  huge) sh "$here/bench_scale.sh" 1000000 "$tmp/size2"; sh "$here/bench_scale.sh" 3000000 "$tmp/size3"
        files="$files $tmp/size2 $tmp/size3" ;;
  *) sh "$here/bench_scale.sh" 1000000 "$tmp/size2"; files="$files $tmp/size2" ;;
esac

# The table (awk reads the result file of each size: 1, 2 or 3 of them).
awk '
  FNR == 1 { f++ }
  { v[f, $1] = $2 }
  function g(k, n) { return v[n, k] + 0 }
  function mib(kb) { return sprintf("%.1f", kb / 1024) }
  function row(name, k,   s, i) {
    if (!((1, k "_cpu") in v)) return   # not measured (import_xlsx: up to BENCH_XLSX_MAX models)
    s = sprintf("| %-44s | %7.2f | %7.2f | %6s |", name, g(k "_s", 1), g(k "_cpu", 1), mib(g(k "_kb", 1)))
    for (i = 2; i <= f; i++)
      if ((i, k "_cpu") in v)
        s = s sprintf(" %7.2f | %7.2f | %6s | %5.1fx |", g(k "_s", i), g(k "_cpu", i), mib(g(k "_kb", i)),
                      g(k "_cpu", 1) > 0 ? g(k "_cpu", i) / g(k "_cpu", 1) : 0)
      else
        s = s sprintf(" %7s | %7s | %6s | %6s |", "-", "-", "-", "-")
    print s
  }
  function goal(text, r, ok) { printf "- %s: %.2fx: %s\n", text, r, ok ? "met" : "MISSED" }
  END {
    n = f
    h = "| measure | " g("models", 1) " wall s | cpu s | peak MiB |"; d = "|---|---:|---:|---:|"
    for (i = 2; i <= f; i++) { h = h " " g("models", i) " wall s | cpu s | peak MiB | growth (cpu) |"; d = d "---:|---:|---:|---:|" }
    print h; print d
    row("dvk import models", "import")
    row("dvk import models (XLSX)", "import_xlsx")
    row("sqlite3 .import (plain table)", "sqlite_import")
    row("sqlite3 .import (same keys, indexes, WAL)", "sqlite_import_idx")
    row("limit: SQLite alone, the import DB work", "limit_import")
    row("dvk decide (bench province)", "decide")
    row("pure SQL (sqlite3, decide.sql)", "sql_decide")
    row("Python (decide.py)", "py_decide")
    row("limit: SQLite INSERT..SELECT of the run rows", "limit_write")
    row("limit: evaluation alone, plain Lua (cpu)", "limit_eval")
    row("dvk report thong-ke (HTML)", "report")
    row("dvk stats --by field", "stats")
    row("dvk -e models{...}:count()", "query")
    row("dvk -e models{search=...}:count()", "search")
    print ""
    print "Goals (ratios from CPU time, at " g("models", n) " models):"
    print ""
    ri = g("import_cpu", n) / g("sqlite_import_cpu", n)
    rx = g("import_cpu", n) / g("sqlite_import_idx_cpu", n)
    rs = g("decide_cpu", n) / g("sql_decide_cpu", n)
    rp = g("py_decide_cpu", n) / g("decide_cpu", n)
    goal("import <= 1.5x sqlite3 .import into a plain table", ri, ri <= 1.5)
    goal("import <= 1.25x sqlite3 .import into an equivalent table (same keys and indexes, WAL)", rx, rx <= 1.25)
    goal("decide <= 1.0x pure SQL", rs, rs <= 1.0)
    goal("decide >= 5x faster than Python", rp, rp >= 5)
    lim = g("limit_write_cpu", n) + g("limit_eval_cpu", n)
    if (lim > 0) printf "- decide against its limits (SQLite writing the same rows + plain Lua evaluating): %.2fx\n", g("decide_cpu", n) / lim
    if (g("limit_import_cpu", n) > 0) printf "- import'"'"'s database work done by SQLite alone (from the parsed rows, no CSV read or checked): %.2fx sqlite3 .import into a plain table\n", g("limit_import_cpu", n) / g("sqlite_import_cpu", n)
    printf "- import peak memory <= 64 MiB: %s MiB: %s\n", mib(g("import_kb", n)), (g("import_kb", n) <= 65536) ? "met" : "MISSED"
    for (i = f; i >= 1; i--) if ((i, "import_xlsx_cpu") in v) {
      printf "- import from XLSX at %d models (the same rows): %.2fx the CSV import'"'"'s CPU, peak memory %s MiB\n",
        g("models", i), g("import_xlsx_cpu", i) / g("import_cpu", i), mib(g("import_xlsx_kb", i)); break }
    printf "- decide peak memory <= 64 MiB: %s MiB: %s\n", mib(g("decide_kb", n)), (g("decide_kb", n) <= 65536) ? "met" : "MISSED"
    for (i = 2; i <= f; i++) {
      split("import decide sql_decide py_decide limit_write report stats query search", ks, " ")
      lin = ""; for (j = 1; j <= 9; j++) { k = ks[j]; gr = (g(k "_cpu", 1) > 0) ? g(k "_cpu", i) / g(k "_cpu", 1) : 0
        lin = lin sprintf("%s%s %.1fx", j > 1 ? ", " : "", k, gr) }
      printf "- growth from %d to %d models (%.0fx data; linear growth is about the same factor, in CPU time): %s\n", g("models", 1), g("models", i), g("models", i) / g("models", 1), lin
    }
    print ""
    for (i = 1; i <= f; i++)
      printf "Data at %d models: %s MiB of CSV; %d candidates at co-so; outcomes %s; dvk, SQL and Python agreed on every model: %s; database %s MiB.\n",
        g("models", i), mib(g("csv_bytes", i) / 1024), g("candidates", i), v[i, "outcomes"], v[i, "agree"], mib(g("db_bytes", i) / 1024)
  }' $files > "$tmp/table"

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
