# Sourced by tests/vm/run.sh and tests/vm/arm64/run.sh with their arguments:
# the options both VM runners take. The caller sets the defaults (KERNEL,
# TIMEOUT, MEM, SMP), VM_KERNELS (the kernels it names in its usage line)
# and VM_QEMU/VM_QEMU_PKG (the emulator and its Debian package). Leaves
# COMMAND in "$@".
usage() {
	echo "usage: $0 [--kernel $VM_KERNELS|FILE.deb] [--timeout SECONDS] [--mem MB]" \
		"[--smp N] -- COMMAND..." >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) [ $# -ge 2 ] || usage; KERNEL=$2; shift 2 ;;
	--kernel=*) KERNEL=${1#--kernel=}; shift ;;
	--timeout) [ $# -ge 2 ] || usage; TIMEOUT=$2; shift 2 ;;
	--mem) [ $# -ge 2 ] || usage; MEM=$2; shift 2 ;;
	--smp) [ $# -ge 2 ] || usage; SMP=$2; shift 2 ;;
	--) shift; break ;;
	*) usage ;;
	esac
done
[ $# -gt 0 ] || usage
command -v "$VM_QEMU" >/dev/null 2>&1 ||
	{ echo "vm: $VM_QEMU is missing: apt-get install $VM_QEMU_PKG (scripts/deps.sh)" >&2; exit 1; }
