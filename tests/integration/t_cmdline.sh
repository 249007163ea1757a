#!/bin/bash
# t_cmdline.sh -- the command line and the rcfile around it: --help, usage
# errors, file permissions, the default rcfile, -f -, -V with masked
# passwords, command-line overrides compared with fetchmail's, and the
# password sources (rcfile, passwordeval, ~/.netrc, none) against a real
# Dovecot.

. "$top_srcdir/tests/integration/lib.sh"

H="$T/home"
mkdir -p "$H"
pm() { HOME="$H" "$PULLMAIL" "$@"; }

# --- modes and usage ---------------------------------------------------
out=$(pm --help); status=$?
is "$status" 0 "--help exits 0"
echo "$out" | grep -q '^usage: pullmail'
ok $? "--help prints the usage on stdout"
pm --no-such-option >/dev/null 2>"$T/err"; status=$?
is "$status" 5 "an unknown option exits 5"
grep -q '^usage: pullmail' "$T/err"
ok $? "and prints the usage on stderr"
pm -l 12x --configdump >/dev/null 2>"$T/err"; status=$?
is "$status" 5 "a bad number exits 5"
grep -q -- '--limit needs a number' "$T/err"
ok $? "naming the option"

# --- permissions -----------------------------------------------------------
rc=$(rcfile secret 'poll a user u pass hunter2')
chmod 644 "$rc"
pm -f "$rc" --configdump >/dev/null 2>"$T/err"; status=$?
is "$status" 6 "a readable rcfile with a password exits 6"
grep -q "chmod 600 $rc" "$T/err"
ok $? "and says which chmod to run"
rc=$(rcfile open 'poll a user u')
chmod 644 "$rc"
pm -f "$rc" --configdump >/dev/null 2>&1
is "$?" 0 "a readable rcfile without a password is accepted"
rc=$(rcfile secret 'poll a user u pass hunter2')
chmod 644 "$rc"
pm -f "$rc" -V >"$T/out" 2>&1
is "$?" 0 "-V skips the permission check"

# --- -V masks passwords ---------------------------------------------------
rc=$(rcfile v 'poll mail.example.org proto imap user joe pass hunter2 ssl')
pm -f "$rc" -V >"$T/out" 2>&1
grep -q 'Account joe@mail.example.org' "$T/out" &&
    grep -q 'port 993, protocol IMAP' "$T/out" &&
    grep -q 'password: (set)' "$T/out"
ok $? "-V shows the effective settings"
! grep -q hunter2 "$T/out"
ok $? "-V never shows the password"

# --- default rcfile, -f - -------------------------------------------------
printf 'poll from-fetchmailrc\n' >"$H/.fetchmailrc"
chmod 600 "$H/.fetchmailrc"
pm --configdump | grep -q '"pollname":"from-fetchmailrc"'
ok $? "without -f, ~/.fetchmailrc is read"
printf 'poll from-pullmailrc\n' >"$H/.pullmailrc"
chmod 600 "$H/.pullmailrc"
pm --configdump | grep -q '"pollname":"from-pullmailrc"'
ok $? "~/.pullmailrc wins over ~/.fetchmailrc"
mkdir -p "$T/fmhome"
printf 'poll from-fetchmailhome\n' >"$T/fmhome/fetchmailrc"
chmod 600 "$T/fmhome/fetchmailrc"
rm -f "$H/.pullmailrc"
FETCHMAILHOME="$T/fmhome" pm --configdump | grep -q '"pollname":"from-fetchmailhome"'
ok $? "\$FETCHMAILHOME/fetchmailrc is fetchmail's file when set"
rm -f "$H/.fetchmailrc"
echo 'poll from-stdin' | pm -f - --configdump | grep -q '"pollname":"from-stdin"'
ok $? "-f - reads standard input"
pm -f "$T/does-not-exist" --configdump | grep -q "'servers': \[\]"
ok $? "a missing rcfile is an empty configuration"

# --- size limit: 4 MiB accepted, one byte more refused -----------------------
head -c 4194303 /dev/zero | tr '\0' ' ' >"$T/big.rc"; echo >>"$T/big.rc"
chmod 600 "$T/big.rc"
pm -f "$T/big.rc" --configdump >/dev/null 2>&1
is "$?" 0 "an rcfile of exactly 4 MiB is read"
echo >>"$T/big.rc"
pm -f "$T/big.rc" --configdump >/dev/null 2>"$T/err"; status=$?
is "$status" 5 "one byte more is refused"
grep -q 'larger than 4194304 bytes' "$T/err"
ok $? "with a message saying so"

# --- overrides: same meaning as fetchmail's ---------------------------------
if command -v fetchmail >/dev/null && command -v python3 >/dev/null; then
	rc=$(rcfile over 'defaults proto pop3
poll a user u1 pass p1 keep folder F1 smtphost s1
skip b via b.example.org aka alias.example.org user u2
poll c proto imap user u3 is x y here')
	for args in "-u joe -p IMAP -t 30 -S h1,h2/26 -r X,Y --ssl -K" \
	    "-a -F --limit 5000 -B 10 -e 3 -b 2 --fetchsizelimit 0 --fastuidl 1" \
	    "-m procmail -D example.net --smtpname x@example.net -Z 571,550" \
	    "-S lmtp.example.org/24 --fetchdomains d1,d2" \
	    "-E X-Envelope-To -Q pre- --auth cram-md5 --port 1110 -U -n" \
	    "--sslproto tls1.2+ --nosslcertck --sslcertfile ca.pem --sslfingerprint 12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0" \
	    "-d 60 --postmaster pm --nobounce --nosoftbounce --invisible -i ids" \
	    "a" "alias.example.org" "c" "b a"; do
		# shellcheck disable=SC2086
		(cd "$T" && in_oracle_world env HOME="$H" \
		    fetchmail --configdump -f "$rc" $args \
		    >"$T/fm.out" 2>/dev/null)
		# shellcheck disable=SC2086
		(cd "$T" && in_oracle_world env HOME="$H" \
		    "$PULLMAIL" --configdump -f "$rc" $args >"$T/pm.out")
		diff=$(python3 "$top_srcdir/tests/compat/compare.py" \
		    "$T/fm.out" "$T/pm.out")
		ok $? "fetchmail and pullmail agree on: $args${diff:+ ($diff)}"
	done
	# fetchmail's own dump is not valid Python for a server that only
	# the command line names; ours is, with the built-in defaults.
	pm --configdump -f "$rc" newhost.example.org >"$T/pm.out"
	python3 -c 'import sys; s = {}; exec(open(sys.argv[1]).read(), {}, s)
n = [x for x in s["fetchmailrc"]["servers"] if x["pollname"] == "newhost.example.org"]
assert n and n[0]["protocol"] == "auto" and n[0]["users"][0]["smtphunt"] == ["localhost"]' "$T/pm.out"
	ok $? "a server named only on the command line gets the defaults"
	(cd "$T" && pm --configdump -f "$rc" --lmtp -S h1 >/dev/null 2>"$T/err")
	is "$?" 5 "LMTP to a host without a port exits 5"
	grep -q 'LMTP host "s1" needs an explicit port' "$T/err"
	ok $? "and says why"
else
	bail "fetchmail and python3 are needed (tests/deps.sh installs them)"
fi

# --- options understood but not carried out yet are refused, not ignored ---
rc=$(rcfile notyet 'poll localhost plugin "nc %h %p" user u pass p')
pm -f "$rc" >/dev/null 2>"$T/err"
is "$?" 5 "an account using plugin is not polled (not built yet)"
grep -q 'plugin is understood but not carried out' "$T/err"
ok $? "and the message names the option"

# --- password sources against a real server -------------------------------
setup_certs
make_messages
start_dovecot

fetch_with() {	# fetch_with LABEL USER-OPTIONS [SERVER-OPTIONS]: exit status
	empty_mailbox
	seed
	rm -rf "$T/mda"; mkdir -p "$T/mda"
	rc=$(rcfile pw "poll localhost via 127.0.0.1 proto imap port $P_IMAPS ${3:-}
    user \"$MAIL_USER\" $2 ssl sslcertfile \"$T/ca.crt\"
    $MDA_AS mda \"$MDA_SAVE $T/mda %T\"")
	pm -f "$rc" </dev/null >"$T/out" 2>&1
}

printf '#!/bin/sh\nprintf "%%s\\n" '"'"'%s'"'"'\n' "$MAIL_PASS" >"$T/pw.sh"
chmod 755 "$T/pw.sh"
fetch_with eval "passwordeval \"$T/pw.sh\""
is "$?" 0 "passwordeval: mail fetched with the password it printed"
check_mda "$T/mda"
ok $? "passwordeval: 20 messages delivered"

fetch_with eval-fails "passwordeval 'sh -c \"exit 3\"'"
is "$?" 3 "a failing passwordeval exits 3"
grep -q 'passwordeval for .* failed (exit status 3)' "$T/out"
ok $? "and says it failed"

fetch_with eval-hangs "passwordeval 'sleep 30'" "timeout 1"
is "$?" 3 "a passwordeval that hangs is killed after the timeout: exit 3"
grep -q 'did not finish within 1 seconds' "$T/out"
ok $? "and says so"

head -c 1025 /dev/zero | tr '\0' x >"$T/long.pw"
fetch_with eval-long "passwordeval 'cat $T/long.pw'"
is "$?" 3 "a password longer than 1024 bytes is refused"
grep -q 'longer than 1024 bytes' "$T/out"
ok $? "and the message says so"

esc=$(printf '%s' "$MAIL_PASS" | sed 's/["\\]/\\&/g')
printf 'machine localhost login %s password "%s"\n' "$MAIL_USER" "$esc" >"$H/.netrc"
chmod 600 "$H/.netrc"
fetch_with netrc ""
is "$?" 0 "~/.netrc (machine = poll name) supplies the password"
printf 'machine 127.0.0.1 login %s password "%s"\n' "$MAIL_USER" "$esc" >"$H/.netrc"
fetch_with netrc-via ""
is "$?" 0 "~/.netrc (machine = via) supplies the password"
chmod 644 "$H/.netrc"
fetch_with netrc-public ""
is "$?" 3 "a ~/.netrc others can read is not used: exit 3"
grep -q "\.netrc is ignored: it must be owned by you and readable by you alone" "$T/out"
ok $? "and the message says why and how to fix it"
rm -f "$H/.netrc"

# passwordeval as root: like the MDA, only with mdauser.
if [ "$(id -u)" = 0 ]; then
	printf '#!/bin/sh\nid -un >&2\nprintf "%%s\\n" '"'"'%s'"'"'\n' "$MAIL_PASS" >"$T/pw-id.sh"
	chmod 755 "$T/pw-id.sh"
	empty_mailbox; seed
	rc=$(rcfile pw-root "poll localhost via 127.0.0.1 proto imap port $P_IMAPS
    user \"$MAIL_USER\" passwordeval \"$T/pw-id.sh\" ssl sslcertfile \"$T/ca.crt\"
    maildir \"$T/md-root\"")
	pm -f "$rc" </dev/null >"$T/out" 2>&1
	is "$?" 3 "root without mdauser: passwordeval is not run, exit 3"
	grep -q "will not run the passwordeval command as root" "$T/out"
	ok $? "and the message says to add mdauser"
	! grep -q "^root$" "$T/out"
	ok $? "the command did not run"
	rc=$(rcfile pw-nobody "poll localhost via 127.0.0.1 proto imap port $P_IMAPS
    user \"$MAIL_USER\" passwordeval \"$T/pw-id.sh\" ssl sslcertfile \"$T/ca.crt\"
    mdauser nobody maildir \"$T/md-nobody\"")
	pm -f "$rc" </dev/null >"$T/out" 2>&1
	is "$?" 0 "mdauser nobody: passwordeval runs, mail fetched"
	grep -qx "nobody" "$T/out"
	ok $? "passwordeval ran as nobody" || sed 's/^/# /' "$T/out"
fi

fetch_with none ""
is "$?" 3 "no password anywhere and no terminal: exit 3"
grep -q 'no password for .*none in the rcfile, no passwordeval, none in ~/.netrc' "$T/out"
ok $? "the message names the sources tried"
is "$(server_count)" 20 "nothing was deleted"

done_testing
