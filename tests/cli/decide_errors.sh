# decide_errors: a script error on one model stops the run, names file, line, model and
# criterion, and writes nothing; loader mistakes name the file and line; usage errors exit 2.
set -e
# the example province is a test fixture (tests/data/example), not a shipped script
DVK_SCRIPTS="$SRC/tests/data/example"; export DVK_SCRIPTS
$DVK --quiet init
printf 'code,name,kind,parent\nexample,Tỉnh Mẫu,province,\nexample/dong,Huyện Đông,district,example\n' > units.csv
printf 'code,name,unit,kind,category,field,level,year,registration,started_on,address,beneficiaries\n' > models.csv
printf 'EX-1,Một,example/dong,tap-the,mo-hinh,kinh-te,huyen,2023,moi,2018-01-01,Thôn A,100\n' >> models.csv
printf 'EX-2,Hai,example/dong,tap-the,mo-hinh,kinh-te,huyen,2023,moi,2018-01-01,Thôn B,\n' >> models.csv
$DVK --quiet import units units.csv
$DVK --quiet import models models.csv
mkdir -p s/provinces
variant() {  # variant NAME SED-SCRIPT: a copy of example.lua with one edit, then decide
  sed "$2" "$DVK_SCRIPTS/provinces/example.lua" > s/provinces/example.lua
  echo "== $1"
  $DVK --scripts s decide --province example --year 2023 --level huyen || echo "exit $?"
}
variant "points above max" 's/return dvk.round(30 \* dvk.scale(b, 0, 1000))/return 31/'
variant "not a number" 's/return dvk.round(30 \* dvk.scale(b, 0, 1000))/return "30"/'
variant "NaN" 's/return dvk.round(30 \* dvk.scale(b, 0, 1000))/return 0\/0/'
variant "runtime error" 's/local b = m.metrics.beneficiaries/local b = m.metrics.beneficiaries + 0/'
variant "unknown model field" 's/local b = m.metrics.beneficiaries/local b = m.metric.beneficiaries/'
variant "writing the model" 's/local b = m.metrics.beneficiaries/m.name = "x"; local b = 1/'
variant "endless loop" 's/local b = m.metrics.beneficiaries/while true do end/'
variant "global write" 's/local b = m.metrics.beneficiaries/b = 1/'
variant "duplicate id" 's/id = "ben-vung"/id = "nhan-rong"/'
variant "max <= 0" 's/max = 30,/max = 0,/'
variant "thresholds out of order" 's/min = 70 }/min = 90 }/'
variant "quota with unknown outcome" 's/outcome = "tieu-bieu", max = 3/outcome = "vang", max = 3/'
variant "quota with unknown level" 's/level = "tinh", outcome/level = "xa", outcome/'
variant "unknown key" 's/cutoff = "11-30",/cutof = "11-30",/'
variant "syntax error" 's/scale_to = 100,/scale_to = 100 +,/'
echo "== nothing was written"
$DVK runs
echo "== usage"
$DVK decide --province example --year 2023 || echo "exit $?"
$DVK decide --province example --year 2023 --level xa || echo "exit $?"
$DVK decide --province nowhere --year 2023 --level huyen || echo "exit $?"
$DVK runs show || echo "exit $?"
$DVK diff 1 || echo "exit $?"
