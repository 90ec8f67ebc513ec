// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "sockets/holders.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include "output/timefmt.h"
#include "sockets/snapshot.h"

#define KEEP_NS 1000000000LL

struct holders {
	uint32_t netns;
	uint16_t proto, port;
	int64_t when;
	size_t n;
	struct ps_owner v[HOLDERS_MAX];
};

struct holders *holders__new(void)
{
	return calloc(1, sizeof(struct holders));
}

size_t holders__find(struct holders *h, uint32_t netns, uint16_t proto, uint16_t port,
		     struct ps_owner out[HOLDERS_MAX])
{
	bool udp = proto == IPPROTO_UDP;
	struct snapshot_opts so = { .tcp = !udp, .udp = udp, .port = port, .netns = netns };
	struct snapshot snap;
	char err[256];
	int64_t now = (int64_t)timefmt__mono_ns();

	if (!(h->when && now - h->when < KEEP_NS && h->netns == netns && h->proto == proto &&
	      h->port == port)) {
		h->n = 0;
		if (!snapshot__collect(&snap, &so, err, sizeof(err))) {
			for (size_t i = 0; i < snap.n; i++) {
				size_t n;
				const struct ps_owner *o =
					owners__find(&snap.owners, snap.socks[i].inode, &n);

				for (size_t k = 0; k < n && h->n < HOLDERS_MAX; k++) {
					bool seen = false;

					for (size_t j = 0; j < h->n; j++)
						seen |= h->v[j].pid == o[k].pid;
					if (!seen)
						h->v[h->n++] = o[k];
				}
			}
		}
		snapshot__free(&snap);
		h->netns = netns;
		h->proto = proto;
		h->port = port;
		h->when = now;
	}
	memcpy(out, h->v, h->n * sizeof(*out));
	return h->n;
}

void holders__free(struct holders *h)
{
	free(h);
}
