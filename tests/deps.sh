#!/bin/sh
# deps.sh -- install, with apt-get, whatever building and testing pullmail
# needs and this machine lacks (Debian 12).  Installs nothing when all is
# present, so it is cheap to run every time.
set -u
pkgs="build-essential autoconf automake pkg-config libssl-dev libbsd-dev
    libjson-c-dev openssl ca-certificates dovecot-imapd dovecot-pop3d
    dovecot-lmtpd dovecot-submissiond postfix procps fetchmail python3
    python3-jsonschema prometheus time mandoc man-db systemd"
missing=""
for p in $pkgs; do
	dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null |
	    grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: missing packages:$missing (run as root to install)" >&2
	exit 1
fi
echo "deps.sh: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# Packages must not start their system services (Dovecot on 143, Postfix
# on 25): the tests run private instances on high ports.  A policy-rc.d
# that was there (chroots and container images have one) is put back.
prc=/usr/sbin/policy-rc.d
saved=""
if [ -e "$prc" ]; then
	saved=$prc.pullmail-deps
	mv "$prc" "$saved" || exit 1
fi
printf '#!/bin/sh\nexit 101\n' >"$prc"
chmod 755 "$prc"
apt-get update -q >/dev/null &&
    apt-get install -y -q --no-install-recommends $missing >/dev/null
rc=$?
rm -f "$prc"
[ -n "$saved" ] && mv "$saved" "$prc"
exit $rc
