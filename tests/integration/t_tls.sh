#!/bin/bash
# t_tls.sh -- the TLS layer against a real Dovecot: certificate failures
# (expired, not yet valid, wrong host, self-signed, unknown CA, revoked,
# CRL expired) stop the poll before any credential is sent, and "no
# sslcertck" connects with a warning; pins in the three forms; protocol
# floors against openssl s_server; client certificates against a Dovecot
# that requires them; and STARTTLS hygiene against a scripted server.

. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/pki.sh"

make_pki
# One Dovecot serves every certificate, chosen by SNI (sslcommonname).
DOVECOT_EXTRA=""
for n in expired future revoked unknown selfsigned; do
	DOVECOT_EXTRA="$DOVECOT_EXTRA
local_name $n.test {
  ssl_cert = <$PKI/$n.test.crt
  ssl_key = <$PKI/$n.test.key
}"
done
start_dovecot pki/good.test
P_EXTRA=$((PORT_BASE + 6))

logins() {	# how many logins Dovecot has seen
	grep -c 'Login: user=<' "$T/dovecot.log"
}

# poll NAME [USER-OPTIONS] [SERVER-OPTIONS]: IMAPS to Dovecot as NAME.
poll() {
	rc=$(rcfile tls "poll $1 via 127.0.0.1 proto imap port $P_IMAPS ${3:-}
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcommonname $1
    sslcertfile \"$PKI/ca.crt\" $MDA_AS mda \"cat >/dev/null\" ${2:-}")
	"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
}

# refused NAME REASON [USER-OPTIONS]: exit 2, the reason, no login.
refused() {
	before=$(logins)
	poll "$1" "${3:-}"
	status=$?
	is "$status" 2 "$1${3:+ ($3)}: refused with exit 2"
	grep -q "$2" "$T/out"
	ok $? "$1: the message says \"$2\"" || sed 's/^/# /' "$T/out"
	is "$(logins)" "$before" "$1: no credentials were sent"
}

# --- verification failures -----------------------------------------------
refused expired.test "certificate has expired"
refused future.test "certificate is not yet valid"
refused unknown.test "unable to get local issuer certificate"
# Review 2026-12, finding 13: a pin alone does not help under sslcertck.
grep -q 'pin the certificate with sslfingerprint and set no sslcertck' "$T/out"
ok $? "unknown issuer: the hint says a pin needs \"no sslcertck\"" ||
    sed 's/^/# /' "$T/out"
refused selfsigned.test "self-signed certificate"
refused revoked.test "certificate revoked" "sslcrlfile \"$PKI/ca.crl\""
refused good.test "CRL has expired" "sslcrlfile \"$PKI/ca-expired.crl\""
# Only another CA's CRL: the message names the issuer whose CRL is missing.
refused good.test 'no CRL of the issuer ".*CN = ca" was given' \
    "sslcrlfile \"$PKI/otherca.crl\""
# A CA directory nobody ran "openssl rehash" on: OpenSSL finds nothing.
mkdir -p "$T/unhashed"
cp "$PKI/ca.crt" "$T/unhashed/ca.pem"
rc=$(rcfile tls "poll good.test via 127.0.0.1 proto imap port $P_IMAPS
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcommonname good.test
    sslcertpath \"$T/unhashed\" $MDA_AS mda \"cat >/dev/null\"")
"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
is "$?" 2 "an unhashed sslcertpath: refused with exit 2"
grep -q "sslcertpath $T/unhashed has no hashed names.*openssl rehash $T/unhashed" "$T/out"
ok $? "and the message says to run openssl rehash" || sed 's/^/# /' "$T/out"
openssl rehash "$T/unhashed" 2>/dev/null || c_rehash "$T/unhashed" >/dev/null
"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
is "$?" 1 "after openssl rehash: verified, logged in (exit 1)"
rc=$(rcfile tls "poll good.test via 127.0.0.1 proto imap port $P_IMAPS
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcommonname good.test
    sslcertfile \"$PKI/ca.crt\" sslcrlfile \"$PKI/otherca.crl\"
    sslcrlfile \"$PKI/ca.crl\" $MDA_AS mda \"cat >/dev/null\"")
"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
is "$?" 1 "two sslcrlfile: the last one counts, as in fetchmail (exit 1)"
grep -q "tls.rc:.*warning: a second sslcrlfile replaces \"$PKI/otherca.crl\"" "$T/out"
ok $? "with a warning naming the file:line and the first one" ||
    sed 's/^/# /' "$T/out"
# good.test's certificate is not valid for the name other.test.
before=$(logins)
poll wronghost.test
is "$?" 2 "wrong host name: refused with exit 2"
grep -q 'does not match the name "wronghost.test"' "$T/out"
ok $? "wrong host name: the message names the expected name"
is "$(logins)" "$before" "wrong host name: no credentials were sent"

# Review 2026-12, finding 12: CRLs inside the sslcertfile bundle (as
# Dovecot's ssl_ca holds them) are checked: a revoked certificate is
# refused, a good one still passes.
cat "$PKI/ca.crt" "$PKI/ca.crl" >"$T/ca-bundle.pem"
bundle() {	# bundle NAME: poll NAME with the CA+CRL bundle
	rc=$(rcfile tls "poll $1 via 127.0.0.1 proto imap port $P_IMAPS
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcommonname $1
    sslcertfile \"$T/ca-bundle.pem\" $MDA_AS mda \"cat >/dev/null\"")
	"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
}
before=$(logins)
bundle revoked.test
is "$?" 2 "a CRL in the sslcertfile bundle revokes: exit 2"
grep -q "certificate revoked" "$T/out"
ok $? "and says the certificate is revoked" || sed 's/^/# /' "$T/out"
is "$(logins)" "$before" "CRL in the bundle: no credentials were sent"
bundle good.test
is "$?" 1 "a good certificate with the CA+CRL bundle: logged in (exit 1)"

# Review 2026-12, finding 4: an empty sslcommonname would turn the name
# check off; refused when the rcfile is read, naming the line.
rc=$(rcfile tls "poll good.test via 127.0.0.1 proto imap port $P_IMAPS
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl
    sslcommonname \"\" sslcertfile \"$PKI/ca.crt\"")
before=$(logins)
"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
is "$?" 5 "sslcommonname \"\" with sslcertck: a syntax error (exit 5)"
grep -q "$rc:3:5: sslcommonname \"\" leaves no server name to check" "$T/out"
ok $? "naming the file and line" || sed 's/^/# /' "$T/out"
is "$(logins)" "$before" "empty sslcommonname: no credentials were sent"
rc=$(rcfile tls "poll good.test via \"\" proto imap port $P_IMAPS
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcertfile \"$PKI/ca.crt\"")
"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
is "$?" 5 "via \"\" with sslcertck: a syntax error (exit 5)"
grep -q "$rc:1:16: via \"\" leaves no server name" "$T/out"
ok $? "naming the file and line" || sed 's/^/# /' "$T/out"

# CRLs in a hashed sslcertpath are used too.
mkdir -p "$T/capath"
cp "$PKI/ca.crt" "$T/capath/"
cp "$PKI/ca.crl" "$T/capath/"
openssl rehash "$T/capath" 2>/dev/null || c_rehash "$T/capath" >/dev/null
rc=$(rcfile tls "poll revoked.test via 127.0.0.1 proto imap port $P_IMAPS
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcommonname revoked.test
    sslcertpath \"$T/capath\" $MDA_AS mda \"cat >/dev/null\"")
"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
is "$?" 2 "a CRL in sslcertpath revokes too"

# --- the same with "no sslcertck": encrypted, unverified, warned -----------
# (wronghost.test gets Dovecot's default certificate, made for good.test;
# crlexpired is good.test checked against an out-of-date CRL.)
for n in expired future unknown selfsigned revoked wronghost crlexpired; do
	crl="" name=$n.test
	[ $n = revoked ] && crl="sslcrlfile \"$PKI/ca.crl\""
	[ $n = crlexpired ] && crl="sslcrlfile \"$PKI/ca-expired.crl\"" &&
	    name=good.test
	poll $name "no sslcertck $crl"
	status=$?
	is "$status" 1 "$n.test with no sslcertck: connects (no mail, exit 1)"
	grep -q 'WARNING: certificate \(not verified: .*\|does not match .*\)NOT authenticated' "$T/out"
	ok $? "$n.test with no sslcertck: a loud warning" ||
	    sed 's/^/# /' "$T/out"
done

# --- a good server, and pins --------------------------------------------
poll good.test
is "$?" 1 "good.test: verified, logged in (no mail, exit 1)"
mapfile -t P < <(pins "$PKI/good.test.crt")
mapfile -t S < <(pins "$PKI/selfsigned.test.crt")
for i in 0 1 2; do
	poll good.test "sslfingerprint \"${P[$i]}\""
	is "$?" 1 "pin form $((i + 1)) (${P[$i]%%:*}...) matches"
done
poll good.test "sslfingerprint \"${S[1]}\" \"${P[2]}\""
is "$?" 1 "one of several pins matches"
lc=$(echo "${P[1]#SHA256:}" | tr -d ':' | tr 'A-F' 'a-f')
poll good.test "sslfingerprint \"sha256:$lc\""
is "$?" 1 "SHA-256 pin in lower case without colons matches"
before=$(logins)
poll good.test "sslfingerprint \"${S[1]}\""
is "$?" 2 "a pin that does not match: exit 2"
grep -q "matches none of the sslfingerprint pins" "$T/out" &&
    grep -q "may be posing as it" "$T/out" &&
    ! grep -q -e "${P[0]}" -e "${P[1]#SHA256:}" -e "${P[2]#sha256//}" "$T/out"
ok $? "the message warns of an attack and offers no pin to paste"
is "$(logins)" "$before" "pin mismatch: no credentials were sent"
poll selfsigned.test "no sslcertck sslfingerprint \"${S[2]}\""
is "$?" 1 "self-signed server pinned with no sslcertck: connects"
! grep -q WARNING "$T/out"
ok $? "and without the unverified warning, since the pin matched"
poll selfsigned.test "sslfingerprint \"${S[2]}\""
is "$?" 2 "a pin does not replace the chain while sslcertck is on"

# Verbose output: version, chain and the three pins.
poll good.test "" >/dev/null
"$PULLMAIL" -v -f "$rc" >"$T/out" 2>&1
grep -q 'TLSv1.3' "$T/out" && grep -q 'subject: CN = good.test' "$T/out" &&
    grep -q 'issuer:  O = pullmail test, CN = ca' "$T/out" &&
    grep -q "sslfingerprint \"${P[1]}\"" "$T/out"
ok $? "-v shows the version, the chain and the pins" ||
    sed 's/^/# /' "$T/out"
is "$(grep -c ': TLSv1.3 TLS_' "$T/out")" 1 "-v: the TLS line once"
grep -q "$MAIL_USER@good.test: logged in with PLAIN (TLSv1.3" "$T/out"
ok $? "-v: the IMAP login names its mechanism" || sed 's/^/# /' "$T/out"

# --- plain text only when asked for, with a warning every poll -------------
plain_rc() {	# plain_rc PROTO PORT [SERVER-OPTIONS]
	rcfile plain "poll localhost via 127.0.0.1 proto $1 port $2 ${3:-}
    user \"$MAIL_USER\" password '$MAIL_PASS' sslproto ''
    $MDA_AS mda \"cat >/dev/null\""
}
for pp in imap:$P_IMAP pop3:$P_POP3; do
	before=$(grep -c 'user=<test>' "$T/dovecot.log")
	"$PULLMAIL" -f "$(plain_rc "${pp%%:*}" "${pp##*:}")" >"$T/out" 2>&1
	is "$?" 3 "sslproto '' over ${pp%%:*} with only PLAIN/LOGIN offered: exit 3"
	grep -q 'refusing to send it in clear text (say "auth password"' "$T/out"
	ok $? "sslproto '' over ${pp%%:*}: the password is not sent in clear"
	is "$(grep -c 'user=<test>' "$T/dovecot.log")" "$before" \
	    "sslproto '' over ${pp%%:*}: no login reached Dovecot"
	"$PULLMAIL" -f "$(plain_rc "${pp%%:*}" "${pp##*:}" "auth password")" \
	    >"$T/out" 2>&1
	is "$?" 1 "sslproto '' and auth password over ${pp%%:*}: logs in"
	grep -q "WARNING: plain text session (sslproto '')" "$T/out"
	ok $? "sslproto '' over ${pp%%:*}: warns"
	grep 'Login: user=<test>' "$T/dovecot.log" | tail -1 | grep -qv 'TLS'
	ok $? "sslproto '' over ${pp%%:*}: Dovecot saw a plain-text login"
done

# --- pullmail --probe ---------------------------------------------------------
probe() {	# probe ARGS...: run --probe, output in $T/probe
	"$PULLMAIL" --probe "$@" >"$T/probe" 2>&1
}
probe "127.0.0.1:$P_IMAPS" --ssl --sslcertfile "$PKI/ca.crt" --sslcommonname good.test
is "$?" 0 "probe of a good IMAPS server: exit 0"
grep -q 'The server passes' "$T/probe" &&
    grep -q 'greeting (in TLS): \* OK' "$T/probe" &&
    grep -q '\[ ok \] certificate and name check: verified' "$T/probe" &&
    grep -q '\[ ok \] TLS 1.0/1.1 refused' "$T/probe" &&
    grep -q "sslfingerprint \"${P[2]}\"" "$T/probe" &&
    grep -q "sslfingerprint \"${P[1]}\"" "$T/probe" &&
    grep -q "sslfingerprint \"${P[0]}\"" "$T/probe" &&
    grep -q "poll 127.0.0.1 proto imap port $P_IMAPS" "$T/probe"
ok $? "its report: greeting, verification, old TLS refused, pins, rcfile" ||
    sed 's/^/# /' "$T/probe"
probe "127.0.0.1:$P_IMAPS" --ssl --sslcommonname good.test
is "$?" 2 "probe with an unknown CA: exit 2"
grep -q '\[FAIL\] certificate and name check' "$T/probe" &&
    grep -q 'unable to get local issuer certificate' "$T/probe" &&
    grep -q 'does NOT pass' "$T/probe"
ok $? "its report names the failure"
# Review 2026-12, finding 13: its rcfile advice does not offer a pin
# alone, which cannot help while sslcertck is on.
grep -q "no sslcertck sslfingerprint \"${P[2]}\"" "$T/probe" &&
    grep -q "compare this pin with one from the server's operator" "$T/probe"
ok $? "its rcfile lines pin the key with no sslcertck, and say to compare the pin" ||
    sed 's/^/# /' "$T/probe"
sed -n '/^rcfile lines/,/^$/p' "$T/probe" | sed '1d' |
    sed "s|user \"\.\.\.\"|user \"$MAIL_USER\" password '$MAIL_PASS'|" \
    >"$T/pasted.rc"
chmod 600 "$T/pasted.rc"
"$PULLMAIL" -f "$T/pasted.rc" >"$T/out" 2>&1
is "$?" 1 "those lines, pasted with the user, log in (exit 1: no mail)" ||
    sed 's/^/# /' "$T/pasted.rc" "$T/out"
# A revoked certificate is not something a pin may paper over.
probe "127.0.0.1:$P_IMAPS" --ssl --sslcertfile "$PKI/ca.crt" \
    --sslcrlfile "$PKI/ca.crl" --sslcommonname revoked.test
! grep -q 'sslfingerprint "sha256//.*"$' "$T/probe" &&
    ! grep -q 'no sslcertck' "$T/probe" &&
    grep -q 'the certificate did NOT pass' "$T/probe"
ok $? "probe of a revoked certificate: its rcfile lines offer no pin" ||
    sed 's/^/# /' "$T/probe"
probe "127.0.0.1:$P_IMAPS" --ssl --sslcertfile "$PKI/ca.crt" --sslcommonname expired.test
is "$?" 2 "probe of an expired certificate: exit 2"
grep -q 'certificate has expired' "$T/probe"
ok $? "its report says the certificate has expired"
# Dovecot will not serve a 1024-bit key or TLS 1.1: a scripted server will.
scripted_tls() {	# scripted_tls MODE CERTNAME: background TLS server
	rm -f "$T/scripted.out"
	CERT="$PKI/$2.crt" KEY="$PKI/$2.key" python3 \
	    "$top_srcdir/tests/tls/scripted_server.py" "$1" "$P_EXTRA" \
	    "$T/scripted.log" >"$T/scripted.out" 2>&1 &
	SPID=$!
	PIDS="$PIDS $SPID"
	wait_ready "$T/scripted.out"
}
scripted_tls imaps weak.test
probe "127.0.0.1:$P_EXTRA" --ssl --sslcertfile "$PKI/ca.crt" --sslcommonname weak.test
is "$?" 2 "probe of a 1024-bit RSA certificate: exit 2"
grep -q 'certificate 0 has a 1024-bit key' "$T/probe"
ok $? "its report names the weak key" || sed 's/^/# /' "$T/probe"
kill "$SPID"; wait "$SPID" 2>/dev/null
scripted_tls imaps-old good.test
probe "127.0.0.1:$P_EXTRA" --ssl --sslcertfile "$PKI/ca.crt" --sslcommonname good.test
is "$?" 2 "probe of a server that still speaks TLS 1.1: exit 2"
grep -q 'TLS 1.0/1.1 ACCEPTED' "$T/probe" &&
    grep -q '\[ ok \] certificate and name check: verified' "$T/probe"
ok $? "its report says old TLS is accepted" || sed 's/^/# /' "$T/probe"
kill "$SPID"; wait "$SPID" 2>/dev/null
probe "127.0.0.1:$P_POP3" -p pop3 --sslcertfile "$PKI/ca.crt" --sslcommonname good.test
is "$?" 2 "probe over POP3 STLS on loopback: fails the login-before-TLS check"
grep -q 'capabilities before TLS: .*STLS' "$T/probe" &&
    grep -q 'STLS: +OK' "$T/probe" &&
    grep -q 'capabilities after TLS: ' "$T/probe" &&
    grep -q 'login before TLS OFFERED' "$T/probe"
ok $? "its report shows capabilities before and after STLS" ||
    sed 's/^/# /' "$T/probe"
rc=$(rcfile probe "poll good.test via 127.0.0.1 proto imap port $P_IMAPS
    user \"$MAIL_USER\" ssl sslcertfile \"$PKI/ca.crt\" sslfingerprint \"${S[0]}\"")
"$PULLMAIL" -f "$rc" --probe good.test >"$T/probe" 2>&1
is "$?" 2 "probe by poll name applies the rcfile's pin (mismatch: exit 2)"
grep -q 'matches none of the sslfingerprint pins' "$T/probe"
ok $? "and says the pin does not match"

# --- protocol floors ------------------------------------------------------
s_server() {	# s_server OPTIONS...: openssl s_server on $P_EXTRA
	openssl s_server -quiet -accept "$P_EXTRA" \
	    -cert "$PKI/good.test.crt" -key "$PKI/good.test.key" "$@" \
	    >/dev/null 2>&1 </dev/null &
	SPID=$!
	PIDS="$PIDS $SPID"
	wait_port "$P_EXTRA" || bail "openssl s_server did not start"
}
floor() {	# floor SSLPROTO: poll the s_server on $P_EXTRA
	rc=$(rcfile tls "poll good.test via 127.0.0.1 proto imap
    port $P_EXTRA timeout 5
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslproto '$1'
    sslcertfile \"$PKI/ca.crt\" sslcommonname good.test")
	"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
}
s_server -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0'
floor auto
is "$?" 2 "a TLS 1.1 server against the default floor (1.2): exit 2"
grep -qi 'protocol version\|no protocols available\|handshake' "$T/out"
ok $? "the message is about the handshake" || sed 's/^/# /' "$T/out"
kill "$SPID"; wait "$SPID" 2>/dev/null
s_server -tls1_2
floor tls1.3+
is "$?" 2 "tls1.3+ against a TLS 1.2 server: exit 2"
kill "$SPID"; wait "$SPID" 2>/dev/null
rc=$(rcfile tls "poll good.test via 127.0.0.1 proto imap port $P_IMAPS
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslproto tls1.2+
    sslcertfile \"$PKI/ca.crt\" sslcommonname good.test")
"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
is "$?" 1 "tls1.2+ against Dovecot (TLS 1.3): works"

# --- STARTTLS hygiene against a scripted server ----------------------------
scripted() {	# scripted MODE PROTO: exit status of a poll
	rm -f "$T/scripted.log"
	python3 "$top_srcdir/tests/tls/scripted_server.py" "$1" "$P_EXTRA" \
	    "$T/scripted.log" >"$T/scripted.out" 2>&1 &
	SPID=$!
	PIDS="$PIDS $SPID"
	# It serves one connection, so wait for its word, not for a probe.
	wait_ready "$T/scripted.out"
	rc=$(rcfile tls "poll localhost via 127.0.0.1 proto $2 port $P_EXTRA
    timeout 5 user \"$MAIL_USER\" password '$MAIL_PASS'
    sslcertfile \"$PKI/ca.crt\"")
	"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
	status=$?
	kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null
	return $status
}
no_secrets() {	# no_secrets LABEL: the scripted server saw no login
	! grep -qiE '^(USER|PASS|[^ ]+ LOGIN|[^ ]+ AUTHENTICATE|AUTH)' \
	    "$T/scripted.log" 2>/dev/null
	ok $? "$1: no credentials sent"
}
# A server that accepts but never answers the handshake: bounded by timeout.
rm -f "$T/scripted.out"
python3 "$top_srcdir/tests/tls/scripted_server.py" silent "$P_EXTRA" \
    "$T/scripted.log" >"$T/scripted.out" 2>&1 &
SPID=$!
PIDS="$PIDS $SPID"
wait_ready "$T/scripted.out"
rc=$(rcfile tls "poll localhost via 127.0.0.1 proto imap port $P_EXTRA
    timeout 2 user \"$MAIL_USER\" password '$MAIL_PASS' ssl")
start=$(date +%s)
"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
status=$?
took=$(( $(date +%s) - start ))
kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null
is "$status" 2 "a stalled TLS handshake: exit 2"
[ "$took" -le 5 ]
ok $? "within the 2 s timeout (took ${took}s)"

for m in pop3-inject:pop3 imap-inject:imap imap-preauth:imap \
    pop3-nostls:pop3 pop3-refused:pop3 imap-nostarttls:imap; do
	scripted "${m%%:*}" "${m##*:}"
	is "$?" 2 "${m%%:*}: refused with exit 2"
	sed 's/^/#   /' "$T/out"
	no_secrets "${m%%:*}"
done

# --- ALPN (RFC 7301; the ALPACA cross-protocol attack) --------------------
# Python's ssl selects only an id the client offered, or none; a server
# selecting another id is refused in tests/unit/test_tls.c.
alpn() {	# alpn PROTO SERVER-IDS: poll the scripted ALPN server
	rm -f "$T/scripted.log" "$T/scripted.out"
	CERT="$PKI/good.test.crt" KEY="$PKI/good.test.key" PROTO=$1 ALPN=$2 \
	    python3 "$top_srcdir/tests/tls/scripted_server.py" alpn \
	    "$P_EXTRA" "$T/scripted.log" >"$T/scripted.out" 2>&1 &
	SPID=$!
	PIDS="$PIDS $SPID"
	wait_ready "$T/scripted.out"
	rc=$(rcfile tls "poll good.test via 127.0.0.1 proto $1 port $P_EXTRA
    timeout 5 user \"$MAIL_USER\" password '$MAIL_PASS'
    $([ "$1" = imap ] && echo ssl) sslcertfile \"$PKI/ca.crt\"
    $MDA_AS mda \"cat >/dev/null\"")
	"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
	status=$?
	kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null
	return $status
}
alpn imap "pop3,imap"
is "$?" 1 "ALPN over implicit TLS: logged in (exit 1)"
grep -q '^# alpn: imap$' "$T/scripted.log"
ok $? "IMAP offers the ALPN id imap" || sed 's/^/# /' "$T/scripted.log"
alpn pop3 "imap,pop3"
is "$?" 1 "ALPN over STLS: logged in (exit 1)"
grep -q '^# alpn: pop3$' "$T/scripted.log"
ok $? "POP3 offers the ALPN id pop3 after STLS" ||
    sed 's/^/# /' "$T/scripted.log"
alpn imap "http/1.1"
is "$?" 1 "a server that knows only http/1.1 selects none: fine (exit 1)"
grep -q '^# alpn: none$' "$T/scripted.log"
ok $? "(it selected none)"

# --- TLS 1.2 without Extended Master Secret: no tls-unique -----------------
# Review 2026-12, finding 11: plain SCRAM rather than -PLUS bound to a
# tls-unique value the triple handshake attack can forge.
rm -f "$T/scripted.out" "$T/scripted.log"
CERT="$PKI/good.test.crt" KEY="$PKI/good.test.key" PASS="$MAIL_PASS" \
    TLSMAX=1.2 NOEMS=1 python3 "$top_srcdir/tests/tls/scripted_server.py" \
    imap-scram-plus "$P_EXTRA" "$T/scripted.log" >"$T/scripted.out" 2>&1 &
SPID=$!
PIDS="$PIDS $SPID"
wait_ready "$T/scripted.out"
rc=$(rcfile tls "poll good.test via 127.0.0.1 proto imap port $P_EXTRA
    timeout 5 user \"$MAIL_USER\" password '$MAIL_PASS' ssl
    sslcertfile \"$PKI/ca.crt\" $MDA_AS mda \"cat >/dev/null\"")
"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
is "$?" 1 "TLS 1.2 without EMS: logged in (exit 1)"
kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null
grep -q '^# mech: SCRAM-SHA-256$' "$T/scripted.log" &&
    grep -q '^# cb: none, header n,,$' "$T/scripted.log"
ok $? "with SCRAM-SHA-256, not -PLUS, saying it cannot bind (n,,)" ||
    sed 's/^/# /' "$T/scripted.log"

# --- client certificates against a Dovecot that requires them ------------
stop_dovecot
DOVECOT_EXTRA="ssl_ca = <$PKI/client-ca-ours.pem
ssl_verify_client_cert = yes
auth_ssl_require_client_cert = yes"
start_dovecot pki/good.test
client() {	# client CERTNAME: poll with that client certificate
	poll good.test "sslcert \"$PKI/$1.crt\" sslkey \"$PKI/$1.key\""
}
client client
is "$?" 1 "a valid client certificate is accepted"
client client-revoked
status=$?
[ "$status" -ne 0 ] && [ "$status" -ne 1 ]
ok $? "a revoked client certificate is refused (exit $status)"
grep -q 'the server asked for a client certificate and got ".*client-revoked.*", issued by ".*", valid until .*revoked, from a CA the server does not trust' "$T/out"
ok $? "and the message names the certificate sent and the likely causes" ||
    sed 's/^/# /' "$T/out"
client client-foreign
status=$?
[ "$status" -ne 0 ] && [ "$status" -ne 1 ]
ok $? "a client certificate from a foreign CA is refused (exit $status)"
grep -q 'asked for a client certificate and got ".*client-foreign' "$T/out"
ok $? "and the message names it" || sed 's/^/# /' "$T/out"
poll good.test
status=$?
[ "$status" -ne 0 ] && [ "$status" -ne 1 ]
ok $? "no client certificate: refused (exit $status)"
grep -q 'the server asked for a client certificate, and none is given (sslcert)' "$T/out"
ok $? "and the message says the server asked for one" || sed 's/^/# /' "$T/out"
poll good.test "sslcert \"$PKI/missing.crt\""
is "$?" 2 "a missing client certificate file fails locally"
grep -q "cannot read the client certificate $PKI/missing.crt" "$T/out"
ok $? "naming the file"
poll good.test "sslcert \"$PKI/client.crt\" sslkey \"$PKI/client-locked.key\"" </dev/null
is "$?" 2 "a key with a passphrase and no terminal fails locally"
grep -q "cannot load the client key $PKI/client-locked.key .*needs a terminal" "$T/out"
ok $? "and says a terminal is needed"
poll good.test "sslcert \"$PKI/client.crt\" sslkey \"$PKI/good.test.key\""
is "$?" 2 "a key that does not belong to the certificate fails"
grep -q "does not belong to the certificate" "$T/out"
ok $? "and says so"

# The server's own CRL out of date: Dovecot refuses every client
# certificate at login, a good one too.
stop_dovecot
cat "$PKI/ca.crt" "$PKI/ca-expired.crl" >"$T/client-ca-stale.pem"
DOVECOT_EXTRA="ssl_ca = <$T/client-ca-stale.pem
ssl_verify_client_cert = yes
auth_ssl_require_client_cert = yes"
start_dovecot pki/good.test
client client
status=$?
[ "$status" -ne 0 ] && [ "$status" -ne 1 ]
ok $? "a good client certificate against the server's out-of-date CRL: refused (exit $status)"
grep -q 'asked for a client certificate and got ".*client.*out-of-date CRL on the server' "$T/out"
ok $? "and the message names the certificate and this cause" ||
    sed 's/^/# /' "$T/out"

# -V loads the files without connecting: what is wrong is found before a
# poll, with the rcfile's file:line; expiry dates are shown.
vcheck() {	# vcheck USER-OPTIONS: pullmail -V on such an account
	rc=$(rcfile vcheck "poll good.test via 127.0.0.1 proto imap port $P_IMAPS
    user \"$MAIL_USER\" password x ssl sslcertfile \"$PKI/ca.crt\" $1")
	"$PULLMAIL" -V -f "$rc" >"$T/out" 2>&1
}
vcheck "sslcert \"$PKI/client.crt\" sslkey \"$PKI/client.key\" sslcrlfile \"$PKI/ca.crl\""
is "$?" 0 "-V with a good client certificate and CRL: exit 0"
grep -q 'client certificate ".*client.*": until' "$T/out" &&
    grep -q 'trusted CA ".*CN = ca": until' "$T/out" &&
    grep -q 'CRL of ".*CN = ca": until' "$T/out"
ok $? "-V shows the client certificate, the CA and the CRL with their dates" ||
    sed 's/^/# /' "$T/out"
vcheck "sslcert \"$PKI/missing.crt\""
is "$?" 5 "-V with a missing client certificate: exit 5"
grep -q "vcheck.rc:1: $MAIL_USER@good.test: cannot read the client certificate $PKI/missing.crt" "$T/out"
ok $? "naming the rcfile's line and the file" || sed 's/^/# /' "$T/out"
vcheck "sslcert \"$PKI/client.crt\" sslkey \"$PKI/good.test.key\""
is "$?" 5 "-V with a key that is not the certificate's: exit 5"
grep -q "does not belong to the certificate" "$T/out"
ok $? "and says so"
vcheck "sslcertpath \"$T/no-such-dir\""
grep -q "WARNING: sslcertpath $T/no-such-dir cannot be read" "$T/out"
ok $? "-V warns about an sslcertpath it cannot read" || sed 's/^/# /' "$T/out"
vcheck "sslcrlfile \"$PKI/ca-expired.crl\""
is "$?" 0 "-V with an out-of-date CRL: exit 0 (a warning)"
grep -q 'WARNING: CRL of ".*CN = ca": expired' "$T/out"
ok $? "and warns that the CRL is out of date" || sed 's/^/# /' "$T/out"

# --- auth external: the client certificate is the login ---------------------
stop_dovecot
pki_cert ca "$MAIL_USER" "DNS:$MAIL_USER.client"	# CN = the mail user
DOVECOT_EXTRA="ssl_ca = <$PKI/client-ca-ours.pem
ssl_verify_client_cert = yes
auth_ssl_username_from_cert = yes
ssl_cert_username_field = commonName
auth_mechanisms = plain login external
passdb {
  driver = static
  args = nopassword=y
  mechanisms = external
}"
start_dovecot pki/good.test
external() {	# external PROTO PORT CERT: poll with auth external
	rc=$(rcfile ext "poll good.test via 127.0.0.1 proto $1 port $2
    auth external user \"$MAIL_USER\" ssl sslcertfile \"$PKI/ca.crt\"
    sslcert \"$PKI/$3.crt\" sslkey \"$PKI/$3.key\" $MDA_AS mda \"cat >/dev/null\"")
	"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
}
for pp in imap:$P_IMAPS pop3:$P_POP3S; do
	before=$(grep -c 'method=EXTERNAL' "$T/dovecot.log")
	external "${pp%%:*}" "${pp##*:}" "$MAIL_USER"
	is "$?" 1 "auth external over ${pp%%:*}: logged in by certificate"
	is "$(grep -c 'Login: user=<test>, method=EXTERNAL' "$T/dovecot.log")" \
	    "$((before + 1))" "auth external over ${pp%%:*}: Dovecot saw EXTERNAL"
done
external imap "$P_IMAPS" client
status=$?
[ "$status" -ne 0 ] && [ "$status" -ne 1 ]
ok $? "auth external with a certificate of an unknown user: refused (exit $status)"
rc=$(rcfile ext "poll good.test via 127.0.0.1 proto imap port $P_IMAPS
    auth external user \"$MAIL_USER\" ssl sslcertfile \"$PKI/ca.crt\"")
"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
is "$?" 3 "auth external without sslcert: exit 3"
grep -q 'none is given (sslcert)' "$T/out"
ok $? "and says a client certificate is needed"

done_testing
