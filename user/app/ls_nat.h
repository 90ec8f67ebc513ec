/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * ls --nat: after the table, each DNAT rule of this namespace,
 * where it leads and who listens there (docs/nat.md). Table mode only.
 */
#ifndef PS_LS_NAT_H
#define PS_LS_NAT_H

#include "output/format.h"
#include "output/sbuf.h"
#include "sockets/snapshot.h"

/* Appends the lines to b; nothing when there are no DNAT rules or they
 * cannot be read (said on stderr with -v). */
void ls_nat__append(struct sbuf *b, const struct format_ctx *ctx,
		    const struct snapshot *snap, bool verbose);

#endif
