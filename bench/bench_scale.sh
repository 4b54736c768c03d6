#!/bin/sh
# bench_scale.sh N OUT: one run of every dvk benchmark on N synthetic models (dvk synth, the
# built-in province gia-lap), each next to its baseline, measured with GNU time (wall
# seconds, peak RSS). Writes "key value" lines to OUT (read by run.sh) and prints them.
#   import   dvk import models          vs  sqlite3 shell .import --csv into a plain table;
#            the same rows from an .xlsx (up to BENCH_XLSX_MAX models, default 100,000)
#   decide   dvk decide (bench/bench_province.lua: 2 gates, 6 criteria, 3 outcomes, 1 quota)
#            vs  bench/decide.sql in the sqlite3 shell  vs  bench/decide.py (Python sqlite3)
#            The three must agree on every model's eligibility, total, outcome and rank,
#            else the run stops: the ratios compare equal work.
#   report   dvk report RUN thong-ke (the statistics report, HTML) and dvk stats --by field
#   query    dvk -e 'dvk.models{...}:count()' (a REPL-style filtered count) and a name search
# Environment: DVK (default build/dvk), XLSX_TOOL (default tests/xlsx_tool beside DVK),
# BENCH_XLSX_MAX, BENCH_DIR (work folder; default a temporary one,
# removed at the end), PYTHON (default python3).
set -eu
N=$1; OUT=$2
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
DVK=${DVK:-$here/../build/dvk}
case $DVK in /*) ;; *) DVK=$(pwd)/$DVK ;; esac
case $OUT in /*) ;; *) OUT=$(pwd)/$OUT ;; esac
PYTHON=${PYTHON:-python3}
[ -x "$DVK" ] || { echo "bench_scale: no dvk binary at $DVK (set DVK=...)" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "bench_scale: sqlite3 shell not found (apt-get install sqlite3)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench_scale: GNU time not found (apt-get install time)" >&2; exit 2; }
if [ -n "${BENCH_DIR:-}" ]; then work=$BENCH_DIR; mkdir -p "$work"; else
  work=$(mktemp -d "${TMPDIR:-/tmp}/dvk-bench-XXXXXX"); trap 'rm -rf "$work"' EXIT; fi
cd "$work"
rm -rf dvk.db* plain.db* scripts
: > "$OUT"
put() { echo "$1 $2" >> "$OUT"; echo "  $1 $2"; }
# measure KEY CMD...: run it under GNU time; KEY_s (wall seconds), KEY_cpu (user + system
# seconds: what the ratios use, since other work on a shared machine inflates wall time) and
# KEY_kb (peak RSS KiB).
measure() {
  _k=$1; shift
  /usr/bin/time -f '%e %U %S %M' -o time.out "$@" > "$_k.stdout" 2> "$_k.stderr" ||
    { echo "bench_scale: $_k failed:" >&2; head -20 "$_k.stderr" >&2; exit 1; }
  set -- $(tail -1 time.out)
  put "${_k}_s" "$1"; put "${_k}_cpu" "$(awk -v u="$2" -v s="$3" 'BEGIN { printf "%.2f", u + s }')"
  put "${_k}_kb" "$4"
}

# The scripts folder: the bench province as gia-lap, and the shipped lib/ (reports).
mkdir -p scripts/provinces
cp "$here/bench_province.lua" scripts/provinces/gia-lap.lua
ln -s "$src/scripts/lib" scripts/lib
D() { "$DVK" --quiet --db dvk.db --scripts scripts "$@"; }

echo "bench_scale: $N models in $work"
put models "$N"
measure synth "$DVK" --quiet --db dvk.db synth --models "$N" --seed 1 -o models.csv --units-out units.csv
put csv_bytes "$(wc -c < models.csv)"
D init >/dev/null
D import units units.csv

# import vs sqlite3 .import
measure import "$DVK" --quiet --db dvk.db --scripts scripts import models models.csv
cols=$(head -1 models.csv | tr -d '\r' | sed 's/,/ TEXT, /g; s/$/ TEXT/')
sqlite3 plain.db "CREATE TABLE models($cols)"
measure sqlite_import sqlite3 plain.db ".import --csv --skip 1 models.csv models"
# limit_import: SQLite alone doing the database work of dvk's import, from the rows already
# parsed into plain.db (no CSV read, no value checked, no NFC): into a new dvk database
# (dvk init, the units imported), dvk's models table with its UNIQUE code, unit foreign
# key and CHECKs, the four indexes set aside and rebuilt as dvk does, one transaction, WAL,
# synchronous=FULL, the checkpoint; name_key as lower(name), the metrics JSON by string
# concatenation. A lower bound of what any import into dvk's schema costs.
"$DVK" --quiet --db limit_import.db --scripts scripts init >/dev/null
"$DVK" --quiet --db limit_import.db --scripts scripts import units units.csv
known=" code name unit kind category field level year registration started_on address description synthetic "
metrics=""
for c in $(head -1 models.csv | tr -d '\r' | tr ',' ' '); do
  case $known in *" $c "*) ;; *)
    metrics="$metrics${metrics:+ || ','} || '\"$c\":' || coalesce(nullif($c, ''), 'null')" ;; esac
done
indexes=$(sqlite3 limit_import.db "SELECT group_concat(sql, '; ') FROM sqlite_master
  WHERE type = 'index' AND tbl_name = 'models' AND sql IS NOT NULL")
drops=$(sqlite3 limit_import.db "SELECT group_concat('DROP INDEX ' || name, '; ') FROM sqlite_master
  WHERE type = 'index' AND tbl_name = 'models' AND sql IS NOT NULL")
measure limit_import sqlite3 limit_import.db "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;
  ATTACH 'plain.db' AS p; BEGIN IMMEDIATE; $drops;
  INSERT INTO models(code, name, name_key, unit, province, kind, category, field, level, year,
    registration, started_on, address, description, metrics, synthetic)
  SELECT code, name, lower(name), unit, 'gia-lap', kind, category, field, level,
    CAST(year AS INTEGER), registration, nullif(started_on, ''), nullif(address, ''),
    nullif(description, ''), '{' ${metrics:-|| ''} || '}', CAST(synthetic AS INTEGER) FROM p.models;
  $indexes; COMMIT; PRAGMA wal_checkpoint(TRUNCATE);"
[ "$(sqlite3 limit_import.db 'SELECT count(*) FROM models')" = "$(sqlite3 plain.db 'SELECT count(*) FROM models')" ] ||
  { echo "bench_scale: limit_import stored another number of rows" >&2; exit 1; }
rm -f limit_import.db limit_import.db-wal limit_import.db-shm
# The same file into a table with dvk's keys and indexes, in WAL with synchronous=FULL:
# the baseline for equal database work.
sqlite3 indexed.db "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
  CREATE TABLE models($(echo "$cols" | sed 's/^code TEXT/code TEXT NOT NULL UNIQUE/'));
  CREATE INDEX m_pyl ON models(level, year); CREATE INDEX m_unit ON models(unit, year);
  CREATE INDEX m_field ON models(field); CREATE INDEX m_name ON models(name);" >/dev/null
measure sqlite_import_idx sqlite3 indexed.db ".import --csv --skip 1 models.csv models"
rm -f indexed.db indexed.db-wal indexed.db-shm
put import_rows "$(sqlite3 dvk.db 'SELECT count(*) FROM models')"
# The same rows from an .xlsx (written from the CSV by build/tests/xlsx_tool, as
# bench_xlsx.sh does) into a new database, at sizes up to BENCH_XLSX_MAX models (default
# 100,000: writing a 1,000,000-row workbook takes minutes); both imports must store the
# same rows, else the run stops.
TOOL=${XLSX_TOOL:-$(dirname "$DVK")/tests/xlsx_tool}
if [ "$N" -le "${BENCH_XLSX_MAX:-100000}" ] && [ -x "$TOOL" ]; then
  "$TOOL" from-csv models.csv models.xlsx >/dev/null
  put xlsx_bytes "$(wc -c < models.xlsx)"
  "$DVK" --quiet --db xlsx.db --scripts scripts init >/dev/null
  "$DVK" --quiet --db xlsx.db --scripts scripts import units units.csv
  measure import_xlsx "$DVK" --quiet --db xlsx.db --scripts scripts import models models.xlsx
  digest() {
    sqlite3 "$1" "SELECT code,name,name_key,unit,province,kind,category,field,level,year,
      registration,started_on,address,description,metrics,synthetic FROM models ORDER BY code" |
      sha256sum | cut -c1-16
  }
  [ "$(digest dvk.db)" = "$(digest xlsx.db)" ] ||
    { echo "bench_scale: the XLSX import differs from the CSV import" >&2; exit 1; }
  rm -f xlsx.db xlsx.db-wal xlsx.db-shm models.xlsx
fi

# decide vs pure SQL vs Python
measure decide "$DVK" --quiet --db dvk.db --scripts scripts decide --province gia-lap --year 2023 --level co-so
run=$(sqlite3 dvk.db "SELECT max(id) FROM runs")
put candidates "$(sqlite3 dvk.db "SELECT count(*) FROM results WHERE run = $run")"
# dvk's scores are packed per model in result_scores_packed (schema 6): counted as rows through
# dvk's own read-only path, the REPL's .tables (result_scores: every run's; this file has one), before the SQL
# and Python baselines add their tables (dvk refuses a schema it did not make)
[ "$(sqlite3 dvk.db 'SELECT count(*) FROM runs')" = 1 ] || { echo "bench_scale: more than one run" >&2; exit 1; }
dvk_scores=$(printf '.tables\n' | "$DVK" --db dvk.db repl | awk '$1 == "result_scores" { print $2 }')
measure sql_decide sqlite3 dvk.db ".read $here/decide.sql"
measure py_decide "$PYTHON" "$here/decide.py" dvk.db

for t in bench py; do
  diff=$(sqlite3 dvk.db "SELECT count(*) FROM results r LEFT JOIN ${t}_results b ON b.model = r.model
    WHERE r.run = $run AND (b.model IS NULL OR r.outcome <> b.outcome OR r.eligible <> b.eligible
    OR r.rank IS NOT b.rank OR r.total <> b.total)")
  extra=$(sqlite3 dvk.db "SELECT (SELECT count(*) FROM ${t}_results) - (SELECT count(*) FROM results WHERE run = $run)")
  scores=$(sqlite3 dvk.db "SELECT (SELECT count(*) FROM ${t}_scores) - ${dvk_scores:-0} +
    (SELECT count(DISTINCT model) FROM ${t}_scores) - (SELECT count(*) FROM result_scores_packed WHERE run = $run)")
  [ "$diff" = 0 ] && [ "$extra" = 0 ] && [ "$scores" = 0 ] ||
    { echo "bench_scale: $t disagrees with dvk decide on $diff models ($extra extra rows, $scores scores)" >&2; exit 1; }
done
put agree "yes"
# The limits: what the machine does with the same work and nothing else.
# limit_write: SQLite alone copies the run's rows (results, and each model's packed scores)
# with INSERT ... SELECT into tables of dvk's layout (migration 6: WITHOUT ROWID, keyed
# (run, model)) in a new file, one transaction, WAL, synchronous=FULL; no foreign keys or
# triggers (their parent tables are not in that file).
sqlite3 limit.db "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
  CREATE TABLE results(run INTEGER NOT NULL, model INTEGER NOT NULL, eligible INTEGER NOT NULL,
    gate TEXT, total REAL NOT NULL, outcome TEXT NOT NULL, outcome_index INTEGER NOT NULL,
    rank INTEGER, recognised INTEGER NOT NULL, exemplary INTEGER NOT NULL,
    proposed INTEGER NOT NULL, reason TEXT, PRIMARY KEY (run, model)) WITHOUT ROWID;
  CREATE INDEX results_model ON results(model);
  CREATE TABLE result_scores_packed(run INTEGER NOT NULL, model INTEGER NOT NULL,
    scores BLOB NOT NULL, PRIMARY KEY (run, model)) WITHOUT ROWID;" >/dev/null
measure limit_write sqlite3 limit.db "PRAGMA synchronous=FULL; ATTACH 'dvk.db' AS d; BEGIN;
  INSERT INTO results SELECT * FROM d.results WHERE run = $run;
  INSERT INTO result_scores_packed SELECT * FROM d.result_scores_packed WHERE run = $run; COMMIT;"
rm -f limit.db limit.db-wal limit.db-shm
# limit_eval: the evaluation alone (the bench province's gates, criteria, total and outcome)
# in plain Lua 5.4 over N models held as plain tables: CPU seconds of the evaluation only.
if command -v lua5.4 >/dev/null; then
  measure limit_eval_run lua5.4 "$here/eval_limit.lua" "$N"
  put limit_eval_cpu "$(sed -n 's/^eval_cpu //p' limit_eval_run.stdout)"
fi
put outcomes "$(sqlite3 dvk.db "SELECT group_concat(outcome || '=' || n, ',') FROM (SELECT outcome, count(*) n FROM results WHERE run = $run GROUP BY outcome ORDER BY outcome)")"
# The comparison tables are not dvk's: dvk refuses a database whose schema it did not make.
sqlite3 dvk.db "DROP TABLE bench_results; DROP TABLE bench_scores; DROP TABLE py_results; DROP TABLE py_scores"

# the statistics report and stats
measure report "$DVK" --quiet --db dvk.db --scripts scripts report "$run" thong-ke --format html -o report.html
measure stats "$DVK" --quiet --db dvk.db --scripts scripts stats --province gia-lap --year 2023 --by field

# REPL-style queries (the same Lua API as `dvk repl`)
measure query "$DVK" --quiet --db dvk.db --scripts scripts -e \
  'print(dvk.models{province = "gia-lap", year = 2023, level = "co-so", field = "kinh-te"}:count())'
put query_result "$(cat query.stdout)"
measure search "$DVK" --quiet --db dvk.db --scripts scripts -e \
  'print(dvk.models{province = "gia-lap", search = "nuoi ong"}:count())'
put search_result "$(cat search.stdout)"
put db_bytes "$(wc -c < dvk.db)"
