# robust_sandbox_capability: a province function never reaches a write operation nor the
# host's own functions and globals, whatever context loads it (issue 11, items 4 and 5). The
# province's criterion reports what it can see; dvk.score in batch (dvk -e) runs it; then
# the host hands it a writer explicitly, and calls a writer from a coroutine: each refused,
# and run 1 stays a draft.
set -e
mkdir -p s/provinces s/lib
cat > s/lib/goi.lua <<'LUA'
local M = {}
function M.goi(f, ...) return f(...) end   -- calls whatever the host hands it
return M
LUA
cat > s/provinces/gop.lua <<'LUA'

local function seen(ctx)
  local out = {}
  for _, name in ipairs({ "finalize", "decide", "models", "runs", "score", "result" }) do
    out[#out + 1] = name .. "=" .. tostring(dvk[name] ~= nil)
  end
  out[#out + 1] = "_G.dvk.finalize=" .. tostring(_G.dvk.finalize ~= nil)
  out[#out + 1] = "host_global=" .. tostring(pcall(function() return bi_mat end))
  out[#out + 1] = "own_helpers=" .. tostring(dvk.clamp ~= nil and dvk.number ~= nil)
  return table.concat(out, " ")
end
return dvk.province {
  code = "gop", name = "Tỉnh Gộp", basis = "thử nghiệm",
  levels = { "co-so", "tinh" },
  fields = { { id = "kinh-te", name = "Kinh tế" } },
  gates = {},
  criteria = { { id = "diem", name = "Điểm", max = 100,
                 score = function(m, ctx) return 80, seen(ctx) end } },
  outcomes = { { id = "cong-nhan", name = "Công nhận", min = 50 },
               { id = "khong", name = "Không công nhận" } },
}
LUA
cat > units.csv <<'CSV'
code,name,kind,parent
gop,Tỉnh Gộp,province,
gop/a,Xã A,commune,gop
CSV
cat > models.csv <<'CSV'
code,name,unit,kind,category,field,level,year,registration,started_on
G-1,Mô hình một,gop/a,tap-the,mo-hinh,kinh-te,co-so,2025,moi,2020-01-01
CSV
D="$DVK --quiet --scripts s"
$D init > /dev/null
$D import units units.csv > /dev/null
$D import models models.csv > /dev/null
$D decide --province gop --year 2025 --level co-so > /dev/null
echo "what the criterion sees, scored from batch code that has a global of its own:"
$D -e 'bi_mat = "host"; print(dvk.score("G-1", "gop").scores[1].note)'
echo "a writer handed to library code by the host:"
$D -e 'local lib = dvk.require("goi"); print(pcall(lib.goi, dvk.finalize, 1, {number = "99/GIẢ", date = "2025-12-01"}))' 2>&1
echo "a writer called from a coroutine:"
$D -e 'print(pcall(coroutine.wrap(dvk.decide), {province = "gop", year = 2025, level = "co-so"}))' 2>&1
echo "run 1 is still a draft:"
$D -e 'print(dvk.runs{id = 1}[1].status)'
echo "the host's own line may write (a second run):"
$D -e 'dvk.decide{province = "gop", year = 2025, level = "co-so"}' > /dev/null
$D -e 'print(#dvk.runs{province = "gop"})'
