#!/bin/bash
# t_deadline.sh -- a poll past --deadline is stopped, but never while the
# SMTP server holds a message it may have taken: the worker's SIGKILL
# waits for that server's timeout, not for 10 seconds.  An SMTP server
# that takes 14 seconds to answer the final dot, --deadline 2: the
# message is delivered once and deleted from the server, and the next
# poll delivers nothing again.  (Killed at 12 seconds, the worker would
# leave it on the server and the next poll would deliver it twice.)

. "$top_srcdir/tests/integration/lib.sh"

setup_certs
start_dovecot
make_messages
P_SLOW=$((PORT_BASE + 6))
python3 "$top_srcdir/tests/integration/loopback_server.py" slow-smtp \
    "$P_SLOW" 14 "$T/smtp.log" >"$T/slow.out" 2>&1 &
PIDS="$PIDS $!"
wait_ready "$T/slow.out" || bail "the slow SMTP server did not start"
: >"$T/smtp.log"

cp "$SRC/02.eml" "$MAILDIR/new/1.M1P1.pullmail"
chown -R "$MAIL_UID:$MAIL_GID" "$MAILDIR"
rc=$(rcfile d "poll localhost via 127.0.0.1 proto pop3 port $P_POP3S
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcertfile \"$T/ca.crt\"
    smtphost 127.0.0.1/$P_SLOW")

start=$(date +%s)
"$PULLMAIL" -v --deadline 2 -f "$rc" >"$T/out" 2>&1
r=$?
took=$(( $(date +%s) - start ))
grep -q "took more than 2 seconds; stopping it" "$T/out"
ok $? "the deadline passed while the SMTP server held the message" ||
    sed 's/^/# /' "$T/out"
ok "$([ "$took" -ge 13 ] && echo 0 || echo 1)" \
    "the worker waited for the SMTP server's answer ($took s), not 10 s more"
is "$r" 0 "the message was delivered: exit 0"
is "$(grep -c accepted "$T/smtp.log")" 1 "the SMTP server accepted it once"
is "$(server_count)" 0 "and it was deleted from the mail server"
if grep -q "killed by signal" "$T/out"; then
	ok 1 "no worker was killed"
	sed 's/^/# /' "$T/out"
else
	ok 0 "no worker was killed"
fi

# The next poll finds nothing to deliver again.
"$PULLMAIL" --deadline 2 -f "$rc" >"$T/out2" 2>&1
is "$?" 1 "the next poll: nothing to deliver (exit 1)"
is "$(grep -c accepted "$T/smtp.log")" 1 "still one delivery: none twice"

done_testing
