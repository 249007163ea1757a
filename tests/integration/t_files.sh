#!/bin/bash
# t_files.sh -- the descriptors and files pullmail hands to others or
# writes as root (review 2026-12, findings 3, 7 and 8): an MDA and
# passwordeval get descriptors 0, 1 and 2 and nothing else, the pidfile
# least of all, also from a daemon and as "mdauser nobody"; a log file
# must be a regular file of the user's own (a FIFO is refused at once,
# at start-up and on SIGHUP; a file of another user and a link are
# refused); Maildir and mbox do not follow a symbolic link that the
# mail's owner could have planted, and lose no mail for it, while a link
# that only root could have made still works.

. "$top_srcdir/tests/integration/lib.sh"

setup_certs
make_messages
start_dovecot
ROOT=0
[ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1 && ROOT=1

# fds-list where any user may run it (lib.sh made $T/bin): the build
# tree may be private.
mkdir -p "$T/bin"
cp "$top_srcdir/tests/integration/fds-list" "$T/bin/"
chmod 755 "$T/bin/fds-list"
FDS="$T/bin/fds-list"
mkdir -m 777 "$T/fds"
printf '%s\n' "$MAIL_PASS" >"$T/pwfile"
chmod 644 "$T/pwfile"

account() {	# account NAME OPTIONS: rcfile polling the Dovecot user
	rcfile "$1" "poll localhost via 127.0.0.1 proto pop3 port $P_POP3S
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcertfile \"$T/ca.crt\"
    $2"
}
only_std() {	# only_std FILE: fds-list saw descriptors 0, 1 and 2 only
	[ -s "$1" ] && [ "$(cut -d' ' -f1 "$1" | tr '\n' ' ')" = "0 1 2 " ] &&
	    return 0
	sed 's/^/# got: /' "$1" 2>/dev/null
	return 1
}
wait_file() {	# wait_file FILE SECONDS: until FILE is not empty
	for _ in $(seq 1 $(($2 * 20))); do
		[ -s "$1" ] && return 0
		sleep 0.05
	done
	return 1
}
one_message() {	# one_message: the server holds one message
	empty_mailbox
	cp "$SRC/02.eml" "$MAILDIR/new/1000.M1P1.one"
	chown -R "$MAIL_UID:$MAIL_GID" "$MAILDIR"
}
stop() {	# stop PID: SIGTERM, and SIGKILL if it is still there after 5 s
	kill -TERM "$1" 2>/dev/null
	for _ in $(seq 1 100); do
		case $(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) in
		''|Z)	break ;;
		esac
		sleep 0.05
	done
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# --- descriptors: the MDA ---------------------------------------------------
one_message
"$PULLMAIL" -f "$(account mda "$MDA_AS mda \"$FDS $T/fds/mda\"")" \
    >"$T/out" 2>&1
is "$?" 0 "mda: delivered"
only_std "$T/fds/mda"
ok $? "mda: the MDA gets descriptors 0, 1 and 2 and nothing else"
! grep -q 'pullmail\.pid' "$T/fds/mda"
ok $? "mda: the pidfile is not among them"

# Started with 0, 1 and 2 closed: the MDA's stdin is still the message.
one_message
"$PULLMAIL" -f "$(account mdaclosed "$MDA_AS mda \"$FDS $T/fds/mda-closed\"")" \
    <&- >&- 2>&-
is "$?" 0 "mda, pullmail started with 0-2 closed: delivered"
grep -q '^0 pipe:' "$T/fds/mda-closed" &&
    grep -q '^1 /dev/null' "$T/fds/mda-closed"
ok $? "mda, pullmail started with 0-2 closed: stdin is the message, stdout /dev/null" ||
    sed 's/^/# /' "$T/fds/mda-closed"
is "$(server_count)" 0 "mda, pullmail started with 0-2 closed: the message left the server"

if [ $ROOT = 1 ]; then
	one_message
	"$PULLMAIL" -f "$(account mdanobody "mdauser nobody \
mda \"$FDS $T/fds/mda-nobody\"")" >"$T/out" 2>&1
	is "$?" 0 "mda as nobody: delivered"
	is "$(stat -c %U "$T/fds/mda-nobody" 2>/dev/null)" nobody \
	    "mda as nobody: it ran as nobody"
	only_std "$T/fds/mda-nobody"
	ok $? "mda as nobody: descriptors 0, 1 and 2 only"
fi

# --- descriptors: passwordeval ---------------------------------------------
one_message
for who in self nobody; do
	[ $who = nobody ] && [ $ROOT = 0 ] && continue
	as=$MDA_AS
	[ $who = nobody ] && as="mdauser nobody"
	rm -f "$T/fds/pw-$who"
	rc=$(rcfile "pw-$who" "poll localhost via 127.0.0.1 proto pop3 port $P_POP3S
    user \"$MAIL_USER\" passwordeval \"$FDS $T/fds/pw-$who $T/pwfile\"
    ssl sslcertfile \"$T/ca.crt\" $as keep fetchall maildir \"$T/md-pw\"")
	"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
	is "$?" 0 "passwordeval ($who): the password it printed logged in"
	only_std "$T/fds/pw-$who"
	ok $? "passwordeval ($who): descriptors 0, 1 and 2 only"
done

# --- descriptors: a daemon with a pidfile ----------------------------------
# The review's case: a root daemon whose MDA runs as nobody could rewrite
# the pidfile through an inherited descriptor, and so steer --quit.
one_message
as=$MDA_AS
[ $ROOT = 1 ] && as="mdauser nobody"
rc=$(rcfile daemon "set pidfile \"$T/pm.pid\"
poll localhost via 127.0.0.1 proto pop3 port $P_POP3S
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcertfile \"$T/ca.crt\"
    $as mda \"$FDS $T/fds/daemon\"")
"$PULLMAIL" -d 300 -N -f "$rc" >"$T/daemon.out" 2>&1 &
DPID=$!
PIDS="$PIDS $DPID"
wait_file "$T/fds/daemon" 10
ok $? "daemon: the MDA ran"
only_std "$T/fds/daemon"
ok $? "daemon: the MDA gets descriptors 0, 1 and 2 only"
! grep -q "$T/pm.pid" "$T/fds/daemon"
ok $? "daemon: the pidfile is not among them"
pfd=""
for f in /proc/"$DPID"/fd/*; do
	[ "$(readlink "$f")" = "$T/pm.pid" ] && pfd=${f##*/}
done
flags=$(awk '/^flags:/ { print $2 }' "/proc/$DPID/fdinfo/$pfd" 2>/dev/null)
[ -n "$pfd" ] && [ -n "$flags" ] && (( (8#$flags & 8#2000000) != 0 ))
ok $? "daemon: its own pidfile descriptor ($pfd, flags $flags) is close-on-exec"
stop "$DPID"

# --- the log file -------------------------------------------------------------
# Nothing listens on P_NOTHING: a poll that reaches the network exits 2.
nrc=$(rcfile nothing "poll localhost via 127.0.0.1 proto pop3 port $P_NOTHING
    user u password p sslproto '' maildir \"$T/md-log\"")
mkfifo "$T/fifo.log"
start=$(date +%s)
timeout 10 "$PULLMAIL" -L "$T/fifo.log" -f "$nrc" >"$T/out" 2>&1
is "$?" 6 "log file a FIFO: refused with exit 6 (IOERR), not waited on"
[ $(($(date +%s) - start)) -le 3 ]
ok $? "log file a FIFO: at once"
grep -q "log file $T/fifo.log is a FIFO; it must be a regular file with one name, owned" \
    "$T/out"
ok $? "log file a FIFO: the message names the file and why"

# With a reader the open succeeds; fstat refuses it.
exec 7<>"$T/fifo.log"
timeout 10 "$PULLMAIL" -L "$T/fifo.log" -f "$nrc" >"$T/out" 2>&1
is "$?" 6 "log file a FIFO with a reader: refused too"
exec 7<&-

ln -s "$T/real.log" "$T/link.log"
"$PULLMAIL" -L "$T/link.log" -f "$nrc" >"$T/out" 2>&1
is "$?" 6 "log file a symbolic link: refused"
grep -q "log file $T/link.log is a symbolic link" "$T/out" &&
    [ ! -e "$T/real.log" ]
ok $? "log file a symbolic link: says so, and its target is not created"

if [ $ROOT = 1 ]; then
	: >"$T/other.log"
	chown nobody "$T/other.log"
	"$PULLMAIL" -L "$T/other.log" -f "$nrc" >"$T/out" 2>&1
	is "$?" 6 "log file of another user: refused"
	grep -q "log file $T/other.log belongs to another user" "$T/out" &&
	    [ ! -s "$T/other.log" ]
	ok $? "log file of another user: says so, and nothing was written to it"
fi

: >"$T/first.log"
ln "$T/first.log" "$T/hard.log"
"$PULLMAIL" -L "$T/hard.log" -f "$nrc" >"$T/out" 2>&1
is "$?" 6 "log file with a second name (hard link): refused"
grep -q "log file $T/hard.log has more than one name" "$T/out" &&
    [ ! -s "$T/first.log" ]
ok $? "log file with a second name: says so, nothing written"

"$PULLMAIL" -L "$T/ok.log" -f "$nrc" >"$T/out" 2>&1
is "$?" 2 "log file: a new file is used (the poll itself fails: exit 2)"
before=$(grep -c ' pullmail\[[0-9]*\]: ' "$T/ok.log")
[ "$before" -ge 1 ] && [ "$(stat -c %a "$T/ok.log")" = 600 ]
ok $? "log file: the lines are in it, and it is mode 0600"
"$PULLMAIL" -L "$T/ok.log" -f "$nrc" >"$T/out" 2>&1
[ "$(grep -c ' pullmail\[[0-9]*\]: ' "$T/ok.log")" -gt "$before" ]
ok $? "log file: an existing file of ours is appended to"

# SIGHUP with a FIFO where the rotated log was: the daemon goes on.
rc=$(rcfile hup "set logfile \"$T/hup.log\"
poll localhost via 127.0.0.1 proto pop3 port $P_NOTHING
    user u password p sslproto '' maildir \"$T/md-hup\"")
"$PULLMAIL" -d 300 -N -f "$rc" >"$T/hup.out" 2>&1 &
DPID=$!
PIDS="$PIDS $DPID"
wait_log "$T/hup.log" "daemon started" 10
ok $? "SIGHUP: the daemon logs to its file"
mv "$T/hup.log" "$T/hup.log.1"
mkfifo "$T/hup.log"
kill -HUP "$DPID"
wait_log "$T/hup.log.1" "reloaded" 5
ok $? "SIGHUP, a FIFO in place of the log: not waited on, the reload went on"
grep -q "log file $T/hup.log is a FIFO" "$T/hup.log.1" &&
    grep -q "not reopened; still logging to the file opened before" \
    "$T/hup.log.1"
ok $? "SIGHUP, a FIFO in place of the log: says so in the old log"
stop "$DPID"

# --- Maildir and mbox: symbolic links --------------------------------------
# planted DIR: hand DIR (with what is in it, links too) to nobody, the
# owner of the mail, as root; as another user a directory anyone may
# write to stands for one another user controls.
planted() {
	if [ $ROOT = 1 ]; then
		chown -hR nobody "$1"
	else
		chmod 777 "$1"
	fi
}
for sub in new tmp cur; do
	empty_mailbox; seed
	rm -rf "$T/umd" "$T/target"
	mkdir -p "$T/umd/new" "$T/umd/tmp" "$T/umd/cur" "$T/target"
	rmdir "$T/umd/$sub"
	ln -s "$T/target" "$T/umd/$sub"
	planted "$T/umd"
	"$PULLMAIL" -f "$(account "md-$sub" "maildir \"$T/umd\"")" >"$T/out" 2>&1
	is "$?" 6 "maildir, $sub/ a link its owner planted: exit 6 (IOERR)"
	is "$(ls -A "$T/target" | wc -l)" 0 \
	    "maildir, $sub/ a link: nothing written where it points"
	is "$(server_count)" 20 "maildir, $sub/ a link: nothing deleted"
	grep -q "maildir $T/umd/$sub: is a symbolic link" "$T/out"
	ok $? "maildir, $sub/ a link: the message names it"
done

empty_mailbox; seed
rm -rf "$T/uhome" "$T/target"
mkdir -p "$T/uhome" "$T/target"
ln -s "$T/target" "$T/uhome/Maildir"
planted "$T/uhome"
"$PULLMAIL" -f "$(account md-root "maildir \"$T/uhome/Maildir\"")" \
    >"$T/out" 2>&1
is "$?" 6 "maildir itself a link its owner planted: exit 6"
[ -z "$(ls -A "$T/target")" ] && [ "$(server_count)" = 20 ]
ok $? "maildir itself a link: nothing created where it points, nothing deleted"

# A link in a directory of our own (as root: root's) is followed.
empty_mailbox; seed
rm -rf "$T/realmd" "$T/mdlink"
mkdir "$T/realmd"
ln -s "$T/realmd" "$T/mdlink"
"$PULLMAIL" -f "$(account md-ok "maildir \"$T/mdlink\"")" >"$T/out" 2>&1
is "$?" 0 "maildir through a link no one else controls: exit 0"
is "$(ls "$T/realmd/new" | wc -l)" 20 "maildir through such a link: 20 \
messages in new/"

empty_mailbox; seed
rm -rf "$T/uhome" "$T/target"
mkdir -p "$T/uhome" "$T/target"
ln -s "$T/target" "$T/uhome/mail"
planted "$T/uhome"
"$PULLMAIL" -f "$(account mbox-dir "mbox \"$T/uhome/mail/inbox\"")" \
    >"$T/out" 2>&1
is "$?" 6 "mbox whose directory is a link its owner planted: exit 6"
[ -z "$(ls -A "$T/target")" ] && [ "$(server_count)" = 20 ]
ok $? "mbox, directory a link: nothing created where it points, nothing \
deleted"
grep -q "mbox $T/uhome/mail/inbox: $T/uhome/mail: is a symbolic link" "$T/out"
ok $? "mbox, directory a link: the message names it"

empty_mailbox; seed
rm -rf "$T/uhome" "$T/target"
mkdir -p "$T/uhome"
: >"$T/target"
ln -s "$T/target" "$T/uhome/inbox"
planted "$T/uhome"
"$PULLMAIL" -f "$(account mbox-file "mbox \"$T/uhome/inbox\"")" >"$T/out" 2>&1
is "$?" 6 "mbox itself a link: exit 6"
grep -q "mbox $T/uhome/inbox: is a symbolic link" "$T/out" &&
    [ ! -s "$T/target" ]
ok $? "mbox itself a link: says so, nothing written where it points"

# A hard link: the same file under another name, perhaps another user's.
rm -rf "$T/uhome" "$T/target"
mkdir -p "$T/uhome"
: >"$T/target"
ln "$T/target" "$T/uhome/inbox"
"$PULLMAIL" -f "$(account mbox-hard "mbox \"$T/uhome/inbox\"")" >"$T/out" 2>&1
is "$?" 6 "mbox with a second name (hard link): exit 6"
grep -q "mbox $T/uhome/inbox: has more than one name" "$T/out" &&
    [ ! -s "$T/target" ]
ok $? "mbox with a second name: says so, nothing written"

empty_mailbox; seed
rm -rf "$T/realmb" "$T/mblink"
mkdir "$T/realmb"
ln -s "$T/realmb" "$T/mblink"
"$PULLMAIL" -f "$(account mbox-ok "mbox \"$T/mblink/inbox\"")" >"$T/out" 2>&1
is "$?" 0 "mbox in a directory reached through a link no one else \
controls: exit 0"
is "$(grep -c '^From ' "$T/realmb/inbox")" 20 "mbox through such a link: 20 \
messages"
[ ! -e "$T/realmb/inbox.lock" ]
ok $? "mbox through such a link: the dot-lock is gone"

done_testing
