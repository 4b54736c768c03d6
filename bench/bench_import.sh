#!/bin/sh
# bench_import.sh [N]: time `dvk import models` of N synthetic models (dvk synth, built-in
# province) against the sqlite3 shell's `.import --csv` of the same file, in the same run,
# and report dvk's peak memory (GNU time). Goals (issue 2): dvk <= 1.25x sqlite3, < 64 MiB.
#
# The sqlite3 side loads the same CSV into an equivalent plain table: one column per CSV
# column, no constraints, no index, the shell's default journal. dvk does more per row (it
# checks every value, normalises text to NFC, computes the search key, builds the metrics
# JSON, and maintains the models table's UNIQUE code, foreign key, CHECKs and four indexes,
# in WAL mode), so a second sqlite3 run (BENCH_INDEXED=1) loads a table with the same
# UNIQUE code and comparable indexes in WAL mode (on by default), for the ratio against
# equal database work.
#
# Environment: DVK (the dvk binary; default: build/dvk next to this folder), BENCH_DIR (work
# folder, default: a temporary one, removed at the end), BENCH_INDEXED=0 skips the second
# sqlite3 run.
set -eu
N=${1:-100000}
here=$(cd "$(dirname "$0")" && pwd)
DVK=${DVK:-$here/../build/dvk}
case $DVK in /*) ;; *) DVK=$(pwd)/$DVK ;; esac
[ -x "$DVK" ] || { echo "bench_import: no dvk binary at $DVK (set DVK=...)" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "bench_import: sqlite3 shell not found (apt-get install sqlite3)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench_import: GNU time not found (apt-get install time)" >&2; exit 2; }
if [ -n "${BENCH_DIR:-}" ]; then work=$BENCH_DIR; mkdir -p "$work"; else
  work=$(mktemp -d "${TMPDIR:-/tmp}/dvk-bench-XXXXXX"); trap 'rm -rf "$work"' EXIT; fi
cd "$work"
rm -f dvk.db dvk.db-wal dvk.db-shm plain.db indexed.db indexed.db-wal indexed.db-shm

# Data: N models of the built-in province, its units and fields.
"$DVK" --quiet --db dvk.db synth --models "$N" --seed 1 -o models.csv --units-out units.csv --fields-out fields.csv
empty=$(mktemp -d "${TMPDIR:-/tmp}/dvk-bench-scripts-XXXXXX")
DVK_SCRIPTS=$empty "$DVK" --quiet --db dvk.db --scripts "$empty" init >/dev/null
rmdir "$empty"
"$DVK" --quiet --db dvk.db import units units.csv
sqlite3 dvk.db ".import --csv --skip 1 fields.csv fields"
size=$(wc -c < models.csv)

# seconds (wall), peak RSS (KiB) of a command, from GNU time
measure() { /usr/bin/time -f '%e %M %U %S' -o time.out "$@" >/dev/null 2>err.out || { head -5 err.out >&2; exit 1; }
            [ -s err.out ] && head -5 err.out >&2; cat time.out; }

set -- $(measure "$DVK" --quiet --db dvk.db import models models.csv)
dvk_s=$1; dvk_kb=$2; dvk_cpu=$(awk -v u="$3" -v s="$4" 'BEGIN{printf "%.2f", u + s}')
rows=$(sqlite3 dvk.db "SELECT count(*) FROM models")

cols=$(head -1 models.csv | tr -d '\r' | sed 's/,/ TEXT, /g; s/$/ TEXT/')
sqlite3 plain.db "CREATE TABLE models($cols)"
set -- $(measure sqlite3 plain.db ".import --csv --skip 1 models.csv models")
plain_s=$1; plain_cpu=$(awk -v u="$3" -v s="$4" 'BEGIN{printf "%.2f", u + s}')
plain_rows=$(sqlite3 plain.db "SELECT count(*) FROM models")

line() { printf '%-44s %s\n' "$1" "$2"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }'; }
echo "dvk import benchmark: $N models, $(awk -v s="$size" 'BEGIN{printf "%.1f MiB", s/1048576}') of CSV"
line "dvk import models (rows stored: $rows)" "${dvk_s} s (cpu ${dvk_cpu} s), peak RSS $(awk -v k="$dvk_kb" 'BEGIN{printf "%.1f MiB", k/1024}')"
line "sqlite3 .import, plain table ($plain_rows rows)" "${plain_s} s (cpu ${plain_cpu} s)"
line "ratio dvk / sqlite3 plain (goal <= 1.25x)" "$(ratio "$dvk_s" "$plain_s") wall, $(ratio "$dvk_cpu" "$plain_cpu") cpu"
if [ "${BENCH_INDEXED:-1}" = 1 ]; then
  sqlite3 indexed.db "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
    CREATE TABLE models($(echo "$cols" | sed 's/^code TEXT/code TEXT NOT NULL UNIQUE/'));
    CREATE INDEX m_unit ON models(unit, year); CREATE INDEX m_field ON models(field);
    CREATE INDEX m_level ON models(level, year); CREATE INDEX m_name ON models(name);" >/dev/null
  set -- $(measure sqlite3 indexed.db ".import --csv --skip 1 models.csv models")
  idx_s=$1
  line "sqlite3 .import, same keys and indexes, WAL" "${idx_s} s"
  line "ratio dvk / sqlite3 indexed" "$(ratio "$dvk_s" "$idx_s")"
fi
awk -v k="$dvk_kb" 'BEGIN { exit !(k < 65536) }' && echo "peak RSS under 64 MiB: yes" || echo "peak RSS under 64 MiB: NO"
