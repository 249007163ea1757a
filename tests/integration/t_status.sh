#!/bin/bash
# t_status.sh -- "pullmail --status [--json]" and "set metricsfile" after
# one-shot runs and in the daemon, against a real Dovecot: one account
# that delivers, one whose password is wrong (exit 3), one on a port where
# nothing listens (exit 2, and a user name with a double quote).  The
# JSON is checked against doc/status.schema.json with python3-jsonschema,
# the metrics file with "promtool check metrics"; counts add up across
# runs, a damaged status file is ignored with a warning naming it, and the
# daemon (-d 1 -N) writes the file while it runs.

. "$top_srcdir/tests/integration/lib.sh"

SCHEMA="$top_srcdir/doc/status.schema.json"
STATUS="$STATEDIR/status.json"
PROM="$T/metrics/pullmail.prom"
mkdir -p "$T/metrics"
setup_certs
start_dovecot
make_messages
seed

accounts() {
	cat <<RC
set metricsfile "$PROM"
poll localhost via 127.0.0.1 proto pop3 port $P_POP3S
    user "$MAIL_USER" password '$MAIL_PASS' ssl sslcertfile "$T/ca.crt"
    maildir "$T/md"
poll localhost via 127.0.0.1 proto pop3 port $P_POP3S
    user dest password wrong ssl sslcertfile "$T/ca.crt" maildir "$T/md2"
poll 127.0.0.1 proto pop3 port $P_NOTHING
    user 'q"u' password y maildir "$T/md3"
RC
}
rc=$(rcfile st "$(accounts)")

# check_json FILE PYTHON-ASSERTIONS: valid against the schema, and the
# assertions (on j, the document, and a, its accounts by name) hold.
check_json() {
	python3 - "$SCHEMA" "$1" "$2" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
j = json.load(open(sys.argv[2]))
jsonschema.validate(j, schema)
a = {x["account"]: x for x in j["accounts"]}
exec(sys.argv[3])
PY
}

# --- before any poll: every account, never polled ------------------------------
"$PULLMAIL" -f "$rc" --status >"$T/s0.out" 2>&1
ok $? "--status before any poll exits 0"
grep -q "^No status yet" "$T/s0.out" && [ "$(grep -c ' never ' "$T/s0.out")" = 3 ]
ok $? "--status before any poll: no file yet, three accounts never polled"
"$PULLMAIL" -f "$rc" --status --json >"$T/s0.json" 2>"$T/s0.err"
check_json "$T/s0.json" '
assert [x["account"] for x in j["accounts"]] == ["test@localhost", "dest@localhost", "q\"u@127.0.0.1"], j["accounts"]
assert all(x["exit_code"] is None and x["polls"] == 0 for x in j["accounts"])
assert j["last_run"] is None and j["running"] is None
' 2>>"$T/s0.err"
ok $? "--status --json before any poll: valid, rcfile order, all null"

# --- a run: one delivers, two fail --------------------------------------------
"$PULLMAIL" -f "$rc" >"$T/r1.log" 2>&1
is "$?" 2 "the run exits 2 (the last failing account: nothing listens)"
[ -f "$STATUS" ] && [ "$(stat -c %a "$STATUS")" = 600 ]
ok $? "the status file is written, mode 0600"
"$PULLMAIL" -f "$rc" --status >"$T/s1.out" 2>&1
ok $? "--status exits 0"
cat "$T/s1.out" >&2
grep -Eq '^test@localhost +[0-9-]+ [0-9:]+ +ok \(0\) +20 +- +-$' "$T/s1.out"
ok $? "--status: test@localhost ok (0), 20 delivered, not failing"
grep -Eq '^dest@localhost +[0-9-]+ [0-9:]+ +authfail \(3\) +0 +1 poll ' "$T/s1.out"
ok $? "--status: dest@localhost authfail (3), failing for 1 poll"
grep -Eq '^q"u@127.0.0.1 +[0-9-]+ [0-9:]+ +socket \(2\) +0 +1 poll ' "$T/s1.out"
ok $? "--status: the closed port: socket (2), failing for 1 poll"
grep -Eq '^Daemon: not running$' "$T/s1.out" &&
    grep -Eq '^Last one-shot run: .*, exit 2$' "$T/s1.out"
ok $? "--status: no daemon; the last one-shot run and its exit code"
"$PULLMAIL" -f "$rc" --status --json >"$T/s1.json" 2>"$T/s1.err"
check_json "$T/s1.json" '
t, d, q = a["test@localhost"], a["dest@localhost"], a["q\"u@127.0.0.1"]
assert t["exit_code"] == 0 and t["result"] == "ok" and t["messages_delivered"] == 20, t
assert t["octets_delivered"] > 4000000 and t["consecutive_failures"] == 0 and t["polls"] == 1, t
assert t["last_success"] == t["last_poll_end"] and t["failures"] == {}, t
assert d["exit_code"] == 3 and d["result"] == "authfail" and d["consecutive_failures"] == 1, d
assert d["failures"] == {"authfail": 1} and d["last_success"] is None and d["why"] != "", d
assert q["exit_code"] == 2 and q["failures"] == {"socket": 1} and q["server"] == "127.0.0.1", q
assert all(x["oauth_token_expires"] is None for x in j["accounts"])
assert j["last_run"]["exit_code"] == 2 and j["daemon"] is None and j["round_duration_seconds"] >= 0
' 2>>"$T/s1.err"
ok $? "--status --json: valid against the schema, values right" ||
    cat "$T/s1.err" >&2

# --- the metrics file ---------------------------------------------------------
promtool check metrics <"$PROM" >"$T/prom.out" 2>&1
ok $? "promtool check metrics accepts the metrics file" ||
    cat "$T/prom.out" "$PROM" >&2
lt='account="test@localhost",server="localhost"'
lq='account="q\"u@127.0.0.1",server="127.0.0.1"'
grep -qxF "pullmail_messages_delivered_total{$lt} 20" "$PROM" &&
    grep -qxF "pullmail_polls_total{$lt} 1" "$PROM" &&
    grep -qxF "pullmail_consecutive_failures{$lt} 0" "$PROM" &&
    grep -qx "pullmail_last_success_timestamp_seconds{$lt} [0-9]*" "$PROM" &&
    grep -qxF 'pullmail_poll_failures_total{account="dest@localhost",server="localhost",class="authfail"} 1' "$PROM" &&
    grep -qxF "pullmail_poll_failures_total{$lq,class=\"socket\"} 1" "$PROM" &&
    grep -qx 'pullmail_round_duration_seconds [0-9.]*' "$PROM" &&
    grep -qx "pullmail_last_poll_duration_seconds{$lt} [0-9]*\.[0-9][0-9][0-9]" "$PROM" &&
    ! grep -qxF "pullmail_last_poll_duration_seconds{$lt} 0.000" "$PROM" &&
    grep -qx '# TYPE pullmail_polls_total counter' "$PROM"
ok $? "metrics: counts, failure classes, the escaped double quote, round" ||
    cat "$PROM" >&2

# --- a second run: counts add up ----------------------------------------------
for i in 1 2 3; do
	printf 'From: a@example.org\nSubject: second %s\nMessage-ID: <second%s@st>\n\nbody\n' \
	    "$i" "$i" >"$MAILDIR/new/200000$i.M${i}P2.second"
done
chown -R "$MAIL_UID:$MAIL_GID" "$MAILDIR"
"$PULLMAIL" -f "$rc" >"$T/r2.log" 2>&1
is "$?" 2 "the second run exits 2"
"$PULLMAIL" -f "$rc" --status --json >"$T/s2.json" 2>"$T/s2.err"
check_json "$T/s2.json" '
t, d = a["test@localhost"], a["dest@localhost"]
assert t["messages_delivered"] == 23 and t["polls"] == 2 and t["exit_code"] == 0, t
assert d["consecutive_failures"] == 2 and d["failures"] == {"authfail": 2}, d
' 2>>"$T/s2.err"
ok $? "after a second run: 23 delivered in all, 2 failures in a row" ||
    cat "$T/s2.err" >&2
grep -Eq '^dest@localhost .* 2 polls ' <("$PULLMAIL" -f "$rc" --status)
ok $? "--status: dest@localhost failing for 2 polls"
grep -qxF "pullmail_messages_delivered_total{$lt} 23" "$PROM"
ok $? "metrics: 23 delivered after the second run"

# --- an account gone from the rcfile is dropped; a damaged file ignored -------
rc1=$(rcfile one "poll localhost via 127.0.0.1 proto pop3 port $P_POP3S
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcertfile \"$T/ca.crt\"
    maildir \"$T/md\"")
"$PULLMAIL" -f "$rc1" >/dev/null 2>&1
python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
assert [x["account"] for x in j["accounts"]] == ["test@localhost"], j
assert j["accounts"][0]["messages_delivered"] == 23
' "$STATUS"
ok $? "accounts no longer in the rcfile are left out of the file"
cp "$STATUS" "$T/good.json"
for bad in trunc garbage deep huge version type; do
	case $bad in
	trunc)	head -c 200 "$T/good.json" >"$STATUS" ;;
	garbage) head -c 3000 /dev/urandom >"$STATUS" ;;
	deep)	python3 -c 'print("[" * 100000 + "]" * 100000)' >"$STATUS" ;;
	huge)	python3 -c 'print("{\"version\": 1, \"accounts\": [" + ",".join(["{\"account\": \"%d\"}" % i for i in range(200000)]) + "]}")' >"$STATUS" ;;
	version) sed 's/"version": 1/"version": 7/' "$T/good.json" >"$STATUS" ;;
	type)	sed 's/"polls": 3/"polls": "3"/; s/"messages_delivered": 23/"messages_delivered": -1/' "$T/good.json" >"$STATUS" ;;
	esac
	"$PULLMAIL" -f "$rc1" --status >"$T/bad.out" 2>"$T/bad.err"
	rcode=$?
	[ "$rcode" = 0 ] && grep -qF "$STATUS: ignored" "$T/bad.err" &&
	    grep -Eq '^test@localhost +never ' "$T/bad.out"
	ok $? "a $bad status file: ignored with a warning naming it, exit 0" ||
	    cat "$T/bad.err" "$T/bad.out" >&2
done
"$PULLMAIL" -f "$rc1" >/dev/null 2>&1
check_json "$STATUS" 'assert a["test@localhost"]["polls"] == 1'
ok $? "the next run writes a good file afresh"

# --- the daemon writes the file while it runs ---------------------------------
rm -f "$STATUS" "$PROM"
"$PULLMAIL" -d 1 -N -f "$rc" >"$T/d.log" 2>&1 &
DPID=$!
PIDS="$PIDS $DPID"
for _ in $(seq 1 100); do
	[ -f "$STATUS" ] && python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
assert j["daemon"] and all(x["polls"] > 0 for x in j["accounts"])' \
	    "$STATUS" 2>/dev/null && break
	sleep 0.1
done
check_json "$STATUS" '
assert j["daemon"]["pid"] == '"$DPID"', j["daemon"]
d = a["dest@localhost"]
assert d["next_due"] is not None and d["backoff_seconds"] >= 1, d
'
ok $? "-d 1: the file appears while the daemon runs, with its PID and the back-off"
"$PULLMAIL" -f "$rc" --status >"$T/sd.out" 2>&1
grep -q "^Daemon: running (PID $DPID) since " "$T/sd.out"
ok $? "--status: the daemon is running, with its PID" || cat "$T/sd.out" >&2
"$PULLMAIL" -f "$rc" --status --json >"$T/sd.json" 2>&1
check_json "$T/sd.json" 'assert j["running"] == {"pid": '"$DPID"', "daemon": True}, j["running"]'
ok $? "--status --json: running, a daemon"
w1=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["written"])' "$STATUS")
for i in 4 5; do
	printf 'From: a@example.org\nSubject: daemon %s\nMessage-ID: <d%s@st>\n\nbody\n' \
	    "$i" "$i" >"$MAILDIR/new/300000$i.M${i}P3.daemon"
done
chown -R "$MAIL_UID:$MAIL_GID" "$MAILDIR"
got=""
for _ in $(seq 1 150); do
	got=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["accounts"][0]["messages_delivered"])' "$STATUS" 2>/dev/null)
	[ "$got" = 2 ] && break
	sleep 0.1
done
is "$got" 2 "-d 1: the file updates while running (2 new messages counted)"
w2=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["written"])' "$STATUS")
[ "$w2" -gt "$w1" ]
ok $? "-d 1: written again ($w1, then $w2)"
grep -qx 'pullmail_round_duration_seconds [0-9.]*' "$PROM" &&
    promtool check metrics <"$PROM" >/dev/null 2>&1
ok $? "-d 1: the metrics file is written, with a round duration, and valid"
kill -TERM "$DPID"
wait "$DPID"
check_json "$STATUS" 'assert j["daemon"] is None'
ok $? "the daemon says it stopped in the file"
grep -q '^Daemon: not running$' <("$PULLMAIL" -f "$rc" --status 2>&1)
ok $? "--status: not running after SIGTERM"

# --- IDLE: the passes' counts add up while the worker stays -------------------
delivered() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["accounts"][0]["messages_delivered"])' "$STATUS" 2>/dev/null
}
wait_delivered() {	# wait_delivered N: until the file says N
	for _ in $(seq 1 150); do
		[ "$(delivered)" = "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
base=$(delivered)
for i in 6 7; do
	printf 'From: a@example.org\nSubject: idle %s\nMessage-ID: <i%s@st>\n\nbody\n' \
	    "$i" "$i" >"$MAILDIR/new/400000$i.M${i}P4.idle"
done
chown -R "$MAIL_UID:$MAIL_GID" "$MAILDIR"
rci=$(rcfile idle "set metricsfile \"$PROM\"
poll localhost via 127.0.0.1 proto imap port $P_IMAPS
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcertfile \"$T/ca.crt\"
    idle maildir \"$T/md\"")
"$PULLMAIL" -d 1 -N -f "$rci" >"$T/i.log" 2>&1 &
DPID=$!
PIDS="$PIDS $DPID"
wait_delivered $((base + 2))
ok $? "IDLE: the first pass's 2 messages are counted ($base before, $(delivered) now)" || { cat "$T/i.log"; cat "$STATUS"; } >&2
printf 'From: a@example.org\nSubject: idle 8\nMessage-ID: <i8@st>\n\nbody\n' >"$T/i8.eml"
chown "$MAIL_UID:$MAIL_GID" "$T/i8.eml"
mv "$T/i8.eml" "$MAILDIR/new/4000008.M8P4.idle"
wait_delivered $((base + 3))
ok $? "IDLE: a later pass adds its message ($(delivered) delivered)"
grep -qxF "pullmail_messages_delivered_total{$lt} $((base + 3))" "$PROM"
ok $? "IDLE: the metrics file says so too"
polls() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["accounts"][0]["polls"])' "$STATUS" 2>/dev/null
}
sleep 5.5	# the file is written at most every 5 seconds
p1=$(polls)
kill -TERM "$DPID"
wait "$DPID"
is "$(delivered)" $((base + 3)) "IDLE: the worker's end adds nothing counted twice"
is "$(polls)" $((p1 + 1)) "IDLE: the end of the worker at the daemon's stop is counted ($p1 polls before)"

done_testing
