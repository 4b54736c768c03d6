# The command line itself: help, usage errors and exit codes, a database that is missing,
# foreign or newer, and init.
run() { "$@" 2>&1 | sed "s|$SRC|\$SRC|g; s|$PWD|\$PWD|g"; }
code() { "$@" >/dev/null 2>&1; echo "exit $?"; }
run $DVK help stats
code $DVK help
code $DVK nosuch
run $DVK nosuch
run $DVK stats --province x
code $DVK stats --province x
run $DVK stats --year abc
run $DVK --db missing.db stats --province bac-kan --year 2023
code $DVK --db missing.db stats --province bac-kan --year 2023
echo "plain text, not a database at all, long enough to fill a header of a file" > text.db
run $DVK --db text.db init
code $DVK --db text.db init
run $DVK --db t.db init
sqlite3 t.db "PRAGMA user_version = 42"
run $DVK --db t.db stats --province bac-kan --year 2023
sqlite3 other.db "CREATE TABLE t(x)"
run $DVK --db other.db init
run $DVK --db new.db init --bogus
code $DVK --db new.db init --bogus
DVK_DB=env.db run $DVK init
ls env.db
