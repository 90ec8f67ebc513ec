// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* portsnoop ls: what ss -tulpn, netstat -tulpn and lsof -i answer, at once. */
#include "app/commands.h"
#include "app/ls_nat.h"
#include "app/serves.h"

#include <stdlib.h>
#include "enrich/listing.h"
#include "sockets/snapshot.h"
#include "output/users.h"

/* The owners of socket i. The owners are in inode order, the rows are not:
 * the owners of the row eight rows ahead are asked for before they are read. */
static const struct ps_owner *owners_of(const struct snapshot *snap, const uint32_t *at,
					size_t i, size_t *n)
{
	if (at && i + 8 < snap->n && at[i + 8])
		__builtin_prefetch(&snap->owners.v[at[i + 8] - 1]);
	return snapshot__owners_of(snap, at, i, n);
}

int cmd__ls(const struct ps_opts *o, const struct filter *f, const struct format_ctx *fmt,
	    struct sink *out)
{
	struct format_ctx ctx = *fmt;
	struct snapshot_opts so = { .tcp = o->tcp, .udp = o->udp, .netns = o->filter.netns };
	struct snapshot snap;
	struct sbuf b = { 0 };
	struct serves_ctx *sv;
	uint32_t *all;	/* each socket's owners, looked up once for both passes */
	int rc = 0;

	rc = cmd__snapshot(&snap, &so, o->verbose);
	if (rc)
		return rc;
	sv = serves__new(o->verbose);
	ctx.users = users__new("/etc/passwd");
	/* The listeners serves looks behind keepers in: ours, where it holds
	 * every namespace (with --netns, serves takes a snapshot of its own). */
	if (!so.netns)
		serves__borrow(sv, &snap);
	all = snapshot__owners_at(&snap);
	/* Columns as wide as the widest address, as ss sizes them. */
	for (size_t i = 0; ctx.mode == FORMAT_TABLE && i < snap.n; i++) {
		size_t n;
		const struct ps_owner *own = owners_of(&snap, all, i, &n);

		if (filter__socket(f, &snap.socks[i], own, n))
			listing__fit(&ctx, &snap.socks[i], own, n);
	}
	listing__header(&b, &ctx);
	for (size_t i = 0; i < snap.n && !rc; i++) {
		size_t n;
		const struct ps_owner *own = owners_of(&snap, all, i, &n);

		if (!filter__socket(f, &snap.socks[i], own, n))
			continue;
		struct serves behind;	/* a keeper holds it: who serves (app/serves.h) */
		bool keeper = serves__holders(sv, &snap.socks[i], own, n, &behind);

		listing__socket_serves(&b, &ctx, &snap.socks[i], own, n, keeper ? &behind : NULL);
		if (b.len >= 65536)
			rc = cmd__write(out, &b);
	}
	if (!rc && o->nat)
		ls_nat__append(&b, &ctx, &snap, o->verbose);
	if (!rc)
		rc = cmd__write(out, &b);
	sbuf__free(&b);
	free(all);
	serves__free(sv);
	snapshot__free(&snap);
	users__free(ctx.users);
	return cmd__write_status(rc);
}
