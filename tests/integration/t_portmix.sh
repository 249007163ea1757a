#!/bin/bash
# t_portmix.sh -- the port and the TLS mode do not match.  "ssl" against
# a plain POP3 or IMAP port: the server's plain greeting arrives where a
# ServerHello belongs, and the error says to remove "ssl".  No "ssl"
# against an implicit-TLS port: the server says nothing; after a few
# seconds a side connection finds it speaks TLS, and the error says to
# add "ssl", long before the 60-second timeout.  A plain server that is
# merely slow to greet is not taken for TLS.

. "$top_srcdir/tests/integration/lib.sh"

setup_certs
start_dovecot

now() { date +%s; }
# mix NAME PROTO PORT SSL: one poll; sets st, secs; output in $T/NAME.out
mix() {
	rc=$(rcfile "$1" "poll localhost via 127.0.0.1 proto $2 port $3 timeout 60
    user \"$MAIL_USER\" password '$MAIL_PASS' $4 sslcertfile \"$T/ca.crt\"
    maildir \"$T/md-$1\"")
	t0=$(now)
	"$PULLMAIL" -f "$rc" >"$T/$1.out" 2>&1
	st=$?
	secs=$(( $(now) - t0 ))
}
why() { sed 's/^/#   /' "$T/$1.out"; }

for proto in pop3 imap; do
	if [ "$proto" = pop3 ]; then
		set -- pop3 "$P_POP3" "+OK"
	else
		set -- imap "$P_IMAP" "* OK"
	fi
	mix "ssl-$1" "$1" "$2" ssl
	is "$st" 2 "ssl against the plain $1 port: exit 2" || why "ssl-$1"
	grep -qF "answered in plain text (\"$3" "$T/ssl-$1.out" &&
	    grep -q 'remove "ssl"' "$T/ssl-$1.out"
	ok $? "ssl against the plain $1 port: says so and to remove \"ssl\"" ||
	    why "ssl-$1"
	[ "$secs" -lt 15 ]
	ok $? "ssl against the plain $1 port: at once (${secs} s, timeout 60)"
done

for proto in pop3 imap; do
	if [ "$proto" = pop3 ]; then
		set -- pop3 "$P_POP3S"
	else
		set -- imap "$P_IMAPS"
	fi
	mix "tls-$1" "$1" "$2" ""
	is "$st" 2 "no ssl against the $1 TLS port: exit 2" || why "tls-$1"
	grep -q "port $2 says nothing and waits for a TLS handshake" \
	    "$T/tls-$1.out" && grep -q 'add "ssl"' "$T/tls-$1.out"
	ok $? "no ssl against the $1 TLS port: says so and to add \"ssl\"" ||
	    why "tls-$1"
	[ "$secs" -lt 15 ]
	ok $? "no ssl against the $1 TLS port: within seconds (${secs} s, timeout 60)"
done
is "$(grep -c 'Login: user=<' "$T/dovecot.log")" 0 \
    "no mix-up sent a login"


# "proto auto" (IMAP, then POP3) on a port that greets in POP3: POP3.
put() {	# put N: N small messages in the INBOX
	for i in $(seq 1 "$1"); do
		printf 'Subject: mix %s\n\nbody\n' "$i" \
		    >"$MAILDIR/new/17000000$i.M${i}P$$.mix$RANDOM"
	done
	chown -R "$MAIL_UID:$MAIL_GID" "$MAILDIR"
}
put 2
mix auto-pop3s auto "$P_POP3S" ssl
is "$st" 0 "proto auto on the POP3S port: POP3, mail fetched (exit 0)" ||
    why auto-pop3s
is "$(find "$T/md-auto-pop3s/new" -type f | wc -l)" 2 \
    "proto auto on the POP3S port: both messages arrived"
put 1
mix auto-pop3 auto "$P_POP3" ""
is "$st" 0 "proto auto on the plain POP3 port: POP3 with STLS (exit 0)" ||
    why auto-pop3
mix imap-pop3 imap "$P_POP3S" ssl
grep -q 'not an IMAP greeting.*a POP3 server: use proto pop3' \
    "$T/imap-pop3.out"
ok $? "proto imap on a POP3 port: says to use proto pop3" || why imap-pop3

# --probe on ports nobody named: it finds out what speaks there, within
# seconds, and the rcfile lines it prints work when pasted (with the user).
for proto in pop3 imap; do
	for tls in plain ssl; do
		case $proto-$tls in
		pop3-plain) port=$P_POP3 ;;
		pop3-ssl) port=$P_POP3S ;;
		imap-plain) port=$P_IMAP ;;
		imap-ssl) port=$P_IMAPS ;;
		esac
		t0=$(now)
		"$PULLMAIL" --probe "127.0.0.1:$port" --sslcertfile "$T/ca.crt" \
		    >"$T/probe-$proto-$tls" 2>&1
		secs=$(( $(now) - t0 ))
		if [ $tls = ssl ]; then
			mode='TLS from the first byte ("ssl")'
		else
			mode='plain text first, then STARTTLS'
		fi
		grep -qF "detected on 127.0.0.1 port $port: $(echo $proto |
		    tr a-z A-Z), $mode" "$T/probe-$proto-$tls"
		ok $? "--probe on the $proto-$tls port: $proto, $mode" ||
		    sed 's/^/#   /' "$T/probe-$proto-$tls"
		[ "$secs" -lt 15 ]
		ok $? "--probe on the $proto-$tls port: answered in ${secs} s"
		# The printed lines, with the user filled in, fetch mail.
		sed -n '/^rcfile lines/,/^$/p' "$T/probe-$proto-$tls" |
		    sed '1d' | sed "s|user \"\.\.\.\"|user \"$MAIL_USER\" password '$MAIL_PASS' maildir \"$T/md-pasted\"|" \
		    >"$T/pasted.rc"
		chmod 600 "$T/pasted.rc"
		put 1
		"$PULLMAIL" -f "$T/pasted.rc" >"$T/pasted.out" 2>&1
		is "$?" 0 "--probe on the $proto-$tls port: its lines, pasted, fetch mail" ||
		    sed 's/^/#   /' "$T/pasted.rc" "$T/pasted.out"
	done
done
"$PULLMAIL" --probe "pop3s://127.0.0.1:$P_POP3S" --sslcertfile "$T/ca.crt" \
    >"$T/probe-url" 2>&1
grep -q "probing 127.0.0.1 port $P_POP3S (POP3, implicit TLS)" "$T/probe-url" &&
    ! grep -q detected "$T/probe-url"
ok $? "--probe pop3s://host:port takes protocol and TLS from the URL" ||
    sed 's/^/#   /' "$T/probe-url"
"$PULLMAIL" --probe "127.0.0.1:$P_NOTHING" >"$T/probe-none" 2>&1
is "$?" 2 "--probe on a closed port: exit 2"
# A well-known port still says what it is when --ssl is given too.
"$PULLMAIL" --probe "127.0.0.1:995" --ssl >"$T/probe-995" 2>&1
grep -q "probing 127.0.0.1 port 995 (POP3, implicit TLS)" "$T/probe-995"
ok $? "--probe host:995 --ssl is POP3 with implicit TLS" ||
    sed 's/^/#   /' "$T/probe-995"
# A greeting with terminal escapes reaches the terminal made harmless.
P_EVIL=$((PORT_BASE + 7))
python3 "$top_srcdir/tests/integration/loopback_server.py" evil-greeting \
    "$P_EVIL" >"$T/evil.out" 2>&1 &
PIDS="$PIDS $!"
wait_ready "$T/evil.out" || bail "the evil server did not start"
"$PULLMAIL" --probe "127.0.0.1:$P_EVIL" >"$T/probe-evil" 2>&1
! grep -q $'\x1b' "$T/probe-evil" && grep -qF '\x1b]0;owned' "$T/probe-evil"
ok $? "--probe shows a greeting's escape bytes as \\x1b, never raw" ||
    cat -v "$T/probe-evil" | sed 's/^/#   /'

# A plain POP3 server that greets after 5 s and offers no STLS: pullmail
# waits for it (it is not TLS), then refuses it for lacking STLS.
P_SLOW=$((PORT_BASE + 8))
python3 "$top_srcdir/tests/integration/loopback_server.py" slow-pop3 \
    "$P_SLOW" 5 "$T/slowpolls" >"$T/slowsrv.out" 2>&1 &
PIDS="$PIDS $!"
wait_ready "$T/slowsrv.out" || bail "the slow server did not start"
mix slow pop3 "$P_SLOW" ""
! grep -q 'add "ssl"' "$T/slow.out"
ok $? "a plain server slow to greet is not taken for TLS" || why slow
grep -qi 'STLS' "$T/slow.out"
ok $? "its greeting was waited for, and STLS asked for" || why slow

done_testing
