# lib.sh -- shared helpers for integration tests: TAP output, a throwaway
# CA, a private Dovecot and smtp-sink on 127.0.0.1, test mailboxes.
#
# Every server is started by us, found by its PID, and stopped by the EXIT
# trap even when a test fails.  A server that does not start is a failed
# test, never a skipped one.

set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
# tests/valgrind.sh substitutes a wrapper that runs pullmail under valgrind.
PULLMAIL="${PULLMAIL_UNDER_TEST:-$top_builddir/pullmail}"
MDA_SAVE="$top_srcdir/tests/integration/mda-save"
# Tests run their MDAs as whoever runs the tests; a root pullmail needs
# to be told so ("mdauser").
MDA_AS="mdauser $(id -un)"

T=$(mktemp -d "${TMPDIR:-/tmp}/pullmail-test.XXXXXX")
chmod 755 "$T"
# The MDA runs as nobody in some tests; a checkout under /root (0700)
# is out of its reach, so it runs from a copy here.
mkdir -m 755 "$T/bin"
cp "$MDA_SAVE" "$T/bin/mda-save"
chmod 755 "$T/bin/mda-save"
MDA_SAVE="$T/bin/mda-save"
# A home of our own: UID journals, .netrc and .fetchids stay in the test.
HOME="$T/userhome"
mkdir -m 700 "$HOME"
export HOME
unset XDG_STATE_HOME FETCHMAILHOME
STATEDIR="$HOME/.local/state/pullmail"
PIDS=""
tap_n=0
tap_failed=0

cleanup() {
	for pid in $PIDS; do
		kill "$pid" 2>/dev/null
	done
	for pid in $PIDS; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.2
		done
		kill -9 "$pid" 2>/dev/null
	done
	[ -n "${PORT_LOCK:-}" ] && rmdir "$PORT_LOCK" 2>/dev/null
	if [ "${KEEP_TEST_DIR:-}" = "" ]; then
		rm -rf "$T"
	else
		echo "# test directory kept: $T"
	fi
}
trap cleanup EXIT

# --- TAP ---------------------------------------------------------------
ok() {	# ok CONDITION-STATUS DESCRIPTION
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failed=$((tap_failed + 1))
	fi
	# The status again, so "ok $? ... || show-why" runs on failure.
	return "$1"
}
is() {	# is GOT WANT DESCRIPTION
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		echo "#   got: '$1'"
		echo "#  want: '$2'"
	fi
}
bail() {
	echo "Bail out! $*"
	exit 1
}
done_testing() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}

# --- the fetchmail oracle ----------------------------------------------
# Debian's fetchmail qualifies its own host name through the resolver and,
# where the name does not resolve (no 127.0.1.1 line in /etc/hosts), warns
# or exits 11.  So the programs compared run in a UTS namespace of their
# own whose host name has a dot, which fetchmail takes as its FQDN without
# a lookup, as ../shared/corpus/rcfiles-public/regen.sh does.  in_oracle_world
# adds a network namespace too (for --configdump: nothing to reach);
# in_oracle_host keeps the network (for real polls).  Without the
# privilege to unshare, both run the command as it is.
ORACLE_HOST=oracle.example.org
if unshare --uts --net true 2>/dev/null; then
	ORACLE_UNSHARE=yes
else
	ORACLE_UNSHARE=no
fi
in_oracle_world() {	# in_oracle_world COMMAND ARGS...
	if [ "$ORACLE_UNSHARE" = yes ]; then
		unshare --uts --net sh -c 'hostname "$0" && exec "$@"' \
		    "$ORACLE_HOST" "$@"
	else
		"$@"
	fi
}
in_oracle_host() {	# in_oracle_host COMMAND ARGS...
	if [ "$ORACLE_UNSHARE" = yes ]; then
		unshare --uts sh -c 'hostname "$0" && exec "$@"' \
		    "$ORACLE_HOST" "$@"
	else
		"$@"
	fi
}

# --- ports -------------------------------------------------------------
# A block of ten ports, reserved with an atomic mkdir so that tests running
# in parallel never share one, and skipped if anything listens there.  A
# clash left anyway shows as a server that fails to start, which fails the
# test rather than hiding.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PORT_LOCK=""
for _ in $(seq 1 200); do
	# Below Linux's ephemeral range (32768 up), where outgoing
	# connections would otherwise take our ports.
	PORT_BASE=$(( 10000 + (RANDOM % 2200) * 10 ))
	mkdir "${TMPDIR:-/tmp}/pullmail-ports-$PORT_BASE" 2>/dev/null || continue
	PORT_LOCK="${TMPDIR:-/tmp}/pullmail-ports-$PORT_BASE"
	busy=0
	for i in 0 1 2 3 4 5 6 7 8 9; do
		port_in_use $((PORT_BASE + i)) && busy=1
	done
	[ "$busy" = 0 ] && break
	rmdir "$PORT_LOCK"
	PORT_LOCK=""
done
P_IMAP=$PORT_BASE
P_IMAPS=$((PORT_BASE + 1))
P_POP3=$((PORT_BASE + 2))
P_POP3S=$((PORT_BASE + 3))
P_LMTP=$((PORT_BASE + 4))
P_SMTP=$((PORT_BASE + 5))
P_NOTHING=$((PORT_BASE + 9))	# nothing listens here

wait_port() {	# wait_port PORT: until something accepts on 127.0.0.1
	for _ in $(seq 1 100); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

wait_log() {	# wait_log FILE PATTERN SECONDS: until FILE holds PATTERN
	for _ in $(seq 1 $(($3 * 20))); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

wait_ready() {	# wait_ready FILE: until a scripted server wrote "ready"
	for _ in $(seq 1 100); do
		grep -q ready "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	bail "scripted server did not start: $(head -c 300 "$1" 2>/dev/null)"
}

# --- certificates ------------------------------------------------------
# make_ca NAME: $T/NAME.crt and .key, a self-signed CA.
make_ca() {
	openssl req -x509 -newkey rsa:2048 -nodes -days 365 \
	    -subj "/O=pullmail test/CN=$1" -keyout "$T/$1.key" \
	    -out "$T/$1.crt" 2>/dev/null || bail "cannot make CA $1"
}
# make_cert CA NAME SAN: $T/NAME.crt and .key signed by CA.
make_cert() {
	openssl req -newkey rsa:2048 -nodes -subj "/CN=$2" \
	    -keyout "$T/$2.key" -out "$T/$2.csr" 2>/dev/null &&
	printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\n' "$3" \
	    >"$T/$2.ext" &&
	openssl x509 -req -in "$T/$2.csr" -CA "$T/$1.crt" -CAkey "$T/$1.key" \
	    -CAcreateserial -days 365 -extfile "$T/$2.ext" \
	    -out "$T/$2.crt" 2>/dev/null || bail "cannot make cert $2"
}
setup_certs() {
	make_ca ca
	make_ca otherca
	make_cert ca server "DNS:localhost,IP:127.0.0.1"
	make_cert ca wronghost "DNS:other.example"
}

# --- Dovecot -----------------------------------------------------------
MAIL_USER=test
MAIL_PASS='s3cret "pw"'
if [ "$(id -u)" = 0 ]; then
	MAIL_UID=$(id -u nobody)
	MAIL_GID=$(id -g nobody)
	DOVECOT_INTERNAL=dovecot
	DOVECOT_LOGIN=dovenull
else
	MAIL_UID=$(id -u)
	MAIL_GID=$(id -g)
	DOVECOT_INTERNAL=$(id -un)
	DOVECOT_LOGIN=$(id -un)
fi
MAILDIR="$T/home/$MAIL_USER/Maildir"

# start_dovecot [CERTNAME]: serve IMAP, IMAPS, POP3, POP3S and LMTP.
# $DOVECOT_EXTRA, if set, is appended to the configuration.
start_dovecot() {
	cert=${1:-server}
	mkdir -p "$T/run" "$T/state" "$MAILDIR/new" "$MAILDIR/cur" \
	    "$MAILDIR/tmp"
	chown -R "$MAIL_UID:$MAIL_GID" "$T/home"
	printf '%s:{PLAIN}%s:%s:%s::%s::\n' "$MAIL_USER" "$MAIL_PASS" \
	    "$MAIL_UID" "$MAIL_GID" "$T/home/$MAIL_USER" >"$T/passwd"
	# LMTP targets: "dest", and "full" whose quota (when a test turns
	# the quota plugin on) is too small for any message.
	printf 'dest:{PLAIN}x:%s:%s::%s::\n' "$MAIL_UID" "$MAIL_GID" \
	    "$T/home/dest" >>"$T/passwd"
	printf 'full:{PLAIN}x:%s:%s::%s::userdb_quota_rule=*:storage=1B\n' \
	    "$MAIL_UID" "$MAIL_GID" "$T/home/full" >>"$T/passwd"
	dh=""
	[ -f /usr/share/dovecot/dh.pem ] &&
	    dh="ssl_dh = </usr/share/dovecot/dh.pem"
	cat >"$T/dovecot.conf" <<CONF
base_dir = $T/run
state_dir = $T/state
log_path = $T/dovecot.log
protocols = imap pop3 lmtp
listen = 127.0.0.1
ssl = yes
ssl_cert = <$T/$cert.crt
ssl_key = <$T/$cert.key
$dh
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
auth_mechanisms = plain login
auth_verbose = yes
first_valid_uid = 1
default_internal_user = $DOVECOT_INTERNAL
default_login_user = $DOVECOT_LOGIN
mail_location = maildir:~/Maildir
pop3_uidl_format = %08Xu%08Xv
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $T/passwd
}
userdb {
  driver = passwd-file
  args = username_format=%u $T/passwd
}
service imap-login {
  inet_listener imap {
    port = $P_IMAP
  }
  inet_listener imaps {
    port = $P_IMAPS
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    port = $P_POP3
  }
  inet_listener pop3s {
    port = $P_POP3S
    ssl = yes
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $P_LMTP
  }
}
${DOVECOT_EXTRA:-}
CONF
	# A restart may find the last instance's processes still going
	# away (their ports, the base directory): try again for a while.
	started=0
	for _ in $(seq 1 100); do
		if dovecot -c "$T/dovecot.conf" 2>"$T/dovecot.start"; then
			started=1
			break
		fi
		sleep 0.2
	done
	[ "$started" = 1 ] ||
	    bail "dovecot did not start: $(head -c 300 "$T/dovecot.start")"
	for p in $P_IMAP $P_IMAPS $P_POP3 $P_POP3S; do
		wait_port "$p" || bail "dovecot not listening on $p"
	done
	DOVECOT_PID=$(cat "$T/run/master.pid")
	PIDS="$PIDS $DOVECOT_PID"
}
dadm() {	# doveadm against our Dovecot
	doveadm -c "$T/dovecot.conf" "$@"
}
stop_dovecot() {
	# Its children too: one left behind (a master killed with -9 on a
	# loaded machine leaves them) holds the sockets the next start needs.
	kids=$(pgrep -P "$DOVECOT_PID" 2>/dev/null)
	kill "$DOVECOT_PID" 2>/dev/null
	for _ in $(seq 1 100); do
		kill -0 "$DOVECOT_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$DOVECOT_PID" 2>/dev/null &&
	    kill -9 "$DOVECOT_PID" $kids 2>/dev/null
	# A stale pidfile naming a reused PID would stop the next start.
	rm -f "$T/run/master.pid"
}

# --- smtp-sink ---------------------------------------------------------
SINK_DIR="$T/sink"
start_sink() {	# start_sink [extra smtp-sink options]
	mkdir -p "$SINK_DIR"
	chmod 777 "$SINK_DIR"
	if [ "$(id -u)" = 0 ]; then
		set -- -u nobody "$@"
	fi
	smtp-sink "$@" -d "$SINK_DIR/m." "127.0.0.1:$P_SMTP" 64 \
	    >"$T/sink.log" 2>&1 &
	SINK_PID=$!
	PIDS="$PIDS $SINK_PID"
	wait_port "$P_SMTP" || bail "smtp-sink did not start"
}
stop_sink() {
	kill "$SINK_PID" 2>/dev/null
	wait "$SINK_PID" 2>/dev/null
}

# --- mailboxes -----------------------------------------------------------
SRC="$T/src"	# the messages as seeded, LF line ends

# make_messages: the 20 test messages of issue 2 in $SRC.
make_messages() {
	mkdir -p "$SRC"
	for i in $(seq -w 1 20); do
		{
			printf 'Return-Path: <sender%s@example.org>\n' "$i"
			printf 'From: Sender %s <sender%s@example.org>\n' "$i" "$i"
			printf 'To: test@example.org\n'
			printf 'Subject: test message %s\n' "$i"
			printf 'Message-ID: <msg%s@pullmail.test>\n' "$i"
			printf 'Date: Mon, 23 Nov 2026 10:00:%s +0000\n' "$i"
			printf '\n'
			printf 'Body of message %s.\n' "$i"
			case $i in
			01)	# 5 MB of text in 76-column lines
				head -c 3932160 /dev/urandom | base64 -w 76 ;;
			02)	printf '.\n..\n.leading dot\n..two dots\n. \nend\n' ;;
			03)	printf 'Caf\303\251 na\357ve \377\376\200 bytes\n' ;;
			04)	head -c 30000 /dev/zero | tr '\0' 'x'; printf '\n' ;;
			05)	printf 'line\n.\nafter a lone dot\n' ;;
			esac
		} >"$SRC/$i.eml"
	done
}

# seed: copy $SRC into the Dovecot user's Maildir/new.
seed() {
	for f in "$SRC"/*.eml; do
		n=$(basename "$f" .eml)
		cp "$f" "$MAILDIR/new/100000$n.M${n}P1.pullmail"
	done
	chown -R "$MAIL_UID:$MAIL_GID" "$MAILDIR"
}
server_count() {
	find "$MAILDIR/new" "$MAILDIR/cur" -type f | wc -l
}
empty_mailbox() {
	find "$MAILDIR/new" "$MAILDIR/cur" -type f -delete
	rm -f "$MAILDIR"/dovecot* "$MAILDIR"/dovecot-uidlist
	# A new mailbox may get the old UIDVALIDITY (Dovecot takes the
	# time in seconds): what pullmail recorded is about the old one.
	rm -rf "$STATEDIR"
}

# rcfile NAME BODY: a private rcfile at $T/NAME.rc.
rcfile() {
	printf '%s\n' "$2" >"$T/$1.rc"
	chmod 600 "$T/$1.rc"
	echo "$T/$1.rc"
}

# --- checking deliveries --------------------------------------------------
# strip_received FILE: the message without the first Received field we
# added (header line plus its continuation lines).
strip_received() {
	awk 'BEGIN { s = 0 }
	    s == 0 && /^Received: / { s = 1; next }
	    s == 1 && /^[ \t]/ { next }
	    { s = 2; print }' "$1"
}
# sink_message ID: the body smtp-sink recorded for Message-ID ID, with its
# own X- lines and Received field removed, and its trailing blank line.
sink_message() {
	local dump
	dump=$(grep -l "^Message-ID: <$1>" "$SINK_DIR"/m.* 2>/dev/null | head -1)
	[ -n "$dump" ] || return 1
	awk 'BEGIN { s = 0 }
	    s == 0 && /^X-(Client-Addr|Client-Proto|Helo-Args|Mail-Args|Rcpt-Args):/ { next }
	    s == 0 && /^Received: / { s = 1; next }
	    s == 1 && /^[ \t]/ { next }
	    { s = 2; print }' "$dump" >"$T/sink.tmp"
	# smtp-sink ends each dump with one empty line of its own.
	head -c -1 "$T/sink.tmp" >"$T/sink.one"
	strip_received "$T/sink.one"
}
# check_sink: every source message arrived at smtp-sink byte for byte.
check_sink() {
	local bad=0 f n
	for f in "$SRC"/*.eml; do
		n=$(basename "$f" .eml)
		if ! sink_message "msg$n@pullmail.test" >"$T/got" ||
		    ! cmp -s "$T/got" "$f"; then
			echo "# message $n differs or is missing at smtp-sink"
			bad=1
		fi
	done
	return $bad
}
# check_mda DIR: every source message arrived in DIR byte for byte.
check_mda() {
	local bad=0 f g n
	for f in "$SRC"/*.eml; do
		n=$(basename "$f" .eml)
		g=$(grep -l "^Message-ID: <msg$n@pullmail.test>" "$1"/msg.* \
		    2>/dev/null | head -1)
		if [ -z "$g" ] || ! strip_received "$g" | cmp -s - "$f"; then
			echo "# message $n differs or is missing in $1"
			bad=1
		fi
	done
	return $bad
}
# new_log: the part of the Dovecot log written since the last call.
LOG_MARK=0
new_log() {
	size=$(wc -c <"$T/dovecot.log")
	tail -c +"$((LOG_MARK + 1))" "$T/dovecot.log"
	LOG_MARK=$size
}
