#!/bin/sh
# fresh-debian.sh -- show that the suite passes on a fresh Debian 12:
# debootstrap a minimal bookworm (--variant=minbase) into DIR, clone the
# repository into its /root, and run the README's test command
# (sh tests/suite.sh) there in a chroot, as root, with a clean environment
# and a host name that does not resolve.  Prints the suite's closing
# "N passed, M failed" line and exits with the suite's status.
#
# usage: sh tests/fresh-debian.sh [DIR [REPO]]
#   DIR   the new root, /work/fresh-root by default; removed first if it
#         is a root this script made (it refuses any other non-empty DIR)
#   REPO  what to clone (its HEAD, as committed), by default the
#         repository this script is in
#   MIRROR=URI in the environment overrides the host's Debian mirror.
#
# Run as root on a Debian 12 host.  The host is left as it was except for
# DIR (and debootstrap, which is installed when missing): every mount is
# made in a mount namespace of its own, so none is ever seen outside it,
# and all are undone on exit, also on failure.
set -u
name=freshbox		# no dot, no line in /etc/hosts, so it does not resolve
dir=${1:-/work/fresh-root}
here=$(cd "$(dirname "$0")" && pwd) || exit 1
repo=${2:-$(cd "$here/.." && pwd)} || exit 1
marker=.pullmail-fresh-debian
say() { echo "fresh-debian: $*"; }
die() { echo "fresh-debian: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (debootstrap, chroot, mount)"
case $dir in
/*) ;;
*) die "DIR must be an absolute path: $dir" ;;
esac
[ "$dir" != / ] || die "DIR must not be /"

# --- the host's apt sources: the mirror and the security archive --------
# From deb822 files (sources.list.d/*.sources) or one-line sources.list.
sources() {	# prints "URI SUITE" for every deb source of the host
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk 'BEGIN { RS = ""; FS = "\n" }
		{
			t = u = s = ""
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^Types:/) t = substr($i, 7)
				if ($i ~ /^URIs:/) u = substr($i, 6)
				if ($i ~ /^Suites:/) s = substr($i, 8)
			}
			if (t !~ /(^| )deb( |$)/) next
			nu = split(u, us, " "); ns = split(s, ss, " ")
			for (a = 1; a <= nu; a++)
				for (b = 1; b <= ns; b++)
					print us[a], ss[b]
		}' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		sed -e 's/\[[^]]*\]//' "$f" |
		    awk '$1 == "deb" { print $2, $3 }'
	done
}
mirror=${MIRROR:-$(sources | awk '$2 == "bookworm" { print $1; exit }')}
security=$(sources | awk '$2 == "bookworm-security" { print $1; exit }')
[ -n "$mirror" ] || die "no bookworm source in the host's apt sources; set MIRROR"
updates=""
sources | awk '$2 == "bookworm-updates" { f = 1 } END { exit !f }' &&
    updates=bookworm-updates
say "mirror $mirror${updates:+ (+ $updates)}${security:+, security $security}"

# --- a fresh root -------------------------------------------------------
need=""
command -v debootstrap >/dev/null || need=debootstrap
command -v git >/dev/null || need="$need git"
[ -z "$need" ] || {
	say "installing $need"
	apt-get update -q >/dev/null &&
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $need \
	    >/dev/null || die "cannot install $need"
}
if [ -d "$dir" ] && [ -n "$(ls -A "$dir")" ]; then
	[ -f "$dir/$marker" ] ||
	    die "$dir is not empty and was not made by this script"
	# Nothing can be mounted under it from the host's view (mounts are
	# made in a namespace of their own), but check anyway before rm -rf.
	awk -v d="$dir/" 'index($5 "/", d) == 1 { f = 1 } END { exit !f }' \
	    /proc/self/mountinfo && die "something is mounted under $dir"
	say "removing the old $dir"
	rm -rf "$dir" || die "cannot remove $dir"
fi
mkdir -p "$dir" && touch "$dir/$marker" || exit 1
start=$(date +%s)
say "debootstrap --variant=minbase bookworm $dir"
debootstrap --variant=minbase bookworm "$dir" "$mirror" \
    >"$dir/fresh-debian.debootstrap.log" 2>&1 || {
	tail -20 "$dir/fresh-debian.debootstrap.log"
	die "debootstrap failed"
}

# apt sources as the host has them: bookworm, bookworm-updates, security.
{
	printf 'Types: deb\nURIs: %s\nSuites: bookworm %s\n' "$mirror" "$updates"
	printf 'Components: main\n'
	printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
	if [ -n "$security" ]; then
		printf '\nTypes: deb\nURIs: %s\nSuites: bookworm-security\n' \
		    "$security"
		printf 'Components: main\n'
		printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
	fi
} >"$dir/etc/apt/sources.list.d/debian.sources"
rm -f "$dir/etc/apt/sources.list"
# The host's own Acquire settings for reaching its mirror (a proxy, or
# accepting an archive snapshot whose Release files have expired): the
# chroot goes through the same network.
for f in /etc/apt/apt.conf.d/*; do
	[ -f "$f" ] && grep -q '^[[:space:]]*Acquire' "$f" &&
	    cp "$f" "$dir/etc/apt/apt.conf.d/"
done
cp -L /etc/resolv.conf "$dir/etc/resolv.conf"
# Only localhost resolves locally: no 127.0.1.1 line and none for $name.
printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n' >"$dir/etc/hosts"
echo "$name" >"$dir/etc/hostname"
# A chroot must not start services when apt installs them (Dovecot and
# Postfix are installed in it by tests/deps.sh): they would run outside
# any test's control, on the host's ports 25, 110 and 143.  This is
# Debian's standard mechanism (invoke-rc.d obeys exit 101: "action
# forbidden").  deps.sh writes its own while it installs; this one stays.
printf '#!/bin/sh\n# no services in a chroot\nexit 101\n' \
    >"$dir/usr/sbin/policy-rc.d"
chmod 755 "$dir/usr/sbin/policy-rc.d"

say "cloning $repo into $dir/root/pullmail"
git clone -q --no-hardlinks "$repo" "$dir/root/pullmail" ||
    die "git clone failed"
head=$(git -C "$dir/root/pullmail" log -1 --format='%H %<(50,trunc)%s')
say "at $head"
[ "$(stat -c %a "$dir/root")" = 700 ] || die "$dir/root is not mode 0700"

# --- the run ------------------------------------------------------------
# In new mount and UTS namespaces: the mounts a real machine has (proc,
# sysfs, a /dev of its own on tmpfs with a private devpts and /dev/shm,
# /run), none of which reaches the host, and the host name $name, which
# the host keeps unchanged.  /dev is a tmpfs with the usual nodes rather
# than the host's /dev bound in, so nothing in the chroot can write into
# the host's /dev.  The trap unmounts all in reverse order; the namespace
# going away would drop them anyway.
inner='
set -u
dir=$1 name=$2
mounted=""
undo() {
	for m in $mounted; do umount -l "$m"; done
}
trap undo EXIT
trap "exit 130" INT TERM HUP
mnt() {	# mnt TYPE OPTIONS TARGET
	mount -t "$1" -o "$2" "$1" "$dir$3" || exit 1
	mounted="$dir$3 $mounted"
}
mount --make-rprivate / || exit 1
hostname "$name" || exit 1
mnt proc nosuid,nodev,noexec /proc
mnt sysfs nosuid,nodev,noexec,ro /sys
mnt tmpfs nosuid,mode=755,size=64m /dev
for n in "null 1 3" "zero 1 5" "full 1 7" "random 1 8" "urandom 1 9" \
    "tty 5 0"; do
	set -- $n
	mknod -m 666 "$dir/dev/$1" c "$2" "$3" || exit 1
done
ln -s /proc/self/fd "$dir/dev/fd"
ln -s /proc/self/fd/0 "$dir/dev/stdin"
ln -s /proc/self/fd/1 "$dir/dev/stdout"
ln -s /proc/self/fd/2 "$dir/dev/stderr"
ln -s pts/ptmx "$dir/dev/ptmx"
mkdir "$dir/dev/pts" "$dir/dev/shm"
mnt devpts newinstance,nosuid,noexec,gid=5,mode=620,ptmxmode=666 /dev/pts
mnt tmpfs nosuid,nodev,mode=1777 /dev/shm
mnt tmpfs nosuid,nodev,mode=755 /run
mkdir -m 1777 "$dir/run/lock"
# The limits of a root login on a fresh Debian 12 (the systemd defaults:
# 1024 open files, no core files), whatever this shell was given.
ulimit -Sn 1024 && ulimit -Sc 0 || exit 1
env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LANG=C.UTF-8 TERM=dumb chroot "$dir" /bin/sh -c "
	echo \"fresh-debian: inside: uname -n: \$(uname -n), /etc/hostname: \$(cat /etc/hostname), ulimit -n: \$(ulimit -n)\"
	getent hosts $name
	r=\$?
	echo \"fresh-debian: inside: getent hosts $name: exit \$r\"
	[ \$r -ne 0 ] || { echo \"fresh-debian: $name resolves; it must not\"; exit 1; }
	cd /root/pullmail && exec sh tests/suite.sh
"
'
log="$dir/fresh-debian.suite.log"
# Processes the suite left running in the chroot (daemons of a failed
# test) would keep its namespace and mounts alive: end them on any exit.
reap() {
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/root" 2>/dev/null)" = "$dir" ] &&
		    kill -9 "${p#/proc/}" 2>/dev/null
	done
}
trap reap EXIT
trap 'exit 130' INT TERM HUP
say "running sh tests/suite.sh inside (log: $log)"
{ unshare --mount --uts sh -c "$inner" sh "$dir" "$name" 2>&1
    echo "$?" >"$dir/fresh-debian.rc"; } | tee "$log"
rc=$(cat "$dir/fresh-debian.rc" 2>/dev/null || echo 1)
end=$(date +%s)
say "commit $head"
say "took $(( (end - start) / 60 )) min $(( (end - start) % 60 )) s"
grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1
exit "$rc"
