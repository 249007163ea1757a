#!/bin/bash
# t_secrets.sh -- what pullmail does with the secrets in its care: no core
# file and no ptrace by other processes of the user (the process is not
# dumpable), UID journals and their directory private to the user.  The
# password never appearing in any trace is checked per mechanism in
# t_sasl.sh (IMAP and POP3) and t_esmtp.sh (SMTP AUTH).

. "$top_srcdir/tests/integration/lib.sh"

setup_certs
make_messages
start_dovecot
seed

# --- state files ---------------------------------------------------------
rc=$(rcfile state "poll localhost via 127.0.0.1 proto imap port $P_IMAPS
    user \"$MAIL_USER\" password '$MAIL_PASS' ssl sslcertfile \"$T/ca.crt\"
    keep maildir \"$T/md\"")
"$PULLMAIL" -f "$rc" >"$T/out" 2>&1
is "$?" 0 "a poll with keep: mail fetched"
n=$(find "$STATEDIR" -type f | wc -l)
[ "$n" -ge 1 ]
ok $? "it left UID state in $STATEDIR ($n files)"
is "$(find "$STATEDIR" -type f ! -perm 600 | wc -l)" 0 \
    "every state file is mode 0600"
is "$(stat -c %a "$STATEDIR")" 700 "the state directory is mode 0700"
is "$(find "$T/md" -type f ! -perm 600 | wc -l)" 0 "delivered mail is mode 0600"

# --- the running process ---------------------------------------------------
# As nobody, so that being undumpable shows: /proc/PID then belongs to root.
if [ "$(id -u)" = 0 ]; then
	NH="$T/nobodyhome"
	mkdir -p "$NH"
	rc=$(rcfile nobody "set daemon 600
poll localhost via 127.0.0.1 proto pop3 port $P_NOTHING
    user u password secret-pw ssl maildir \"$NH/md\"")
	chown -R nobody "$NH" "$rc"
	chmod 711 "$T"
	HOME="$NH" setpriv --reuid nobody --regid nogroup --clear-groups \
	    "$PULLMAIL" -N -f "$rc" >"$T/nobody.out" 2>&1 &
	NPID=$!
	PIDS="$PIDS $NPID"
	for _ in $(seq 1 50); do
		grep -q "connect\|refused" "$T/nobody.out" 2>/dev/null && break
		sleep 0.1
	done
	kill -0 "$NPID" 2>/dev/null
	ok $? "pullmail runs as a daemon as nobody"
	is "$(awk '/^Max core file size/ { print $5 }' "/proc/$NPID/limits")" 0 \
	    "core files are off (RLIMIT_CORE 0)"
	if ldd "$PULLMAIL" | grep -q libasan; then
		ok 0 "(sanitizer build: the process stays dumpable for the leak checker)"
	else
		is "$(stat -c %U "/proc/$NPID/mem")" root \
		    "the process is not dumpable: /proc/PID/mem is root's, not nobody's"
		setpriv --reuid nobody --regid nogroup --clear-groups \
		    cat "/proc/$NPID/environ" >/dev/null 2>&1
		ok $((! $?)) "another process of the same user cannot read its memory or environment"
	fi
	kill "$NPID"
	wait "$NPID" 2>/dev/null
	! grep -q "secret-pw" "$T/nobody.out"
	ok $? "the password is not in what it printed"
fi

done_testing
