# import_xlsx: Excel in (issue 14, item 1). Every bundled CSV (datasets/units, models,
# appraisals) converted to .xlsx by LibreOffice imports to exactly the same rows as the CSV
# (sqlite3 dumps compared). Then the files an office really sends that dvk cannot read, each
# with the message saying how to save it: a legacy .xls, an .ods, a Windows-1258 CSV, a
# UTF-16 CSV, a semicolon CSV, an HTML table named .xls; a bad cell named by sheet and cell;
# --sheet; a filled template saved again by LibreOffice still imports.
# Needs LibreOffice (Debian: libreoffice-calc-nogui); without it the test prints SKIP and
# ctest reports it skipped (tests/CMakeLists.txt).
SOFFICE=$(command -v soffice || command -v libreoffice)
if [ -z "$SOFFICE" ]; then echo "SKIP: LibreOffice is not installed"; exit 0; fi
lo() { timeout 600 "$SOFFICE" -env:UserInstallation=file://$PWD/lo --headless --norestore \
         --infilter="CSV:44,34,76,1" "$@" > lo.log 2>&1 || cat lo.log; }
D=$SRC/datasets
mkdir -p csv xlsx
for f in $D/units/*.csv; do cp "$f" "csv/units-$(basename "$f")"; done
for f in $D/models/*.csv; do cp "$f" "csv/models-$(basename "$f")"; done
for f in $D/appraisals/*.csv; do cp "$f" "csv/appraisals-$(basename "$f")"; done
lo --convert-to xlsx --outdir xlsx csv/*.csv
ls xlsx | wc -l
$DVK --db c.db --quiet init > /dev/null
$DVK --db x.db --quiet init > /dev/null
for t in units models appraisals; do
  for f in csv/$t-*.csv; do
    b=$(basename "$f" .csv)
    $DVK --db c.db --quiet import $t "$f" || echo "FAIL: $f"
    $DVK --db x.db --quiet import $t "xlsx/$b.xlsx" || echo "FAIL: xlsx/$b.xlsx"
  done
done
dump() {
  sqlite3 "$1" "SELECT code,name,name_key,kind,parent,province,valid_from,valid_to,successor FROM units ORDER BY code" > "$1.units"
  sqlite3 "$1" "SELECT code,name,name_key,unit,province,kind,category,field,level,year,registration,started_on,address,description,metrics,synthetic FROM models ORDER BY code" > "$1.models"
  sqlite3 "$1" "SELECT m.code,a.criterion,a.appraiser,a.score,a.note FROM appraisals a JOIN models m ON m.id = a.model ORDER BY 1,2,3" > "$1.appraisals"
}
dump c.db; dump x.db
for t in units models appraisals; do
  if cmp -s c.db.$t x.db.$t; then echo "$t: the same $(wc -l < c.db.$t) rows from CSV and XLSX"; else echo "$t: DIFFERENT"; diff c.db.$t x.db.$t | head -5; fi
done
echo "--- importing the workbooks again changes nothing"
$DVK --db x.db import models xlsx/models-lang-son-2017-2020.xlsx
echo "--- a legacy .xls and an .ods"
cp csv/units-00-tinh.csv tinh.csv
lo --convert-to xls tinh.csv
lo --convert-to ods tinh.csv
$DVK --db x.db import units tinh.xls
$DVK --db x.db import units tinh.ods
echo "--- a CSV in Windows-1258, in UTF-16, with semicolons; an HTML table named .xls"
iconv -f UTF-8 -t CP1258 tinh.csv > tinh-1258.csv
$DVK --db x.db import units tinh-1258.csv
iconv -f UTF-8 -t UTF-16 tinh.csv > tinh-utf16.csv
$DVK --db x.db import units tinh-utf16.csv
tr ',' ';' < tinh.csv > tinh-semicolon.csv
$DVK --db x.db import units tinh-semicolon.csv
printf '<table><tr><td>code</td></tr></table>\n' > bao-cao.xls
$DVK --db x.db import units bao-cao.xls
echo "--- a bad cell: named by sheet and cell, nothing imported"
printf 'code,name,unit,kind,category,field,level,year,registration\nX-1,Mô hình X,lang-son/tp-lang-son/quang-lac,tap-the,mo-hinh,kinh-te,co-so,năm nay,moi\nX-2,Mô hình Y,lang-son/khong-co,tap-the,mo-hinh,kinh-te,co-so,2020,moi\n' > bad.csv
lo --convert-to xlsx bad.csv
$DVK --db x.db import models bad.xlsx
$DVK --db x.db import models bad.xlsx --skip-bad rejects.csv
cat rejects.csv
echo "--- --sheet"
$DVK --db x.db import models bad.xlsx --sheet 'Trang 2'
$DVK --db x.db import models bad.xlsx --sheet BAD --dry-run 2>&1 | tail -1
$DVK --db x.db import models csv/models-lang-son-2017-2020.csv --sheet X
echo "--- a filled template saved again by LibreOffice imports the same"
$DVK --db x.db --quiet template appraisals --province lang-son --year 2020 -o mau.xlsx
printf 'LS-2020-0001\ttt-sang-tao\tThành viên mới\t7\t\n' > a.tsv
"$(dirname "$DVK")/tests/xlsx_tool" fill mau.xlsx filled.xlsx a.tsv
mkdir -p resaved
lo --convert-to xlsx --outdir resaved filled.xlsx
$DVK --db x.db import appraisals resaved/filled.xlsx --dry-run
