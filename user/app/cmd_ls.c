// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* portsnoop ls: what ss -tulpn, netstat -tulpn and lsof -i answer, at once. */
#include "app/commands.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "sockets/listing.h"
#include "sockets/snapshot.h"
#include "proc/users.h"

int cmd__ls(const struct ps_opts *o, const struct filter *f, const struct format_ctx *fmt,
	    struct sink *out)
{
	struct format_ctx ctx = *fmt;
	struct snapshot_opts so = { .tcp = o->tcp, .udp = o->udp };
	struct snapshot snap;
	struct sbuf b = { 0 };
	char err[256];
	size_t done;
	int rc = 0;

	if (snapshot__collect(&snap, &so, err, sizeof(err))) {
		fprintf(stderr, "portsnoop: %s\n", err);
		snapshot__free(&snap);
		return 1;
	}
	if (o->verbose)
		fprintf(stderr, "portsnoop: owners read through the %s\n", snap.owners_how);
	/* Like ss -p: what an unprivileged caller can see, and a word on the rest. */
	snapshot__left_out(&snap, err, sizeof(err));
	if (err[0])
		fprintf(stderr, "portsnoop: %s\n", err);
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
		if (b.len >= 65536) {
			rc = sink__write(out, b.p, b.len, &done);
			sbuf__reset(&b);
		}
	}
	if (!rc && b.len)
		rc = sink__write(out, b.p, b.len, &done);
	sbuf__free(&b);
	snapshot__free(&snap);
	users__free(ctx.users);
	if (rc && rc != -EPIPE) {
		fprintf(stderr, "portsnoop: cannot write output: %s\n", strerror(-rc));
		return 1;
	}
	return 0;
}
