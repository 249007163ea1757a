#!/bin/bash
# t_daemon.sh -- "pullmail -d N" against a real Dovecot: polls every N
# seconds while mail arrives through Dovecot's LMTP; SIGUSR1 polls at
# once; SIGHUP re-reads the rcfile (an added account is polled, a broken
# file changes nothing) and reopens the log file; a second pullmail exits
# 8 and "-d N" wakes the daemon; --quit stops it; a stale pidfile is
# taken over; a server that refuses connections is tried less and less
# often; SIGTERM mid-poll loses nothing; --jobs 4 polls eight slow
# accounts in about a quarter of the time; the daemon's memory does not
# grow over 500 polls.

. "$top_srcdir/tests/integration/lib.sh"

P_SLOW=$((PORT_BASE + 6))
setup_certs
start_dovecot
PIDFILE="$STATEDIR/pullmail.pid"

inject() {	# inject USER N TAG: N messages through Dovecot's LMTP
	python3 - "$P_LMTP" "$1" "$2" "$3" <<'PY' || bail "LMTP injection failed"
import smtplib, sys
port, user, n, tag = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
c = smtplib.LMTP("127.0.0.1", port)
for i in range(n):
    c.sendmail("s@example.org", [user],
               "From: s@example.org\r\nSubject: %s %d\r\n"
               "Message-ID: <%s-%d@daemon>\r\n\r\nbody\r\n" % (tag, i, tag, i))
c.quit()
PY
}
count() { find "$1/new" -type f 2>/dev/null | wc -l; }
wait_count() {	# wait_count DIR N SECONDS: until DIR has N messages
	for _ in $(seq 1 $(($3 * 20))); do
		[ "$(count "$1")" -ge "$2" ] && return 0
		sleep 0.05
	done
	return 1
}
wait_gone() {	# wait_gone PID SECONDS
	for _ in $(seq 1 $(($2 * 20))); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.05
	done
	return 1
}
account() {	# account USER PASSWORD MAILDIR
	printf 'poll localhost via 127.0.0.1 proto pop3 port %s\n    user "%s" password '"'"'%s'"'"' ssl sslcertfile "%s"\n    maildir "%s"\n' \
	    "$P_POP3S" "$1" "$2" "$T/ca.crt" "$3"
}

# --- polls every 2 seconds while mail arrives --------------------------------
rc=$(rcfile d "$(account "$MAIL_USER" "$MAIL_PASS" "$T/md")")
"$PULLMAIL" -d 2 -N -f "$rc" >"$T/d.log" 2>&1 &
DPID=$!
PIDS="$PIDS $DPID"
inject "$MAIL_USER" 3 first
wait_count "$T/md" 3 10
ok $? "-d 2: three messages injected through LMTP arrive"
sleep 1
inject "$MAIL_USER" 2 second
wait_count "$T/md" 5 10
ok $? "-d 2: two more, a later cycle"
sleep 0.5
is "$(server_count)" 0 "-d 2: the server is empty"
is "$(cat "$PIDFILE" 2>/dev/null)" "$DPID" "the pidfile holds the daemon's PID"
grep -q "daemon started (PID $DPID)" "$T/d.log"
ok $? "the daemon says it started, and its PID"

# --- a second pullmail -------------------------------------------------------
"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
is "$?" 8 "a second pullmail: exit 8"
grep -q "another pullmail is running (PID $DPID" "$T/out"
ok $? "a second pullmail: names the PID of the first"
inject "$MAIL_USER" 1 wake
"$PULLMAIL" -d 300 -f "$rc" >"$T/out" 2>&1
is "$?" 0 "-d N while a daemon runs: exit 0"
grep -q "already running (PID $DPID); it polls now" "$T/out"
ok $? "-d N while a daemon runs: it says it woke the daemon"

# --- --quit ------------------------------------------------------------------
"$PULLMAIL" --quit -f "$rc" >"$T/out" 2>&1
is "$?" 0 "--quit: exit 0"
wait_gone "$DPID" 10
ok $? "--quit: the daemon is gone"
wait "$DPID"
is "$?" 0 "--quit: the daemon exited 0"
[ ! -e "$PIDFILE" ]
ok $? "--quit: the pidfile was removed"
"$PULLMAIL" --quit -f "$rc" >"$T/out" 2>&1
is "$?" 8 "--quit with nothing running: exit 8"

# --- SIGUSR1, SIGHUP -----------------------------------------------------------
rm -rf "$T/md" "$T/md2"
rc=$(rcfile h "set logfile \"$T/pm.log\"
$(account "$MAIL_USER" "$MAIL_PASS" "$T/md")")
"$PULLMAIL" -d 300 -N -f "$rc" >"$T/h.out" 2>&1 &
DPID=$!
PIDS="$PIDS $DPID"
wait_log "$T/pm.log" "daemon started" 10
ok $? "set logfile: the daemon logs there"
sleep 1
inject "$MAIL_USER" 2 usr1
kill -USR1 "$DPID"
wait_count "$T/md" 2 5
ok $? "SIGUSR1 polls at once (the interval is 300 s)"
grep -q "^20[0-9-]* [0-9:]* pullmail\[$DPID\]: " "$T/pm.log"
ok $? "log file lines carry a time stamp and the PID"

mv "$T/pm.log" "$T/pm.log.1"
{ cat "$rc"; account dest x "$T/md2"; } >"$rc.new" && mv "$rc.new" "$rc"
chmod 600 "$rc"
inject dest 1 added
kill -HUP "$DPID"
wait_count "$T/md2" 1 10
ok $? "SIGHUP: the added account is polled"
wait_log "$T/pm.log" "reloaded: 2 accounts" 5
ok $? "SIGHUP: the log file is opened again, and the reload logged"

cp "$rc" "$rc.good"
printf 'poll broken user\n' >>"$rc"
kill -HUP "$DPID"
wait_log "$T/pm.log" "not reloaded; polling as before" 5
ok $? "SIGHUP with a broken rcfile: logged, nothing changed"
grep -q "$rc:[0-9]*:[0-9]*:" "$T/pm.log"
ok $? "SIGHUP with a broken rcfile: the error names file:line:col"
inject dest 1 after
kill -USR1 "$DPID"
wait_count "$T/md2" 2 10
ok $? "SIGHUP with a broken rcfile: both accounts are still polled"
kill -TERM "$DPID"
wait "$DPID"
is "$?" 0 "SIGTERM: exit 0"
cp "$rc.good" "$rc"

# --- interval: an account polled every fourth time -------------------------------
rc=$(rcfile iv "$(account "$MAIL_USER" "$MAIL_PASS" "$T/mda")
poll other via 127.0.0.1 proto pop3 port $P_POP3S interval 4
    user dest password x ssl sslcertfile \"$T/ca.crt\" maildir \"$T/mdb\"")
"$PULLMAIL" -v -d 1 -N -f "$rc" >"$T/iv.log" 2>&1 &
DPID=$!
PIDS="$PIDS $DPID"
sleep 9
kill -TERM "$DPID"
wait "$DPID"
every=$(grep -c "$MAIL_USER@localhost: worker [0-9]* ended" "$T/iv.log")
third=$(grep -c "dest@other: worker [0-9]* ended" "$T/iv.log")
echo "# in 9 s with -d 1: $every polls of the plain account, $third of the one with interval 4"
[ "$third" -ge 1 ] && [ $((third * 2)) -le "$every" ]
ok $? "interval 4: polled a quarter to a half as often ($third vs $every)"

# --- a stale pidfile -----------------------------------------------------------
mkdir -p "$STATEDIR"
echo 999999 >"$PIDFILE"
"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
is "$?" 1 "a stale pidfile is taken over (no mail: exit 1)"
[ ! -e "$PIDFILE" ]
ok $? "a stale pidfile: removed at the end"

# --- backoff: a server that refuses connections ---------------------------------
rc=$(rcfile refuse "poll 127.0.0.1 proto pop3 port $P_NOTHING user x password y
    maildir \"$T/mdx\"")
"$PULLMAIL" -d 1 -N -f "$rc" >"$T/b.log" 2>&1 &
BPID=$!
PIDS="$PIDS $BPID"
wait_log "$T/b.log" "4 failed polls in a row" 20
ok $? "refused connections: four failures within 20 s"
kill -TERM "$BPID"
wait "$BPID"
waits=$(sed -n 's/.*failed polls\{0,1\} in a row; next try in \([0-9]*\) seconds.*/\1/p' \
    "$T/b.log" | head -4 | tr '\n' ' ')
echo "# waits after each failure: $waits"
set -- $waits
[ "$#" -ge 4 ] && [ "$1" -lt "$2" ] && [ "$2" -lt "$3" ] && [ "$3" -lt "$4" ]
ok $? "refused connections: the waits grow ($waits)"
grep -q "next try in [0-9]* seconds, at [0-9][0-9]:[0-9][0-9]:[0-9][0-9]" "$T/b.log"
ok $? "refused connections: the log says when the next try is"

# --- SIGTERM mid-poll ------------------------------------------------------------
rm -rf "$T/md"
empty_mailbox
inject "$MAIL_USER" 300 term
rc=$(rcfile term "$(account "$MAIL_USER" "$MAIL_PASS" "$T/md")")
"$PULLMAIL" -d 300 -N -f "$rc" >"$T/t.log" 2>&1 &
DPID=$!
PIDS="$PIDS $DPID"
wait_count "$T/md" 20 20
kill -TERM "$DPID"
wait "$DPID"
is "$?" 0 "SIGTERM mid-poll: exit 0"
got=$(count "$T/md")
left=$(server_count)
is "$((got + left))" 300 "SIGTERM mid-poll: delivered ($got) + left ($left) = 300"
[ "$left" -gt 0 ]
ok $? "SIGTERM mid-poll: it stopped after the message in hand, not at the end"
dups=$(cat "$T"/md/new/* | grep -c '^Message-ID:' )
uniq=$(cat "$T"/md/new/* | grep '^Message-ID:' | sort -u | wc -l)
is "$dups" "$uniq" "SIGTERM mid-poll: nothing delivered twice"
"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
is "$(count "$T/md")" 300 "SIGTERM mid-poll: the next run delivers the rest"

# --- --jobs: eight accounts on a slow server ---------------------------------------
CERT="$T/server.crt" KEY="$T/server.key" DELAY=1 \
    python3 "$top_srcdir/tests/tls/scripted_server.py" pop3s-slow "$P_SLOW" \
    "$T/slow.log" >"$T/slow.out" 2>&1 &
PIDS="$PIDS $!"
wait_ready "$T/slow.out"
body=""
for i in 1 2 3 4 5 6 7 8; do
	body="$body
poll slow$i via 127.0.0.1 proto pop3 port $P_SLOW
    user u$i password p ssl sslcertfile \"$T/ca.crt\" maildir \"$T/slow$i\""
done
rc=$(rcfile slow "$body")
now_ms() { date +%s%3N; }
t0=$(now_ms)
"$PULLMAIL" --jobs 1 -f "$rc" >"$T/out" 2>&1
r1=$?
t1=$(( $(now_ms) - t0 ))
t0=$(now_ms)
"$PULLMAIL" --jobs 4 -f "$rc" >"$T/out" 2>&1
r4=$?
t4=$(( $(now_ms) - t0 ))
echo "# eight slow accounts: --jobs 1 took $t1 ms, --jobs 4 took $t4 ms"
is "$r1 $r4" "1 1" "--jobs: both runs end with no mail (exit 1)"
is "$(grep -c '# login' "$T/slow.log")" 16 "--jobs: every account logged in, both times"
[ "$t4" -lt $(( t1 * 40 / 100 )) ]
ok $? "--jobs 4 takes about a quarter of the sequential time ($t4 vs $t1 ms)"

# --- the poll deadline ---------------------------------------------------------------
CERT="$T/server.crt" KEY="$T/server.key" DELAY=60 \
    python3 "$top_srcdir/tests/tls/scripted_server.py" pop3s-slow "$((P_SLOW + 1))" \
    "$T/stuck.log" >"$T/stuck.out" 2>&1 &
PIDS="$PIDS $!"
wait_ready "$T/stuck.out"
rc=$(rcfile stuck "poll stuck via 127.0.0.1 proto pop3 port $((P_SLOW + 1))
    user u password p ssl sslcertfile \"$T/ca.crt\" maildir \"$T/stuck\"")
t0=$(now_ms)
"$PULLMAIL" --deadline 2 -f "$rc" >"$T/out" 2>&1
st=$?
took=$(( $(now_ms) - t0 ))
is "$st" 2 "--deadline 2 on a server that never answers: exit 2"
# SIGTERM ends the worker's wait within a second (review 2026-12, 5):
# no SIGKILL after the grace period is needed.
[ "$took" -lt 5000 ]
ok $? "--deadline 2: over within the deadline and a second ($took ms)"
grep -q "u@stuck: the poll took more than 2 seconds; stopping it" "$T/out" &&
    grep -q "u@stuck: 127.0.0.1: stopped by a signal" "$T/out"
ok $? "--deadline 2: the log says it was stopped, and the worker stopped" ||
    sed 's/^/# /' "$T/out"

# --- an idle account has a worker of its own ---------------------------------------
empty_mailbox
rc=$(rcfile idle "poll localhost via 127.0.0.1 proto imap port $P_IMAPS
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcertfile \"$T/ca.crt\"
    idle maildir \"$T/mdi\"")
"$PULLMAIL" -v -d 300 -N -f "$rc" >"$T/i.log" 2>&1 &
DPID=$!
PIDS="$PIDS $DPID"
wait_log "$T/i.log" "worker [0-9]* started" 10
sleep 1
inject "$MAIL_USER" 2 idle
wait_count "$T/mdi" 2 10
ok $? "daemon, idle: new mail arrives without waiting for the interval"
worker=$(pgrep -P "$DPID" | head -1)
case "$(tr '\0' ' ' <"/proc/$worker/cmdline" 2>/dev/null)" in
*"$MAIL_USER@localhost: idle in INBOX"*) r=0 ;; *) r=1 ;; esac
ok $r "daemon, idle: the worker's title says what it does"
kill -TERM "$DPID"
wait "$DPID"
is "$?" 0 "daemon, idle: SIGTERM ends it, exit 0"
[ -z "$(pgrep -P "$DPID")" ] && ! kill -0 "$worker" 2>/dev/null
ok $? "daemon, idle: no worker left behind"

# --- a progress line on a terminal, never elsewhere ------------------------------------
empty_mailbox
inject "$MAIL_USER" 1500 progress
# An MDA per message keeps the poll above a second, however fast the
# fetching is.
mkdir -p "$T/mdp"
rc=$(rcfile prog "poll localhost via 127.0.0.1 proto pop3 port $P_POP3S
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcertfile \"$T/ca.crt\"
    $MDA_AS mda \"$MDA_SAVE $T/mdp\" keep")
script -qec "\"$PULLMAIL\" -f \"$rc\"" /dev/null >"$T/tty.out" 2>&1
grep -q $'\r.*of 1500 messages, [0-9.]* MB, [0-9.]* MB/s' "$T/tty.out"
ok $? "on a terminal: a progress line for a poll longer than a second"
"$PULLMAIL" -f "$rc" --fetchall >"$T/notty.out" 2>&1
! grep -q -e $'\r' -e 'MB/s' "$T/notty.out" && grep -q '1500 delivered' "$T/notty.out"
ok $? "not on a terminal: no progress line"

# --- a server that hangs holds up its own account only ---------------------
# The hanging server accepts and never speaks; its account's timeout is
# 30 s.  Meanwhile the other account, polled every second, must be polled
# again and again: no poll waits for a slow poll of another account.
P_HANG=$((PORT_BASE + 8))
python3 "$top_srcdir/tests/integration/loopback_server.py" silent "$P_HANG" \
    >"$T/hang.out" 2>&1 &
HANG_PID=$!
PIDS="$PIDS $HANG_PID"
wait_ready "$T/hang.out" || bail "the hanging server did not start"
empty_mailbox
rc=$(rcfile hang "poll localhost via 127.0.0.1 proto pop3 port $P_POP3S
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcertfile \"$T/ca.crt\"
    maildir \"$T/mdh\"
poll hangserver via 127.0.0.1 proto pop3 port $P_HANG timeout 30
    user hang password x ssl sslcertfile \"$T/ca.crt\" maildir \"$T/mdx\"")
"$PULLMAIL" -v -N -d 1 --jobs 2 -f "$rc" >"$T/h.log" 2>&1 &
DPID=$!
PIDS="$PIDS $DPID"
healthy() { grep -c "$MAIL_USER@localhost: worker [0-9]* ended" "$T/h.log"; }
for _ in $(seq 1 500); do
	[ "$(healthy)" -ge 4 ] && break
	grep -q 'hangserver.*within 30 seconds' "$T/h.log" && break
	sleep 0.05
done
n=$(healthy)
! grep -q 'hangserver.*within 30 seconds' "$T/h.log"
ok $? "while a server hangs, the other account is polled again and again ($n polls before the hanging one's timeout)"
[ "$n" -ge 4 ]
ok $? "four polls of it, every second, where a round would have held it for 30 s"
kill -TERM "$DPID"
wait "$DPID"
is "$?" 0 "SIGTERM stops the daemon with the hanging poll in progress"
kill "$HANG_PID"
wait "$HANG_PID" 2>/dev/null

# --- the service manager's notify protocol --------------------------------
# A NOTIFY_SOCKET listener in the role of systemd: READY once the daemon
# holds its pidfile, a STATUS after a poll, watchdog pings at half of
# WATCHDOG_USEC from the scheduler loop, RELOADING then READY around
# SIGHUP, STOPPING at SIGTERM.  An abstract socket name works too.
for sock in "$T/notify.sock" "@pullmail-test-$$"; do
	rm -f "$T/notify.log"
	python3 "$top_srcdir/tests/integration/loopback_server.py" notify \
	    "$sock" "$T/notify.log" >"$T/notify.out" 2>&1 &
	NPID=$!
	PIDS="$PIDS $NPID"
	wait_ready "$T/notify.out" || bail "the notify listener did not start"
	rc=$(rcfile notify "$(account "$MAIL_USER" "$MAIL_PASS" "$T/mdn")")
	NOTIFY_SOCKET="$sock" WATCHDOG_USEC=1000000 \
	    "$PULLMAIL" -N -d 3600 -f "$rc" >"$T/n.log" 2>&1 &
	DPID=$!
	PIDS="$PIDS $DPID"
	wait_log "$T/notify.log" "STATUS=1 account, 0 failing, 0 messages delivered since the start; last poll" 20
	ok $? "$sock: READY, then a STATUS after the first poll" ||
	    sed 's/^/#   /' "$T/notify.log" "$T/n.log"
	grep -q " READY=1$" "$T/notify.log" &&
	    [ "$(grep -n 'READY=1' "$T/notify.log" | head -1 | cut -d: -f1)" -lt \
	    "$(grep -n 'last poll' "$T/notify.log" | head -1 | cut -d: -f1)" ]
	ok $? "$sock: READY=1 came before the first poll's STATUS"
	# Pings every half second: at least four in three seconds.
	sleep 3
	n=$(grep -c ' WATCHDOG=1$' "$T/notify.log")
	[ "$n" -ge 4 ] && [ "$n" -le 12 ]
	ok $? "$sock: watchdog pings at half of WATCHDOG_USEC ($n in about 3 s)"
	kill -HUP "$DPID"
	wait_log "$T/notify.log" "STATUS=reloaded" 10
	grep -A1 ' RELOADING=1$' "$T/notify.log" | grep -q ' MONOTONIC_USEC=' &&
	    [ "$(grep -c ' READY=1$' "$T/notify.log")" -ge 2 ]
	ok $? "$sock: SIGHUP: RELOADING=1 (with MONOTONIC_USEC), then READY=1" ||
	    sed 's/^/#   /' "$T/notify.log"
	kill -TERM "$DPID"
	wait "$DPID"
	grep -q ' STOPPING=1$' "$T/notify.log"
	ok $? "$sock: SIGTERM: STOPPING=1"
	kill "$NPID" 2>/dev/null
	wait "$NPID" 2>/dev/null
done

# --- slots that cannot keep up: every account still gets its turn ---------
# A scripted POP3 server that takes a second per poll; four accounts, one
# job slot, every second due again: each account must be polled in turn
# (the one due longest first), none starved.  Two of them share user and
# server name and differ in password: each is polled on its own.
P_TURN=$((PORT_BASE + 8))	# the hanging server's, free again
python3 "$top_srcdir/tests/integration/loopback_server.py" slow-pop3 \
    "$P_TURN" 1 "$T/slowpolls" >"$T/slowsrv.out" 2>&1 &
PIDS="$PIDS $!"
wait_ready "$T/slowsrv.out" || bail "the slow server did not start"
slowpoll() {	# slowpoll NAME USER PASSWORD
	printf 'poll %s via 127.0.0.1 proto pop3 port %s auth password\n' \
	    "$1" "$P_TURN"
	printf '    user %s password %s sslproto %s %s mda "cat >/dev/null"\n' \
	    "$2" "$3" "''" "$MDA_AS"
}
rc=$(rcfile turns "$(slowpoll slowa ua x; slowpoll slowb ub x
    slowpoll slowc uc x; slowpoll slowa ua y)")
"$PULLMAIL" -N -d 1 --jobs 1 -f "$rc" >"$T/turns.log" 2>&1 &
DPID=$!
PIDS="$PIDS $DPID"
turns() { grep -c "^$1 $2\$" "$T/slowpolls" 2>/dev/null; }
least() {
	m=99
	for pu in "ua x" "ub x" "uc x" "ua y"; do
		# shellcheck disable=SC2086
		k=$(turns $pu)
		[ "$k" -lt "$m" ] && m=$k
	done
	echo "$m"
}
for _ in $(seq 1 600); do
	[ "$(least)" -ge 2 ] && break
	sleep 0.1
done
[ "$(least)" -ge 2 ]
ok $? "one slot, four accounts due every second: each polled twice or more ($(sort "$T/slowpolls" | uniq -c | tr -s ' \n' ' '))" ||
    sed 's/^/# /' "$T/turns.log" | head -20
kill -TERM "$DPID"
wait "$DPID"

# --- memory over 500 polls ----------------------------------------------------------
empty_mailbox
rc=$(rcfile rss "$(account "$MAIL_USER" "$MAIL_PASS" "$T/mdr")")
"$PULLMAIL" -v -d 3600 -N -f "$rc" >"$T/r.log" 2>&1 &
DPID=$!
PIDS="$PIDS $DPID"
polls() { grep -c 'worker [0-9]* ended' "$T/r.log"; }
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$DPID/status"; }
wait_log "$T/r.log" "worker [0-9]* ended" 10 || bail "the daemon did not poll"
n=1
while [ "$n" -lt 500 ]; do
	kill -USR1 "$DPID"
	for _ in $(seq 1 400); do
		[ "$(polls)" -gt "$n" ] && break
		sleep 0.01
	done
	n=$(polls)
	[ "$n" -ge 10 ] && [ -z "${rss10:-}" ] && rss10=$(rss)
done
rss500=$(rss)
echo "# daemon RSS: $rss10 kB after 10 polls, $rss500 kB after $n"
is "$n" 500 "500 polls, each started by SIGUSR1"
# ASan's allocator and shadow memory grow on their own: there, the
# plain build's figure is the one that counts, and LeakSanitizer checks
# the daemon's heap when it exits.
if ! ldd "$PULLMAIL" | grep -q libasan; then
	[ "$rss500" -le $(( rss10 * 110 / 100 )) ]
	ok $? "RSS after $n polls is within 10% of RSS after 10 ($rss500 vs $rss10 kB)"
fi
kill -TERM "$DPID"
wait "$DPID"
is "$?" 0 "after 500 polls the daemon stops cleanly (exit 0, no leak reported)"

done_testing
