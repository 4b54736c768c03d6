#!/bin/sh
# bench_xlsx.sh [N]: importing N synthetic models (default 1,000,000; dvk synth, the
# built-in province gia-lap) from an .xlsx beside the same rows from CSV, each measured with
# GNU time (wall and CPU seconds, peak RSS). The workbook is written from the CSV by
# build/tests/xlsx_tool in libxlsxwriter's constant-memory mode: one sheet, inline strings
# (no shared strings table to hold), numbers as number cells, as a program writing a big
# sheet does. Both databases must end with the same rows (compared by a digest of every
# column), else the run stops. Prints "key value" lines and the xlsx/csv ratios.
# Not part of ctest: run it alone on a quiet machine (the 1,000,000 rows take minutes).
# Environment: DVK (default build/dvk), XLSX_TOOL (default build/tests/xlsx_tool), BENCH_DIR
# (work folder; default a temporary one, removed at the end).
# Measured (2026-11-26, 2 shared CPUs under load ~8-13, RelWithDebInfo): 1,000,000 rows,
# CSV 334 MB, XLSX 113 MB: import from CSV 40.5 s wall, 17.8 s CPU, 40.9 MiB peak; from
# XLSX 60.2 s wall, 32.0 s CPU, 41.3 MiB peak (xlsx/csv: wall 1.48x, CPU 1.80x), the same
# rows. A 100,000-row workbook saved by LibreOffice (shared strings): 34 MiB peak, as its CSV.
set -eu
N=${1:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
DVK=${DVK:-$here/../build/dvk}
case $DVK in /*) ;; *) DVK=$(pwd)/$DVK ;; esac
TOOL=${XLSX_TOOL:-$(dirname "$DVK")/tests/xlsx_tool}
[ -x "$DVK" ] || { echo "bench_xlsx: no dvk binary at $DVK (set DVK=...)" >&2; exit 2; }
[ -x "$TOOL" ] || { echo "bench_xlsx: no xlsx_tool at $TOOL (build the tests, or set XLSX_TOOL=...)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench_xlsx: GNU time not found (apt-get install time)" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "bench_xlsx: sqlite3 shell not found (apt-get install sqlite3)" >&2; exit 2; }
if [ -n "${BENCH_DIR:-}" ]; then work=$BENCH_DIR; mkdir -p "$work"; else
  work=$(mktemp -d "${TMPDIR:-/tmp}/dvk-bench-xlsx-XXXXXX"); trap 'rm -rf "$work"' EXIT; fi
cd "$work"
rm -rf csv.db* xlsx.db* scripts
put() { echo "$1 $2"; eval "v_$1=\$2"; }
measure() {
  _k=$1; shift
  /usr/bin/time -f '%e %U %S %M' -o time.out "$@" > "$_k.stdout" 2> "$_k.stderr" ||
    { echo "bench_xlsx: $_k failed:" >&2; head -20 "$_k.stderr" >&2; exit 1; }
  set -- $(tail -1 time.out)
  put "${_k}_s" "$1"; put "${_k}_cpu" "$(awk -v u="$2" -v s="$3" 'BEGIN { printf "%.2f", u + s }')"
  put "${_k}_kb" "$4"
}
mkdir -p scripts/provinces
cp "$here/bench_province.lua" scripts/provinces/gia-lap.lua
ln -s "$here/../scripts/lib" scripts/lib
D() { "$DVK" --quiet --scripts scripts "$@"; }

echo "bench_xlsx: $N models in $work"
put models "$N"
"$DVK" --quiet --db none.db synth --builtin --models "$N" --seed 1 -o models.csv --units-out units.csv
measure to_xlsx "$TOOL" from-csv models.csv models.xlsx
put csv_bytes "$(wc -c < models.csv)"
put xlsx_bytes "$(wc -c < models.xlsx)"
for t in csv xlsx; do
  D --db $t.db init > /dev/null
  D --db $t.db import units units.csv
done
measure import_csv "$DVK" --quiet --db csv.db --scripts scripts import models models.csv
measure import_xlsx "$DVK" --quiet --db xlsx.db --scripts scripts import models models.xlsx
digest() {
  sqlite3 "$1" "SELECT code,name,name_key,unit,province,kind,category,field,level,year,
    registration,started_on,address,description,metrics,synthetic FROM models ORDER BY code" |
    sha256sum | cut -c1-16
}
a=$(digest csv.db); b=$(digest xlsx.db)
put rows "$(sqlite3 xlsx.db 'SELECT count(*) FROM models')"
[ "$a" = "$b" ] || { echo "bench_xlsx: the XLSX import differs from the CSV import ($a, $b)" >&2; exit 1; }
put same_rows "$a"
awk -v ws="$v_import_xlsx_s" -v cs="$v_import_csv_s" -v wc="$v_import_xlsx_cpu" -v cc="$v_import_csv_cpu" \
    -v wk="$v_import_xlsx_kb" -v ck="$v_import_csv_kb" 'BEGIN {
  printf "xlsx/csv: wall %.2fx, cpu %.2fx; peak memory %.1f MiB (xlsx), %.1f MiB (csv): < 64 MiB %s\n",
    ws / cs, wc / cc, wk / 1024, ck / 1024, (wk < 65536) ? "met" : "MISSED" }'
