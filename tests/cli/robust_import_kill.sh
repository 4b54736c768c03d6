# robust_import_kill: `dvk import models` killed (SIGKILL) at named points chosen by the
# fault hook (DVK_FAULT=kill@POINT:N, include/dvk/fault.h), not after a sleep, so every kill
# lands where the case says and the case cannot pass or fail by chance:
#   import-row        after the 1st, 2nd, middle, next-to-last and last row: no models;
#                     one pass more than there are rows and the import finishes
#   import-commit     every row written, before the indexes, audit record and COMMIT: none
#   import-committed  just after COMMIT: all of them
#   sqlite-write/-sync  the Nth write / fsync of the database or its WAL, for N spread over
#                     every write (and every fsync) the import makes, counted exactly first:
#                     each kill leaves none or all, and once a kill leaves all every later
#                     one does too
# After each kill: PRAGMA integrity_check ok, dvk opens the database (its schema check) and
# `dvk verify` passes, the import is wholly present (all N models and its audit record) or
# wholly absent; then a re-run succeeds and leaves exactly N models with no duplicate and an
# unbroken audit chain.
. "$SRC/tests/robust/lib.sh"
need_sqlite3
# Killed runs never reach their leak check (other tests check leaks).
export ASAN_OPTIONS="detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
N=400
seed_db base.db "$N" 7
audit0=$(sqlite3 base.db "SELECT count(*) FROM audit_log")

fresh() { fresh_copy base.db w.db; }
victim() { "$DVK" --quiet --db w.db import models models.csv; }
# check: the database after a kill (see above); sets st=absent|present.
check() {
  out=$(sqlite3 w.db "PRAGMA integrity_check; SELECT count(*), count(DISTINCT code) FROM models;
                      SELECT count(*) FROM audit_log;" | tr '\n' ' ')
  set -- $out
  [ "$1" = ok ] || fail "$label: integrity check: $out"
  case "$2" in
    "0|0") [ "$3" = "$audit0" ] || fail "$label: no models but the audit log grew ($out)"; st=absent ;;
    "$N|$N") [ "$3" = $((audit0 + 1)) ] || fail "$label: models without their audit record ($out)"
             st=present ;;
    *) fail "$label: partial import: models|distinct = $2 (expected 0|0 or $N|$N)" ;;
  esac
  "$DVK" --quiet --db w.db verify >verify.out 2>&1 || fail "$label: dvk verify: $(cat verify.out)"
  victim >rerun.out 2>&1 || fail "$label: re-run failed: $(cat rerun.out)"
  [ "$(sqlite3 w.db "SELECT count(*) || '|' || count(DISTINCT code) FROM models")" = "$N|$N" ] \
    || fail "$label: re-run left duplicates or missing models"
  "$DVK" --quiet --db w.db verify >verify.out 2>&1 || fail "$label: dvk verify after the re-run: $(cat verify.out)"
}

for n in 1 2 $((N / 2)) $((N - 1)) $N; do kill_expect import-row $n killed absent; done
kill_expect import-row $((N + 1)) finished present
echo "import-row: killed after the first, second, middle and last rows: no models; it passes once per row"
kill_expect import-commit 1 killed absent
kill_expect import-commit 2 finished present
echo "import-commit: killed just before COMMIT: no models"
kill_expect import-committed 1 killed present
echo "import-committed: killed just after COMMIT: all of them"
kill_sweep sqlite-write 16
echo "sqlite-write: kills spread over every write: each all-or-nothing, none before the commit left models"
kill_sweep sqlite-sync 16
echo "sqlite-sync: kills at every fsync: each all-or-nothing, none before the commit left models"
