#!/bin/bash
# kernel.sh OUTDIR: put in OUTDIR a Debian stock kernel (vmlinuz) and a small
# initramfs (initrd.img) that boots it as a test VM: busybox, the modules that
# mount the host's root over virtio 9p and the ones the tests need, and
# tests/vm/init as /init. Does nothing when both files are newer than this
# script and the init. Needs: apt-get, dpkg-deb, gzip, busybox-static.
set -eu

[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
OUT=$1
HERE=$(cd "$(dirname "$0")" && pwd -P)

# Modules loaded at boot (with what they depend on). Those that are built in
# (=y in Debian's config) are skipped. Kernel module requests made later (by
# the kernel itself) are served by busybox modprobe from this same set.
MODULES="virtio_pci virtio_rng 9pnet_virtio 9p overlay
veth dummy tun inet_diag tcp_diag udp_diag raw_diag mptcp_diag unix_diag
netlink_diag af_packet_diag"

if [ -f "$OUT/vmlinuz" ] && [ -f "$OUT/initrd.img" ] &&
	[ "$OUT/vmlinuz" -nt "$HERE/kernel.sh" ] && [ "$OUT/initrd.img" -nt "$HERE/kernel.sh" ] &&
	[ "$OUT/initrd.img" -nt "$HERE/init" ]; then
	exit 0
fi

die() { echo "vm: $*" >&2; exit 1; }
for tool in apt-cache apt-get dpkg-deb gzip; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (a Debian system is needed)"
done
# The initramfs needs a statically linked busybox: Debian's busybox-static.
BUSYBOX=/bin/busybox
dpkg-query -W -f='${Status}\n' busybox-static 2>/dev/null | grep -q "ok installed" ||
	die "busybox-static is missing: apt-get install busybox-static (scripts/deps.sh)"

# Which versioned kernel package the linux-image-amd64 metapackage pulls in.
PKG=$(apt-cache depends linux-image-amd64 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -n 1)
[ -n "$PKG" ] || die "apt-cache knows no linux-image-amd64: run apt-get update"

mkdir -p "$OUT"
WORK=$(mktemp -d "$OUT/kernel.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
echo "vm: fetching $PKG" >&2
# Download only: installing it would run the kernel hooks on this machine.
(cd "$WORK" && apt-get download -q -o APT::Sandbox::User=root "$PKG" >/dev/null)
dpkg-deb -x "$WORK"/"$PKG"_*.deb "$WORK/pkg"
KVER=$(ls "$WORK/pkg/lib/modules")
MODDIR=$WORK/pkg/lib/modules/$KVER
[ -f "$WORK/pkg/boot/vmlinuz-$KVER" ] || die "no vmlinuz-$KVER in $PKG"

# The package has no modules.dep (its postinst makes it): busybox depmod does.
"$BUSYBOX" depmod -b "$WORK/pkg" "$KVER"

# The modules named above and, transitively, everything they depend on.
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
			else print "vm: not a module (built in?): " w[i] > "/dev/stderr"
	}' "$MODDIR/modules.dep")

# The initramfs tree: busybox and its applets, the modules, /init.
R=$WORK/initramfs
mkdir -p "$R/bin" "$R/sbin" "$R/proc" "$R/sys" "$R/dev" "$R/mnt/root" "$R/lib/modules/$KVER" "$R/etc"
cp "$BUSYBOX" "$R/bin/busybox"
for app in $("$BUSYBOX" --list); do
	[ "$app" = busybox ] || ln -s busybox "$R/bin/$app"
done
ln -s ../bin/busybox "$R/sbin/modprobe" # the kernel's default modprobe path
for f in $FILES; do
	mkdir -p "$R/lib/modules/$KVER/$(dirname "$f")"
	cp "$MODDIR/$f" "$R/lib/modules/$KVER/$f"
done
cp "$MODDIR/modules.builtin" "$MODDIR/modules.order" "$R/lib/modules/$KVER/"
"$BUSYBOX" depmod -b "$R" "$KVER"
# shellcheck disable=SC2086 # one module a line
printf "%s\n" $MODULES >"$R/etc/vm-modules"
# For tools that read /boot/config-$(uname -r), e.g. bpftool feature probe.
mkdir -p "$R/boot"
cp "$WORK/pkg/boot/config-$KVER" "$R/boot/"
cp "$HERE/init" "$R/init"
chmod 755 "$R/init"

(cd "$R" && find . | "$BUSYBOX" cpio -o -H newc -R 0:0 2>/dev/null) | gzip -6 >"$WORK/initrd.img"
cp "$WORK/pkg/boot/vmlinuz-$KVER" "$WORK/vmlinuz"
echo "$PKG $KVER" >"$OUT/version"
mv "$WORK/vmlinuz" "$OUT/vmlinuz"
mv "$WORK/initrd.img" "$OUT/initrd.img"
echo "vm: $OUT has $PKG ($(du -k "$OUT/initrd.img" | cut -f1) KiB initramfs)" >&2
