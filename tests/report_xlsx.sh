#!/bin/sh
# report_xlsx.sh DVK SRC: the XLSX reports read back by an independent reader. Renders every
# built-in report of the test dataset as XLSX, has LibreOffice convert each workbook to CSV
# (one file per sheet) and to flat ODS, and compares: the CSV of every sheet with
# tests/data/report/xlsx/<report>/<sheet>.csv (DVK_UPDATE_GOLDEN=1 rewrites them), and the
# cell types in the ODS (numbers must be numbers: float, percentage; text: string). Exits 77
# (ctest: skipped) when LibreOffice is not installed (Debian: libreoffice-calc-nogui).
set -eu
DVK=$1
SRC=$2
SOFFICE=$(command -v soffice || command -v libreoffice || true)
if [ -z "$SOFFICE" ]; then
  echo "SKIP: LibreOffice is not installed (Debian: apt-get install libreoffice-calc-nogui)"
  exit 77
fi
export DVK SRC LC_ALL=C.UTF-8 TZ=UTC
work=$(mktemp -d "${TMPDIR:-/tmp}/dvk-xlsx-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
. "$SRC/tests/data/report/setup.sh"
export HOME="$work/home"   # LibreOffice writes its profile under $HOME
mkdir -p "$HOME"

fail() { echo "FAIL: $*"; exit 1; }
status=0
expected_root="$SRC/tests/data/report/xlsx"
# UTF-8 (76), comma, double quotes, raw values (not as shown), every sheet (-1).
filter='csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1'

specs="1:quyet-dinh 2:quyet-dinh 1:thong-ke 1:thong-ke:--successors 1:bao-phu 2:khen-thuong
       1:giai-trinh 1:so-sanh:--against:2"
tags=""
for spec in $specs; do
  set -- $(echo "$spec" | tr ':' ' ')
  run=$1; name=$2; shift 2
  tag="$name-$run$(printf '%s' "$*" | tr -c 'a-z0-9' '_')"
  "$DVK" report "$run" "$name" "$@" -o "$tag.xlsx"
  tags="$tags $tag"
done
# One LibreOffice process per conversion (it starts slowly): every workbook to CSV, one file
# per sheet named <workbook>-<sheet>.csv, and to flat ODS.
mkdir -p csv ods
timeout 600 "$SOFFICE" --headless --norestore --convert-to "$filter" --outdir csv *.xlsx \
  > csv.log 2>&1 || { cat csv.log; fail "LibreOffice could not read the workbooks"; }
timeout 600 "$SOFFICE" --headless --norestore --convert-to fods --outdir ods *.xlsx \
  > ods.log 2>&1 || { cat ods.log; fail "LibreOffice could not convert the workbooks to ODS"; }

for tag in $tags; do
  name=${tag%%-[0-9]*}
  n=$(ls csv | grep -c "^$tag-" || true)
  [ "$n" -ge 1 ] || fail "$tag.xlsx: no sheet read back"
  # Typed cells: numbers are float or percentage cells, never numbers stored as text.
  ods="ods/$tag.fods"
  grep -q 'office:value-type="float"' "$ods" || fail "$tag.xlsx: no numeric cell"
  if [ "$name" = thong-ke ]; then
    grep -q 'office:value-type="percentage"' "$ods" || fail "$tag.xlsx: percentages are not typed"
  fi
  if grep -Eq 'office:value-type="string"[^>]*><text:p>-?[0-9]+([.,][0-9]+)?</text:p>' "$ods"; then
    fail "$tag.xlsx: a number was stored as text"
  fi
  if [ "${DVK_UPDATE_GOLDEN:-0}" = 1 ]; then
    rm -rf "$expected_root/$tag"
    mkdir -p "$expected_root/$tag"
    for f in csv/"$tag"-*.csv; do
      cp "$f" "$expected_root/$tag/${f#csv/$tag-}"
    done
    echo "updated $expected_root/$tag ($n sheets)"
    continue
  fi
  [ -d "$expected_root/$tag" ] || fail "no expected sheets for $tag (run with DVK_UPDATE_GOLDEN=1)"
  m=$(ls "$expected_root/$tag" | wc -l)
  [ "$n" = "$m" ] || { echo "FAIL: $tag: $n sheets read back, $m expected"; status=1; }
  for f in "$expected_root/$tag"/*.csv; do
    sheet=$(basename "$f")
    if ! diff -u "$f" "csv/$tag-$sheet"; then
      echo "FAIL: $tag: sheet $sheet differs"
      status=1
    fi
  done
done
[ $status = 0 ] && echo "ok: every XLSX report read back by LibreOffice with typed numbers"
exit $status
