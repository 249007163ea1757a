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
# user manager cannot be given --root=, so the user unit is verified
# by one in system mode, in the system unit's place.  systemd-analyze missing is a failure, not a
# skip: tests/deps.sh installs it (package systemd).
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

verify() {	# verify UNIT: systemd-analyze's messages on it, and its status
	systemd-analyze verify --root="$root" "${1#"$root"}" 2>&1
	echo "exit $?"
}
out=$(verify "$sysunit")
[ "$out" = "exit 0" ]
ok $? "systemd-analyze verify: ${sysunit#"$root"} is clean" ||
    printf '%s\n' "$out" | sed 's/^/#   /'
# Under --root, a unit is looked up by its name in the system unit
# directories only, so the user unit takes the system one's place there
# meanwhile (both are pullmail.service).
mv "$sysunit" "$T/system.service"
cp "$userunit" "$sysunit"
out=$(verify "$sysunit")
[ "$out" = "exit 0" ]
ok $? "systemd-analyze verify: ${userunit#"$root"} is clean" ||
    printf '%s\n' "$out" | sed 's/^/#   /'
# The check can fail: a misspelt key in the user unit (exit 0, one
# message), a program the system unit names that is not there (exit 1).
sed 's/^NotifyAccess=/NotifyAcess=/' "$userunit" >"$sysunit"
out=$(verify "$sysunit")
[ "$out" != "exit 0" ] && printf '%s\n' "$out" | grep -q NotifyAcess
ok $? "a misspelt key is caught ($(printf '%s' "$out" | head -1))"
mv "$T/system.service" "$sysunit"
cp "$sysunit" "$T/good"
sed "s|^ExecStart=$exe|ExecStart=${exe}-missing|" "$T/good" >"$sysunit"
out=$(verify "$sysunit")
[ "$out" != "exit 0" ]
ok $? "a missing program is caught ($(printf '%s' "$out" | head -1))"
cp "$T/good" "$sysunit"

echo "1..$n"
[ "$failed" -eq 0 ]
