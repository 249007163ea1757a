#!/bin/bash
# t_demo.sh -- the README's demo command works, twice in a row, and
# leaves no server running.

. "$top_srcdir/tests/integration/lib.sh"

for run in 1 2; do
	TMPDIR="$T" PULLMAIL_BUILT="$top_builddir" bash \
	    "$top_srcdir/contrib/demo.sh" >"$T/demo$run.out" 2>&1
	status=$?
	is "$status" 0 "demo run $run succeeds"
	[ "$status" -eq 0 ] || sed 's/^/# /' "$T/demo$run.out"
	grep -q '5 delivered, 0 left on the server' "$T/demo$run.out"
	ok $? "demo run $run delivered 5 messages and emptied the server"
	! pgrep -f "$T/pullmail-test" >/dev/null
	ok $? "demo run $run left no process behind"
done

done_testing
