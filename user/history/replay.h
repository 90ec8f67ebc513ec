/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * `who PORT --at T`: the sockets of a log replayed up to T. State records
 * (written first in every file portsnoop opens) and successful binds,
 * listens and connects add a socket; a close removes it (by cookie); a
 * start record forgets what that host had (portsnoop did not watch in
 * between). Which of the sockets hold the port is sockets/holds.h's rule,
 * the one `who` applies to the live system.
 */
#ifndef PS_REPLAY_H
#define PS_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "history/logrec.h"
#include "sockets/diag.h"
#include "sockets/holds.h"

struct replay_sock {
	struct diag_sock d;	/* as holds.h compares it */
	char *host;
	uint32_t pid, uid;
	bool has_uid;
	char *comm, *exe, *cmdline, *user_name, *entity_id, *container, *unit;
	int64_t start_ns;	/* its process.start (ns since the epoch), or 0 */
	int64_t since_ns;	/* the record that added it (a state record: the
				 * moment portsnoop found it, not its bind) */
	bool from_state;
};

struct replay {
	struct replay_sock *socks;
	size_t n, cap;
};

/* Apply one record. 0, or -ENOMEM. */
int replay__apply(struct replay *rp, const struct logrec *r);
/* The record as a socket (address, port, transport, state); false when
 * the record names no local port. */
bool replay__sock_of(const struct logrec *r, struct diag_sock *d);
/* The socket of host with this cookie: its index, or -1. */
long replay__find(const struct replay *rp, struct logstr host, uint64_t cookie);
/* Does socket i hold the port q asks about? */
bool replay__holds(const struct replay *rp, size_t i, const struct holds_query *q);
void replay__free(struct replay *rp);

#endif
