# units_merged: one rule for "the models under a unit" (issue 10). Commune a was merged into
# commune b (successor link); b registered 2 models and a 1. Every way of asking agrees
# that 3 models are under b: the query API, the candidates of a decision scoped to b, and
# ctx:count_models, and dvk stats with and without --successors (which only decides whether a's row is folded into
# b's). Before the unit tree had one home these said 3, 2, 2 and 3.
set -e
mkdir -p s/provinces
cat > s/provinces/gop.lua <<'LUA'
return dvk.province {
  code = "gop", name = "Tỉnh Gộp", basis = "thử nghiệm",
  levels = { "co-so", "tinh" },
  fields = { { id = "kinh-te", name = "Kinh tế" } },
  gates = {},
  criteria = { { id = "diem", name = "Điểm", max = 100,
                 score = function(m, ctx) return 80, "dưới xã B: " .. ctx:count_models("gop/h/b") end } },
  outcomes = { { id = "cong-nhan", name = "Công nhận", min = 50 },
               { id = "khong", name = "Không công nhận" } },
}
LUA
cat > units.csv <<'CSV'
code,name,kind,parent,valid_to,successor
gop,Tỉnh Gộp,province,,,
gop/h,Huyện H,district,gop,,
gop/h/b,Xã B,commune,gop/h,,
gop/h/a,Xã A,commune,gop/h,2025-06-30,gop/h/b
gop/h/c,Xã C,commune,gop/h,,
CSV
cat > models.csv <<'CSV'
code,name,unit,kind,category,field,level,year,registration,started_on
G-1,Mô hình B một,gop/h/b,tap-the,mo-hinh,kinh-te,co-so,2025,moi,2020-01-01
G-2,Mô hình B hai,gop/h/b,tap-the,mo-hinh,kinh-te,co-so,2025,moi,2020-01-01
G-3,Mô hình A,gop/h/a,tap-the,mo-hinh,kinh-te,co-so,2025,moi,2020-01-01
G-4,Mô hình C,gop/h/c,tap-the,mo-hinh,kinh-te,co-so,2025,moi,2020-01-01
CSV
D="$DVK --quiet --scripts s"
$D init > /dev/null
$D import units units.csv > /dev/null
$D import models models.csv > /dev/null
echo "query API:"
$D -e 'print(dvk.models{unit = "gop/h/b"}:count())'
echo "ctx:count_models in a province script:"
$D -e 'print(dvk.score("G-4", "gop").scores[1].note)'
echo "decide --unit (candidates):"
$D decide --province gop --year 2025 --level co-so --unit gop/h/b --dry-run | grep -oE 'candidates: [0-9]+'
echo "stats --unit:"
$D stats --province gop --year 2025 --unit gop/h/b --by unit --format csv
echo "stats --unit --successors:"
$D stats --province gop --year 2025 --unit gop/h/b --by unit --successors --format csv
echo "stats of the district, by unit, with and without --successors:"
$D stats --province gop --year 2025 --unit gop/h --by unit --format csv
$D stats --province gop --year 2025 --unit gop/h --by unit --successors --format csv
