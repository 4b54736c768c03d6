# thong-ke: counts by field, unit, level, kind, registration and outcome, with totals and
# percentages; with --successors the merged district counts under its successor.
. "$SRC/tests/data/report/setup.sh"
for f in md csv json html; do
  echo "=== run 1, $f"
  "$DVK" report 1 thong-ke --format "$f"
done
echo "=== run 1, --successors, md"
"$DVK" report 1 thong-ke --successors
