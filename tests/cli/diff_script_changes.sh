# diff_script_changes: `dvk diff` names what changed in the script beside the models that
# moved (issue "What was signed stays true"). Each run records its rules (thresholds, quotas
# of its level, gates, criteria) in its summary; a tiny province is decided, its threshold
# and quota changed with sed and a gate added, decided again, and the two runs compared: the
# rules that changed come first, then every model whose outcome, rank, total or reason moved:
# T-85 is demoted by the quota in both runs, with the same rank: only its reason (the quota's
# size) changed. A run without recorded rules (made by an older dvk) says so.
set -e
mkdir -p s/provinces
cat > s/provinces/thu.lua <<'LUA'
return dvk.province {
  code = "thu", name = "Tỉnh Thử", basis = "thử nghiệm",
  levels = { "co-so", "tinh" },
  fields = { { id = "kinh-te", name = "Kinh tế" } },
  gates = {},
  criteria = { { id = "diem", name = "Điểm", max = 100,
                 score = function(m) return tonumber(m.code:sub(3)) end } },   -- T-85: 85 points
  outcomes = { { id = "tieu-bieu", name = "Tiêu biểu", min = 80, propose = true },
               { id = "cong-nhan", name = "Công nhận", min = 60 },
               { id = "khong", name = "Không công nhận" } },
  quotas = { { level = "co-so", outcome = "tieu-bieu", max = 2 } },
}
LUA
cat > units.csv <<'CSV'
code,name,kind,parent
thu,Tỉnh Thử,province,
thu/h,Huyện H,district,thu
CSV
cat > models.csv <<'CSV'
code,name,unit,kind,category,field,level,year,registration,started_on
T-50,Mô hình một,thu/h,tap-the,mo-hinh,kinh-te,co-so,2025,moi,2020-01-01
T-65,Mô hình hai,thu/h,tap-the,mo-hinh,kinh-te,co-so,2025,moi,2020-01-01
T-75,Mô hình ba,thu/h,tap-the,mo-hinh,kinh-te,co-so,2025,moi,2020-01-01
T-82,Mô hình bốn,thu/h,tap-the,mo-hinh,kinh-te,co-so,2025,moi,2025-03-01
T-85,Mô hình năm,thu/h,tap-the,mo-hinh,kinh-te,co-so,2025,moi,2020-01-01
T-90,Mô hình sáu,thu/h,tap-the,mo-hinh,kinh-te,co-so,2025,moi,2020-01-01
T-95,Mô hình bảy,thu/h,tap-the,mo-hinh,kinh-te,co-so,2025,moi,2020-01-01
CSV
D="$DVK --quiet --scripts s"
$D init > /dev/null
$D import units units.csv > /dev/null
$D import models models.csv > /dev/null
$D decide --province thu --year 2025 --level co-so > /dev/null
echo "== the same script again: no rule changed"
$D decide --province thu --year 2025 --level co-so > /dev/null
$D diff 1 2
echo "== cong-nhan from 60 to 70, the quota from 2 to 1, a gate added"
sed -i -e 's/min = 60/min = 70/' -e 's/max = 2 }/max = 1 }/' \
  -e 's/gates = {},/gates = { { id = "thoi-gian", name = "Thực hiện từ 12 tháng", test = function(m) return m.started_on < "2025-01-01", "bắt đầu " .. m.started_on end } },/' \
  s/provinces/thu.lua
$D decide --province thu --year 2025 --level co-so > /dev/null
$D diff 2 3
echo "== a run made before rules were recorded"
sqlite3 dvk.db "UPDATE runs SET summary = json_remove(summary, '\$.rules') WHERE id = 2"
$D diff 2 3 | head -3
