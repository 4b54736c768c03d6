# robust_sandbox_determinism: the same script on the same data gives the same output in 20
# separate processes (ASLR on, and an environment of a different size each time, so that
# heap and stack addresses move): pairs over every key type the sandbox orders, the refusal
# of table and function keys (whose only order is their address), a sort with many ties,
# and tostring / string.format / error messages of tables, functions and coroutines. Not
# timing-based: the outputs are compared byte for byte.
. "$SRC/tests/robust/lib.sh"
"$DVK" --quiet init >/dev/null || fail "dvk init"
cat > order.lua <<'LUA'
-- keys of every orderable type, inserted in a scrambled order
local t, x = {}, 7
for i = 1, 200 do
  x = (x * 7919 + 13) % 10007
  t["k" .. x] = i
  t[x] = i
  t[x + 0.5] = i
end
t[true], t[false], t[math.maxinteger], t[2^63], t[math.mininteger] = 1, 2, 3, 4, 5
local keys = {}
for k in pairs(t) do keys[#keys + 1] = tostring(k) end
print("pairs:", #keys, table.concat(keys, " ", 1, 12), "...", table.concat(keys, " ", #keys - 6))
-- keys whose only order is their address: refused, with the same message every time
for _, make in ipairs({ function() return {} end, function() return function() end end,
                        function() return coroutine.create(print) end }) do
  local u = {}
  for i = 1, 50 do u[make()] = i end
  local ok, err = pcall(function()
    local o = {}
    for _, v in pairs(u) do o[#o + 1] = v end
    return table.concat(o, ",")
  end)
  print("pairs over", type(make()), "keys:", ok, err)
end
-- a sort with many ties: equal elements keep their order
local r = {}
for i = 1, 500 do r[i] = { score = (i * 37) % 5, id = i } end
table.sort(r, function(a, b) return a.score > b.score end)
local ids = {}
for i = 1, 15 do ids[i] = r[i].id end
print("sorted:", table.concat(ids, " "))
-- no addresses in text
print("text:", tostring({}), tostring(print), tostring(coroutine.create(print)),
      string.format("%s|%s", {}, print))
print("error:", select(2, pcall(error, {})), select(2, pcall(function() return {} < {} end)))
LUA
i=0
while [ $i -lt 20 ]; do
  pad=$(printf "%0$((i * 37 + 1))d" 0)
  DVK_PAD=$pad "$DVK" exec order.lua > "out.$i" 2>&1 || { cat "out.$i"; fail "run $i failed"; }
  i=$((i + 1))
done
cat out.0
echo "20 runs, $(cat out.* | sort | uniq -c | awk '$1 != 20' | wc -l) lines that differ between runs"
cmp -s out.0 out.19 && echo "first and last run byte-identical"
