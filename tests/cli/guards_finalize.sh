# guards_finalize: what finalize refuses, writing nothing (issue "What was signed stays
# true"): a decision number that is not UTF-8 or holds a control or invisible character, a
# date that does not exist, a superseded draft (unless --superseded), a date outside the
# run's year and the next (unless --force-date). And the number prints as it was written:
# the README's "125-QĐ/BDVTU" used to print "Số: 125-QĐ/BDVTU/QĐ-UBND" (the symbol again).
. "$SRC/tests/data/report/setup.sh"
"$DVK" decide --province thu-nghiem --year 2024 --level tinh >/dev/null   # run 3
echo "== bad numbers"
"$DVK" runs finalize 3 --number "$(printf '125\377')" --date 2024-12-20; echo "exit $?"
"$DVK" runs finalize 3 --number "$(printf '125\033[2J')" --date 2024-12-20; echo "exit $?"
"$DVK" runs finalize 3 --number "$(printf '125\n126')" --date 2024-12-20; echo "exit $?"
"$DVK" runs finalize 3 --number "$(printf '125\342\200\256')" --date 2024-12-20; echo "exit $?"
echo "== bad dates"
"$DVK" runs finalize 3 --number 125 --date 2025-02-29; echo "exit $?"
"$DVK" runs finalize 3 --number 125 --date 2025-02-29 --force-date; echo "exit $?"
"$DVK" runs finalize 3 --number 125 --date 2021-12-20; echo "exit $?"
"$DVK" runs finalize 3 --number 125 --date 2026-01-05; echo "exit $?"
"$DVK" runs finalize 3 --number 125 --date 20/12/2024; echo "exit $?"
echo "== superseded"
"$DVK" runs finalize 1 --number 124 --date 2024-12-20; echo "exit $?"
echo "== nothing was written"
"$DVK" runs
echo "== the README's number, printed as written"
"$DVK" runs finalize 3 --number 125-QĐ/BDVTU --date 2023-12-20; echo "exit $?"
"$DVK" runs finalize 3 --number 125-QĐ/BDVTU --date 2023-12-20 --force-date; echo "exit $?"
"$DVK" report 3 quyet-dinh --format md | grep "Số"
echo "== the annex names the same number (it added the symbol again)"
"$DVK" report 3 quyet-dinh --format md | grep -o "Kèm theo Quyết định số [^ ]*"
echo "== a bare number gets the symbol"
"$DVK" report 2 quyet-dinh --format md | grep "Số:"
"$DVK" report 2 quyet-dinh --format md | grep -o "Kèm theo Quyết định số [^ ]*"
echo "== --superseded"
# run 1 was decided with the first script: finalize keeps that text, so it must be back
cp "$SRC/tests/data/report/provinces/thu-nghiem.lua" sc/provinces/
"$DVK" runs finalize 1 --number 124/QĐ-UBND --date 2024-12-20 --superseded; echo "exit $?"
"$DVK" report 1 quyet-dinh --format md | grep "Số:"
"$DVK" runs show 1 --superseded; echo "exit $?"
