# sheets_print: the council members' score sheets as printable forms (dvk sheets --format
# docx|html|pdf) beside the XLSX: one file per member named by member code, from the same
# round (the same candidates, the member's recused ones left out), with the letterhead of the
# deciding body in the province's family (State, then Party for a district's round), the
# member, the instructions, each council criterion with its maximum, an empty score column,
# "Ghi chú", the date line and the signature line.
set -e
mkdir -p s/provinces
sed -e 's/{ id = "kho-khan", name = "Giải quyết việc khó", max = 15,/{ id = "kho-khan", name = "Giải quyết việc khó", max = 15, council = true,/' \
    -e 's/{ id = "sang-tao", name = "Sáng tạo", max = 15,/{ id = "sang-tao", name = "Sáng tạo", max = 15, council = true,/' \
    -e 's/^  name = "Tỉnh Mẫu",/  name = "Mẫu",/' \
    "$SRC/tests/data/example/provinces/example.lua" > s/provinces/example.lua
DVK_SCRIPTS="$PWD/s"; export DVK_SCRIPTS
$DVK --quiet init
cat > units.csv <<'CSV'
code,name,kind,parent
example,Tỉnh Mẫu,province,
example/dong,Huyện Đông,district,example
example/tay,Huyện Tây,district,example
CSV
cat > models.csv <<'CSV'
code,name,unit,kind,category,field,level,year,registration,started_on,address,beneficiaries
EX-D1,Tổ hòa giải thôn Đông,example/dong,tap-the,mo-hinh,he-thong-chinh-tri,huyen,2023,moi,2018-01-10,Thôn Đông,1000
EX-D2,Đường hoa thôn Nam,example/dong,tap-the,mo-hinh,kinh-te,huyen,2023,moi,2018-05-01,Thôn Nam,900
EX-T1,Camera an ninh thôn Tây,example/tay,tap-the,mo-hinh,quoc-phong-an-ninh,huyen,2023,moi,2020-01-01,Thôn Tây,1000
CSV
cat > members.csv <<'CSV'
Mã thành viên,Họ tên,Đơn vị công tác,Chức vụ,Cấp
TV1,Nguyễn Văn An,example/dong,Ủy viên,huyen
TV2,Trần Thị Bình,example/tay,Ủy viên,huyen
CSV
$DVK --quiet import units units.csv
$DVK --quiet import models models.csv
$DVK --quiet import appraisers members.csv
NBSP=$(printf '\302\240')   # the blank cells to write in are no-break spaces
# the text of a DOCX: a line per paragraph, table cells joined by " | "
docx_text() {
  unzip -p "$1" word/document.xml |
    sed -e 's#</w:p></w:tc>#</w:tc>#g' -e 's#</w:tc>#  | #g' -e 's#</w:tr>#\n#g' -e 's#</w:p>#\n#g' \
        -e 's#<w:br/>#/#g' -e 's/<[^>]*>//g' |
    sed -e 's/&quot;/"/g' -e 's/&amp;/\&/g' -e "s/$NBSP/ /g" -e 's/[ |]*$//' -e 's/   */  /g' -e '/^[| ]*$/d'
}
echo "== a format sheets do not have"
$DVK sheets --province example --year 2023 --level huyen --format csv || echo "exit $?"
echo "== XLSX (the default) and DOCX from the same round"
mkdir xlsx docx html pdf
$DVK sheets --province example --year 2023 --level huyen -o xlsx
$DVK sheets --province example --year 2023 --level huyen --format docx -o docx
ls xlsx docx
for m in TV1 TV2; do
  x=$(unzip -p "xlsx/$m.xlsx" xl/sharedStrings.xml | grep -o '<t>EX-[A-Z0-9]*</t>' | sed 's/<[^>]*>//g' | sort -u | tr '\n' ' ')
  d=$(docx_text "docx/$m.docx" | grep -o '(mã EX-[A-Z0-9]*)' | sed 's/(mã \(.*\))/\1/' | sort -u | tr '\n' ' ')
  echo "$m: xlsx $x| docx $d"
done
echo "== TV1's sheet (DOCX text)"
docx_text docx/TV1.docx
echo "== HTML: the same form"
$DVK sheets --province example --year 2023 --level huyen --format html -o html
sed -n '/<body>/,/<\/body>/p' html/TV2.html | sed -e 's/<\/t[dh]>/ | /g' -e 's/<br>/ /g' -e 's/<[^>]*>//g' \
  -e 's/&quot;/"/g' -e "s/$NBSP/ /g" -e 's/[ |]*$//' -e 's/   */  /g' -e '/^ *$/d'
echo "== a district's round: the Party family of its board, placed at the district"
sed -i 's/decision = { family = "state",/decision = { family = "party",/' s/provinces/example.lua
mkdir party
$DVK sheets --province example --year 2023 --level huyen --unit example/tay --format docx -o party
docx_text party/TV1.docx | sed -n '1,12p'
ls party
echo "-- TV2 sits in Huyện Tây: nothing to score, said instead of an empty table"
docx_text party/TV2.docx | grep -E 'Số mô hình|Không có|STT|NGƯỜI CHẤM'
echo "== PDF: without a converter, nothing written"
mkdir nopdf
PATH=/nonexistent $DVK sheets --province example --year 2023 --level huyen --format pdf -o nopdf || echo "exit $?"
ls nopdf
echo "== PDF"
if command -v soffice >/dev/null && command -v pdftotext >/dev/null; then
  HOME="$PWD/home"; export HOME; mkdir -p home
  DVK_PDF_CONVERTER=libreoffice $DVK sheets --province example --year 2023 --level huyen --format pdf -o pdf 2>&1 |
    sed 's#(/[^)]*)#(PATH)#'
  ls pdf
  pdfinfo pdf/TV1.pdf | grep -E '^(Pages|Page size)'
  pdftotext -layout pdf/TV1.pdf - | grep -E 'PHIẾU|Người chấm|Camera|Giải quyết|Sáng tạo|Cộng|NGƯỜI CHẤM|ghi rõ|Nguyễn Văn An$' |
    sed -e 's/^ *//' -e 's/  */ /g'
else
  echo "LibreOffice and poppler-utils are needed for this part"; exit 1
fi
