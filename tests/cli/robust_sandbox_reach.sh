# robust_sandbox_reach: everything a province script can reach, walked from inside the
# province sandbox itself: every global, every member of every table reachable from them,
# metatables (getmetatable) of tables, functions and strings, to depth 4. The walk runs as
# the top-level code of a province file and reports through the error message of `dvk
# decide`. The list below must equal the sandbox's allow list (engine/script/sandbox.c) plus the
# dvk module: a new name reachable from a script shows up here as a diff to review.
. "$SRC/tests/robust/lib.sh"
"$DVK" --quiet init >/dev/null
printf 'code,name,kind,parent\nexample,Tỉnh Mẫu,province,\n' > units.csv
"$DVK" --quiet import units units.csv
mkdir -p s/provinces
# Error messages are capped (DVK_ERROR_MAX), so the list comes out in slices of 20 lines.
cat > walk.lua <<'LUA'
local seen, out = {}, {}
local function walk(v, path, depth)
  local t = type(v)
  out[#out + 1] = path .. " : " .. t
  if depth >= 4 or (t ~= "table" and t ~= "function" and t ~= "userdata") then return end
  if seen[v] then out[#out] = out[#out] .. " = " .. seen[v]; return end
  seen[v] = path
  local mt = getmetatable(v)
  if mt ~= nil then walk(mt, path .. " <metatable>", depth + 1) end
  if t == "table" then
    for k, x in pairs(v) do walk(x, path .. "." .. tostring(k), depth + 1) end
  end
end
for k, v in pairs(_G) do walk(v, k, 1) end
walk(getmetatable(""), "<string metatable>", 1)
table.sort(out)
local slice = {}
for i = FROM, math.min(FROM + 19, #out) do slice[#slice + 1] = out[i] end
if #slice == 0 then error("END " .. #out .. " names", 0) end
error("\n" .. table.concat(slice, "\n"), 0)
LUA
from=1
while :; do
  { echo "local FROM = $from"; cat walk.lua; } > s/provinces/example.lua
  "$DVK" --scripts s decide --province example --year 2023 --level co-so > out.txt 2>&1
  grep -q 'END [0-9]* names' out.txt && { grep -o 'END [0-9]* names' out.txt; break; }
  grep -v '^dvk: ' out.txt
  from=$((from + 20))
  [ $from -gt 2000 ] && { echo "runaway"; break; }
done
