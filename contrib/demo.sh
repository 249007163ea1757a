#!/bin/bash
# demo.sh -- pullmail fetching real mail, end to end, on this machine.
#
# Installs what it needs, builds pullmail, makes a throwaway CA, starts a
# private Dovecot on 127.0.0.1, puts five messages in a mailbox, runs
# pullmail once over IMAP with STARTTLS and full certificate verification,
# delivering into a local Maildir, shows what arrived, and stops the
# server.  Nothing is left running.
set -u
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
cd "$top_srcdir" || exit 1
sh tests/deps.sh || exit 1
if [ -z "${PULLMAIL_BUILT:-}" ]; then
	echo "== building pullmail"
	{ [ -x configure ] || autoreconf -fi; } >/dev/null 2>&1
	{ [ -f Makefile ] || ./configure -q; } && make -s -j2 pullmail \
	    >/dev/null || { echo "demo: build failed" >&2; exit 1; }
fi
top_builddir=${PULLMAIL_BUILT:-$top_srcdir}
. tests/integration/lib.sh

echo "== starting a private Dovecot (IMAP with STARTTLS on 127.0.0.1:$P_IMAP)"
setup_certs
start_dovecot
for i in 1 2 3 4 5; do
	printf 'From: Alice <alice@example.org>\nTo: you@example.org\nSubject: demo message %s\nMessage-ID: <demo%s@pullmail.test>\n\nHello from the pullmail demo, message %s.\n' \
	    "$i" "$i" "$i" >"$MAILDIR/new/10000$i.M${i}P1.demo"
done
chown -R "$MAIL_UID:$MAIL_GID" "$MAILDIR"
echo "   the server holds $(server_count) messages"

BOX="$T/Mail"
rc=$(rcfile demo "# IMAP with STARTTLS (the default), certificate verified
# against the demo CA, delivered into a local Maildir (fsync'ed before
# anything is deleted on the server).
poll localhost via 127.0.0.1 protocol imap port $P_IMAP
    user \"$MAIL_USER\" password '$MAIL_PASS'
    sslcertfile \"$T/ca.crt\"
    maildir \"$BOX\"")
echo "== the rcfile"
sed 's/password .*/password (hidden)/; s/^/   /' "$rc"
echo "== pullmail -v -f $rc"
"$PULLMAIL" -v -f "$rc" 2>&1 | sed 's/^/   /'
status=${PIPESTATUS[0]}
echo "== exit status $status; what arrived in $BOX/new:"
for f in "$BOX"/new/*; do
	[ -f "$f" ] && printf '   %s\n' "$(grep -m1 '^Subject:' "$f")"
done
arrived=$(find "$BOX/new" -type f | wc -l)
left=$(server_count)
echo "   $arrived delivered, $left left on the server"
stop_dovecot
echo "== Dovecot stopped"
[ "$status" -eq 0 ] && [ "$arrived" -eq 5 ] && [ "$left" -eq 0 ]
