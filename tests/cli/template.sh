# template: `dvk template` writes the workbook an office sends out (issue 14, item 3); a
# script fills it (build/tests/xlsx_tool adds rows to its first sheet and keeps the rest
# byte for byte, as a spreadsheet program or an office's script would) and it imports with
# no edits: the Vietnamese headers are read as they are, the notes row is skipped, dropdown
# labels ("Tập thể", "Mới", the field's name) are accepted, the dossier items land in the
# description. Then the lists and validations the template carries, and its refusals.
TOOL="$(dirname "$DVK")/tests/xlsx_tool"
mkdir -p s/provinces
cat > s/provinces/so.lua <<'LUA'
return dvk.province {
  code = "so", name = "Tỉnh Số", basis = "thử nghiệm", levels = { "co-so", "tinh" },
  fields = { { id = "kinh-te", name = "Kinh tế" }, { id = "van-hoa", name = "Văn hóa – xã hội" } },
  gates = {},
  criteria = { { id = "hieu-qua", name = "Hiệu quả", max = 40, score = function(m, ctx) return 30 end },
               { id = "lan-toa", name = "Lan tỏa", max = 20, score = function(m, ctx) return 10 end } },
  outcomes = { { id = "cong-nhan", name = "Công nhận", min = 30 }, { id = "khong", name = "Không" } },
}
LUA
DVK="$DVK --scripts s"
$DVK --quiet init > /dev/null
printf 'code,name,kind,parent\nso,Tỉnh Số,province,\n' > units0.csv
$DVK --quiet import units units0.csv
echo "--- units: template, filled, imported"
$DVK template units --province so -o don-vi.xlsx
printf 'so/a\tXã A\tXã\tso\n' > u.tsv
printf 'so/b\tPhường B\tPhường\tso\t2020-01-01\t2025-06-30\tso/a\n' >> u.tsv
"$TOOL" fill don-vi.xlsx don-vi-filled.xlsx u.tsv
$DVK import units don-vi-filled.xlsx
$DVK --quiet -e 'for _, u in ipairs(dvk.units{province = "so"}) do print(u.code, u.name, u.kind, u.parent, u.valid_from, u.valid_to, u.successor) end'
echo "--- models: template, filled, imported"
$DVK template models --province so --year 2025 -o dang-ky.xlsx
unzip -p dang-ky.xlsx xl/workbook.xml | grep -o '<sheet [^>]*>' | sed 's/ r:id="[^"]*"//; s/ sheetId="[^"]*"//'
{
  printf 'SO-1\tMô hình một\tso/a\tTập thể\tMô hình\tKinh tế\tco-so\t2025\tMới\t2025-02-01\tThôn 1\tGiúp nhau làm kinh tế'
  printf '\tNhiều hộ thiếu vốn\tGiảm 10 hộ nghèo\tTổ góp vốn xoay vòng\t\t\t\t\t\t\t120\t300\t1020000000\t45\n'
  printf 'SO-2\tGia đình ông B\tso/b\tHộ gia đình\tĐiển hình\tVăn hóa – xã hội\tco-so\t2025\tTiếp tục\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t2.5\t\n'
} > m.tsv
"$TOOL" fill dang-ky.xlsx dang-ky-filled.xlsx m.tsv
$DVK import models dang-ky-filled.xlsx
$DVK --quiet -e 'for m in dvk.models{province = "so"} do print(m.code, m.name, m.unit.code, m.kind, m.category, m.field, m.level, m.year, m.registration, m.started_on, m.metrics.participants, m.metrics.funds_vnd, m.metrics.workdays) end'
$DVK --quiet -e 'for m in dvk.models{province = "so", code = "SO-1"} do print(m.description) end'
echo "--- the same file again changes nothing"
$DVK import models dang-ky-filled.xlsx
echo "--- appraisals: template of the year's models, filled, imported"
$DVK template appraisals --province so --year 2025 --level co-so -o cham-diem.xlsx
unzip -p cham-diem.xlsx xl/worksheets/sheet1.xml | grep -o '<formula1>[^<]*</formula1>'
printf 'SO-1\thieu-qua\tÔng Một\t35\tTốt\nSO-1\tlan-toa\tÔng Một\t15\t\nSO-2\thieu-qua\tBà Hai\t28.5\t\n' > a.tsv
"$TOOL" fill cham-diem.xlsx cham-diem-filled.xlsx a.tsv
$DVK import appraisals cham-diem-filled.xlsx
$DVK --quiet -e 'for m in dvk.models{province = "so"} do for _, a in ipairs(m.appraisals) do print(m.code, a.criterion, a.appraiser, a.score, a.note) end end'
echo "--- a score above the criterion's maximum: the cell is named"
printf 'SO-2\tlan-toa\tBà Hai\t25\t\n' > bad.tsv
"$TOOL" fill cham-diem.xlsx cham-diem-bad.xlsx bad.tsv
$DVK import appraisals cham-diem-bad.xlsx
echo "--- the notes row and the dropdown lists"
unzip -p dang-ky.xlsx xl/worksheets/sheet1.xml | grep -o '<formula1>[^<]*</formula1>' | sort | uniq -c
unzip -p dang-ky.xlsx xl/sharedStrings.xml | grep -o '<t>(ghi chú)[^<]*</t>'
echo "--- refusals"
$DVK template models --province nowhere -o x.xlsx
$DVK template models --province so --level huyen -o x.xlsx
$DVK template people --province so
$DVK template models -o x.xlsx
ls x.xlsx 2>/dev/null || echo "no file written"
echo "--- dvk export models --format xlsx imports back to the same models"
$DVK --quiet export models --province so --format xlsx -o export.xlsx
$DVK --db copy.db --quiet init > /dev/null
$DVK --db copy.db --quiet import units units0.csv
$DVK --db copy.db --quiet import units don-vi-filled.xlsx
$DVK --db copy.db import models export.xlsx
q="SELECT code,name,unit,kind,category,field,level,year,registration,started_on,address,description,metrics,synthetic FROM models ORDER BY code"
sqlite3 dvk.db "$q" > a.txt; sqlite3 copy.db "$q" > b.txt
cmp a.txt b.txt && echo "same $(wc -l < a.txt) lines"
