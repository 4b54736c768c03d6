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
# Every deciding unit of an --each-unit row prints its own decision, named by its unit: a
# commune's is its Party committee's, placed at the commune, signed T/M ĐẢNG ỦY, no body that
# merged away in 2025 among the recipients, the province's guidance as a blank to fill in.
for f in thai-nguyen-2025-co-so-ba-be lam-dong-2025-co-so-phu-quy; do
  echo "-- $f-quyet-dinh.md"
  sed -n '1,4p' "d/reports/$f-quyet-dinh.md"
  grep -E '^\\- Căn cứ (Hướng|Chỉ)|^- |^\*\*(T/M|BÍ THƯ)' "d/reports/$f-quyet-dinh.md" | sed -n '1,8p'
done
grep -l 'Ban Dân vận Trung ương\|Ban Dân vận Tỉnh ủy (b/c)' d/reports/*-2025-*quyet-dinh.md || echo "no 2025 decision names a merged body among its recipients"
# The database the demo leaves behind is consistent and its audit chain verifies.
$DVK --db d/dvk.db verify | sed 's/head [0-9a-f]*/head HASH/'
# Published figures, also through dvk stats (Bình Thuận: district level, by unit).
$DVK --db d/dvk.db stats --province binh-thuan --year 2023 --level huyen --by unit --format csv
