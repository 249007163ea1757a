#!/bin/sh
# suite.sh -- install what is needed, then build and run every test twice:
# a plain build, by "make distcheck" (the release tarball is built,
# configured, built again in a read-only copy of itself, tested with
# "make check", installed and uninstalled), and one with ASan+UBSan (any
# sanitizer report fails a test).  Ends with "N passed, M failed"; exits
# non-zero on any failure.
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(pwd)
sh tests/deps.sh || exit 1
# Separate build trees need an unconfigured source tree.
[ -f config.status ] && make distclean >/dev/null 2>&1
autoreconf -fi >autoreconf.log 2>&1 ||
    { cat autoreconf.log; echo "0 passed, 1 failed"; exit 1; }

pass=0
fail=0
for variant in plain sanitizers; do
	dir="$top/_build/$variant"
	rm -rf "$dir"
	mkdir -p "$dir"
	opts=""
	[ "$variant" = sanitizers ] && opts=--enable-sanitizers
	if ! (cd "$dir" && "$top/configure" -q $opts && make -j2) \
	    >"$dir/build.log" 2>&1; then
		cat "$dir/build.log"
		echo "# $variant: build failed"
		fail=$((fail + 1))
		continue
	fi
	target=check
	[ "$variant" = plain ] && target=distcheck
	(cd "$dir" && make -j2 $target) >"$dir/check.log" 2>&1
	check=$?
	grep -E '^(FAIL|ERROR|XPASS):' "$dir/check.log" | sed "s/^/$variant: /"
	count() { awk -v k="# $1:" 'index($0, k) == 1 { print $3; exit }' \
	    "$dir/check.log"; }
	p=$(count PASS)
	f=$(( $(count FAIL) + $(count ERROR) + $(count XPASS) ))
	if [ "$check" -ne 0 ] && [ "$f" -eq 0 ]; then
		tail -30 "$dir/check.log"
		f=1
	fi
	echo "# $variant (make $target): ${p:-0} passed, $f failed"
	pass=$((pass + ${p:-0}))
	fail=$((fail + f))
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
