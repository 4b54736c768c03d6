# khen-thuong: awards for the exemplary models of a run (coefficient x base salary on the
# decision date, rounded up to 10,000 đồng) and, at a lower level, the estimate for the
# models proposed upward. Run 3 is a district-level run (Giấy khen: 0,3 / 0,6 x 2.340.000
# = 702.000 -> 710.000 and 1.404.000 -> 1.410.000); the draft runs use 31/12 and say so.
. "$SRC/tests/data/report/setup.sh"
"$DVK" decide --province thu-nghiem --year 2024 --level huyen >/dev/null
for f in md csv json html; do
  echo "=== run 2, $f"
  "$DVK" report 2 khen-thuong --format "$f"
done
echo "=== run 1 (draft), md"
"$DVK" report 1 khen-thuong
echo "=== run 3 (district level, draft), md"
"$DVK" report 3 khen-thuong
