# robust_sandbox_budget: work inside C library functions counts against the one budget of a
# province call (the count hook only runs between VM instructions, and each of these is one
# call): every attack below is the top-level code of a province file under `dvk decide`
# with the shipped limits, and each must end with the budget's error naming the function,
# not run for minutes. The messages are compared, never the time taken.
. "$SRC/tests/robust/lib.sh"
"$DVK" --quiet init >/dev/null
printf 'code,name,kind,parent\nexample,Tỉnh Mẫu,province,\n' > units.csv
"$DVK" --quiet import units units.csv
mkdir -p s/provinces
attack() {
  printf '%s\n' "$1" > s/provinces/example.lua
  "$DVK" --scripts s decide --province example --year 2023 --level co-so 2>&1 | head -1
}
attack 'table.move({}, 1, math.maxinteger - 1, 1, {})'
attack 'local t = setmetatable({}, {__len = function() return 1 << 40 end}) table.insert(t, 1, 1)'
attack 'local t = setmetatable({}, {__len = function() return math.maxinteger end}) table.remove(t, 1)'
attack 'return table.concat(setmetatable({}, {__index = function() return "" end}), "", 1, math.maxinteger)'
attack 'for i = 1, 1000 do local s = string.rep("x", 16 << 20) end'
attack 'local s = string.rep("a", 22) return s:find(string.rep("a?", 40) .. s)'
attack 'return string.rep("a", 30000):find("(.-)%1b")'
attack 'local s = string.rep("x", 8 << 20) while true do local t = s .. s end'
attack 'local s = string.rep("é", 1 << 20) while true do utf8.len(s) end'
attack 'local t = {} for i = 1, 200000 do t[i] = -i end while true do table.sort(t) end'
# string.rep of nothing is no work at all: the province then fails for what it is
attack 'local s = string.rep("", math.maxinteger) return s'
