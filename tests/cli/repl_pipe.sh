# dvk repl reading a pipe: no prompts; expressions print without `return` (and after "=");
# statements over several lines; tables in each .mode; an error, then a good command (the
# session goes on); dot-commands; exit status 1 because some lines failed.
. "$SRC/tests/cli/repl_fixture.inc"
cat > helpers.lua <<'LUA'
function per_model(q)
  return q:count() > 0 and q:group_by("kind")[1].count / q:count() or 0
end
LUA
"$DVK" repl <<'LUA'
1 + 1
= "leading equals"
dvk.models{province = "bac-kan"}:count()
dvk.models{search = "dan van kheo"}
dvk.models{search = "ĐƯỜNG LÀNG"}:first().name
-- a statement over several lines
total = 0
for m in dvk.models{unit = "bac-kan/cho-don"} do
  total = total + m.metrics.participants
end
total
dvk.models{}:group_by("field")
#dvk.models{year = 2024}
-- injection attempts are plain text
dvk.models{search = '"Tổ hòa giải" 100%'}:first().code
dvk.models{search = "_"}:first().code
dvk.models{search = "x'; DROP TABLE models; --"}:count()
-- errors name the input line, and the session goes on
dvk.models{provnce = "bac-kan"}
nosuch.call()
for i = 1, 2 do
  print(i))
"still here"
.mode markdown
dvk.models{year = 2024, limit = 2}
.mode csv
dvk.units{parent = "bac-kan"}
.mode json
dvk.models{code = "BK-4"}
.mode box
dvk.models{kind = "ca-nhan"}
.mode table
dvk.models{code = "BK-1"}:first()
dvk.models{level = "co-so", registration = "moi"}:sql()
.read helpers.lua
per_model(dvk.models{province = "bac-kan"})
.output saved.txt
dvk.models{year = 2023}:count()
print("printed into the file too")
.output
.read missing.lua
.mode
.bogus
.province
.tables
.schema result_scores
.quit
"not reached"
LUA
echo "exit $?"
cat saved.txt
