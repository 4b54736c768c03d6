#!/bin/sh
# report_office.sh DVK SRC [OUTDIR]: the DOCX and PDF reports read back by independent
# programs. LibreOffice opens the decision's DOCX (converted to text) and its text is checked;
# `dvk report --format pdf` goes through each installed converter (LibreOffice, Chromium) and
# pdftotext checks the text, the A4 page size, and the page numbers (none on page 1, "2" at the
# top of page 2: Decree 30/2020). A Party-family decision after 1 July 2025 is checked the same
# way. pdftoppm renders the first page of the State decision to OUTDIR/quyet-dinh-docx.png for
# people to review. Exits 77 (ctest: skipped) when LibreOffice (soffice) or poppler-utils
# (pdftotext) is not installed.
set -eu
DVK=$1
SRC=$2
OUT=${3:-$PWD}
case $OUT in /*) ;; *) OUT=$PWD/$OUT ;; esac
SOFFICE=$(command -v soffice || command -v libreoffice || true)
if [ -z "$SOFFICE" ]; then
  echo "SKIP: LibreOffice is not installed (Debian: apt-get install libreoffice-writer-nogui)"
  exit 77
fi
if ! command -v pdftotext >/dev/null; then
  echo "SKIP: pdftotext is not installed (Debian: apt-get install poppler-utils)"
  exit 77
fi
export DVK SRC LC_ALL=C.UTF-8 TZ=UTC
work=$(mktemp -d "${TMPDIR:-/tmp}/dvk-office-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
. "$SRC/tests/data/report/setup.sh"
fail() { echo "FAIL: $*"; exit 1; }
has() { grep -qF -- "$2" "$1" || fail "$1: missing: $2"; }

# 1. LibreOffice opens the DOCX: its text holds the decision and the annex.
"$DVK" report 2 quyet-dinh -o qd.docx
timeout 180 "$SOFFICE" -env:UserInstallation="file://$work/lo" --headless --convert-to txt:Text \
  --outdir "$work" qd.docx > lo.log 2>&1 || fail "LibreOffice could not open qd.docx: $(cat lo.log)"
[ -s qd.txt ] || fail "LibreOffice wrote no text"
for s in "ỦY BAN NHÂN DÂN" "TỈNH THỬ NGHIỆM" "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" \
         "Độc lập - Tự do - Hạnh phúc" "Số: 125/QĐ-UBND" "Thử Nghiệm, ngày 15 tháng 01 năm 2025" \
         "QUYẾT ĐỊNH" "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM" \
         "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;" \
         "Điều 1. Công nhận 7 mô hình" "Nơi nhận:" "- Lưu: VT." "KT. CHỦ TỊCH" "PHÓ CHỦ TỊCH" \
         "Nguyễn Văn Thử" "DANH SÁCH" "Đường giao thông nông thôn – Dân làm, Nhà nước hỗ trợ" \
         "Mô hình \"Nhà sạch – Vườn đẹp\" & <an toàn>" "85,34"; do
  has qd.txt "$s"
done

# 2. PDF through every converter installed: A4, two pages, page number 2 at the top of page 2
# and no number on page 1.
check_pdf() {   # FILE PAGES
  pages=$(pdfinfo "$1" | sed -n 's/^Pages: *//p')
  [ "$pages" = "$2" ] || fail "$1: $pages pages, expected $2"
  pdfinfo "$1" | grep -q 'Page size:.*(A4)' || fail "$1: not A4: $(pdfinfo "$1" | grep 'Page size')"
  pdftotext -f 1 -l 1 -layout "$1" p1.txt
  pdftotext -f 2 -l 2 -layout "$1" p2.txt
  first=$(sed '/^ *$/d' p2.txt | head -1 | tr -d ' ')
  [ "$first" = 2 ] || fail "$1: page 2 does not start with its number (got '$first')"
  sed '/^ *$/d' p1.txt | head -1 | grep -q '^ *1 *$' && fail "$1: a number on page 1"
  return 0
}
for conv in libreoffice chromium; do
  case $conv in
    chromium) command -v chromium >/dev/null || command -v chromium-browser >/dev/null ||
                { echo "note: Chromium not installed, its PDF is not checked"; continue; } ;;
  esac
  DVK_PDF_CONVERTER=$conv "$DVK" report 2 quyet-dinh -o qd-$conv.pdf 2> conv.log
  grep -qi "PDF through $conv" conv.log || fail "the converter used is not said: $(cat conv.log)"
  check_pdf qd-$conv.pdf 2
  pdftotext -layout qd-$conv.pdf qd-$conv.txt
  for s in "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM" "Số: 125/QĐ-UBND" "Nguyễn Văn Thử" "DANH SÁCH"; do
    has qd-$conv.txt "$s"
  done
done

# 3. No converter: exit 1, a message, nothing written.
if PATH=/nonexistent "$DVK" report 2 quyet-dinh -o none.pdf 2> none.log; then
  fail "PDF without a converter succeeded"
fi
has none.log "PDF needs LibreOffice (soffice) or Chromium"
[ ! -e none.pdf ] || fail "none.pdf written without a converter"

# 4. The Party family after 1 July 2025: the board under the provincial committee, signed by
# its head, upright bases, the merged bodies' names.
sed 's/family = "state"/family = "party"/; /signer = /d; /signer_name = /d' \
  "$SRC/tests/data/report/provinces/thu-nghiem.lua" > sc/provinces/thu-nghiem.lua
"$DVK" decide --province thu-nghiem --year 2024 --level tinh > /dev/null
"$DVK" runs finalize 3 --number 45 --date 2025-12-10 > /dev/null
DVK_PDF_CONVERTER=libreoffice "$DVK" report 3 quyet-dinh -o party.pdf 2> /dev/null
check_pdf party.pdf 2
pdftotext -layout party.pdf party.txt
for s in "TỈNH ỦY THỬ NGHIỆM" "BAN TUYÊN GIÁO VÀ DÂN VẬN" "ĐẢNG CỘNG SẢN VIỆT NAM" \
         "Số 45-QĐ/BTGDVTU" "- Căn cứ Quyết định số 23-QĐ/TW" "TRƯỞNG BAN" \
         "Ban Tuyên giáo và Dân vận Trung" "- Lưu Văn phòng Ban."; do
  has party.txt "$s"
done
grep -q "T/M" party.txt && fail "a board's decision signed T/M"
grep -q "Ban Dân vận Trung ương" party.txt && fail "a body merged in 2025 on a December 2025 decision"

# 5. The first page as an image, for people to look at.
if command -v pdftoppm >/dev/null; then
  pdftoppm -f 1 -l 1 -r 80 -png -singlefile qd-libreoffice.pdf "$OUT/quyet-dinh-docx"
  pdftoppm -f 1 -l 1 -r 80 -png -singlefile party.pdf "$OUT/quyet-dinh-party"
  [ -s "$OUT/quyet-dinh-docx.png" ] || fail "no PNG"
fi
echo "ok: DOCX opened by LibreOffice; PDF checked; $OUT/quyet-dinh-docx.png"
