#!/bin/bash
# t_systemd.sh -- pullmail under systemd, with a real Dovecot:
# - JOURNAL_STREAM naming stderr's device and inode: every log line has
#   its syslog priority (<4> warning, <6> info, <7> debug), and none when
#   the variable names another file;
# - the watchdog: a Python NOTIFY_SOCKET listener sees READY, a STATUS
#   after the first poll and pings every half of WATCHDOG_USEC, however
#   the loop is woken between them (SIGUSR1 and the poll it starts); when the
#   test-only fault PULLMAIL_TEST_FAULT=scheduler-hang:4 makes the
#   daemon's loop hang, the pings stop while the process lives, and
#   SIGABRT (systemd's WatchdogSignal) ends it;
# - RELOADING=1 then READY=1 around SIGHUP, STOPPING=1 last at SIGTERM.

. "$top_srcdir/tests/integration/lib.sh"

setup_certs
start_dovecot

account() {	# account MAILDIR
	printf 'poll localhost via 127.0.0.1 proto pop3 port %s\n    user "%s" password '"'"'%s'"'"' ssl sslcertfile "%s"\n    keep maildir "%s"\n' \
	    "$P_POP3S" "$MAIL_USER" "$MAIL_PASS" "$T/ca.crt" "$1"
}

# --- syslog priorities on the journal's stream ----------------------------
rc=$(rcfile journal "$(account "$T/mdj")
poll refused via 127.0.0.1 proto pop3 port $P_NOTHING
    user nobody password x sslproto '' maildir \"$T/mdr\"")
: >"$T/j.log"
JOURNAL_STREAM=$(stat -c %d:%i "$T/j.log") "$PULLMAIL" -v -f "$rc" \
    2>>"$T/j.log" >/dev/null
grep -q '^<4>pullmail: .*refused' "$T/j.log"
ok $? "journal: the refused connection's warning starts with <4>" ||
    sed 's/^/#   /' "$T/j.log"
grep -q '^<6>pullmail: ' "$T/j.log"
ok $? "journal: information lines start with <6>"
grep -q '^<7>pullmail: ' "$T/j.log"
ok $? "journal: -v lines start with <7>"
bad=$(grep -cv '^<[3467]>pullmail: \|^<[3467]>  ' "$T/j.log")
is "$bad" 0 "journal: every line has a priority"

: >"$T/o.log"
JOURNAL_STREAM=$(stat -c %d:%i "$T/j.log") "$PULLMAIL" -v -f "$rc" \
    2>>"$T/o.log" >/dev/null
grep -q '^pullmail: .*refused' "$T/o.log" && ! grep -q '^<' "$T/o.log"
ok $? "JOURNAL_STREAM naming another file: no priority on any line" ||
    sed 's/^/#   /' "$T/o.log"

# --- the watchdog, and a scheduler that hangs -----------------------------
notify_start() {	# notify_start SOCKET LOG: a listener in systemd's role
	python3 "$top_srcdir/tests/integration/loopback_server.py" notify \
	    "$1" "$2" >"$T/notify.out" 2>&1 &
	NPID=$!
	PIDS="$PIDS $NPID"
	wait_ready "$T/notify.out"
}
mark() {	# mark SOCKET: a "MARK" datagram, to read the listener's clock
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(b"MARK", sys.argv[1])' "$1"
}

sock="$T/notify.sock"
notify_start "$sock" "$T/notify.log"
rc=$(rcfile notify "$(account "$T/mdn")")
NOTIFY_SOCKET="$sock" WATCHDOG_USEC=1000000 \
    PULLMAIL_TEST_FAULT=scheduler-hang:4 \
    "$PULLMAIL" -N -d 3600 -f "$rc" >"$T/n.log" 2>&1 &
DPID=$!
PIDS="$PIDS $DPID"
# A wake-up between two pings (SIGUSR1 polls at once, and the poll's
# end wakes the loop again) must not put the next ping off.
pings() { grep -c ' WATCHDOG=1$' "$T/notify.log"; }
wait_log "$T/notify.log" ' WATCHDOG=1$' 5 || bail "no watchdog ping"
n0=$(pings)
for _ in $(seq 1 50); do
	[ "$(pings)" -gt "$n0" ] && break
	sleep 0.02
done
sleep 0.38
kill -USR1 "$DPID"
wait_log "$T/n.log" 'fault "scheduler-hang": hanging' 15
ok $? "the test fault hangs the daemon's loop" ||
    sed 's/^/#   /' "$T/n.log" "$T/notify.log"
sleep 3
kill -0 "$DPID" 2>/dev/null
ok $? "the hung daemon is still alive 3 s later"
mark "$sock"
wait_log "$T/notify.log" ' MARK$' 5
# The listener's log, checked: one "STATUS<TAB>WHAT" line per test.
while IFS=$'\t' read -r st what; do
	ok "$st" "$what" || sed 's/^/#   /' "$T/notify.log"
done < <(python3 - "$T/notify.log" <<'PY'
import sys
ev = []
for line in open(sys.argv[1]):
    t, s = line.rstrip("\n").split(" ", 1)
    ev.append((float(t), s))
def ok(cond, what):
    print("%d\t%s" % (0 if cond else 1, what))
states = [s for t, s in ev if s]
ok(states[:1] == ["READY=1"], "the first state sent is READY=1")
ready = ([t for t, s in ev if s == "READY=1"] + [0])[0]
ok(any(s.startswith("STATUS=1 account, 0 failing, 0 messages delivered since the start; last poll") for t, s in ev),
   "a STATUS line after the first poll")
pings = [t for t, s in ev if s == "WATCHDOG=1"]
first3 = [t for t in pings if t - ready <= 3.0]
ok(len(first3) >= 4, "at least 4 pings in the first 3 s (%d)" % len(first3))
gaps = [b - a for a, b in zip([ready] + pings, pings)]
ok(gaps and min(gaps) >= 0.3 and max(gaps) <= 0.75,
   "the pings are 0.3 to 0.75 s apart, WATCHDOG_USEC being 1 s, a "
   "SIGUSR1 between two of them too (%s)" %
   " ".join("%.2f" % g for g in gaps))
mark = ([0] + [t for t, s in ev if s == "MARK"])[-1]
quiet = mark - pings[-1] if pings else -1
ok(quiet >= 2.5, "after the hang, no ping for %.1f s (at least 2.5)" % quiet)
PY
)
kill -ABRT "$DPID"
wait "$DPID"
is "$?" 134 "SIGABRT, what systemd sends when the pings stop, ends it"
kill "$NPID" 2>/dev/null
wait "$NPID" 2>/dev/null

# --- reload and stop, in that order ----------------------------------------
rm -f "$T/notify.log" "$sock"
notify_start "$sock" "$T/notify.log"
NOTIFY_SOCKET="$sock" WATCHDOG_USEC=1000000 \
    "$PULLMAIL" -N -d 3600 -f "$rc" >"$T/n2.log" 2>&1 &
DPID=$!
PIDS="$PIDS $DPID"
wait_log "$T/notify.log" "last poll" 15 || bail "no STATUS after a poll"
kill -HUP "$DPID"
wait_log "$T/notify.log" "STATUS=reloaded" 10
kill -TERM "$DPID"
wait "$DPID"
is "$?" 0 "SIGTERM: the daemon exits 0"
states=$(cut -d' ' -f2- "$T/notify.log" | grep -v '^WATCHDOG=1$\|^$' |
    sed 's/^\(STATUS=[a-z0-9]*\).*/\1/; s/^MONOTONIC_USEC=[0-9]*$/MONOTONIC_USEC/' |
    tr '\n' ' ')
is "$states" "READY=1 STATUS=polling STATUS=1 RELOADING=1 MONOTONIC_USEC READY=1 STATUS=reloaded STOPPING=1 STATUS=stopping " \
    "READY, a poll's STATUS, RELOADING then READY at SIGHUP, STOPPING last"
kill "$NPID" 2>/dev/null
wait "$NPID" 2>/dev/null

done_testing
