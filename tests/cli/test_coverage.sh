# test_coverage: `dvk test --coverage` on the small province tests/data/coverage (cov.lua
# and its library cov_diem.lua): lines run of each file's executable lines, the ranges never
# run, and the gates, criteria, outcomes and quotas the cases reached ("ca-nhan", which no
# case makes apply, is NOT HIT; so are the outcome "tieu-bieu" and the co-so quota). Then:
# the JSON form; a failing case (exit 1, coverage still shown); coverage does not loosen the
# instruction budget (a looping case ends with the budget's error); a bad format (exit 2).
cp -R "$SRC/tests/data/coverage" scripts
echo "== text"
"$DVK" --scripts scripts test --coverage; echo "exit $?"
echo "== json (the test lines on stderr)"
"$DVK" --scripts scripts test --coverage-format json 2>err.txt; echo "exit $?"
cat err.txt
echo "== without --coverage: as before"
"$DVK" --scripts scripts test; echo "exit $?"
echo "== two files, one case failing: exit 1, coverage summed over both"
cat > scripts/provinces/cov_more_test.lua <<'LUA'
return dvk.test {
  province = "cov", year = 2023, level = "co-so",
  cases = {
    { name = "wrong", model = { address = "A", started_on = "2019-01-01", metrics = { beneficiaries = 90 } },
      expect = { outcome = "tieu-bieu" } },
    { name = "individual", model = { kind = "ca-nhan", address = "B", started_on = "2019-01-01",
                                     metrics = { beneficiaries = 60, communes = 3, years = 2 } },
      expect = { outcome = "tieu-bieu", points = { ["ca-nhan"] = 4 } } },
  },
}
LUA
"$DVK" --scripts scripts test --coverage scripts/provinces/cov_test.lua scripts/provinces/cov_more_test.lua; echo "exit $?"
echo "== a test file that loops: the budget still stops it under --coverage"
cat > scripts/provinces/cov_loop_test.lua <<'LUA'
local x = 0
while true do x = x + 1; x = x + 1; x = x + 1; x = x + 1; x = x + 1; x = x + 1; x = x + 1; x = x + 1 end
LUA
"$DVK" --scripts scripts test --coverage scripts/provinces/cov_loop_test.lua; echo "exit $?"
echo "== bad format"
"$DVK" --scripts scripts test --coverage-format html; echo "exit $?"
echo "--- an office folder with only its province file: the installed library is covered too"
mkdir -p office/provinces
cp "$SRC/scripts/provinces/thai-nguyen.lua" "$SRC/scripts/provinces/thai-nguyen_test.lua" office/provinces/
"$DVK" --scripts office test --coverage 2>&1 | grep -E '^  (scripts|total)|passed'
