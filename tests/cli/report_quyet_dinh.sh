# quyet-dinh: the recognition decision (state family) with its annexed list, in every text
# format: the final run 2 (numbered, dated) and the draft run 1 (blanks to fill in).
. "$SRC/tests/data/report/setup.sh"
for f in md csv json html; do
  echo "=== run 2, $f"
  "$DVK" report 2 quyet-dinh --format "$f"
done
echo "=== run 1 (draft), md"
"$DVK" report 1 quyet-dinh
