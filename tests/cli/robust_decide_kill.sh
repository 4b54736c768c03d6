# robust_decide_kill: SIGKILL `dvk decide` at many random moments (KILLS, default 200).
# After each kill: PRAGMA integrity_check is ok; the run is wholly present (its runs row,
# every candidate's result and every criterion's score, and its audit record) or wholly
# absent; every 10th time a re-run succeeds and is whole, and `dvk verify` passes. Kill
# delays are spread over the time a whole decision takes on this machine (measured first).
. "$SRC/tests/robust/lib.sh"
need_sqlite3
KILLS=${DVK_ROBUST_KILLS:-200}
# Killed runs never reach their leak check (other tests check leaks): skipping it speeds up
# sanitizer builds.
export ASAN_OPTIONS="detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
decide() { "$DVK" --quiet --db w.db decide --province example --year 2023 --level co-so; }

# The whole run, for the expected counts; S and T as in robust_import_kill (T: the fastest
# of three; the data doubles until T is at least 150 ms).
N=300
while :; do
  rm -f base.db base.db-wal base.db-shm
  seed_example base.db "$N"
  fresh_copy base.db w.db
  decide >/dev/null || fail "reference decide"
  want=$(sqlite3 w.db "SELECT (SELECT count(*) FROM results) || '|' || (SELECT count(*) FROM result_scores)")
  [ "${want%%|*}" -gt 100 ] || fail "too few candidates for the test: $want"
  T=999999
  for i in 1 2 3; do fresh_copy base.db w.db; s=$(now_ms); decide >/dev/null; t=$(( $(now_ms) - s )); [ $t -lt $T ] && T=$t; done
  [ "$T" -ge 150 ] || [ "$N" -ge 9600 ] && break
  N=$((N * 2))
done
S=$(( $(s=$(now_ms); "$DVK" --quiet --db w.db runs >/dev/null; echo $(( $(now_ms) - s ))) ))
audit0=$(sqlite3 base.db "SELECT count(*) FROM audit_log")

awk -v k="$KILLS" -v s="$S" -v t="$T" 'BEGIN { srand(20261126); lo = 0.9 * s; if (lo > 0.5 * t) lo = 0.5 * t; hi = 1.05 * t
  for (i = 0; i < k; i++) printf "%.3f\n", (lo + rand() * (hi - lo)) / 1000 }' > delays
absent=0; present=0; midcommit=0; finished=0; i=0
while read -r delay; do
  i=$((i + 1))
  fresh_copy base.db w.db
  "$DVK" --quiet --db w.db decide --province example --year 2023 --level co-so >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null && finished=$((finished + 1))
  wal=0; [ -s w.db-wal ] && wal=1
  out=$(sqlite3 w.db "PRAGMA integrity_check; SELECT count(*) FROM runs;
          SELECT (SELECT count(*) FROM results) || '|' || (SELECT count(*) FROM result_scores);
          SELECT count(*) FROM audit_log;" | tr '\n' ' ')
  set -- $out
  [ "$1" = ok ] || fail "kill $i (after ${delay}s): integrity check: $out"
  case "$2|$3" in
    "0|0|0") [ "$4" = "$audit0" ] || fail "kill $i: no run but the audit log grew ($out)"
             absent=$((absent + 1)); [ $wal = 1 ] && midcommit=$((midcommit + 1)) ;;
    "1|$want") [ "$4" = $((audit0 + 1)) ] || fail "kill $i: a run without its audit record ($out)"
             present=$((present + 1)) ;;
    *) fail "kill $i (after ${delay}s): partial run: runs $2, results|scores $3 (expected 0 or 1 and $want)" ;;
  esac
  if [ $((i % 10)) = 0 ]; then
    decide >/dev/null || fail "kill $i: re-run failed"
    r=$(sqlite3 w.db "SELECT max(id) FROM runs")
    got=$(sqlite3 w.db "SELECT (SELECT count(*) FROM results WHERE run = $r) || '|' ||
                               (SELECT count(*) FROM result_scores WHERE run = $r)")
    [ "$got" = "$want" ] || fail "kill $i: re-run stored $got, expected $want"
    "$DVK" --quiet --db w.db verify >/dev/null || fail "kill $i: dvk verify after the re-run"
  fi
done < delays

[ -n "${DVK_ROBUST_VERBOSE:-}" ] && echo "start ${S} ms, decide ${T} ms; $KILLS kills: $absent absent ($midcommit with WAL frames written), $present present ($finished finished)" >&2
[ $absent -ge $((KILLS / 10)) ] || fail "only $absent of $KILLS kills landed before the commit"
[ $present -ge 1 ] || fail "no kill landed after the commit"
echo "$KILLS kills of dvk decide: integrity ok, all-or-nothing ok, re-runs ok"
