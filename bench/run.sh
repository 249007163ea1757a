#!/bin/bash
# bench/run.sh -- pullmail against Debian's fetchmail on the same real
# Dovecot mailbox, in one run.  "make bench" runs it; see bench/README.md.
#
# For each corpus (2000 messages of 20 KB; a mixed one with a few
# multi-megabyte messages), protocol (POP3S, IMAP+STARTTLS) and delivery
# (smtp-sink, an MDA, and for pullmail a Maildir), fetchmail and pullmail
# run alternately PAIRS times on a freshly seeded mailbox; every run is
# checked (all messages delivered, the server empty).  Printed: median
# wall time, CPU time (user+sys) and peak RSS, the ratio pullmail /
# fetchmail of each pair, and the floor: a minimal pipelined reader
# (bench/floor.c) that only reads, or also writes each message to a file.
#
# Environment: PAIRS (3), N (2000), CORPORA ("uniform mixed"),
# PROTOS ("pop3 imap"), SINKS ("smtp mda maildir").

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/integration/lib.sh"

PAIRS=${PAIRS:-3}
N=${N:-2000}
CORPORA=${CORPORA:-uniform mixed}
PROTOS=${PROTOS:-pop3 imap}
SINKS=${SINKS:-smtp mda maildir}
command -v fetchmail >/dev/null || bail "fetchmail is not installed"
[ -x /usr/bin/time ] || bail "/usr/bin/time is not installed (apt-get install time)"
FLOOR="$T/floor"
cc -O2 -o "$FLOOR" "$top_srcdir/bench/floor.c" -lssl -lcrypto ||
    bail "cannot build bench/floor.c"

setup_certs
start_dovecot
start_sink
RESULTS="$T/results"	# scenario tool wall cpu rss
: >"$RESULTS"

# --- corpora: prepared once, copied into the mailbox before every run ----
make_corpus() {	# make_corpus NAME DIR
	mkdir -p "$2"
	python3 - "$1" "$2" "$N" <<'PY'
import os, random, sys
name, d, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rnd = random.Random(42)
line = "The quick brown fox jumps over the lazy dog, again and again: %06d.\n"
def size_for(i):
    if name == "uniform":
        return 20 * 1024
    # mixed: mostly small, some medium, four of 5 MB and one of 50 MB
    if i == 0:
        return 50 * 1024 * 1024
    if i <= 4:
        return 5 * 1024 * 1024
    return rnd.choice([2, 4, 8, 16, 32, 64, 128]) * 1024
count = n if name == "uniform" else max(n // 4, 50)
for i in range(count):
    head = ("From: Sender %d <sender%d@example.org>\nTo: test@example.org\n"
            "Subject: %s benchmark message %d\nMessage-ID: <%s%d@bench>\n"
            "Date: Mon, 23 Nov 2026 10:00:00 +0000\n\n" % (i, i, name, i, name, i))
    body, k = [], 0
    size = size_for(i) - len(head)
    while size > 0:
        s = line % k
        body.append(s)
        size -= len(s)
        k += 1
    with open(os.path.join(d, "%d.M%dP1.bench" % (1000000 + i, i)), "w") as f:
        f.write(head + "".join(body))
PY
}
seed_corpus() {	# seed_corpus DIR: the mailbox holds exactly DIR's messages
	find "$MAILDIR/new" "$MAILDIR/cur" -type f -delete
	rm -f "$MAILDIR"/dovecot*
	cp "$1"/* "$MAILDIR/new/"
	chown -R "$MAIL_UID:$MAIL_GID" "$MAILDIR"
	# Indexed now, so that no client pays for it, and written back, so
	# that no run competes with the copy's writeback.
	dadm mailbox status -u "$MAIL_USER" messages INBOX >/dev/null
	sync
	rm -rf "$STATEDIR" "$T/fetchids"
}

# --- one run --------------------------------------------------------------
# rcbody TOOL PROTO SINK: the rcfile for it
rcbody() {
	local port ssl=""
	case $2 in
	pop3)	port=$P_POP3S; ssl=ssl ;;
	imap)	port=$P_IMAP ;;		# STARTTLS
	esac
	printf 'poll localhost via 127.0.0.1 proto %s port %s\n' "$2" "$port"
	printf "    user \"%s\" password '%s' %s sslcertck sslcommonname localhost sslcertfile \"%s\"\n" \
	    "$MAIL_USER" "$MAIL_PASS" "$ssl" "$T/ca.crt"
	case $3 in
	smtp)	printf '    smtphost 127.0.0.1/%s\n' "$P_SMTP" ;;
	mda)	printf '    mda "%s %s"\n' "$top_srcdir/bench/mda-count" "$T/mda.count"
		[ "$1" = pullmail ] && printf '    mdauser %s\n' "$(id -un)" ;;
	maildir) printf '    maildir "%s"\n' "$T/bench-md" ;;
	esac
}
delivered() {	# delivered SINK: how many messages arrived
	case $1 in
	smtp)	find "$SINK_DIR" -type f | wc -l ;;
	mda)	wc -l <"$T/mda.count" 2>/dev/null || echo 0 ;;
	maildir) find "$T/bench-md/new" -type f 2>/dev/null | wc -l ;;
	esac
}
reset_sinks() {
	rm -f "$SINK_DIR"/* "$T/mda.count"
	rm -rf "$T/bench-md"
}
# run TOOL CORPUS PROTO SINK: one timed run, checked, into $RESULTS
run() {
	local tool=$1 corpus=$2 proto=$3 sink=$4 rc want got left
	want=$(ls "$T/corpus-$corpus" | wc -l)
	seed_corpus "$T/corpus-$corpus"
	reset_sinks
	rc="$T/$tool.rc"
	rcbody "$tool" "$proto" "$sink" >"$rc"
	chmod 600 "$rc"
	# Nothing left for the disk to write back while the clock runs.
	sync
	case $tool in
	fetchmail)
		/usr/bin/time -o "$T/time" -f '%e %U %S %M' fetchmail -f "$rc" \
		    -i "$T/fetchids" --pidfile "$T/fetchmail.pid" --nosyslog \
		    >"$T/tool.out" 2>&1 ;;
	pullmail)
		/usr/bin/time -o "$T/time" -f '%e %U %S %M' "$PULLMAIL" -f "$rc" \
		    >"$T/tool.out" 2>&1 ;;
	esac
	got=$(delivered "$sink")
	left=$(server_count)
	if [ "$got" -ne "$want" ] || [ "$left" -ne 0 ]; then
		sed 's/^/#   /' "$T/tool.out" | tail -5
		bail "$tool $corpus $proto $sink: $got of $want delivered, $left left on the server"
	fi
	read -r wall user sys rss <"$T/time"
	echo "$corpus/$proto/$sink $tool $wall $(awk "BEGIN { print $user + $sys }") $rss" >>"$RESULTS"
	printf '# %-24s %-9s %7.2f s wall %6.2f s cpu %7d kB\n' \
	    "$corpus/$proto/$sink" "$tool" "$wall" "$(awk "BEGIN { print $user + $sys }")" "$rss"
}
# floor CORPUS PROTO [files]
floor() {
	local corpus=$1 proto=$2 port dir=""
	seed_corpus "$T/corpus-$corpus"
	port=$P_POP3S
	[ "$proto" = imap ] && port=$P_IMAPS
	if [ "${3:-}" = files ]; then
		dir="$T/floor-files"
		rm -rf "$dir"
		mkdir -p "$dir"
	fi
	sync
	/usr/bin/time -o "$T/time" -f '%e %U %S %M' "$FLOOR" "$proto" 127.0.0.1 \
	    "$port" "$MAIL_USER" "$MAIL_PASS" "$T/ca.crt" $dir >/dev/null ||
	    bail "the floor reader failed"
	read -r wall user sys rss <"$T/time"
	echo "$corpus/$proto/floor${3:+-$3} floor $wall $(awk "BEGIN { print $user + $sys }") $rss" >>"$RESULTS"
	printf '# %-24s %-9s %7.2f s wall %6.2f s cpu %7d kB\n' \
	    "$corpus/$proto/floor${3:+-$3}" floor "$wall" "$(awk "BEGIN { print $user + $sys }")" "$rss"
}

for corpus in $CORPORA; do
	make_corpus "$corpus" "$T/corpus-$corpus"
	echo "# corpus $corpus: $(ls "$T/corpus-$corpus" | wc -l) messages, $(du -sm "$T/corpus-$corpus" | cut -f1) MB"
	for proto in $PROTOS; do
		for p in $(seq 1 "$PAIRS"); do
			floor "$corpus" "$proto"
			floor "$corpus" "$proto" files
		done
		for sink in $SINKS; do
			for p in $(seq 1 "$PAIRS"); do
				[ "$sink" != maildir ] && run fetchmail "$corpus" "$proto" "$sink"
				run pullmail "$corpus" "$proto" "$sink"
			done
		done
	done
done
python3 "$top_srcdir/bench/report.py" "$RESULTS"
