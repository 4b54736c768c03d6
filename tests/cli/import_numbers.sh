# import_numbers: one rule for numbers in CSV (issue 14, item 2). Plain ("1020000000", "2.5")
# and Vietnamese ("1.020.000.000", "2,5", "1.020,5") forms are read as meant; a value that
# reads two ways ("1.149", "1,149") is refused with what to write instead, unless the office
# says how its files write numbers (--number-format vi or plain). Before, "1.149" was read as
# 1.149 and "1.020.000.000" and "2,5" were refused.
mkdir -p s/provinces
cat > s/provinces/so.lua <<'LUA'
return dvk.province {
  code = "so", name = "Tỉnh Số", basis = "thử nghiệm", levels = { "co-so", "tinh" },
  fields = { { id = "kinh-te", name = "Kinh tế" } }, gates = {},
  criteria = { { id = "diem", name = "Điểm", max = 100, score = function(m, ctx) return 80 end } },
  outcomes = { { id = "cong-nhan", name = "Công nhận", min = 50 }, { id = "khong", name = "Không" } },
}
LUA
DVK="$DVK --scripts s"
printf 'code,name,kind,parent\nso,Tỉnh Số,province,\nso/a,Xã A,commune,so\n' > units.csv
$DVK --quiet init > /dev/null
$DVK --quiet import units units.csv
row() { echo "S-$1,Mô hình $1,so/a,tap-the,mo-hinh,kinh-te,co-so,2025,moi,2020-01-01,$2"; }
head='code,name,unit,kind,category,field,level,year,registration,started_on,funds_vnd'
{ echo "$head"; row 1 1020000000; row 2 2.5; row 3 1.020.000.000; row 4 '"2,5"'; row 5 '"1.020,5"';
  row 6 1e3; row 7 -3.25; row 8 '"-1.234.567,75"'; } > good.csv
$DVK --quiet import models good.csv; echo "exit $?"
$DVK --quiet -e 'for m in dvk.models{province = "so"} do print(m.code, m.metrics.funds_vnd) end'
echo "--- ambiguous, refused"
{ echo "$head"; row 9 1.149; row 10 '"1,149"'; } > ambiguous.csv
$DVK --quiet import models ambiguous.csv; echo "exit $?"
echo "--- --number-format vi: a dot groups thousands"
$DVK --quiet import models ambiguous.csv --number-format vi; echo "exit $?"
$DVK --quiet -e 'for m in dvk.models{province = "so", code = "S-9"} do print(m.code, m.metrics.funds_vnd) end'
$DVK --quiet -e 'for m in dvk.models{province = "so", code = "S-10"} do print(m.code, m.metrics.funds_vnd) end'
echo "--- --number-format plain: a dot marks decimals, a comma is refused"
{ echo "$head"; row 11 1.149; row 12 '"2,5"'; } > plain.csv
$DVK --quiet import models plain.csv --number-format plain; echo "exit $?"
echo "--- not numbers"
{ echo "$head"; row 13 '1.02.000'; row 14 '"1,2,3"'; row 15 'một triệu'; row 16 '1.0000.000'; } > bad.csv
$DVK --quiet import models bad.csv; echo "exit $?"
$DVK --quiet import models bad.csv --number-format typo; echo "exit $?"
