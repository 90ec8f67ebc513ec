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

struct diag_sock {
	uint16_t family;	/* AF_INET / AF_INET6 */
	uint16_t proto;		/* IPPROTO_TCP / _UDP / _MPTCP */
	uint8_t state;		/* TCP_LISTEN, TCP_CLOSE (unconnected UDP), ... */
	uint16_t lport, rport;	/* host order */
	uint8_t laddr[16], raddr[16];
	uint8_t v6only;		/* AF_INET6 with IPV6_V6ONLY: no IPv4 on a [::] */
	uint32_t uid;		/* of the socket's creator */
	uint32_t ifindex;	/* bound to a device (SO_BINDTODEVICE, a link-local
				 * scope), or 0 */
	uint32_t rqueue;	/* listener: connections waiting for accept();
				 * else bytes not yet read */
	uint32_t wqueue;	/* listener: the backlog; else bytes not yet sent */
	uint64_t inode;		/* 0 for sockets no file refers to */
	uint64_t cookie;
	uint32_t netns;		/* filled by the caller: the dump's namespace */
	char ifname[16];	/* ifindex's name in the socket's namespace; "" unknown */
};

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

#endif
