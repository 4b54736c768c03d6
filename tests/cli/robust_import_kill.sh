# robust_import_kill: SIGKILL `dvk import models` at many random moments (KILLS, default 200).
# After each kill: PRAGMA integrity_check is ok, the import is wholly present (all N models
# and its audit record) or wholly absent, and every 10th time a re-run succeeds and leaves
# exactly N models with no duplicate and an unbroken audit chain. The kill delays are spread
# over the time a whole import takes on this machine (measured first), so they land before
# the database is opened, while rows are inserted, during COMMIT and after it.
. "$SRC/tests/robust/lib.sh"
need_sqlite3
KILLS=${DVK_ROBUST_KILLS:-200}
# Killed runs never reach their leak check (other tests check leaks): skipping it speeds up
# sanitizer builds.
export ASAN_OPTIONS="detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"

# Calibrate: S, the time to start and open the database (importing only the header), and
# T, the time of a whole import (medians of three); kills fall in [min(0.9 S, 0.5 T),
# 1.05 T]. On a fast build the file grows until T is at least 150 ms, so that the kills
# (whose own overhead is a few ms) still spread over the import.
median3() { _t=""; for _i in 1 2 3; do fresh_copy base.db w.db; _s=$(now_ms)
  "$DVK" --quiet --db w.db import models "$1" >/dev/null 2>&1; _t="$_t $(( $(now_ms) - _s ))"; done
  echo $_t | tr ' ' '\n' | sort -n | sed -n 2p; }
N=200
while :; do
  rm -f base.db base.db-wal base.db-shm
  seed_db base.db "$N" 7
  head -1 models.csv > header.csv
  S=$(median3 header.csv)
  T=$(median3 models.csv)
  [ "$T" -ge 150 ] || [ "$N" -ge 12800 ] && break
  N=$((N * 2))
done
audit0=$(sqlite3 base.db "SELECT count(*) FROM audit_log")

awk -v k="$KILLS" -v s="$S" -v t="$T" 'BEGIN { srand(20261125); lo = 0.9 * s; if (lo > 0.5 * t) lo = 0.5 * t; hi = 1.05 * t
  for (i = 0; i < k; i++) printf "%.3f\n", (lo + rand() * (hi - lo)) / 1000 }' > delays
absent=0; present=0; midcommit=0; finished=0; i=0
while read -r delay; do
  i=$((i + 1))
  fresh_copy base.db w.db
  "$DVK" --quiet --db w.db import models models.csv >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null; st=$?
  [ "$st" = 0 ] && finished=$((finished + 1))
  wal=0; [ -s w.db-wal ] && wal=1
  out=$(sqlite3 w.db "PRAGMA integrity_check; SELECT count(*), count(DISTINCT code) FROM models;
                      SELECT count(*) FROM audit_log;" | tr '\n' ' ')
  set -- $out
  [ "$1" = ok ] || fail "kill $i (after ${delay}s): integrity check: $out"
  case "$2" in
    "0|0") [ "$3" = "$audit0" ] || fail "kill $i: no models but the audit log grew ($out)"
           absent=$((absent + 1)); [ $wal = 1 ] && midcommit=$((midcommit + 1)) ;;
    "$N|$N") [ "$3" = $((audit0 + 1)) ] || fail "kill $i: models without their audit record ($out)"
           present=$((present + 1)) ;;
    *) fail "kill $i (after ${delay}s): partial import: models|distinct = $2 (expected 0|0 or $N|$N)" ;;
  esac
  if [ $((i % 10)) = 0 ]; then
    "$DVK" --quiet --db w.db import models models.csv || fail "kill $i: re-run failed"
    [ "$(sqlite3 w.db "SELECT count(*) || '|' || count(DISTINCT code) FROM models")" = "$N|$N" ] \
      || fail "kill $i: re-run left duplicates or missing models"
    "$DVK" --quiet --db w.db verify >/dev/null || fail "kill $i: dvk verify after the re-run"
  fi
done < delays

[ -n "${DVK_ROBUST_VERBOSE:-}" ] && echo "start ${S} ms, import ${T} ms; $KILLS kills: $absent absent ($midcommit with WAL frames written), $present present ($finished finished)" >&2
# Not vacuous: kills must have landed both before and after the commit.
[ $absent -ge $((KILLS / 10)) ] || fail "only $absent of $KILLS kills landed before the commit"
[ $present -ge 1 ] || fail "no kill landed after the commit"
echo "$KILLS kills of dvk import: integrity ok, all-or-nothing ok, re-runs ok"
