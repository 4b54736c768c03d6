# .province and .reload: score a model with the province script, edit the script (a lower
# recognition threshold), .reload, and see the new outcome in the same session, where the
# globals set before the reload are still there. A broken edit is reported with its file and
# line, and the previous version stays loaded.
. "$SRC/tests/cli/repl_fixture.inc"
# The REPL reads the pipe line by line; each edit waits for a flag file that the REPL
# creates (.output FLAG) after the lines before it have run.
{
  printf '%s\n' '.province bac-kan' 'before = dvk.score("BK-2")' \
    'before.total, before.outcome' '.output edited.flag' '.output'
  while [ ! -f edited.flag ]; do sleep 0.05; done
  sed -i 's/min = 70,/min = 15,/' scripts/provinces/bac-kan.lua
  printf '%s\n' '.reload' 'after = dvk.score("BK-2")' 'after.total, after.outcome' \
    'before.outcome' '.output broken.flag' '.output'
  while [ ! -f broken.flag ]; do sleep 0.05; done
  printf 'return dvk.province {\n  code = "bac-kan",\n  levels = { "co-so" }\n  fields = {}\n}\n' \
    > scripts/provinces/bac-kan.lua
  printf '%s\n' '.reload' 'dvk.score("BK-2").outcome' '.province'
} | "$DVK" repl
echo "exit $?"
