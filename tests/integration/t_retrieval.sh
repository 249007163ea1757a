#!/bin/bash
# t_retrieval.sh -- retrieval options against Dovecot, each checked by
# what arrived and what is left on the server: limit (big messages left),
# limitflush (big messages deleted unread), fetchlimit (exit 13 while mail
# is left, the rest on the next polls), keep; and for IMAP flush (read
# messages deleted unread first) and expunge N (UID EXPUNGE every N).

. "$top_srcdir/tests/integration/lib.sh"

setup_certs
make_messages
start_dovecot

# run PROTO OPTIONS: seeded mailbox, one poll to the MDA; exit status.
run() {
	rm -rf "$T/mda"; mkdir -p "$T/mda"
	rc=$(rcfile retr "poll localhost via 127.0.0.1 proto $1 port $2
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcertfile \"$T/ca.crt\"
    $MDA_AS mda \"$MDA_SAVE $T/mda %T\" $3")
	"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
}
arrived() { ls "$T"/mda/msg.* 2>/dev/null | wc -l; }
has_big() {	# is message 01 (5 MB) among the deliveries?
	grep -l 'Subject: test message 01' "$T"/mda/msg.* >/dev/null 2>&1
}
big_on_server() {
	grep -rl 'Subject: test message 01' "$MAILDIR/new" "$MAILDIR/cur" \
	    >/dev/null 2>&1
}

for pp in pop3:$P_POP3S imap:$P_IMAPS; do
	proto=${pp%%:*} port=${pp##*:}

	empty_mailbox; seed
	run "$proto" "$port" "limit 1000000"
	is "$?" 0 "$proto limit: exit 0"
	is "$(arrived)" 19 "$proto limit: the 19 small messages arrived"
	! has_big
	ok $? "$proto limit: the 5 MB message was not fetched"
	is "$(server_count)" 1 "$proto limit: it is the one left on the server"
	big_on_server
	ok $? "$proto limit: and it is message 01"
	grep -q 'over the limit of 1000000; left on the server' "$T/out"
	ok $? "$proto limit: a line says so"

	run "$proto" "$port" "limit 1000000 limitflush"
	is "$?" 1 "$proto limitflush: nothing to fetch (exit 1)"
	is "$(server_count)" 0 "$proto limitflush: the big message was deleted"
	is "$(arrived)" 0 "$proto limitflush: unread"

	if [ "$proto" = pop3 ]; then
		# PIPELINING: sixteen RETRs go out before the first reply is read.
		empty_mailbox; seed
		run "$proto" "$port" ""
		empty_mailbox; seed
		rm -rf "$T/mda"; mkdir -p "$T/mda"
		"$PULLMAIL" -v -v -f "$rc" >"$T/trace" 2>&1
		ahead=$(awk '/ > RETR / { r++ } / < / && r > 0 { print r; exit }' "$T/trace")
		is "$ahead" 16 "pop3: 16 RETRs in flight before the first reply"
		is "$(arrived) $(server_count)" "20 0" "pop3: all delivered and deleted, pipelined"
	fi
	if [ "$proto" = imap ]; then
		# Pipelining: bodies asked for in batches, never past fetchlimit.
		empty_mailbox; seed
		run "$proto" "$port" "fetchlimit 5"
		"$PULLMAIL" -v -v -f "$rc" >"$T/trace" 2>&1
		grep 'UID FETCH [0-9:,]* (UID BODY.PEEK\[\])' "$T/trace" |
		    sed 's/.*UID FETCH \([0-9:,]*\) .*/\1/' >"$T/batches"
		is "$(tr '\n' ' ' <"$T/batches")" "6:10 " "imap: the five bodies of a \
fetchlimit 5 poll asked for in one command, none beyond"
		empty_mailbox; seed
		rm -rf "$T/mda"; mkdir -p "$T/mda"
		"$PULLMAIL" -v -v -f "$rc" --fetchlimit 0 >"$T/trace" 2>&1
		is "$(grep -c 'UID FETCH [0-9:,]* (UID BODY.PEEK' "$T/trace")" 1 \
		    "imap: twenty bodies in one UID FETCH"
		is "$(arrived)" 20 "imap: and all twenty delivered"
	fi
	empty_mailbox; seed
	run "$proto" "$port" "fetchlimit 5"
	is "$?" 13 "$proto fetchlimit 5: exit 13 with mail left"
	is "$(arrived)" 5 "$proto fetchlimit 5: five messages arrived"
	is "$(server_count)" 15 "$proto fetchlimit 5: fifteen left"
	run "$proto" "$port" "fetchlimit 5"
	run "$proto" "$port" "fetchlimit 5"
	run "$proto" "$port" "fetchlimit 5"
	is "$?" 0 "$proto fetchlimit 5: the fourth poll takes the last five (exit 0)"
	is "$(server_count)" 0 "$proto fetchlimit 5: nothing left after four polls"

	empty_mailbox; seed
	run "$proto" "$port" "keep limit 1000000"
	is "$(server_count)" 20 "$proto keep: everything stays on the server"
	is "$(arrived)" 19 "$proto keep: and was delivered (but the big one)"
done

# --- IMAP: flush and expunge N ----------------------------------------------
empty_mailbox; seed
# Messages 16-20 were read before: Maildir keeps \Seen as ":2,S" in cur/.
for n in 16 17 18 19 20; do
	f=$(ls "$MAILDIR/new/"*"M${n}P1"*)
	mv "$f" "$MAILDIR/cur/$(basename "$f"):2,S"
done
run imap "$P_IMAPS" "flush limit 1000000"
is "$?" 0 "imap flush: exit 0"
is "$(arrived)" 14 "imap flush: the 14 small unread messages arrived"
! grep -l 'Subject: test message 1[6-9]\|Subject: test message 20' \
    "$T"/mda/msg.* >/dev/null 2>&1
ok $? "imap flush: the five read ones were not fetched"
is "$(server_count)" 1 "imap flush: they were deleted; only the big one is left"
grep -q 'flushing 5 old messages' "$T/out"
ok $? "imap flush: a line says so"

empty_mailbox; seed
rm -rf "$T/mda"; mkdir -p "$T/mda"
rc=$(rcfile retr "poll localhost via 127.0.0.1 proto imap port $P_IMAPS
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcertfile \"$T/ca.crt\"
    $MDA_AS mda \"$MDA_SAVE $T/mda %T\" expunge 5")
"$PULLMAIL" -v -v -f "$rc" >"$T/out" 2>&1
is "$?" 0 "imap expunge 5: exit 0"
is "$(grep -c '> A[0-9]* UID EXPUNGE' "$T/out")" 4 \
    "imap expunge 5: four expunges for twenty deletions"
is "$(server_count)" 0 "imap expunge 5: the mailbox is empty"

done_testing
