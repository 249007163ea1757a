#!/bin/bash
# t_idle.sh -- "idle": after the first poll pullmail waits in IMAP IDLE;
# a message that arrives is delivered within 2 seconds and deleted; a
# SIGTERM ends the wait and pullmail exits 0 (mail was delivered).

. "$top_srcdir/tests/integration/lib.sh"

setup_certs
make_messages
start_dovecot
empty_mailbox
cp "$SRC/02.eml" "$MAILDIR/new/1000002.M2P1.pullmail"
chown -R "$MAIL_UID:$MAIL_GID" "$MAILDIR"
mkdir -p "$T/mda"

rc=$(rcfile idle "poll localhost via 127.0.0.1 proto imap port $P_IMAPS
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcertfile \"$T/ca.crt\"
    idle $MDA_AS mda \"$MDA_SAVE $T/mda %T\"")
"$PULLMAIL" -v -v -f "$rc" >"$T/out" 2>&1 &
PM_PID=$!
PIDS="$PIDS $PM_PID"
for _ in $(seq 1 100); do
	grep -q 'test@localhost: idling' "$T/out" && break
	sleep 0.1
done
grep -q 'test@localhost: idling' "$T/out"
ok $? "after the first poll pullmail waits in IDLE"
is "$(ls "$T"/mda/msg.* 2>/dev/null | wc -l)" 1 "the waiting message came first"

# A new message, dropped into the mailbox while pullmail idles.
cp "$SRC/03.eml" "$T/new.eml"
chown "$MAIL_UID:$MAIL_GID" "$T/new.eml"
mv "$T/new.eml" "$MAILDIR/new/1000003.M3P1.pullmail"
start=$(date +%s%N)
for _ in $(seq 1 50); do
	[ "$(ls "$T"/mda/msg.* 2>/dev/null | wc -l)" -ge 2 ] && break
	sleep 0.1
done
took=$(( ($(date +%s%N) - start) / 1000000 ))
is "$(ls "$T"/mda/msg.* 2>/dev/null | wc -l)" 2 "the new message was delivered"
[ "$took" -le 2000 ]
ok $? "within 2 seconds (took $took ms)"
grep -l 'Subject: test message 03' "$T"/mda/msg.* >/dev/null
ok $? "and it is the new one"
for _ in $(seq 1 30); do
	[ "$(server_count)" = 0 ] && break
	sleep 0.1
done
is "$(server_count)" 0 "and it was deleted from the server"
for _ in $(seq 1 30); do
	[ "$(grep -c 'test@localhost: idling' "$T/out")" -ge 2 ] && break
	sleep 0.1
done
is "$(grep -c 'test@localhost: idling' "$T/out")" 2 "pullmail is idling again"

kill -TERM "$PM_PID"
wait "$PM_PID"
is "$?" 0 "SIGTERM ends the IDLE: exit 0 (mail was delivered)"
grep -q 'A[0-9]* LOGOUT' "$T/out"
ok $? "pullmail logged out before exiting" || sed 's/^/# /' "$T/out" | tail -5

done_testing
