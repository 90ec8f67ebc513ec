// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* What ls and who share: the snapshot they read, the output they write. */
#include "app/commands.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "loader/owners_iter.h"
#include "kernel/btfscan.h"
#include "sockets/netns.h"

/*
 * Does sock_diag dump TCP sockets that are bound, not listening? The state
 * it names them by, TCP_BOUND_INACTIVE, came with the change (91051f003948,
 * "tcp: Dump bound-only sockets in inet_diag.", 6.5): the kernel's BTF
 * answers without the probe's bind, which a running tracer would show.
 * Without BTF the probe answers.
 */
void cmd__ask_bound_only(void)
{
	int64_t v;
	int err = btfscan__enumerator("TCP_BOUND_INACTIVE", &v);

	if (!err || err == -ENOENT)
		snapshot__know_bound_only(!err);
	snapshot__dumps_bound_only();
}

int cmd__owners(struct owners *o, const char **how)
{
	int rc = owners__collect(o, how);
	int dumps = owners__btf_bound_only();

	/* The iterator's pass over the BTF answered this too: no second pass,
	 * nor the probe's bind. */
	if (dumps >= 0)
		snapshot__know_bound_only(dumps);
	return rc;
}

int cmd__snapshot(struct snapshot *snap, const struct snapshot_opts *so, bool verbose)
{
	char err[256];

	/* Whether the kernel dumps bound-only TCP sockets: cmd__owners()
	 * learns it from the BTF it reads anyway; where it could not read
	 * it, the snapshot's probe answers. */
	if (snapshot__collect(snap, so, err, sizeof(err))) {
		fprintf(stderr, "portsnoop: %s\n", err);
		snapshot__free(snap);
		return 1;
	}
	if (verbose)
		fprintf(stderr, "portsnoop: owners read through the %s\n", snap->owners_how);
	/* Like ss -p: what an unprivileged caller can see, and a word on the rest. */
	snapshot__left_out(snap, err, sizeof(err));
	if (err[0])
		fprintf(stderr, "portsnoop: %s\n", err);
	/* --netns N that names no namespace is a mistake, not an empty answer
	 * (without privileges it may be one that could not be entered). */
	if (so->netns && !snap->nnetns && !snap->netns_denied && !snap->owners.unreadable) {
		fprintf(stderr, "portsnoop: no network namespace %u (--netns takes the inode "
			"of /proc/PID/ns/net, as ls shows it)\n", so->netns);
		snapshot__free(snap);
		return 2;
	}
	return 0;
}

int cmd__netns_exists(uint32_t inode)
{
	struct netns_list l = { 0 };
	bool found = false;

	if (nspaths__list(&l, nspaths__of("self")))
		return 0;	/* cannot tell: let the trace run */
	for (size_t i = 0; i < l.n; i++)
		found |= l.v[i].inode == inode;
	free(l.v);
	if (found)
		return 0;
	fprintf(stderr, "portsnoop: no network namespace %u (--netns takes the inode of "
		"/proc/PID/ns/net, as ls shows it) (try 'portsnoop --help')\n", inode);
	return 2;
}

int cmd__write(struct sink *out, struct sbuf *b)
{
	size_t done;
	int rc;

	if (!b->len)
		return 0;
	rc = sink__write(out, b->p, b->len, &done);
	sbuf__reset(b);
	return rc;
}

int cmd__write_status(int rc)
{
	/* EPIPE: the reader has all it wanted (ls | head). */
	if (rc && rc != -EPIPE) {
		fprintf(stderr, "portsnoop: cannot write output: %s\n", strerror(-rc));
		return 1;
	}
	return 0;
}
