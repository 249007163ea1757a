#!/bin/sh
# suite.sh -- install what is needed, build, run every test, and end with
# "N passed, M failed".  Exits non-zero if anything failed.
set -u
cd "$(dirname "$0")/.." || exit 1
sh tests/deps.sh || exit 1
{ autoreconf -fi && ./configure -q "$@"; } >build.log 2>&1 ||
    { cat build.log; echo "0 passed, 1 failed"; exit 1; }
make -j2 >>build.log 2>&1 || { cat build.log; echo "0 passed, 1 failed"; exit 1; }
make -j2 check >check.log 2>&1
check=$?
grep -E '^(PASS|FAIL|ERROR|XPASS|SKIP):' check.log | grep -v '^PASS' | head -50
count() { awk -v k="# $1:" 'index($0, k) == 1 { print $3; exit }' check.log; }
pass=$(count PASS)
fail=$(( $(count FAIL) + $(count ERROR) + $(count XPASS) ))
[ -n "$pass" ] || pass=0
if [ "$check" -ne 0 ] && [ "$fail" -eq 0 ]; then
	tail -30 check.log
	fail=1
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
