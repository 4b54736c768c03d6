#!/bin/sh
# golden.sh CASE.sh DVK SRC: run a CLI golden case in a fresh folder and compare what it
# prints (stdout and stderr, then "exit N") with CASE.out. DVK_UPDATE_GOLDEN=1 rewrites it.
# The case sees $DVK (the binary), $SRC (source tree) and runs with cwd = its own temp dir.
set -u
case_file=$1; DVK=$2; SRC=$3
expected=${case_file%.sh}.out
work=$(mktemp -d "${TMPDIR:-/tmp}/dvk-golden-XXXXXX")
trap 'rm -rf "$work"' EXIT
export DVK SRC DVK_SCRIPTS="$SRC/scripts" DVK_DATASETS="$SRC/datasets" LC_ALL=C.UTF-8 TZ=UTC
unset DVK_DB
actual="$work/actual.out"
( cd "$work" && sh "$case_file" ) > "$actual" 2>&1
echo "exit $?" >> "$actual"
if [ "${DVK_UPDATE_GOLDEN:-0}" = 1 ]; then
  cp "$actual" "$expected"; echo "updated $expected"; exit 0
fi
if ! diff -u "$expected" "$actual"; then
  echo "golden mismatch: $case_file (run with DVK_UPDATE_GOLDEN=1 to accept)"; exit 1
fi
