# stats_successors: statistics across the 2025 merger. Bắc Kạn merged into Thái Nguyên
# (Resolution 202/2025/QH15): `dvk stats --province thai-nguyen --year 2023 --successors`
# counts Bắc Kạn's 2023 registrations and results (decided by bac-kan.lua) under Thái Nguyên,
# and by unit each old commune's figures roll up into the 2025 commune it merged into
# (datasets/units/01-thai-nguyen-2025.csv); without --successors Thái Nguyên is its own.
export DVK_DB="$PWD/t.db"
D="$DVK --quiet"
$D init > /dev/null
for f in 00-tinh 01-thai-nguyen-2025 bac-kan thai-nguyen; do
  $D import units "$SRC/datasets/units/$f.csv" > /dev/null
done
$D import models "$SRC/datasets/models/bac-kan-2023.csv" > /dev/null
$D import models "$SRC/datasets/models/thai-nguyen-2023-2024.csv" > /dev/null
$D import appraisals "$SRC/datasets/appraisals/bac-kan-2023.csv" > /dev/null
$D import appraisals "$SRC/datasets/appraisals/thai-nguyen-2023-2024.csv" > /dev/null
$D import appraisals "$SRC/datasets/appraisals/thai-nguyen-2023-2024.huyen.csv" > /dev/null
$D import appraisals "$SRC/datasets/appraisals/thai-nguyen-2023-2024.tinh.csv" > /dev/null
for l in co-so huyen tinh; do $D decide --province bac-kan --year 2023 --level $l > /dev/null; done
for l in co-so huyen; do $D decide --province thai-nguyen --year 2023 --level $l > /dev/null; done
total() { $D stats "$@" --format csv | tail -n 1; }
echo "--- totals (registered, recognised, %, exemplary, proposed)"
echo "bac-kan 2023:                     $(total --province bac-kan --year 2023)"
echo "thai-nguyen 2023:                 $(total --province thai-nguyen --year 2023)"
echo "thai-nguyen 2023 --successors:    $(total --province thai-nguyen --year 2023 --successors)"
echo "--- by unit with --successors: old communes under the 2025 communes they merged into"
$D stats --province thai-nguyen --year 2023 --by unit --successors --format csv
echo "--- the former district Ba Bể: its communes became Xã Ba Bể (291 registered above);"
echo "    the district's own registrations went to the province (the district level ended)"
grep '^bac-kan/ba-be/cho-ra,\|^bac-kan/ba-be,' "$SRC/datasets/units/bac-kan.csv"
echo "communes: $(total --province bac-kan --year 2023 --unit bac-kan/ba-be --level co-so)"
echo "district: $(total --province bac-kan --year 2023 --unit bac-kan/ba-be --level huyen)"
