#!/bin/bash
# t_sample.sh -- fetchmailrc.sample is read by both pullmail and Debian's
# fetchmail.  pullmail takes it whole; fetchmail takes it once the lines
# marked "pullmail only" are gone, and then both read the same
# configuration (compare.py).  The marks are needed (fetchmail refuses the
# whole file) and honest (each marked line uses a pullmail keyword or pin).
set -u
. "$top_srcdir/tests/integration/lib.sh"

command -v fetchmail >/dev/null || bail "fetchmail is not installed (tests/deps.sh installs it)"
PM="$top_builddir/pullmail"
sample="$top_srcdir/fetchmailrc.sample"
work="$T/sample"
mkdir -p "$work/home"
cp "$sample" "$work/full.rc"
grep -v '# pullmail only' "$sample" >"$work/fetchmail.rc"
chmod 600 "$work/full.rc" "$work/fetchmail.rc"

dump() {	# dump PROGRAM RCFILE NAME: configdump into $work/NAME.{out,err}
	(cd "$work" && in_oracle_world env HOME="$work/home" \
	    "$1" --configdump -f "$2" \
	    >"$work/$3.out" 2>"$work/$3.err")
}
# fetchmail as root says so on every run; that is not about the file.
complaints() { grep -v 'Running as root is discouraged' "$1"; }

dump "$PM" "$work/full.rc" pm-full
is "$?" 0 "pullmail accepts the whole sample"
is "$(cat "$work/pm-full.err")" "" "without a warning"
grep -q '"passwordeval":"oama access' "$work/pm-full.out" &&
    grep -q '"maildir":"/home/jane/Maildir/.shop"' "$work/pm-full.out"
ok $? "and reads the pullmail-only lines (passwordeval, maildir)"

dump fetchmail "$work/fetchmail.rc" fm
is "$?" 0 "fetchmail accepts the sample without the pullmail-only lines"
is "$(complaints "$work/fm.err")" "" "without a warning"

dump "$PM" "$work/fetchmail.rc" pm
is "$?" 0 "pullmail accepts that reduced sample too"
diff=$(python3 "$top_srcdir/tests/compat/compare.py" "$work/fm.out" \
    "$work/pm.out" 2>&1)
ok $? "and both read the same configuration from it${diff:+: $diff}"
polls=$(grep -c '"pollname"' "$work/fm.out")
[ "$polls" -ge 6 ]
ok $? "fetchmail sees all the entries ($polls)"

dump fetchmail "$work/full.rc" fm-full
status=$?
[ "$status" -ne 0 ]
ok $? "fetchmail refuses the whole sample (exit $status): the marks matter"

marked=$(grep -c '# pullmail only' "$sample")
honest=$(grep '# pullmail only' "$sample" | grep -cE \
    '^[[:space:]]*(passwordeval|maildir|mbox|sslcrlfile|mdauser|set (jobs|deadline|statedir)|auth (scram-sha-1|scram-sha-256|xoauth2|oauthbearer)|sslfingerprint "(sha256//|SHA256:))')
[ "$marked" -ge 4 ]
ok $? "the sample marks $marked lines"
is "$honest" "$marked" "each marked line uses a pullmail keyword or pin form"

# The setups the sample promises to show.
for want in 'sslfingerprint' 'proto pop3' 'mda ' 'sslcert ' 'passwordeval' \
    'set daemon' 'auth external'; do
	grep -q "^[^#]*$want" "$sample"
	ok $? "the sample shows \"$want\""
done
done_testing
