#!/bin/bash
# t_uidstate.sh -- what was delivered is remembered by UID (POP3 UIDL,
# IMAP UIDVALIDITY+UID) in the journal under the state directory, against
# a real Dovecot: keep does not refetch, flush deletes old mail, a message
# recorded for deletion is deleted unread on the next poll, POP3 expunge N,
# -c counts new mail only, a second writer is locked out, a UIDVALIDITY
# change loses nothing and fetches nothing twice, and switching from
# Debian's fetchmail (its .fetchids) fetches nothing twice.

. "$top_srcdir/tests/integration/lib.sh"

setup_certs
start_dovecot

# add N FIRST: N small messages numbered from FIRST into Maildir/new.
add() {
	for i in $(seq "$2" $(($2 + $1 - 1))); do
		printf 'From: s%s@example.org\nTo: test@example.org\nSubject: m%s\nMessage-ID: <m%s@uid.test>\n\nbody %s\n' \
		    "$i" "$i" "$i" "$i" >"$MAILDIR/new/2000$i.M${i}P2.uidtest"
	done
	chown -R "$MAIL_UID:$MAIL_GID" "$MAILDIR"
}
# run PROTO OPTIONS [pullmail flags]: one poll to the MDA; exit status.
run() {
	proto=$1 opts=$2
	shift 2
	port=$P_POP3S
	[ "$proto" = imap ] && port=$P_IMAPS
	rm -rf "$T/mda"; mkdir -p "$T/mda"
	rc=$(rcfile uid "poll localhost via 127.0.0.1 proto $proto port $port
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcertfile \"$T/ca.crt\"
    $MDA_AS mda \"$MDA_SAVE $T/mda %T\" $opts")
	"$PULLMAIL" "$@" -f "$rc" >"$T/out" 2>&1
}
arrived() { ls "$T"/mda/msg.* 2>/dev/null | wc -l; }
got() {	# got SUBJECT...: were exactly these delivered?
	want=$(printf '%s\n' "$@" | sort)
	have=$(grep -h '^Subject: ' "$T"/mda/msg.* 2>/dev/null |
	    sed 's/^Subject: //' | sort)
	[ "$have" = "$want" ] || { echo "#   got: $(echo $have)"; return 1; }
}
journal() { ls "$STATEDIR"/"$1"*.uids 2>/dev/null | head -1; }
# recorded FILE STATE: how many UIDs the journal holds in STATE (K or D),
# replaying it as pullmail does.
recorded() {
	awk -v want="$2" '$1 == "V" { split("", s) }
	    $1 == "K" || $1 == "D" { s[$2] = $1 } $1 == "-" { delete s[$2] }
	    END { for (u in s) if (s[u] == want) n++; print n + 0 }' "$1"
}
unseen() { dadm search -u "$MAIL_USER" mailbox INBOX UNSEEN | wc -l; }

# --- POP3 -----------------------------------------------------------------
empty_mailbox; add 5 1
run pop3 keep
is "$?" 0 "pop3 keep: first poll exit 0"
is "$(arrived)" 5 "pop3 keep: five delivered"
j=$(journal pop3)
[ -n "$j" ] && [ "$(stat -c %a "$j")" = 600 ] &&
    [ "$(stat -c %a "$STATEDIR")" = 700 ]
ok $? "pop3 keep: journal $(basename "${j:-none}") is 0600 in a 0700 directory"
is "$(recorded "$j" K)" 5 "pop3 keep: five UIDs recorded as kept"

run pop3 keep
is "$?" 1 "pop3 keep: second poll has nothing new (exit 1)"
is "$(arrived)" 0 "pop3 keep: nothing fetched twice"
is "$(server_count)" 5 "pop3 keep: all five still on the server"

add 2 6
run pop3 keep -c
is "$?" 0 "pop3 -c: new mail waiting (exit 0)"
grep -q '2 new messages (5 seen before)' "$T/out"
ok $? "pop3 -c: counts only the two new ones"
is "$(arrived)" 0 "pop3 -c: fetches nothing"

run pop3 keep
is "$(arrived)" 2 "pop3 keep: only the two new messages fetched"
got m6 m7
ok $? "pop3 keep: and they are m6 and m7"

# Recorded for deletion but still there (killed before QUIT): deleted
# unread; kept ones stay, as fetchmail leaves old mail without flush.
sed -i '0,/^K /s//D /' "$j"
is "$(grep -c '^D ' "$j")" 1 "pop3: one UID rewritten to D (as if killed \
before QUIT)"
add 1 8
run pop3 ""
is "$?" 0 "pop3 after a crash: exit 0"
got m8
ok $? "pop3 after a crash: only the new message delivered"
is "$(server_count)" 6 "pop3 after a crash: the D message deleted unread, \
the kept ones left"
is "$(recorded "$j" D)" 0 "pop3: the journal forgot what the server \
deleted"

run pop3 "keep flush"
is "$?" 1 "pop3 keep flush: nothing new (exit 1)"
is "$(arrived)" 0 "pop3 keep flush: old mail is not fetched"
is "$(server_count)" 0 "pop3 keep flush: old mail is deleted"

empty_mailbox; add 8 1
run pop3 "expunge 3" -v -v
is "$?" 0 "pop3 expunge 3: exit 0"
is "$(arrived)" 8 "pop3 expunge 3: all eight delivered"
is "$(server_count)" 0 "pop3 expunge 3: all deleted"
is "$(grep -c '> QUIT' "$T/out")" 3 "pop3 expunge 3: three sessions \
(QUIT after 3, 6 and 8)"

# --- the lock -----------------------------------------------------------
add 1 9
run pop3 keep -c
j=$(journal pop3)
flock "$j.lock" sleep 10 &
LOCKER=$!
sleep 0.5
run pop3 keep
is "$?" 8 "a second pullmail on the same account exits 8"
grep -q 'another pullmail is polling this account' "$T/out"
ok $? "and says why"
is "$(server_count)" 1 "and touches nothing"
kill "$LOCKER" 2>/dev/null; wait "$LOCKER" 2>/dev/null

# --- IMAP -----------------------------------------------------------------
empty_mailbox; add 4 1
run imap keep
is "$(arrived)" 4 "imap keep: four delivered"
j=$(journal imap)
grep -q '^V [0-9]' "$j"
ok $? "imap keep: the journal holds the folder's UIDVALIDITY"
dadm flags remove -u "$MAIL_USER" '\Seen' mailbox INBOX ALL
is "$(unseen)" 4 "imap: another client marked them unread"
run imap keep
is "$(arrived)" 0 "imap keep: the UIDs, not \\Seen, say they were fetched"
is "$(unseen)" 0 "imap keep: \\Seen is set again"

uv=$(sed -n 's/^V //p' "$j" | tail -1)
dadm mailbox update -u "$MAIL_USER" --uid-validity $((uv + 1000)) INBOX
add 1 5
run imap keep
grep -q "UIDVALIDITY changed from $uv to $((uv + 1000))" "$T/out"
ok $? "imap: the UIDVALIDITY change is noticed and logged"
got m5
ok $? "imap: after it, only the new message is fetched (nothing twice)"
is "$(server_count)" 5 "imap: nothing lost"

# Deleted by flag but never expunged (killed before EXPUNGE): the next
# poll expunges it.
uid=$(grep '^K ' "$j" | tail -1 | cut -c3-)	# m5, after the new V
sed -i "s/^K $uid\$/D $uid/" "$j"
dadm flags add -u "$MAIL_USER" '\Deleted' mailbox INBOX uid "$uid"
run imap "" -v -v
is "$?" 1 "imap after a crash: nothing new (exit 1)"
is "$(server_count)" 4 "imap after a crash: the D message was expunged"

# --- switching from fetchmail -------------------------------------------
empty_mailbox; add 50 1
mkdir -p "$T/fm"
cat >"$T/fm.rc" <<RC
poll 127.0.0.1 proto pop3 port $P_POP3S uidl
  user "$MAIL_USER" password '$MAIL_PASS'
  ssl sslcertck sslcertfile "$T/ca.crt" sslcommonname localhost
  keep mda "$MDA_SAVE $T/fm"
RC
chmod 600 "$T/fm.rc"
in_oracle_host fetchmail -f "$T/fm.rc" -i "$HOME/.fetchids" --nosyslog \
    >"$T/fm.out" 2>&1
is "$?" 0 "fetchmail polled the mailbox"
is "$(ls "$T"/fm/msg.* | wc -l)" 50 "fetchmail delivered 50 and kept them"
is "$(wc -l <"$HOME/.fetchids")" 50 "fetchmail's .fetchids holds 50 UIDs"
rm -rf "$STATEDIR"
rc=$(rcfile fm2 "poll 127.0.0.1 proto pop3 port $P_POP3S
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcertfile \"$T/ca.crt\"
    $MDA_AS mda \"$MDA_SAVE $T/mda %T\" keep")
rm -rf "$T/mda"; mkdir -p "$T/mda"
add 1 51
"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
is "$?" 0 "pullmail after fetchmail: exit 0"
grep -q '50 UIDs imported from .*\.fetchids' "$T/out"
ok $? "pullmail imported fetchmail's 50 UIDs"
got m51
ok $? "pullmail after fetchmail: only the one new message, nothing twice"

done_testing
