#!/bin/sh
# run.sh [--arch arm64] [--kernel K] [--timeout SECONDS] [--mem MB] [--smp N] -- COMMAND...
# Runs COMMAND as root in a qemu VM (TCG: no KVM needed) on one of Debian's
# stock kernels, with this machine's root file system read-only as the VM's
# root and the repository containing this script as the working directory
# (writable, changes thrown away). The guest console streams to stdout.
#
# K: 5.10, 6.1 (the default, or $VM_KERNEL), 6.12, 6.12-rt, 6.12-cloud, 7.2,
# or the path of a kernel .deb (tests/vm/kernel.sh). --arch arm64 (first)
# hands everything to tests/vm/arm64/run.sh: an arm64 guest, K 6.1 or 6.12.
#
# Exits with COMMAND's status; 123 when the guest kernel reported a soft
# lockup, an RCU stall, a BUG, an Oops or a panic (the run is stopped at
# once and those lines are printed again); 124 on timeout; 125 if the guest
# never reported a status (boot failure).
#
# In the VM, CI=true and PORTSNOOP_IN_VM=1 are set for COMMAND: the VM exists
# to run the live tests, so one that cannot run there is a failure.
# VM_DIR (default build/vm in the repository) holds one built kernel and
# initramfs per K; VM_KERNEL_CACHE (default VM_DIR/cache) the downloaded
# packages and the private apt lists, and may be shared by checkouts.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd -P)
REPO=$(cd "$HERE/../.." && pwd -P)
case ${1:-}/${2:-} in
--arch/arm64) shift 2; exec "$HERE/arm64/run.sh" "$@" ;;
--arch/x86 | --arch/x86_64 | --arch/amd64) shift 2 ;;
--arch/*) echo "vm: no VM for --arch ${2:-} (x86, arm64)" >&2; exit 2 ;;
esac
KERNEL=${VM_KERNEL:-6.1}
TIMEOUT=1800
MEM=2048
SMP=${VM_SMP:-2}
VM_KERNELS="5.10|6.1|6.12|6.12-rt|6.12-cloud|7.2"
VM_QEMU=qemu-system-x86_64 VM_QEMU_PKG=qemu-system-x86
. "$HERE/common.sh"

VM_DIR=${VM_DIR:-$REPO/build/vm}
mkdir -p "$VM_DIR"
VM_DIR=$(cd "$VM_DIR" && pwd -P)
case $KERNEL in
*.deb) [ -f "$KERNEL" ] || { echo "vm: no such file: $KERNEL" >&2; exit 2; }
	KERNEL=$(cd "$(dirname "$KERNEL")" && pwd -P)/$(basename "$KERNEL")
	KDIR=$VM_DIR/deb-$(basename "$KERNEL" .deb) ;;
*/* | .*) echo "vm: unknown kernel '$KERNEL'" >&2; exit 2 ;;
*) KDIR=$VM_DIR/$KERNEL ;;
esac
"$HERE/kernel.sh" "$KERNEL" "$KDIR"
FS=$(cat "$KDIR/fs")

# RUN: the console pipe, virtiofsd sockets and logs; RUN/share is the
# results share: the command to run, the repository path; the guest writes
# its status there.
RUN=$(mktemp -d "$VM_DIR/run.XXXXXX")
OUT=$RUN/share
mkdir "$OUT"
pids=
# shellcheck disable=SC2317 # run by the trap
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
guest_command "$OUT" "$REPO" "$@"

# The two shared trees: over 9p by qemu itself, or over virtiofs by one
# virtiofsd each (it needs guest memory that it can map: a memfd backend).
if [ "$FS" = virtiofs ]; then
	VIRTIOFSD=${VIRTIOFSD:-/usr/lib/qemu/virtiofsd}
	[ -x "$VIRTIOFSD" ] || { echo "vm: $VIRTIOFSD is missing (qemu-system-x86)" >&2; exit 1; }
	# The host's root is read-only to the guest and cached by it for good,
	# as 9p's cache=loose does: under cache=auto the guest asks virtiofsd
	# again about names older than 1 s, on each of the suite's execs, and
	# the fentry suite took 554-570 s on 6.12-cloud (557 s on the generic
	# 6.12 forced onto virtiofs) against 249 s under cache=always and
	# 259 s over 9p. The results share stays coherent.
	for tag in hostroot vmout; do
		src=/ cache=always
		[ "$tag" = hostroot ] || src=$OUT cache=auto
		"$VIRTIOFSD" --socket-path="$RUN/$tag.sock" -o source="$src" -o sandbox=chroot \
			-o cache=$cache >"$RUN/$tag.log" 2>&1 &
		pids="$pids $!"
	done
	n=0
	while [ ! -S "$RUN/hostroot.sock" ] || [ ! -S "$RUN/vmout.sock" ]; do
		n=$((n + 1))
		if [ $n -gt 100 ]; then
			cat "$RUN"/*.log >&2
			echo "vm: virtiofsd did not start" >&2
			exit 1
		fi
		sleep 0.1
	done
	set -- -object memory-backend-memfd,id=mem,size="${MEM}M",share=on -numa node,memdev=mem \
		-chardev socket,id=hostroot,path="$RUN/hostroot.sock" \
		-device vhost-user-fs-pci,chardev=hostroot,tag=hostroot \
		-chardev socket,id=vmout,path="$RUN/vmout.sock" \
		-device vhost-user-fs-pci,chardev=vmout,tag=vmout
else
	set -- -fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap \
		-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
		-fsdev local,id=vmout,path="$OUT",security_model=none \
		-device virtio-9p-pci,fsdev=vmout,mount_tag=vmout
fi

# The console goes through a watcher: it copies every line to stdout and
# stops the VM at the first sign that the guest kernel is broken or stuck
# (a kernel line, with printk's time stamp). It keeps copying for 2 more
# seconds, for the trace that follows, then the VM is killed.
mkfifo "$RUN/console"
start=$(date +%s)
timeout -k 10 "$TIMEOUT" qemu-system-x86_64 \
	-accel "${VM_ACCEL:-tcg}" -cpu max -smp "$SMP" -m "$MEM" \
	-nodefaults -no-user-config -display none -serial stdio -no-reboot \
	-kernel "$KDIR/vmlinuz" -initrd "$KDIR/initrd.img" \
	-append "console=ttyS0 panic=-1 quiet printk.time=1 mitigations=off $GUEST_APPEND ${VM_APPEND:-}" \
	"$@" -device virtio-rng-pci </dev/null >"$RUN/console" 2>&1 &
qpid=$!
set +e
# mawk fills its whole input buffer before it looks at a line, unless told
# to read interactively.
awk_opts=
if awk -W version 2>&1 | grep -q mawk; then awk_opts="-W interactive"; fi
# shellcheck disable=SC2086 # no option or one, one word each
awk $awk_opts -v qpid="$qpid" -v report="$RUN/fatal" '
	{ sub(/\r$/, ""); print; fflush() }
	fatal == 0 && /^\[ *[0-9]+\.[0-9]+\] / &&
	    /BUG: |Oops|general protection fault|Kernel panic|rcu: INFO: .*detected stall|rcu_.*self-detected stall/ {
		fatal = 1
		system("(sleep 2; kill " qpid ") >/dev/null 2>&1 &")
	}
	fatal > 0 && fatal <= 40 { print >report; fatal++ }
	END { exit fatal ? 3 : 0 }' <"$RUN/console"
watch=$?
wait "$qpid"
rc=$?
set -e
took=$(($(date +%s) - start))
if [ "$watch" -eq 3 ]; then
	echo "vm: STOPPED after ${took}s: the guest kernel reported a lockup, stall or crash:" >&2
	sed 's/^/vm:   /' "$RUN/fatal" >&2
	exit 123
fi
guest_exit "$rc" "$OUT" "$took" "the VM ($(cat "$KDIR/version"), $FS)"
