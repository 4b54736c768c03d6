# council_round: the council's round at the district level of the example province: members
# as data (dvk import appraisers), recusal, score sheets out (dvk sheets, XLSX) and back in
# (filled through CSV written by LibreOffice, back as .xlsx workbooks), a trimmed mean, a minimum
# number of members, the explanation with each member's scores and who recused, and scores of
# another level kept apart.
set -e
mask() { sed -E 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z/TIME/g; s/[0-9a-f]{64}/SHA/g'; }
# the example province with its council: criteria kho-khan and sang-tao scored by the council,
# a trimmed mean, at least 3 members, a model below that is not eligible
mkdir -p s/provinces
sed -e 's/{ id = "kho-khan", name = "Giải quyết việc khó", max = 15,/{ id = "kho-khan", name = "Giải quyết việc khó", max = 15, council = true,/' \
    -e 's/{ id = "sang-tao", name = "Sáng tạo", max = 15,/{ id = "sang-tao", name = "Sáng tạo", max = 15, council = true,/' \
    -e 's/^  quotas = {/  council = { combine = "trimmed", min_members = 3, below = "ineligible" },\n\n  quotas = {/' \
    "$SRC/tests/data/example/provinces/example.lua" > s/provinces/example.lua
DVK_SCRIPTS="$PWD/s"; export DVK_SCRIPTS
$DVK --quiet init
cat > units.csv <<'CSV'
code,name,kind,parent
example,Tỉnh Mẫu,province,
example/dong,Huyện Đông,district,example
example/tay,Huyện Tây,district,example
example/bdv,Ban Dân vận Tỉnh ủy,agency,example
CSV
cat > models.csv <<'CSV'
code,name,unit,kind,category,field,level,year,registration,started_on,address,beneficiaries
EX-D1,Tổ hòa giải thôn Đông,example/dong,tap-the,mo-hinh,he-thong-chinh-tri,huyen,2023,moi,2018-01-10,Thôn Đông,1000
EX-D2,Đường hoa thôn Nam,example/dong,tap-the,mo-hinh,kinh-te,huyen,2023,moi,2018-05-01,Thôn Nam,900
EX-T1,Camera an ninh thôn Tây,example/tay,tap-the,mo-hinh,quoc-phong-an-ninh,huyen,2023,moi,2020-01-01,Thôn Tây,1000
CSV
$DVK --quiet import units units.csv
$DVK --quiet import models models.csv
echo "== no sheets without members, council criteria or candidates"
mkdir sheets
$DVK sheets --province example --year 2023 --level huyen -o sheets || echo "exit $?"
$DVK --scripts "$SRC/tests/data/example" sheets --province example --year 2023 --level huyen -o sheets || echo "exit $?"
$DVK sheets --province example --year 2023 --level xa -o sheets || echo "exit $?"
$DVK sheets --province example --year 2023 --level huyen -o nowhere || echo "exit $?"
echo "== the council's members"
cat > bad-members.csv <<'CSV'
Mã thành viên,Họ tên,Đơn vị công tác,Chức vụ,Cấp
TV1,Nguyễn Văn An,example/nam,Trưởng ban,
TV2,,example/tay,Ủy viên,huyen
TV3,Lê Văn Cường,example/bdv,,"huyen, xa"
CSV
$DVK import appraisers bad-members.csv || echo "exit $?"
cat > members.csv <<'CSV'
Mã thành viên,Họ tên,Đơn vị công tác,Chức vụ,Cấp
TV1,Nguyễn Văn An,example/dong,Ủy viên,Cấp huyện
TV2,Trần Thị Bình,example/tay,Ủy viên,huyen
TV3,Lê Văn Cường,example/bdv,Chủ tịch hội đồng,
TV4,Phạm Thị Dung,example/bdv,Thư ký,"huyen, tinh"
TV5,Hoàng Văn Em,example/bdv,Ủy viên,tinh
CSV
$DVK import appraisers members.csv
$DVK import appraisers members.csv
sqlite3 dvk.db "SELECT code, coalesce(levels, '(every level)') FROM appraisers ORDER BY code"
echo "== score sheets out: the members who sit at the district level (not TV5)"
$DVK sheets --province example --year 2023 --level tinh -o sheets || echo "exit $?"
$DVK sheets --province example --year 2023 --level huyen -o sheets
ls sheets
echo "== a sheet: scores validated 0..max, the instructions and the signature line"
unzip -p sheets/TV1.xlsx xl/worksheets/sheet1.xml |
  grep -o '<dataValidation type="decimal"[^>]*sqref="H[0-9]*"><formula1>[^<]*</formula1><formula2>[^<]*</formula2>' |
  sed -E 's/ (allowBlank|showInputMessage|showErrorMessage|errorTitle|error)="[^"]*"//g'
unzip -p sheets/TV1.xlsx xl/sharedStrings.xml | grep -o '<t[^>]*>[^<]*</t>' | sed 's/<[^>]*>//g' |
  grep -E "Thành viên|Số mô hình|NGƯỜI CHẤM|tối đa [0-9]"
echo "== and back: LibreOffice writes each sheet's first page as CSV"
SOFFICE=$(command -v soffice || command -v libreoffice || true)
[ -n "$SOFFICE" ] || { echo "LibreOffice is needed (Debian: libreoffice-calc-nogui)"; exit 1; }
HOME="$PWD/home"; export HOME; mkdir -p home
"$SOFFICE" -env:UserInstallation="file://$PWD/lo" --headless \
  --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1' --outdir csv sheets/*.xlsx >/dev/null 2>&1
ls csv
cat csv/TV1.csv
# each member fills in the score column (H): TV1 15 and 14, TV2 9 and 8, TV3 12 and 12,
# TV4 10 and 13, except that TV4 sends nothing for EX-D2 (deletes its rows)
fill() { # member, kho-khan, sang-tao
  awk -F, -v OFS=, -v k="$2" -v t="$3" \
    '{ gsub(/"/, "") } NR == 1 { print; next } $1 == "EX-D2" && FILENAME ~ /TV4/ { next }
     { $8 = ($4 == "kho-khan") ? k : t; print }' "csv/$1.csv" > "filled-$1.csv"
}
fill TV1 15 14; fill TV2 9 8; fill TV3 12 12; fill TV4 10 13
# the filled sheets come back as workbooks (saved by LibreOffice) and import as they are
"$SOFFICE" -env:UserInstallation="file://$PWD/lo" --headless \
  --infilter=CSV:44,34,76,1 --convert-to xlsx --outdir back filled-TV1.csv filled-TV2.csv filled-TV3.csv filled-TV4.csv >/dev/null 2>&1
for m in TV1 TV2 TV3 TV4; do $DVK import appraisals "back/filled-$m.xlsx"; done
sqlite3 dvk.db "SELECT appraiser, count(*), min(origin), max(origin), min(level) FROM appraisals GROUP BY appraiser"
echo "== recusal: a member does not score their own unit's models"
cat > own.csv <<'CSV'
model,criterion,appraiser,score
EX-T1,kho-khan,TV2,15
EX-D1,kho-khan,Nguyễn Văn An,15
CSV
$DVK import appraisals own.csv || echo "exit $?"
echo "== the province council's round is another level"
cat > tinh.csv <<'CSV'
model,level,criterion,appraiser,score,note
EX-D1,Cấp tỉnh,kho-khan,TV3,1,vòng tỉnh
EX-D1,xa,kho-khan,TV3,1,
CSV
$DVK import appraisals tinh.csv || echo "exit $?"
sed -i '$d' tinh.csv
$DVK import appraisals tinh.csv
echo "== check, then decide"
$DVK check --province example --year 2023 --level huyen
$DVK decide --province example --year 2023 --level huyen | mask
echo "== explanations"
$DVK runs show 1 EX-D1 | mask
$DVK runs show 1 EX-D2 | mask
$DVK council --run 1
echo "== a final run keeps its council: later scores and member changes do not alter it"
$DVK runs finalize 1 --number 7-QĐ/BDV --date 2023-12-20 > /dev/null
$DVK runs show 1 EX-D1 > final-before.txt
$DVK council --run 1 > council-before.txt
cat > late.csv <<'CSV'
model,criterion,appraiser,score
EX-D1,kho-khan,TV3,1
CSV
$DVK import appraisals late.csv --replace
sed 's/^TV1,\(.*\),example\/dong,/TV1,\1,example\/tay,/' members.csv > members2.csv
$DVK import appraisers members2.csv --replace > /dev/null
sqlite3 dvk.db "SELECT 'live: TV1 now at ' || unit FROM appraisers WHERE code = 'TV1';
  SELECT 'live: TV3 scores EX-D1 kho-khan ' || score FROM appraisals a JOIN models m ON m.id = a.model
  WHERE m.code = 'EX-D1' AND a.criterion = 'kho-khan' AND a.appraiser = 'TV3' AND a.level = 'huyen'"
$DVK runs show 1 EX-D1 | cmp - final-before.txt && echo "runs show 1 EX-D1: unchanged"
$DVK council --run 1 | cmp - council-before.txt && echo "council --run 1: unchanged"
$DVK verify | sed 's/head [0-9a-f]*/head HASH/'
