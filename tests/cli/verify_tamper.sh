# verify_tamper: a final run cannot be edited through SQLite (triggers refuse it); with the
# triggers dropped, any edit of its results, scores, decision or of the audit log is found by
# `dvk verify` (the audit hash chain and the run digest), which exits 1.
. "$SRC/tests/robust/lib.sh"
need_sqlite3
seed_example dvk.db 60
"$DVK" --quiet decide --province example --year 2023 --level co-so >/dev/null || fail "decide"
"$DVK" runs finalize 1 --number "12/QĐ-BDVTU" --date 2024-01-15 >/dev/null || fail "finalize"
"$DVK" verify >v.txt 2>&1; st=$?; sed "s/head [0-9a-f]*/head HASH/" v.txt; echo "verify: exit $st"
m=$(sqlite3 dvk.db "SELECT model FROM results WHERE run = 1 ORDER BY model LIMIT 1")
echo "== edits refused by triggers"
for sql in "UPDATE results SET total = 99 WHERE run = 1 AND model = $m" \
           "DELETE FROM results WHERE run = 1 AND model = $m" \
           "INSERT INTO results(run,model,eligible,total,outcome,outcome_index,rank,recognised,exemplary,proposed) SELECT 1, id, 1, 99, 'tieu-bieu', 0, 1, 1, 1, 1 FROM models WHERE id NOT IN (SELECT model FROM results WHERE run = 1) LIMIT 1" \
           "UPDATE result_scores SET points = 0 WHERE run = 1 AND model = $m" \
           "DELETE FROM result_scores WHERE run = 1" \
           "UPDATE runs SET status = 'draft' WHERE id = 1" \
           "UPDATE runs SET decision_number = '13/QĐ-BDVTU' WHERE id = 1" \
           "DELETE FROM runs WHERE id = 1" \
           "UPDATE audit_log SET actor = 'someone' WHERE id = 1" \
           "DELETE FROM audit_log"; do
  sqlite3 dvk.db "$sql" >/dev/null 2>err.txt && echo "ACCEPTED: $sql"
  grep -o "run is final.*\|the audit log cannot be changed" err.txt | sed 's/ (19)$//'
done
"$DVK" verify >v.txt 2>&1; st=$?; sed "s/head [0-9a-f]*/head HASH/" v.txt; echo "verify: exit $st"

# tamper NAME SQL: on a copy, drop every trigger, apply SQL, put the triggers back as they
# were (a forger who knows the schema check), then dvk verify.
tamper() {
  fresh_copy dvk.db t.db
  sqlite3 t.db "SELECT sql || ';' FROM sqlite_master WHERE type = 'trigger'" > triggers.sql
  sqlite3 t.db "SELECT 'DROP TRIGGER ' || name || ';' FROM sqlite_master WHERE type = 'trigger'" | sqlite3 t.db
  sqlite3 t.db "$2" || fail "$1: the edit itself failed"
  sqlite3 t.db < triggers.sql || fail "$1: the triggers could not be put back"
  "$DVK" --db t.db verify >out.txt 2>&1; st=$?
  echo "== $1: verify exit $st"
  [ -n "${3:-}" ] && { grep -q "$3" out.txt && echo "names $3" || cat out.txt; } || cat out.txt
}
echo "== with the triggers dropped, each edit is detected"
tamper "no edit" "SELECT 1" >/dev/null
"$DVK" --db t.db verify >/dev/null; echo "triggers dropped and put back, nothing edited: verify exit $?"
# A database whose schema is not dvk's own is refused when opened, by every command (issue
# 12): a trigger missing, a foreign trigger that flips outcomes, a replaced view.
schema() {
  fresh_copy dvk.db t.db
  sqlite3 t.db "$2" || fail "$1: the edit itself failed"
  "$DVK" --db t.db verify >o.txt 2>&1; st=$?; sed 's/^/  /' o.txt; echo "== schema: $1: verify exit $st"
  "$DVK" --db t.db runs >/dev/null 2>&1; echo "   runs exit $?"
}
schema "a trigger dropped" "DROP TRIGGER results_final_update"
schema "a foreign trigger" "CREATE TRIGGER flip AFTER INSERT ON results BEGIN UPDATE results SET outcome = 'tieu-bieu' WHERE rowid = NEW.rowid; END"
schema "a replaced view" "DROP VIEW current_runs; CREATE VIEW current_runs AS SELECT * FROM runs"
schema "an index added" "CREATE INDEX extra ON models(name)"
schema "a table added" "CREATE TABLE notes(x)"
# The bulk importer used to run the CREATE INDEX text stored in the file: an index whose
# stored SQL carries more statements is refused at open, and dvk rebuilds indexes from its
# own SQL.
schema "an index's stored SQL rewritten" "PRAGMA writable_schema = ON; UPDATE sqlite_master SET sql = 'CREATE INDEX models_pyl ON models(province, year, level); DELETE FROM audit_log' WHERE name = 'models_pyl'"
tamper "a total" "UPDATE results SET total = total + 1 WHERE run = 1 AND model = $m"
tamper "an outcome" "UPDATE results SET outcome = 'tieu-bieu', recognised = 1 WHERE run = 1 AND model = $m"
tamper "a result removed" "DELETE FROM results WHERE run = 1 AND model = $m"
tamper "a criterion's points" "UPDATE result_scores SET points = max WHERE run = 1 AND model = $m AND criterion = 'hieu-qua'"
tamper "the decision number" "UPDATE runs SET decision_number = '13/QĐ-BDVTU' WHERE id = 1"
tamper "the digest replaced" "UPDATE results SET total = total + 1 WHERE run = 1 AND model = $m; UPDATE runs SET digest = '0000000000000000000000000000000000000000000000000000000000000000' WHERE id = 1"
tamper "an audit record" "UPDATE audit_log SET actor = 'someone' WHERE id = 2"
tamper "an audit record removed" "DELETE FROM audit_log WHERE id = 2"
# A run made final once must stay final: its finalize record is in the chained log. (The
# message is the store's to word; the case asks only that verify fails and names the run.)
tamper "the run made draft again" "UPDATE runs SET status = 'draft' WHERE id = 1" "run 1"
tamper "made draft, then edited" "UPDATE runs SET status = 'draft' WHERE id = 1; UPDATE results SET total = 0 WHERE run = 1" "run 1"
# What the file alone cannot show: the log's end removed (the finalize record) and the run set
# back to draft leaves a consistent database, and verify passes. The head and count verify
# prints, a receipt or the fingerprint on the decision catch it (tests/cli/verify_receipt.sh).
tamper "the log's end removed, the run a draft again" \
  "DELETE FROM audit_log WHERE id >= 4; UPDATE runs SET status = 'draft' WHERE id = 1" > o.txt
sed "s/head [0-9a-f]*/head HASH/" o.txt
echo "== since finalize writes one, each finalize record holds the run's fingerprint"
sqlite3 dvk.db "SELECT json_extract(detail, '\$.fingerprint') GLOB '[0-9a-f][0-9a-f][0-9a-f][0-9a-f]-*' FROM audit_log WHERE action = 'finalize'"
