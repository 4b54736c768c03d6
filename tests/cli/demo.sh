# dvk demo end to end: every published figure of datasets/figures.csv is reproduced by the
# province scripts, and the reports are written.
$DVK demo --out "$PWD/d" > out.txt 2>&1
echo "demo exit=$?"
echo "figures checked: $(grep -c '✓' out.txt), not matching: $(grep -c 'KHÁC' out.txt)"
tail -n 1 out.txt
grep -E '^  run 17:' out.txt
# The 2025 cycle under the two-level government: every commune and agency decides its own
# (--each-unit), then the province (no district level).
grep -E '^  runs? [0-9-]+: [a-z-]+ 2025' out.txt
echo "reports: $(ls d/reports | grep -c 'quyet-dinh.html') decisions, $(ls d/reports | grep -c 'thong-ke.xlsx') statistics workbooks"
# The database the demo leaves behind is consistent and its audit chain verifies.
$DVK --db d/dvk.db verify | sed 's/head [0-9a-f]*/head HASH/'
# Published figures, also through dvk stats (Bình Thuận: district level, by unit).
$DVK --db d/dvk.db stats --province binh-thuan --year 2023 --level huyen --by unit --format csv
