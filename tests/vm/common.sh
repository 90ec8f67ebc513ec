# Sourced by tests/vm/run.sh and tests/vm/arm64/run.sh with their arguments:
# what both VM runners share. First the options both take: the caller sets
# the defaults (KERNEL, TIMEOUT, MEM, SMP), VM_KERNELS (the kernels its usage
# line names) and VM_QEMU/VM_QEMU_PKG (the emulator and its Debian package);
# COMMAND is left in "$@". Then guest_command, which writes what the guest's
# init runs, and guest_exit, which ends the runner with the guest's status.
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

# guest_command DIR REPO COMMAND...: DIR/repo (the directory to mount) and
# DIR/cmd (the script the guest's init runs: COMMAND in REPO, as in CI).
guest_command() {
	_dir=$1 _repo=$2
	shift 2
	printf '%s\n' "$_repo" >"$_dir/repo"
	{
		# shellcheck disable=SC2016 # expanded in the guest
		echo 'echo "vm: command starts after $(cut -d" " -f1 /proc/uptime) s of uptime"'
		echo "cd $(quote "$_repo") || exit 125"
		echo "export CI=true PORTSNOOP_IN_VM=1"
		printf 'exec'
		for _a in "$@"; do printf ' %s' "$(quote "$_a")"; done
		echo
	} >"$_dir/cmd"
}

# One shell word, single-quoted.
quote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

# guest_exit QEMU_STATUS DIR SECONDS WHERE: exit with the status the guest
# wrote in DIR/status; 124 when qemu was timed out, 125 when the guest wrote
# none (it never booted, or panicked).
guest_exit() {
	if [ "$1" -eq 124 ]; then
		echo "vm: timed out after ${TIMEOUT}s; qemu killed" >&2
		exit 124
	fi
	if [ ! -s "$2/status" ]; then
		echo "vm: the guest wrote no exit status (qemu exit $1, ${3}s): boot failure or kernel panic?" >&2
		exit 125
	fi
	_status=$(cat "$2/status")
	if [ -s "$2/results" ]; then sed 's/^/vm| /' "$2/results" >&2; fi
	echo "vm: command exited $_status after ${3}s in $4" >&2
	exit "$_status"
}

# For every guest kernel: an emulated CPU (TCG) on a busy host can go 21 s
# (the kernel's default RCU stall timeout) without running, and the guest
# then reports an RCU stall that no code of ours caused, which stops the
# run (tests/vm/run.sh's console watcher); likewise a soft lockup after
# 20 s (2 x watchdog_thresh; seen in CI while the host built in parallel:
# "CPU#1 stuck for 22s! [bindloop]"). A minute for each is still far below
# the per-test timeout, so a stall or lockup we cause is still caught.
# A report is worth little without the stack that follows it: `quiet`
# leaves only errors on the console and the call trace is printed at the
# default level (4), so the console shows level 4 too (loglevel=5), and a
# soft lockup also prints every other CPU's stack (what the stuck one may
# be waiting for). The watcher keeps 40 lines of it.
GUEST_APPEND="rcupdate.rcu_cpu_stall_timeout=60 watchdog_thresh=30 loglevel=5 softlockup_all_cpu_backtrace=1"
