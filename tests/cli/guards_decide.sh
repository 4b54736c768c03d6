# guards_decide: decide refuses, storing nothing, when there are no candidates (dry run too)
# and when eligible candidates have no council scores while other models of the year have
# some (up to 10 named, with the count); --allow-missing-scores decides and warns.
DVK_SCRIPTS="$SRC/tests/data/example"; export DVK_SCRIPTS
$DVK --quiet init
cat > units.csv <<'CSV'
code,name,kind,parent
example,Tỉnh Mẫu,province,
example/dong,Huyện Đông,district,example
example/tay,Huyện Tây,district,example
CSV
{
  echo "code,name,unit,kind,category,field,level,year,registration,started_on,address,beneficiaries"
  for i in 01 02 03 04 05 06 07 08 09 10 11 12 13; do
    echo "EX-$i,Mô hình $i,example/dong,tap-the,mo-hinh,kinh-te,huyen,2023,moi,2018-01-10,Thôn $i,1000"
  done
  echo "EX-NA,Không địa chỉ,example/dong,tap-the,mo-hinh,kinh-te,huyen,2023,moi,2018-01-10,,1000"
} > models.csv
$DVK --quiet import units units.csv
$DVK --quiet import models models.csv
echo "== no candidates"
$DVK decide --province example --year 2024 --level huyen; echo "exit $?"
$DVK decide --province example --year 2024 --level huyen --dry-run; echo "exit $?"
$DVK decide --province example --year 2023 --level huyen --unit example/tay; echo "exit $?"
echo "== no appraisals at all: decided"
$DVK decide --province example --year 2023 --level huyen --dry-run | head -2; echo "exit $?"
echo "== appraisals for one model: the others are named"
printf 'model,criterion,appraiser,score\nEX-01,kho-khan,A,15\n' > dk.csv
$DVK --quiet import appraisals dk.csv
$DVK decide --province example --year 2023 --level huyen; echo "exit $?"
$DVK decide --province example --year 2023 --level huyen --dry-run; echo "exit $?"
$DVK runs
$DVK decide --province example --year 2023 --level huyen --allow-missing-scores | head -2; echo "exit $?"
