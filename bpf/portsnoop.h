/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The one kernel/user ABI of portsnoop: every record the BPF programs put
 * in the ring buffer is a struct ps_event. This header includes nothing and
 * uses only __u8..__u64 so it compiles under vmlinux.h and under libc alike.
 * No bitfields; flags are explicit bits; the size is asserted at build time
 * (user/kernel/event.h) and the offsets by tests/unit/test_event.c.
 */
#ifndef PORTSNOOP_H
#define PORTSNOOP_H

#define PS_COMM_LEN 16
#define PS_ARGV_LEN 256		/* head of the command line kept per record */
#define PS_EXE_LEN 1024	/* bytes of an exec record's path components */
#define PS_IFNAME_LEN 16	/* IFNAMSIZ */
#define PS_ABI_VERSION 5

/*
 * Waking the reader costs an irq_work and a context switch: far more than
 * the event itself. The kernel side wakes it at most once per interval; the
 * reader polls again that soon after any batch (user/loader/tracer.h's
 * TRACER_LINGER_MS), so nothing waits longer than that.
 */
#define PS_WAKEUP_INTERVAL_NS (5 * 1000 * 1000)

/* Kinds of record, in ps_event.kind. */
enum ps_kind {
	PS_EV_BIND = 1,		/* bind(): bound address, or requested one + errno */
	PS_EV_LISTEN = 2,	/* listen(): address, port (autobound too), backlog */
	PS_EV_CONNECT = 3,	/* connect() attempt: local + remote, syscall result */
	PS_EV_CONNECT_RESULT = 4, /* outcome of a TCP connect attempt */
	PS_EV_CLOSE = 5,	/* a bound or listening socket released its port */
	PS_EV_EXIT = 6,		/* internal: a process userspace asked about exited */
	PS_EV_EXEC = 7,		/* internal: a program started; its executable (ps_exec_record) */
	PS_EV__MAX = 8,
};

/* Bits in ps_event.flags. */
enum ps_flags {
	/* Addresses are what the caller asked for (the call failed before the
	 * kernel bound anything), not what the socket holds. */
	PS_F_REQUESTED = 1u << 0,
	/* No address could be read for this record (e.g. a bad user pointer). */
	PS_F_NO_ADDR = 1u << 1,
	/* The process fields come from the connect() attempt, not from the
	 * context the outcome ran in (softirq). */
	PS_F_ATTEMPT_CTX = 1u << 2,
	/* The command line was longer than PS_ARGV_LEN: argv holds its head. */
	PS_F_ARGV_TRUNCATED = 1u << 3,
	/* The socket is AF_INET6 and PS_F_V6ONLY says whether it is IPv6-only
	 * (IPV6_V6ONLY) or dual-stack (takes IPv4 too). */
	PS_F_V6ONLY_KNOWN = 1u << 4,
	PS_F_V6ONLY = 1u << 5,
	/* The process's executable was unlinked (deleted, or replaced by a
	 * rename over its path) when the record was made: d_unlinked(). */
	PS_F_EXE_DELETED = 1u << 6,
	/* PS_EV_EXEC: the path walk stopped early (too deep, too long, or a
	 * name unreadable): the path's head is missing. */
	PS_F_EXE_TRUNCATED = 1u << 7,
};

/*
 * The fixed part of every record. Everything about the process that can
 * vanish with it is captured here, in the kernel, at the event.
 */
struct ps_event {
	__u64 ts_ns;		/* CLOCK_MONOTONIC, bpf_ktime_get_ns() */
	__u64 start_ns;		/* process start, CLOCK_BOOTTIME ns (as /proc/PID/stat) */
	__u64 cgroup_id;	/* cgroup v2 id of the task */
	__u64 cookie;		/* socket cookie, 0 when the kernel had none */
	__u64 duration_ns;	/* outcome: from SYN_SENT to the outcome; else 0 */
	__u32 pid;		/* tgid */
	__u32 tid;
	__u32 ppid;		/* real parent's tgid */
	__u32 uid;
	__u32 gid;
	__u32 netns;		/* network namespace inode */
	__s32 err;		/* 0, or a positive errno */
	__u32 backlog;		/* listen() only */
	__u32 ns_pid;		/* the process's pid in its own pid namespace */
	__u32 exec_id;		/* bumped by every execve(): (pid, start, exec_id) is one program */
	__u16 kind;		/* enum ps_kind */
	__u16 flags;		/* enum ps_flags */
	__u16 family;		/* AF_INET / AF_INET6: of the addresses below */
	__u16 proto;		/* IPPROTO_TCP / _UDP / _MPTCP ... */
	__u16 sock_type;	/* SOCK_STREAM / SOCK_DGRAM ... */
	__u16 lport;		/* host byte order */
	__u16 rport;		/* host byte order */
	__u16 argv_len;		/* valid bytes in the record's argv[] */
	__u8 laddr[16];		/* network byte order; IPv4 in the first 4 bytes */
	__u8 raddr[16];
	char comm[PS_COMM_LEN];	/* the process's name: its thread group leader's comm */
	char pcomm[PS_COMM_LEN]; /* the parent's comm */
	char tcomm[PS_COMM_LEN]; /* the calling thread's own name */
	/* The device the socket is bound to (SO_BINDTODEVICE, or the scope of
	 * a link-local IPv6 address, which binds it too), as its namespace
	 * named it at the event; a failed bind's: the requested scope. */
	char ifname[PS_IFNAME_LEN];
	__u32 ifindex;		/* 0: not bound to a device */
	__u32 _pad;
};

#define PS_EVENT_SIZE 200

/*
 * What goes through the ring: the fixed part, then the head of the command
 * line as the process's memory holds it (arguments NUL-separated). A record
 * may be shorter (PS_EV_EXIT carries no argv): argv_len says what is valid.
 */
struct ps_record {
	struct ps_event ev;
	char argv[PS_ARGV_LEN];
};

/*
 * A program started (PS_EV_EXEC): the fixed part as the new program's
 * records will have it (pid, start_ns, exec_id identify it), then the
 * executable's path as the kernel walked it from bprm->file: the names
 * from the file up to the root of the process's mount namespace, leaf
 * first, each NUL-terminated; ev.argv_len bytes are valid. Userspace
 * reverses them into "/usr/sbin/nginx".
 */
struct ps_exec_record {
	struct ps_event ev;
	char path[PS_EXE_LEN];
};

/*
 * One open socket file of one process, as the owners iterator (a program
 * built in user/loader/owners_iter.c) writes it: the socket's inode joins it to
 * sock_diag's records.
 */
struct ps_owner {
	__u64 inode;
	__u32 pid;		/* tgid */
	__u32 fd;
	char comm[PS_COMM_LEN];
};

/*
 * A socket whose release is reported (the "tracked" map, keyed by socket
 * cookie): filled by bind/listen in the kernel, and by userspace from the
 * snapshot for sockets that existed before portsnoop started.
 */
struct ps_tracked {
	__u32 netns;
	__u16 family;
	__u16 proto;
	__u16 sock_type;
	__u16 lport;
	__u8 laddr[16];
	__u16 flags;		/* PS_F_V6ONLY_KNOWN, PS_F_V6ONLY: for its close */
	__u16 _pad;
	__u32 ifindex;		/* as ps_event's: its close says it too */
	char ifname[PS_IFNAME_LEN];
};

/*
 * A tracked socket in slots[cookie % PS_SLOTS] (bpf/maps.bpf.h): cookie 0
 * is a free slot (no socket has cookie 0). A power of two.
 */
#define PS_SLOTS 16384
/* The slot of the socket with this cookie: the kernel side and user space alike. */
#define PS_SLOT_OF(cookie) ((__u32)(cookie) & (PS_SLOTS - 1))

struct ps_slot {
	__u64 cookie;
	struct ps_tracked t;
};

/*
 * A process whose exit userspace wants to hear of (the "watched" map, keyed
 * by tgid): it holds the process's /proc details. When it also holds the
 * command line of this very program (start_ns and exec_id match), records
 * of the process carry no argv: the kernel need not read it again.
 */
struct ps_watch {
	__u64 start_ns;		/* as ps_event.start_ns */
	__u32 exec_id;		/* as ps_event.exec_id */
	__u32 has_cmdline;	/* userspace has this program's command line */
};

/*
 * A map write user space asks of the kernel side: the context of the "ctl"
 * syscall program (bpf/ctl.bpf.c), which returns 0 or -errno.
 */
enum ps_ctl_op {
	PS_CTL_WATCH = 1,	/* watched[pid] = watch */
	PS_CTL_UNWATCH = 2,	/* delete watched[pid] */
	PS_CTL_TRACK = 3,	/* tracked[cookie] = tracked, unless tracked already */
};

struct ps_ctl {
	__u32 op;		/* enum ps_ctl_op */
	__u32 pid;
	__u64 cookie;
	struct ps_watch watch;
	struct ps_tracked tracked;
};

/* Bits of ps_filter.protos and .families. */
enum ps_filter_bits {
	PS_PROTO_TCP = 1u << 0,
	PS_PROTO_UDP = 1u << 1,
	PS_PROTO_MPTCP = 1u << 2,
	PS_FAMILY_INET = 1u << 0,
	PS_FAMILY_INET6 = 1u << 1,
};

/*
 * What the user asked to see, fixed at load time (the BPF programs' rodata):
 * what is filtered out costs a few compares in the kernel and nothing else.
 * Zero means "no filter" everywhere.
 */
struct ps_filter {
	__u64 cgroup_id;	/* the task's cgroup, or its ancestor at cgroup_level */
	__u32 cgroup_level;
	__u32 tgid;
	__u32 uid;		/* with has_uid */
	__u32 netns;		/* network namespace inode */
	__u8 has_uid;
	__u8 has_ports;		/* ports[] is in force */
	__u8 failed_only;	/* only records whose call failed */
	__u8 kinds;		/* bit (1 << enum ps_kind) */
	__u8 protos;		/* PS_PROTO_* */
	__u8 families;		/* PS_FAMILY_* */
	__u8 children;		/* tgid: its descendants too */
	__u8 _pad;
	__u8 ports[8192];	/* bit p: local or remote port p */
};

/* Indexes of the per-CPU counters in the "stats" map. */
enum ps_stat {
	PS_STAT_RB_DROPS = 0,	/* ring buffer reserve failed: event lost */
	PS_STAT_TRACK_FULL = 1,	/* a socket could not be tracked: no close event */
	PS_STAT_PENDING_FULL = 2, /* a connect attempt could not be followed */
	PS_STAT_EXIT_DROPS = 3,	/* an internal exit record was lost (no event is) */
	PS_STAT_RET_MISSED = 4,	/* a kretprobe never ran: that call was not reported */
	/* A backup program reported a call the kernel skipped its first
	 * program for (bpf/sockfn.bpf.h): a recursion miss that lost nothing. */
	PS_STAT_RECOVERED = 5,
	PS_STAT_EXEC_DROPS = 6,	/* an exec record was lost: that program's path is /proc's */
	PS_STAT__MAX = 7,
};

#endif /* PORTSNOOP_H */
