#!/bin/sh
# valgrind.sh -- run integration tests with every pullmail process under
# valgrind's memcheck, then report what it found.
#
#   sh tests/valgrind.sh BUILDDIR [t_fetch t_tls ...]
#
# BUILDDIR is a plain (not --enable-sanitizers) build that "make" has
# built.  Without test names, the tests that do not time processes or
# read /proc are run (see SLOW below).  Exits non-zero when a test fails
# or valgrind reports an error or a definite leak in any process.
set -u
[ $# -ge 1 ] || { echo "usage: $0 BUILDDIR [test ...]" >&2; exit 2; }
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$1" && pwd) || exit 2
shift
command -v valgrind >/dev/null || apt-get install -y -q valgrind >/dev/null ||
    { echo "valgrind is not installed" >&2; exit 2; }
ldd "$build/pullmail" | grep -q libasan &&
    { echo "$build is a sanitizer build; valgrind needs a plain one" >&2; exit 2; }

# t_crash, t_daemon, t_systemd and t_hostile measure timing, RSS and
# process trees that valgrind changes out of recognition; t_secrets
# expects an undumpable process, which valgrind is not.
SLOW="t_crash t_daemon t_systemd t_secrets t_demo t_hostile"
tests="$*"
if [ -z "$tests" ]; then
	for t in "$top"/tests/integration/t_*.sh "$top"/tests/hostile/t_*.sh; do
		name=$(basename "$t" .sh)
		case " $SLOW " in *" $name "*) continue ;; esac
		tests="$tests $name"
	done
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/pullmail-valgrind.XXXXXX")
chmod 755 "$work"
mkdir -m 1777 "$work/logs"
# exec keeps the PID, so tests that signal "$!" still reach pullmail.
cat >"$work/pullmail" <<EOF
#!/bin/sh
exec valgrind -q --error-exitcode=97 --leak-check=full \\
    --errors-for-leak-kinds=definite --show-leak-kinds=definite \\
    --track-fds=no --log-file="$work/logs/vg.%p" "$build/pullmail" "\$@"
EOF
chmod 755 "$work/pullmail"

failed=0
for name in $tests; do
	script="$top/tests/integration/$name.sh"
	[ -f "$script" ] || script="$top/tests/hostile/$name.sh"
	printf '%s: ' "$name"
	if top_srcdir="$top" top_builddir="$build" \
	    PULLMAIL_UNDER_TEST="$work/pullmail" \
	    bash "$script" >"$work/$name.log" 2>&1; then
		echo ok
	else
		echo "FAILED (log: $work/$name.log)"
		failed=$((failed + 1))
	fi
done

# With -q a log holds only what valgrind found; an empty one is clean.
runs=$(ls "$work/logs" | wc -l)
dirty=$(find "$work/logs" -type f -size +0 | wc -l)
for f in $(find "$work/logs" -type f -size +0); do
	echo "== $f"
	head -40 "$f"
done
echo "$runs pullmail processes under valgrind, $dirty with a report," \
    "$failed test(s) failed; logs in $work"
[ "$dirty" -eq 0 ] && [ "$failed" -eq 0 ]
