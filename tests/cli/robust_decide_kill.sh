# robust_decide_kill: `dvk decide` killed (SIGKILL) at named points chosen by the fault hook
# (DVK_FAULT=kill@POINT:N, include/dvk/fault.h), not after a sleep, so every kill lands where
# the case says and the case cannot pass or fail by chance:
#   decide-result     after the 1st, 2nd, middle, next-to-last and last result row: no run;
#                     one pass more than there are results and the decision finishes
#   decide-commit     rows and audit record written, before COMMIT: no run
#   decide-committed  just after COMMIT: the whole run
#   sqlite-write/-sync  the Nth write / fsync of the database or its WAL, for N spread over
#                     every write (and every fsync) a decision makes, counted exactly first:
#                     each kill leaves no run or the whole run, and once a kill leaves the
#                     whole run every later one does too (the commit is one point in time)
# After each kill: PRAGMA integrity_check ok, dvk opens the database (its schema check) and
# `dvk verify` passes, the run is wholly present (its runs row, every candidate's result and
# its packed scores, its audit record) or wholly absent; then a re-run succeeds and is
# whole.
. "$SRC/tests/robust/lib.sh"
need_sqlite3
# Killed runs never reach their leak check (other tests check leaks).
export ASAN_OPTIONS="detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
decide() { "$DVK" --quiet --db w.db decide --province example --year 2023 --level co-so; }

seed_example base.db 300
fresh_copy base.db w.db
decide >/dev/null || fail "reference decide"
# scores are packed per model in result_scores_packed: the models with scores and their bytes
SCORES="count(scores) || ':' || total(length(scores))"
want=$(sqlite3 w.db "SELECT (SELECT count(*) FROM results) || '|' || (SELECT $SCORES FROM result_scores_packed)")
R=${want%%|*}
[ "$R" -gt 100 ] || fail "too few candidates for the test: $want"
audit0=$(sqlite3 base.db "SELECT count(*) FROM audit_log")

# check: the database after a kill (see above); sets st=absent|present.
check() {
  out=$(sqlite3 w.db "PRAGMA integrity_check; SELECT count(*) FROM runs;
          SELECT (SELECT count(*) FROM results) || '|' || (SELECT $SCORES FROM result_scores_packed);
          SELECT count(*) FROM audit_log;" | tr '\n' ' ')
  set -- $out
  [ "$1" = ok ] || fail "$label: integrity check: $out"
  case "$2|$3" in
    "0|0|0:0.0") [ "$4" = "$audit0" ] || fail "$label: no run but the audit log grew ($out)"; st=absent ;;
    "1|$want") [ "$4" = $((audit0 + 1)) ] || fail "$label: a run without its audit record ($out)"
               st=present ;;
    *) fail "$label: partial run: runs $2, results|scores $3 (expected 0 or 1 and $want)" ;;
  esac
  "$DVK" --quiet --db w.db verify >verify.out 2>&1 || fail "$label: dvk verify: $(cat verify.out)"
  decide >/dev/null 2>rerun.err || fail "$label: re-run failed: $(cat rerun.err)"
  r=$(sqlite3 w.db "SELECT max(id) FROM runs")
  got=$(sqlite3 w.db "SELECT (SELECT count(*) FROM results WHERE run = $r) || '|' ||
                             (SELECT $SCORES FROM result_scores_packed WHERE run = $r)")
  [ "$got" = "$want" ] || fail "$label: re-run stored $got, expected $want"
  "$DVK" --quiet --db w.db verify >verify.out 2>&1 || fail "$label: dvk verify after the re-run: $(cat verify.out)"
}

fresh() { fresh_copy base.db w.db; }
victim() { decide; }
for n in 1 2 $((R / 2)) $((R - 1)) $R; do kill_expect decide-result $n killed absent; done
kill_expect decide-result $((R + 1)) finished present
echo "decide-result: killed after the first, second, middle and last result rows: no run; it passes once per result"
kill_expect decide-commit 1 killed absent
kill_expect decide-commit 2 finished present
echo "decide-commit: killed just before COMMIT: no run"
kill_expect decide-committed 1 killed present
echo "decide-committed: killed just after COMMIT: the whole run"
kill_sweep sqlite-write 16
echo "sqlite-write: kills spread over every write: each all-or-nothing, none before the commit left the run"
kill_sweep sqlite-sync 16
echo "sqlite-sync: kills at every fsync: each all-or-nothing, none before the commit left the run"
