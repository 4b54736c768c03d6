# robust_output_files: what an output file may be (include/dvk/outfile.h). Never the open
# database (under any spelling, a hard or a symbolic link, nor its -wal/-journal/-shm
# files), never the file being imported, never a folder: refused with exit 1 and nothing
# changed. Temporary files are hidden, unpredictable and created exclusively in the target's
# folder: a link planted under the old predictable name OUT.tmp is not followed. A link as
# the target still replaces the file it points to; /dev/null is written in place. After every
# command no temporary (hidden) file is left.
. "$SRC/tests/data/report/setup.sh"
umask 022
sum() { cksum < "$1"; }
db_sum=$(sum report.db)
# check: the database is byte-identical and verifies, and no hidden file was left.
check() {
  [ "$(sum report.db)" = "$db_sum" ] && echo "  database unchanged" || echo "  DATABASE CHANGED"
  "$DVK" --quiet verify >/dev/null && echo "  verify ok" || echo "  VERIFY FAILED"
  _h=$(ls -A | grep '^\.' | tr '\n' ' ')
  [ -z "$_h" ] && echo "  no temporary file left" || echo "  left behind: $_h"
}
run() { "$@"; echo "  exit $?"; }

echo "== reports onto the open database"
run "$DVK" report 1 thong-ke --format csv -o report.db
run "$DVK" report 1 thong-ke --format xlsx -o ./report.db
run "$DVK" report 1 thong-ke --format md -o sc/../report.db
run "$DVK" report 1 thong-ke --format md -o report.db-wal
run "$DVK" report 1 thong-ke --format md -o ./report.db-journal
ln report.db hard.db
run "$DVK" report 1 thong-ke --format html -o hard.db
ln -s report.db soft.db
run "$DVK" report 1 thong-ke --format json -o soft.db
check
echo "== exports onto the open database"
run "$DVK" export models -o report.db
run "$DVK" export results --run 1 --format json -o hard.db
run "$DVK" export models --format xlsx -o soft.db
check
echo "== synthetic models onto the open database"
run "$DVK" --quiet synth --models 5 -o report.db
check

echo "== the rejects file onto the file being imported, or the database"
printf 'code,name,unit\nX1,thiếu cột,khong-co\n' > in.csv
in_sum=$(sum in.csv)
run "$DVK" import models in.csv --skip-bad in.csv
run "$DVK" import models in.csv --skip-bad ./in.csv
ln -s in.csv in-link.csv
run "$DVK" import models in-link.csv --skip-bad in.csv
run "$DVK" import models in.csv --skip-bad report.db
[ "$(sum in.csv)" = "$in_sum" ] && echo "  input unchanged" || echo "  INPUT CHANGED"
check

echo "== a folder"
mkdir folder
run "$DVK" export models -o folder
run "$DVK" report 1 thong-ke --format xlsx -o folder/
run "$DVK" report 1 thong-ke --format md -o missing/out.md
[ -z "$(ls -A folder)" ] && echo "  folder still empty"
check

echo "== a link planted under the old temporary names is not followed"
printf 'victim\n' > victim.txt
ln -s victim.txt out.csv.tmp
ln -s victim.txt out.xlsx.tmp
ln -s victim.txt out.md.tmp
run "$DVK" --quiet export models -o out.csv
run "$DVK" --quiet report 1 thong-ke --format xlsx -o out.xlsx
run "$DVK" --quiet report 1 thong-ke -o out.md
cat victim.txt
[ -L out.csv.tmp ] && [ -L out.xlsx.tmp ] && [ -L out.md.tmp ] && echo "  links still there"
head -c 4 out.csv; echo
head -c 2 out.xlsx; echo
head -1 out.md
( umask 027; "$DVK" --quiet export models -o private.csv )
stat -c '  %a %n' out.csv out.xlsx out.md private.csv
check

echo "== a link as the target: the file it points to is replaced, the link kept"
: > real.csv
ln -s real.csv link.csv
run "$DVK" --quiet export models -o link.csv
[ -L link.csv ] && echo "  link kept"
head -c 4 real.csv; echo
echo "== a dangling link as the target: the file it names is created"
ln -s made.md dangling.md
run "$DVK" --quiet report 1 thong-ke -o dangling.md
[ -L dangling.md ] && head -1 made.md
check

echo "== devices are written in place"
run "$DVK" --quiet report 1 thong-ke --format md -o /dev/null
run "$DVK" --quiet report 1 thong-ke --format xlsx -o /dev/null
run "$DVK" --quiet export models -o /dev/null
check
