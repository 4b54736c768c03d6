# bao-phu: coverage of the units under the province; units with nothing recognised named.
. "$SRC/tests/data/report/setup.sh"
for f in md csv json html; do
  echo "=== run 1, $f"
  "$DVK" report 1 bao-phu --format "$f"
done
echo "=== run 1, --successors, md"
"$DVK" report 1 bao-phu --successors
echo "=== run 3 (district level: proposals upward), md"
"$DVK" decide --province thu-nghiem --year 2024 --level huyen >/dev/null
"$DVK" report 3 bao-phu
