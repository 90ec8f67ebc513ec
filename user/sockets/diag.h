/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The sockets that exist, from sock_diag netlink (NETLINK_SOCK_DIAG,
 * inet_diag): split into a request builder, a transport, and a parser that
 * turns one reply buffer into flat records — the parser is fed crafted and
 * recorded dumps in the unit tests.
 */
#ifndef PS_DIAG_H
#define PS_DIAG_H

#include <stddef.h>
#include <stdint.h>
#include "lib/records.h"

typedef int (*diag_cb)(void *ctx, const struct diag_sock *s);

/* Build a dump request for family/proto with the given state mask. */
size_t diag__request(void *buf, size_t bufsz, int family, int proto, uint32_t states,
		     uint32_t seq);

/*
 * Parse one buffer of netlink replies, calling cb per socket. Returns 1
 * when the dump is complete (NLMSG_DONE), 0 when more is to come, or
 * -errno: the kernel's error, or -EBADMSG for a malformed or truncated
 * message. A non-zero return from cb stops the parse and is returned.
 */
int diag__parse(const void *buf, size_t len, uint16_t proto, diag_cb cb, void *ctx);

/*
 * Dump the sockets of family/proto in states over an open
 * NETLINK_SOCK_DIAG socket. Returns 0 or -errno.
 */
int diag__dump(int nlfd, int family, int proto, uint32_t states, diag_cb cb, void *ctx);

/*
 * The TCP sockets of both families in states, in one dump: the kernel
 * walks its TCP tables once, where two dumps (one per family) walk them
 * twice; with bound-only sockets asked for (TCP_BOUND_INACTIVE) the walk
 * of every bind bucket is most of a dump's cost, however few sockets the
 * namespace has. Returns 0 or -errno, the kernel's own (-ENOENT too):
 * where it refuses the request, the caller dumps per family.
 */
size_t diag__request_tcp_any(void *buf, size_t bufsz, uint32_t states, uint32_t seq);
int diag__dump_tcp_any(int nlfd, uint32_t states, diag_cb cb, void *ctx);

#endif
