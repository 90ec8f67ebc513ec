// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "app/seed.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "enrich/listing.h"
#include "sockets/snapshot.h"

/* Its release is reported, whether or not the filters want its record. */
static void track(struct tracer *t, const struct diag_sock *d)
{
	struct ps_tracked w = {
		.netns = d->netns, .family = d->family, .proto = d->proto,
		.sock_type = d->proto == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM,
		.lport = d->lport,
		.flags = d->family != AF_INET6 ? 0 : PS_F_V6ONLY_KNOWN |
						      (d->v6only ? PS_F_V6ONLY : 0),
	};

	memcpy(w.laddr, d->laddr, sizeof(w.laddr));
	w.ifindex = d->ifindex;
	memcpy(w.ifname, d->ifname, sizeof(w.ifname));
	if (d->cookie)
		tracer__track(t, d->cookie, &w);
}

__u64 seed__sockets(const struct seed_opts *o)
{
	struct snapshot_opts so = { .tcp = true, .udp = true };
	bool wanted = filter__existing(o->filter);
	struct snapshot snap;
	char err[256];
	__u64 n = 0;

	if (snapshot__collect(&snap, &so, err, sizeof(err))) {
		fprintf(stderr, "portsnoop: no initial state: %s\n", err);
		snapshot__free(&snap);
		return 0;
	}
	for (size_t i = 0; i < snap.n; i++) {
		const struct diag_sock *d = &snap.socks[i];
		size_t nown;
		const struct ps_owner *own = owners__find(&snap.owners, d->inode, &nown);

		if (o->tracer)
			track(o->tracer, d);
		if (!wanted || !filter__socket(o->filter, d, own, nown))
			continue;
		listing__state(lines__buf(o->out), o->fmt, d, own, nown);
		n++;
		if (lines__added(o->out))
			break;	/* the reader is gone */
	}
	snapshot__free(&snap);
	lines__flush(o->out);
	return n;
}
