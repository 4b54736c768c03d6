# robust_concurrency: an external sqlite3 holding the write lock makes `dvk decide` and
# `dvk import` wait for the busy timeout, then fail with "database is busy" and write
# nothing; two `dvk decide` at once both end whole (or one says busy); readers (sqlite3 and
# the REPL API through `dvk -e`) running while decisions are written never see half a run.
# No sleep decides anything: the lock holder says it holds the lock by creating a file
# (after its BEGIN IMMEDIATE succeeded) and lets go only when told to, after both dvk
# commands have ended; the readers start the decisions once they have read once. The busy
# timeout is checked by the message and exit status, not by the milliseconds that passed.
. "$SRC/tests/robust/lib.sh"
need_sqlite3
seed_example dvk.db 300
decide() { "$DVK" --quiet decide --province example --year 2023 --level co-so; }
# wait_file FILE PID: until FILE exists; fails the case if PID ends first without making it
wait_file() {
  while [ ! -f "$1" ]; do
    kill -0 "$2" 2>/dev/null || [ -f "$1" ] || fail "process $2 ended without making $1"
    sleep 0.05
  done
}

echo "== an external writer holds the lock until both commands have ended"
sqlite3 dvk.db "BEGIN IMMEDIATE" ".shell touch locked" \
  ".shell while [ ! -f release ]; do sleep 0.05; done" "COMMIT" >holder.out 2>&1 &
holder=$!
wait_file locked $holder
head -1 units.csv > more.csv; echo "example/nam,Huyện Nam,district,example" >> more.csv
decide >out1.txt 2>&1 & p1=$!
"$DVK" --quiet import units more.csv >out2.txt 2>&1 & p2=$!
wait $p1; st1=$?; wait $p2; st2=$?
busy='database is busy: another program is writing to it (waited [0-9]* ms)'
echo "decide: exit $st1, $(grep -o "$busy" out1.txt)"
echo "import: exit $st2, $(grep -o "$busy" out2.txt)"
"$DVK" -e 'print(dvk.models{province = "example", year = 2023}:count() > 0)' 2>&1 | sed 's/^/reader during the lock: /'
touch release
wait $holder; echo "the holder let go: exit $?"
echo "nothing written: runs $(sqlite3 dvk.db 'SELECT count(*) FROM runs'), units $(sqlite3 dvk.db "SELECT count(*) FROM units WHERE code = 'example/nam'")"

echo "== two decisions at once, with readers"
want=$(sqlite3 dvk.db "SELECT count(*) FROM models WHERE province = 'example' AND year = 2023 AND level = 'co-so'")
# Reader: every run it sees has all its results, or it is not there yet (one read transaction).
# It waits on a lock like any client should (a closing dvk checkpoints the WAL and holds an
# exclusive lock for a moment, which a reader without a busy timeout sees as "locked").
(
  bad=0; n=0
  while [ ! -f stop ]; do
    sqlite3 -cmd ".timeout 5000" dvk.db "SELECT r.id, (SELECT count(*) FROM results WHERE run = r.id) FROM runs r" > seen.txt 2>>reader.err
    while IFS='|' read -r run cnt; do [ "$cnt" = "$want" ] || bad=$((bad + 1)); done < seen.txt
    n=$((n + 1))
    [ -f reader.ready ] || touch reader.ready
  done
  echo "$bad $n" > reader.out
) &
reader=$!
( while [ ! -f stop ]; do "$DVK" -e 'print(dvk.models{province = "example"}:count())' >/dev/null 2>>repl.err || echo x >> repl.fail
    [ -f repl.ready ] || touch repl.ready; done ) &
repl=$!
# the decisions start once both readers have read once (so "it read" never depends on speed)
wait_file reader.ready $reader
wait_file repl.ready $repl
decide >d1.txt 2>&1 & p1=$!
decide >d2.txt 2>&1 & p2=$!
wait $p1; s1=$?; wait $p2; s2=$?
touch stop; wait $reader; wait $repl
ok=0
for i in 1 2; do
  eval st=\$s$i
  if [ "$st" = 0 ]; then ok=$((ok + 1)); else grep -q 'database is busy' d$i.txt || { echo "decide $i: exit $st:"; cat d$i.txt; }; fi
done
echo "decisions that succeeded: $([ $ok -ge 1 ] && echo 'at least one')"
runs=$(sqlite3 dvk.db "SELECT count(*) FROM runs")
[ "$runs" = "$ok" ] && echo "runs stored = decisions that succeeded" || echo "runs stored: $runs, succeeded: $ok"
whole=$(sqlite3 dvk.db "SELECT count(*) FROM runs r WHERE (SELECT count(*) FROM results WHERE run = r.id) = $want")
[ "$whole" = "$runs" ] && echo "every run is whole" || echo "runs not whole: $((runs - whole))"
read -r bad n < reader.out
[ "$bad" = 0 ] && echo "reader saw no half run ($([ "$n" -gt 0 ] && echo 'it read'))" || echo "reader saw $bad half runs in $n reads"
[ -s reader.err ] && { echo "reader errors:"; sort -u reader.err; }
[ -f repl.fail ] && { echo "REPL reader failed $(wc -l < repl.fail) times:"; sort -u repl.err | head -3; }
"$DVK" --quiet verify >/dev/null && echo "verify ok"
