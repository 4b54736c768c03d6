# robust_disk_full: a full disk, simulated with a file size limit (ulimit -f; SIGXFSZ is
# ignored so writes past it fail with EFBIG, as on a full disk): import, decide, report and
# export fail with a clear error and exit 1, leave no output file behind as if complete, and
# leave the database unchanged (integrity ok, same rows, audit chain intact).
. "$SRC/tests/robust/lib.sh"
need_sqlite3
seed_example dvk.db 300
"$DVK" --quiet decide --province example --year 2023 --level huyen >/dev/null || fail "decide"
"$DVK" --quiet synth --models 200 --province example --year 2024 --seed 9 -o more.csv || fail "synth"
snapshot() { sqlite3 dvk.db "PRAGMA integrity_check; SELECT count(*) FROM models; SELECT count(*) FROM runs;
                             SELECT count(*) FROM results; SELECT count(*) FROM audit_log" | tr '\n' ' '; }
before=$(snapshot)
# limited BLOCKS CMD...: run CMD with files limited to BLOCKS (512-byte blocks in sh).
limited() { _b=$1; shift; ( trap '' XFSZ; ulimit -f "$_b"; exec "$@" ); }
# try NAME OUTPUT CMD...: under a 32 KiB limit (the database and its 32 KiB shm can still be
# opened; every output below is larger); prints exit, the message, leftovers.
try() {
  _name=$1; _out=$2; shift 2
  limited 64 "$@" >out.txt 2>&1; _st=$?
  echo "== $_name: exit $_st"
  grep -o 'disk full\|I/O error\|File too large\|could not write[^(]*\|cannot write[^(]*' out.txt | head -1
  [ -n "$_out" ] && for f in "$_out" ."$_out".*; do [ -e "$f" ] && echo "left behind: $f"; done
  [ "$(snapshot)" = "$before" ] && echo "database unchanged" || echo "DATABASE CHANGED: $(snapshot)"
}
try "import models" "" "$DVK" --quiet import models more.csv
try "decide" "" "$DVK" --quiet decide --province example --year 2023 --level co-so
try "report html" out-report.html "$DVK" --quiet report 1 giai-trinh --format html -o out-report.html
try "report xlsx" out-report.xlsx "$DVK" --quiet report 1 giai-trinh --format xlsx -o out-report.xlsx
try "export models" out-models.csv "$DVK" --quiet export models -o out-models.csv
try "export results" out-results.json "$DVK" --quiet export results --run 1 --format json -o out-results.json
"$DVK" --quiet verify >/dev/null && echo "verify ok"
echo "== without the limit, the same commands work"
"$DVK" --quiet report 1 quyet-dinh --format html -o out-report.html && [ -s out-report.html ] && echo "report ok"
"$DVK" --quiet export models -o out-models.csv && [ -s out-models.csv ] && echo "export ok"
"$DVK" --quiet decide --province example --year 2023 --level co-so >/dev/null && echo "decide ok"
