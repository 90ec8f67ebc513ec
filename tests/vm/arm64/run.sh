#!/bin/sh
# run.sh [--kernel 6.1|6.12|FILE.deb] [--timeout SECONDS] [--mem MB] [--smp N] -- COMMAND...
# tests/vm/run.sh for arm64: runs COMMAND as root in an arm64 qemu VM
# (qemu-system-aarch64 -M virt -cpu max, TCG) on Debian's arm64 stock
# kernel (default 6.1), with the arm64 userland of root.sh as its root and
# the repository containing this script at the same path, as the working
# directory (writable, changes thrown away). Build for arm64 first
# (`make ARCH=arm64 all tests`: build/arm64/). The guest console streams to
# stdout. Exits with COMMAND's status, 124 on timeout, 125 if the guest never
# reported one. VM_DIR (default build/vm-arm64) caches the kernels and
# initramfs; ARM64_CACHE (default build/cache/arm64) the packages and the
# userland. As in tests/vm/run.sh, CI=true and PORTSNOOP_IN_VM=1 are set for
# COMMAND: a live test that cannot run in the VM is a failure.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd -P)
REPO=$(cd "$HERE/../../.." && pwd -P)
KERNEL=6.1
TIMEOUT=1800
MEM=2048
SMP=2
VM_KERNELS="6.1|6.12"
VM_QEMU=qemu-system-aarch64 VM_QEMU_PKG=qemu-system-arm
. "$HERE/../common.sh"

ARM64_CACHE=${ARM64_CACHE:-$REPO/build/cache/arm64}
export ARM64_CACHE
VM_DIR=${VM_DIR:-$REPO/build/vm-arm64}
case $KERNEL in
*.deb) [ -f "$KERNEL" ] || { echo "vm: no such file: $KERNEL" >&2; exit 2; }
	KERNEL=$(cd "$(dirname "$KERNEL")" && pwd -P)/$(basename "$KERNEL")
	KDIR=$VM_DIR/deb-$(basename "$KERNEL" .deb) ;;
6.1 | 6.12) KDIR=$VM_DIR/$KERNEL ;;
*) echo "vm: unknown arm64 kernel '$KERNEL' (6.1, 6.12 or a .deb)" >&2; exit 2 ;;
esac
"$HERE/root.sh" "$ARM64_CACHE/userland"
"$HERE/kernel.sh" "$KERNEL" "$KDIR"
KDIR=$(cd "$KDIR" && pwd -P)
ROOT=$ARM64_CACHE/userland/root

OUT=$(mktemp -d "$KDIR/../run.XXXXXX")
trap 'rm -rf "$OUT"' EXIT
guest_command "$OUT" "$REPO" "$@"

[ -t 0 ] || exec </dev/null
start=$(date +%s)
set +e
# pauth-impdef: pointer authentication with qemu's own cheap hash instead of
# the architected QARMA, which TCG emulates very slowly.
timeout --foreground -k 10 "$TIMEOUT" qemu-system-aarch64 \
	-M virt -accel tcg -cpu max,pauth-impdef=on -smp "$SMP" -m "$MEM" \
	-nodefaults -no-user-config -display none -serial stdio -no-reboot \
	-kernel "$KDIR/vmlinuz" -initrd "$KDIR/initrd.img" \
	-append "console=ttyAMA0 panic=-1 quiet mitigations=off $GUEST_APPEND" \
	-fsdev local,id=armroot,path="$ROOT",security_model=none,readonly=on,multidevs=remap \
	-device virtio-9p-pci,fsdev=armroot,mount_tag=armroot \
	-fsdev local,id=repo,path="$REPO",security_model=none,readonly=on,multidevs=remap \
	-device virtio-9p-pci,fsdev=repo,mount_tag=repo \
	-fsdev local,id=vmout,path="$OUT",security_model=none \
	-device virtio-9p-pci,fsdev=vmout,mount_tag=vmout \
	-device virtio-rng-pci
rc=$?
set -e
took=$(($(date +%s) - start))
guest_exit "$rc" "$OUT" "$took" "the arm64 VM ($(cut -d' ' -f2 "$KDIR/version"))"
