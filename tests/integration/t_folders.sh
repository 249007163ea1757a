#!/bin/bash
# t_folders.sh -- several IMAP folders in one poll, one of them with a
# non-ASCII name (sent in modified UTF-7, quoted): -c counts them without
# touching anything, then every message of every folder arrives and is
# deleted; an unknown folder fails clearly.

. "$top_srcdir/tests/integration/lib.sh"

setup_certs
make_messages
start_dovecot

# Dovecot's Maildir++ keeps folders as ".NAME" with NAME in modified UTF-7.
folder_dir() { echo "$MAILDIR/.$1"; }
for f in Lists 'Entw&APw-rfe' 'Tom &- Jerry'; do
	mkdir -p "$(folder_dir "$f")"/new "$(folder_dir "$f")"/cur \
	    "$(folder_dir "$f")"/tmp
done
empty_mailbox
cp "$SRC/02.eml" "$MAILDIR/new/1000002.M2P1.pullmail"
cp "$SRC/03.eml" "$(folder_dir Lists)/new/1000003.M3P1.pullmail"
cp "$SRC/04.eml" "$(folder_dir 'Entw&APw-rfe')/new/1000004.M4P1.pullmail"
cp "$SRC/05.eml" "$(folder_dir 'Tom &- Jerry')/new/1000005.M5P1.pullmail"
chown -R "$MAIL_UID:$MAIL_GID" "$MAILDIR"

mkdir -p "$T/mda"
# -c first: it counts and changes nothing.
rc=$(rcfile folders "poll localhost via 127.0.0.1 proto imap port $P_IMAPS
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcertfile \"$T/ca.crt\"
    folder INBOX Lists \"Entwürfe\" \"Tom & Jerry\"
    $MDA_AS mda \"$MDA_SAVE $T/mda %T\"")
"$PULLMAIL" -c -v -v -f "$rc" >"$T/out" 2>&1
is "$?" 0 "-c with mail waiting: exit 0"
is "$(grep -c '1 message for test at localhost folder' "$T/out")" 4 \
    "-c counts one message in each of the four folders"
grep -q 'EXAMINE "Entw&APw-rfe"' "$T/out" && ! grep -q ' SELECT ' "$T/out"
ok $? "-c opens folders read-only (EXAMINE)"
is "$(ls "$T"/mda/ | wc -l)" 0 "-c delivered nothing"
left=$(find "$MAILDIR" -path '*/new/*' -type f | grep -c pullmail)
is "$left" 4 "-c left all four messages unread on the server"
"$PULLMAIL" -v -v -f "$rc" >"$T/out" 2>&1
is "$?" 0 "four folders, one non-ASCII: exit 0"
is "$(ls "$T"/mda/msg.* 2>/dev/null | wc -l)" 4 "all four messages delivered"
for n in 02 03 04 05; do
	grep -l "Subject: test message $n" "$T"/mda/msg.* >/dev/null
	ok $? "message $n arrived"
done
left=$(find "$MAILDIR" -path '*/new/*' -o -path '*/cur/*' -type f | grep -c pullmail)
is "$left" 0 "every folder is empty on the server"
"$PULLMAIL" -c -f "$rc" >"$T/out2" 2>&1
is "$?" 1 "-c with nothing waiting: exit 1"
grep -q 'SELECT "Entw&APw-rfe"' "$T/out"
ok $? "the non-ASCII name went out in modified UTF-7"
grep -q 'SELECT "Tom &- Jerry"' "$T/out"
ok $? "& became &- and the name was quoted"

rc=$(rcfile nofolder "poll localhost via 127.0.0.1 proto imap port $P_IMAPS
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcertfile \"$T/ca.crt\"
    folder NoSuchFolder $MDA_AS mda \"$MDA_SAVE $T/mda %T\"")
"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
is "$?" 7 "an unknown folder: exit 7 (server error)"
grep -q 'SELECT: NO' "$T/out"
ok $? "the message names the SELECT and the server's answer" ||
    sed 's/^/# /' "$T/out"

done_testing
