#!/bin/bash
# t_configdump.sh -- differential test: Debian's fetchmail and pullmail read
# the same rcfiles.  For every file of the shared public corpus and of
# tests/compat/rc/, both run --configdump; the test checks that they accept
# and reject the same files (same exit code), and that every value
# fetchmail prints is the value pullmail prints.  A file's first lines may
# record a deliberate difference (documented in pullmailrc(5)):
#   # expect: same | reject | pullmail-rejects | fetchmail-rejects
#   # allow: KEY ...      values fetchmail gets wrong on purpose

set -u
. "$top_srcdir/tests/integration/lib.sh"

PM="$top_builddir/pullmail"
COMPARE="$top_srcdir/tests/compat/compare.py"
corpus="$top_srcdir/tests/compat/public"

command -v fetchmail >/dev/null || bail "fetchmail is not installed (tests/deps.sh installs it)"
command -v python3 >/dev/null || bail "python3 is not installed (tests/deps.sh installs it)"

work="$T/compat"
mkdir -p "$work/home" "$work/rc"

files=("$top_srcdir"/tests/compat/rc/*.rc)
files+=("$corpus"/*.rc)

expect_of() {
	sed -n 's/^# expect: *\([a-z-]*\).*/\1/p' "$1" | head -1
}

allow_of() {
	sed -n 's/^# allow: *//p' "$1" | head -1
}

run_both() {	# rcfile -> $work/{fm,pm}.{out,err,exit}
	local rc="$1"
	( cd "$work" && in_oracle_world env HOME="$work/home" \
	    fetchmail --configdump -f "$rc" \
	    >"$work/fm.out" 2>"$work/fm.err"; echo $? >"$work/fm.exit" )
	( cd "$work" && in_oracle_world env HOME="$work/home" \
	    "$PM" --configdump -f "$rc" \
	    >"$work/pm.out" 2>"$work/pm.err"; echo $? >"$work/pm.exit" )
}

accepted=0 rejected=0 differences=0
for f in "${files[@]}"; do
	name=$(basename "$f")
	rc="$work/rc/$name"
	cp "$f" "$rc"
	chmod 600 "$rc"
	expect=$(expect_of "$f")
	[ -n "$expect" ] || expect=same
	allow=$(allow_of "$f")
	run_both "$rc"
	fm=$(cat "$work/fm.exit") pm=$(cat "$work/pm.exit")
	case "$expect" in
	same)
		if [ "$fm" != "$pm" ]; then
			ok 1 "$name: fetchmail exits $fm, pullmail $pm: $(grep -v 'as root' "$work/fm.err" "$work/pm.err" | tr '\n' ' ')"
			continue
		fi
		if [ "$fm" != 0 ]; then
			ok 0 "$name: both accept (exit 0 expected, both $fm)"
			continue
		fi
		# fetchmail drops a logfile that does not exist; we create it.
		grep -q 'does not exist, ignoring logfile' "$work/fm.err" &&
		    allow="$allow logfile"
		# shellcheck disable=SC2086
		if diff=$(python3 "$COMPARE" "$work/fm.out" "$work/pm.out" $allow); then
			ok 0 "$name: same configuration${allow:+ (allowed to differ: $allow)}"
			accepted=$((accepted + 1))
		else
			ok 1 "$name: $(echo "$diff" | head -5 | tr '\n' ';')"
			differences=$((differences + 1))
		fi
		;;
	reject)
		if [ "$fm" != 0 ] && [ "$fm" = "$pm" ]; then
			ok 0 "$name: both reject with exit $fm"
			rejected=$((rejected + 1))
		else
			ok 1 "$name: fetchmail exits $fm, pullmail $pm"
		fi
		;;
	pullmail-rejects)
		[ "$fm" = 0 ] && [ "$pm" = 5 ]
		ok $? "$name: deliberately rejected by pullmail only (fetchmail $fm, pullmail $pm)"
		;;
	fetchmail-rejects)
		[ "$fm" = 5 ] && [ "$pm" = 0 ]
		ok $? "$name: pullmail extension or fix accepted (fetchmail $fm, pullmail $pm)"
		;;
	*)
		ok 1 "$name: unknown expectation \"$expect\""
		;;
	esac
done
echo "# $accepted accepted alike, $rejected rejected alike, $differences with differences, of ${#files[@]} files"
done_testing
