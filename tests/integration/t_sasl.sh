#!/bin/bash
# t_sasl.sh -- logging in with each SASL mechanism Dovecot speaks (PLAIN,
# LOGIN, CRAM-MD5, SCRAM-SHA-1, SCRAM-SHA-256, APOP) over IMAP and POP3, with
# the wrong password too (exit 3, nothing deleted); "auth any" taking the
# strongest offered; an explicit mechanism the server lacks; XOAUTH2 and
# OAUTHBEARER against a scripted server that checks the exact bytes.

. "$top_srcdir/tests/integration/lib.sh"

setup_certs
make_messages
P_EXTRA=$((PORT_BASE + 6))

# dovecot_with MECHS: restart Dovecot offering only those mechanisms.
dovecot_with() {
	[ -n "${DOVECOT_PID:-}" ] && stop_dovecot
	DOVECOT_EXTRA="auth_mechanisms = $1"
	start_dovecot
}

# fetch PROTO PORT PASSWORD [SERVER-OPTIONS]: one message, deleted when
# delivered; the exit status.
fetch() {
	empty_mailbox
	cp "$SRC/02.eml" "$MAILDIR/new/1000002.M2P1.pullmail"
	chown -R "$MAIL_UID:$MAIL_GID" "$MAILDIR"
	rm -rf "$T/mda"; mkdir -p "$T/mda"
	rc=$(rcfile sasl "poll localhost via 127.0.0.1 proto $1 port $2 ${4:-}
    user \"$MAIL_USER\" password '$3' ssl sslcertfile \"$T/ca.crt\"
    $MDA_AS mda \"$MDA_SAVE $T/mda %T\"")
	"$PULLMAIL" ${PMFLAGS:-} -f "$rc" >"$T/out" 2>&1
}
# secrets: every form of the password a trace could show
b64() { printf '%b' "$1" | base64 -w0; }
no_secret_in() {	# no_secret_in FILE LABEL
	local s found=0
	for s in "$MAIL_PASS" "$(b64 "$MAIL_PASS")" \
	    "$(b64 "\\0$MAIL_USER\\0$MAIL_PASS")" \
	    "$(b64 "$MAIL_USER\\0$MAIL_USER\\0$MAIL_PASS")"; do
		grep -qF -- "$s" "$1" && found=1
	done
	is "$found" 0 "$2: no password (plain or base64) in the -v -v trace and log file"
}

for mech in plain login cram-md5 scram-sha-1 scram-sha-256; do
	dovecot_with "$mech"
	MECH=$(echo "$mech" | tr a-z A-Z)
	for pp in imap:$P_IMAPS pop3:$P_POP3S; do
		proto=${pp%%:*}
		fetch "$proto" "${pp##*:}" "$MAIL_PASS"
		is "$?" 0 "$MECH over $proto: mail fetched"
		grep 'Login: user=<test>' "$T/dovecot.log" | tail -1 |
		    grep -q "method=$MECH"
		ok $? "$MECH over $proto: Dovecot saw $MECH"
		is "$(server_count)" 0 "$MECH over $proto: the message was deleted"
		rm -f "$T/trace.log"
		PMFLAGS="-v -v -L $T/trace.log" fetch "$proto" "${pp##*:}" "$MAIL_PASS"
		is "$?" 0 "$MECH over $proto with -v -v: mail fetched"
		cat "$T/out" "$T/trace.log" >"$T/all" 2>/dev/null
		grep -qE "> (A[0-9]+ )?(AUTH|USER|PASS|LOGIN|[0-9]+ AUTHENTICATE)" "$T/all"
		ok $? "$MECH over $proto: the trace shows the login commands" ||
		    sed 's/^/#   /' "$T/all" | head -20
		no_secret_in "$T/all" "$MECH over $proto"
		fetch "$proto" "${pp##*:}" "wrong password"
		is "$?" 3 "$MECH over $proto, wrong password: exit 3"
		is "$(server_count)" 1 "$MECH over $proto, wrong password: nothing deleted"
		! grep -q 'wrong password' "$T/out"
		ok $? "$MECH over $proto: the password is not in the message"
	done
done

# All of them offered: "auth any" takes SCRAM-SHA-256.
dovecot_with "plain login cram-md5 scram-sha-1 scram-sha-256"
fetch imap "$P_IMAPS" "$MAIL_PASS"
is "$?" 0 "auth any with everything offered: mail fetched"
grep 'Login: user=<test>' "$T/dovecot.log" | tail -1 | grep -q 'method=SCRAM-SHA-256'
ok $? "auth any chose SCRAM-SHA-256"
fetch imap "$P_IMAPS" "$MAIL_PASS" "auth cram-md5"
is "$?" 0 "auth cram-md5 explicitly: mail fetched"
grep 'Login: user=<test>' "$T/dovecot.log" | tail -1 | grep -q 'method=CRAM-MD5'
ok $? "auth cram-md5 used CRAM-MD5"

dovecot_with "plain login"
fetch pop3 "$P_POP3S" "$MAIL_PASS" "auth scram-sha-256"
is "$?" 3 "auth scram-sha-256 against a server without it: exit 3"
grep -q 'does not offer SCRAM-SHA-256 (auth scram-sha-256); it offers: PLAIN LOGIN' "$T/out"
ok $? "the message lists what the server offers" || sed 's/^/# /' "$T/out"
is "$(server_count)" 1 "nothing deleted"

# --- APOP ------------------------------------------------------------------
dovecot_with "plain login apop"
fetch apop "$P_POP3S" "$MAIL_PASS"
is "$?" 0 "APOP: mail fetched"
grep 'Login: user=<test>' "$T/dovecot.log" | tail -1 | grep -q 'method=APOP'
ok $? "APOP: Dovecot saw APOP"
fetch apop "$P_POP3S" "wrong password"
is "$?" 3 "APOP, wrong password: exit 3"
is "$(server_count)" 1 "APOP, wrong password: nothing deleted"
dovecot_with "plain login"
fetch apop "$P_POP3S" "$MAIL_PASS"
is "$?" 3 "APOP against a server without it: exit 3"
grep -q 'does not offer APOP' "$T/out"
ok $? "and says the server does not offer it"

# --- POP3 login refusals and their exit codes ---------------------------------
login_err() {	# login_err REPLY: exit status of a poll
	rm -f "$T/scripted.out"
	REPLY="$1" python3 "$top_srcdir/tests/tls/scripted_server.py" \
	    pop3-login-err "$P_EXTRA" "$T/scripted.log" >"$T/scripted.out" 2>&1 &
	SPID=$!
	PIDS="$PIDS $SPID"
	wait_ready "$T/scripted.out"
	rc=$(rcfile lerr "poll localhost via 127.0.0.1 proto pop3 port $P_EXTRA
    auth password timeout 5 user u password p sslproto ''")
	"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
	status=$?
	kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null
	return $status
}
for c in "-ERR [IN-USE] maildrop locked:9" "-ERR [LOGIN-DELAY] too soon:9" \
    "-ERR mailbox is locked by another session:9" \
    "-ERR [SYS/TEMP] try later:7" "-ERR [AUTH] bad password:3" \
    "-ERR Service temporarily unavailable:14" "-ERR no:3"; do
	login_err "${c%:*}"
	is "$?" "${c##*:}" "POP3 login refused with \"${c%:*}\": exit ${c##*:}"
done

# --- an RFC 1939 server: no CAPA, no UIDL ------------------------------------
rm -f "$T/scripted.out" "$T/scripted.log"
python3 "$top_srcdir/tests/tls/scripted_server.py" pop3-old "$P_EXTRA" \
    "$T/scripted.log" >"$T/scripted.out" 2>&1 &
SPID=$!
PIDS="$PIDS $SPID"
wait_ready "$T/scripted.out"
rm -rf "$T/mda"; mkdir -p "$T/mda"
rc=$(rcfile old "poll localhost via 127.0.0.1 proto pop3 port $P_EXTRA
    auth password timeout 5 user u password p sslproto ''
    $MDA_AS mda \"$MDA_SAVE $T/mda %T\"")
"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
is "$?" 0 "a POP3 server without CAPA and UIDL: mail fetched"
kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null
is "$(ls "$T"/mda/msg.* 2>/dev/null | wc -l)" 2 "both messages arrived"
grep -q '^\.dot' "$T"/mda/msg.* 
ok $? "dot-stuffing undone"
is "$(grep -c '^DELE' "$T/scripted.log")" 2 "both deleted after delivery"
grep -q '^QUIT' "$T/scripted.log"
ok $? "and QUIT committed the deletions"

# --- OAuth: the exact bytes, token from passwordeval ------------------------
oauth() {	# oauth MECH EXPECT TOKEN: poll the scripted server
	rm -f "$T/scripted.out" "$T/scripted.log"
	EXPECT="$2" python3 "$top_srcdir/tests/tls/scripted_server.py" \
	    imap-oauth "$P_EXTRA" "$T/scripted.log" >"$T/scripted.out" 2>&1 &
	SPID=$!
	PIDS="$PIDS $SPID"
	wait_ready "$T/scripted.out"
	printf '#!/bin/sh\necho %s\n' "$3" >"$T/token.sh"
	chmod 755 "$T/token.sh"
	rc=$(rcfile oauth "poll mail.example.org via 127.0.0.1 proto imap
    port $P_EXTRA auth $1 timeout 5
    user \"joe@example.org\" passwordeval \"$T/token.sh\" $MDA_AS sslproto ''")
	"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
	status=$?
	kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null
	return $status
}
oauth xoauth2 'user=joe@example.org\x01auth=Bearer ya29.token\x01\x01' ya29.token
is "$?" 1 "XOAUTH2: the server got exactly the RFC bytes and let us in"
oauth oauthbearer "n,a=joe@example.org,\\x01host=127.0.0.1\\x01port=$P_EXTRA\\x01auth=Bearer tok-123\\x01\\x01" tok-123
is "$?" 1 "OAUTHBEARER: the server got exactly the RFC 7628 bytes"
oauth oauthbearer "n,a=joe@example.org,\\x01host=127.0.0.1\\x01port=$P_EXTRA\\x01auth=Bearer right\\x01\\x01" wrong
is "$?" 3 "OAUTHBEARER with a token the server refuses: exit 3"
grep -q '^AQ==' "$T/scripted.log"
ok $? "and the error challenge was answered with %x01, as RFC 7628 says"

# --- SCRAM-PLUS: bound to the TLS channel ------------------------------------
scram_plus() {	# scram_plus TLSMAX AUTH: poll the scripted SCRAM server
	rm -f "$T/scripted.out" "$T/scripted.log"
	CERT="$T/server.crt" KEY="$T/server.key" PASS="$MAIL_PASS" TLSMAX=$1 \
	    python3 "$top_srcdir/tests/tls/scripted_server.py" \
	    imap-scram-plus "$P_EXTRA" "$T/scripted.log" >"$T/scripted.out" 2>&1 &
	SPID=$!
	PIDS="$PIDS $SPID"
	wait_ready "$T/scripted.out"
	rc=$(rcfile plus "poll localhost via 127.0.0.1 proto imap port $P_EXTRA
    auth $2 timeout 5 user \"$MAIL_USER\" password '$MAIL_PASS'
    ssl sslcertfile \"$T/ca.crt\"")
	"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
	status=$?
	kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null
	return $status
}
scram_plus 1.2 any
is "$?" 1 "SCRAM-PLUS on TLS 1.2: logged in (exit 1, empty INBOX)"
grep -q '^# mech: SCRAM-SHA-256-PLUS' "$T/scripted.log"
ok $? "auth any picks SCRAM-SHA-256-PLUS over TLS"
grep -q '^# cb: tls-unique ok' "$T/scripted.log"
ok $? "the tls-unique binding matches the server's own"
scram_plus 1.3 scram-sha-256
is "$?" 1 "SCRAM-PLUS on TLS 1.3: logged in"
grep -q '^# mech: SCRAM-SHA-256-PLUS' "$T/scripted.log"
ok $? "auth scram-sha-256 binds to the channel when -PLUS is offered"
grep -q '^# cb: tls-exporter 32 bytes' "$T/scripted.log"
ok $? "TLS 1.3 binds with tls-exporter (RFC 9266), 32 bytes"

done_testing
