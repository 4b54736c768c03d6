# robust_bad_data: hostile input: RFC 4180 edge cases, NFD text, SQL metacharacters and
# quotes in names (stored verbatim, exported and re-imported unchanged); a 1 GB field
# (streamed through a FIFO: refused after the size cap without reading the rest, memory
# bounded); a truncated file; and corrupted, truncated, foreign, newer and non-database files
# given to --db (a clear error, exit 1, and the file left as it was).
. "$SRC/tests/robust/lib.sh"
need_sqlite3
seed_example dvk.db 0 2>/dev/null || true
"$DVK" --quiet init >/dev/null
"$DVK" --quiet import units units.csv
H='code,name,unit,kind,category,field,level,year,registration,started_on,address,description,beneficiaries'
{
  printf '%s\r\n' "$H"
  printf 'Q1,"Tên, có dấu phẩy",example/dong/a,tap-the,mo-hinh,kinh-te,co-so,2023,moi,2020-01-01,"thôn ""Nà"" Pài","dòng một\r\ndòng hai",1\r\n'
  printf 'Q2,"Robert'"'"'); DROP TABLE models;--",example/dong/a,tap-the,mo-hinh,kinh-te,co-so,2023,moi,,,,\r\n'
  printf 'Q3,"%%_\\ '"'"'x'"'"' ""y""",example/dong/a,tap-the,mo-hinh,kinh-te,co-so,2023,moi,,"",,\r\n'
  printf 'Q4,Vie\314\202\314\243t Nam \304\220oa\314\200n,example/dong/a,tap-the,mo-hinh,kinh-te,co-so,2023,moi,,,,\r\n'
  printf 'Q5,"=HYPERLINK(""http://x"")",example/dong/a,tap-the,mo-hinh,kinh-te,co-so,2023,moi,,,,\r\n'
} > edge.csv
echo "== RFC 4180 edge cases, NFD, SQL metacharacters"
"$DVK" --quiet import models edge.csv; echo "import: exit $?"
sqlite3 dvk.db "SELECT code, name, address, replace(description, char(13, 10), '<CRLF>') FROM models ORDER BY code"
echo "NFC stored: $(sqlite3 dvk.db "SELECT instr(hex(name), 'E1BB87') > 0 AND instr(hex(name), 'C3A0') > 0 AND length(name) = 13 FROM models WHERE code = 'Q4'")"
echo "tables intact: $(sqlite3 dvk.db "SELECT count(*) FROM sqlite_master WHERE name = 'models'")"
"$DVK" --quiet export models -o out.csv; echo "export: exit $?"
grep -c "'=HYPERLINK" out.csv | sed 's/^/formula neutralised: /'
cp dvk.db before.db
"$DVK" --quiet import models out.csv; echo "re-import of the export: exit $?"
[ "$(sqlite3 dvk.db 'SELECT group_concat(code || name || ifnull(address,"") || ifnull(description,""), "|") FROM models ORDER BY code')" = \
  "$(sqlite3 before.db 'SELECT group_concat(code || name || ifnull(address,"") || ifnull(description,""), "|") FROM models ORDER BY code')" ] &&
  echo "round trip: same rows"

echo "== a 1 GB field through a FIFO"
mkfifo big.csv
# The writer ends with status 0 only if the whole file was read: once dvk closes the FIFO
# early, its next write fails (SIGPIPE). No clock decides "early".
( printf '%s\nBIG,' "$H"; head -c 1073741824 /dev/zero | tr '\0' x; printf ',example/dong/a\n' ) > big.csv 2>/dev/null &
writer=$!
# The case holds a read end too (it never reads): the writer's open never waits on dvk, and
# once it is closed after dvk has ended, a writer with bytes left fails: no wait can hang.
exec 3<big.csv
/usr/bin/time -f '%M' -o mem.txt "$DVK" --quiet import models big.csv > out.txt 2>&1; st=$?
exec 3<&-
wait $writer; wst=$?
echo "import: exit $st"
sed 's/([0-9]* bytes[^)]*)/(N bytes)/' out.txt | head -3
[ $wst -ne 0 ] && echo "stopped early" || echo "read the whole 1 GB (the writer ended with status 0)"
[ "$(tail -1 mem.txt)" -lt 131072 ] && echo "memory bounded (< 128 MiB)" || echo "peak memory $(tail -1 mem.txt) KiB"
echo "models: $(sqlite3 dvk.db 'SELECT count(*) FROM models')"

echo "== a truncated file"
head -c 150 edge.csv > cut.csv
"$DVK" --quiet import models cut.csv; echo "import: exit $?"

# bad_db NAME: dvk stats and dvk import on it: a clear message, exit 1, file unchanged.
bad_db() {
  sum=$(cksum < "$1")
  echo "== --db $1"
  "$DVK" --db "$1" stats --province example --year 2023 >out.txt 2>&1; st=$?; cat out.txt; echo "stats: exit $st"
  "$DVK" --db "$1" import units units.csv >out.txt 2>&1; st=$?; cat out.txt; echo "import: exit $st"
  [ "$(cksum < "$1")" = "$sum" ] && echo "file unchanged" || echo "FILE CHANGED"
}
head -c 65536 /dev/urandom > random.db
bad_db random.db
printf 'code,name\n1,2\n' > text.db
bad_db text.db
sqlite3 foreign.db "CREATE TABLE invoices(id INTEGER PRIMARY KEY, amount REAL); INSERT INTO invoices VALUES (1, 9.5)"
bad_db foreign.db
cp dvk.db newer.db; sqlite3 newer.db "PRAGMA user_version = 99"
bad_db newer.db
head -c 8192 dvk.db > truncated.db
bad_db truncated.db
cp dvk.db damaged.db
sqlite3 damaged.db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
size=$(wc -c < damaged.db)
# overwrite the second half of the file (b-tree pages) with garbage
yes "damaged page" | head -c $((size / 2)) | dd of=damaged.db bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
echo "== --db damaged.db (pages overwritten)"
"$DVK" --db damaged.db verify >out.txt 2>&1; echo "verify: exit $?"; grep -o "integrity check failed\|not a dvk database or damaged" out.txt | head -1
mkdir adir.db
echo "== --db adir.db (a folder)"
"$DVK" --db adir.db stats --province example --year 2023 >out.txt 2>&1; st=$?; cat out.txt; echo "stats: exit $st"
