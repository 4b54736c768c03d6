# The other documents of a run: the submission letter (to-trinh) to the level above with the
# proposed list, the certificates (giay-chung-nhan: one page per recognised model, page breaks
# between them, numbered 1/GCN-UBND ...), and the annex as its own document (phu-luc). The
# district-level run proposes models upward; the final province run has the decision number.
fp() { sed 's/[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}/FFFF-FFFF-FFFF-FFFF/g'; }
. "$SRC/tests/data/report/setup.sh"
"$DVK" decide --province thu-nghiem --year 2024 --level huyen --unit thu-nghiem/an-phu >/dev/null
echo "=== to-trinh, district run 3 (draft): the proposed list to the province"
"$DVK" report 3 to-trinh | fp
echo "=== to-trinh, province run 2 (final): nothing proposed, to the central board"
"$DVK" report 2 to-trinh | fp
echo "=== giay-chung-nhan, run 2: one page per recognised model"
"$DVK" report 2 giay-chung-nhan | fp | grep -c "^# GIẤY CHỨNG NHẬN"
"$DVK" report 2 giay-chung-nhan --format json | grep -c '"type":"page_break"'
"$DVK" report 2 giay-chung-nhan | fp | sed '/^---$/q'
echo "=== phu-luc, run 2 (html text)"
"$DVK" report 2 phu-luc --format html | fp | sed -n '/<main>/,$p' | sed 's/<[^>]*>/ /g; s/  */ /g' | sed '/^ *$/d'
echo "=== docx of the certificates: a page break before each but the first"
"$DVK" report 2 giay-chung-nhan -o gcn.docx
unzip -p gcn.docx word/document.xml | grep -o '<w:pageBreakBefore/>' | wc -l
echo "=== docx to a pipe: a zip"
"$DVK" report 2 phu-luc --format docx | head -c 2; echo
echo "=== docx on a terminal is refused like xlsx (here: not a terminal, so written)"
"$DVK" report 2 phu-luc --format docx > pl.docx; unzip -l pl.docx | grep -c "word/document.xml"
echo "=== pdf: a converter that fails, none installed: exit 1, nothing written"
mkdir -p fake empty
printf '#!/bin/sh\necho "cannot convert" >&2\nexit 3\n' > fake/soffice
chmod +x fake/soffice
PATH="$PWD/fake" DVK_PDF_CONVERTER=libreoffice "$DVK" report 2 phu-luc -o pl.pdf > conv.txt 2>&1
echo "exit $?"
sed "s|$PWD|.|g" conv.txt
PATH="$PWD/empty" "$DVK" report 2 phu-luc -o pl.pdf; echo "exit $?"
ls pl.pdf .pl.pdf.* 2>&1 | sed 's/^ls: //'
