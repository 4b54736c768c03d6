# runs_revoke: revocation of a final decision (Law on Emulation and Commendation 2022,
# chapter VII). Province thu with co-so and tinh; every model scores 80, is recognised and
# proposed to the province level. Runs 1 and 2 are drafts; run 1 cannot be revoked and is
# deleted instead; run 2 is made final; model T-2 of it is revoked: stats no longer count it, the province level no
# longer takes it as a candidate, runs show and the decision (quyet-dinh) say so; then the
# whole run is revoked: `dvk runs` shows it revoked and nothing of it counts. The audit log
# has the records and verify passes. Refusals: a draft, twice, a model not in the run, a date
# that does not exist or is before the decision, a final run deleted.
mkdir -p s/provinces
ln -s "$SRC/scripts/lib" s/lib
cat > s/provinces/thu.lua <<'LUA'
return dvk.province {
  code = "thu", name = "Tỉnh Thu", basis = "thử nghiệm",
  levels = { "co-so", "tinh" },
  fields = { { id = "kinh-te", name = "Kinh tế" } },
  gates = {},
  criteria = { { id = "diem", name = "Điểm", max = 100, score = function(m, ctx) return 80 end } },
  outcomes = { { id = "cong-nhan", name = "Công nhận", min = 50, propose = true },
               { id = "khong", name = "Không công nhận" } },
}
LUA
cat > units.csv <<'CSV'
code,name,kind,parent,valid_to,successor
thu,Tỉnh Thu,province,,,
thu/x,Xã X,commune,thu,,
CSV
cat > models.csv <<'CSV'
code,name,unit,kind,category,field,level,year,registration,started_on
T-1,Mô hình một,thu/x,tap-the,mo-hinh,kinh-te,co-so,2025,moi,2020-01-01
T-2,Mô hình hai,thu/x,tap-the,mo-hinh,kinh-te,co-so,2025,moi,2020-01-01
T-3,Mô hình ba,thu/x,tap-the,mo-hinh,kinh-te,co-so,2025,moi,2020-01-01
CSV
D="$DVK --quiet --scripts s"
$DVK --scripts s init
$D import units units.csv > /dev/null
$D import models models.csv > /dev/null
$D decide --province thu --year 2025 --level co-so > /dev/null
$D decide --province thu --year 2025 --level co-so > /dev/null
echo "--- a draft is not revoked; it is deleted"
$D runs revoke 1 --number 7 --date 2026-01-10 --reason "sai phạm"; echo "status $?"
$D runs delete 1; echo "status $?"
$D runs
echo "--- a deleted draft's number is never given again: the newest draft deleted, then a decide"
$D decide --province thu --year 2025 --level co-so > /dev/null
$D runs delete 3; echo "status $?"
$D decide --province thu --year 2025 --level co-so > /dev/null
$D runs | awk 'NR > 1 { print "run", $1 }'
$D runs delete 4; echo "status $?"
$D runs finalize 2 --number 12 --date 2025-12-20
echo "--- a final run is never deleted"
$D runs delete 2; echo "status $?"
echo "--- refusals"
$D runs revoke 2 T-9 --number 7 --date 2026-01-10 --reason "sai phạm"; echo "status $?"
$D runs revoke 2 T-2 --number 7 --date 2026-02-30 --reason "sai phạm"; echo "status $?"
$D runs revoke 2 T-2 --number 7 --date 2025-12-01 --reason "sai phạm"; echo "status $?"
$D runs revoke 2 T-2 --number 7 --date 2026-01-10; echo "status $?"
echo "--- revoke T-2"
$D runs revoke 2 T-2 --number 7/QĐ-BDVTU --date 2026-01-10 --reason "kê khai không trung thực"
$D runs revoke 2 T-2 --number 8 --date 2026-01-11 --reason "lần nữa"; echo "status $?"
$D runs show 2 | grep -v '^script'
$D stats --province thu --year 2025 --level co-so --format csv
echo "province level candidates:"
$D decide --province thu --year 2025 --level tinh --dry-run | grep -oE 'candidates: [0-9]+'
$D report 2 quyet-dinh | grep -E 'thu hồi|^# |Mô hình (một|hai|ba)'
echo "--- revoke the whole run"
$D runs revoke 2 --number 9/QĐ-BDVTU --date 2026-02-01 --reason "hủy toàn bộ đợt xét"
$D runs revoke 2 --number 10 --date 2026-02-02 --reason "lần nữa"; echo "status $?"
$D runs revoke 2 T-1 --number 10 --date 2026-02-02 --reason "lần nữa"; echo "status $?"
$D runs
$D runs show 2 | grep revoked
$D stats --province thu --year 2025 --level co-so --format csv
echo "province level candidates:"
$D decide --province thu --year 2025 --level tinh --dry-run | grep -oE 'candidates: [0-9]+'
$D report 2 quyet-dinh | grep -E 'thu hồi'
echo "--- audit and verify"
sqlite3 dvk.db "SELECT action, json_extract(detail, '$.run'), json_extract(detail, '$.models'),
  json_extract(detail, '$.number'), json_extract(detail, '$.date'), json_extract(detail, '$.reason')
  FROM audit_log WHERE action IN ('revoke', 'delete') ORDER BY id"
$D verify | sed 's/head [0-9a-f]*/head H/'
