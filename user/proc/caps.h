/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Do we hold what loading and attaching BPF programs takes? */
#ifndef PS_CAPS_H
#define PS_CAPS_H

#include <stddef.h>
#include <stdint.h>

#define CAPS_DAC_OVERRIDE 1
#define CAPS_DAC_READ_SEARCH 2
#define CAPS_NET_ADMIN 12
#define CAPS_SYS_PTRACE 19
#define CAPS_SYS_ADMIN 21
#define CAPS_PERFMON 38
#define CAPS_BPF 39

/*
 * Given the effective capability set (bit n = capability n), write the
 * missing ones to buf as "CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH" and return
 * how many are missing. All of them are needed, each for its own part:
 * CAP_BPF and CAP_PERFMON to load and attach the programs, CAP_NET_ADMIN for
 * the cgroup socket hooks and sock_diag, CAP_SYS_ADMIN to enter other network
 * namespaces and mount tracefs or cgroup2 privately, CAP_SYS_PTRACE and
 * CAP_DAC_READ_SEARCH for other processes' /proc entries (executable, cwd,
 * open files). Without one of them portsnoop would run and report less, so
 * it does not start. Capabilities above last_cap (those the kernel does not
 * know) are not asked for.
 */
int caps__missing(uint64_t effective, int last_cap, char *buf, size_t bufsz);
/* The highest capability the running kernel knows (63 when unreadable). */
int caps__last(void);
/* The effective set of this process, or 0 when it cannot be read. */
uint64_t caps__effective(void);

/*
 * What a running tracer still needs once its programs are attached:
 * CAP_BPF and CAP_PERFMON (the owners iterator, when a bind fails with
 * EADDRINUSE), CAP_SYS_ADMIN (setns() into the failing socket's network
 * namespace), CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH (/proc/PID/exe, cwd and
 * fd of other users' processes; open_by_handle_at() of a cgroup by its id,
 * user/proc/cgpaths.c), CAP_DAC_OVERRIDE (reopening --output on
 * SIGHUP), CAP_NET_ADMIN (sock_diag).
 */
#define CAPS_RUNNING_KEEP                                                      \
	((1ull << CAPS_BPF) | (1ull << CAPS_PERFMON) | (1ull << CAPS_SYS_ADMIN) | \
	 (1ull << CAPS_SYS_PTRACE) | (1ull << CAPS_DAC_READ_SEARCH) |          \
	 (1ull << CAPS_DAC_OVERRIDE) | (1ull << CAPS_NET_ADMIN))

/*
 * Keep only the capabilities in keep, for good: effective and permitted
 * sets, the bounding set, no inheritable or ambient ones, and no_new_privs
 * so no exec can gain any back. Returns 0 or -errno (what was done stays
 * done).
 */
int caps__limit(uint64_t keep);

/*
 * Was this process started setuid, setgid or with file capabilities
 * (AT_SECURE)? portsnoop refuses to run so: it is run by root.
 */
int caps__privileged_exec(void);

#define CAPS_KERNEL_BTF "/sys/kernel/btf/vmlinux"

/*
 * Is the BTF that CO-RE needs there? custom is a BTF file the user named
 * (--btf), or NULL for the running kernel's. Returns 0, or -errno with a
 * one-line reason in msg.
 */
int caps__btf(const char *custom, char *msg, size_t msgsz);

#endif
