# robust_export_kill: `dvk export` killed (SIGKILL) at named points chosen by the fault hook
# (DVK_FAULT=kill@POINT:N, include/dvk/fault.h) while it writes over an existing file:
#   export-row    after the 1st, 2nd, middle and last row written to the temporary file
#   export-close  every row in the temporary file, just before it takes the target's name
# After each kill the target still holds exactly what it held before (never a part of the
# export under its name; the temporary file a kill leaves is a hidden .NAME.XXXXXX); one pass
# more and the export finishes: the target is byte for byte the export made without faults
# and no temporary file is left. The database is untouched (integrity, `dvk verify`).
. "$SRC/tests/robust/lib.sh"
need_sqlite3
export ASAN_OPTIONS="detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
seed_example w.db 300
"$DVK" --quiet --db w.db decide --province example --year 2023 --level co-so >/dev/null || fail "decide"
mkdir out
"$DVK" --quiet --db w.db export results --run 1 -o want-results.csv || fail "reference export"
"$DVK" --quiet --db w.db export models --format json -o want-models.json || fail "reference export"

fresh() { rm -rf out; mkdir out; echo "the office's earlier file" > "out/$target"; }
victim() { "$DVK" --quiet --db w.db export $what -o "out/$target"; }
# check: the target is the earlier file (absent) or the whole export (present); the only
# other file a kill may leave is the hidden temporary one; the database is as it was.
check() {
  if cmp -s "out/$target" "want-$target"; then
    st=present
    [ "$(ls -A out)" = "$target" ] || fail "$label: files left beside the export: $(ls -A out | tr '\n' ' ')"
  elif [ "$(cat "out/$target")" = "the office's earlier file" ]; then
    st=absent
    for f in $(ls -A out); do
      case "$f" in "$target"|".$target".??????) ;; *) fail "$label: unexpected file out/$f" ;; esac
    done
  else
    fail "$label: out/$target is neither the earlier file nor the whole export"
  fi
  [ "$(sqlite3 w.db 'PRAGMA integrity_check')" = ok ] || fail "$label: integrity check"
  "$DVK" --quiet --db w.db verify >verify.out 2>&1 || fail "$label: dvk verify: $(cat verify.out)"
}
# cases WHAT TARGET ROWS
cases() {
  what=$1; target=$2; R=$3
  for n in 1 2 $((R / 2)) $R; do kill_expect export-row $n killed absent; done
  kill_expect export-row $((R + 1)) finished present
  kill_expect export-close 1 killed absent
  kill_expect export-close 2 finished present
  echo "export $what: killed after the first, second, middle and last rows and before the rename: the earlier file intact; otherwise the whole export"
}
cases "results --run 1" results.csv "$(sqlite3 w.db 'SELECT count(*) FROM results')"
cases "models --format json" models.json "$(sqlite3 w.db 'SELECT count(*) FROM models')"
