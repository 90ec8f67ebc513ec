#!/bin/sh
# Install, from the distribution's packages, whatever building and testing
# portsnoop needs and is missing. Quiet when nothing is missing.
set -eu

# `deps.sh --list NAME PKG...`: the same for another list (scripts/deps-ship.sh),
# NAME in its messages; where there is no dpkg, that one is an error.
name=deps
not_debian=0
if [ "${1:-}" = --list ]; then
	name=$2
	shift 2
	PKGS="$*"
	not_debian=1
else
	PKGS="make gcc clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev pkg-config
libcmocka-dev iproute2 util-linux python3 python3-jsonschema rsyslog
valgrind libclang-rt-dev qemu-system-x86 busybox-static
libnftnl-dev libmnl-dev nftables iptables prometheus logrotate gzip jq"
	# `deps.sh arm64`: also the cross compiler and qemu for arm64 (make ARCH=arm64).
	[ "${1:-}" != arm64 ] || PKGS="$PKGS gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm
gcc-arm-linux-gnueabihf libc6-dev-armhf-cross"
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "$name: not a Debian/Ubuntu system; make sure these are installed:" $PKGS >&2
	exit $not_debian
fi

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "$name: missing:$missing — run as root, or install them with apt-get" >&2
	exit 1
fi
echo "$name: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq
# Ubuntu ships bpftool in linux-tools rather than in a bpftool package.
case " $missing " in
*" bpftool "*)
	if ! apt-cache show bpftool >/dev/null 2>&1; then
		missing=$(echo "$missing" | sed 's/ bpftool//')
		missing="$missing linux-tools-common linux-tools-$(uname -r)"
	fi
	;;
esac
# shellcheck disable=SC2086
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $missing >/dev/null
