# quyet-dinh: the recognition decision (state family) with its annexed list, in every text
# format: the final run 2 (numbered, dated) and the draft run 1 (blanks to fill in). A final
# run's decision and annex end with its fingerprint ("Mã kiểm tra"), a draft's with "DỰ THẢO";
# the fingerprint holds the audit log's time stamps, so it is shown as FFFF-FFFF-FFFF-FFFF.
fp() { sed 's/[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}/FFFF-FFFF-FFFF-FFFF/g'; }
. "$SRC/tests/data/report/setup.sh"
for f in md csv json html; do
  echo "=== run 2, $f"
  "$DVK" report 2 quyet-dinh --format "$f" | fp
done
echo "=== run 1 (draft), md"
"$DVK" report 1 quyet-dinh | fp
