# giai-trinh: per model, gates, points per criterion with notes, outcome and quota effect.
. "$SRC/tests/data/report/setup.sh"
for f in md csv json html; do
  echo "=== run 1, $f"
  "$DVK" report 1 giai-trinh --format "$f"
done
