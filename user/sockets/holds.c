// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "sockets/holds.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include "output/names.h"

static const uint8_t mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
static const uint8_t zeros[16];

/* An address as the port tables compare it: IPv4 (4 bytes) or IPv6 (16). */
struct where {
	int family;		/* AF_INET or AF_INET6 */
	const uint8_t *a;
	bool any;		/* 0.0.0.0 or :: */
	bool v4too;		/* an IPv6 wildcard that also takes IPv4 */
};

static struct where where_of(int family, const uint8_t *a, bool v6only)
{
	struct where w = { .family = family, .a = a };

	if (family == AF_INET6 && !memcmp(a, mapped_prefix, 12)) {
		/* ::ffff:a.b.c.d is an IPv4 address in an IPv6 socket. */
		w.family = AF_INET;
		w.a = a + 12;
	}
	w.any = !memcmp(w.a, zeros, w.family == AF_INET ? 4 : 16);
	w.v4too = w.family == AF_INET6 && w.any && !v6only;
	return w;
}

static bool overlap(const struct where *x, const struct where *y)
{
	if (x->family == y->family)
		return x->any || y->any || !memcmp(x->a, y->a, x->family == AF_INET ? 4 : 16);
	/* One IPv4, one IPv6: only a dual-stack wildcard meets the other family. */
	return x->v4too || y->v4too;
}

bool holds__state(const struct diag_sock *s)
{
	if (s->proto == IPPROTO_UDP)
		return true;
	/* TIME-WAIT and request sockets are the kernel's, not a process's. */
	return s->state != TCP_TIME_WAIT && s->state != TCP_SYN_RECV &&
	       s->state != 12 /* TCP_NEW_SYN_RECV */;
}

bool holds__match(const struct holds_query *q, const struct diag_sock *s)
{
	struct where asked, held;

	if (s->lport != q->port || !holds__state(s))
		return false;
	if (q->proto && (q->proto == IPPROTO_UDP) != (s->proto == IPPROTO_UDP))
		return false;
	if (!q->family)
		return true;
	/* The asker's [::] is dual-stack, as a bind() to it is by default. */
	asked = where_of(q->family, q->addr, false);
	held = where_of(s->family, s->laddr, s->v6only);
	return overlap(&asked, &held);
}

bool holds__connected(const struct diag_sock *s)
{
	return s->rport != 0;
}

const char *holds__state_name(const struct diag_sock *s)
{
	return names__sock_state(s->proto, s->state, holds__connected(s));
}
