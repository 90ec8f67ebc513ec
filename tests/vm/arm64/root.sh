#!/bin/bash
# root.sh OUTDIR: an arm64 userland from Debian's arm64 packages (bookworm),
# without running any of their scripts:
#   OUTDIR/root     the arm64 guest's root file system: libc, dash, coreutils,
#                   util-linux, iproute2, python3 (+ jsonschema), rsyslog,
#                   systemd (for systemd-journald and journalctl: the real
#                   journald test) and the libraries portsnoop links to;
#                   shared read-only into the guest by tests/vm/arm64/run.sh
#   OUTDIR/sysroot  the arm64 -dev packages (libbpf, libelf, zlib, zstd,
#                   libnftnl, libmnl) that
#                   `make ARCH=arm64` compiles and links against
#   OUTDIR/busybox  a static arm64 busybox for the guest's initramfs
# Does nothing when OUTDIR/.stamp is newer than this script. Packages come
# through tests/vm/arm64/apt.sh (a private apt configuration; the machine's
# dpkg never hears of arm64). Needs apt-get, dpkg-deb, tar.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd -P)
OUT=$1
SUITE=bookworm
REPO=$(cd "$HERE/../../.." && pwd -P)
CACHEDIR=${ARM64_CACHE:-$REPO/build/cache/arm64}/apt-$SUITE/cache/archives
[ -f "$OUT/.stamp" ] && [ "$OUT/.stamp" -nt "$0" ] && exit 0

ROOT_PKGS="libc6 dash bash coreutils util-linux mount findutils grep sed mawk
procps iproute2 python3 python3-jsonschema rsyslog systemd libbpf1 libelf1
zlib1g libzstd1 libcmocka0 libnftnl11 libmnl0 base-passwd"
# The sysroot holds these alone (not what they depend on): libc and the
# kernel headers come from Debian's cross toolchain (libc6-dev-arm64-cross).
DEV_PKGS="libbpf-dev libbpf1 libelf-dev libelf1 zlib1g-dev zlib1g libzstd-dev
libzstd1 libcmocka-dev libcmocka0 libnftnl-dev libnftnl11 libmnl-dev libmnl0"

apt() { "$HERE/apt.sh" "$SUITE" "$@"; }
die() { echo "arm64: $*" >&2; exit 1; }
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd -P)
WORK=$(mktemp -d "$OUT/root.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# The .deb files of PKGS and all they depend on, as if nothing were installed.
debs() {
	# shellcheck disable=SC2068 # a word list
	apt apt-get -q -y --no-install-recommends install --download-only $@ >/dev/null ||
		die "cannot download: $*"
	# shellcheck disable=SC2068
	apt apt-get -q -y --no-install-recommends install -s $@ |
		sed -n 's/^Inst \([^ ]*\) (\([^ ]*\) [^[]*\[\([a-z0-9]*\)\]).*/\1_\2_\3.deb/p' |
		sed 's/:/%3a/'
}
# Unpacks debs into a merged-/usr tree (as Debian's installer makes it).
unpack() {
	local dir=$1 f
	shift
	mkdir -p "$dir/usr/bin" "$dir/usr/sbin" "$dir/usr/lib"
	for l in bin sbin lib; do [ -e "$dir/$l" ] || ln -s "usr/$l" "$dir/$l"; done
	for f in "$@"; do
		[ -f "$CACHEDIR/$f" ] || die "$f was not downloaded"
		dpkg-deb --fsys-tarfile "$CACHEDIR/$f" |
			tar -x --keep-directory-symlink -C "$dir" ||
			die "cannot unpack $f"
	done
}

echo "arm64: building the guest root and the sysroot in $OUT" >&2
# shellcheck disable=SC2046,SC2086
unpack "$WORK/root" $(debs $ROOT_PKGS)
R=$WORK/root
# What the packages' scripts would have made.
[ -e "$R/bin/sh" ] || ln -s dash "$R/usr/bin/sh"
[ -e "$R/usr/bin/awk" ] || ln -s mawk "$R/usr/bin/awk"
cp "$R/usr/share/base-passwd/passwd.master" "$R/etc/passwd"
cp "$R/usr/share/base-passwd/group.master" "$R/etc/group"
mkdir -p "$R/proc" "$R/sys" "$R/dev" "$R/run" "$R/tmp" "$R/var/tmp" "$R/root" "$R/boot" "$R/mnt"
chmod 1777 "$R/tmp" "$R/var/tmp"
echo "arm64-vm" >"$R/etc/hostname"
# Empty, as in container images: systemd's postinst would have filled it;
# the journald test binds a machine id over it.
: >"$R/etc/machine-id"
# No ldconfig ran: the dynamic loader finds the libraries in its default
# (multiarch) directories.
# Documentation and translations no test reads (40 MB of 220), left out as
# Debian's slim container images leave them out (dpkg path-exclude).
rm -rf "$R/usr/share/doc" "$R/usr/share/man" "$R/usr/share/info" "$R/usr/share/locale"

# shellcheck disable=SC2046,SC2086
unpack "$WORK/sysroot" $(debs $DEV_PKGS | grep -E "^($(echo $DEV_PKGS | tr ' ' '|'))_")

mkdir "$WORK/bb"
# shellcheck disable=SC2046
unpack "$WORK/bb" $(debs busybox-static)
cp "$WORK/bb/usr/bin/busybox" "$WORK/busybox"

rm -rf "$OUT/root" "$OUT/sysroot"
mv "$WORK/root" "$WORK/sysroot" "$WORK/busybox" "$OUT/"
# Absolute symbolic links in the sysroot would point into the host's /.
find "$OUT/sysroot" -type l -lname '/*' | while read -r l; do
	ln -sfr "$OUT/sysroot$(readlink "$l")" "$l"
done
touch "$OUT/.stamp"
echo "arm64: root $(du -sm "$OUT/root" | cut -f1) MB, sysroot $(du -sm "$OUT/sysroot" | cut -f1) MB" >&2
