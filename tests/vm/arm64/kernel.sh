#!/bin/bash
# kernel.sh KERNEL OUTDIR: put in OUTDIR one of Debian's arm64 stock kernels
# (vmlinuz: a raw arm64 Image, qemu boots it as it is; its config; btf, the
# kernel's own BTF copied out of the Image by vmlinux/image-btf.py) and a
# small initramfs (initrd.img): a static arm64 busybox, the modules the VM
# and the tests need, and tests/vm/arm64/init as /init.
#
# KERNEL: 6.1 (bookworm's linux-image-arm64), 6.12 (trixie's), or the path of
# an arm64 linux-image-*.deb. Nothing is done when OUTDIR is newer than this
# script and the init. The package is downloaded through tests/vm/arm64/apt.sh
# (never installed) into VM_KERNEL_CACHE/debs (default ARM64_CACHE/debs).
# Needs: apt-get, dpkg-deb, gzip, xz, python3, busybox-static (for depmod and
# cpio, which read arm64 files as well), and tests/vm/arm64/root.sh's busybox.
set -eu
[ $# -eq 2 ] || { echo "usage: $0 6.1|6.12|FILE.deb OUTDIR" >&2; exit 2; }
KERNEL=$1
OUT=$2
HERE=$(cd "$(dirname "$0")" && pwd -P)
REPO=$(cd "$HERE/../../.." && pwd -P)
export ARM64_CACHE=${ARM64_CACHE:-$REPO/build/cache/arm64}
BUSYBOX=/bin/busybox
die() { echo "vm: $*" >&2; exit 1; }

MODULES="virtio_pci virtio_rng 9pnet_virtio 9p overlay
veth dummy tun inet_diag tcp_diag udp_diag raw_diag mptcp_diag unix_diag
netlink_diag af_packet_diag"

if [ -f "$OUT/vmlinuz" ] && [ -f "$OUT/initrd.img" ] &&
	[ "$OUT/initrd.img" -nt "$HERE/kernel.sh" ] && [ "$OUT/initrd.img" -nt "$HERE/init" ]; then
	exit 0
fi
"$HERE/root.sh" "$ARM64_CACHE/userland"

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd -P)
case $KERNEL in
*.deb) DEB=$KERNEL ;;
6.1 | 6.12)
	[ "$KERNEL" = 6.1 ] && SUITE=bookworm || SUITE=trixie
	apt() { "$HERE/apt.sh" "$SUITE" "$@"; }
	PKG=$(apt apt-cache depends linux-image-arm64 |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-arm64\)$/\1/p' | head -n 1)
	[ -n "$PKG" ] || die "$SUITE has no linux-image-arm64?"
	DEBS=${VM_KERNEL_CACHE:-$ARM64_CACHE}/debs
	mkdir -p "$DEBS"
	DEB=$(find "$DEBS" -maxdepth 1 -name "${PKG}_*_arm64.deb" | sort | tail -n 1)
	if [ -z "$DEB" ]; then
		echo "vm: fetching $PKG ($SUITE, arm64)" >&2
		(cd "$DEBS" && flock "$DEBS/.lock" "$HERE/apt.sh" "$SUITE" apt-get download -q "$PKG" >/dev/null)
		DEB=$(find "$DEBS" -maxdepth 1 -name "${PKG}_*_arm64.deb" | sort | tail -n 1)
	fi ;;
*) die "unknown arm64 kernel '$KERNEL' (6.1, 6.12 or a .deb)" ;;
esac

WORK=$(mktemp -d "$OUT/kernel.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
dpkg-deb -x "$DEB" "$WORK/pkg"
MODBASE=$WORK/pkg/lib/modules
[ -d "$MODBASE" ] || MODBASE=$WORK/pkg/usr/lib/modules
KVER=$(ls "$MODBASE")
MODDIR=$MODBASE/$KVER
VMLINUZ=$WORK/pkg/boot/vmlinuz-$KVER
[ -f "$VMLINUZ" ] || die "no vmlinuz-$KVER in $DEB"
# Modules compressed with xz (6.12): busybox reads them plain.
find "$MODDIR" -name '*.ko.xz' -exec xz -d {} +
"$BUSYBOX" depmod -b "${MODBASE%/lib/modules}" "$KVER"

FILES=$(awk -v want="$MODULES" '
	function base(p) { sub(/.*\//, "", p); sub(/\.ko.*$/, "", p); gsub(/-/, "_", p); return p }
	{ f = $1; sub(/:$/, "", f); path[base(f)] = f; deps[f] = "" }
	{ for (i = 2; i <= NF; i++) deps[f] = deps[f] " " $i }
	function add(f,   n, d, i) {
		if (f in seen) return
		seen[f] = 1; print f
		n = split(deps[f], d, " ")
		for (i = 1; i <= n; i++) add(d[i])
	}
	END {
		n = split(want, w, /[ \n]+/)
		for (i = 1; i <= n; i++)
			if (w[i] in path) add(path[w[i]])
	}' "$MODDIR/modules.dep")

R=$WORK/initramfs
mkdir -p "$R/bin" "$R/sbin" "$R/proc" "$R/sys" "$R/dev" "$R/mnt/root" "$R/lib/modules/$KVER" "$R/etc" "$R/boot"
cp "$ARM64_CACHE/userland/busybox" "$R/bin/busybox"
for app in $("$BUSYBOX" --list); do
	[ "$app" = busybox ] || ln -s busybox "$R/bin/$app"
done
ln -s ../bin/busybox "$R/sbin/modprobe"
for f in $FILES; do
	mkdir -p "$R/lib/modules/$KVER/$(dirname "$f")"
	cp "$MODDIR/$f" "$R/lib/modules/$KVER/$f"
done
cp "$MODDIR/modules.builtin" "$MODDIR/modules.order" "$R/lib/modules/$KVER/"
"$BUSYBOX" depmod -b "$R" "$KVER"
# shellcheck disable=SC2086 # one module a line
printf "%s\n" $MODULES >"$R/etc/vm-modules"
cp "$WORK/pkg/boot/config-$KVER" "$R/boot/"
cp "$HERE/init" "$R/init"
chmod 755 "$R/init"
(cd "$R" && find . | "$BUSYBOX" cpio -o -H newc -R 0:0 2>/dev/null) | gzip -6 >"$WORK/initrd.img"

"$REPO/vmlinux/image-btf.py" "$VMLINUZ" "$WORK/btf"
cp "$WORK/pkg/boot/config-$KVER" "$OUT/config"
mv "$WORK/btf" "$OUT/btf"
echo "$(basename "$DEB" .deb) $KVER" >"$OUT/version"
cp "$VMLINUZ" "$OUT/vmlinuz"
mv "$WORK/initrd.img" "$OUT/initrd.img"
echo "vm: $OUT has $KVER (arm64; $(du -k "$OUT/initrd.img" | cut -f1) KiB initramfs)" >&2
