# import_errors: every problem of a bad file as FILE:LINE: column 'x': reason (value), nothing
# imported (exit 1); --skip-bad imports the good rows and writes the bad ones with line and
# reason; file-level errors; usage errors (exit 2).
cp "$SRC"/tests/data/csv/*.csv .
"$DVK" --quiet init
"$DVK" --quiet import units units.csv
sqlite3 dvk.db "INSERT INTO fields VALUES('tinh-a','kinh-te','Kinh tế'),('tinh-a','van-hoa-xa-hoi','Văn hóa – xã hội')"
echo "--- bad file"
"$DVK" import models models_bad.csv; echo "exit $?"
sqlite3 dvk.db "SELECT count(*) FROM models"
echo "--- --dry-run"
"$DVK" import models models_bad.csv --dry-run; echo "exit $?"
echo "--- --skip-bad"
"$DVK" import models models_bad.csv --skip-bad rejects.csv; echo "exit $?"
cat rejects.csv
sqlite3 dvk.db "SELECT code FROM models"
echo "--- many problems: the first 50, then a count"
{ echo "code,name,kind,parent"; i=1; while [ $i -le 60 ]; do echo "u$i,Unit $i,hamlet,tinh-a"; i=$((i + 1)); done; } > many.csv
"$DVK" import units many.csv 2>&1 | sed -n '1,2p;49,60p'
echo "--- file-level"
printf 'code,name,unit,kind,category,field,level,year,registration\nx,"a"b,c\n' > quote.csv
"$DVK" import models quote.csv; echo "exit $?"
printf 'code,name,kind\n"u1,Unclosed,commune\n' > open.csv
"$DVK" import units open.csv; echo "exit $?"
printf '' > empty.csv
"$DVK" import units empty.csv; echo "exit $?"
printf 'mã,tên,loại,màu\n' > unknown.csv
"$DVK" import units unknown.csv; echo "exit $?"
"$DVK" import units missing.csv; echo "exit $?"
echo "--- usage"
"$DVK" import; echo "exit $?"
"$DVK" import people units.csv; echo "exit $?"
"$DVK" import units units.csv --bogus; echo "exit $?"
