# check: dvk check before deciding: errors (exit 1) for candidates whose unit the province's
# tree does not have, whose field the script does not declare, or that started after the
# cutoff, and for council criteria below council.min_members; warnings (exit 0) for metrics
# the script reads that candidates lack and for candidates without council scores; dvk decide
# refuses what check calls an error and keeps its own guards (--allow-missing-scores).
set -e
mkdir -p s/provinces
cp "$SRC/tests/data/example/provinces/example.lua" s/provinces/example.lua
DVK_SCRIPTS="$PWD/s"; export DVK_SCRIPTS
$DVK --quiet init
cat > units.csv <<'CSV'
code,name,kind,parent
example,Tỉnh Mẫu,province,
example/dong,Huyện Đông,district,example
other,Tỉnh Khác,province,
other/x,Huyện X,district,other
CSV
cat > models.csv <<'CSV'
code,name,unit,kind,category,field,level,year,registration,started_on,address,beneficiaries
EX-1,Tổ hòa giải,example/dong,tap-the,mo-hinh,he-thong-chinh-tri,huyen,2023,moi,2018-01-10,Thôn Đông,1000
EX-2,Đường hoa,example/dong,tap-the,mo-hinh,kinh-te,huyen,2023,moi,2018-05-01,Thôn Nam,
EX-3,Bếp ăn,example/dong,tap-the,mo-hinh,van-hoa-xa-hoi,huyen,2023,moi,2023-12-15,Chợ,500
EX-4,Camera,example/dong,tap-the,mo-hinh,quoc-phong-an-ninh,huyen,2023,moi,2020-01-01,Thôn Tây,
CSV
$DVK --quiet import units units.csv
$DVK --quiet import models models.csv
echo "== a level without candidates"
$DVK check --province example --year 2023 --level co-so || echo "exit $?"
echo "== what would go wrong"
# EX-3 started after the cutoff (11-30); EX-2 and EX-4 lack beneficiaries (the script reads it)
$DVK check --province example --year 2023 --level huyen || echo "exit $?"
echo "== decide refuses what check calls an error"
$DVK decide --province example --year 2023 --level huyen --dry-run || echo "exit $?"
sqlite3 dvk.db "UPDATE models SET started_on = '2019-01-01' WHERE code = 'EX-3'"
echo "== a field the script no longer declares, a unit outside the province's tree"
sed -i '/quoc-phong-an-ninh/d' s/provinces/example.lua
sqlite3 dvk.db "PRAGMA foreign_keys = ON; UPDATE models SET unit = 'other/x' WHERE code = 'EX-1'"
$DVK check --province example --year 2023 || echo "exit $?"
cp "$SRC/tests/data/example/provinces/example.lua" s/provinces/example.lua
sqlite3 dvk.db "UPDATE models SET unit = 'example/dong' WHERE code = 'EX-1'"
echo "== a script error on one candidate: named, and the others still checked"
sed 's/if m.address == nil or m.address == "" then/if m.code == "EX-2" then error("hỏng") end if m.address == nil then/' \
    "$SRC/tests/data/example/provinces/example.lua" > s/provinces/example.lua
$DVK check --province example --year 2023 --level huyen || echo "exit $?"
cp "$SRC/tests/data/example/provinces/example.lua" s/provinces/example.lua
echo "== council scores: some candidates without, then a minimum of members"
cat > a.csv <<'CSV'
model,criterion,appraiser,score
EX-1,kho-khan,A,12
EX-1,kho-khan,B,13
EX-2,kho-khan,A,10
CSV
$DVK --quiet import appraisals a.csv
$DVK check --province example --year 2023 --level huyen || echo "exit $?"
$DVK decide --province example --year 2023 --level huyen --dry-run || echo "exit $?"
$DVK decide --province example --year 2023 --level huyen --dry-run --allow-missing-scores | head -2
sed -e 's/{ id = "kho-khan", name = "Giải quyết việc khó", max = 15,/{ id = "kho-khan", name = "Giải quyết việc khó", max = 15, council = true,/' \
    -e 's/^  quotas = {/  council = { min_members = 2 },\n  quotas = {/' \
    "$SRC/tests/data/example/provinces/example.lua" > s/provinces/example.lua
$DVK check --province example --year 2023 --level huyen || echo "exit $?"
$DVK decide --province example --year 2023 --level huyen --dry-run || echo "exit $?"
echo "== usage"
$DVK check --province example || echo "exit $?"
$DVK check --province nowhere --year 2023 || echo "exit $?"
$DVK check --province example --year 2023 --level xa || echo "exit $?"
