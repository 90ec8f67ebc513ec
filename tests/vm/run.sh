#!/bin/sh
# run.sh [--timeout SECONDS] [--mem MB] -- COMMAND...
# Runs COMMAND as root in a qemu VM (TCG: no KVM needed) on Debian's stock
# kernel, with this machine's root file system read-only as the VM's root and
# the repository containing this script as the working directory (writable,
# changes thrown away). The guest console streams to stdout. Exits with
# COMMAND's status, 124 on timeout, 125 if the guest never reported a status.
# VM_DIR (default build/vm in the repository) caches the kernel and initramfs.
# CI is passed through to COMMAND when set.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd -P)
REPO=$(cd "$HERE/../.." && pwd -P)
TIMEOUT=1800
MEM=2048
while [ $# -gt 0 ]; do
	case $1 in
	--timeout) TIMEOUT=$2; shift 2 ;;
	--mem) MEM=$2; shift 2 ;;
	--) shift; break ;;
	*) echo "usage: $0 [--timeout SECONDS] [--mem MB] -- COMMAND..." >&2; exit 2 ;;
	esac
done
[ $# -gt 0 ] || { echo "usage: $0 [--timeout SECONDS] [--mem MB] -- COMMAND..." >&2; exit 2; }
command -v qemu-system-x86_64 >/dev/null 2>&1 ||
	{ echo "vm: qemu-system-x86_64 is missing: apt-get install qemu-system-x86 (scripts/deps.sh)" >&2; exit 1; }

VM_DIR=${VM_DIR:-$REPO/build/vm}
"$HERE/kernel.sh" "$VM_DIR"
VM_DIR=$(cd "$VM_DIR" && pwd -P)

# The results share: the command to run, the repository path; the guest
# writes its status there.
OUT=$(mktemp -d "$VM_DIR/run.XXXXXX")
trap 'rm -rf "$OUT"' EXIT
q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
printf '%s\n' "$REPO" >"$OUT/repo"
{
	echo "cd $(q "$REPO") || exit 125"
	[ -z "${CI+set}" ] || echo "export CI=$(q "$CI")"
	printf 'exec'
	for a in "$@"; do printf ' %s' "$(q "$a")"; done
	echo
} >"$OUT/cmd"

# Without a terminal, qemu must not read whatever stdin is (or is not).
[ -t 0 ] || exec </dev/null
start=$(date +%s)
set +e
timeout --foreground -k 10 "$TIMEOUT" qemu-system-x86_64 \
	-accel tcg -cpu max -smp 2 -m "$MEM" \
	-nodefaults -no-user-config -display none -serial stdio -no-reboot \
	-kernel "$VM_DIR/vmlinuz" -initrd "$VM_DIR/initrd.img" \
	-append "console=ttyS0 panic=-1 quiet mitigations=off" \
	-fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap \
	-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
	-fsdev local,id=vmout,path="$OUT",security_model=none \
	-device virtio-9p-pci,fsdev=vmout,mount_tag=vmout \
	-device virtio-rng-pci
rc=$?
set -e
took=$(($(date +%s) - start))
if [ $rc -eq 124 ]; then
	echo "vm: timed out after ${TIMEOUT}s; qemu killed" >&2
	exit 124
fi
if [ ! -s "$OUT/status" ]; then
	echo "vm: the guest wrote no exit status (qemu exit $rc, ${took}s): boot failure or kernel panic?" >&2
	exit 125
fi
status=$(cat "$OUT/status")
echo "vm: command exited $status after ${took}s in the VM" >&2
exit "$status"
