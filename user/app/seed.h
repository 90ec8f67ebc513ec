/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The sockets that existed before the tracer attached: state records ahead
 * of the live events, and their releases reported from then on too.
 */
#ifndef PS_SEED_H
#define PS_SEED_H

#include <linux/types.h>
#include "cli/filter.h"
#include "loader/tracer.h"
#include "output/format.h"
#include "output/lines.h"

struct seed_opts {
	const struct filter *filter;	/* which sockets get a state record */
	const struct format_ctx *fmt;
	struct lines *out;
	struct tracer *tracer;		/* told to report each socket's release;
					 * NULL: records only (a reopened file) */
};

/*
 * Returns the number of state records written. When the sockets cannot be
 * read, says so on stderr and returns 0: live tracing still works.
 */
__u64 seed__sockets(const struct seed_opts *o);

#endif
