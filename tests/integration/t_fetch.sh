#!/bin/bash
# t_fetch.sh -- 20 messages (a 5 MB one, dot lines, 8-bit bytes, a long
# line) over POP3+STLS, POP3S, IMAP+STARTTLS and IMAPS, to smtp-sink and
# to an MDA, byte for byte; the server mailbox is empty afterwards, and
# with "keep" it still holds all 20.

. "$top_srcdir/tests/integration/lib.sh"

setup_certs
make_messages
start_dovecot
start_sink

# mode PROTO PORT TLS-OPTIONS
run_case() {
	label=$1 proto=$2 port=$3 tls=$4 sink=$5 keep=$6
	empty_mailbox
	seed
	rm -rf "$SINK_DIR"/m.* "$T/mda"
	mkdir -p "$T/mda"
	if [ "$sink" = smtp ]; then
		deliver="smtphost 127.0.0.1/$P_SMTP"
	else
		deliver="$MDA_AS mda \"$MDA_SAVE $T/mda %T\""
	fi
	rc=$(rcfile fetch "poll localhost via 127.0.0.1 proto $proto port $port
    user \"$MAIL_USER\" password '$MAIL_PASS' is joe here
    $tls sslcertfile \"$T/ca.crt\" $deliver $keep")
	"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
	status=$?
	is "$status" 0 "$label/$sink$keep: exit 0"
	[ "$status" -eq 0 ] || sed 's/^/# /' "$T/out"
	if [ "$sink" = smtp ]; then
		check_sink
		ok $? "$label/$sink$keep: 20 messages at smtp-sink, byte for byte"
	else
		check_mda "$T/mda"
		ok $? "$label/$sink$keep: 20 messages at the MDA, byte for byte"
	fi
	if [ -n "$keep" ]; then
		is "$(server_count)" 20 "$label/$sink$keep: all 20 kept"
	else
		is "$(server_count)" 0 "$label/$sink: server mailbox empty"
	fi
}

for sink in smtp mda; do
	run_case POP3+STLS pop3 "$P_POP3" "" $sink ""
	run_case POP3S pop3 "$P_POP3S" ssl $sink ""
	run_case IMAP+STARTTLS imap "$P_IMAP" "" $sink ""
	run_case IMAPS imap "$P_IMAPS" ssl $sink ""
done
run_case POP3S pop3 "$P_POP3S" ssl smtp " keep"
run_case IMAP+STARTTLS imap "$P_IMAP" "" mda " keep"

# The MDA got the local name as its own argument.
a=$(cat "$T"/mda/args.* | sort -u)
is "$a" joe "MDA argument %T is the local name"

# No credentials before TLS: Dovecot logs every plaintext login attempt.
! grep -q 'Plaintext authentication disallowed' "$T/dovecot.log"
ok $? "no login attempt was ever made in plain text"

done_testing
