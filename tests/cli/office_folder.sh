# office_folder: an office keeps its own scripts folder holding only provinces/<code>.lua;
# dvk's library (scripts/lib, scripts/lib/reports) comes from the installation (here the
# source tree the binary was built from) and the office's own lib/ overrides any file of it.
# Errors name the real file; require stays confined to the two lib folders.
mkdir -p office/provinces
cp "$SRC/scripts/provinces/thai-nguyen.lua" office/provinces/
export DVK_DB="$PWD/o.db"
unset DVK_SCRIPTS
D() { "$DVK" --scripts office "$@"; }
D init > /dev/null
D import units "$SRC/datasets/units/00-tinh.csv" > /dev/null
D import units "$SRC/datasets/units/01-thai-nguyen-2025.csv" > /dev/null
D import units "$SRC/datasets/units/thai-nguyen.csv" > /dev/null
D import models "$SRC/datasets/models/thai-nguyen-2023-2024.csv" > /dev/null
D import appraisals "$SRC/datasets/appraisals/thai-nguyen-2023-2024.csv" > /dev/null
echo "--- decide with only the province file"
D decide --province thai-nguyen --year 2024 --level co-so | grep -E '^run|recognised'
echo "--- every built-in report"
D report --list | cut -d' ' -f1
for r in $(D report --list | cut -d' ' -f1); do
  if D report 1 "$r" --against 1 -o "$r.md" > /dev/null 2> err.txt ||
     D report 1 "$r" -o "$r.md" > /dev/null 2> err.txt; then
    echo "$r: $(wc -l < "$r.md") lines"
  else
    echo "$r: FAILED"; cat err.txt
  fi
done
echo "--- the office overrides one library file (lib/chung.lua: recognition from 80 points)"
mkdir -p office/lib
sed 's/cong_nhan = 70,/cong_nhan = 80,/' "$SRC/scripts/lib/chung.lua" > office/lib/chung.lua
D decide --province thai-nguyen --year 2024 --level co-so --dry-run | grep -E 'recognised'
echo "--- and one report (lib/reports/thong-ke.lua)"
mkdir -p office/lib/reports
cat > office/lib/reports/thong-ke.lua <<'LUA'
-- scripts/lib/reports/thong-ke.lua: thống kê riêng của văn phòng
return function(run, doc)
  doc:heading("Thống kê của văn phòng, tỉnh " .. run.province)
end
LUA
D report --list | grep '^thong-ke'
D report 1 thong-ke
echo "--- an error in the office's library names the office's file"
printf 'local x = \n' > office/lib/chung.lua
D decide --province thai-nguyen --year 2024 --level co-so --dry-run; echo "exit $?"
rm office/lib/chung.lua
echo "--- an error in a built-in file names the installed file"
D report 1 so-sanh 2>&1 | sed "s|$SRC/|SRC/|"
echo "--- require is confined to the two lib folders"
mkdir -p secret; printf 'return "TOP SECRET"\n' > secret/s.lua
cp office/provinces/thai-nguyen.lua tn.lua
for name in '../secret/s' '../../secret/s' 'x/../../secret/s' 'khong-co'; do
  printf 'return require("%s")\n' "$name" > office/provinces/thai-nguyen.lua
  D decide --province thai-nguyen --year 2024 --level co-so 2>&1 | sed "s|$SRC/|SRC/|"
done
ln -s "$PWD/secret" office/lib/secret
printf 'return require("secret.s")\n' > office/provinces/thai-nguyen.lua
D decide --province thai-nguyen --year 2024 --level co-so 2>&1 | sed "s|$SRC/|SRC/|"
cp tn.lua office/provinces/thai-nguyen.lua
echo "--- finalized from the office folder: the record keeps the installed library it used and the office's own report"
D decide --province thai-nguyen --year 2024 --level co-so | grep -E '^run'
D runs finalize 2 --number 12-QĐ/BTGDVTU --date 2024-12-20 | sed 's/[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}/FFFF-FFFF-FFFF-FFFF/'
sqlite3 o.db "SELECT path FROM run_scripts WHERE run = 2 AND path IN
  ('scripts/provinces/thai-nguyen.lua', 'scripts/lib/chung.lua', 'scripts/lib/reports/quyet-dinh.lua', 'scripts/lib/reports/thong-ke.lua') ORDER BY path"
D report 2 quyet-dinh -o qd-final.md 2>&1; echo "exit $? $(grep -c 'QUYẾT ĐỊNH' qd-final.md)"
sqlite3 o.db "SELECT text LIKE '%văn phòng%' FROM run_scripts WHERE run = 2 AND path = 'scripts/lib/reports/thong-ke.lua'"
