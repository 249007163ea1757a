#!/bin/bash
# t_bigbox.sh -- a folder too large for one answer line: 20,000 unseen
# messages in a real Dovecot INBOX, fetched over IMAP into a Maildir.
# The UID SEARCH answer for them all (about 110 KB) would not fit the
# 64 KiB line bound; pullmail asks in slices of message numbers, and the
# sizes, flags and expunges go in slices of UIDs too.

. "$top_srcdir/tests/integration/lib.sh"

N=20000
setup_certs
start_dovecot
python3 - "$MAILDIR/new" "$N" <<'PY' || bail "could not write the messages"
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(1, n + 1):
    with open(os.path.join(d, "%d.M%dP1.big" % (1700000000 + i, i)), "w") as f:
        f.write("From: a@example.org\nTo: b@example.org\n"
                "Subject: big %d\nMessage-ID: <big%d@pullmail.test>\n\n"
                "body %d\n" % (i, i, i))
PY
chown -R "$MAIL_UID:$MAIL_GID" "$MAILDIR"

rc=$(rcfile big "poll localhost via 127.0.0.1 proto imap port $P_IMAPS
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcertfile \"$T/ca.crt\"
    maildir \"$T/md\"")
"$PULLMAIL" -v -f "$rc" >"$T/out" 2>&1
is "$?" 0 "$N unseen IMAP messages: exit 0" || tail -5 "$T/out" | sed 's/^/# /'
is "$(find "$T/md/new" -type f | wc -l)" "$N" "all $N arrived in the Maildir"
is "$(server_count)" 0 "and all $N were deleted and expunged on the server"
! grep -q 'line longer than' "$T/out"
ok $? "no answer line was too long"

# Unseen messages kept on the server: a second poll finds nothing new.
empty_mailbox
python3 - "$MAILDIR/new" 5000 <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(1, n + 1):
    with open(os.path.join(d, "%d.M%dP2.big" % (1700100000 + i, i)), "w") as f:
        f.write("Subject: kept %d\n\nbody\n" % i)
PY
chown -R "$MAIL_UID:$MAIL_GID" "$MAILDIR"
rm -rf "$T/md"
rc=$(rcfile keep "poll localhost via 127.0.0.1 proto imap port $P_IMAPS
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcertfile \"$T/ca.crt\"
    keep maildir \"$T/md\"")
"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
is "$?" 0 "5000 kept: first poll exit 0"
is "$(find "$T/md/new" -type f | wc -l)" 5000 "5000 kept: all arrived"
"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
is "$?" 1 "5000 kept: a second poll has no mail (exit 1)"
is "$(find "$T/md/new" -type f | wc -l)" 5000 "5000 kept: nothing twice"
is "$(server_count)" 5000 "5000 kept: all still on the server"

# 4,500 of them leave the server: the journal forgets them, though the
# poll's own search (unseen mail) never lists them.
dadm expunge -u "$MAIL_USER" mailbox INBOX uid 1:4500 ||
    bail "doveadm expunge failed"
"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
is "$?" 1 "4500 expunged elsewhere: the next poll has no mail (exit 1)"
is "$(cat "$STATEDIR"/*.uids | sed -n 's/^K //p' | sort -n |
    sed -n '1p;$p' | tr '\n' ' ')$(cat "$STATEDIR"/*.uids | grep -c '^K ')" \
    "4501 5000 500" \
    "and the journal holds the 500 UIDs the server still has (4501 to 5000)"
"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
is "$?" 1 "a poll after that: still no mail, nothing fetched twice"
is "$(find "$T/md/new" -type f | wc -l)" 5000 "5000 kept: still 5000 in the Maildir"

done_testing
