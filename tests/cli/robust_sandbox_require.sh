# robust_sandbox_require: dvk.require loads regular files under scripts/lib only. A symbolic
# link in lib/ to a file elsewhere is refused, and a syntax error there cannot quote the
# linked file (it leaked its first token before); a link to a folder, a name with a NUL
# byte, '..' or '/' are refused too; the lib folder itself may be a link (shared lib/).
. "$SRC/tests/robust/lib.sh"
"$DVK" --quiet init >/dev/null
printf 'code,name,kind,parent\nexample,Tỉnh Mẫu,province,\n' > units.csv
"$DVK" --quiet import units units.csv
mkdir -p secret shared s/provinces
printf 'TOP_SECRET_PASSWORD hunter2\n' > secret/passwd.lua
printf 'return "shared ok"\n' > shared/util.lua
ln -s "$PWD/shared" s/lib
ln -s "$PWD/secret/passwd.lua" shared/leak.lua
ln -s "$PWD/secret" shared/sub
province() {
  printf '%s\n' "$1" > s/provinces/example.lua
  "$DVK" --scripts s decide --province example --year 2023 --level co-so > out.txt 2>&1
  head -1 out.txt
  grep -c 'TOP_SECRET\|hunter2' out.txt
}
province 'error(require("util"), 0)'
province 'return require("leak")'
province 'return require("sub.passwd")'
province 'return require("util\0../../secret/passwd")'
province 'return require("../secret/passwd")'
province 'return require("/etc/passwd")'
