/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * who PORT's answer as records of the field table (FORMAT_TABLE_WHO): a
 * socket holding the port, then each process holding it with what people
 * otherwise piece together from lsof -i, fuser, /proc/PID/exe and
 * lsof +D /var/log: user, command line, executable, working directory,
 * start time, parent, container, the files it has open for writing, and
 * who serves behind it when it is a port keeper.
 */
#ifndef PS_ENRICH_WHO_H
#define PS_ENRICH_WHO_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sockets/diag.h"
#include "output/format.h"
#include "output/names.h"
#include "output/sbuf.h"
#include "output/users.h"
#include "proc/container.h"
#include "proc/owners.h"
#include "sockets/natrule.h"

/* Who serves behind a keeper holding s (app/serves.h's serves__find, handed
 * down): true and *out filled when process pid, with its command line, is
 * one. */
typedef bool (*who_serves_fn)(void *ctx, uint32_t pid, const char *cmdline, size_t len,
			      const struct diag_sock *s, const struct ps_owner *own, size_t n,
			      struct serves *out);

/* What who's records are built from. */
struct who_sources {
	const char *proc_root;		/* "/proc", or a test's tree */
	struct users *users;		/* user names; NULL: none */
	who_serves_fn serves;		/* NULL: no keeper is looked behind */
	void *serves_ctx;
	bool as_root;			/* says why fds could not be read */
};

/* One process holding the port, as /proc tells it. */
struct who_proc {
	uint32_t pid, ppid, uid;
	char comm[64], pcomm[64];
	char exe[PATH_MAX], cwd[PATH_MAX];
	char *cmdline;			/* NUL-separated, cmdline_len bytes */
	long cmdline_len;		/* < 0: unreadable */
	uint64_t start_ns;		/* CLOCK_BOOTTIME ns, whole clock ticks; 0 unknown */
	struct sbuf files;		/* written files, NUL-separated, each once */
	struct container ctr;
};

/* Process pid's details from proc_root; who__release frees them. */
void who__gather(struct who_proc *d, const char *proc_root, uint32_t pid);
void who__release(struct who_proc *d);

/* Room a holder's record points into: it lives as long as the record. */
struct who_room {
	struct ps_event ev;
	struct proc_info pi;
	struct format_held held;
	struct serves behind;
};

/* The record of process d holding socket s (own/n: every holder of s; nat:
 * the DNAT rule that led to s, or NULL). */
void who__holder(const struct who_sources *src, const struct diag_sock *s,
		 const struct ps_owner *own, size_t n, const struct who_proc *d,
		 const struct format_nat *nat, struct who_room *room, struct format_input *in);

/* Why a socket holding the port has no owner that can be named, into buf:
 * `unreadable` processes' fds could not be read, or none has it open. */
const char *who__why_unknown(const struct who_sources *src, size_t unreadable, char *buf,
			     size_t sz);

/* Room a DNAT rule's description points into. */
struct who_nat_room {
	char to_ip[NAMES_ADDR_LEN];
	char via[512];
};

/* Rule r, which sends `port` on to `to_port`, as the records of the
 * listeners it leads to carry it (out points into room). */
void who__nat(const struct natrule *r, uint16_t port, uint16_t to_port,
	      struct who_nat_room *room, struct format_nat *out);

/*
 * Socket s rendered into b: its line, then one record per process holding
 * it (owners: every socket's, sorted); with none, one record saying why.
 * Returns false when no owner could be named.
 */
bool who__socket(struct sbuf *b, const struct format_ctx *ctx, const struct who_sources *src,
		 const struct owners *owners, const struct diag_sock *s,
		 const struct format_nat *nat);

#endif
