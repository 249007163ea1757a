#!/bin/bash
# t_hostile_mail.sh -- what a mail sender can do to the sinks.  Hostile
# messages (the review's mbox overflow, SMTP smuggling sequences, bare CR,
# NUL bytes, a 1 MiB line, shell syntax in the sender and the header,
# terminal escapes) are fetched from a real Dovecot into every sink:
# Maildir, mbox, MDA, BSMTP, SMTP and LMTP (a recording server), over IMAP
# and POP3.  What arrives is compared byte for byte with what the server
# held, after the transform each sink promises (hostile_mail.py).  Then
# the MDA: quoted %F/%T are refused when the rcfile is read, and a hostile
# Return-Path reaches a shell-run MDA as one literal argument.

. "$top_srcdir/tests/integration/lib.sh"

HM="python3 $top_srcdir/tests/hostile/hostile_mail.py"
REC="$top_srcdir/tests/hostile/smtp_recorder.py"
P_REC=$((PORT_BASE + 6))
P_LREC=$((PORT_BASE + 7))
PWNED=/tmp/pullmail-pwned
rm -f "$PWNED" "${PWNED}2"

setup_certs
start_dovecot
$HM make "$MAILDIR/new" || bail "could not write the hostile messages"
chown -R "$MAIL_UID:$MAIL_GID" "$MAILDIR"
for proto in imap pop3; do
	port=$P_IMAPS
	[ $proto = pop3 ] && port=$P_POP3S
	mkdir -p "$T/ref.$proto"
	$HM ref $proto "$port" "$MAIL_USER" "$MAIL_PASS" "$T/ca.crt" \
	    "$T/ref.$proto" || bail "could not read the messages back"
	is "$(ls "$T/ref.$proto" | wc -l)" 30 \
	    "$proto: the server holds the 30 hostile messages"
done

for p in "$P_REC" "$P_LREC"; do
	mkdir -p "$T/rec.$p"
	mode=""
	[ "$p" = "$P_LREC" ] && mode=lmtp
	python3 "$REC" "$p" "$T/rec.$p" $mode >"$T/rec.$p.log" 2>&1 &
	PIDS="$PIDS $!"
	wait_ready "$T/rec.$p.log"
done

poll() {	# poll NAME PROTO SINK-OPTIONS: keep everything, fetch it all
	local port=$P_IMAPS
	[ "$2" = pop3 ] && port=$P_POP3S
	rm -rf "$STATEDIR"
	rc=$(rcfile "$1" "poll localhost via 127.0.0.1 proto $2 port $port
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcertfile \"$T/ca.crt\"
    keep fetchall no rewrite $3")
	"$PULLMAIL" -f "$rc" >"$T/$1.out" 2>&1
}

# sink_run NAME PROTO KIND WHERE OPTIONS
sink_run() {
	poll "$1" "$2" "$5"
	is "$?" 0 "$1: all delivered (exit 0)" || sed 's/^/# /' "$T/$1.out"
	$HM check "$3" "$T/ref.$2" "$4"
	ok $? "$1: every message arrived as the server held it"
	[ ! -e "$PWNED" ] && [ ! -e "${PWNED}2" ]
	ok $? "$1: nothing in the messages was run"
}

for proto in imap pop3; do
	mkdir -p "$T/md.$proto"
	sink_run "maildir-$proto" $proto maildir "$T/md.$proto/new" \
	    "maildir \"$T/md.$proto\""
	sink_run "mbox-$proto" $proto mbox "$T/mbox.$proto" \
	    "mbox \"$T/mbox.$proto\""
	mkdir -p "$T/mda.$proto"
	sink_run "mda-$proto" $proto mda "$T/mda.$proto" \
	    "$MDA_AS mda \"$MDA_SAVE $T/mda.$proto\""
	sink_run "bsmtp-$proto" $proto bsmtp "$T/bsmtp.$proto" \
	    "bsmtp \"$T/bsmtp.$proto\""
	rm -f "$T/rec.$P_REC"/*
	sink_run "smtp-$proto" $proto smtp "$T/rec.$P_REC" \
	    "smtphost 127.0.0.1/$P_REC"
	rm -f "$T/rec.$P_LREC"/*
	sink_run "lmtp-$proto" $proto smtp "$T/rec.$P_LREC" \
	    "lmtp smtphost 127.0.0.1/$P_LREC"
done

# --- the MDA: %F and %T are never read by a shell -------------------------
for mda in "mda \"/bin/true -f '%F' -d %T\"" \
    "mda '/bin/true -f \"%F\" -d %T'" "mda \"/bin/true -f 'a %T b'\""; do
	rc=$(rcfile quoted "# an mda the shell would take apart
poll localhost via 127.0.0.1 proto imap port $P_IMAPS
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcertfile \"$T/ca.crt\"
    $MDA_AS $mda")
	"$PULLMAIL" -f "$rc" >"$T/quoted.out" 2>&1
	is "$?" 5 "$mda: refused as a syntax error (exit 5)"
	grep -q "quoted.rc:4:.*would let the shell read.*write %[FT] bare" \
	    "$T/quoted.out"
	ok $? "$mda: the message names file:line and the safe spelling" ||
	    sed 's/^/# /' "$T/quoted.out"
done
"$PULLMAIL" --mda "/bin/true -f '%F'" -V >"$T/quoted.out" 2>&1
is "$?" 5 "--mda with a quoted %F: refused (exit 5)"

# A command that needs a shell: the sender and the recipients become
# positional parameters.  As root the MDA runs as nobody, which needs a
# script and a directory it can reach.
mkdir -m 777 "$T/args.d"
cp "$top_srcdir/tests/integration/mda-args" "$T/args.d/mda-args"
chmod 755 "$T/args.d/mda-args"
as=$MDA_AS
[ "$(id -u)" = 0 ] && as="mdauser nobody"
poll mda-shell imap "$as is \"x; \\\$(touch $PWNED) y\" here
    mda \"$T/args.d/mda-args $T/args.d/out %F %T >/dev/null; true\""
is "$?" 0 "shell mda: delivered" || sed 's/^/# /' "$T/mda-shell.out"
is "$(tr '\0' '#' <"$T/args.d/out")" \
    "\$(touch\${IFS}/tmp/pullmail-pwned)@evil.example#x; \$(touch $PWNED) y#" \
    "shell mda: the hostile Return-Path and recipient arrive as two literal arguments"
[ ! -e "$PWNED" ]
ok $? "shell mda: nothing in them was run"

done_testing
