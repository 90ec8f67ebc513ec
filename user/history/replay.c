// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "history/replay.h"
#include "lib/array.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static char *dup_str(struct logstr s)
{
	char *p;

	if (!s.p)
		return NULL;
	p = malloc(s.n + 1);
	if (p) {
		memcpy(p, s.p, s.n);
		p[s.n] = '\0';
	}
	return p;
}

static bool same_host(const char *h, struct logstr s)
{
	return h ? s.p && strlen(h) == s.n && !memcmp(h, s.p, s.n) : !s.p;
}

/* An address as text into family's 4 or 16 bytes. */
static bool parse_ip(struct logstr s, uint16_t *family, uint8_t *addr)
{
	char txt[INET6_ADDRSTRLEN + 8];

	if (!s.p || s.n >= sizeof(txt))
		return false;
	memcpy(txt, s.p, s.n);
	txt[s.n] = '\0';
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, txt, addr) == 1) {
		*family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, txt, addr) == 1) {
		*family = AF_INET6;
		return true;
	}
	return false;
}

bool replay__sock_of(const struct logrec *r, struct diag_sock *d)
{
	bool connect = logstr__is(r->action, "connect") || logstr__is(r->action, "outcome");

	memset(d, 0, sizeof(*d));
	d->proto = logstr__is(r->transport, "udp") ? IPPROTO_UDP : IPPROTO_TCP;
	d->state = logstr__is(r->action, "listening") || logstr__is(r->action, "listen")
		   ? TCP_LISTEN : TCP_CLOSE;
	d->netns = (uint32_t)r->netns;
	d->cookie = r->cookie;
	d->v6only = r->v6only == 1;
	if (connect) {
		d->lport = r->source_port;
		d->rport = r->dest_port;
		if (d->proto != IPPROTO_UDP)
			d->state = TCP_ESTABLISHED;
		if (!parse_ip(r->source_ip, &d->family, d->laddr))
			d->family = logstr__is(r->ntype, "ipv6") ? AF_INET6 : AF_INET;
		parse_ip(r->dest_ip, &(uint16_t){ 0 }, d->raddr);
	} else {
		d->lport = r->server_port;
		if (!parse_ip(r->server_ip, &d->family, d->laddr))
			d->family = logstr__is(r->ntype, "ipv6") ? AF_INET6 : AF_INET;
	}
	return d->lport != 0;
}

static void drop(struct replay_sock *s)
{
	free(s->host);
	free(s->comm);
	free(s->exe);
	free(s->cmdline);
	free(s->user_name);
	free(s->entity_id);
	free(s->container);
	free(s->unit);
}

static void remove_at(struct replay *rp, size_t i)
{
	drop(&rp->socks[i]);
	rp->socks[i] = rp->socks[--rp->n];
}

long replay__find(const struct replay *rp, struct logstr host, uint64_t cookie)
{
	if (!cookie)
		return -1;
	for (size_t i = 0; i < rp->n; i++)
		if (rp->socks[i].d.cookie == cookie && same_host(rp->socks[i].host, host))
			return (long)i;
	return -1;
}

static int add(struct replay *rp, const struct logrec *r, const struct diag_sock *d)
{
	long at = replay__find(rp, r->host, d->cookie);
	struct replay_sock *s;

	/* A state record of a socket already known (written again first in
	 * each new file): what the events said of it is more. */
	if (at >= 0 && logstr__is(r->kind, "state"))
		return 0;
	if (at >= 0) {
		remove_at(rp, (size_t)at);
	} else {
		s = array__reserve(rp->socks, rp->n, &rp->cap, sizeof(*s), 16);
		if (!s)
			return -ENOMEM;
		rp->socks = s;
	}
	s = &rp->socks[rp->n++];
	*s = (struct replay_sock){
		.d = *d, .pid = r->pid, .uid = r->uid, .has_uid = r->has_uid,
		.start_ns = r->start_ns, .since_ns = r->ts_ns, .from_state = logstr__is(r->kind, "state"),
		.host = dup_str(r->host), .comm = dup_str(r->comm), .exe = dup_str(r->exe),
		.cmdline = dup_str(r->cmdline), .user_name = dup_str(r->user_name),
		.entity_id = dup_str(r->entity_id),
		.container = dup_str(r->container_name.p ? r->container_name : r->container_id),
		.unit = dup_str(r->unit),
	};
	return 0;
}

/* A listen turns its bound socket into a listener, keeping what is known. */
static int listened(struct replay *rp, const struct logrec *r, const struct diag_sock *d)
{
	long at = replay__find(rp, r->host, d->cookie);

	if (at < 0)
		return add(rp, r, d);
	rp->socks[at].d.state = TCP_LISTEN;
	return 0;
}

int replay__apply(struct replay *rp, const struct logrec *r)
{
	struct diag_sock d;
	bool failed = logstr__is(r->outcome, "failure");

	if (logstr__is(r->kind, "event") && logstr__is(r->action, "start")) {
		for (size_t i = rp->n; i-- > 0;)
			if (same_host(rp->socks[i].host, r->host))
				remove_at(rp, i);
		return 0;
	}
	if (!replay__sock_of(r, &d))
		return 0;
	if (logstr__is(r->kind, "state"))
		return logstr__is(r->action, "held") ? 0 : add(rp, r, &d);
	if (!logstr__is(r->kind, "event"))
		return 0;
	/* A close, or a connect that failed: its port is free again. */
	if (logstr__is(r->action, "close") ||
	    (failed && logstr__is(r->action, "outcome"))) {
		long at = replay__find(rp, r->host, d.cookie);

		if (at >= 0)
			remove_at(rp, (size_t)at);
		return 0;
	}
	if (failed)
		return 0;
	if (logstr__is(r->action, "bind"))
		return add(rp, r, &d);
	if (logstr__is(r->action, "listen"))
		return listened(rp, r, &d);
	if (logstr__is(r->action, "connect") || logstr__is(r->action, "outcome"))
		return replay__find(rp, r->host, d.cookie) >= 0 && logstr__is(r->action, "outcome")
		       ? 0 : add(rp, r, &d);
	return 0;
}

bool replay__holds(const struct replay *rp, size_t i, const struct holds_query *q)
{
	return holds__match(q, &rp->socks[i].d);
}

void replay__free(struct replay *rp)
{
	for (size_t i = 0; i < rp->n; i++)
		drop(&rp->socks[i]);
	free(rp->socks);
	memset(rp, 0, sizeof(*rp));
}
