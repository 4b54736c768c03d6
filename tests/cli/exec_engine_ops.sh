# The engine's own operations from Lua (dvk.decide, dvk.finalize) and what reads their
# results (dvk.runs, dvk.result, dvk.explain, dvk.score, dvk.diff); a final run refuses a
# second finalize; dry runs store nothing.
. "$SRC/tests/cli/repl_fixture.inc"
cat > year.lua <<'LUA'
local dry = dvk.decide{province = "bac-kan", year = 2024, level = "co-so", dry_run = true}
print("dry run:", dry.run, dry.candidates, #dvk.runs{})
local sum = dvk.decide{province = "bac-kan", year = 2024, level = "co-so"}
print("run", sum.run, "candidates", sum.candidates, "recognised", sum.recognised)
print(dvk.format(dvk.runs{province = "bac-kan"}))
local r = dvk.result(sum.run, "BK-1")
print(r.code, r.eligible, r.total, r.outcome, r.rank, #r.scores)
print(dvk.explain(sum.run, "BK-2"))
print("score now:", dvk.score("BK-2").total)
print(dvk.format(dvk.score("BK-1")))
print(dvk.format(dvk.result(sum.run, "BK-2")))
local again = dvk.decide{province = "bac-kan", year = 2024, level = "co-so"}
local text, changed = dvk.diff(sum.run, again.run)
print("changed:", changed)
-- `again` is newer for the same scope: finalizing the older run needs superseded = true
print(pcall(dvk.finalize, sum.run, {number = "01-QĐ/BDVTU", date = "2024-12-20"}))
print(dvk.finalize(sum.run, {number = "01-QĐ/BDVTU", date = "2024-12-20", superseded = true}))
print(dvk.runs{id = sum.run}[1].status)
print(pcall(dvk.finalize, sum.run, {number = "02", date = "2024-12-21"}))
LUA
# (the run's start time and the scripts' digests change: masked)
"$DVK" exec year.lua > year.out
echo "exit $?"
sed -e 's/started [0-9TZ:-]*/started TIME/' -e 's/^scripts {.*}$/scripts DIGESTS/' year.out
"$DVK" -e 'dvk.result(1, "NO-SUCH")'
"$DVK" -e 'dvk.explain(99, "BK-1")'
echo "exit $?"
