# tests/data/report/setup.sh: sourced by the report tests (tests/cli/report_*.sh,
# tests/report_browser.sh, tests/report_xlsx.sh) in an empty folder, with $DVK and $SRC set.
# Builds a scripts folder (the shared lib/ plus the test province thu-nghiem), a database
# with the units, models and appraisals of tests/data/report, and two decision runs of
# 2024 at province level: run 1 (draft, quota of 3 "Công nhận") and run 2 (quota of 6,
# finalized as decision 125 of 15/01/2025), so that so-sanh has a what-if to show.
mkdir -p sc/provinces
ln -s "$SRC/scripts/lib" sc/lib
cp "$SRC/tests/data/report/provinces/thu-nghiem.lua" sc/provinces/
export DVK_SCRIPTS="$PWD/sc" DVK_DB="$PWD/report.db"
"$DVK" init >/dev/null
"$DVK" import units "$SRC/tests/data/report/units.csv" >/dev/null
"$DVK" import models "$SRC/tests/data/report/models.csv" >/dev/null
"$DVK" import appraisals "$SRC/tests/data/report/appraisals.csv" >/dev/null
"$DVK" decide --province thu-nghiem --year 2024 --level tinh >/dev/null
sed 's/max = 3,/max = 6,/' "$SRC/tests/data/report/provinces/thu-nghiem.lua" > sc/provinces/thu-nghiem.lua
"$DVK" decide --province thu-nghiem --year 2024 --level tinh >/dev/null
"$DVK" runs finalize 2 --number 125 --date 2025-01-15 >/dev/null
