// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* portsnoop ls: what ss -tulpn, netstat -tulpn and lsof -i answer, at once. */
#include "app/commands.h"

#include "sockets/listing.h"
#include "sockets/snapshot.h"
#include "proc/users.h"

int cmd__ls(const struct ps_opts *o, const struct filter *f, const struct format_ctx *fmt,
	    struct sink *out)
{
	struct format_ctx ctx = *fmt;
	struct snapshot_opts so = { .tcp = o->tcp, .udp = o->udp, .netns = o->filter.netns };
	struct snapshot snap;
	struct sbuf b = { 0 };
	int rc = 0;

	rc = cmd__snapshot(&snap, &so, o->verbose);
	if (rc)
		return rc;
	ctx.users = users__new("/etc/passwd");
	/* Columns as wide as the widest address, as ss sizes them. */
	for (size_t i = 0; ctx.mode == FORMAT_TABLE && i < snap.n; i++) {
		size_t n;
		const struct ps_owner *own = owners__find(&snap.owners, snap.socks[i].inode, &n);

		if (filter__socket(f, &snap.socks[i], own, n))
			listing__fit(&ctx, &snap.socks[i], own, n);
	}
	listing__header(&b, &ctx);
	for (size_t i = 0; i < snap.n && !rc; i++) {
		size_t n;
		const struct ps_owner *own = owners__find(&snap.owners, snap.socks[i].inode, &n);

		if (!filter__socket(f, &snap.socks[i], own, n))
			continue;
		listing__socket(&b, &ctx, &snap.socks[i], own, n);
		if (b.len >= 65536)
			rc = cmd__write(out, &b);
	}
	if (!rc)
		rc = cmd__write(out, &b);
	sbuf__free(&b);
	snapshot__free(&snap);
	users__free(ctx.users);
	return cmd__write_status(rc);
}
