# decide_example: the example province end to end: init, import, dry run, decide at the
# district level (per-unit quota), explain, re-run (byte-identical), province level from the
# proposals, finalize (and refuse to finalize twice), diff, list with the units without a run.
set -e
# the example province is a test fixture (tests/data/example), not a shipped script
DVK_SCRIPTS="$SRC/tests/data/example"; export DVK_SCRIPTS
# timestamps, script digests and the audit head change from run to run: mask them
mask() { sed -E 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z/TIME/g; s/[0-9a-f]{64}/SHA/g'; }
$DVK --quiet init
cat > units.csv <<'CSV'
code,name,kind,parent
example,Tỉnh Mẫu,province,
example/dong,Huyện Đông,district,example
example/tay,Huyện Tây,district,example
example/bac,Huyện Bắc,district,example
CSV
cat > models.csv <<'CSV'
code,name,unit,kind,category,field,level,year,registration,started_on,address,beneficiaries,gdvh_years
EX-D1,Tổ hòa giải thôn Đông,example/dong,tap-the,mo-hinh,he-thong-chinh-tri,huyen,2023,tiep-tuc,2018-01-10,Thôn Đông,1000,
EX-D2,Đường hoa thôn Nam,example/dong,tap-the,mo-hinh,kinh-te,huyen,2023,moi,2018-05-01,Thôn Nam,900,
EX-D3,Bếp ăn tình thương,example/dong,tap-the,mo-hinh,van-hoa-xa-hoi,huyen,2023,moi,2018-03-01,Chợ huyện,950,
EX-D4,Ông Lò Văn Nam,example/dong,ca-nhan,dien-hinh,van-hoa-xa-hoi,huyen,2023,moi,2020-02-01,Bản Nà,200,5
EX-D5,Tổ tự quản mới lập,example/dong,tap-the,mo-hinh,kinh-te,huyen,2023,moi,2023-06-01,Thôn Mới,500,
EX-T1,Camera an ninh thôn Tây,example/tay,tap-the,mo-hinh,quoc-phong-an-ninh,huyen,2023,moi,2020-01-01,Thôn Tây,1000,
EX-T2,Quỹ khuyến học dòng họ,example/tay,ho-gia-dinh,dien-hinh,van-hoa-xa-hoi,huyen,2023,tiep-tuc,2017-09-01,,300,
EX-R1,Tổ hòa giải thôn Đông,example/tay,tap-the,mo-hinh,he-thong-chinh-tri,co-so,2023,moi,2022-01-01,Thôn Tây,50,
EX-R2,Tổ hòa giải thôn Đông,example/bac,tap-the,mo-hinh,he-thong-chinh-tri,co-so,2023,moi,2022-01-01,Thôn Bắc,50,
EX-R3,Đường hoa thôn Nam,example/tay,tap-the,mo-hinh,kinh-te,co-so,2023,moi,2022-01-01,Thôn Tây,50,
EX-R4,Đường hoa thôn Nam,example/bac,tap-the,mo-hinh,kinh-te,co-so,2023,moi,2022-01-01,Thôn Bắc,50,
EX-R5,Bếp ăn tình thương,example/tay,tap-the,mo-hinh,van-hoa-xa-hoi,co-so,2022,moi,2021-01-01,Chợ Tây,50,
EX-R6,Bếp ăn tình thương,example/bac,tap-the,mo-hinh,van-hoa-xa-hoi,co-so,2023,moi,2022-01-01,Chợ Bắc,50,
CSV
cat > appraisals.csv <<'CSV'
model,criterion,appraiser,score,note
EX-D1,kho-khan,A,15,
EX-D1,kho-khan,B,14,
EX-D1,sang-tao,A,15,
EX-D2,kho-khan,A,15,
EX-D2,sang-tao,A,15,
EX-D3,kho-khan,A,15,
EX-D3,sang-tao,A,15,
EX-T1,kho-khan,A,15,
EX-T1,sang-tao,A,14,
CSV
$DVK --quiet import units units.csv
$DVK --quiet import models models.csv
$DVK --quiet import appraisals appraisals.csv
# EX-D4 (eligible) has no council scores while the others have: decide refuses that unless
# --allow-missing-scores (and then warns on stderr)
echo "== dry run"
$DVK decide --province example --year 2023 --level huyen --dry-run || echo "exit $?"
$DVK decide --province example --year 2023 --level huyen --dry-run --allow-missing-scores
echo "== decide"
$DVK decide --province example --year 2023 --level huyen --allow-missing-scores
$DVK runs show 1 | mask
echo "== explain"
$DVK runs show 1 EX-D3 | mask
$DVK runs show 1 EX-T2 | mask
$DVK runs show 1 EX-D2 | mask
$DVK runs show 1 NOPE >/dev/null || echo "exit $?"
$DVK runs show 99 || echo "exit $?"
echo "== re-run"
$DVK decide --province example --year 2023 --level huyen --allow-missing-scores | head -1
sqlite3 dvk.db "SELECT count(*) FROM (SELECT model, eligible, gate, total, outcome, rank, recognised, exemplary, proposed, reason FROM results WHERE run = 1 EXCEPT SELECT model, eligible, gate, total, outcome, rank, recognised, exemplary, proposed, reason FROM results WHERE run = 2)"
# the scores, packed per model (result_scores_packed): the same bytes are the same scores
sqlite3 dvk.db "SELECT count(*) FROM (SELECT model, scores FROM result_scores_packed WHERE run = 1 EXCEPT SELECT model, scores FROM result_scores_packed WHERE run = 2)"
$DVK diff 1 2
echo "== a what-if: a stricter threshold, compared with run 1"
mkdir -p s/provinces
sed 's/min = 85, exemplary/min = 89, exemplary/' "$DVK_SCRIPTS/provinces/example.lua" > s/provinces/example.lua
$DVK --scripts s decide --province example --year 2023 --level huyen --compare 1 --allow-missing-scores | mask
echo "== province level: candidates are the proposals"
# the province council scores the proposals itself: the district council's scores are a
# round of their own (appraisals belong to a level)
cat > appraisals-tinh.csv <<'CSV'
model,level,criterion,appraiser,score
EX-D1,tinh,kho-khan,A,15
EX-D1,tinh,kho-khan,B,14
EX-D1,tinh,sang-tao,A,15
EX-D3,tinh,kho-khan,A,15
EX-D3,tinh,sang-tao,A,15
CSV
$DVK --quiet import appraisals appraisals-tinh.csv
$DVK decide --province example --year 2023 --level tinh
echo "== finalize"
# run 3 (the what-if) is newer for the same scope: run 2 is finalized on purpose
$DVK runs finalize 2 --number 15/QĐ-UBND --date 2023-12-20 || echo "refused: $?"
$DVK runs finalize 2 --number 15/QĐ-UBND --date 2023-12-20 --superseded
$DVK runs finalize 2 --number 16/QĐ-UBND --date 2023-12-21 || echo "refused: $?"
sqlite3 dvk.db "UPDATE results SET total = 100 WHERE run = 2" >/dev/null 2>&1 || echo "trigger refused"
$DVK verify | mask
echo "== a province-level run sees the history of the district run"
$DVK runs show 4 EX-D1 | grep ben-vung
echo "== list"
$DVK runs --province example --year 2023
