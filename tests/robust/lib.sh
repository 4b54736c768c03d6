# tests/robust/lib.sh: helpers sourced by the robustness golden cases (tests/cli/robust_*.sh,
# tests/cli/verify_*.sh). They run in a fresh folder with $DVK (the binary) and $SRC (the
# source tree). Sourced, not run: it has no shebang of its own.

need_sqlite3() {
  command -v sqlite3 >/dev/null || { echo "sqlite3 shell not found (apt-get install sqlite3)"; exit 1; }
}

# fail MESSAGE: print it and stop the case with status 1.
fail() { echo "FAIL: $*"; exit 1; }

# seed_db DB N SEED: a database with the built-in synthetic province (units and fields), and
# N synthetic models in models.csv (not imported). Scripts folder: an empty one, so that only
# the built-in province's fields are known.
seed_db() {
  _db=$1; _n=$2; _seed=${3:-1}
  mkdir -p empty-scripts
  "$DVK" --quiet --db "$_db" synth --models "$_n" --seed "$_seed" -o models.csv \
      --units-out units.csv --fields-out fields.csv || fail "dvk synth"
  "$DVK" --quiet --db "$_db" --scripts empty-scripts init >/dev/null || fail "dvk init"
  "$DVK" --quiet --db "$_db" import units units.csv || fail "dvk import units"
  sqlite3 "$_db" ".import --csv --skip 1 fields.csv fields" || fail "loading fields"
}

# fresh_copy FROM TO: copy a closed database (no WAL beside it) to TO, removing TO's WAL/shm.
fresh_copy() {
  rm -f "$2" "$2-wal" "$2-shm"
  cp "$1" "$2"
}

# seed_example DB N: a database with the example province, five units and N synthetic
# models of 2023 (about two thirds at co-so), imported. The example province is a test
# fixture (tests/data/example), so DVK_SCRIPTS points, for the rest of the case, at
# ./example-scripts: the shipped library (reports) and that province.
seed_example() {
  mkdir -p example-scripts/provinces
  cp -R "$SRC/scripts/lib" example-scripts/ || fail "copying scripts/lib"
  cp "$SRC/tests/data/example/provinces/example.lua" example-scripts/provinces/ || fail "copying example.lua"
  DVK_SCRIPTS="$PWD/example-scripts"; export DVK_SCRIPTS
  "$DVK" --quiet --db "$1" init >/dev/null || fail "dvk init"
  printf 'code,name,kind,parent\nexample,Tỉnh Mẫu,province,\nexample/dong,Huyện Đông,district,example\nexample/tay,Huyện Tây,district,example\nexample/dong/a,Xã A,commune,example/dong\nexample/tay/b,Xã B,commune,example/tay\n' > units.csv
  "$DVK" --quiet --db "$1" import units units.csv || fail "dvk import units"
  "$DVK" --quiet --db "$1" synth --models "$2" --province example --year 2023 --seed 3 -o models.csv || fail "dvk synth"
  "$DVK" --quiet --db "$1" import models models.csv || fail "dvk import models"
}

# ---- kill points (tests/cli/robust_*_kill.sh) ----
# A kill case defines three shell functions: fresh (restores the files the command works
# on), victim (the command, killed at a point) and check (after a kill or an end: fails the
# case, or sets st=absent when none of the work is there and st=present when all of it is).

# kill_run POINT N CMD...: CMD (its output in kill.out) with DVK_FAULT=kill@POINT:N, which
# makes dvk raise SIGKILL the Nth time it passes POINT (include/dvk/fault.h lists them).
# Sets ran=killed when that kill stopped it, ran=finished when it ran to its end with status
# 0 (it passed POINT fewer than N times); any other end fails the case.
kill_run() {
  _p=$1; _n=$2; shift 2
  ( DVK_FAULT="kill@$_p:$_n"; export DVK_FAULT; "$@" ) >kill.out 2>&1; _st=$?
  case $_st in
    137) ran=killed ;;
    0) ran=finished ;;
    *) fail "DVK_FAULT=kill@$_p:$_n $*: exit $_st: $(head -3 kill.out)" ;;
  esac
}

# kill_expect POINT N killed|finished absent|present: one run of victim killed at the Nth
# pass of POINT; how it ended and what it left must be exactly these.
kill_expect() {
  label="kill@$1:$2"
  fresh; kill_run "$1" "$2" victim
  [ "$ran" = "$3" ] || fail "$label: the command $ran (expected $3)"
  check
  [ "$st" = "$4" ] || fail "$label: the work is $st (expected $4)"
}

# kill_count POINT: sets passes to exactly how many times victim passes POINT (killed at
# N = passes, finished at passes + 1), by doubling then bisection.
kill_count() {
  _lo=0; _hi=1
  while :; do
    fresh; kill_run "$1" "$_hi" victim
    [ "$ran" = finished ] && break
    _lo=$_hi; _hi=$((_hi * 2))
  done
  while [ $((_hi - _lo)) -gt 1 ]; do
    _m=$(((_lo + _hi) / 2))
    fresh; kill_run "$1" "$_m" victim
    if [ "$ran" = killed ]; then _lo=$_m; else _hi=$_m; fi
  done
  passes=$_lo
}

# kill_sweep POINT K: counts victim's passes of POINT, then kills it at the 1st, 2nd, 3rd,
# about K more spread evenly, and the last three: each kill must stop it and leave all of
# the work or none, none before the commit may leave it (once one kill leaves the work, every
# later one does: the commit is one point in time), and at least the first leaves none.
kill_sweep() {
  kill_count "$1"
  [ "$passes" -ge 1 ] || fail "$1: the command never passes it"
  _absent=0; _present=0
  for _n in $(awk -v t="$passes" -v k="$2" 'BEGIN { for (i = 1; i <= 3; i++) n[i] = 1
      for (i = 1; i <= k; i++) n[int(i * t / (k + 1))] = 1
      for (i = t - 2; i <= t; i++) n[i] = 1
      for (i = 1; i <= t; i++) if (i in n) print i }'); do
    label="kill@$1:$_n of $passes"
    fresh; kill_run "$1" "$_n" victim
    [ "$ran" = killed ] || fail "$label: the command $ran"
    check
    if [ "$st" = absent ]; then
      [ "$_present" -gt 0 ] && fail "$label: none of the work, but an earlier kill left all of it"
      _absent=$((_absent + 1))
    else
      _present=$((_present + 1))
    fi
  done
  [ -n "${DVK_ROBUST_VERBOSE:-}" ] && echo "$1: $passes passes; $_absent kills left none of the work, $_present all of it" >&2
  [ "$_absent" -ge 1 ] || fail "$1: no kill left the database without the work"
}
