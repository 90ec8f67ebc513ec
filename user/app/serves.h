/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Who serves a port that a keeper holds: from the holder of a host port
 * (conmon, docker-proxy, rootlessport, pasta, slirp4netns, a socket
 * activation parent) to the container and the process listening behind it,
 * in its own network namespace. Read from the sockets (one snapshot of the
 * listeners, made once per command), /proc and the runtimes' state on disk;
 * no traffic.
 */
#ifndef PS_SERVES_H
#define PS_SERVES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proc/keeper.h"
#include "sockets/diag.h"
#include "proc/owners.h"
#include "sockets/snapshot.h"


struct serves_ctx;

struct serves_ctx *serves__new(bool verbose);
void serves__free(struct serves_ctx *c);
/*
 * What serves behind socket held, which process pid holds with its
 * command line (NUL-separated, len bytes); own/n: every holder of held.
 * Returns true and fills out when the holder is a keeper (out->found says
 * whether the listener behind it was found).
 */
bool serves__find(struct serves_ctx *c, uint32_t pid, const char *cmdline, size_t len,
		  const struct diag_sock *held, const struct ps_owner *own, size_t n,
		  struct serves *out);

/* Whether a holder with this kernel comm can be a keeper: the cheap test
 * made before its command line is read. */
bool serves__candidate(uint32_t pid, const char *comm);
/* For a table of holders (a failed bind's, ls's row): serves__find on the
 * first holder that is a keeper, its command line read from /proc. */
bool serves__holders(struct serves_ctx *c, const struct diag_sock *held,
		     const struct ps_owner *own, size_t n, struct serves *out);
/* A bind or listen by a keeper, from its command line alone (no socket is
 * looked for: the trace's cost per event stays a name check). */
bool serves__of_keeper(const char *comm, const char *cmdline, size_t len, struct serves *out);

struct ps_event;
struct proc_info;
/*
 * For the trace (app/stream.c): a bind or listen that failed on a port
 * that keepers hold (held/n, the holders found) names what serves behind
 * them; one by a keeper itself names whom it publishes for. Called per
 * event: a bind or listen by another process costs a name check; only a
 * failure on a keeper's port looks at the sockets.
 */
bool serves__for_event(const struct ps_event *ev, const struct proc_info *proc,
		       const struct ps_owner *held, size_t n, struct serves *out);
/* ls: use the command's own snapshot of the listeners (kept by the caller
 * until serves__free). */
void serves__borrow(struct serves_ctx *c, const struct snapshot *snap);

#endif
