# tests/robust/lib.sh: helpers sourced by the robustness golden cases (tests/cli/robust_*.sh,
# tests/cli/verify_*.sh). They run in a fresh folder with $DVK (the binary) and $SRC (the
# source tree). Sourced, not run: it has no shebang of its own.

need_sqlite3() {
  command -v sqlite3 >/dev/null || { echo "sqlite3 shell not found (apt-get install sqlite3)"; exit 1; }
}

# now_ms: wall clock in milliseconds.
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

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

# rand_ms SEED LO HI: a pseudo-random integer in [LO, HI] from SEED (awk).
rand_ms() { awk -v s="$1" -v lo="$2" -v hi="$3" 'BEGIN { srand(s); printf "%d\n", lo + int(rand() * (hi - lo + 1)) }'; }

# sleep_ms MS: sleep MS milliseconds (GNU sleep takes fractions).
sleep_ms() { sleep "$(awk -v m="$1" 'BEGIN { printf "%.3f", m / 1000 }')"; }

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
