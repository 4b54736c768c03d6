# dvk exec FILE.lua [ARGS] with the `arg` table and `...`; an error points into the user's
# file with a traceback and exit 1; dvk -e one-liners print expressions; a missing file or
# argument; the sandbox holds in batch too.
. "$SRC/tests/cli/repl_fixture.inc"
cat > by_field.lua <<'LUA'
-- models of a year by field: dvk exec by_field.lua YEAR
local year = tonumber(arg[1])
print("script:", arg[0], "arguments:", #arg, "vararg:", ...)
for _, g in ipairs(dvk.models{year = year}:group_by("field")) do
  print(g.field, g.count)
end
print(dvk.models{year = year})
LUA
"$DVK" exec by_field.lua 2024 extra
echo "exit $?"
cat > broken.lua <<'LUA'
local function funds(m)
  return m.metrics.funds_vnd / 1e9   -- BK-3 has no funds_vnd: nil
end
for m in dvk.models{} do
  print(m.code, funds(m))
end
LUA
"$DVK" exec broken.lua
echo "exit $?"
echo 'return io.open("/etc/passwd")' > escape.lua
"$DVK" exec escape.lua
echo "exit $?"
echo 'local m = dvk.models{code = "BK-1"}:first() m.year = 1999' > write.lua
"$DVK" exec write.lua
echo "exit $?"
"$DVK" exec missing.lua
echo "exit $?"
"$DVK" exec
echo "exit $?"
"$DVK" -e 'dvk.models{search = "dan van"}:count()'
echo "exit $?"
"$DVK" -e 'dvk.models{search = "lang"}:list()'
echo "exit $?"
"$DVK" -e 'x = 1'
echo "exit $?"
"$DVK" -e 'error("boom")'
echo "exit $?"
"$DVK" -e 'return 1 +'
echo "exit $?"
"$DVK" --db nowhere.db -e '1 + 1'
echo "exit $?"
"$DVK" --db nowhere.db -e 'dvk.models{}'
echo "exit $?"
