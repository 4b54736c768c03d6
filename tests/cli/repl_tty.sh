# dvk repl on a terminal (a tmux pseudo-terminal): the banner and prompts, tab completion of
# globals, dvk.* functions, query methods, filter names and model fields, multi-line input
# with the continuation prompt, box tables, an error followed by a good command, Ctrl-C
# stopping a long loop, Ctrl-C clearing a half-typed statement, history in ~/.dvk_history,
# and two Ctrl-C at an empty prompt leaving with status 0.
. "$SRC/tests/cli/repl_fixture.inc"
TM="tmux -L dvk-golden-$$ -f /dev/null"
trap '$TM kill-server 2>/dev/null' EXIT
screen() {
  $TM capture-pane -p -J -S - -t dvk |
    awk '{ l[NR] = $0 } /[^ ]/ { last = NR } END { for (i = 1; i <= last; i++) print l[i] }'
}
# wait until the screen shows TEXT at least N times (default 1); the ceiling (2 minutes) is
# only how long a real failure takes to report, so a loaded machine or a sanitizer build
# never fails the test by being slow
wait_for() {
  n=0
  while [ "$(screen | grep -cF -- "$1")" -lt "${2:-1}" ]; do
    n=$((n + 1))
    if [ $n -gt 2400 ]; then echo "timeout waiting for: $1"; screen; exit 1; fi
    sleep 0.05
  done
}
keys() { $TM send-keys -t dvk "$@"; }
type_line() { $TM send-keys -t dvk -l "$1"; $TM send-keys -t dvk Enter; }

$TM new-session -d -s dvk -x 150 -y 50 -c "$PWD" \
  "env HOME='$PWD' LC_ALL=C.UTF-8 TERM=xterm '$DVK' --db dvk.db repl; echo \"[dvk exited with status \$?]\"; sleep 60"
wait_for "dvk> "
# completion: a unique global, then the dvk functions, then a query's methods
keys -l "dvk.mod"; keys Tab; wait_for "dvk> dvk.models"
keys -l '{search="duong"}:co'; keys Tab; wait_for ':count'
keys -l "()"; keys Enter; wait_for "dvk> " 2
keys -l "dvk.un"; keys Tab; wait_for "dvk.units"  # dvk.u: units, upper
keys C-u; keys -l "dvk.r"; keys Tab; wait_for "result"
keys C-u
# filter names inside dvk.models{...}
keys -l 'dvk.models{prov'; keys Tab; wait_for '{province = '
keys -l '"bac-kan", ye'; keys Tab; wait_for 'year = '
keys -l '2024}:count()'; keys Enter; wait_for "dvk> " 4
# the fields of a model after a call
keys -l 'dvk.models{code = "BK-2"}:first().na'; keys Tab; wait_for ':first().name'
keys Enter; wait_for "Đường làng sáng xanh"
# multi-line input
type_line "for i = 1, 3 do"; wait_for "...> "
type_line "  print('line ' .. i)"; wait_for "...> " 2
type_line "end"; wait_for "line 3"
# a table, an error, then a good command
type_line 'dvk.models{field = "nong-thon-moi"}'; wait_for "└"
type_line "nosuch.call()"; wait_for "unknown global 'nosuch'"
type_line "6 * 7"; wait_for "42"
# Ctrl-C stops a long loop and the session goes on
type_line 'print("looping") while true do end'; wait_for "looping" 2; keys C-c
wait_for "interrupted"
type_line '"after the interrupt"'; wait_for "after the interrupt" 2
# Ctrl-C clears a half-typed statement
type_line "if true then"; wait_for "...> " 3
keys C-c; wait_for "^C"
type_line "1 + 1"; wait_for "2"
# two Ctrl-C at an empty prompt leave
keys C-c; wait_for "(Ctrl-C again or Ctrl-D to leave)"
keys C-c; wait_for "[dvk exited"
screen
echo "--- history"
cat .dvk_history
