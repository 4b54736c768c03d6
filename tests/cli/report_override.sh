# A province's own reports (reports = {...} in its script) win over the built-in report of
# the same name and add new names; their errors name the province file and line.
. "$SRC/tests/data/report/setup.sh"
awk '/^  decision = \{/ { while ((getline l < "'"$SRC"'/tests/data/report/override.lua") > 0) print l }
     { print }' "$SRC/tests/data/report/provinces/thu-nghiem.lua" > sc/provinces/thu-nghiem.lua
echo "=== thong-ke (the province's)"
"$DVK" report 1 thong-ke
echo "=== danh-sach (only the province has it), sorted with dvk.collate"
# run 2 is final: it renders with the scripts it kept, which had no danh-sach yet; today's
# script (with danh-sach) only with --current-script, which says so
"$DVK" report 2 danh-sach 2>&1 | head -1
"$DVK" report 2 danh-sach --current-script
echo "=== bao-phu (built-in, the province has none)"
"$DVK" report 1 bao-phu --format csv
echo "=== loi"
"$DVK" report 1 loi; echo "exit $?"
echo "=== unknown"
"$DVK" report 1 khong-co; echo "exit $?"
