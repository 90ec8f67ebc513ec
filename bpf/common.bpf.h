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
#include "core_fixes.bpf.h"

#define AF_INET 2
#define AF_INET6 10
#define AF_UNSPEC 0
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define EINPROGRESS 115
#define ECONNABORTED 103

#define READ_ONCE(x) (*(const volatile typeof(x) *)&(x))

/* Load-time knobs, set by the loader through the skeleton's rodata. */
extern const volatile __u32 targ_tgid;
extern const volatile __u16 targ_port;

/* The ring buffer every record goes through; size set by the loader. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} events SEC(".maps") __weak;

/* Per-CPU counters, indexed by enum ps_stat. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PS_STAT__MAX);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps") __weak;

/* What a close event needs once the socket is going away: the port it held.
 * Keyed by socket cookie, filled when a bind or listen succeeds. */
struct tracked {
	__u32 netns;
	__u16 family;
	__u16 proto;
	__u16 sock_type;
	__u16 lport;
	__u8 laddr[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct tracked);
} tracked SEC(".maps") __weak;

static __always_inline void stat_inc(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &idx);

	if (v)
		*v += 1;
}

static __always_inline struct ps_event *event_reserve(void)
{
	struct ps_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e) {
		stat_inc(PS_STAT_RB_DROPS);
		return NULL;
	}
	__builtin_memset(e, 0, sizeof(*e));
	return e;
}

static __always_inline bool tgid_wanted(__u32 tgid)
{
	return !targ_tgid || targ_tgid == tgid;
}

static __always_inline bool port_wanted(const struct ps_event *e)
{
	return !targ_port || e->lport == targ_port || e->rport == targ_port;
}

/* Submit, or discard when a filter that needs the final ports says no. */
static __always_inline void event_submit(struct ps_event *e)
{
	if (port_wanted(e))
		bpf_ringbuf_submit(e, 0);
	else
		bpf_ringbuf_discard(e, 0);
}

/* Everything about the calling task that can vanish once it exits. */
static __always_inline void fill_task(struct ps_event *e)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 uid_gid = bpf_get_current_uid_gid();

	e->ts_ns = bpf_ktime_get_ns();
	e->pid = pid_tgid >> 32;
	e->tid = (__u32)pid_tgid;
	e->uid = (__u32)uid_gid;
	e->gid = uid_gid >> 32;
	e->cgroup_id = bpf_get_current_cgroup_id();
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->start_ns = BPF_CORE_READ(task, group_leader, start_time);
	bpf_get_current_comm(e->comm, sizeof(e->comm));
}

/* The socket behind a file descriptor of the current task, or NULL when the
 * fd is not a socket. Walks task->files->fdt the way fget() does. */
static __always_inline struct sock *sock_from_fd(int fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds, *file;
	struct socket *sock;
	umode_t mode;

	if (!fdt || fd < 0 || (unsigned int)fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]) || !file)
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
 * Socket identity and local address as the socket holds them now. When a
 * failed connect() has already given its ephemeral port back, inet_num is 0
 * but inet_sport still says which port the attempt used.
 */
static __always_inline void fill_sock_local(struct ps_event *e, struct sock *sk)
{
	struct inet_sock *inet = (struct inet_sock *)sk;

	e->family = sk_family(sk);
	e->proto = sk_protocol(sk);
	e->sock_type = sk_type(sk);
	e->netns = BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	e->cookie = BPF_CORE_READ(sk, __sk_common.skc_cookie.counter);
	e->lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	if (!e->lport)
		e->lport = bpf_ntohs(BPF_CORE_READ(inet, inet_sport));
	if (e->family == AF_INET)
		bpf_core_read(e->laddr, 4, &sk->__sk_common.skc_rcv_saddr);
	else
		bpf_core_read(e->laddr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
}

static __always_inline void fill_sock_remote(struct ps_event *e, struct sock *sk)
{
	e->rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (e->family == AF_INET)
		bpf_core_read(e->raddr, 4, &sk->__sk_common.skc_daddr);
	else
		bpf_core_read(e->raddr, 16, &sk->__sk_common.skc_v6_daddr);
}

static __always_inline void track_sock(const struct ps_event *e)
{
	struct tracked t = {
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
