#!/bin/bash
# t_connlimit.sh -- "set connlimit N": accounts on one server share N
# connections, however many --jobs there are.  Six accounts on a real
# Dovecot, each with mail that a slow MDA holds the connection for, are
# polled with --jobs 6; Dovecot's own log (login and logout times, to the
# microsecond) must never show more than N sessions at once, IMAP and
# POP3 together, in a one-shot run and in the daemon.  Without the limit
# the same log shows six: the measure can fail.

. "$top_srcdir/tests/integration/lib.sh"

setup_certs
DOVECOT_EXTRA='log_timestamp = "%Y-%m-%d %H:%M:%S.%{usecs} "
login_log_format_elements = user=<%u> session=<%{session}>'
start_dovecot
make_messages

USERS="u1 u2 u3 u4 u5 u6"
cat >"$T/slowmda" <<'SH'
#!/bin/sh
# Holds the connection: each message takes a while to deliver.
sleep 0.3
cat >/dev/null
SH
chmod 755 "$T/slowmda"

fill() {	# fill: two messages in each user's mailbox
	for u in $USERS; do
		md="$T/home/$u/Maildir"
		mkdir -p "$md/new" "$md/cur" "$md/tmp"
		cp "$SRC/02.eml" "$md/new/1.M1P1.pullmail"
		cp "$SRC/03.eml" "$md/new/2.M2P2.pullmail"
	done
	chown -R "$MAIL_UID:$MAIL_GID" "$T/home"
}
for u in $USERS; do
	printf '%s:{PLAIN}pw-%s:%s:%s::%s::\n' "$u" "$u" "$MAIL_UID" \
	    "$MAIL_GID" "$T/home/$u" >>"$T/passwd"
done
fill

# Six accounts on one server: three IMAP, three POP3.
body="set connlimit 2
"
for u in $USERS; do
	case $u in
	u[123]) pr="proto imap port $P_IMAPS" ;;
	*)	pr="proto pop3 port $P_POP3S" ;;
	esac
	body="$body
poll localhost via 127.0.0.1 $pr
    user \"$u\" password 'pw-$u' ssl sslcertfile \"$T/ca.crt\"
    mda \"$T/slowmda\" $MDA_AS"
done
rc=$(rcfile c "$body")

# The most sessions Dovecot had open at once, from its log: +1 at each
# login, -1 at each logout, in time order.
most() {
	python3 - "$T/dovecot.log" <<'PY'
import re, sys
ev = []
for line in open(sys.argv[1], errors="replace"):
    m = re.match(r"(\S+ \S+) ", line)
    if not m:
        continue
    t = m.group(1)
    if re.search(r"(imap|pop3)-login: Info: Login: ", line):
        ev.append((t, 1))
    elif re.search(r"(imap|pop3)\([^)]*\)<\d+><[^>]*>: Info: Disconnected", line):
        ev.append((t, -1))
# A logout stamped at the same microsecond as a login goes first.
ev.sort(key=lambda e: (e[0], e[1]))
n = top = 0
logins = 0
for _, d in ev:
    n += d
    top = max(top, n)
    logins += d > 0
print(top, logins)
PY
}

# --- one-shot: --jobs 6, connlimit 2 -------------------------------------
: >"$T/dovecot.log"
"$PULLMAIL" --jobs 6 -f "$rc" >"$T/out" 2>&1
is "$?" 0 "one-shot, --jobs 6, connlimit 2: every account polled, exit 0" ||
    sed 's/^/# /' "$T/out"
read -r top logins <<<"$(most)"
is "$logins" 6 "one-shot: Dovecot logged six logins"
is "$top" 2 "one-shot: Dovecot never had more than 2 sessions at once (connlimit 2)"
left=$(find "$T"/home/u?/Maildir/new "$T"/home/u?/Maildir/cur -type f | wc -l)
is "$left" 0 "one-shot: every message was delivered and deleted"

# --- the measure can fail: the same with connlimit 6 ---------------------
fill
: >"$T/dovecot.log"
"$PULLMAIL" --jobs 6 --connlimit 6 -f "$rc" >"$T/out" 2>&1
is "$?" 0 "one-shot, --connlimit 6 on the command line: exit 0"
read -r top logins <<<"$(most)"
ok "$([ "$top" -gt 2 ] && echo 0 || echo 1)" \
    "without the limit Dovecot saw more than 2 sessions at once ($top)"

# --- -V and --configdump say it --------------------------------------------
"$PULLMAIL" -V -f "$rc" 2>&1 | grep -q "Connections to one server: at most 2 at once"
ok $? "-V: the limit is shown"
"$PULLMAIL" --configdump -f "$rc" 2>/dev/null | grep -q "'connlimit' *: *2"
ok $? "--configdump: connlimit 2"

# --- the daemon keeps to it too -------------------------------------------
fill
: >"$T/dovecot.log"
"$PULLMAIL" -N -d 1 --jobs 6 -f "$rc" >"$T/d.log" 2>&1 &
DPID=$!
PIDS="$PIDS $DPID"
for _ in $(seq 1 200); do
	[ "$(most | cut -d' ' -f2)" -ge 12 ] && break
	sleep 0.1
done
kill "$DPID"
wait "$DPID" 2>/dev/null
read -r top logins <<<"$(most)"
ok "$([ "$logins" -ge 12 ] && echo 0 || echo 1)" \
    "daemon: every account polled at least twice ($logins logins)"
is "$top" 2 "daemon: Dovecot never had more than 2 sessions at once"

# --- idle accounts beyond the limit are named at the start ----------------
rc=$(rcfile i "set connlimit 1
poll 127.0.0.1 proto imap port $P_IMAPS user u1 password 'pw-u1' ssl sslcertfile \"$T/ca.crt\" idle mda \"$T/slowmda\" $MDA_AS
poll 127.0.0.1 proto imap port $P_IMAPS user u2 password 'pw-u2' ssl sslcertfile \"$T/ca.crt\" idle mda \"$T/slowmda\" $MDA_AS")
timeout 5 "$PULLMAIL" -N -d 60 -f "$rc" >"$T/i.log" 2>&1
grep -q '2 "idle" accounts on 127.0.0.1, but connlimit is 1: 1 of them wait' "$T/i.log"
ok $? "two idle accounts on one server with connlimit 1: a warning says so" ||
    sed 's/^/# /' "$T/i.log"

# --- idle accounts that take every connection starve the server's others --
# One idle account and one polled account on one server with connlimit 1:
# the polled one would wait for a connection for good; a warning says so.
rc=$(rcfile s "set connlimit 1
poll 127.0.0.1 proto imap port $P_IMAPS user u1 password 'pw-u1' ssl sslcertfile \"$T/ca.crt\" idle mda \"$T/slowmda\" $MDA_AS
poll 127.0.0.1 proto imap port $P_IMAPS user u2 password 'pw-u2' ssl sslcertfile \"$T/ca.crt\" mda \"$T/slowmda\" $MDA_AS")
timeout 5 "$PULLMAIL" -N -d 60 -f "$rc" >"$T/s.log" 2>&1
grep -q '1 "idle" account on 127.0.0.1 takes all its connections (connlimit 1): its 1 other account is not polled' "$T/s.log"
ok $? "an idle account that takes the only connection: a warning names the starved account" ||
    sed 's/^/# /' "$T/s.log"

# --- a worker running its hook has logged out: its connection is free -----
# connlimit 1, two accounts whose postpoll hook takes 3 seconds: the
# second polls while the first one's hook runs (about 3.5 s in all, not
# 7), and Dovecot still never sees two sessions.
fill
: >"$T/dovecot.log"
rc=$(rcfile h "set connlimit 1
poll 127.0.0.1 proto imap port $P_IMAPS user u1 password 'pw-u1' ssl sslcertfile \"$T/ca.crt\" mda \"$T/slowmda\" $MDA_AS postpoll \"sleep 3\"
poll 127.0.0.1 proto imap port $P_IMAPS user u2 password 'pw-u2' ssl sslcertfile \"$T/ca.crt\" mda \"$T/slowmda\" $MDA_AS postpoll \"sleep 3\"")
start=$(date +%s%N)
"$PULLMAIL" --jobs 2 -f "$rc" >"$T/h.log" 2>&1
r=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
is "$r" 0 "hooks and connlimit 1: both accounts polled, exit 0"
read -r top logins <<<"$(most)"
is "$top $logins" "1 2" "hooks and connlimit 1: two logins, never two sessions at once"
ok "$([ "$ms" -lt 6000 ] && echo 0 || echo 1)" \
    "the second account did not wait for the first one's hook ($ms ms)"

done_testing
