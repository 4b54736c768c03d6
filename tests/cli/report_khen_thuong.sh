# khen-thuong: awards for the proposed models: coefficient x base salary on the decision
# date, rounded up to 10,000 đồng; the draft run uses 31/12 of its year and says so.
. "$SRC/tests/data/report/setup.sh"
for f in md csv json html; do
  echo "=== run 2, $f"
  "$DVK" report 2 khen-thuong --format "$f"
done
echo "=== run 1 (draft), md"
"$DVK" report 1 khen-thuong
