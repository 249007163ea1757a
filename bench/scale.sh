#!/bin/bash
# bench/scale.sh -- one big folder: COUNTS messages of 1 KB (10,000,
# 50,000 and 100,000) in a real Dovecot INBOX, fetched over IMAP
# (STARTTLS) and over POP3 (implicit TLS) into a Maildir with "keep".
# For each: the first poll (wall, CPU, peak RSS), a second poll with
# nothing new (wall, CPU, peak RSS), a third one (Dovecot's own index
# work after a poll that flagged the whole folder is done by then), the
# journal's size; then 90% of the folder is expunged on the server and
# one more poll shows the journal compacted to what the server holds.  At FETCHMAIL_AT messages
# (10,000) Debian's fetchmail and pullmail also fetch the folder through
# the same MDA, for a ratio.  "make bench-scale" runs it; see
# bench/README.md.  Every run is checked; a wrong count ends the run.
#
# Environment: COUNTS ("10000 50000 100000"), PROTOS ("imap pop3"),
# FETCHMAIL_AT (10000; empty: no fetchmail runs).

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/integration/lib.sh"

COUNTS=${COUNTS:-10000 50000 100000}
PROTOS=${PROTOS:-imap pop3}
FETCHMAIL_AT=${FETCHMAIL_AT-10000}
[ -x /usr/bin/time ] || bail "/usr/bin/time is not installed (apt-get install time)"
[ -z "$FETCHMAIL_AT" ] || command -v fetchmail >/dev/null ||
    bail "fetchmail is not installed (or set FETCHMAIL_AT=)"

setup_certs
start_dovecot

# seed COUNT: the INBOX holds exactly COUNT unseen messages of 1 KB,
# indexed by Dovecot before any clock starts.
seed_folder() {
	find "$MAILDIR/new" "$MAILDIR/cur" -type f -delete
	rm -f "$MAILDIR"/dovecot*
	python3 - "$MAILDIR/new" "$1" <<'PY' || bail "could not write the messages"
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
pad = "x" * 70 + "\n"
for i in range(1, n + 1):
    head = ("From: Sender <s%d@example.org>\nTo: test@example.org\n"
            "Subject: scale %d\nMessage-ID: <scale%d@bench>\n"
            "Date: Thu, 3 Dec 2026 10:00:00 +0000\n\n" % (i, i, i))
    body = pad * ((1024 - len(head)) // len(pad))
    with open(os.path.join(d, "%d.M%dP1.scale" % (1700000000 + i, i)), "w") as f:
        f.write(head + body)
PY
	chown -R "$MAIL_UID:$MAIL_GID" "$MAILDIR"
	dadm mailbox status -u "$MAIL_USER" messages INBOX >/dev/null
	sync
	rm -rf "$STATEDIR" "$T/md" "$T/fetchids" "$T/mda.count"
}
rcfor() {	# rcfor PROTO SINK: the rcfile
	local port ssl=""
	case $1 in
	imap)	port=$P_IMAP ;;
	pop3)	port=$P_POP3S; ssl=ssl ;;
	esac
	printf 'poll localhost via 127.0.0.1 proto %s port %s uidl\n' "$1" "$port"
	printf "    user \"%s\" password '%s' %s sslcertck sslcommonname localhost sslcertfile \"%s\" keep\n" \
	    "$MAIL_USER" "$MAIL_PASS" "$ssl" "$T/ca.crt"
	case $2 in
	maildir) printf '    maildir "%s"\n' "$T/md" ;;
	mda)	printf '    mda "%s %s"\n' "$top_srcdir/bench/mda-count" "$T/mda.count"
		[ "$3" = pullmail ] && printf '    mdauser %s\n' "$(id -un)" ;;
	esac
}
# timed TOOL RCFILE: run once; sets wall cpu rss st
timed() {
	sync
	if [ "$1" = fetchmail ]; then
		/usr/bin/time -o "$T/time" -f '%e %U %S %M' fetchmail -f "$2" \
		    -i "$T/fetchids" --pidfile "$T/fetchmail.pid" --nosyslog \
		    >"$T/tool.out" 2>&1
	else
		/usr/bin/time -o "$T/time" -f '%e %U %S %M' "$PULLMAIL" -f "$2" \
		    >"$T/tool.out" 2>&1
	fi
	st=$?
	read -r wall user sys rss <<<"$(tail -n 1 "$T/time")"
	cpu=$(awk "BEGIN { printf \"%.2f\", $user + $sys }")
}
journal_bytes() { cat "$STATEDIR"/*.uids 2>/dev/null | wc -c; }
check() {	# check WHAT GOT WANT
	[ "$2" = "$3" ] || { sed 's/^/#   /' "$T/tool.out" | tail -5;
	    bail "$1: $2, expected $3"; }
}

ROWS="$T/rows"
: >"$ROWS"
for n in $COUNTS; do
	for proto in $PROTOS; do
		seed_folder "$n"
		rc="$T/pm.rc"; rcfor "$proto" maildir >"$rc"; chmod 600 "$rc"
		timed pullmail "$rc"
		check "$proto $n: first poll exit" "$st" 0
		check "$proto $n: delivered" "$(find "$T/md/new" -type f | wc -l)" "$n"
		first="$wall $cpu $rss"
		timed pullmail "$rc"
		check "$proto $n: second poll exit" "$st" 1
		check "$proto $n: delivered after the second poll" \
		    "$(find "$T/md/new" -type f | wc -l)" "$n"
		second="$wall $cpu $rss"
		# Dovecot reorganises its index in the next sessions after a
		# poll that flagged the whole folder; the poll after shows
		# the steady state.
		timed pullmail "$rc"
		check "$proto $n: third poll exit" "$st" 1
		steady="$wall"
		jfull=$(journal_bytes)
		# 90% leave the server; the next poll forgets them.
		dadm expunge -u "$MAIL_USER" mailbox INBOX \
		    uid "1:$((n * 9 / 10))" >/dev/null || bail "doveadm expunge failed"
		timed pullmail "$rc"
		check "$proto $n: poll after the expunge exit" "$st" 1
		check "$proto $n: server after the expunge" "$(server_count)" "$((n / 10))"
		jsmall=$(journal_bytes)
		echo "$proto $n $first $second $jfull $jsmall $steady" >>"$ROWS"
		echo "# $proto $n: first $first; second $second; steady $steady; journal $jfull -> $jsmall bytes"
	done
done

# The ratio: both programs through the same MDA, same folder.
if [ -n "$FETCHMAIL_AT" ]; then
	for proto in $PROTOS; do
		for tool in fetchmail pullmail; do
			seed_folder "$FETCHMAIL_AT"
			rc="$T/$tool.rc"; rcfor "$proto" mda "$tool" >"$rc"; chmod 600 "$rc"
			timed "$tool" "$rc"
			check "$tool $proto: exit" "$st" 0
			check "$tool $proto: delivered" \
			    "$(wc -l <"$T/mda.count")" "$FETCHMAIL_AT"
			echo "mda-$proto-$tool $FETCHMAIL_AT $wall $cpu $rss" >>"$ROWS"
			echo "# $tool $proto $FETCHMAIL_AT through the MDA: $wall s, $cpu s CPU, $rss kB"
		done
	done
fi

echo
echo "| protocol | messages | first poll wall | CPU | peak RSS | second poll wall | CPU | peak RSS | third poll wall | journal | after 90% expunged |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
awk '$1 == "imap" || $1 == "pop3" {
	printf "| %s | %d | %.2f s | %.2f s | %.1f MB | %.2f s | %.2f s | %.1f MB | %.2f s | %d kB | %d kB |\n",
	    $1, $2, $3, $4, $5 / 1024, $6, $7, $8 / 1024, $11, $9 / 1024, $10 / 1024 }' "$ROWS"
if [ -n "$FETCHMAIL_AT" ]; then
	echo
	echo "| $FETCHMAIL_AT messages through bench/mda-count | fetchmail | pullmail | pullmail / fetchmail |"
	echo "|---|---|---|---|"
	for proto in $PROTOS; do
		awk -v p="$proto" '
		$1 == "mda-" p "-fetchmail" { fw = $3; fc = $4; fr = $5 }
		$1 == "mda-" p "-pullmail" { pw = $3; pc = $4; pr = $5 }
		END { printf "| %s: wall | %.2f s | %.2f s | %.3f |\n", p, fw, pw, pw / fw
		      printf "| %s: CPU | %.2f s | %.2f s | %.3f |\n", p, fc, pc, pc / fc
		      printf "| %s: peak RSS | %.1f MB | %.1f MB | %.2f |\n", p, fr / 1024, pr / 1024, pr / fr }' "$ROWS"
	done
fi
