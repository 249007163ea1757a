#!/bin/bash
# t_failures.sh -- what must not lose mail or leak a password: a wrong
# password, an untrusted or misnamed certificate, an SMTP server that is
# not there, an MDA that fails.

. "$top_srcdir/tests/integration/lib.sh"

setup_certs
make_messages
start_dovecot
start_sink

poll() {	# poll NAME EXTRA-OPTIONS: run pullmail, set $status
	rc=$(rcfile "$1" "poll localhost via 127.0.0.1 proto imap port $P_IMAP
    user \"$MAIL_USER\" password '${PASS:-$MAIL_PASS}'
    sslcertfile \"${CA:-$T/ca.crt}\" $2")
	"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
	status=$?
}

empty_mailbox; seed; new_log >/dev/null

PASS=wrong poll badpass "smtphost 127.0.0.1/$P_SMTP"
is "$status" 3 "wrong password: exit 3"
is "$(server_count)" 20 "wrong password: nothing deleted"
grep -q "$MAIL_USER@localhost" "$T/out"
ok $? "wrong password: the message names user@server"

new_log >/dev/null
CA="$T/otherca.crt" poll unknownca "smtphost 127.0.0.1/$P_SMTP"
is "$status" 2 "certificate from an unknown CA: exit 2"
grep -q 'verif' "$T/out"
ok $? "unknown CA: the message says verification failed"
is "$(server_count)" 20 "unknown CA: nothing deleted"
! new_log | grep -q "user=<$MAIL_USER>"
ok $? "unknown CA: the server saw no credentials"

# Same over POP3 with implicit TLS.
rc=$(rcfile pop3ca "poll localhost via 127.0.0.1 proto pop3 port $P_POP3S
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcertfile \"$T/otherca.crt\"
    smtphost 127.0.0.1/$P_SMTP")
"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
is "$?" 2 "POP3S with an unknown CA: exit 2"
! new_log | grep -q "user=<$MAIL_USER>"
ok $? "POP3S unknown CA: the server saw no credentials"

# A certificate for another host name.
stop_dovecot
start_dovecot wronghost
new_log >/dev/null
poll wronghost "smtphost 127.0.0.1/$P_SMTP"
is "$status" 2 "certificate for another host name: exit 2"
grep -q 'does not match' "$T/out"
ok $? "wrong host name: the message says the name does not match"
is "$(server_count)" 20 "wrong host name: nothing deleted"
! new_log | grep -q "user=<$MAIL_USER>"
ok $? "wrong host name: the server saw no credentials"

# "no sslcertck" still encrypts, warns, and works.
poll nocertck "smtphost 127.0.0.1/$P_SMTP keep no sslcertck"
is "$status" 0 "no sslcertck: connects anyway"
grep -q 'NOT authenticated' "$T/out"
ok $? "no sslcertck: a loud warning"
stop_dovecot
start_dovecot server

# The SMTP server is not running.
empty_mailbox; seed
poll nosmtp "smtphost 127.0.0.1/$P_NOTHING"
is "$status" 10 "SMTP server not running: exit 10"
is "$(server_count)" 20 "SMTP server not running: nothing deleted"

# The MDA fails (exit 1: permanent; exit 75: temporary).
mkdir -p "$T/mda"
empty_mailbox; seed
MDA_EXIT=1 poll mdafail "$MDA_AS mda \"$MDA_SAVE $T/mda %T\""
[ "$status" -ne 0 ] && [ "$status" -ne 1 ]
ok $? "MDA exiting 1: an error exit ($status)"
is "$(server_count)" 20 "MDA exiting 1: nothing deleted"
MDA_EXIT=75 poll mdatemp "$MDA_AS mda \"$MDA_SAVE $T/mda %T\""
is "$(server_count)" 20 "MDA exiting 75: nothing deleted"

# The MDA is killed by a signal.
MDA_KILL='kill -9 $$'
poll mdakill "$MDA_AS mda \"$MDA_KILL\""
is "$status" 6 "MDA killed by a signal: exit 6"
is "$(server_count)" 20 "MDA killed by a signal: nothing deleted"
grep -q 'killed by signal 9' "$T/out"
ok $? "MDA killed by a signal: the log says so"

# smtp-sink refusing at each step; softbounce (the default) keeps 5xx too.
sink_case() {	# sink_case SMTP-SINK-OPTION WHAT
	stop_sink
	rm -rf "$SINK_DIR"
	start_sink "$1"
	poll "smtp$1" "smtphost 127.0.0.1/$P_SMTP"
	is "$status" 10 "SMTP $2: exit 10"
	is "$(server_count)" 20 "SMTP $2: nothing deleted"
}
sink_case "-rMAIL" "4xx at MAIL"
sink_case "-rRCPT" "4xx at RCPT"
sink_case "-r." "4xx after DATA"
sink_case "-fMAIL" "5xx at MAIL (softbounce)"
sink_case "-fRCPT" "5xx at RCPT (softbounce)"
sink_case "-f." "5xx after DATA (softbounce)"
sink_case "-QMAIL" "421 and hang-up at MAIL"
sink_case "-q." "hang-up instead of the reply to the final dot"
stop_sink

# A server that hangs up in the middle of DATA.
P_EXTRA=$((PORT_BASE + 6))
rm -f "$T/scripted.out" "$T/scripted.log"
python3 "$top_srcdir/tests/tls/scripted_server.py" smtp-drop "$P_EXTRA" \
    "$T/scripted.log" >"$T/scripted.out" 2>&1 &
SPID=$!
PIDS="$PIDS $SPID"
wait_ready "$T/scripted.out"
poll smtpdrop "smtphost 127.0.0.1/$P_EXTRA"
is "$status" 10 "SMTP connection dropped mid-DATA: exit 10"
is "$(server_count)" 20 "SMTP connection dropped mid-DATA: nothing deleted"
grep -q '^DATA' "$T/scripted.log"
ok $? "SMTP connection dropped mid-DATA: it did get that far"
kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null

# A bad rcfile: exit 5 with file:line:col.
rc=$(rcfile syntax "poll localhost proto imap
  user joe ssl via other")
"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
is "$?" 5 "rcfile error: exit 5"
grep -q "syntax.rc:2:16: \"via\" is a server option" "$T/out"
ok $? "rcfile error names file:line:col"

# A world-readable rcfile holding a password: exit 6 with the chmod.
chmod 644 "$rc"
printf 'poll x password y\n' >"$rc"
"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
is "$?" 6 "readable rcfile with a password: exit 6"
grep -q "chmod 600" "$T/out"
ok $? "readable rcfile: the message gives the chmod"

done_testing
