#!/bin/bash
# t_crash.sh -- kill -9 at random moments: pullmail (the parent and the
# worker polling the account) is killed with SIGKILL
# during polls of 500 messages (ten times over POP3, ten over IMAP), at a
# moment chosen by what the poll has done, not by the clock; after
# each kill a normal run completes.  No message may be lost; a message may
# be delivered twice only when the kill fell between its delivery and the
# journal line.  Maildir commits in batches of at most 32 (the files are
# linked into new/ together, then journaled), so at most one batch per
# kill.  The duplicates are reported.

. "$top_srcdir/tests/integration/lib.sh"

N=500
KILLS=${CRASH_KILLS:-10}	# per protocol
setup_certs
start_dovecot
RANDOM=$$

seed_round() {	# seed_round TAG: N messages with Message-IDs <TAG-i@crash>
	for i in $(seq 1 $N); do
		printf 'From: s@example.org\nSubject: %s %s\nMessage-ID: <%s-%s@crash>\n\nbody %s\n' \
		    "$1" "$i" "$1" "$i" "$i"
	done | awk -v d="$MAILDIR/new" -v t="$1" '
	    /^From: / { n++; f = sprintf("%s/%d.M%dP9.%s", d, 5000 + n, n, t) }
	    { print > f }'
	chown -R "$MAIL_UID:$MAIL_GID" "$MAILDIR"
}
rcfor() {	# rcfor PROTO DIR
	port=$P_POP3S
	[ "$1" = imap ] && port=$P_IMAPS
	rcfile "crash-$1" "poll localhost via 127.0.0.1 proto $1 port $port
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcertfile \"$T/ca.crt\"
    maildir \"$2\""
}
delivered() { find "$1/new" -type f 2>/dev/null | wc -l; }
# kill_point PID DIR TARGET: returns once the poll reached the moment to
# kill: the worker exists (TARGET 0), or TARGET messages are in DIR/new.
# Events, not delays, so a loaded machine moves the moment, not the odds.
kill_point() {
	while kill -0 "$1" 2>/dev/null; do
		if [ "$3" = 0 ]; then
			[ -n "$(pgrep -P "$1")" ] && return 0
		elif [ "$(delivered "$2")" -ge "$3" ]; then
			return 0
		fi
		sleep 0.01
	done
}

lost=0 dups=0 worst=0 real_kills=0 bad_runs=0 left=0
for proto in pop3 imap; do
	for k in $(seq 1 "$KILLS"); do
		tag="$proto-$k"
		md="$T/md-$tag"
		empty_mailbox; seed_round "$tag"
		rc=$(rcfor "$proto" "$md")
		# One kill in five while logging in, the others after 1 to
		# N - 100 deliveries (the rest keeps the poll busy).
		target=0
		[ $((RANDOM % 5)) = 0 ] || target=$(( 1 + RANDOM % (N - 100) ))
		"$PULLMAIL" -f "$rc" >"$T/out-$tag" 2>&1 &
		pid=$!
		kill_point "$pid" "$md" "$target"
		# The parent and its worker, at the same instant.
		if kill -9 $(pgrep -P "$pid") "$pid" 2>/dev/null; then
			real_kills=$((real_kills + 1))
		fi
		wait "$pid" 2>/dev/null
		# A dying worker may hold the pidfile lock a moment longer.
		for _ in $(seq 1 100); do
			flock -n "$STATEDIR/pullmail.pid" true 2>/dev/null && break
			sleep 0.05
		done
		got_before=$(ls "$md/new" 2>/dev/null | wc -l)
		"$PULLMAIL" -f "$rc" >>"$T/out-$tag" 2>&1
		st=$?
		[ "$st" -le 1 ] || { bad_runs=$((bad_runs + 1)); echo "# $tag: run after the kill exited $st"; }
		ids=$(cat "$md"/new/* 2>/dev/null | grep '^Message-ID: ' | sort)
		uniq=$(echo "$ids" | sort -u | grep -c .)
		total=$(echo "$ids" | grep -c .)
		lost=$((lost + N - uniq))
		dups=$((dups + total - uniq))
		[ $((total - uniq)) -gt "$worst" ] && worst=$((total - uniq))
		left=$((left + $(server_count)))
		echo "# $tag: killed at $target with $got_before delivered; then $uniq of $N delivered, $((total - uniq)) twice"
	done
done

is "$lost" 0 "no message lost in $((2 * KILLS)) kill -9 rounds"
is "$left" 0 "the run after each kill emptied the mailbox"
is "$bad_runs" 0 "every run after a kill succeeded"
[ "$worst" -le 32 ]
ok $? "duplicates: $dups in $real_kills kills that hit a running poll, \
at most $worst after one kill (at most one batch of 32)"
[ "$real_kills" -ge "$KILLS" ]
ok $? "the kills hit a poll in progress ($real_kills of $((2 * KILLS)))"

done_testing
