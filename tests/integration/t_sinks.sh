#!/bin/bash
# t_sinks.sh -- the local sinks and LMTP against a real Dovecot: Maildir
# and mbox receive the messages unchanged apart from the added Received
# header; LMTP delivers into another Dovecot user's mailbox (checked with
# doveadm) and a 4xx for the recipient keeps the message; a connection
# that drops mid-message leaves nothing in Maildir or mbox; a Maildir that
# cannot be written keeps everything on the server.

. "$top_srcdir/tests/integration/lib.sh"

P_EXTRA=$((PORT_BASE + 6))
setup_certs
make_messages
# The quota plugin, for the "full" user's 4xx.
DOVECOT_EXTRA='mail_plugins = $mail_plugins quota
protocol lmtp {
  mail_plugins = $mail_plugins quota
}
plugin {
  quota = maildir:User quota
}
quota_full_tempfail = yes
auth_username_format = %Ln'
start_dovecot

run() {	# run NAME OPTIONS [proto]: one POP3S poll; exit status
	rc=$(rcfile "$1" "poll localhost via 127.0.0.1 proto pop3 port $P_POP3S
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcertfile \"$T/ca.crt\"
    $2")
	"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
}
# strip_received FILE: the message without the header pullmail added.
strip_received() {
	awk 'NR == 1 && /^Received: from .*/ { skip = 1; next }
	    skip && /^\t/ { next } { skip = 0; print }' "$1"
}
# same_as_source FILE...: each is one of $SRC's messages, byte for byte
# (LF line ends) apart from our Received header.
same_as_source() {
	bad=0
	for f in "$@"; do
		n=$(grep -m1 '^Subject: test message' "$f" | awk '{print $4}')
		strip_received "$f" | cmp -s - "$SRC/$n.eml" || {
			echo "# differs: $f (message $n)"
			bad=1
		}
	done
	return $bad
}

# --- Maildir --------------------------------------------------------------
empty_mailbox; seed
run maildir "maildir \"$T/md\""
is "$?" 0 "maildir: exit 0"
is "$(ls "$T/md/new" | wc -l)" 20 "maildir: 20 messages in new/"
is "$(ls "$T/md/tmp" | wc -l)" 0 "maildir: nothing left in tmp/"
is "$(server_count)" 0 "maildir: all deleted from the server"
same_as_source "$T"/md/new/*
ok $? "maildir: every message identical to the source but the Received line"
ok "$(ls "$T/md/new" | grep -vc ',S=[0-9]*$')" "maildir: file names carry \
,S=size"
f=$(ls "$T"/md/new/* | head -1)
is "$(stat -c %s "$f")" "$(echo "$f" | sed 's/.*,S=//')" "maildir: and the \
size is right"
is "$(stat -c %a "$f")" 600 "maildir: files are 0600"

# A path that cannot be a directory (as root, permissions do not stop us).
empty_mailbox; seed
touch "$T/plainfile"
run maildir-bad "maildir \"$T/plainfile/md\""
is "$?" 6 "maildir not creatable: exit 6 (IOERR)"
is "$(server_count)" 20 "maildir not creatable: nothing deleted"
grep -q "maildir $T/plainfile: Not a directory" "$T/out"
ok $? "maildir not creatable: the message says where and why"

# The same as an unprivileged user, for a Maildir it may not write.
if id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
	mkdir -p "$T/rootmd/new" "$T/rootmd/cur" "$T/rootmd/tmp"
	chmod 755 "$T/rootmd"
	mkdir -p "$T/nobody"
	chown nobody "$T/nobody"
	cp "$T/ca.crt" "$T/nobody/"
	cat >"$T/nobody/rc" <<RC
poll localhost via 127.0.0.1 proto pop3 port $P_POP3S
    user "$MAIL_USER" password '$MAIL_PASS' ssl sslcertfile "$T/nobody/ca.crt"
    maildir "$T/rootmd"
RC
	chown nobody "$T/nobody/rc"
	chmod 600 "$T/nobody/rc"
	HOME="$T/nobody" setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    "$PULLMAIL" -f "$T/nobody/rc" >"$T/out" 2>&1
	is "$?" 6 "maildir not writable (as nobody): exit 6"
	is "$(server_count)" 20 "maildir not writable: nothing deleted"
	grep -q 'Permission denied' "$T/out"
	ok $? "maildir not writable: says permission denied"
else
	ok 1 "setpriv and user nobody are needed for the unwritable maildir test"
fi

# --- mbox -----------------------------------------------------------------
empty_mailbox; seed
printf 'From me\n>From you\n>>From them\nFrom: not a separator\n' \
    >"$MAILDIR/new/3000.M1P3.fromtest"
{ printf 'Subject: quoting\n\n'; cat "$MAILDIR/new/3000.M1P3.fromtest"; } \
    >"$T/q" && mv "$T/q" "$MAILDIR/new/3000.M1P3.fromtest"
chown -R "$MAIL_UID:$MAIL_GID" "$MAILDIR"
printf 'From old@example.org Mon Nov 23 10:00:00 2026\nSubject: old\n\nold\n' \
    >"$T/mbox"
run mbox "mbox \"$T/mbox\""
is "$?" 0 "mbox: exit 0"
is "$(grep -c '^From ' "$T/mbox")" 22 "mbox: 22 From lines (1 old + 21 new)"
grep -q '^>From me$' "$T/mbox" && grep -q '^>>From you$' "$T/mbox" &&
    grep -q '^>>>From them$' "$T/mbox" && grep -q '^From: not a sep' "$T/mbox"
ok $? "mbox: From lines in bodies quoted the mboxrd way"
head -4 "$T/mbox" | grep -q '^old$'
ok $? "mbox: the old message is still first"
[ -z "$(tail -c 2 "$T/mbox" | tr -d '\n')" ] && [ "$(tail -c 2 "$T/mbox" | wc -l)" = 2 ]
ok $? "mbox: the file ends with an empty line"
[ ! -e "$T/mbox.lock" ]
ok $? "mbox: the dot-lock is gone"
# Split it again and compare with the source (undo mboxrd: drop one >).
rm -rf "$T/split"; mkdir "$T/split"
awk -v d="$T/split" '/^From / { n++; f = d "/" n; next }
    { if ($0 ~ /^>+From /) $0 = substr($0, 2); print > f }' "$T/mbox"
for f in "$T"/split/*; do	# each piece ends with the separator line
	sed -i '$ d' "$f"
done
same_as_source $(grep -l '^Subject: test message' "$T"/split/*)
ok $? "mbox: every message identical to the source but the Received line"

# --- a connection that drops mid-message ------------------------------------
for sink in maildir mbox; do
	rm -f "$T/scripted.out" "$T/scripted.log"
	python3 "$top_srcdir/tests/tls/scripted_server.py" pop3-drop \
	    "$P_EXTRA" "$T/scripted.log" >"$T/scripted.out" 2>&1 &
	SPID=$!
	PIDS="$PIDS $SPID"
	wait_ready "$T/scripted.out"
	before=$(cat "$T/mbox" | md5sum)
	rc=$(rcfile drop "poll localhost via 127.0.0.1 proto pop3
    port $P_EXTRA auth password timeout 5 user u password p sslproto ''
   
    $sink \"$T/$([ $sink = mbox ] && echo mbox || echo md)\"")
	"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
	is "$?" 2 "$sink, connection lost mid-message: exit 2"
	if [ $sink = mbox ]; then
		is "$(md5sum <"$T/mbox")" "$before" "mbox: cut back to what it was"
	else
		is "$(ls "$T/md/tmp" "$T/md/new" | grep -c cut)" 0 \
		    "maildir: no partial file in tmp/ or new/"
		is "$(ls "$T/md/tmp" | wc -l)" 0 "maildir: tmp/ is empty"
	fi
	! grep -q '^DELE' "$T/scripted.log"
	ok $? "$sink, connection lost: nothing deleted"
	kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null
done

# --- BSMTP ---------------------------------------------------------------
empty_mailbox; seed
run bsmtp "bsmtp \"$T/out.bsmtp\" smtpaddress example.net"
is "$?" 0 "bsmtp: exit 0"
is "$(grep -c '^MAIL FROM:<sender[0-9]*@example.org>'$'\r''$' "$T/out.bsmtp")" 20 \
    "bsmtp: 20 MAIL FROM lines with the senders, CR LF ended"
is "$(grep -c '^RCPT TO:<'"$(id -un)"'@example.net>'$'\r''$' "$T/out.bsmtp")" 20 \
    "bsmtp: RCPT TO with smtpaddress as the domain"
is "$(grep -c '^\.'$'\r''$' "$T/out.bsmtp")" 20 "bsmtp: 20 final dots"
grep -q '^\.\.\.two dots'$'\r''$' "$T/out.bsmtp"
ok $? "bsmtp: lines starting with a dot are dot-stuffed"
is "$(server_count)" 0 "bsmtp: all deleted from the server"
empty_mailbox; add_one() {
	printf 'Status: RO\nX-Mozilla-Status: \nDelivered-To: x@example.org\nSubject: s\n\nbody\n' \
	    >"$MAILDIR/new/6000.M1P6.status"
	chown -R "$MAIL_UID:$MAIL_GID" "$MAILDIR"
}
add_one
rc=$(rcfile bsmtp-out "poll localhost via 127.0.0.1 proto pop3 port $P_POP3S
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcertfile \"$T/ca.crt\"
    bsmtp - smtpname joe@example.com")
"$PULLMAIL" -s -f "$rc" >"$T/stdout" 2>"$T/out"
is "$?" 0 "bsmtp -: exit 0"
grep -q '^RCPT TO:<joe@example.com>'$'\r''$' "$T/stdout"
ok $? "bsmtp -: written to standard output, smtpname as the recipient"
grep -q '^Status: RO' "$T/stdout" && grep -q '^Delivered-To:' "$T/stdout" &&
    ! grep -q '^X-Mozilla-Status:' "$T/stdout"
ok $? "an empty X-Mozilla-Status: is dropped, the others are kept"
add_one
run drops "bsmtp \"$T/drops.bsmtp\" dropstatus dropdelivered"
! grep -q '^Status:\|^Delivered-To:' "$T/drops.bsmtp" &&
    grep -q '^Subject: s' "$T/drops.bsmtp"
ok $? "dropstatus and dropdelivered remove those lines"

# --- batchlimit -----------------------------------------------------------
start_sink
empty_mailbox; seed
rc=$(rcfile batch "poll localhost via 127.0.0.1 proto pop3 port $P_POP3S
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcertfile \"$T/ca.crt\"
    smtphost 127.0.0.1/$P_SMTP batchlimit 6")
"$PULLMAIL" -v -f "$rc" >"$T/out" 2>&1
is "$?" 0 "batchlimit 6: exit 0"
is "$(grep -c 'SMTP session open' "$T/out")" 4 "batchlimit 6: 20 messages \
in four SMTP sessions"
is "$(ls "$SINK_DIR" | wc -l)" 20 "batchlimit 6: all 20 arrived"

# --- 8BITMIME: announced for 8-bit bodies, and always with pass8bits -------
empty_mailbox
printf 'Subject: eight\nMessage-ID: <e8@t>\nContent-Transfer-Encoding: 8bit\n\nCaf\303\251\n' \
    >"$MAILDIR/new/4100.M1P4.e8"
printf 'Subject: seven\nMessage-ID: <e7@t>\n\nplain\n' >"$MAILDIR/new/4101.M2P4.e7"
chown -R "$MAIL_UID:$MAIL_GID" "$MAILDIR"
mailargs() {	# mailargs MESSAGE-ID: smtp-sink's record of MAIL FROM's args
	grep -l "^Message-ID: <$1>" "$SINK_DIR"/m.* | tail -1 |
	    xargs sed -n 's/^X-Mail-Args: //p'
}
for opt in "" pass8bits; do
	rm -f "$SINK_DIR"/m.*
	rc=$(rcfile "eight$opt" "poll localhost via 127.0.0.1 proto pop3 port $P_POP3S
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcertfile \"$T/ca.crt\"
    smtphost 127.0.0.1/$P_SMTP keep fetchall $opt")
	"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
	is "$?" 0 "8BITMIME ${opt:-default}: exit 0"
	case "$(mailargs e8@t)" in *BODY=8BITMIME*) r=0 ;; *) r=1 ;; esac
	ok $r "8BITMIME ${opt:-default}: an 8bit body says BODY=8BITMIME"
	case "$(mailargs e7@t)" in *BODY=8BITMIME*) r=0 ;; *) r=1 ;; esac
	if [ -z "$opt" ]; then
		ok $(( ! r )) "8BITMIME default: a 7-bit body does not"
	else
		ok $r "8BITMIME pass8bits: a 7-bit body does too"
	fi
done
stop_sink

# --- MDA arguments: hostile addresses stay single literal words -----------
MDA_ARGS="$top_srcdir/tests/integration/mda-args"
evil="it's; \$(touch $T/pwned) \`touch $T/pwned2\` a  b"
for shape in plain shell legacy; do
	empty_mailbox
	printf 'Return-Path: <"%s"@example.org>\nSubject: args\n\nbody\n' \
	    "$evil" >"$MAILDIR/new/4000.M1P4.args"
	chown -R "$MAIL_UID:$MAIL_GID" "$MAILDIR"
	case $shape in
	plain)	cmd="$MDA_ARGS $T/args %F %T" ;;
	shell)	cmd="$MDA_ARGS $T/args %F %T; true" ;;
	legacy)	cmd="$MDA_ARGS $T/args %F %s" ;;
	esac
	rm -f "$T/args"
	run "mda-$shape" "is \"o'brien; \$(id) x\" here $MDA_AS mda \"$cmd\""
	is "$?" 0 "mda ($shape): delivered"
	want=$(printf '"%s"@example.org#o'"'"'brien; $(id) x#' "$evil")
	is "$(tr '\0' '#' <"$T/args")" "$want" "mda ($shape): %F and %T arrive \
as two literal arguments"
	[ ! -e "$T/pwned" ] && [ ! -e "$T/pwned2" ]
	ok $? "mda ($shape): nothing in them was run"
done

# --- stripcr: an MDA gets LF line ends unless "no stripcr" -----------------
empty_mailbox; seed
rm -rf "$T/mda"; mkdir -p "$T/mda"
run crlf "$MDA_AS mda \"$MDA_SAVE $T/mda\" no stripcr fetchlimit 1"
f=$(ls "$T"/mda/msg.* | head -1)
[ -n "$f" ] && grep -q $'\r$' "$f"
ok $? "no stripcr: the MDA gets CR LF"
rm -rf "$T/mda"; mkdir -p "$T/mda"
run lf "$MDA_AS mda \"$MDA_SAVE $T/mda\" fetchlimit 1"
f=$(ls "$T"/mda/msg.* | head -1)
[ -n "$f" ] && ! grep -q $'\r' "$f"
ok $? "default: the MDA gets LF only"

# --- a root pullmail and its MDA -------------------------------------------
empty_mailbox; seed
if [ "$(id -u)" = 0 ]; then
	rm -rf "$T/mda"; mkdir -p "$T/mda"; chmod 777 "$T/mda"
	run asroot "mda \"$MDA_SAVE $T/mda\""
	is "$?" 6 "root, no mdauser: exit 6"
	is "$(ls "$T/mda" | wc -l)" 0 "root, no mdauser: the MDA did not run"
	is "$(server_count)" 20 "root, no mdauser: nothing deleted"
	grep -q 'will not run the mda command as root; add "mdauser NAME"' "$T/out"
	ok $? "root, no mdauser: the log says how to fix it"
	run nouser "mdauser no-such-user-here mda \"$MDA_SAVE $T/mda\""
	is "$?" 6 "mdauser unknown: exit 6"
	grep -q 'mdauser no-such-user-here: no such user' "$T/out"
	ok $? "mdauser unknown: named in the log"
	run nobody "mdauser nobody mda \"$MDA_SAVE $T/mda\""
	is "$?" 0 "mdauser nobody: delivered"
	owners=$(stat -c %U "$T"/mda/msg.* | sort -u | tr '\n' ' ')
	is "$owners" "nobody " "mdauser nobody: the MDA ran as nobody"
	is "$(server_count)" 0 "mdauser nobody: all delivered and deleted"
else
	run notroot "mdauser root mda \"$MDA_SAVE $T/mda\""
	is "$?" 6 "not root, mdauser root: exit 6"
	grep -q 'only root can run the MDA as another user' "$T/out"
	ok $? "not root, mdauser root: the log says why"
fi

# --- LMTP into Dovecot ------------------------------------------------------
empty_mailbox; seed
run lmtp "smtphost 127.0.0.1/$P_LMTP lmtp is dest here"
is "$?" 0 "lmtp: exit 0"
is "$(dadm search -u dest mailbox INBOX ALL | wc -l)" 20 "lmtp: doveadm \
finds 20 messages in dest's INBOX"
is "$(server_count)" 0 "lmtp: all deleted from the source"
bad=0
for f in "$T"/home/dest/Maildir/new/* "$T"/home/dest/Maildir/cur/*; do
	[ -f "$f" ] || continue
	n=$(grep -m1 '^Subject: test message' "$f" | awk '{print $4}')
	# Dovecot adds its own lines on top; the body must be the source's.
	cmp -s <(sed '1,/^$/d' "$f") <(sed '1,/^$/d' "$SRC/$n.eml") || bad=1
done
is "$bad" 0 "lmtp: every body arrived unchanged"

empty_mailbox; seed
run lmtp-full "smtphost 127.0.0.1/$P_LMTP lmtp is full here"
is "$?" 10 "lmtp, the recipient's mailbox is full (4xx): exit 10"
is "$(server_count)" 20 "lmtp 4xx: nothing deleted"
grep -q ' 4[0-9][0-9] ' "$T/out"
ok $? "lmtp 4xx: the reply is in the log"

# --- multidrop: recipients from the headers, over LMTP ----------------------
empty_mailbox
rm -rf "$T/home/dest/Maildir"
m() {	# m NAME TO-HEADER
	printf 'From: x@example.org\nTo: %s\nSubject: %s\n\nbody\n' "$2" "$1" \
	    >"$MAILDIR/new/7000.M$1P7.md"
}
m md1 "dest@localhost"
m md2 "test@localhost, Dest <dest@localhost>"
m md3 "someone@elsewhere.example"
# The same message twice, addressed by header only (no envelope line):
# one copy per local recipient on the server, delivered once.
m md4 "dest@localhost"
cp "$MAILDIR/new/7000.Mmd4P7.md" "$MAILDIR/new/7001.Mmd4P7.md"
chown -R "$MAIL_UID:$MAIL_GID" "$MAILDIR"
rc=$(rcfile multi "set postmaster \"dest\"
poll localhost via 127.0.0.1 proto pop3 port $P_POP3S envelope X-Envelope-To
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcertfile \"$T/ca.crt\"
    smtphost 127.0.0.1/$P_LMTP lmtp is dest test here")
"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
is "$?" 0 "multidrop: exit 0"
subjects() { dadm fetch -u "$1" hdr.subject mailbox INBOX ALL |
    sed -n 's/^hdr.subject: //p' | sort | tr '\n' ' '; }
is "$(subjects dest)" "md1 md2 md3 md4 " "multidrop: dest got its three \
and the unmatched one (postmaster); the duplicate once"
is "$(subjects test)" "md2 " "multidrop: test got the one addressed to it"
is "$(server_count)" 1 "multidrop: all five deleted from the server, the \
duplicate too (what is left is md2, delivered to test itself)"
grep -q 'message 5 has the same header' "$T/out"
ok $? "multidrop: the duplicate is named in the log"
warned=$(dadm fetch -u dest hdr mailbox INBOX header subject md3 |
    grep -c '^X-Fetchmail-Warning: no recipient address matched')
is "$warned" 1 "multidrop: the postmaster's copy says why it came"
warned=$(dadm fetch -u dest hdr mailbox INBOX header subject md1 |
    grep -c '^X-Fetchmail-Warning')
is "$warned" 0 "multidrop: a matched message has no warning"

# --- header handling: rewrite, bad-header --------------------------------
empty_mailbox
printf 'From: Boss <boss>\nTo: joe, ann@example.org\nCc: "A, B" <ab>\nSubject: rw\n\nTo: body is not touched\n' \
    >"$MAILDIR/new/7100.Mrw1P7.md"
printf 'From: x@example.org\nSubject: bad\nthis line is not a field\n\nbody\n' \
    >"$MAILDIR/new/7101.Mbad2P7.md"
chown -R "$MAIL_UID:$MAIL_GID" "$MAILDIR"
hdrrc() {	# hdrrc NAME [SERVER-OPTIONS [USER-OPTIONS]]
	rcfile "$1" "poll localhost via 127.0.0.1 proto pop3 port $P_POP3S ${2:-}
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcertfile \"$T/ca.crt\"
    maildir \"$T/md-$1\" ${3:-}"
}
"$PULLMAIL" -f "$(hdrrc hdr)" >"$T/out" 2>&1
is "$?" 0 "headers: exit 0"
got=$(grep -h -e '^From:' -e '^To:' -e '^Cc:' "$T"/md-hdr/new/* | tr '\n' '|')
is "$got" 'From: Boss <boss@127.0.0.1>|To: joe@127.0.0.1, ann@example.org|Cc: "A, B" <ab@127.0.0.1>|To: body is not touched|' \
    "rewrite: bare addresses get the server's name, the body is left"
is "$(server_count)" 1 "bad-header: the message with a bad line is kept"
grep -q 'message 2: header line 3 is not a "Name: value" field' "$T/out"
ok $? "bad-header: the log names the message and the line"
"$PULLMAIL" -f "$(hdrrc hdr2 'bad-header accept' 'no rewrite')" >"$T/out" 2>&1
is "$?" 0 "bad-header accept: exit 0"
grep -q '^this line is not a field' "$T"/md-hdr2/new/*
ok $? "bad-header accept: the message is forwarded as it was"
is "$(server_count)" 0 "bad-header accept: and deleted"

# --- mimedecode: quoted-printable text arrives as 8-bit text -------------
printf 'From: x@example.org\nSubject: qp\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nCaf=C3=A9 au l=\nait =3D 1=E2=82=AC\n' \
    >"$MAILDIR/new/7102.Mqp3P7.md"
chown -R "$MAIL_UID:$MAIL_GID" "$MAILDIR"
"$PULLMAIL" -f "$(hdrrc qp '' 'mimedecode keep')" >"$T/out" 2>&1
is "$?" 0 "mimedecode: exit 0"
f=$(ls "$T"/md-qp/new/* | head -1)
tail -n 1 "$f" >"$T/qpbody"
printf 'Caf\303\251 au lait = 1\342\202\254\n' | cmp -s - "$T/qpbody"
ok $? "mimedecode: the body is decoded"
grep -q '^Content-Transfer-Encoding: 8bit$' "$f"
ok $? "mimedecode: and says 8bit"
"$PULLMAIL" -f "$(hdrrc noqp "" fetchall)" >"$T/out" 2>&1
grep -q '^Caf=C3=A9 au l=$' "$T"/md-noqp/new/*
ok $? "no mimedecode: the body is forwarded as it was"

done_testing
