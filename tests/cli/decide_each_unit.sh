# decide_each_unit: `dvk decide --each-unit` decides every deciding unit of a level in one
# command: one run each, a summary table, and nothing written when any unit's script fails.
# Province "hai" under the two-level government of 2025: communes and an agency directly
# under the province decide at co-so; commune "cu" ended on 30/06/2025 (merged into "bac")
# and so does not decide in 2025; the agency "so" has no model and gets no run. The failing
# unit "xa-loi" comes last, after three runs were made (and then rolled back).
mkdir -p s/provinces
cat > s/provinces/hai.lua <<'LUA'
return dvk.province {
  code = "hai", name = "Tỉnh Hai", basis = "thử nghiệm",
  levels = { "co-so", "tinh" },
  fields = { { id = "kinh-te", name = "Kinh tế" } },
  criteria = { { id = "diem", name = "Điểm", max = 100,
                 score = function(m, ctx)
                   if m.unit.code == "hai/xa-loi" then error("mô hình của xã Lỗi: chưa có số liệu") end
                   return m.metrics.beneficiaries or 0, "số người hưởng lợi"
                 end } },
  outcomes = { { id = "tieu-bieu", name = "Tiêu biểu", min = 90, exemplary = true, propose = true },
               { id = "cong-nhan", name = "Công nhận", min = 50 },
               { id = "khong", name = "Không công nhận" } },
}
LUA
cat > units.csv <<'CSV'
code,name,kind,parent,valid_from,valid_to,successor
hai,Tỉnh Hai,province,,,,
hai/bac,Phường Bắc,commune,hai,2025-07-01,,
hai/nam,Xã Nam,commune,hai,2025-07-01,,
hai/cu,Xã Cũ,commune,hai,,2025-06-30,hai/bac
hai/so,Sở Nội vụ,agency,hai,,,
hai/mttq,Ủy ban Mặt trận Tổ quốc tỉnh,mass-organisation,hai,,,
CSV
cat > models.csv <<'CSV'
code,name,unit,kind,category,field,level,year,registration,started_on,beneficiaries
H-1,Mô hình Bắc một,hai/bac,tap-the,mo-hinh,kinh-te,co-so,2025,moi,2020-01-01,95
H-2,Mô hình Bắc hai,hai/bac,tap-the,mo-hinh,kinh-te,co-so,2025,moi,2020-01-01,60
H-3,Mô hình Nam,hai/nam,tap-the,mo-hinh,kinh-te,co-so,2025,moi,2020-01-01,40
H-4,Mô hình Mặt trận,hai/mttq,tap-the,mo-hinh,kinh-te,co-so,2025,moi,2020-01-01,70
CSV
D="$DVK --quiet --scripts s"
$D init > /dev/null
$D import units units.csv > /dev/null
$D import models models.csv > /dev/null
echo "--- dry run: every unit evaluated, nothing written"
$D decide --province hai --year 2025 --level co-so --each-unit --dry-run; echo "exit $?"
$D runs | grep -c '^ *[0-9]'
echo "--- every deciding unit of co-so, one run each"
$D decide --province hai --year 2025 --level co-so --each-unit 2>&1; echo "exit $?"
$D runs --province hai --year 2025
echo "--- the province level then sees the proposals of every unit"
$D decide --province hai --year 2025 --level tinh | head -n 2
echo "--- the top level is the province's own"
$D decide --province hai --year 2025 --level tinh --each-unit 2>&1; echo "exit $?"
echo "--- with --unit or --compare: refused"
$D decide --province hai --year 2025 --level co-so --each-unit --unit hai/bac 2>&1 | head -n 1
echo "--- a unit whose script fails: nothing written for any unit"
cat >> units.csv <<'CSV'
hai/xa-loi,Xã Lỗi,commune,hai,2025-07-01,,
CSV
printf 'code,name,unit,kind,category,field,level,year,registration,started_on,beneficiaries\nH-5,Mô hình Lỗi,hai/xa-loi,tap-the,mo-hinh,kinh-te,co-so,2025,moi,2020-01-01,80\n' > more.csv
$D import units units.csv > /dev/null
$D import models more.csv > /dev/null
before=$($D verify | grep -oE '[0-9]+ audit records')
$D runs | grep -c '^ *[0-9]' 
$D decide --province hai --year 2025 --level co-so --each-unit 2>&1; echo "exit $?"
$D runs | grep -c '^ *[0-9]' 
after=$($D verify | grep -oE '[0-9]+ audit records')
[ "$before" = "$after" ] && echo "audit log unchanged ($after)"
