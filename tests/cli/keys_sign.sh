# keys_sign: the office's signing key. `dvk keys new` writes the private key (mode 0600,
# never over an existing file) and the public key line; `dvk runs finalize --sign` signs the
# decision (run, province, year, level, unit, number, date, run digest, the audit chain's
# count and head before the finalize record) in its finalize record and receipt; `dvk runs
# receipt N --sign` signs a run made final without it; `dvk verify --key PUBFILE` checks every
# final run against the public key the office gives (unsigned, another key and forged runs
# fail, one line each), and with --receipt the receipt's signature too. A forger who drops
# the triggers, changes a final run, and recomputes its digest, fingerprint and the whole
# audit chain passes `dvk verify` alone but not `dvk verify --key`: the signature needs the
# office's private key. Keys, hashes and signatures are random or depend on time stamps:
# shown as KEY, HASH, SIG; the two keys' fingerprints as OFFICE and OTHER, any other
# fingerprint as FFFF-FFFF-FFFF-FFFF.
. "$SRC/tests/robust/lib.sh"
need_sqlite3
OFFICE=none OTHER=none
mask() { sed -e "s/$OFFICE/OFFICE/g" -e "s/$OTHER/OTHER/g" \
             -e 's/dvk-ed25519 [A-Za-z0-9+\/]\{43\}=/dvk-ed25519 KEY/g' \
             -e 's/[A-Za-z0-9+\/]\{86\}==/SIG/g' -e 's/[0-9a-f]\{64\}/HASH/g' \
             -e 's/[0-9a-f]\{16\}\.\.\./HASH16.../g' \
             -e 's/[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}/FFFF-FFFF-FFFF-FFFF/g'; }
# run CMD...: run it, print its output masked and its exit status.
run() { "$@" >o.txt 2>&1; st=$?; mask < o.txt; echo "exit $st"; }

echo "== keys new: the private key (mode 0600) and the public key line"
run "$DVK" keys new -o office.key
OFFICE=$("$DVK" keys show office.key.pub | sed -n 's/^fingerprint //p')
stat -c '%a %n' office.key office.key.pub
grep -c '^dvk-ed25519 [A-Za-z0-9+/]\{43\}=$' office.key.pub
head -1 office.key
echo "== keys show: the same key from either file"
"$DVK" keys show office.key > show1.txt && "$DVK" keys show office.key.pub | cmp - show1.txt && echo same
mask < show1.txt
echo "== keys new never replaces a file"
cp office.key office.key.bak
run "$DVK" keys new -o office.key
cmp office.key office.key.bak && echo "office.key unchanged"
touch taken.key.pub
run "$DVK" keys new -o taken.key
ls taken.key 2>/dev/null || echo "taken.key not created"
run "$DVK" keys new -o -
run "$DVK" keys show
run "$DVK" keys show missing.key
echo "not a key" > text.key
run "$DVK" keys show text.key
"$DVK" keys new -o other.key >/dev/null || fail "keys new other"
OTHER=$("$DVK" keys show other.key | sed -n 's/^fingerprint //p')
[ "$OTHER" != "$OFFICE" ] || fail "two keys with one fingerprint"

seed_example dvk.db 60
echo "== no final run yet"
run "$DVK" verify --key office.key.pub
"$DVK" --quiet decide --province example --year 2023 --level co-so >/dev/null || fail "decide"
echo "== a wrong key file changes nothing"
run "$DVK" runs finalize 1 --number "12/QĐ-BDVTU" --date 2024-01-15 --sign office.key.pub
run "$DVK" runs finalize 1 --number "12/QĐ-BDVTU" --date 2024-01-15 --sign missing.key
"$DVK" runs show 1 | head -1 | grep -o "draft"
run "$DVK" runs --sign office.key
run "$DVK" runs show 1 --sign office.key
echo "== finalize --sign: the signature in the finalize record and the receipt"
run "$DVK" runs finalize 1 --number "12/QĐ-BDVTU" --date 2024-01-15 --receipt receipt.json --sign office.key
mask < receipt.json
sqlite3 dvk.db "SELECT action, json_extract(detail, '$.signed_by') FROM audit_log WHERE id = 4" | mask
"$DVK" runs receipt 1 | cmp - receipt.json && echo "runs receipt writes the same receipt"
cp dvk.db signed.db
echo "== verify --key with the office's key, either file"
run "$DVK" verify --key office.key.pub
run "$DVK" verify --key office.key
run "$DVK" verify --receipt receipt.json --key office.key.pub
echo "== verify --key with another key"
run "$DVK" verify --key other.key.pub
run "$DVK" verify --receipt receipt.json --key other.key.pub
run "$DVK" verify --key text.key
echo "== the receipt's signature edited"
# the signature's first character changed, whatever it is (A becomes B, anything else A)
sed 's/"signature": "A/"signature": "*/; s/"signature": "[B-Za-z0-9+/]/"signature": "A/; s/"signature": "\*/"signature": "B/' \
  receipt.json > edited.json
cmp -s receipt.json edited.json && echo "the edit changed nothing"
run "$DVK" verify --receipt edited.json --key office.key.pub
grep -v '"signatures"\|signed_by\|^  \]' receipt.json | sed 's/"fingerprint": \(.*\),$/"fingerprint": \1/' > unsigned.json
run "$DVK" verify --receipt unsigned.json --key office.key.pub
echo "== an unsigned final run is reported, then signed after the fact"
"$DVK" --quiet decide --province example --year 2023 --level huyen >/dev/null || fail "decide 2"
"$DVK" runs finalize 2 --number 13 --date 2024-01-16 >/dev/null || fail "finalize 2"
run "$DVK" verify --key office.key.pub
run "$DVK" runs receipt 2 --sign office.key -o receipt2.json
grep -c '"signed_by"' receipt2.json
run "$DVK" runs receipt 2 --sign office.key -o receipt2b.json
cmp receipt2.json receipt2b.json && echo "the same receipt"
sqlite3 dvk.db "SELECT id, action FROM audit_log WHERE id > 4" | mask
run "$DVK" verify --key office.key.pub
run "$DVK" verify --receipt receipt2.json --key office.key.pub
"$DVK" --quiet decide --province example --year 2023 --level co-so >/dev/null || fail "decide 3"
run "$DVK" runs receipt 3 --sign office.key
run "$DVK" runs receipt 9 --sign office.key

# Attacks on copies of signed.db (run 1 final and signed, nothing after it), by someone who
# has the file and dvk but not the private key: every trigger dropped, SQL applied, the
# commands run, the triggers put back (so the schema check passes).
nl='
'
Z=0000000000000000000000000000000000000000000000000000000000000000
# rechain DB: recompute every audit record from the first as dvk would (the fingerprint of
# each finalize record, then prev_hash and hash), so that the chain verifies again.
rechain() {
  prev=$Z
  for id in $(sqlite3 "$1" "SELECT id FROM audit_log ORDER BY id"); do
    if [ "$(sqlite3 "$1" "SELECT action FROM audit_log WHERE id = $id")" = finalize ]; then
      digest=$(sqlite3 "$1" "SELECT json_extract(detail, '$.digest') FROM audit_log WHERE id = $id")
      fp=$(printf '%s\n%s\n%s\n' "$digest" $((id - 1)) "$prev" | sha256sum | cut -c1-16 |
           sed 's/\(....\)\(....\)\(....\)\(....\)/\1-\2-\3-\4/')
      sqlite3 "$1" "UPDATE audit_log SET detail = json_set(detail, '$.fingerprint', '$fp') WHERE id = $id"
    fi
    h=$(sqlite3 -separator "$nl" "$1" "SELECT '$prev', id, at, actor, action, detail FROM audit_log WHERE id = $id" |
        sha256sum | cut -c1-64)
    sqlite3 "$1" "UPDATE audit_log SET prev_hash = '$prev', hash = '$h' WHERE id = $id"
    prev=$h
  done
}
SIG1=$(sqlite3 signed.db "SELECT json_extract(detail, '$.signature') FROM audit_log WHERE id = 4")
drop_triggers() {
  sqlite3 t.db "SELECT 'DROP TRIGGER ' || name || ';' FROM sqlite_master WHERE type = 'trigger'" | sqlite3 t.db
}
# attack NAME SQL [COMMANDS [EDIT]]: on a copy, SQL with the triggers dropped; then the dvk
# COMMANDS (triggers back: dvk refuses a foreign schema); then EDIT, shell with the triggers
# dropped again; then dvk verify alone and with the office's key.
attack() {
  fresh_copy signed.db t.db
  sqlite3 t.db "SELECT sql || ';' FROM sqlite_master WHERE type = 'trigger'" > triggers.sql
  drop_triggers
  sqlite3 t.db "$2" || fail "$1: the edit itself failed"
  sqlite3 t.db < triggers.sql || fail "$1: the triggers could not be put back"
  [ -n "${3:-}" ] && { eval "$3" || fail "$1: $3"; }
  if [ -n "${4:-}" ]; then
    drop_triggers
    eval "$4" || fail "$1: $4"
    sqlite3 t.db < triggers.sql || fail "$1: the triggers could not be put back"
  fi
  echo "== attack: $1"
  "$DVK" --db t.db verify >out.txt 2>&1; echo "verify alone: exit $?"; mask < out.txt | sed 's/^/  /'
  "$DVK" --db t.db verify --key office.key.pub >out.txt 2>&1; echo "verify --key: exit $?"
  mask < out.txt | grep -v "^ok:" | sed 's/^/  /'
}
FORGE="DELETE FROM audit_log WHERE id >= 4; UPDATE runs SET status = 'draft', digest = NULL WHERE id = 1;
       UPDATE results SET recognised = 1, outcome = 'cong-nhan' WHERE run = 1"
REFINAL='"$DVK" --db t.db runs finalize 1 --number "12/QĐ-BDVTU" --date 2024-01-15 >/dev/null'
COPY="sqlite3 t.db \"UPDATE audit_log SET detail = json_set(detail, '\$.signature', '$SIG1', '\$.signed_by',
      '$OFFICE') WHERE action = 'finalize'\" && rechain t.db"
# Every candidate recognised, finalized again by dvk (a new digest, a chain that verifies),
# unsigned.
attack "results changed and finalized again, unsigned" "$FORGE" "$REFINAL"
# The same, signed with a key the forger made.
attack "results changed and signed with the forger's own key" "$FORGE" \
  '"$DVK" --db t.db runs finalize 1 --number "12/QĐ-BDVTU" --date 2024-01-15 --sign other.key >/dev/null'
# The same, the office's signature and key fingerprint copied into the new finalize record
# and the chain recomputed.
attack "results changed, digest and chain recomputed, the office's signature copied" "$FORGE" \
  "$REFINAL" "$COPY"
# The results untouched, the decision number changed: finalized again with another number,
# the office's signature copied, the chain recomputed.
attack "the decision number changed, the office's signature copied" \
  "DELETE FROM audit_log WHERE id >= 4; UPDATE runs SET status = 'draft', digest = NULL WHERE id = 1" \
  '"$DVK" --db t.db runs finalize 1 --number 99/QĐ-BDVTU --date 2024-01-15 >/dev/null' "$COPY"
# The run untouched; a record before the decision (the models import) edited and the whole
# chain recomputed, fingerprints included: the head the office signed is gone.
attack "an earlier audit record edited, every hash and fingerprint recomputed" \
  "UPDATE audit_log SET detail = json_set(detail, '$.rows', 59) WHERE id = 2" "" "rechain t.db"
# The signature's label changed to another key: still the office's key's signature, found.
attack "signed_by relabelled (the signature itself untouched)" \
  "UPDATE audit_log SET detail = json_set(detail, '$.signed_by', '$OTHER') WHERE id = 4" "" "rechain t.db"
