# decide_2025: the 2025 cycle under the two-level government (Resolution 203/2025/QH15):
# thai-nguyen.lua keeps levels {co-so, huyen, tinh} for its earlier years; in 2025 the district
# level has no review (refused), every commune and agency decides at co-so (--each-unit), and
# their proposals are the province's candidates directly. The bundled 2025 data (synthetic).
export DVK_DB="$PWD/t.db"
D="$DVK --quiet"
$D init > /dev/null
for f in 00-tinh 01-thai-nguyen-2025 bac-kan thai-nguyen; do
  $D import units "$SRC/datasets/units/$f.csv" > /dev/null
done
$D import models "$SRC/datasets/models/thai-nguyen-2025.csv" > /dev/null
$D import appraisals "$SRC/datasets/appraisals/thai-nguyen-2025.csv" > /dev/null
$D import appraisals "$SRC/datasets/appraisals/thai-nguyen-2025.tinh.csv" > /dev/null   # the province council's own round
echo "--- no district level in 2025"
$D decide --province thai-nguyen --year 2025 --level huyen 2>&1; echo "exit $?"
$D decide --province thai-nguyen --year 2025 --level huyen --each-unit 2>&1; echo "exit $?"
echo "--- every commune and agency (units that exist on 31/12/2025: no former district)"
$D decide --province thai-nguyen --year 2025 --level co-so --each-unit
echo "--- the province: the 15 proposals of the communes and agencies, and 2 of its own"
$D decide --province thai-nguyen --year 2025 --level tinh | head -n 2
$D runs --province thai-nguyen --year 2025 | tail -n 2
