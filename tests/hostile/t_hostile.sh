#!/bin/bash
# t_hostile.sh -- pullmail against a hostile server (hostile_server.py):
# STARTTLS games, absurd sizes and literals, endless and huge lines, NUL
# bytes, duplicate UIDs, floods, drips and drops.  For each scenario the
# outcome a careful client must have: the exit code and a message that
# says what went wrong, no credentials where they do not belong, nothing
# deleted that was not delivered, and bounded time and memory.

. "$top_srcdir/tests/integration/lib.sh"

setup_certs
SERVER="$top_srcdir/tests/hostile/hostile_server.py"
PORT=$((PORT_BASE + 7))
RSS_MAX=16384	# kB: twice what a normal poll needs
# ASan's shadow memory and quarantine add their own; the bound still
# catches anything that grows with the input (1 MB lines, endless lists).
ldd "$PULLMAIL" | grep -q libasan && RSS_MAX=65536

# hostile SCENARIO [RCFILE-EXTRA]: one poll against it; sets $status,
# $took (ms), $rss (kB); the output is $T/out, the server's log $T/log.
hostile() {
	local sc=$1 proto=pop3 tls="ssl"
	case $sc in
	imap-*|starttls-caps-change) proto=imap ;;
	*-apop) proto=apop ;;
	esac
	case $sc in
	starttls-*) tls="sslproto tls1.2+" ;;
	esac
	rm -f "$T/log" "$T/ready"
	rm -rf "$T/md"
	[ -n "${KEEP_STATE:-}" ] || rm -rf "$STATEDIR"
	CERT="$T/server.crt" KEY="$T/server.key" \
	    python3 "$SERVER" "$sc" "$PORT" "$T/log" >"$T/ready" 2>&1 &
	SPID=$!
	PIDS="$PIDS $SPID"
	wait_ready "$T/ready"
	rc=$(rcfile hostile "poll localhost via 127.0.0.1 proto $proto port $PORT
    timeout 3 user \"$MAIL_USER\" password '$MAIL_PASS'
    $tls sslcertfile \"$T/ca.crt\" maildir \"$T/md\" ${2:-}")
	local t0
	t0=$(date +%s%3N)
	# shellcheck disable=SC2086
	/usr/bin/time -o "$T/time" -f '%M' "$PULLMAIL" ${EXTRA_ARGS:-} \
	    --deadline "${DEADLINE:-30}" -f "$rc" >"$T/out" 2>&1
	status=$?
	took=$(( $(date +%s%3N) - t0 ))
	rss=$(tail -1 "$T/time")
	# KEEP_SERVER: the *-after-1 scenarios serve a second poll.
	[ -n "${KEEP_SERVER:-}" ] && return
	kill "$SPID" 2>/dev/null
	wait "$SPID" 2>/dev/null
}
delivered() { find "$T/md/new" -type f 2>/dev/null | wc -l; }
deletions() { grep -ciE '^(DELE |[^ ]+ UID STORE .*Deleted|[^ ]+ (UID )?EXPUNGE)' "$T/log"; }
credentials() { grep -ciE '^(USER |PASS |[^ ]+ LOGIN |[^ ]+ AUTHENTICATE |AUTH )' "$T/log"; }

nothing_lost() {	# nothing_lost LABEL: no deletion beyond what arrived
	local d n
	d=$(delivered)
	n=$(deletions)
	[ "$n" -le "$((2 * d))" ]
	ok $? "$1: nothing deleted that was not delivered ($d delivered, $n deletion commands)"
	n=$(find "$T/md/tmp" -type f 2>/dev/null | wc -l)
	is "$n" 0 "$1: no half-written file left in the Maildir"
}
bounded() {	# bounded LABEL MAX-MS
	[ "$took" -le "$2" ]
	ok $? "$1: over within $(($2 / 1000)) s (took $took ms)"
	[ "$rss" -le "$RSS_MAX" ]
	ok $? "$1: peak memory $rss kB (at most $RSS_MAX)"
}
says() {	# says LABEL REGEX: the output says what went wrong
	grep -qE "$2" "$T/out"
	ok $? "$1: says \"$2\"" || sed 's/^/#   /' "$T/out"
}
# expect SCENARIO EXIT DELIVERED REGEX [MAX-MS]: the usual four checks
expect() {
	hostile "$1"
	is "$status" "$2" "$1: exit $2"
	is "$(delivered)" "$3" "$1: $3 delivered"
	says "$1" "$4"
	nothing_lost "$1"
	bounded "$1" "${5:-10000}"
}

# The controls: the harness itself works.
expect pop3-ok 0 2 "2 delivered, 0 left"
expect imap-ok 0 2 "2 delivered, 0 left"

# Silence, drips, floods: bounded by the timeout (3 s here).
expect pop3-no-greeting 2 0 "no answer within 3 seconds"
expect imap-no-greeting 2 0 "no answer within 3 seconds"
SLOW="too slow: [0-9]+ bytes in 3 seconds, still waiting for"
expect pop3-drip 2 0 "127.0.0.1: $SLOW the end of the reply"
expect pop3-list-stall 2 0 "127.0.0.1: $SLOW the end of the reply"
is "$(credentials)" 2 "pop3-list-stall: (logged in over TLS before LIST)"
# A body dripping a byte a second: it must bring a line end or a block
# of bytes within the timeout (review 2026-12, finding 5), and the
# message stays.
hostile pop3-body-drip
is "$status" 2 "pop3-body-drip: exit 2 (a poll cut short)"
says pop3-body-drip "127.0.0.1: $SLOW the rest of the message body"
ok "$( ! grep -q 'hostile 2' "$T"/md/new/* 2>/dev/null; echo $?)" \
    "pop3-body-drip: the dripping message was not delivered"
is "$(grep -c '^DELE 2' "$T/log")" 0 "pop3-body-drip: the dripping message was not deleted"
nothing_lost pop3-body-drip
bounded pop3-body-drip 8000
hostile imap-literal-drip
is "$status" 2 "imap-literal-drip: exit 2 (a poll cut short)"
says imap-literal-drip "127.0.0.1: $SLOW the rest of the message body or literal"
ok "$( ! grep -q 'hostile 2' "$T"/md/new/* 2>/dev/null; echo $?)" \
    "imap-literal-drip: the dripping message was not delivered"
nothing_lost imap-literal-drip
bounded imap-literal-drip 8000
# One budget of waiting (the timeout) per command, renewed by 64 KiB but
# not by a line end or an untagged line (review of issue 18, item 1):
# a body of bare LFs a second, "* OK" a second after SELECT.
hostile pop3-lf-drip
is "$status" 2 "pop3-lf-drip: exit 2 (a poll cut short)"
says pop3-lf-drip "127.0.0.1: $SLOW the rest of the message body"
is "$(grep -c '^DELE 2' "$T/log")" 0 "pop3-lf-drip: the dripping message was not deleted"
nothing_lost pop3-lf-drip
bounded pop3-lf-drip 6000
expect imap-untagged-drip 2 0 "127.0.0.1: $SLOW the end of the reply" 6000
# Slow but steady: 384 KiB at 32 KiB/s, 12 s with timeout 3, arrives.
expect pop3-body-steady 0 2 "2 delivered, 0 left" 20000
# The same during the TLS handshake: one deadline for all of it.
expect pop3-handshake-drip 2 0 "the TLS handshake did not complete within 3 seconds" 8000
# SIGTERM during a drip (timeout 60 here): every wait ends within about a
# second of the signal.
sigterm_drip() {
	rm -f "$T/log" "$T/ready"
	rm -rf "$T/md" "$STATEDIR"
	CERT="$T/server.crt" KEY="$T/server.key" \
	    python3 "$SERVER" pop3-body-drip "$PORT" "$T/log" >"$T/ready" 2>&1 &
	SPID=$!
	PIDS="$PIDS $SPID"
	wait_ready "$T/ready"
	rc=$(rcfile hostile "poll localhost via 127.0.0.1 proto pop3 port $PORT
    timeout 60 user \"$MAIL_USER\" password '$MAIL_PASS'
    ssl sslcertfile \"$T/ca.crt\" maildir \"$T/md\"")
	"$PULLMAIL" -f "$rc" >"$T/out" 2>&1 &
	local pm=$! i t0
	for i in $(seq 100); do	# until message 2 drips (at most 10 s)
		grep -q '^RETR 2' "$T/log" 2>/dev/null && break
		sleep 0.1
	done
	sleep 1.5
	kill -TERM "$pm"
	t0=$(date +%s%3N)
	for i in $(seq 150); do	# at most 15 s
		kill -0 "$pm" 2>/dev/null || break
		sleep 0.1
	done
	took=$(( $(date +%s%3N) - t0 ))
	kill -KILL "$pm" 2>/dev/null
	wait "$pm" 2>/dev/null
	kill "$SPID" 2>/dev/null
	wait "$SPID" 2>/dev/null
}
sigterm_drip
[ "$took" -le 3000 ]
ok $? "SIGTERM during a dripping body: pullmail ends within 3 s (took $took ms)" ||
    sed 's/^/#   /' "$T/out"
nothing_lost pop3-body-drip-sigterm
expect imap-untagged-flood 0 2 "2 delivered, 0 left"

# Lines: too long, endless, with NUL bytes.
expect pop3-huge-line 2 0 "line longer than 65536 bytes"
expect pop3-endless-line 2 0 "line longer than 65536 bytes"
expect imap-endless-line 2 0 "line longer than 65536 bytes"
expect pop3-nul 2 0 "NUL byte in a protocol line"
is "$(credentials)" 0 "pop3-nul: no credentials after a greeting with a NUL"
expect imap-nul 2 0 "NUL byte in a protocol line"

# Sizes and literals.
expect pop3-list-negative 4 0 'LIST size is not a number: "2 -5"'
expect pop3-list-garbage 4 0 'LIST size is not a number: "2 lots"'
expect pop3-list-endless 4 0 "more messages than the 2 STAT counted"
expect imap-size-negative 4 0 "RFC822.SIZE is not a number"
expect imap-size-garbage 4 0 "RFC822.SIZE is not a number"
expect imap-literal-huge 4 0 "a body of 999999999999 bytes announced"
expect imap-literal-short 2 0 "connection closed by the server"
# A size that lies about a body that is whole: delivered whole.
expect pop3-list-lying 0 2 "2 delivered"
grep -q "padding padding" "$T"/md/new/* 2>/dev/null
ok $? "pop3-list-lying: the 200 KB body arrived, not the 10 octets LIST claimed"

# UIDs: duplicate, empty, missing, answered with the wrong body.
expect pop3-uidl-dup 0 2 'UIDL gives UID "same-uid" to 2 messages'
expect pop3-uidl-empty 4 0 "UIDL: empty UID"
expect imap-uid-dup 0 1 "1 delivered"
# The journal records more UIDs than the folder holds, so pullmail lists
# every UID to forget the gone ones; a server that refuses that search
# must not hold up the mail.
hostile imap-ok keep
is "$status" 0 "imap-prune-refused: a first poll keeps 2 messages"
printf 'K %s\n' 10 11 12 13 14 >>"$(ls "$STATEDIR"/*.uids)"
KEEP_STATE=1 hostile imap-prune-refused keep
is "$status" 1 "imap-prune-refused: the poll goes on (exit 1: nothing new)"
says imap-prune-refused "UID SEARCH.*too expensive.*tidied another time"
expect imap-uid-missing 0 1 "1 delivered"
grep -qE '^[^ ]+ UID STORE 8 ' "$T/log"
ok $((! $?)) "imap-uid-missing: the message without a UID is not touched"
expect imap-fetch-wrong 4 0 "the body of UID 8 came where UID 7's was due"

# Dropped connections and NUL bytes in a body.
expect pop3-drop 2 1 "1 delivered, 1 left on the server, [0-9]+ octets; the poll stopped early \(exit 2\): .*connection closed by the server"
is "$(deletions)" 0 "pop3-drop: no DELE reached the server (it would not count without QUIT)"
expect pop3-body-nul 0 2 "2 delivered"
tr -d '\n' <"$(grep -l 'hostile 1' "$T"/md/new/*)" | grep -qaP 'NUL \x00 here'
ok $? "pop3-body-nul: the NUL byte in the body was kept as it was"

# APOP's timestamp from a plain-text greeting is not used after STLS
# (review 2026-12, finding 9).
expect starttls-pop3-apop 3 0 "APOP needs the <timestamp> of the greeting, which came before STLS"
is "$(grep -c '^APOP' "$T/log")" 0 "starttls-pop3-apop: no APOP sent"

# Credentials: never without TLS, never against the server's word.
expect imap-logindisabled 3 0 "LOGIN is disabled by the server"
is "$(credentials)" 0 "imap-logindisabled: no LOGIN sent"
expect starttls-caps-change 3 0 "LOGIN is disabled by the server"
is "$(credentials)" 0 "starttls-caps-change: the capabilities after TLS count, not those before"
grep -q "CAPABILITY" "$T/log"
ok $? "starttls-caps-change: CAPABILITY asked again after STARTTLS"
expect starttls-pop3-caps-change 0 2 "2 delivered"
[ "$(sed -n '/^STLS/,$p' "$T/log" | grep -c '^CAPA')" -ge 1 ]
ok $? "starttls-pop3-caps-change: CAPA asked again after STLS"
[ "$(sed -n '1,/^STLS/p' "$T/log" | grep -cE '^(USER|PASS)')" -eq 0 ]
ok $? "starttls-pop3-caps-change: no credentials before STLS"

# Bounded SEARCH, lying sizes and literals (review 6 and 16).  A SEARCH
# that repeats one UID half a million times took 141 MB before.
expect imap-search-repeat 0 2 "2 delivered, 0 left"
grep -qE '^[^ ]+ UID FETCH 1:2 \(UID RFC822.SIZE\)' "$T/log"
ok $? "imap-search-repeat: the repeated UIDs were asked for once"
expect imap-search-huge 4 0 "UID SEARCH: more than 1000000 messages in the folder"
expect pop3-sizes-huge 0 2 "2 delivered, 0 left on the server, [0-9]+ octets"
grep -q 'runtime error' "$T/out"
ok $((! $?)) "pop3-sizes-huge: no overflow in the octet sums" || sed 's/^/#   /' "$T/out"
expect imap-literal-discard-huge 4 0 "a literal of 999999999999 bytes announced" 2500
# A maildrop of a million messages, as many as STAT may count: 32 bytes
# a record (it was 280, and the scan peaked at 298 MB).
EXTRA_ARGS=-c hostile pop3-list-million
is "$status" 0 "pop3-list-million: exit 0 (-c: mail is waiting)"
says pop3-list-million "1000000 messages for"
big=98304
ldd "$PULLMAIL" | grep -q libasan && big=196608
[ "$rss" -le "$big" ]
ok $? "pop3-list-million: peak memory $rss kB (at most $big)"

# A poll cut short is not a success (exit 2, as fetchmail's), and the
# summary says both what was delivered and why it stopped; what was
# delivered is journaled and not fetched again by the next poll.
cut_short() {	# cut_short SCENARIO REGEX: first poll cut short after 1 of 3
	local sc=$1
	KEEP_SERVER=1 hostile "$sc"
	is "$status" 2 "$sc: exit 2"
	is "$(delivered)" 1 "$sc: message 1 delivered"
	says "$sc" "$2"
	says "$sc" "1 delivered, 2 left on the server, [0-9]+ octets; the poll stopped early \(exit 2\): .*$2"
	bounded "$sc" 10000
	grep -qsE '^D (uid-1|7)$' "$STATEDIR"/*
	ok $? "$sc: message 1 is in the UID journal"
	"$PULLMAIL" --deadline 30 -f "$rc" >"$T/out" 2>&1
	is "$?" 0 "$sc: the next poll: exit 0"
	kill "$SPID" 2>/dev/null
	wait "$SPID" 2>/dev/null
	says "$sc" "2 delivered, 0 left on the server"
	is "$(delivered)" 3 "$sc: 3 messages in the Maildir"
	is "$(grep -l 'hostile 1' "$T"/md/new/* | wc -l)" 1 \
	    "$sc: message 1 delivered once"
	is "$(grep -cE '^(RETR 1|[^ ]+ UID FETCH [^ ]*7[^ ]* \(UID BODY)' "$T/log")" 1 \
	    "$sc: message 1 fetched once, not again by the next poll"
}
# --deadline (SIGTERM to the worker) between messages: the message in
# hand is finished, the poll ends with QUIT, and it is not a success
# (review of issue 18, item 2: it said "20 delivered, 180 left", exit 0).
DEADLINE=2 hostile pop3-many-slow
is "$status" 2 "pop3-many-slow --deadline 2: exit 2"
n=$(delivered)
[ "$n" -ge 1 ] && [ "$n" -lt 100 ]
ok $? "pop3-many-slow --deadline 2: some delivered, not all ($n)"
says pop3-many-slow "$n delivered, $((100 - n)) left on the server, [0-9]+ octets; the poll stopped early \(exit 2\): asked to stop \(--deadline or a signal\)"
is "$(deletions)" "$n" "pop3-many-slow: one DELE for each message delivered"
grep -q '^QUIT' "$T/log"
ok $? "pop3-many-slow: QUIT makes the deletions real"
bounded pop3-many-slow 4000

# Several accounts: a failure is not hidden by another's delivery.
hostile pop3-ok "
poll nothing.test via 127.0.0.1 proto pop3 port $P_NOTHING timeout 3
    user x password y ssl"
is "$status" 2 "two accounts, the second cannot connect: exit 2, though the first delivered"
is "$(delivered)" 2 "two accounts: the first delivered 2"
cut_short pop3-drop-after-1 "connection closed by the server"
cut_short pop3-stall-after-1 "no answer within 3 seconds"
cut_short imap-drop-after-1 "connection closed by the server"

# Server text is made visible before it is logged: no raw ESC, CR, DEL
# or backspace reaches the terminal or the log file.
EXTRA_ARGS="-v -v -L $T/pm.log" hostile pop3-err-escape
is "$status" 3 "pop3-err-escape: exit 3"
cat "$T/pm.log" >>"$T/out" 2>/dev/null
says pop3-err-escape 'no\\x1b\[2J such\\x0dpullmail: forged line\\x7f \\x08user'
says pop3-err-escape 'hostile \\x1b\[2J\\x1b\]0;title\\x07 greeting'
tr -d '\n' <"$T/out" | LC_ALL=C grep -q '[[:cntrl:]]'
ok $((! $?)) "pop3-err-escape: no control character in the output" ||
    od -c "$T/out" | grep -E '033|\\r|177|\\b' | sed 's/^/#   /' | head -5
[ -s "$T/pm.log" ]
ok $? "pop3-err-escape: the log file was written"
# --probe prints the greeting through the same escaping.
rm -f "$T/log" "$T/ready"
CERT="$T/server.crt" KEY="$T/server.key" \
    python3 "$SERVER" pop3-err-escape "$PORT" "$T/log" >"$T/ready" 2>&1 &
SPID=$!
PIDS="$PIDS $SPID"
wait_ready "$T/ready"
"$PULLMAIL" --probe localhost -f "$rc" >"$T/out" 2>&1
kill "$SPID" 2>/dev/null
wait "$SPID" 2>/dev/null
says "pop3-err-escape --probe" 'greeting \(in TLS\): \+OK hostile \\x1b\[2J\\x1b\]0;title\\x07 greeting'
tr -d '\n' <"$T/out" | LC_ALL=C grep -q '[[:cntrl:]]'
ok $((! $?)) "pop3-err-escape --probe: no control character in the output"

done_testing
