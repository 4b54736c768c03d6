# guards_import: appraisals checked against the province script's criteria (known id, score
# at most the max; the message names the appraiser and the model, numbers as written); a
# re-import that would drop a stored metric (a misspelled column) refused unless --replace;
# controls refused in every cell, invisible marks refused in codes and removed from names.
DVK_SCRIPTS="$SRC/tests/data/example"; export DVK_SCRIPTS
$DVK --quiet init
cat > units.csv <<'CSV'
code,name,kind,parent
example,Tỉnh Mẫu,province,
example/dong,Huyện Đông,district,example
CSV
cat > models.csv <<'CSV'
code,name,unit,kind,category,field,level,year,registration,started_on,address,beneficiaries
EX-1,Tổ hòa giải,example/dong,tap-the,mo-hinh,kinh-te,huyen,2023,moi,2018-01-10,Thôn Đông,1000
EX-2,Đường hoa,example/dong,tap-the,mo-hinh,kinh-te,huyen,2023,moi,2018-01-10,Thôn Nam,900
CSV
$DVK --quiet import units units.csv
$DVK import models models.csv
echo "== appraisals against the criteria"
cat > dk.csv <<'CSV'
model,criterion,appraiser,score,note
EX-1,kho-khan,Nguyễn Văn A,15,
EX-1,kho-khan,Trần Thị B,14.5,
EX-1,kho-khăn,Nguyễn Văn A,10,
EX-2,sang-tao,Lê Văn C,7.25,
EX-2,sang-tao,Nguyễn Văn A,81,
EX-2,hieu-qua,Nguyễn Văn A,30.10,
EX-2,hieu-qua,Lê Văn C,30.5,
CSV
$DVK import appraisals dk.csv; echo "exit $?"
grep -v -e "kho-khăn" -e ",81," -e "30\.5" -e "30\.10" dk.csv > ok.csv
$DVK import appraisals ok.csv; echo "exit $?"
echo "== a misspelled metric column"
sed 's/beneficiaries/beneficaries/; s/1000/1100/' models.csv > typo.csv
$DVK import models typo.csv; echo "exit $?"
sqlite3 dvk.db "SELECT code, metrics FROM models ORDER BY code"
$DVK import models typo.csv --replace; echo "exit $?"
sqlite3 dvk.db "SELECT code, metrics FROM models ORDER BY code"
echo "== controls and invisible marks"
printf 'code,name,unit,kind,category,field,level,year,registration,address,description\n' > t.csv
printf 'EX-\342\200\2563,C,example/dong,tap-the,mo-hinh,kinh-te,huyen,2023,moi,x,\n' >> t.csv
printf 'EX-4,D\033[31m,example/dong,tap-the,mo-hinh,kinh-te,huyen,2023,moi,x,\n' >> t.csv
printf 'EX-5,E,example/dong,tap-the,mo-hinh,kinh-te,huyen,2023,moi,thôn\a,\n' >> t.csv
$DVK import models t.csv; echo "exit $?"
printf 'code,name,unit,kind,category,field,level,year,registration,address,description\n' > t.csv
printf 'EX-6,Tổ\342\200\213 hòa\357\273\277 giải,example/dong,tap-the,mo-hinh,kinh-te,huyen,2023,moi,x,"a\tb\nc"\n' >> t.csv
$DVK import models t.csv; echo "exit $?"
sqlite3 dvk.db "SELECT name, length(CAST(name AS BLOB)), name_key, replace(description, char(9), '<TAB>') FROM models WHERE code = 'EX-6'"
