#!/bin/sh
# run.sh [quick]: dvk's benchmarks, one after the other; each prints its own figures.
#   import: `dvk import models` of 100,000 and 1,000,000 synthetic models against the sqlite3
#           shell's .import of the same file (bench_import.sh; quick: 100,000 only)
# DVK=path/to/dvk selects the binary (default: build/dvk); BENCH_INDEXED=1 adds the sqlite3
# run with the same keys and indexes as dvk's models table.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
sh "$here/bench_import.sh" 100000
echo
[ "${1:-}" = quick ] || sh "$here/bench_import.sh" 1000000
