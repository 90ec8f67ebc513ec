/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The one-shot commands: `ls` and `who`. Each returns the exit status. */
#ifndef PS_COMMANDS_H
#define PS_COMMANDS_H

#include "app/cli.h"
#include "app/filter.h"
#include "output/format.h"
#include "output/sink.h"

/* ls lists the sockets the filter wants (-t/-u choose the tables read). */
int cmd__ls(const struct ps_opts *o, const struct filter *f, const struct format_ctx *ctx,
	    struct sink *out);
int cmd__who(const struct ps_opts *o, const struct format_ctx *ctx, struct sink *out);

#endif
