# so-sanh: what-if between run 1 (quota 3) and run 2 (quota 6): the models that crossed the
# quota line, and the table of outcome transitions.
. "$SRC/tests/data/report/setup.sh"
for f in md csv json html; do
  echo "=== 1 against 2, $f"
  "$DVK" report 1 so-sanh --against 2 --format "$f"
done
echo "=== 2 against 1, md"
"$DVK" report 2 so-sanh --against 1
echo "=== what-if on the data: the council re-scores TN-06 (run 3), 2 against 3, md"
"$DVK" import appraisals "$SRC/tests/data/report/appraisals_whatif.csv" >/dev/null
"$DVK" decide --province thu-nghiem --year 2024 --level tinh >/dev/null
"$DVK" report 2 so-sanh --against 3
