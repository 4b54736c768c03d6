# export_models: CSV (formula-like cells neutralised, optional BOM, written whole or not at
# all), JSON, and the round trip: importing the export into a fresh database gives the same
# rows and the same export; importing it back changes nothing.
cp "$SRC"/tests/data/csv/*.csv .
"$DVK" --quiet init
"$DVK" --quiet import units units.csv
sqlite3 dvk.db "INSERT INTO fields VALUES('tinh-a','kinh-te','Kinh tế'),('tinh-a','van-hoa-xa-hoi','Văn hóa – xã hội')"
"$DVK" --quiet import models models.csv
printf 'code,name,unit,kind,category,field,level,year,registration,description,score\n"F1","=HYPERLINK(""http://x"")",xa-2,tap-the,mo-hinh,kinh-te,co-so,2023,moi,+84 912 000,-1.5\nF2,@chung,xa-2,ca-nhan,mo-hinh,kinh-te,co-so,2023,moi,"- một\n- hai",\n' > formula.csv
"$DVK" import models formula.csv
echo "--- csv"
"$DVK" export models
echo "--- json, one province and year"
"$DVK" export models --format json --province tinh-a --year 2023
echo "--- file with BOM"
"$DVK" export models --bom -o out.csv
head -c 3 out.csv | od -An -tx1
if ls -A | grep -q '^\.out\.csv\.'; then echo "a temporary file left behind"; else echo "no temporary file left"; fi
echo "--- round trip"
cp "$SRC"/tests/data/csv/units.csv u.csv
"$DVK" --quiet --db two.db init
"$DVK" --quiet --db two.db import units u.csv
sqlite3 two.db "INSERT INTO fields VALUES('tinh-a','kinh-te','Kinh tế'),('tinh-a','van-hoa-xa-hoi','Văn hóa – xã hội')"
"$DVK" --db two.db import models out.csv
"$DVK" --db two.db export models --bom -o again.csv
cmp out.csv again.csv && echo "same export"
"$DVK" import models again.csv
echo "--- errors"
"$DVK" export models --format xlsx; echo "exit $?"
"$DVK" export models --format json --bom; echo "exit $?"
echo "--- xlsx"
"$DVK" export models --format xlsx -o models.xlsx; echo "exit $?"
head -c 2 models.xlsx; echo
"$DVK" export results; echo "exit $?"
"$DVK" export results --run 7; echo "exit $?"
"$DVK" export people; echo "exit $?"
"$DVK" export models -o /nonexistent/dir/x.csv; echo "exit $?"
# A device is written in place, never replaced by a file; a folder is refused.
"$DVK" export models -o /dev/null; echo "exit $?"
[ -c /dev/null ] && echo "/dev/null is still a device"
mkdir -p outdir; "$DVK" export models -o outdir; echo "exit $?"
# Through a link (/dev/stdout to a file, or any symbolic link): the file is written, the link stays.
"$DVK" export models -o /dev/stdout > piped.csv; echo "exit $?"
[ -L /dev/stdout ] && echo "/dev/stdout is still a link"
grep -c '^M' piped.csv
ln -s real.csv link.csv; "$DVK" export models -o link.csv; [ -L link.csv ] && echo "link kept, $(grep -c '^M' real.csv) rows in real.csv"
