# robust_sandbox_memory: memory a script makes the engine hold outside the Lua state is
# bounded with an error naming the limit (issue 11, item 6): a gate's reason of 1 MiB, a
# criterion's note of 256 KiB, a report chart of 4,000 series by 1,000 categories. Nothing is
# stored by the failed decisions.
mkdir -p s/provinces
province() {  # province GATE_REASON NOTE
  cat > s/provinces/gop.lua <<LUA
return dvk.province {
  code = "gop", name = "Tỉnh Gộp", basis = "thử nghiệm",
  levels = { "co-so", "tinh" },
  fields = { { id = "kinh-te", name = "Kinh tế" } },
  gates = { { id = "dai", name = "Lý do dài", test = function(m, ctx) return false, $1 end } },
  criteria = { { id = "diem", name = "Điểm", max = 100,
                 score = function(m, ctx) return 80, $2 end } },
  outcomes = { { id = "cong-nhan", name = "Công nhận", min = 50 },
               { id = "khong", name = "Không công nhận" } },
  reports = { ["bieu-do"] = function(run, doc)
    local cats, series = {}, {}
    for i = 1, 1000 do cats[i] = "c" .. i end
    for j = 1, 4000 do series[j] = { name = "s" .. j, values = {} }
      for i = 1, 1000 do series[j].values[i] = i end end
    doc:chart { title = "quá lớn", categories = cats, series = series }
  end },
}
LUA
}
cat > units.csv <<'CSV'
code,name,kind,parent
gop,Tỉnh Gộp,province,
gop/a,Xã A,commune,gop
CSV
printf 'code,name,unit,kind,category,field,level,year,registration,started_on\n' > models.csv
for i in 1 2 3; do echo "G-$i,Mô hình $i,gop/a,tap-the,mo-hinh,kinh-te,co-so,2025,moi,2020-01-01" >> models.csv; done
D="$DVK --quiet --scripts s"
province '"ngắn"' '"ngắn"'
$D init > /dev/null; $D import units units.csv > /dev/null; $D import models models.csv > /dev/null
province 'string.rep("x", 1 << 20)' '"ngắn"'
$D decide --province gop --year 2025 --level co-so; echo "a 1 MiB reason: exit $?"
province 'nil' 'string.rep("y", 256 << 10)'
sed -i 's/return false, nil/return true/' s/provinces/gop.lua
$D decide --province gop --year 2025 --level co-so; echo "a 256 KiB note: exit $?"
echo "runs stored: $($D -e 'print(#dvk.runs{province = "gop"})')"
province 'nil' '"ngắn"'
sed -i 's/return false, nil/return true/' s/provinces/gop.lua
$D decide --province gop --year 2025 --level co-so > /dev/null; echo "a decision with short notes: exit $?"
$D report 1 bieu-do --format html -o chart.html; echo "a chart of 4,000 x 1,000: exit $?"
[ -e chart.html ] && echo "chart.html written" || echo "no chart.html"
