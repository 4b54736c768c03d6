# One aggregator (issue 10): the thong-ke and bao-phu reports of a run of the whole province
# at its top level count what `dvk stats` counts for the province and year, every
# registration of the year included (models registered at the district and commune levels
# that never reached the province), not only the run's candidates. Before the fix the
# reports said 12 registered (the candidates) where `dvk stats` says 16, and Lâm Viên, whose
# one model was registered at the commune level, had "Chưa có hồ sơ đăng ký".
. "$SRC/tests/data/report/setup.sh"
printf '%s\n' 'code,name,unit,kind,category,field,level,year,registration,started_on,address,description,participants,beneficiaries' \
  'TN-99,Tổ hòa giải ở cơ sở,thu-nghiem/lam-vien,tap-the,mo-hinh,kinh-te,co-so,2024,moi,2021-01-01,Huyện Lâm Viên,Hòa giải mâu thuẫn trong thôn.,40,900' > extra.csv
"$DVK" import models extra.csv >/dev/null
# run 2 is final: its reports count as it was made final, before TN-99 (its frozen record);
# run 3, decided now with the same script, has run 2's outcomes and today's registrations
"$DVK" decide --province thu-nghiem --year 2024 --level tinh >/dev/null
# csv TABLE-TITLE COLUMNS: the rows of one table of a report's CSV (stdin), as "name n n ..."
table() {
  tr -d '\r' | awk -F, -v title="$1" -v cols="$2" '
    $0 == title { on = 1; skip = 1; next }
    on && skip { skip = 0; next }
    on && $0 == "" { on = 0 }
    on { n = split(cols, c, " "); line = $c[1]; for (i = 2; i <= n; i++) line = line " " $c[i]; print line }'
}
# stats ARGS -- COLUMNS: dvk stats as CSV, the named columns, the total as "Tổng cộng"
stats() {
  cols=$1; shift
  "$DVK" stats --province thu-nghiem --year 2024 --format csv "$@" | tr -d '\r' | awk -F, -v cols="$cols" '
    NR > 1 { n = split(cols, c, " "); line = $c[1]; for (i = 2; i <= n; i++) line = line " " $c[i]; print line }'
}
agree() {  # agree WHAT FILE1 FILE2 (rows in any order)
  sort "$2" > a.sorted; sort "$3" > b.sorted
  if diff a.sorted b.sorted >/dev/null; then echo "$1: agree"; else echo "$1: DIFFER"; diff a.sorted b.sorted; fi
}
for run in 3 2 1; do
  "$DVK" report $run thong-ke --format csv > tk$run.csv
  "$DVK" report $run bao-phu --format csv > bp$run.csv
done
echo "=== run 3 (a draft with run 2's outcomes, today's registrations): every figure"
stats "2 3 4 6" --by field > s_field.txt
stats "2 3 4 6" --by unit > s_unit.txt
table "1. Theo lĩnh vực" "1 2 3 5" < tk3.csv > tk_field.txt
table "2. Theo đơn vị" "1 2 3 5" < tk3.csv > tk_unit.txt
table "Độ bao phủ theo đơn vị" "2 3 4" < bp3.csv | sed 's/^ *//' > bp_unit.txt
cat s_unit.txt
agree "thong-ke by field" s_field.txt tk_field.txt
agree "thong-ke by unit" s_unit.txt tk_unit.txt
awk '{ $NF = ""; sub(/ $/, ""); print }' s_unit.txt > s_unit_nr.txt
agree "bao-phu by unit (registered, recognised)" s_unit_nr.txt bp_unit.txt
grep 'Lâm Viên' bp3.csv | tr -d '\r'
echo "=== run 2 (final): the figures of the day it was made final (TN-99 not yet registered)"
table "1. Theo lĩnh vực" "1 2 3 5" < tk2.csv
grep 'Lâm Viên' bp2.csv | tr -d '\r'
echo "=== run 1 (a draft of the same level): the year's registrations, its own outcomes"
table "2. Theo đơn vị" "1 2" < tk1.csv > tk1_unit.txt
stats "2 3" --by unit > s1_unit.txt
agree "thong-ke registered by unit" s1_unit.txt tk1_unit.txt
table "6. Theo kết quả" "1 2" < tk1.csv
