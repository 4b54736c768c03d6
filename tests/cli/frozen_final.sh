# frozen_final: a final run keeps what its documents show (issue 12, "Frozen final runs").
# Run 2 of the report data is final (decision 125). Every report of it in every format,
# `runs show 2`, `runs show 2 TN-01` and `export results --run 2` are saved; then a model is
# renamed by a re-import (refused without --replace, naming the model, the run and the
# field), a unit renamed by a units import, a metric and an appraisal edited with sqlite3,
# and the province script and a library report changed in a copy of the scripts folder
# (--scripts): everything of run 2 is byte-identical, with one note on stderr that today's
# scripts differ; the draft (run 1) shows today's data; --current-script renders with today's
# scripts and says so. Finalize refuses a draft whose inputs or scripts changed since it was
# decided. Attacks (triggers dropped, then put back): an edited frozen model row makes
# verify fail naming the run and the model; an edited frozen unit or script text makes it
# fail naming the run.
. "$SRC/tests/robust/lib.sh"
need_sqlite3
. "$SRC/tests/data/report/setup.sh"
export SOURCE_DATE_EPOCH=1736899200   # XLSX files carry no time of their own
REPORTS="thong-ke quyet-dinh giai-trinh khen-thuong bao-phu"
# save DIR RUN [DVK OPTIONS...]: every report of RUN in every format (XLSX as the text of its
# parts), runs show RUN, runs show RUN TN-01, export results --run RUN; stderr apart
save() {
  dir=$1 run=$2; shift 2
  mkdir -p "$dir"
  for r in $REPORTS; do
    for f in md html csv json; do
      "$DVK" "$@" report "$run" "$r" --format "$f" > "$dir/$r.$f" 2>> "$dir/stderr" || echo "report $r $f failed"
    done
    "$DVK" "$@" report "$run" "$r" -o "$dir/$r.xlsx" 2>> "$dir/stderr" || echo "report $r xlsx failed"
    unzip -p "$dir/$r.xlsx" > "$dir/$r.xlsx.txt" && rm "$dir/$r.xlsx"
  done
  "$DVK" "$@" report "$run" so-sanh --against 1 > "$dir/so-sanh.md" 2>> "$dir/stderr"
  "$DVK" "$@" runs show "$run" > "$dir/show.txt"
  "$DVK" "$@" runs show "$run" TN-01 > "$dir/show-model.txt"
  "$DVK" "$@" export results --run "$run" > "$dir/results.csv"
  "$DVK" "$@" export results --run "$run" --format json > "$dir/results.json"
}
# same DIR1 DIR2: every saved file byte-identical (stderr apart)
same() {
  n=0 bad=0
  for f in "$1"/*; do
    b=$(basename "$f"); [ "$b" = stderr ] && continue
    n=$((n + 1)); cmp -s "$f" "$2/$b" || { echo "differs: $b"; bad=$((bad + 1)); }
  done
  echo "$n files compared, $bad differ"
}
save before 2
save draft-before 1
echo "== what run 2 keeps"
sqlite3 "$DVK_DB" "SELECT 'models', count(*) FROM run_models WHERE run = 2 UNION ALL
  SELECT 'units', count(*) FROM run_units WHERE run = 2 UNION ALL
  SELECT 'appraisals', count(*) FROM run_appraisals WHERE run = 2 UNION ALL
  SELECT 'scripts', count(*) FROM run_scripts WHERE run = 2 UNION ALL
  SELECT 'provinces script', count(*) FROM run_scripts WHERE run = 2 AND path = 'scripts/provinces/thu-nghiem.lua'"
grep -c "Đường giao thông nông thôn" before/quyet-dinh.md
echo "== a re-import that renames a model of run 2: refused without --replace"
sed 's/Đường giao thông nông thôn – Dân làm, Nhà nước hỗ trợ/Đường làng ngõ xóm/' \
  "$SRC/tests/data/report/models.csv" > renamed.csv
"$DVK" import models renamed.csv; echo "exit $?"
"$DVK" import models renamed.csv --replace; echo "exit $?"
echo "== a unit renamed, a metric and an appraisal edited"
sed 's/Huyện Đông Hòa/Thị xã Đông Hòa/' "$SRC/tests/data/report/units.csv" > units.csv
"$DVK" import units units.csv; echo "exit $?"
sqlite3 "$DVK_DB" "UPDATE models SET metrics = json_set(metrics, '$.participants', 1) WHERE code = 'TN-02';
  UPDATE appraisals SET score = 1 WHERE model = (SELECT id FROM models WHERE code = 'TN-01')
  AND appraiser = 'Thành viên 1' AND criterion = 'kho-khan'"
echo "== the province script and a library report changed (a copy of the scripts folder)"
cp -rL sc sc2
sed -i 's/name = "Thử Nghiệm"/name = "Thử Nghiệm Mới"/' sc2/provinces/thu-nghiem.lua
printf '\n-- changed\n' >> sc2/lib/reports/thong-ke.lua
echo "== run 2 is byte-identical"
save after 2 --scripts sc2
same before after
sort -u after/stderr
echo "== dvk diff names a model as the final run keeps it (TN-02, renamed since)"
sed -i 's/^TN-02,Ánh sáng đường quê,/TN-02,Ánh sáng đường làng,/' renamed.csv
"$DVK" --quiet import models renamed.csv --replace
sqlite3 "$DVK_DB" "SELECT name FROM models WHERE code = 'TN-02'"
"$DVK" diff 2 1 | grep "^TN-02"
echo "== the draft shows today's data"
save draft-after 1 --scripts sc2
grep -c "Đường làng ngõ xóm" draft-after/quyet-dinh.md draft-after/show-model.txt after/quyet-dinh.md
grep -o "Thị xã Đông Hòa" draft-after/thong-ke.md | sort -u
grep -c "Thị xã Đông Hòa" after/thong-ke.md
[ -s draft-after/stderr ] && echo "draft notes:" && cat draft-after/stderr
echo "== --current-script: today's scripts, said on stderr"
"$DVK" --scripts sc2 report 2 thong-ke --current-script > current.md
cmp -s current.md after/thong-ke.md && echo "same as the recorded" || echo "rendered with today's scripts"
"$DVK" report 2 thong-ke --current-script > current-same.md
cmp -s current-same.md before/thong-ke.md && echo "today's scripts in sc are the recorded ones"
echo "== finalize refuses a draft whose inputs changed since it was decided"
"$DVK" --quiet decide --province thu-nghiem --year 2024 --level tinh > /dev/null   # run 3
sqlite3 "$DVK_DB" "UPDATE models SET address = 'Thôn 9' WHERE code = 'TN-04'"
"$DVK" runs finalize 3 --number 126 --date 2025-01-20; echo "exit $?"
"$DVK" runs show 3 | head -1
sqlite3 "$DVK_DB" "SELECT count(*) FROM run_models WHERE run = 3"
echo "== and one whose script changed since (run 4, decided with sc2's, finalized with sc's)"
"$DVK" --quiet --scripts sc2 decide --province thu-nghiem --year 2024 --level tinh > /dev/null
"$DVK" runs finalize 4 --number 126 --date 2025-01-20; echo "exit $?"
"$DVK" --scripts sc2 runs finalize 4 --number 126 --date 2025-01-20; echo "exit $?"
echo "== the record cannot be changed"
sqlite3 "$DVK_DB" "UPDATE run_models SET name = 'X' WHERE run = 2" 2>&1; echo "exit $?"
sqlite3 "$DVK_DB" "DELETE FROM run_units WHERE run = 2" 2>&1; echo "exit $?"
sqlite3 "$DVK_DB" "INSERT INTO run_scripts(run, path, sha256, text) VALUES (2, 'x', 'y', 'z')" 2>&1; echo "exit $?"
"$DVK" verify | sed 's/head [0-9a-f]*/head H/'
echo "== attacks: triggers dropped, a row edited, triggers put back"
# attack NAME TRIGGER SQL: on a copy of the database
attack() {
  fresh_copy "$DVK_DB" a.db
  trig=$(sqlite3 a.db "SELECT sql FROM sqlite_master WHERE name = '$2'")
  sqlite3 a.db "DROP TRIGGER $2; $3; $trig;" || fail "$1"
  echo "-- $1"
  "$DVK" --db a.db verify; echo "exit $?"
}
"$DVK" verify >/dev/null || fail "verify before the attacks"
attack "a frozen model renamed" run_models_no_update \
  "UPDATE run_models SET name = 'Mô hình khác' WHERE run = 2 AND code = 'TN-03'"
attack "a frozen unit renamed" run_units_no_update \
  "UPDATE run_units SET name = 'Huyện Khác' WHERE run = 2 AND code = 'thu-nghiem/an-phu'"
attack "a recorded script edited" run_scripts_no_update \
  "UPDATE run_scripts SET text = text || '-- x' WHERE run = 2 AND path = 'scripts/provinces/thu-nghiem.lua'"
attack "a frozen appraisal edited" run_appraisals_no_update \
  "UPDATE run_appraisals SET score = score + 1 WHERE run = 2 AND appraiser = 'Thành viên 1'
   AND criterion = 'kho-khan' AND model = (SELECT id FROM run_models WHERE run = 2 AND code = 'TN-02')"
attack "a frozen statistic edited" run_stats_no_update \
  "UPDATE run_stats SET registered = registered + 1 WHERE run = 2 AND pos = -1"
echo "== run 4's record, with the run 2's: verify passes"
"$DVK" verify | sed 's/head [0-9a-f]*/head H/'
"$DVK" runs show 4 TN-01 | grep "^TN-01"
echo "== a final run set back to draft by hand: its record goes with it, verify says so"
fresh_copy "$DVK_DB" b.db
trig=$(sqlite3 b.db "SELECT sql FROM sqlite_master WHERE name = 'runs_final_update'")
sqlite3 b.db "DROP TRIGGER runs_final_update; UPDATE runs SET status = 'draft' WHERE id = 2; $trig;" || fail "set back"
"$DVK" --db b.db runs delete 2; echo "exit $?"
sqlite3 b.db "SELECT count(*) FROM run_models WHERE run = 2"
"$DVK" --db b.db verify; echo "exit $?"
