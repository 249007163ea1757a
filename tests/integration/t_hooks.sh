#!/bin/bash
# t_hooks.sh -- "postdeliver" and "postpoll" (issue 23): the environment a
# hook sees (each PULLMAIL_* variable, no password, no NOTIFY_SOCKET, only
# descriptors 0-2); postdeliver only after mail was delivered; postpoll
# after a failing poll with its exit code; a hook that outlives "set
# hooktimeout" is killed with its background child and the poll's result
# and mail stand; a failing hook is logged; shell syntax sent by a hostile
# server never runs; mdauser when root; none with -c; postdeliver after
# each IDLE pass.

. "$top_srcdir/tests/integration/lib.sh"

setup_certs
make_messages
start_dovecot

H="$T/hooks"		# where hooks write; nobody may write too
mkdir -m 777 "$H"
cp "$top_srcdir/tests/integration/fds-list" "$T/bin/"
chmod 755 "$T/bin/fds-list"
# hook-env DIR: its environment in DIR/HOOK.N (N counts up), its
# descriptors in DIR/HOOK.N.fds; then a 2 s nap if DIR.slow exists;
# exits $HOOK_EXIT.
cat >"$T/bin/hook-env" <<'EOF'
#!/bin/sh
n=1
while [ -e "$1/$PULLMAIL_HOOK.$n" ]; do n=$((n + 1)); done
"$(dirname "$0")/fds-list" "$1/$PULLMAIL_HOOK.$n.fds" </dev/null
env >"$1/$PULLMAIL_HOOK.$n.tmp" && mv "$1/$PULLMAIL_HOOK.$n.tmp" "$1/$PULLMAIL_HOOK.$n"
[ -e "$1.slow" ] && sleep 2
exit "${HOOK_EXIT:-0}"
EOF
# hook-hang DIR: a background child (its PID in DIR/bg.pid), then a
# wait; run after "trap '' TERM", only SIGKILL to the group ends them.
cat >"$T/bin/hook-hang" <<'EOF'
#!/bin/sh
sleep 300 &
echo $! >"$1/bg.pid"
echo $$ >"$1/fg.pid"
sleep 300
EOF
chmod 755 "$T/bin/hook-env" "$T/bin/hook-hang"
HOOKS="postdeliver \"$T/bin/hook-env $H\" postpoll \"$T/bin/hook-env $H\""

# poll NAME RCFILE-EXTRA [SERVER-OPTIONS]: one POP3S poll of Dovecot into
# $T/md; $status, $took (ms); the output is $T/out.
poll() {
	local rc t0
	rc=$(rcfile "$1" "${GLOBAL:-}
poll localhost via 127.0.0.1 proto pop3 port ${PORT:-$P_POP3S} ${3:-}
    user \"$MAIL_USER\" password '${PASS:-$MAIL_PASS}' ssl
    sslcertfile \"$T/ca.crt\" maildir \"$T/md\" $2")
	t0=$(date +%s%3N)
	# shellcheck disable=SC2086
	NOTIFY_SOCKET=/nonexistent/notify "$PULLMAIL" ${ARGS:-} -v -f "$rc" \
	    >"$T/out" 2>&1
	status=$?
	took=$(( $(date +%s%3N) - t0 ))
}
reset() {	# a fresh hook directory and Maildir
	rm -rf "$H" "$T/md"
	mkdir -m 777 "$H"
}
var() {		# var FILE NAME: the value of NAME in an env dump
	sed -n "s/^$2=//p" "$1"
}
delivered() { find "$T/md/new" -type f 2>/dev/null | wc -l; }
runs() { find "$H" -maxdepth 1 -name "$1.[0-9]*" ! -name '*.fds' \
    ! -name '*.tmp' | wc -l; }

# --- the environment ---------------------------------------------------------
empty_mailbox; seed; reset
want_octets=0
for f in "$SRC"/*.eml; do	# as Dovecot sizes them: CR LF line ends
	want_octets=$((want_octets + $(wc -c <"$f") + $(wc -l <"$f")))
done
t_start=$(date +%s)
poll env "$MDA_AS $HOOKS"
t_end=$(date +%s)
is "$status" 0 "env: the poll delivered (exit 0)"
is "$(delivered)" 20 "env: 20 messages in the Maildir"
is "$(runs postdeliver)" 1 "env: postdeliver ran once"
is "$(runs postpoll)" 1 "env: postpoll ran once"
e="$H/postdeliver.1"
is "$(var "$e" PULLMAIL_HOOK)" postdeliver "env: PULLMAIL_HOOK"
is "$(var "$e" PULLMAIL_ACCOUNT)" "test@localhost" "env: PULLMAIL_ACCOUNT"
is "$(var "$e" PULLMAIL_SERVER)" localhost "env: PULLMAIL_SERVER"
is "$(var "$e" PULLMAIL_HOST)" 127.0.0.1 "env: PULLMAIL_HOST (via)"
is "$(var "$e" PULLMAIL_USER)" test "env: PULLMAIL_USER"
is "$(var "$e" PULLMAIL_PROTOCOL)" pop3 "env: PULLMAIL_PROTOCOL"
grep -qx 'PULLMAIL_FOLDERS=' "$e"
ok $? "env: PULLMAIL_FOLDERS (empty: none named)"
is "$(var "$e" PULLMAIL_DELIVERED)" 20 "env: PULLMAIL_DELIVERED"
is "$(var "$e" PULLMAIL_OCTETS)" "$want_octets" "env: PULLMAIL_OCTETS"
is "$(var "$e" PULLMAIL_LEFT)" 0 "env: PULLMAIL_LEFT"
is "$(var "$e" PULLMAIL_EXIT)" 0 "env: PULLMAIL_EXIT"
is "$(var "$e" PULLMAIL_RESULT)" ok "env: PULLMAIL_RESULT"
is "$(var "$e" PULLMAIL_IDLE)" 0 "env: PULLMAIL_IDLE"
s=$(var "$e" PULLMAIL_START) n=$(var "$e" PULLMAIL_END)
[ "$t_start" -le "$s" ] && [ "$s" -le "$n" ] && [ "$n" -le "$t_end" ]
ok $? "env: PULLMAIL_START $s <= PULLMAIL_END $n, within the run ($t_start..$t_end)"
is "$(var "$H/postpoll.1" PULLMAIL_HOOK)" postpoll "env: postpoll's PULLMAIL_HOOK"
is "$(var "$H/postpoll.1" PULLMAIL_DELIVERED)" 20 "env: postpoll sees the same counts"
is "$(var "$H/postpoll.1" PULLMAIL_RESULT)" ok "env: postpoll's PULLMAIL_RESULT"
! grep -qF "${MAIL_PASS%% *}" "$e" "$H/postpoll.1"
ok $? "env: no password in the environment"
! grep -q '^NOTIFY_SOCKET=' "$e"
ok $? "env: no NOTIFY_SOCKET in the environment"
is "$(cut -d' ' -f1 "$e.fds" | tr '\n' ' ')" "0 1 2 " \
    "env: the hook has descriptors 0, 1 and 2 only"
is "$(sed -n 's/^0 //p' "$e.fds")" /dev/null "env: its stdin is /dev/null"
grep -q 'postdeliver hook exited 0' "$T/out"
ok $? "env: -v logs the hook's end"

# --- nothing delivered: postpoll only ---------------------------------------
reset
poll nomail "$MDA_AS $HOOKS"
is "$status" 1 "nomail: exit 1"
is "$(runs postdeliver)" 0 "nomail: postdeliver did not run"
is "$(runs postpoll)" 1 "nomail: postpoll ran"
is "$(var "$H/postpoll.1" PULLMAIL_EXIT)" 1 "nomail: PULLMAIL_EXIT=1"
is "$(var "$H/postpoll.1" PULLMAIL_RESULT)" nomail "nomail: PULLMAIL_RESULT=nomail"
is "$(var "$H/postpoll.1" PULLMAIL_DELIVERED)" 0 "nomail: PULLMAIL_DELIVERED=0"

# --- failing polls: postpoll with the exit code -------------------------------
reset
PORT=$P_NOTHING poll socket "$MDA_AS $HOOKS"
is "$status" 2 "refused connection: exit 2"
is "$(runs postdeliver)" 0 "refused connection: no postdeliver"
is "$(var "$H/postpoll.1" PULLMAIL_EXIT)" 2 "refused connection: postpoll, PULLMAIL_EXIT=2"
is "$(var "$H/postpoll.1" PULLMAIL_RESULT)" socket "refused connection: PULLMAIL_RESULT=socket"
reset
PASS=wrong poll authfail "$MDA_AS $HOOKS"
is "$status" 3 "wrong password: exit 3"
is "$(var "$H/postpoll.1" PULLMAIL_EXIT)" 3 "wrong password: postpoll, PULLMAIL_EXIT=3"
is "$(var "$H/postpoll.1" PULLMAIL_RESULT)" authfail "wrong password: PULLMAIL_RESULT=authfail"

# --- a failing hook: logged, the poll's result stands --------------------------
empty_mailbox; seed; reset
HOOK_EXIT=7 poll hookfails "$MDA_AS $HOOKS"
is "$status" 0 "failing hooks: the poll still exits 0"
is "$(delivered)" 20 "failing hooks: all 20 delivered"
is "$(server_count)" 0 "failing hooks: and deleted from the server"
grep -q 'test@localhost: postdeliver hook failed: exit status 7' "$T/out"
ok $? "failing hooks: the postdeliver failure is logged with account and status"
grep -q 'test@localhost: postpoll hook failed: exit status 7' "$T/out"
ok $? "failing hooks: so is postpoll's"
# The worker ignores SIGUSR1 (the parent's business); a hook does not.
reset
poll signal "$MDA_AS postpoll 'kill -USR1 \$\$'"
is "$status" 1 "a hook killed by a signal: the poll's exit 1 stands"
grep -q "test@localhost: postpoll hook failed: killed by signal 10" "$T/out"
ok $? "a hook killed by a signal: logged with the signal (and SIGUSR1 is not ignored in it)" ||
    grep hook "$T/out" | sed 's/^/#   /'

# --- a hook that hangs: killed at hooktimeout with its child --------------------
# Three small messages: the poll itself is quick, even under valgrind.
empty_mailbox; reset
for m in 02 03 05; do
	cp "$SRC/$m.eml" "$MAILDIR/new/10000$m.M${m}P1.pullmail"
done
chown -R "$MAIL_UID:$MAIL_GID" "$MAILDIR"
GLOBAL="set hooktimeout 2" poll hang "$MDA_AS
    postdeliver \"trap '' TERM; $T/bin/hook-hang $H\"
    postpoll \"$T/bin/hook-env $H\""
is "$status" 0 "hanging hook: the poll exits 0"
is "$(delivered)" 3 "hanging hook: 3 delivered"
is "$(server_count)" 0 "hanging hook: all deleted from the server"
ids=$(cat "$T"/md/new/* 2>/dev/null | grep '^Message-ID: <msg')
is "$(echo "$ids" | sort -u | wc -l) $(echo "$ids" | wc -l)" "3 3" \
    "hanging hook: each message once"
# 2 s, SIGTERM ignored, SIGKILL 3 s later; the poll itself is quick.
[ "$took" -ge 4500 ] && [ "$took" -le 12000 ]
ok $? "hanging hook: pullmail waited for the timeout and grace, no more (took $took ms)"
grep -q 'test@localhost: postdeliver hook still running after 2 seconds (set hooktimeout); stopped it and its process group' "$T/out"
ok $? "hanging hook: the timeout is logged with account and hook" ||
    sed 's/^/#   /' "$T/out" | tail -3
bg=$(cat "$H/bg.pid" 2>/dev/null) fg=$(cat "$H/fg.pid" 2>/dev/null)
[ -n "$bg" ] && [ -n "$fg" ]
ok $? "hanging hook: it started (child $bg, shell $fg)"
alive() {	# alive PID: running (not gone, not a zombie)
	[ -e "/proc/$1" ] && ! grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null
}
sleep 0.2
! alive "$bg" && ! alive "$fg"
ok $? "hanging hook: the hook and its background child are gone"
is "$(runs postpoll)" 1 "hanging hook: postpoll still ran after it"

# SIGTERM to pullmail while a hook runs: the hook is stopped too.
empty_mailbox; seed; reset
rc=$(rcfile stop "poll localhost via 127.0.0.1 proto pop3 port $P_POP3S
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcertfile \"$T/ca.crt\"
    maildir \"$T/md\" $MDA_AS postdeliver \"$T/bin/hook-hang $H\"
    postpoll \"$T/bin/hook-env $H\"")
"$PULLMAIL" -v -f "$rc" >"$T/out" 2>&1 &
PM_PID=$!
PIDS="$PIDS $PM_PID"
wait_log "$H/bg.pid" . 20
t0=$(date +%s%3N)
kill -TERM "$PM_PID"
wait "$PM_PID"
status=$?
took=$(( $(date +%s%3N) - t0 ))
is "$status" 0 "SIGTERM during a hook: exit 0 (mail was delivered)"
[ "$took" -le 5000 ]
ok $? "SIGTERM during a hook: pullmail ended in $took ms, not after hooktimeout"
grep -q 'test@localhost: postdeliver hook stopped: pullmail is stopping' "$T/out"
ok $? "SIGTERM during a hook: logged"
bg=$(cat "$H/bg.pid" 2>/dev/null)
sleep 0.2
! alive "$bg"
ok $? "SIGTERM during a hook: its background child is gone"
is "$(runs postpoll)" 0 "SIGTERM during a hook: no postpoll once stopping"
is "$(delivered)" 20 "SIGTERM during a hook: 20 delivered"

# --- the daemon: hooks in every round; a failing one stops nothing ---------------
empty_mailbox; seed; reset
rc=$(rcfile daemon "poll localhost via 127.0.0.1 proto pop3 port $P_POP3S
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcertfile \"$T/ca.crt\"
    maildir \"$T/md\" $MDA_AS $HOOKS")
HOOK_EXIT=9 "$PULLMAIL" -d 1 -N -v -f "$rc" >"$T/out" 2>&1 &
PM_PID=$!
PIDS="$PIDS $PM_PID"
for _ in $(seq 1 300); do	# 30 s: rounds are slow under valgrind
	[ "$(runs postpoll)" -ge 3 ] && break
	sleep 0.1
done
[ "$(runs postpoll)" -ge 3 ]
ok $? "daemon: postpoll after every round ($(runs postpoll) so far)"
is "$(runs postdeliver)" 1 "daemon: postdeliver after the one round that delivered"
is "$(var "$H/postpoll.2" PULLMAIL_RESULT)" nomail "daemon: a later round found nothing"
kill -0 "$PM_PID"
ok $? "daemon: still running although every hook failed"
n=$(grep -c 'test@localhost: postpoll hook failed: exit status 9' "$T/out")
[ "$n" -ge 2 ]
ok $? "daemon: the failures are logged ($n)"
kill -TERM "$PM_PID"
wait "$PM_PID"
is "$?" 0 "daemon: SIGTERM ends it, exit 0"
is "$(delivered)" 20 "daemon: 20 delivered, once"

# --- -c: no hooks ----------------------------------------------------------------
empty_mailbox; seed; reset
ARGS=-c poll check "$MDA_AS $HOOKS"
is "$status" 0 "-c: exit 0 (mail waiting)"
is "$(runs postdeliver)$(runs postpoll)" 00 "-c: no hook ran"

# --- root: mdauser -----------------------------------------------------------------
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	reset
	poll asroot "$HOOKS"
	is "$status" 0 "root, no mdauser: mail delivered all the same"
	is "$(runs postdeliver)$(runs postpoll)" 00 "root, no mdauser: no hook ran as root"
	grep -q 'postdeliver hook not run: postdeliver: pullmail runs as root and will not run the postdeliver command as root; add "mdauser NAME"' "$T/out"
	ok $? "root, no mdauser: the log says how to fix it"
	empty_mailbox; seed; reset
	poll nobody "mdauser nobody $HOOKS"
	is "$status" 0 "mdauser nobody: delivered"
	e="$H/postdeliver.1"
	is "$(stat -c %U "$e" 2>/dev/null)" nobody "mdauser nobody: the hook ran as nobody"
	is "$(var "$e" USER)" nobody "mdauser nobody: USER=nobody"
	is "$(var "$e" HOME)" "$(getent passwd nobody | cut -d: -f6)" \
	    "mdauser nobody: HOME is nobody's"
else
	ok 0 "# SKIP mdauser: the suite does not run as root"
fi

# --- a hostile server: nothing it sends reaches a shell -----------------------------
HOSTILE="$top_srcdir/tests/hostile/hostile_server.py"
HPORT=$((PORT_BASE + 7))
hostile() {	# hostile SCENARIO: one poll of hostile_server.py
	rm -f "$T/hready"
	HOSTILE_MARK="$T/pwned" CERT="$T/server.crt" KEY="$T/server.key" \
	    python3 "$HOSTILE" "$1" "$HPORT" "$T/hlog" >"$T/hready" 2>&1 &
	SPID=$!
	PIDS="$PIDS $SPID"
	wait_ready "$T/hready"
	PORT=$HPORT poll "$1" "$MDA_AS $HOOKS" "timeout 5"
	kill "$SPID" 2>/dev/null
	wait "$SPID" 2>/dev/null
}
reset
hostile pop3-shell
is "$status" 0 "hostile text: the poll delivered (exit 0)"
is "$(delivered)" 2 "hostile text: both messages delivered"
grep -qF 'touch' "$T"/md/new/* 2>/dev/null
ok $? "hostile text: the shell syntax is in the mail as sent"
is "$(runs postdeliver)$(runs postpoll)" 11 "hostile text: both hooks ran"
reset
hostile pop3-shell-err
is "$status" 3 "hostile error: exit 3"
is "$(var "$H/postpoll.1" PULLMAIL_EXIT)" 3 "hostile error: postpoll ran, PULLMAIL_EXIT=3"
grep -q 'touch' "$T/out"
ok $? "hostile error: the server's error was logged (the text was there to take)"
pwned=$(find "$T" -maxdepth 1 -name 'pwned*' | wc -l)
is "$pwned" 0 "hostile text: no marker file was created by server text" ||
    find "$T" -maxdepth 1 -name 'pwned*' | sed 's/^/#   /'
! grep -q 'touch' "$H"/post*
ok $? "hostile text: nothing of it is in a hook's environment"

# --- IDLE: postdeliver after each pass -------------------------------------------------
empty_mailbox; reset
cp "$SRC/02.eml" "$MAILDIR/new/1000002.M2P1.pullmail"
chown -R "$MAIL_UID:$MAIL_GID" "$MAILDIR"
rc=$(rcfile idle "poll localhost via 127.0.0.1 proto imap port $P_IMAPS
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcertfile \"$T/ca.crt\"
    idle $MDA_AS maildir \"$T/md\" $HOOKS folder INBOX")
"$PULLMAIL" -v -f "$rc" >"$T/out" 2>&1 &
PM_PID=$!
PIDS="$PIDS $PM_PID"
wait_log "$T/out" 'test@localhost: postdeliver hook exited 0' 10
is "$(runs postdeliver)" 1 "idle: postdeliver after the first poll"
is "$(var "$H/postdeliver.1" PULLMAIL_DELIVERED)" 1 "idle: it saw 1 delivered"
is "$(var "$H/postdeliver.1" PULLMAIL_IDLE)" 1 "idle: PULLMAIL_IDLE=1"
is "$(var "$H/postdeliver.1" PULLMAIL_PROTOCOL)" imap "idle: PULLMAIL_PROTOCOL=imap"
is "$(var "$H/postdeliver.1" PULLMAIL_FOLDERS)" INBOX "idle: PULLMAIL_FOLDERS=INBOX"
arrive() {	# arrive NN: message NN of $SRC lands in the mailbox
	cp "$SRC/$1.eml" "$T/new.eml"
	chown "$MAIL_UID:$MAIL_GID" "$T/new.eml"
	mv "$T/new.eml" "$MAILDIR/new/10000$1.M${1}P1.pullmail"
}
# Message 05 arrives while the hook of 04's pass naps (pullmail is not
# in IDLE then): it must not wait for the next IDLE renewal.
for m in 03 04 05; do
	[ "$m" = 05 ] || arrive "$m"
	k=$((10#$m - 1))
	for _ in $(seq 1 100); do
		[ "$(runs postdeliver)" -ge "$k" ] && break
		sleep 0.1
	done
	is "$(runs postdeliver)" "$k" "idle: postdeliver after the pass that delivered message $m"
	is "$(var "$H/postdeliver.$k" PULLMAIL_DELIVERED)" 1 "idle: that pass delivered 1"
	if [ "$m" = 03 ]; then
		touch "$H.slow"
	elif [ "$m" = 04 ]; then
		arrive 05
		rm -f "$H.slow"
	fi
done
is "$(delivered)" 4 "idle: 4 messages delivered"
is "$(runs postpoll)" 0 "idle: no postpoll while the poll goes on"
kill -TERM "$PM_PID"
wait "$PM_PID"
is "$?" 0 "idle: SIGTERM ends it, exit 0"

done_testing
