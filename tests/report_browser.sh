#!/bin/sh
# report_browser.sh DVK SRC [OUTDIR]: the HTML reports in a real browser. Renders the test
# dataset's decision (quyet-dinh) and statistics (thong-ke) as HTML, loads them in headless
# Chromium, checks that the page loads without errors and that the Vietnamese text survives
# (the DOM Chromium built holds it unchanged), prints the decision to PDF and checks the
# page is A4, and writes OUTDIR/quyet-dinh.png, a screenshot of the decision's first A4 page
# (794 x 1123 CSS pixels), for people to review. Exits 77 (ctest: skipped) when Chromium is
# not installed (Debian package: chromium).
set -eu
DVK=$1
SRC=$2
OUT=${3:-$PWD}
case $OUT in /*) ;; *) OUT=$PWD/$OUT ;; esac
CHROME=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$CHROME" ]; then
  echo "SKIP: chromium is not installed (Debian: apt-get install chromium)"
  exit 77
fi
export DVK SRC LC_ALL=C.UTF-8 TZ=UTC
work=$(mktemp -d "${TMPDIR:-/tmp}/dvk-browser-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
. "$SRC/tests/data/report/setup.sh"

fail() { echo "FAIL: $*"; exit 1; }

# No network, no extensions, a throw-away profile: the page must stand on its own.
chrome() {
  timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile" --enable-logging=stderr --v=0 "$@"
}

"$DVK" report 2 quyet-dinh -o qd.html
"$DVK" report 1 thong-ke -o tk.html

# The DOM Chromium parsed: every piece of Vietnamese text and every escaped character.
chrome --dump-dom "file://$work/qd.html" > qd.dom 2> qd.log || fail "chromium could not load qd.html"
for s in "ỦY BAN NHÂN DÂN" "TỈNH THỬ NGHIỆM" "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" \
         "Độc lập - Tự do - Hạnh phúc" "Số: 125/QĐ-UBND" "Thử Nghiệm, ngày 15 tháng 01 năm 2025" \
         "QUYẾT ĐỊNH" "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;" \
         "Đường giao thông nông thôn – Dân làm, Nhà nước hỗ trợ" "Xã Ứng Hòe" \
         "Mô hình \"Nhà sạch – Vườn đẹp\" &amp; &lt;an toàn&gt;" "Nơi nhận:" \
         "KT. CHỦ TỊCH" "Nguyễn Văn Thử"; do
  grep -qF "$s" qd.dom || fail "text lost in the browser: $s"
done
# Nothing the page tried to fetch, no script error.
if grep -E "net::ERR|Uncaught|Failed to load resource|CONSOLE" qd.log; then
  fail "the page reported errors (above)"
fi
grep -q "<script" qd.dom && fail "the page has a script"

chrome --dump-dom "file://$work/tk.html" > tk.dom 2> tk.log || fail "chromium could not load tk.html"
grep -qF "Đăng ký và công nhận theo lĩnh vực" tk.dom || fail "chart title lost"
grep -q "<svg" tk.dom || fail "no inline SVG chart in thong-ke"
grep -qF "Xây dựng hệ thống chính trị" tk.dom || fail "field name lost"

# Printed, the decision is A4 (595 x 842 points) and takes at least two pages (the annex
# starts on a new page).
chrome --no-pdf-header-footer --print-to-pdf="$work/qd.pdf" "file://$work/qd.html" 2> pdf.log ||
  fail "chromium could not print qd.html"
grep -aq "MediaBox \[0 0 594.9[0-9]* 841.9[0-9]*\]" qd.pdf || grep -aq "MediaBox \[0 0 595 842\]" qd.pdf ||
  fail "the printed page is not A4: $(grep -ao 'MediaBox[^]]*]' qd.pdf | head -1)"
pages=$(grep -ac "/Type /Page$\|/Type /Page[^s]" qd.pdf || true)
[ "$pages" -ge 2 ] || fail "expected the decision and its annex on at least 2 pages (found $pages)"

# The first A4 page as a picture, for review.
mkdir -p "$OUT"
chrome --hide-scrollbars --window-size=794,1123 --screenshot="$OUT/quyet-dinh.png" \
  "file://$work/qd.html" 2> shot.log || fail "chromium could not take the screenshot"
[ "$(head -c 8 "$OUT/quyet-dinh.png" | od -An -c | tr -d ' ')" = "211PNG\r\n032\n" ] ||
  fail "$OUT/quyet-dinh.png is not a PNG"
size=$(wc -c < "$OUT/quyet-dinh.png")
[ "$size" -gt 20000 ] || fail "$OUT/quyet-dinh.png is too small to hold the page ($size bytes)"
echo "ok: Vietnamese text intact in Chromium, A4 PDF of $pages pages, screenshot $OUT/quyet-dinh.png"
