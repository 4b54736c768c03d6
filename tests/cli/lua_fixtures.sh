# lua_fixtures: the script tests that live outside scripts/provinces. The example province
# (tests/data/example, the engine's test province) runs its own tests; the template
# scripts/provinces/_mau.lua, copied as an office would (provinces/ma-tinh.lua, beside the
# shipped library), passes the tests of tests/data/template, so a template that no longer
# loads or no longer matches the library fails here.
echo "== example province"
$DVK --scripts "$SRC/tests/data/example" test || echo "exit $?"
echo "== the template, copied as a province"
mkdir -p s/provinces
cp -R "$SRC/scripts/lib" s/
cp "$SRC/scripts/provinces/_mau.lua" s/provinces/ma-tinh.lua
cp "$SRC/tests/data/template/"*_test.lua s/provinces/
$DVK --scripts s test || echo "exit $?"
echo "== a failing expectation is reported"
sed 's/total = 99,/total = 98,/' "$SRC/tests/data/template/ma-tinh_test.lua" > s/provinces/ma-tinh_test.lua
$DVK --scripts s test s/provinces/ma-tinh_test.lua || echo "exit $?"
