/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Shared by every .bpf.c: the maps (weak, so each object may declare them
 * and the static linker keeps one), the load-time knobs, and the helpers
 * that fill a struct ps_event from the current task and from a socket.
 */
#ifndef PS_COMMON_BPF_H
#define PS_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>
#include "portsnoop.h"

#define AF_INET 2
#define AF_INET6 10
#define AF_UNSPEC 0
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define EINPROGRESS 115
#define ECONNABORTED 103
#define IPPROTO_TCP 6
#define PS_SOCK_STREAM 1

#include "core_fixes.bpf.h"

#define READ_ONCE(x) (*(const volatile typeof(x) *)&(x))

/* Load-time knobs, set by the loader through the skeleton's rodata. */
extern const volatile struct ps_filter filter;

/*
 * Waking the reader costs an irq_work and a context switch: far more than
 * the event itself. Wake it at most once per WAKEUP_INTERVAL_NS; the reader
 * polls again that soon after any batch, so nothing waits longer than that.
 * Keep in step with user/loader/tracer.h's TRACER_LINGER_MS.
 */
#define WAKEUP_INTERVAL_NS (5 * 1000 * 1000)
extern __u64 last_wakeup_ns;

/* The ring buffer every record goes through; size set by the loader. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} events SEC(".maps") __weak;

/* Processes userspace keeps /proc details of (see struct ps_watch). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct ps_watch);
} watched SEC(".maps") __weak;

/* Per-CPU counters, indexed by enum ps_stat. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PS_STAT__MAX);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps") __weak;

/* What a close event needs once the socket is going away: the port it held.
 * Keyed by socket cookie, filled when a bind or listen succeeds. */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct ps_tracked);
} tracked SEC(".maps") __weak;

/*
 * Atomic even though the counter is this CPU's: a program in a syscall can
 * be interrupted by one in softirq (the TCP state change) on the same CPU,
 * and a plain += would then lose a count.
 */
static __always_inline void stat_inc(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &idx);

	if (v)
		__sync_fetch_and_add(v, 1);
}

#define PS_ANCESTORS_MAX 16	/* how far up --children looks */

/* Is the current process filter.tgid, or (--children) one of its descendants? */
static __always_inline bool tgid_wanted(void)
{
	struct task_struct *task = bpf_get_current_task_btf();

	if (task->tgid == filter.tgid)
		return true;
	if (!filter.children)
		return false;
	for (int i = 0; i < PS_ANCESTORS_MAX; i++) {
		task = task->real_parent;
		if (!task)
			return false;
		if (task->tgid == filter.tgid)
			return true;
		if (task->tgid <= 1)
			return false;
	}
	return false;
}

/* Filters on who: checked first, before any socket is looked at. */
static __always_inline bool task_wanted(void)
{
	struct task_struct *task;

	if (filter.tgid && !tgid_wanted())
		return false;
	if (filter.has_uid) {
		task = bpf_get_current_task_btf();
		if (task->cred->uid.val != filter.uid)
			return false;
	}
	if (filter.cgroup_id &&
	    bpf_get_current_ancestor_cgroup_id(filter.cgroup_level) != filter.cgroup_id)
		return false;
	return true;
}

static __always_inline bool port_in(__u16 port)
{
	return filter.ports[(port >> 3) & 8191] & (1u << (port & 7));
}

static __always_inline __u8 proto_bit(__u16 proto)
{
	return proto == 6 ? PS_PROTO_TCP : proto == 17 ? PS_PROTO_UDP :
	       proto == 262 ? PS_PROTO_MPTCP : 0;
}

/* Filters on what: checked on the finished record. */
static __always_inline bool event_wanted(const struct ps_event *e)
{
	if (filter.kinds && !(filter.kinds & (1u << e->kind)))
		return false;
	if (filter.protos && !(filter.protos & proto_bit(e->proto)))
		return false;
	if (filter.families &&
	    !(filter.families & (e->family == AF_INET ? PS_FAMILY_INET :
				 e->family == AF_INET6 ? PS_FAMILY_INET6 : 0)))
		return false;
	if (filter.netns && filter.netns != e->netns)
		return false;
	if (filter.failed_only && (!e->err || e->err == EINPROGRESS))
		return false;
	if (filter.has_ports && !port_in(e->lport) && !port_in(e->rport))
		return false;
	return true;
}

/* Racy across CPUs on purpose: at worst two wakeups instead of one. */
static __always_inline __u64 wakeup_flags(__u64 now)
{
	if (now - last_wakeup_ns < WAKEUP_INTERVAL_NS)
		return BPF_RB_NO_WAKEUP;
	last_wakeup_ns = now;
	return BPF_RB_FORCE_WAKEUP;
}

/* The head of the current process's command line, as its memory holds it. */
static __always_inline void read_argv(struct ps_record *r)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct mm_struct *mm = task->mm;
	unsigned long start, n;

	r->ev.argv_len = 0;
	if (!mm)	/* exiting, or a kernel thread */
		return;
	start = mm->arg_start;
	n = mm->arg_end - start;
	if (n > PS_ARGV_LEN) {
		n = PS_ARGV_LEN;
		r->ev.flags |= PS_F_ARGV_TRUNCATED;
	}
	if (n && !bpf_probe_read_user(r->argv, n, (const void *)start))
		r->ev.argv_len = n;
}

/* Does userspace hold this program's command line already? */
static __always_inline bool cmdline_known(const struct ps_event *e)
{
	__u32 tgid = e->pid;
	struct ps_watch *w = bpf_map_lookup_elem(&watched, &tgid);

	return w && w->has_cmdline && w->start_ns == e->start_ns && w->exec_id == e->exec_id;
}

/* A record of the fixed part alone: no command line. */
static __always_inline void fixed_output(const struct ps_event *e)
{
	struct ps_event *r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);

	if (!r) {
		stat_inc(PS_STAT_RB_DROPS);
		return;
	}
	__builtin_memcpy(r, e, sizeof(*e));
	r->argv_len = 0;
	bpf_ringbuf_submit(r, wakeup_flags(e->ts_ns));
}

/*
 * Hand a finished record to the reader. The fixed part is built on the BPF
 * stack first, so that when the ring is full the program's other effects
 * (tracking a socket for its close) still happen and the loss is counted:
 * generated = delivered + lost, always. The command line is read straight
 * into the ring, unless userspace has it: then the record is the fixed
 * part alone.
 */
static __always_inline void event_output(struct ps_event *e)
{
	struct ps_record *r;

	if (!event_wanted(e))
		return;
	if (cmdline_known(e)) {
		fixed_output(e);
		return;
	}
	r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);
	if (!r) {
		stat_inc(PS_STAT_RB_DROPS);
		return;
	}
	__builtin_memcpy(&r->ev, e, sizeof(*e));
	read_argv(r);
	bpf_ringbuf_submit(r, wakeup_flags(e->ts_ns));
}

/* A record that is complete as it is (a map value), copied in whole. */
static __always_inline void record_output(struct ps_record *r)
{
	if (!event_wanted(&r->ev))
		return;
	if (bpf_ringbuf_output(&events, r, sizeof(*r), wakeup_flags(bpf_ktime_get_ns())))
		stat_inc(PS_STAT_RB_DROPS);
}

/* The process's pid as its own pid namespace numbers it (numbers[level]). */
static __always_inline __u32 task_ns_tgid(struct task_struct *task)
{
	unsigned long pid;
	unsigned int level = task->group_leader->thread_pid->level;
	int nr = 0;

	if (!level)	/* the initial namespace: no pid struct to walk */
		return task->tgid;
	if (bpf_probe_read_kernel(&pid, sizeof(pid), &task->group_leader->thread_pid))
		return 0;
	pid += bpf_core_field_offset(struct pid, numbers) +
	       (unsigned long)level * bpf_core_type_size(struct upid) +
	       bpf_core_field_offset(struct upid, nr);
	bpf_probe_read_kernel(&nr, sizeof(nr), (const void *)pid);
	return nr;
}

/*
 * Everything about the calling task that can vanish once it exits. The
 * task is a BTF pointer: its fields are plain loads, not helper calls.
 */
static __always_inline void fill_task(struct ps_event *e)
{
	struct task_struct *task = bpf_get_current_task_btf();
	const struct cred *cred = task->cred;

	e->ts_ns = bpf_ktime_get_ns();
	e->pid = task->tgid;
	e->tid = task->pid;
	e->uid = cred->uid.val;
	e->gid = cred->gid.val;
	e->cgroup_id = bpf_get_current_cgroup_id();
	e->ppid = task->real_parent->tgid;
	e->start_ns = task_start_boottime(task->group_leader);
	e->ns_pid = task_ns_tgid(task);
	e->exec_id = (__u32)task->self_exec_id;
	__builtin_memcpy(e->comm, task->comm, sizeof(e->comm));
	__builtin_memcpy(e->pcomm, task->real_parent->comm, sizeof(e->pcomm));
}

/*
 * The socket behind a file descriptor of the current task, or NULL when the
 * fd is not a socket. Walks task->files->fdt the way fget() does; past the
 * fd array the pointers are untyped, so the last hops are probe reads.
 */
static __always_inline struct sock *sock_from_fd(int fd)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct fdtable *fdt = task->files->fdt;
	struct file *file;
	struct socket *sock;
	umode_t mode;

	if (fd < 0 || (unsigned int)fd >= fdt->max_fds)
		return NULL;
	if (bpf_probe_read_kernel(&file, sizeof(file), &fdt->fd[fd]) || !file)
		return NULL;
	mode = BPF_CORE_READ(file, f_inode, i_mode);
	if ((mode & S_IFMT) != S_IFSOCK)
		return NULL;
	sock = BPF_CORE_READ(file, private_data);
	return sock ? BPF_CORE_READ(sock, sk) : NULL;
}

static __always_inline __u16 sk_family(struct sock *sk)
{
	return BPF_CORE_READ(sk, __sk_common.skc_family);
}

static __always_inline bool family_inet(__u16 family)
{
	return family == AF_INET || family == AF_INET6;
}

/*
 * Socket identity and addresses as the socket holds them now, from one
 * copy of sock_common (field offsets are still CO-RE relocated). When a
 * failed connect() has already given its ephemeral port back, inet_num is
 * 0 but inet_sport still says which port the attempt used.
 */
static __always_inline void fill_sock(struct ps_event *e, struct sock *sk, bool remote)
{
	/* Room for the running kernel's sock_common, whatever its size. */
	__u64 buf[20];
	struct sock_common *c = (struct sock_common *)buf;
	__u32 size = bpf_core_type_size(struct sock_common);

	if (size > sizeof(buf))
		size = sizeof(buf);
	if (bpf_probe_read_kernel(buf, size, &sk->__sk_common))
		return;
	e->family = c->skc_family;
	e->proto = sk_protocol(sk);
	e->sock_type = sk_type(sk);
	e->netns = BPF_CORE_READ(c->skc_net.net, ns.inum);
	e->cookie = c->skc_cookie.counter;
	e->lport = c->skc_num;
	if (!e->lport)
		e->lport = bpf_ntohs(BPF_CORE_READ((struct inet_sock *)sk, inet_sport));
	if (e->family == AF_INET)
		__builtin_memcpy(e->laddr, &c->skc_rcv_saddr, 4);
	else
		__builtin_memcpy(e->laddr, &c->skc_v6_rcv_saddr, 16);
	if (!remote)
		return;
	e->rport = bpf_ntohs(c->skc_dport);
	if (e->family == AF_INET)
		__builtin_memcpy(e->raddr, &c->skc_daddr, 4);
	else
		__builtin_memcpy(e->raddr, &c->skc_v6_daddr, 16);
}

static __always_inline void track_sock(const struct ps_event *e)
{
	struct ps_tracked t = {
		.netns = e->netns,
		.family = e->family,
		.proto = e->proto,
		.sock_type = e->sock_type,
		.lport = e->lport,
	};

	if (!e->cookie)
		return;
	__builtin_memcpy(t.laddr, e->laddr, sizeof(t.laddr));
	if (bpf_map_update_elem(&tracked, &e->cookie, &t, BPF_ANY))
		stat_inc(PS_STAT_TRACK_FULL);
}

#endif /* PS_COMMON_BPF_H */
