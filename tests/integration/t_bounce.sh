#!/bin/bash
# t_bounce.sh -- mail the forwarder refuses for good, against Dovecot and a
# scripted SMTP server: softbounce (the default) keeps it; "set no
# softbounce" bounces it to the sender through the forwarder, at most once,
# and deletes it only after the bounce was accepted; antispam codes delete
# without a bounce unless spambounce; "no bouncemail" bounces to the
# postmaster; a refused bounce keeps the message.

. "$top_srcdir/tests/integration/lib.sh"

P_EXTRA=$((PORT_BASE + 6))
setup_certs
make_messages
start_dovecot

smtp() {	# smtp REPLY [BOUNCE_REPLY]: (re)start the scripted SMTP server
	[ -n "${SPID:-}" ] && { kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null; }
	rm -rf "$T/bounces" "$T/scripted.out"; mkdir -p "$T/bounces"
	REPLY="$1" BOUNCE_REPLY="${2:-250 ok}" OUT="$T/bounces" \
	    python3 "$top_srcdir/tests/tls/scripted_server.py" smtp-refuse \
	    "$P_EXTRA" "$T/smtp.log" >"$T/scripted.out" 2>&1 &
	SPID=$!
	PIDS="$PIDS $SPID"
	wait_ready "$T/scripted.out"
}
run() {	# run GLOBALS OPTIONS
	rc=$(rcfile b "$1
poll localhost via 127.0.0.1 proto pop3 port $P_POP3S
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcertfile \"$T/ca.crt\"
    smtphost 127.0.0.1/$P_EXTRA $2")
	rm -f "$T"/bounces/*
	timeout 60 "$PULLMAIL" -f "$rc" >"$T/out" 2>&1
}
bounces() { ls "$T/bounces" | wc -l; }

smtp "550 5.7.1 no thanks"
empty_mailbox; seed
run "" ""
is "$(server_count)" 20 "softbounce (default): refused mail stays"
is "$(bounces)" 0 "softbounce: no bounce"

run "set no softbounce" ""
is "$(server_count)" 0 "no softbounce: refused mail is deleted"
is "$(bounces)" 20 "no softbounce: after one bounce each"
f=$(grep -l 'Subject: test message 07' "$T"/bounces/*)
grep -q '^To: <sender07@example.org>' "$f" &&
    grep -q '^Content-Type: multipart/report; report-type=delivery-status' "$f" &&
    grep -q '^Status: 5.7.1' "$f" &&
    grep -q '^Diagnostic-Code: smtp; .*550 5.7.1 no thanks' "$f"
ok $? "the bounce is an RFC 3464 report to the sender with the reply" ||
    sed 's/^/#   /' "$f" | head -40
! grep -q 'Body of message 07' "$f"
ok $? "the bounce carries the header, not the body"
grep -q '^MAIL FROM:<>' "$T/smtp.log"
ok $? "bounces go out from the null sender, through the forwarder"
grep -q 'bounced to <sender07@example.org> and deleted' "$T/out"
ok $? "the log says who got the bounce"

run "set no softbounce" ""
is "$(bounces)" 0 "nothing left, nothing bounced twice"

smtp "554 5.7.1 spam"
empty_mailbox; seed
run "set no softbounce" "antispam 554"
is "$(server_count)" 0 "antispam code, no softbounce: deleted"
is "$(bounces)" 0 "antispam code: without a bounce"
empty_mailbox; seed
run "set no softbounce
set spambounce" "antispam 554"
is "$(bounces)" 20 "antispam code with spambounce: bounced"
empty_mailbox; seed
run "set softbounce" "antispam 554"
is "$(server_count)" 20 "antispam code with softbounce: kept"

smtp "550 5.1.1 unknown"
empty_mailbox; seed
run "set no softbounce
set no bouncemail
set postmaster \"pm@example.net\"" ""
is "$(grep -l '^To: <pm@example.net>' "$T"/bounces/* | wc -l)" 20 \
    "no bouncemail: bounces go to the postmaster"

smtp "550 5.1.1 unknown" "550 no bounces here"
empty_mailbox; seed
run "set no softbounce" ""
is "$(server_count)" 20 "the bounce itself refused: the message stays"
grep -q 'the bounce to <sender01@example.org> was not sent' "$T/out"
ok $? "and the log says so"
j=$(ls "$STATEDIR"/pop3*.uids)
! grep -q '^B ' "$j" || [ "$(grep -c '^- ' "$j")" -ge 20 ]
ok $? "a bounce that failed is not remembered as sent"

# Killed while bouncing (the journal says B): never bounced again.
smtp "250 ok"
empty_mailbox; seed
run "" "keep"	# records all 20 as kept: their UIDs are in the journal
sed -i 's/^K /B /' "$j"
smtp "550 5.1.1 unknown"
run "set no softbounce" ""
is "$(bounces)" 0 "B in the journal (stopped mid-bounce): no second bounce"
is "$(server_count)" 20 "and the message is left on the server"
grep -q 'never bounced twice' "$T/out"
ok $? "with a warning"

done_testing
