#!/bin/bash
# kernel.sh KERNEL OUTDIR: put in OUTDIR one of Debian's stock kernels
# (vmlinuz, its config) and a small initramfs (initrd.img) that boots it as a
# test VM: busybox, the modules that mount the host's root (virtio 9p, or
# virtiofs where the kernel has no 9p) and the ones the tests need, and
# tests/vm/init as /init. OUTDIR/fs says which share the kernel uses,
# OUTDIR/version which package and release it is.
#
# KERNEL is a name from the table below (5.10, 6.1, 6.12, 6.12-rt,
# 6.12-cloud, 7.2) or the path of a kernel .deb (a linux-image-* package;
# when its vmlinuz and modules are in separate linux-binary-*/linux-modules-*
# packages, as in sid, those are looked for next to it).
#
# Nothing is done when OUTDIR is newer than this script and the init
# (VM_REFRESH=1 builds it again, and asks the archive again which version a
# name means). Packages come from Debian's archive through a private apt
# configuration (its own sources list, lists and cache); they are downloaded,
# never installed. Downloads and lists are kept in VM_KERNEL_CACHE (default
# OUTDIR/../cache), which several checkouts may share.
# Needs: apt-get, dpkg-deb, gzip, flock, busybox-static (zstd for .ko.zst).
set -eu

[ $# -eq 2 ] || { echo "usage: $0 KERNEL OUTDIR" >&2; exit 2; }
KERNEL=$1
OUT=$2
HERE=$(cd "$(dirname "$0")" && pwd -P)
die() { echo "vm: $*" >&2; exit 1; }

# name -> Debian suite and the metapackage that points at that flavour's
# current kernel there. Exact package names are read from the metapackage.
suite_of() {
	case $1 in
	5.10) echo "bullseye linux-image-amd64" ;;
	6.1) echo "bookworm linux-image-amd64" ;;
	6.12) echo "trixie linux-image-amd64" ;;
	6.12-rt) echo "trixie linux-image-rt-amd64" ;;
	6.12-cloud) echo "trixie linux-image-cloud-amd64" ;;
	7.2) echo "sid linux-image-amd64" ;;
	*) return 1 ;;
	esac
}
KNOWN="5.10 6.1 6.12 6.12-rt 6.12-cloud 7.2"

# Modules loaded at boot (with what they depend on). Those that are built in
# (=y in the kernel's config) or absent are skipped. Kernel module requests
# made later (by the kernel itself) are served by busybox modprobe from this
# same set.
MODULES="virtio_pci virtio_rng 9pnet_virtio 9p fuse virtiofs overlay
veth dummy tun inet_diag tcp_diag udp_diag raw_diag mptcp_diag unix_diag
netlink_diag af_packet_diag"

if [ "${VM_REFRESH:-0}" != 1 ] && [ -f "$OUT/vmlinuz" ] && [ -f "$OUT/initrd.img" ] &&
	[ -f "$OUT/fs" ] && [ "$OUT/initrd.img" -nt "$HERE/kernel.sh" ] &&
	[ "$OUT/initrd.img" -nt "$HERE/init" ]; then
	exit 0
fi

for tool in apt-get apt-cache dpkg-deb gzip flock; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (a Debian system is needed)"
done
# The initramfs needs a statically linked busybox: Debian's busybox-static.
BUSYBOX=/bin/busybox
dpkg-query -W -f='${Status}\n' busybox-static 2>/dev/null | grep -q "ok installed" ||
	die "busybox-static is missing: apt-get install busybox-static (scripts/deps.sh)"

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd -P)
CACHE=${VM_KERNEL_CACHE:-$OUT/../cache}
mkdir -p "$CACHE/debs"
CACHE=$(cd "$CACHE" && pwd -P)
WORK=$(mktemp -d "$OUT/../kernel.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# The archive this machine's apt already uses (its first Debian source that
# is not the security archive), or VM_DEBIAN_MIRROR.
mirror() {
	if [ -n "${VM_DEBIAN_MIRROR:-}" ]; then
		echo "$VM_DEBIAN_MIRROR"
		return
	fi
	local m
	m=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
		sed -n 's/^URIs: *//p' | tr ' ' '\n' | grep -v -- '-security' | grep /debian | head -n 1)
	[ -n "$m" ] || m=$(sed -n 's/^deb  *\(\[[^]]*\]  *\)\{0,1\}\([^ ]*\) .*/\2/p' \
		/etc/apt/sources.list 2>/dev/null | grep -v -- '-security' | grep /debian | head -n 1)
	echo "${m:-http://deb.debian.org/debian}"
}

# apt-get/apt-cache on one suite only, with its own state under the cache:
# the machine's apt configuration is read, never changed.
APT_DIR=
apt_suite() { # SUITE: sets APT_OPTS, updating the suite's lists when old
	local suite=$1
	APT_DIR=$CACHE/apt/$suite
	mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/cache/archives/partial"
	local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	echo "deb [signed-by=$keyring] $(mirror) $suite main" >"$APT_DIR/sources.list"
	APT_OPTS="-o Dir::Etc::sourcelist=$APT_DIR/sources.list -o Dir::Etc::sourceparts=/dev/null
		-o Dir::Etc::preferences=/dev/null -o Dir::Etc::preferencesparts=/dev/null
		-o Dir::State::Lists=$APT_DIR/lists -o Dir::Cache=$APT_DIR/cache
		-o APT::Sandbox::User=root -o Debug::NoLocking=true"
	if [ "${VM_REFRESH:-0}" = 1 ] || [ ! -f "$APT_DIR/updated" ] ||
		[ -n "$(find "$APT_DIR/updated" -mmin +1440)" ]; then
		echo "vm: reading Debian's $suite package list" >&2
		# shellcheck disable=SC2086 # options, one word each
		apt-get $APT_OPTS -q update >"$WORK/apt.log" 2>&1 ||
			{ cat "$WORK/apt.log" >&2; die "apt-get update of $suite failed"; }
		touch "$APT_DIR/updated"
	fi
}

# The exact package a metapackage (or a versioned image) depends on.
depends_on() { # PACKAGE REGEX
	# shellcheck disable=SC2086
	apt-cache $APT_OPTS show "$1" 2>/dev/null | sed -n 's/^Depends: //p' | head -n 1 |
		tr ',' '\n' | sed 's/^ *//; s/ .*//; s/|.*//' | grep -E "^$2\$" || true
}

# Fetch the packages of KERNEL into the cache (once); sets DEBS.
fetch() {
	local suite meta image abi pkgs p d
	read -r suite meta <<<"$(suite_of "$KERNEL")"
	apt_suite "$suite"
	image=$(depends_on "$meta" 'linux-image-[0-9].*' | head -n 1)
	[ -n "$image" ] || die "Debian's $suite has no $meta (mirror $(mirror))"
	abi=${image#linux-image-}
	# sid splits the image: vmlinuz in linux-binary-*, modules in
	# linux-modules-*, config in linux-base-*.
	pkgs="$image $(depends_on "$image" "linux-(binary|modules|base)-$(printf '%s' "$abi" |
		sed 's/[.+]/\\&/g')" | tr '\n' ' ')"
	DEBS=
	for p in $pkgs; do
		if ! [ -f "$(echo "$CACHE/debs/${p}"_*.deb)" ]; then
			echo "vm: downloading $p ($suite)" >&2
			# shellcheck disable=SC2086
			(cd "$WORK" && apt-get $APT_OPTS -q download "$p" >"$WORK/apt.log" 2>&1) ||
				{ cat "$WORK/apt.log" >&2; die "cannot download $p"; }
			mv "$WORK/${p}"_*.deb "$CACHE/debs/"
		fi
		for d in "$CACHE/debs/${p}"_*.deb; do DEBS="$DEBS $d"; done
	done
	PKG=$image
}

if suite_of "$KERNEL" >/dev/null; then
	# One fetch at a time per cache: apt's lists and the downloads are shared.
	exec 9>"$CACHE/lock"
	flock 9
	fetch
	flock -u 9
elif [ -f "$KERNEL" ] && [ "${KERNEL%.deb}" != "$KERNEL" ]; then
	PKG=$(dpkg-deb -f "$KERNEL" Package)
	DEBS=$KERNEL
	abi=${PKG#linux-image-}
	for p in "$(dirname "$KERNEL")"/linux-binary-"$abi"_*.deb \
		"$(dirname "$KERNEL")"/linux-modules-"$abi"_*.deb \
		"$(dirname "$KERNEL")"/linux-base-"$abi"_*.deb; do
		[ ! -f "$p" ] || DEBS="$DEBS $p"
	done
else
	die "unknown kernel '$KERNEL': one of $KNOWN, or the path of a linux-image .deb"
fi

for d in $DEBS; do dpkg-deb -x "$d" "$WORK/pkg"; done
# Modules in /lib/modules (bullseye, bookworm) or /usr/lib/modules (trixie, sid).
MODDIR=
for d in "$WORK"/pkg/lib/modules/* "$WORK"/pkg/usr/lib/modules/*; do
	[ ! -d "$d/kernel" ] || MODDIR=$d
done
[ -n "$MODDIR" ] || die "no modules in $DEBS"
KVER=$(basename "$MODDIR")
VMLINUZ='' CONFIG=''
for f in "$WORK/pkg/boot/vmlinuz-$KVER" "$MODDIR/vmlinuz"; do [ ! -f "$f" ] || VMLINUZ=$f; done
for f in "$WORK/pkg/boot/config-$KVER" "$MODDIR/config"; do [ ! -f "$f" ] || CONFIG=$f; done
[ -n "$VMLINUZ" ] || die "no vmlinuz for $KVER in $DEBS"
[ -n "$CONFIG" ] || die "no config for $KVER in $DEBS"

# How the guest mounts the host: 9p where the kernel has it, else virtiofs
# (the cloud flavour has no 9p).
has() { grep -Eq "^CONFIG_$1=(y|m)\$" "$CONFIG"; }
if has NET_9P && has NET_9P_VIRTIO && has 9P_FS; then
	FS=9p
elif has VIRTIO_FS; then
	FS=virtiofs
else
	die "$KVER has neither 9p nor virtiofs: the VM cannot mount the host"
fi

# The initramfs tree: busybox and its applets, the modules, /init.
R=$WORK/initramfs
mkdir -p "$R/bin" "$R/sbin" "$R/proc" "$R/sys" "$R/dev" "$R/mnt/root" "$R/lib/modules/$KVER" "$R/etc"
cp "$BUSYBOX" "$R/bin/busybox"
for app in $("$BUSYBOX" --list); do
	[ "$app" = busybox ] || ln -s busybox "$R/bin/$app"
done
ln -s ../bin/busybox "$R/sbin/modprobe" # the kernel's default modprobe path

# The modules named above and, transitively, what they depend on (their
# .modinfo "depends="), uncompressed: busybox's modprobe and insmod cannot
# be relied on to read .ko.xz or .ko.zst.
declare -A path=() seen=()
while read -r f; do
	b=${f##*/}
	b=${b%%.ko*}
	path[${b//-/_}]=$f
done < <(cd "$MODDIR" && find kernel -name '*.ko*')
add_module() {
	local m=${1//-/_} f dst deps d
	[ -z "${seen[$m]:-}" ] || return 0
	seen[$m]=1
	f=${path[$m]:-}
	if [ -z "$f" ]; then
		echo "vm: $KVER: not a module (built in or absent): $m" >&2
		return 0
	fi
	dst=$R/lib/modules/$KVER/${f%.ko*}.ko
	mkdir -p "$(dirname "$dst")"
	case $f in
	*.ko.xz) "$BUSYBOX" xz -dc "$MODDIR/$f" >"$dst" ;;
	*.ko.zst) zstd -qdc "$MODDIR/$f" >"$dst" ;;
	*.ko.gz) gzip -dc "$MODDIR/$f" >"$dst" ;;
	*) cp "$MODDIR/$f" "$dst" ;;
	esac
	deps=$(tr '\0' '\n' <"$dst" | sed -n 's/^depends=//p' | head -n 1)
	for d in ${deps//,/ }; do add_module "$d"; done
}
for m in $MODULES; do add_module "$m"; done
for f in modules.builtin modules.order; do
	[ ! -f "$MODDIR/$f" ] || cp "$MODDIR/$f" "$R/lib/modules/$KVER/"
done
sed -i 's/\.ko\.[a-z]*$/.ko/' "$R/lib/modules/$KVER/modules.order" 2>/dev/null || true
"$BUSYBOX" depmod -b "$R" "$KVER"
# The ones to load at boot: those that are modules in this kernel.
for m in $MODULES; do
	[ -z "${path[${m//-/_}]:-}" ] || echo "$m"
done >"$R/etc/vm-modules"
echo "$FS" >"$R/etc/vm-fs"
# For tools that read /boot/config-$(uname -r), e.g. bpftool feature probe.
mkdir -p "$R/boot"
cp "$CONFIG" "$R/boot/config-$KVER"
cp "$HERE/init" "$R/init"
chmod 755 "$R/init"

(cd "$R" && find . | "$BUSYBOX" cpio -o -H newc -R 0:0 2>/dev/null) | gzip -6 >"$WORK/initrd.img"
cp "$VMLINUZ" "$WORK/vmlinuz"
cp "$CONFIG" "$OUT/config"
echo "$FS" >"$OUT/fs"
echo "$PKG $KVER" >"$OUT/version"
mv "$WORK/vmlinuz" "$OUT/vmlinuz"
mv "$WORK/initrd.img" "$OUT/initrd.img"
echo "vm: $OUT has $PKG ($KVER, $FS, $(du -k "$OUT/initrd.img" | cut -f1) KiB initramfs)" >&2
