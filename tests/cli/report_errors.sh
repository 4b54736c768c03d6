# dvk report: the list of reports, and clear errors for unknown reports, formats and runs.
. "$SRC/tests/data/report/setup.sh"
"$DVK" report --list
echo "--- unknown report"
"$DVK" report 1 khong-co; echo "exit $?"
echo "--- unknown format"
"$DVK" report 1 thong-ke --format odt; echo "exit $?"
echo "--- format not told by the file name"
"$DVK" report 1 thong-ke -o bao-cao.odt; echo "exit $?"
echo "--- unknown run"
"$DVK" report 99 thong-ke; echo "exit $?"
echo "--- so-sanh needs a second run"
{ "$DVK" report 1 so-sanh; echo "exit $?"; } 2>&1 | sed "s|$PWD/||"  # the real path, shown relative
echo "--- missing name"
"$DVK" report 1; echo "exit $?"
echo "--- a folder that does not exist: nothing written"
"$DVK" report 1 thong-ke -o khong-co/bao-cao.md; echo "exit $?"
ls khong-co 2>&1 | sed 's/^ls: //'
echo "--- XLSX: a zip file, to -o or to a pipe"
"$DVK" report 1 thong-ke -o tk.xlsx; echo "exit $?"
head -c 2 tk.xlsx; echo
"$DVK" report 1 thong-ke --format xlsx | head -c 2; echo
ls tk.xlsx
