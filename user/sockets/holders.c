// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "sockets/holders.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include "lib/timefmt.h"
#include "sockets/snapshot.h"

#define KEEP_NS 1000000000LL
/* Sockets the trace saw bound and not yet closed; the oldest give way. */
#define SEEN_MAX 4096

struct seen {
	uint64_t cookie;
	uint64_t when;		/* ts_ns of the bind: which one is the oldest */
	uint32_t netns;
	struct diag_sock sock;	/* what holds.h compares */
	struct ps_owner owner;
};

struct holders {
	/* The last answer, kept a second. */
	uint32_t netns;
	struct holds_query q;
	int64_t when;
	bool from_trace;
	size_t n;
	struct ps_owner v[HOLDERS_MAX];
	/* What the trace saw bound. */
	struct seen *seen;
	size_t nseen;
};

struct holders *holders__new(void)
{
	struct holders *h = calloc(1, sizeof(*h));

	if (h && !(h->seen = calloc(SEEN_MAX, sizeof(*h->seen)))) {
		free(h);
		h = NULL;
	}
	return h;
}

static void forget(struct holders *h, size_t i)
{
	h->seen[i] = h->seen[--h->nseen];
}

static void remember(struct holders *h, const struct ps_event *ev)
{
	struct seen *s;
	size_t at = h->nseen;

	for (size_t i = 0; i < h->nseen; i++)
		if (ev->cookie && h->seen[i].cookie == ev->cookie)
			at = i;	/* bind, then listen: the same socket */
	if (at == SEEN_MAX) {
		at = 0;
		for (size_t i = 1; i < h->nseen; i++)
			if (h->seen[i].when < h->seen[at].when)
				at = i;
	}
	s = &h->seen[at];
	memset(s, 0, sizeof(*s));
	s->cookie = ev->cookie;
	s->when = ev->ts_ns;
	s->netns = ev->netns;
	s->sock.family = ev->family;
	s->sock.proto = ev->proto;
	s->sock.state = 7;	/* TCP_CLOSE: any state that holds the port */
	s->sock.lport = ev->lport;
	memcpy(s->sock.laddr, ev->laddr, sizeof(s->sock.laddr));
	s->owner.pid = ev->pid;
	memcpy(s->owner.comm, ev->comm, sizeof(s->owner.comm));
	if (at == h->nseen)
		h->nseen++;
}

void holders__saw(struct holders *h, const struct ps_event *ev)
{
	if ((ev->kind == PS_EV_BIND || ev->kind == PS_EV_LISTEN) && !ev->err && ev->lport &&
	    !(ev->flags & (PS_F_NO_ADDR | PS_F_REQUESTED))) {
		remember(h, ev);
		return;
	}
	if (ev->kind != PS_EV_CLOSE)
		return;
	for (size_t i = h->nseen; i-- > 0;) {
		const struct seen *s = &h->seen[i];

		if (ev->cookie ? s->cookie == ev->cookie
			       : s->netns == ev->netns && s->sock.lport == ev->lport &&
					 s->sock.proto == ev->proto && s->owner.pid == ev->pid)
			forget(h, i);
	}
}

static void add_owner(struct holders *h, const struct ps_owner *o)
{
	for (size_t j = 0; j < h->n; j++)
		if (h->v[j].pid == o->pid)
			return;
	if (h->n < HOLDERS_MAX)
		h->v[h->n++] = *o;
}

/* Ask the system: the sockets of that namespace and port, and their owners. */
static void ask_system(struct holders *h, uint32_t netns, const struct holds_query *q)
{
	struct snapshot_opts so = { .tcp = q->proto != IPPROTO_UDP,
				    .udp = q->proto != IPPROTO_TCP, .every_state = true,
				    .port = q->port, .netns = netns };
	struct snapshot snap;
	char err[256];

	if (!snapshot__collect(&snap, &so, err, sizeof(err))) {
		for (size_t i = 0; i < snap.n; i++) {
			size_t n;
			const struct ps_owner *o;

			if (!holds__match(q, &snap.socks[i]))
				continue;
			o = owners__find(&snap.owners, snap.socks[i].inode, &n);
			for (size_t k = 0; k < n; k++)
				add_owner(h, &o[k]);
		}
	}
	snapshot__free(&snap);
}

/* The holder is gone already: what the trace saw bound there. */
static void ask_trace(struct holders *h, uint32_t netns, const struct holds_query *q)
{
	for (size_t i = 0; i < h->nseen; i++)
		if (h->seen[i].netns == netns && holds__match(q, &h->seen[i].sock))
			add_owner(h, &h->seen[i].owner);
}

size_t holders__find(struct holders *h, uint32_t netns, const struct holds_query *q,
		     struct ps_owner out[HOLDERS_MAX], bool *from_trace)
{
	int64_t now = (int64_t)timefmt__mono_ns();

	if (!(h->when && now - h->when < KEEP_NS && h->netns == netns &&
	      !memcmp(&h->q, q, sizeof(*q)))) {
		h->n = 0;
		ask_system(h, netns, q);
		h->from_trace = !h->n;
		if (!h->n)
			ask_trace(h, netns, q);
		h->netns = netns;
		h->q = *q;
		h->when = now;
	}
	memcpy(out, h->v, h->n * sizeof(*out));
	*from_trace = h->from_trace && h->n;
	return h->n;
}

void holders__free(struct holders *h)
{
	if (h)
		free(h->seen);
	free(h);
}
