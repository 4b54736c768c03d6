# dvk stats --format csv writes its text cells through the one CSV cell writer (csv.h): a
# unit or field whose name a spreadsheet would run as a formula gets one leading apostrophe
# (issue 10: "=2+3" came out raw); numbers, "-" and the headers stay as they are.
"$DVK" --db s.db init >/dev/null
printf '%s\n' 'code,name,kind,parent,valid_from,valid_to,successor' \
  'p,Tỉnh P,province,,,,' 'p/x,Huyện X,district,p,,,' 'p/y,Huyện Y,district,p,,,' > units.csv
"$DVK" --db s.db import units units.csv >/dev/null
sqlite3 s.db "INSERT INTO fields(province, id, name) VALUES ('p', 'kinh-te', '+Kinh tế')"
printf '%s\n' 'code,name,unit,kind,category,field,level,year,registration' \
  'm1,Mô hình một,p/x,tap-the,mo-hinh,kinh-te,co-so,2024,moi' > models.csv
"$DVK" --db s.db import models models.csv >/dev/null
sqlite3 s.db "UPDATE units SET name = '=2+3' WHERE code = 'p/x';
  UPDATE units SET name = '@SUM(A1), \"quoted\"' WHERE code = 'p/y';"
echo "=== by unit"
"$DVK" --db s.db stats --province p --year 2024 --by unit --format csv
echo "=== by field"
"$DVK" --db s.db stats --province p --year 2024 --format csv
echo "=== by unit, a level (the 'đã xét' column)"
"$DVK" --db s.db stats --province p --year 2024 --by unit --level co-so --format csv
