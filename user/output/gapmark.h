/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The mark of a gap in the output: lines that could not be written (a full
 * disk, a failing device) said in the stream itself, where they are
 * missing, once writing works again, as lost events are.
 */
#ifndef PS_GAPMARK_H
#define PS_GAPMARK_H

#include <stdint.h>
#include "output/format.h"
#include "output/sbuf.h"

/* "-- portsnoop: 12 lines not written here (ENOSPC), 12 in all --", or a JSON record {"event":{"kind":"metric","action":"unwritten"},
 * "portsnoop":{"unwritten":12,"unwritten_total":12}}. err: the -errno. */
void gapmark__format(struct sbuf *b, const struct format_ctx *ctx, uint64_t n,
		     uint64_t total, int err);

#endif
