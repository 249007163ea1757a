#!/bin/bash
# bench/scale-accounts.sh -- one pullmail daemon, many accounts (issue 19).
# "make bench-accounts" runs it; see bench/README.md.
#
# A throwaway Dovecot (tests/integration/lib.sh) gets ACCOUNTS users, each
# with a Maildir of its own.  One rcfile polls all of them, half IMAP with
# STARTTLS and half POP3S, verified against the test CA, each delivering
# into a Maildir of its own without "keep"; plus one account whose server
# accepts the connection and never says a word, with a short "timeout".
# "pullmail -d -N --jobs" runs as a daemon.  Every round writes PER_ROUND
# new messages straight into every user's Maildir/new, wakes the daemon
# with SIGUSR1 and waits, on the daemon's log, for every account's worker
# to end and then for the parent to have no worker left.  Per round:
# wall time, messages delivered (must be ACCOUNTS * PER_ROUND, with the
# server left empty, or the run is invalid and bails out), the parent's
# VmRSS and VmHWM, and the size of the state directory (the UID
# journals).  When the hanging account's poll ended is shown against the
# time the other accounts were done; after the rounds, the hanging
# account is taken out (SIGHUP) and one more round shows the time without
# it.
#
# Environment: ACCOUNTS (1000), ROUNDS (10), PER_ROUND (3), JOBS (8),
# HANG_TIMEOUT (5, the hanging account's "timeout"), DEADLINE (120,
# --deadline), MSG_SIZE (2048 bytes per message).

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/integration/lib.sh"

ACCOUNTS=${ACCOUNTS:-1000}
ROUNDS=${ROUNDS:-10}
PER_ROUND=${PER_ROUND:-3}
JOBS=${JOBS:-8}
HANG_TIMEOUT=${HANG_TIMEOUT:-5}
DEADLINE=${DEADLINE:-120}
MSG_SIZE=${MSG_SIZE:-2048}
P_HANG=$((PORT_BASE + 8))	# in our block of ten; lib.sh uses 0-5 and 9
HANG_KEY="hang@hangserver"
[ -x "$PULLMAIL" ] || bail "$PULLMAIL is not built"

# --- Dovecot with ACCOUNTS users --------------------------------------------
# A second passdb and userdb: lib.sh's own file keeps its users.
ACC_PASSWD="$T/accounts.passwd"
DOVECOT_EXTRA="passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $ACC_PASSWD
}
userdb {
  driver = passwd-file
  args = username_format=%u $ACC_PASSWD
}"
user() { printf 'u%04d' "$1"; }
: >"$ACC_PASSWD"
mkdir -p "$T/home"
for i in $(seq 1 "$ACCOUNTS"); do
	u=$(user "$i")
	printf '%s:{PLAIN}pw-%s:%s:%s::%s::\n' "$u" "$u" "$MAIL_UID" \
	    "$MAIL_GID" "$T/home/$u" >>"$ACC_PASSWD"
	mkdir -p "$T/home/$u/Maildir/new" "$T/home/$u/Maildir/cur" \
	    "$T/home/$u/Maildir/tmp"
done
setup_certs
start_dovecot
chown -R "$MAIL_UID:$MAIL_GID" "$T/home"

# --- the hanging server: accepts, reads nothing, answers nothing ------------
python3 "$top_srcdir/tests/integration/loopback_server.py" silent "$P_HANG" \
    >"$T/hang.out" 2>&1 &
PIDS="$PIDS $!"
wait_ready "$T/hang.out"

# --- the rcfile ---------------------------------------------------------------
OUT="$T/out"		# pullmail's Maildirs, one per account
mkdir -p "$OUT"
rcbody() {	# rcbody WITH_HANG
	local i u
	printf 'set logfile "%s"\n' "$T/pullmail.log"
	for i in $(seq 1 "$ACCOUNTS"); do
		u=$(user "$i")
		if [ "$1" = yes ] && [ "$i" = $(( (ACCOUNTS + 1) / 2 )) ]; then
			# In the middle of the file, as any account would be.
			printf 'poll hangserver via 127.0.0.1 proto pop3 port %s timeout %s\n' \
			    "$P_HANG" "$HANG_TIMEOUT"
			printf "    user hang password x ssl sslcertck sslcommonname localhost sslcertfile \"%s\"\n" \
			    "$T/ca.crt"
			printf '    maildir "%s/hang"\n' "$OUT"
		fi
		if [ $((i % 2)) = 1 ]; then
			printf 'poll a%04d via 127.0.0.1 proto imap port %s\n' "$i" "$P_IMAP"
			printf "    user %s password pw-%s sslcertck sslcommonname localhost sslcertfile \"%s\"\n" \
			    "$u" "$u" "$T/ca.crt"
		else
			printf 'poll a%04d via 127.0.0.1 proto pop3 port %s\n' "$i" "$P_POP3S"
			printf "    user %s password pw-%s ssl sslcertck sslcommonname localhost sslcertfile \"%s\"\n" \
			    "$u" "$u" "$T/ca.crt"
		fi
		printf '    no keep maildir "%s/%s"\n' "$OUT" "$u"
	done
}
RC="$T/accounts.rc"
rcbody yes >"$RC"
chmod 600 "$RC"

# --- helpers ------------------------------------------------------------------
# deliver ROUND: PER_ROUND new messages into every user's Maildir/new, by
# way of tmp/ as a Maildir writer does, owned by the mail user.
deliver() {
	python3 - "$1" "$T/home" "$ACCOUNTS" "$PER_ROUND" "$MSG_SIZE" \
	    "$MAIL_UID" "$MAIL_GID" <<'PY'
import os, sys
rnd, home, n, per, size, uid, gid = sys.argv[1], sys.argv[2], \
    int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), \
    int(sys.argv[6]), int(sys.argv[7])
line = "Scale benchmark text, the same line again and again: %06d.\n"
for i in range(1, n + 1):
    u = "u%04d" % i
    md = os.path.join(home, u, "Maildir")
    for k in range(per):
        head = ("From: Sender <sender@example.org>\nTo: %s@example.org\n"
                "Subject: round %s message %d\nMessage-ID: <r%s.%d.%s@bench>\n"
                "Date: Thu, 03 Dec 2026 10:00:00 +0000\n\n" % (u, rnd, k, rnd, k, u))
        body, j, left = [], 0, size - len(head)
        while left > 0:
            s = line % j
            body.append(s)
            left -= len(s)
            j += 1
        name = "17000%05d.M%dP%s.bench" % (int(rnd), k, u)
        tmp = os.path.join(md, "tmp", name)
        with open(tmp, "w") as f:
            f.write(head + "".join(body))
        os.chown(tmp, uid, gid)
        os.rename(tmp, os.path.join(md, "new", name))
PY
}
delivered_total() { find "$OUT" -path '*/new/*' -type f | wc -l; }
left_on_server() {
	find "$T/home" -path '*/Maildir/new/*' -type f -o \
	    -path '*/Maildir/cur/*' -type f | wc -l
}
state_bytes() {	# the files' bytes, not the directory's own blocks
	find "$STATEDIR" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'
}
state_files() { find "$STATEDIR" -type f | wc -l; }
state_max() {
	find "$STATEDIR" -type f -printf '%s\n' | sort -n | tail -1
}
vm() {	# vm FIELD: VmRSS or VmHWM of the daemon, in kB
	awk -v f="$1:" '$1 == f { print $2 }' "/proc/$DPID/status"
}

# wait_round SIGNAL NWORKERS: send SIGNAL (or "none") to the daemon and
# wait until NWORKERS workers ended and the parent has no child left.
# Prints: wall others_done hang_start hang_end hang_result, in seconds
# since the signal (-1: no hanging account this round).  The log is read
# from $LOG_OFF on; LOG_OFF moves past the round.
cat >"$T/round.py" <<'PY'
import os, re, signal, sys, time
pid, log, off, want, sig, hang, limit = int(sys.argv[1]), sys.argv[2], \
    int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6], \
    float(sys.argv[7])
ended = re.compile(r": (\S+): (worker \d+ ended with (\d+)|the worker was "
                   r"killed by signal)")
started = re.compile(r": (\S+): worker \d+ started$")
t0 = time.monotonic()
if sig != "none":
    os.kill(pid, getattr(signal, "SIG" + sig))
n = others = 0
others_done = hang_start = hang_end = -1.0
hang_result = -1
part = b""
last = t0
def children():
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return f.read().split()
    except OSError:
        sys.exit("the daemon (PID %d) is gone" % pid)
with open(log, "rb") as f:
    f.seek(off)
    while True:
        data = f.read()
        now = time.monotonic()
        if data:
            last = now
            lines = (part + data).split(b"\n")
            part = lines.pop()
            off += len(data)
            for raw in lines:
                s = raw.decode("utf-8", "replace")
                m = started.search(s)
                if m and m.group(1) == hang:
                    hang_start = now - t0
                m = ended.search(s)
                if not m:
                    continue
                n += 1
                if m.group(1) == hang:
                    hang_end = now - t0
                    hang_result = int(m.group(3)) if m.group(3) else -9
                else:
                    others += 1
                    if others == want - (1 if hang != "-" else 0):
                        others_done = now - t0
        if n >= want and not children():
            break
        if now - last > limit:
            sys.exit("no worker ended for %.0f s: %d of %d ended, %d "
                     "workers left; the round does not end" %
                     (limit, n, want, len(children())))
        time.sleep(0.01)
off -= len(part)
print("%.3f %.3f %.3f %.3f %d %d" % (time.monotonic() - t0, others_done,
      hang_start, hang_end, hang_result, off))
PY
LOG_OFF=0
wait_round() {	# wait_round SIGNAL NWORKERS HANGKEY
	local out
	out=$(python3 "$T/round.py" "$DPID" "$T/pullmail.log" "$LOG_OFF" \
	    "$2" "$1" "$3" $((DEADLINE + 30))) ||
	    bail "round: $out; the log: $(tail -3 "$T/pullmail.log")"
	set -- $out
	LOG_OFF=$6
	R_WALL=$1 R_OTHERS=$2 R_HSTART=$3 R_HEND=$4 R_HRES=$5
}

# --- the daemon ---------------------------------------------------------------
echo "# $ACCOUNTS accounts ($(( (ACCOUNTS + 1) / 2 )) IMAP+STARTTLS," \
    "$((ACCOUNTS / 2)) POP3S) + 1 hanging (timeout $HANG_TIMEOUT s)," \
    "$ROUNDS rounds of $PER_ROUND messages of $MSG_SIZE bytes per account," \
    "--jobs $JOBS, --connlimit $JOBS, --deadline $DEADLINE"
echo "# pullmail $("$PULLMAIL" -V 2>/dev/null | head -1)"
echo "# $(nproc) CPUs, $(uname -sr), $(dovecot --version 2>/dev/null | cut -d' ' -f1 | sed 's/^/Dovecot /')"
: >"$T/pullmail.log"
chmod 600 "$T/pullmail.log"
ulimit -n >"$T/nofile"
# Every account is on 127.0.0.1: the per-server limit would otherwise
# be the measure, not the scheduler.
"$PULLMAIL" -v -N -d 86400 --jobs "$JOBS" --connlimit "$JOBS" \
    --deadline "$DEADLINE" -f "$RC" >"$T/daemon.out" 2>&1 &
DPID=$!
PIDS="$PIDS $DPID"

# Round 0: the daemon's first poll of every account, with nothing new.
wait_round none $((ACCOUNTS + 1)) "$HANG_KEY"
[ "$(delivered_total)" = 0 ] || bail "round 0 delivered mail"
fds0=$(ls "/proc/$DPID/fd" | wc -l)
printf '# %5s %8s %9s %9s %9s %11s %7s %9s %9s %10s\n' round "wall s" \
    delivered "VmRSS kB" "VmHWM kB" "state B" files "max B" "others s" "hang s"
row() {	# row ROUND DELIVERED
	printf '  %5s %8.2f %9s %9s %9s %11s %7s %9s %9.2f %4.2f-%.2f\n' "$1" \
	    "$R_WALL" "$2" "$(vm VmRSS)" "$(vm VmHWM)" "$(state_bytes)" \
	    "$(state_files)" "$(state_max)" "$R_OTHERS" "$R_HSTART" "$R_HEND"
}
row 0 0
echo "$(vm VmRSS)" >"$T/rss"
hangbad=0
before=0
for r in $(seq 1 "$ROUNDS"); do
	deliver "$r"
	sync
	wait_round USR1 $((ACCOUNTS + 1)) "$HANG_KEY"
	total=$(delivered_total)
	got=$((total - before))
	before=$total
	left=$(left_on_server)
	if [ "$got" -ne $((ACCOUNTS * PER_ROUND)) ] || [ "$left" -ne 0 ]; then
		grep -v ': worker [0-9]* \(started\|ended with [01]\)$' \
		    "$T/pullmail.log" | grep -iv 'delivered\|logged in\|new message' |
		    tail -5 | sed 's/^/#   /'
		bail "round $r: $got of $((ACCOUNTS * PER_ROUND)) messages delivered, $left left on the server"
	fi
	row "$r" "$got"
	vm VmRSS >>"$T/rss"
	echo "$R_WALL $R_OTHERS $R_HSTART $R_HEND" >>"$T/hang"
	# The hanging account: exit 2 (a timeout), its poll about HANG_TIMEOUT long.
	if [ "$R_HRES" != 2 ]; then
		hangbad=1
		echo "# round $r: the hanging account's worker ended with $R_HRES, not 2"
	fi
done
fds=$(ls "/proc/$DPID/fd" | wc -l)

# One more round without the hanging account, for comparison.
rcbody no >"$RC"
kill -HUP "$DPID"
wait_log "$T/pullmail.log" "reloaded: $ACCOUNTS accounts" 30 ||
    bail "the daemon did not reload the rcfile"
LOG_OFF=$(wc -c <"$T/pullmail.log")
deliver $((ROUNDS + 1))
sync
wait_round USR1 "$ACCOUNTS" -
total=$(delivered_total)
got=$((total - before))
[ "$got" -eq $((ACCOUNTS * PER_ROUND)) ] && [ "$(left_on_server)" -eq 0 ] ||
    bail "round without the hanging account: $got of $((ACCOUNTS * PER_ROUND)) delivered"
nohang_wall=$R_WALL

kill -TERM "$DPID"
wait "$DPID"
drc=$?

# --- conclusions ----------------------------------------------------------------
echo "# columns: wall s from SIGUSR1 until the last worker ended and the"
echo "#   parent had no child; VmRSS/VmHWM of the daemon parent after the round;"
echo "#   state B: bytes in the files of the state directory (journals, their"
echo "#   locks, the pidfile), files, the largest file; others s: when the last"
echo "#   of the $ACCOUNTS other accounts' workers ended; hang s: when the hanging"
echo "#   account's poll started and ended (all in seconds since SIGUSR1)"
awk 'NR >= 3 { if (min == "" || $1 < min) min = $1; if ($1 > max) max = $1 }
    END { printf "# parent VmRSS over rounds 2..%d: %d to %d kB (spread %d kB); %s\n",
	NR - 1, min, max, max - min,
	max - min <= 512 ? "flat (within 512 kB)" : "NOT flat (spread over 512 kB)" }' \
    "$T/rss"
echo "# parent VmRSS after round 0 (first poll, no mail): $(head -1 "$T/rss") kB"
echo "# parent file descriptors: $fds0 after round 0, $fds after round $ROUNDS (ulimit -n $(cat "$T/nofile"))"
echo "# hanging account: timeout $HANG_TIMEOUT s; its worker exited 2 in every round: $([ $hangbad = 0 ] && echo yes || echo NO)"
awk -v t="$HANG_TIMEOUT" '{ d = $4 - $3; if (NR == 1 || d < dmin) dmin = d; if (d > dmax) dmax = d
	late = $1 - $4; if (NR == 1 || late > lmax) lmax = late
	if ($2 > $4) after++ }
    END { printf "# hanging account: its poll lasted %.2f to %.2f s (timeout %s s); the round ended at most %.2f s after it; in %d of %d rounds the other accounts finished after it\n",
	dmin, dmax, t, lmax, after, NR }' "$T/hang"
echo "# one round without the hanging account: $nohang_wall s"
echo "# workers ended (log): $(grep -c ': worker [0-9]* ended with' "$T/pullmail.log");" \
    "lines that say something failed, apart from the hanging account's:" \
    "$(grep -v "$HANG_KEY" "$T/pullmail.log" |
    grep -ci 'fail\|error\|cannot\|refus\|stopped early\|killed\|deadline\|timeout\|within')"
grep -v "$HANG_KEY" "$T/pullmail.log" |
    grep -i 'fail\|error\|cannot\|refus\|stopped early\|killed\|deadline\|timeout\|within' |
    head -5 | sed 's/^/#   /'
echo "# daemon exit status after SIGTERM: $drc"
