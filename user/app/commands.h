/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The one-shot commands: `ls` and `who`. Each returns the exit status. */
#ifndef PS_COMMANDS_H
#define PS_COMMANDS_H

#include "cli/cli.h"
#include "cli/filter.h"
#include "output/format.h"
#include "output/sink.h"
#include "sockets/snapshot.h"

/* ls lists the sockets the filter wants (-t/-u choose the tables read). */
int cmd__ls(const struct ps_opts *o, const struct filter *f, const struct format_ctx *ctx,
	    struct sink *out);
int cmd__who(const struct ps_opts *o, const struct format_ctx *ctx, struct sink *out);
/* check compares the listeners now with the baseline o->expect (cmd_check.c). */
int cmd__check(const struct ps_opts *o, struct sink *out);

/*
 * Shared by the commands (commands.c). cmd__snapshot: collect, saying on
 * stderr what failed or was left out; the exit status (1: failed, 2: so's
 * netns names no namespace; snap freed). cmd__write: write out and empty b; 0 or -errno. cmd__write_status:
 * the exit status for what cmd__write returned, with a one-line error.
 */
int cmd__snapshot(struct snapshot *snap, const struct snapshot_opts *so, bool verbose);
/* The owners a snapshot reads (main hands it to snapshot__owners_from()):
 * owners__collect(), and what its BTF pass says of bound-only sockets. */
int cmd__owners(struct owners *o, const char **how);
/* --netns INODE for tracing: 0 when a process is in that namespace or a
 * mount keeps it, else 2 with a one-line error. */
int cmd__netns_exists(uint32_t inode);
int cmd__write(struct sink *out, struct sbuf *b);
/* Tell the snapshot whether the kernel dumps bound-only TCP sockets, from
 * its BTF where it can (no probe bind), else by the probe. */
void cmd__ask_bound_only(void);
int cmd__write_status(int rc);

#endif
