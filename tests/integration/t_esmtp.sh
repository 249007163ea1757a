#!/bin/bash
# t_esmtp.sh -- esmtpname/esmtppassword towards a real submission server:
# Dovecot's submission service (STARTTLS, AUTH) relaying to smtp-sink.
# pullmail upgrades with STARTTLS before it logs in, the mail arrives
# unchanged, a wrong password keeps every message on the server and names
# the server, the user and the command, and no password reaches the log.

. "$top_srcdir/tests/integration/lib.sh"

P_SUB=$((PORT_BASE + 6))
setup_certs
make_messages
start_sink
DOVECOT_EXTRA="protocols = \$protocols submission
hostname = localhost
submission_relay_host = 127.0.0.1
submission_relay_port = $P_SMTP
submission_relay_trusted = yes
service submission-login {
  inet_listener submission {
    port = $P_SUB
  }
}"
start_dovecot
wait_port "$P_SUB" || bail "Dovecot submission not listening"

run() {	# run NAME SMTP-PASSWORD [pullmail options]
	local name=$1 pw=$2
	shift 2
	rc=$(rcfile "$name" "poll localhost via 127.0.0.1 proto pop3 port $P_POP3S
    esmtpname \"$MAIL_USER\" esmtppassword '$pw'
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcertfile \"$T/ca.crt\"
    smtphost 127.0.0.1/$P_SUB")
	"$PULLMAIL" -f "$rc" "$@" >"$T/out" 2>&1
}

seed
new_log >/dev/null
run good "$MAIL_PASS" -v -v
is "$?" 0 "submission: exit 0"
bad=0
for f in "$SRC"/*.eml; do
	n=$(basename "$f" .eml)
	# Dovecot's Received line comes on top of ours.
	sink_message "msg$n@pullmail.test" >"$T/relayed" &&
	    strip_received "$T/relayed" | cmp -s - "$f" || bad=$((bad + 1))
done
is "$bad" 0 "submission: all 20 messages arrived at smtp-sink byte for byte"
grep -l 'by localhost with ESMTPSA' "$SINK_DIR"/m.* | wc -l >"$T/n"
is "$(cat "$T/n")" 20 "submission: Dovecot says ESMTPSA (TLS and AUTH) for each"
is "$(server_count)" 0 "submission: all deleted from the server"
for _ in $(seq 1 50); do	# Dovecot's log process may lag a little
	grep -q "submission-login: Info: Login:" "$T/dovecot.log" && break
	sleep 0.1
done
log=$(new_log)
echo "$log" | grep -q "submission-login: Info: Login: user=<$MAIL_USER>, method=[A-Z0-9-]*,.* TLS"
ok $? "submission: Dovecot saw the login over TLS (STARTTLS first)"
logins=$(echo "$log" | grep -c "submission-login: Info: Login:")
is "$logins" 1 "submission: one session for the whole poll"
grep -q -F -- "$MAIL_PASS" "$T/out"
ok $(( ! $? )) "submission: the password is not in a -v -v trace"
grep -q 'STARTTLS' "$T/out"
ok $? "submission: the trace shows the STARTTLS"

empty_mailbox
seed
rm -f "$SINK_DIR"/m.*
run bad "not-the-password"
is "$?" 10 "wrong esmtppassword: exit 10 (SMTP error)"
is "$(server_count)" 20 "wrong esmtppassword: nothing deleted"
is "$(ls "$SINK_DIR" | wc -l)" 0 "wrong esmtppassword: nothing relayed"
grep -q "127.0.0.1/$P_SUB: AUTH [A-Z0-9-]* as $MAIL_USER: 535" "$T/out"
ok $? "wrong esmtppassword: the log names the server, the user and AUTH"
grep -q -F -- "not-the-password" "$T/out"
ok $(( ! $? )) "wrong esmtppassword: not in the log either"

done_testing
