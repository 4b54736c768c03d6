# Layout rules (scripts/lib/the_thuc.lua) for each family and deciding unit, before and after
# 1 July 2025: the State family (the provincial People's Committee chairman; a commune's
# chairman; an agency's director) and the Party family (the provincial committee's board
# under "TỈNH ỦY …"; a commune's Party committee "ĐẢNG ỦY XÃ …" placed at the commune; an
# agency's Party committee), each decided twice and finalized on 10/01/2025 and 10/12/2025.
# The first page of each decision in Markdown, then its text in HTML and in DOCX
# (word/document.xml, tags stripped). Then the province's overrides: decision.kinds and
# decision.units apply to those runs, root keys to province-wide runs, decision.style (the
# family's sizes and "Nơi nhận:" format) to every run, in HTML and DOCX.
fp() { sed 's/[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}/FFFF-FFFF-FFFF-FFFF/g'; }
page1() { sed '/^---$/q'; }
html_text() {   # the body up to the first page break, one block a line, tags stripped
  sed -n '/<main>/,/class="pb"/p' | sed 's/<\/\(p\|div\|h[1-4]\|tr\)>/&\n/g' |
    sed 's/<br>/ \/ /g; s/<[^>]*>//g; s/&quot;/"/g; s/&amp;/\&/g' | sed '/^ *$/d'
}
docx_text() {   # word/document.xml: a paragraph a line, up to the first page break
  unzip -p "$1" word/document.xml | sed 's/<w:pageBreakBefore\/>/\n=== PAGE ===\n/g' |
    sed 's/<\/w:p>/&\n/g' | sed 's/<w:br\/>/ \/ /g; s/<[^>]*>//g; s/&quot;/"/g; s/&amp;/\&/g' |
    sed '/^=== PAGE ===$/q' | sed '/^ *$/d; /^=== PAGE ===$/d'
}
. "$SRC/tests/data/report/setup.sh"
orig="$SRC/tests/data/report/provinces/thu-nghiem.lua"
n=2
for family in state party; do
  if [ "$family" = party ]; then
    sed 's/family = "state"/family = "party"/; /signer = /d; /signer_name = /d' "$orig" \
      > sc/provinces/thu-nghiem.lua
  else
    cp "$orig" sc/provinces/thu-nghiem.lua
  fi
  for unit in "" thu-nghiem/an-phu/an-hoa thu-nghiem/cong-an; do
    for date in 2025-01-10 2025-12-10; do
      "$DVK" decide --province thu-nghiem --year 2024 --level tinh ${unit:+--unit "$unit"} >/dev/null
      n=$((n + 1))
      "$DVK" runs finalize $n --number $n --date $date >/dev/null
      echo "=== $family ${unit:-(province)} $date: md"
      "$DVK" report $n quyet-dinh | fp | page1
      echo "=== html"
      "$DVK" report $n quyet-dinh --format html | fp | html_text
      echo "=== docx"
      "$DVK" report $n quyet-dinh -o qd$n.docx
      docx_text qd$n.docx | fp
    done
  done
done
echo "=== annex of a commune decision: no unit column (every model is the commune's own)"
"$DVK" report 11 quyet-dinh | sed -n '/^| STT/,/^$/p'
echo "=== overrides: decision.kinds.commune, decision.units[cong-an], root recipients"
awk '/^  decision = \{/ { print; print "    recipients = { \"Như Điều 3;\", \"Lưu: VT.\" },";
       print "    style = { co_ten_loai = 15, noi_nhan_kieu = \"bold underline\" },";
       print "    kinds = { commune = { deputy = true, signer_name = \"Lê Văn Xã\" } },";
       print "    units = { [\"thu-nghiem/cong-an\"] = { issuing_body = \"ĐẢNG ỦY CÔNG AN TỈNH\\nTHỬ NGHIỆM\",";
       print "                symbol = \"ĐUCA\", place = \"Thử Nghiệm\", signer = \"BÍ THƯ\" } },"; next }
     { print }' sc/provinces/thu-nghiem.lua > sc/provinces/p.tmp && mv sc/provinces/p.tmp sc/provinces/thu-nghiem.lua
echo "--- a final run prints as it was made final: the overrides need --current-script"
"$DVK" report 13 quyet-dinh 2>&1 | grep -E '^note:|^\| Số'
for r in 9 11 13; do
  echo "--- run $r"
  "$DVK" report $r quyet-dinh --current-script 2>/dev/null | fp | page1 | sed -n '1,4p; /Nơi nhận/,$p'
done
echo "--- decision.style (every run): the document name 15 pt, 'Nơi nhận:' bold underlined"
"$DVK" report 11 quyet-dinh --current-script --format html 2>/dev/null | grep '^body{font-size'
"$DVK" report 11 quyet-dinh --current-script -o s11.docx 2>/dev/null
unzip -p s11.docx word/document.xml | grep -o '<w:sz w:val="30"/><w:szCs w:val="30"/></w:rPr><w:t xml:space="preserve">QUYẾT ĐỊNH<'
unzip -p s11.docx word/document.xml | grep -o '<w:b/><w:sz w:val="28"/><w:szCs w:val="28"/><w:u w:val="single"/></w:rPr><w:t xml:space="preserve">Nơi nhận:'
echo "--- a bad style is the report's error"
sed -i 's/co_ten_loai = 15/co_ten_loai = 40/' sc/provinces/thu-nghiem.lua
"$DVK" report 11 quyet-dinh --current-script > bad.txt 2>&1; echo "exit $?"
grep -v "^note:" bad.txt | sed "s|^dvk: $PWD/sc/lib/|sc/lib/|"                 # the real file read (the folder's own copy of the library)
