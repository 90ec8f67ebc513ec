/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* A listener's key (expect/baseline.h) from a traced event, or from a
 * socket that exists and the process holding it. */
#ifndef PS_LISTENER_H
#define PS_LISTENER_H

#include <linux/types.h>
#include "portsnoop.h"
#include "expect/baseline.h"
#include "proc/pcache.h"
#include "sockets/diag.h"

/*
 * Whether ev opens a listener the baseline holds: 1 yes, -1 no, 0 ev is no
 * listener (a failed call, a connect, a TCP bind before its listen, a
 * close). A successful listen of TCP or MPTCP and a successful UDP bind are.
 * names: proc's container's (its image), or NULL.
 */
int listener__check_event(const struct baseline *b, const struct ps_event *ev,
			  const struct proc_info *proc, const struct ctr_names *names);
/* The key of socket d held by process pid (comm: its name; pid 0: none),
 * known as ls --json knows it (proc/known.h: valid until the next lookup
 * of another pid). */
void listener__key_socket(struct expect_key *k, const struct diag_sock *d, uint32_t pid,
			  const char *comm);
/* A systemd unit that survives a restart: a service, not a scope (a
 * container's "docker-<id>.scope" changes with every container). NULL else. */
const char *listener__unit(const struct container *c);

#endif
