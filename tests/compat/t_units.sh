#!/bin/bash
# t_units.sh -- the systemd units as "make install" puts them, checked by
# "systemd-analyze verify": no message at all, for the system unit and
# the user unit, with ExecStart's pullmail and the Documentation= manual
# pages found where they were installed.
#
# systemd-analyze verify exits 0 on most mistakes (an unknown key, a
# value it cannot parse: "ignoring"), so any output fails the test, and
# a unit broken on purpose shows that the check sees it.  systemd 252
# (Debian 12) checks that the programs a unit runs exist: --root= makes
# it look in the DESTDIR, which gets the host's targets (for the default
# dependencies) and the other programs the units name (/bin/kill).  A
# user manager cannot be given --root=, so the user unit is verified by
# one in system mode.  systemd-analyze missing is a failure, not a skip:
# tests/deps.sh installs it (package systemd).
set -u
n=0 failed=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else
		echo "not ok $n - $2"; failed=$((failed + 1)); fi
	return "$1"
}
command -v systemd-analyze >/dev/null || {
	echo "Bail out! systemd-analyze is not installed (tests/deps.sh installs the systemd package)"
	exit 1
}
T=$(mktemp -d "${TMPDIR:-/tmp}/pullmail-units.XXXXXX")
trap 'rm -rf "$T"' EXIT
root="$T/root"

# The install rules of Makefile.am, with the unit directories given as
# --with-systemd*unitdir would (whether or not configure had them).
unset MAKEFLAGS MFLAGS MAKELEVEL
make -s -C "$top_builddir" install DESTDIR="$root" \
    systemdsystemunitdir='$(prefix)/lib/systemd/system' \
    systemduserunitdir='$(prefix)/lib/systemd/user' \
    systemdsystemunit_DATA=contrib/system/pullmail.service \
    systemduserunit_DATA=contrib/user/pullmail.service >"$T/install.log" 2>&1
ok $? "make install DESTDIR=... with both unit directories" ||
    sed 's/^/#   /' "$T/install.log"
sysunit=$(find "$root" -path '*/systemd/system/pullmail.service')
userunit=$(find "$root" -path '*/systemd/user/pullmail.service')
[ -n "$sysunit" ] && [ -n "$userunit" ]
ok $? "both units are installed (${sysunit#"$root"}, ${userunit#"$root"})" ||
    exit 1
exe=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$sysunit")
[ -x "$root$exe" ] &&
    [ "$exe" = "$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$userunit")" ]
ok $? "ExecStart= of both names the installed program ($exe)"

# A worker stopped while the SMTP/LMTP server holds a message gets that
# server's timeout and PM_KILL_GRACE before SIGKILL (pullmail(1),
# --deadline); systemd's own SIGKILL at TimeoutStopSec= must not come
# first, or the message is delivered again by the next poll.
grace=$(awk '/define PM_SMTP_TIMEOUT_MIN/ { s = $3 }
    /define PM_KILL_GRACE/ { k = $3 } END { print s + k }' \
    "$top_srcdir/include/bounds.h")
for u in "$sysunit" "$userunit"; do
	stop=$(sed -n 's/^TimeoutStopSec=\([0-9]*\)$/\1/p' "$u")
	[ -n "$stop" ] && [ "$stop" -ge "$grace" ]
	ok $? "TimeoutStopSec=${stop:-?} of ${u#"$root"} leaves a worker its SMTP grace ($grace s)"
done

# What systemd needs of the root besides our files.
mkdir -p "$root/usr/lib/systemd/system"
cp /usr/lib/systemd/system/*.target "$root/usr/lib/systemd/system/"
for prog in $(sed -n 's/^Exec[A-Za-z]*=[-@:+!]*\([^ ]*\).*/\1/p' \
    "$sysunit" "$userunit" | sort -u); do
	[ "$prog" = "$exe" ] && continue
	mkdir -p "$root$(dirname "$prog")"
	cp "$prog" "$root$prog"
	ok $? "the units' $prog exists here"
done
man1=$(find "$root" -name pullmail.1)
export MANPATH="${man1%/man1/pullmail.1}"

# Under --root, a unit is looked up by its name in the standard system
# unit directories only, and the prefix may be anywhere ("make
# distcheck" installs under its own _inst): the unit under test is put
# in the root's /etc/systemd/system, the user unit too (a user manager
# cannot be given --root=).
place="$root/etc/systemd/system/pullmail.service"
mkdir -p "${place%/*}"
verify() {	# verify FILE: systemd-analyze's messages on it, and its status
	cp "$1" "$place"
	systemd-analyze verify --root="$root" /etc/systemd/system/pullmail.service 2>&1
	echo "exit $?"
}
for u in "$sysunit" "$userunit"; do
	out=$(verify "$u")
	[ "$out" = "exit 0" ]
	ok $? "systemd-analyze verify: ${u#"$root"} is clean" ||
	    printf '%s\n' "$out" | sed 's/^/#   /'
done
# The check can fail: a misspelt key (exit 0, one message), a program
# the unit names that is not there (exit 1).
sed 's/^NotifyAccess=/NotifyAcess=/' "$userunit" >"$T/misspelt"
out=$(verify "$T/misspelt")
[ "$out" != "exit 0" ] && printf '%s\n' "$out" | grep -q NotifyAcess
ok $? "a misspelt key is caught ($(printf '%s' "$out" | head -1))"
sed "s|^ExecStart=$exe|ExecStart=${exe}-missing|" "$sysunit" >"$T/missing"
out=$(verify "$T/missing")
[ "$out" != "exit 0" ]
ok $? "a missing program is caught ($(printf '%s' "$out" | head -1))"

echo "1..$n"
[ "$failed" -eq 0 ]
