# verify_receipt: what was signed stays true. `dvk runs finalize --receipt FILE` writes a
# receipt (run, decision, digest, the audit log's count and head before the finalize record,
# that record's hash, the fingerprint); `dvk verify --receipt FILE` checks the database
# against it. Each attack below is made on a copy by someone who knows the schema (triggers
# dropped, then put back so the schema check passes) and, where the text says so, passes
# `dvk verify` alone; every one fails against the receipt. Hashes and fingerprints depend on
# the audit log's time stamps, so they are shown as HASH and FFFF-FFFF-FFFF-FFFF.
. "$SRC/tests/robust/lib.sh"
need_sqlite3
mask() { sed -e 's/[0-9a-f]\{64\}/HASH/g' -e 's/[0-9a-f]\{16\}\.\.\./HASH16.../g' \
             -e 's/[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}/FFFF-FFFF-FFFF-FFFF/g'; }
# run CMD...: run it, print its output masked and its exit status.
run() { "$@" >o.txt 2>&1; st=$?; mask < o.txt; echo "exit $st"; }
seed_example dvk.db 60
"$DVK" --quiet decide --province example --year 2023 --level co-so >/dev/null || fail "decide"
echo "== finalize with a receipt"
run "$DVK" runs finalize 1 --number "12/QĐ-BDVTU" --date 2024-01-15 --receipt receipt.json
mask < receipt.json
fp=$(sed -n 's/.*"fingerprint": "\(.*\)".*/\1/p' receipt.json)
echo "== the fingerprint is the one the decision prints"
"$DVK" report 1 quyet-dinh | grep -c "Mã kiểm tra: $fp"
echo "== runs receipt writes the same receipt again"
"$DVK" runs receipt 1 -o again.json && cmp receipt.json again.json && echo same
"$DVK" runs receipt 1 | cmp - receipt.json && echo "same on standard output"
run "$DVK" verify --receipt receipt.json
echo "== refusals"
"$DVK" runs receipt 1 -o dvk.db; echo "exit $?"
"$DVK" --quiet decide --province example --year 2023 --level huyen >/dev/null || fail "decide 2"
"$DVK" runs receipt 2; echo "exit $?"
"$DVK" runs finalize 2 --number 13 --date 2024-01-16 --receipt dvk.db; echo "exit $?"
"$DVK" runs show 2 | head -1 | grep -o "draft"
"$DVK" verify --receipt missing.json; echo "exit $?"
echo '{"receipt": "something else"}' > other.json
run "$DVK" verify --receipt other.json
# the fingerprint's first digit changed, whatever it is (0 becomes 1, anything else 0)
sed 's/"fingerprint": "0/"fingerprint": "X/; s/"fingerprint": "[1-9a-f]/"fingerprint": "0/; s/"fingerprint": "X/"fingerprint": "1/' receipt.json > edited.json
cmp -s receipt.json edited.json && echo "the edit changed nothing"
run "$DVK" verify --receipt edited.json
rm -f other.db; "$DVK" --quiet --db other.db init
run "$DVK" --db other.db verify --receipt receipt.json

# attack NAME SQL [dvk commands after the triggers are back]: on a copy, drop every trigger,
# apply SQL, put the triggers back, run the commands; then dvk verify alone and with the
# receipt.
attack() {
  fresh_copy dvk.db t.db
  sqlite3 t.db "SELECT sql || ';' FROM sqlite_master WHERE type = 'trigger'" > triggers.sql
  sqlite3 t.db "SELECT 'DROP TRIGGER ' || name || ';' FROM sqlite_master WHERE type = 'trigger'" | sqlite3 t.db
  sqlite3 t.db "$2" || fail "$1: the edit itself failed"
  sqlite3 t.db < triggers.sql || fail "$1: the triggers could not be put back"
  [ -n "${3:-}" ] && { eval "$3" || fail "$1: $3"; }
  echo "== $1"
  "$DVK" --db t.db verify >out.txt 2>&1; echo "verify alone: exit $?"; mask < out.txt | sed 's/^/  /'
  "$DVK" --db t.db verify --receipt receipt.json >out.txt 2>&1; echo "verify --receipt: exit $?"
  mask < out.txt | grep -v "^ok:" | sed 's/^/  /'
}
# The whole run forged: set back to draft with its finalize record (and everything after it)
# removed, every candidate marked recognised, then finalized again by dvk with the same
# number and date: a new digest, a new finalize record, a chain that verifies.
attack "full forgery: results changed and the run finalized again" \
  "DELETE FROM audit_log WHERE id >= 4; UPDATE runs SET status = 'draft', digest = NULL WHERE id = 1;
   UPDATE results SET recognised = 1, outcome = 'cong-nhan' WHERE run = 1" \
  '"$DVK" --db t.db runs finalize 1 --number "12/QĐ-BDVTU" --date 2024-01-15 >/dev/null'
# The log's end removed and the run set back to draft: nothing in the file says so.
attack "truncation: the finalize record removed, the run a draft again" \
  "DELETE FROM audit_log WHERE id >= 4; UPDATE runs SET status = 'draft', digest = NULL WHERE id = 1"
# The same, and the run finalized again unchanged: same digest, but the log it was signed
# with is gone (every record removed, the chain restarted at the new finalize record).
attack "log rewritten: every record removed, the unchanged run finalized again" \
  "DELETE FROM audit_log; UPDATE runs SET status = 'draft', digest = NULL WHERE id = 1" \
  '"$DVK" --db t.db runs finalize 1 --number "12/QĐ-BDVTU" --date 2024-01-15 >/dev/null'
# Records from the decide record on replaced: as many records as before, other hashes.
attack "log rewritten: the decide record replaced, the run finalized again" \
  "DELETE FROM audit_log WHERE id >= 3; UPDATE runs SET status = 'draft', digest = NULL WHERE id = 1;
   DELETE FROM result_scores_packed WHERE run = 2; DELETE FROM results WHERE run = 2;
   DELETE FROM runs WHERE id = 2" \
  '"$DVK" --db t.db runs finalize 1 --number "12/QĐ-BDVTU" --date 2024-01-15 >/dev/null &&
   "$DVK" --db t.db --quiet decide --province example --year 2023 --level huyen >/dev/null'
attack "the decision date changed and the run finalized again" \
  "DELETE FROM audit_log WHERE id >= 4; UPDATE runs SET status = 'draft', digest = NULL WHERE id = 1" \
  '"$DVK" --db t.db runs finalize 1 --number "12/QĐ-BDVTU" --date 2024-01-16 >/dev/null'
attack "the run deleted with its records" \
  "DELETE FROM result_scores_packed WHERE run = 1; DELETE FROM results WHERE run = 1;
   DELETE FROM runs WHERE id = 1;
   DELETE FROM audit_log WHERE id >= 4"
