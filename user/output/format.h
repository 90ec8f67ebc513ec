/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * One description of the output fields, rendered two ways: a fixed-column
 * table for people and JSON Lines for machines. Every line ends in '\n'.
 */
#ifndef PS_FORMAT_H
#define PS_FORMAT_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/types.h>
#include "portsnoop.h"
#include "output/sbuf.h"

enum format_mode {
	FORMAT_TABLE,
	FORMAT_JSON,
	FORMAT_SYSLOG,		/* RFC 5424, one message per record */
	FORMAT_JOURNAL,		/* journald native fields, one entry per record */
};

struct format_ctx {
	enum format_mode mode;
	int64_t mono_offset;	/* CLOCK_MONOTONIC -> CLOCK_REALTIME, ns */
	int64_t boot_offset;	/* CLOCK_BOOTTIME -> CLOCK_REALTIME, ns */
	const char *boot_id;	/* for process.entity_id; NULL: none */
	const char *host;	/* host.name; NULL: none */
};

struct proc_info;

/* One event and what is known about its process. */
struct format_input {
	const struct ps_event *ev;
	const char *argv;		/* the kernel's head of the command line */
	size_t argv_len;
	const struct proc_info *proc;	/* from /proc, or NULL */
	const char *user_name;		/* or NULL */
	const struct ps_owner *holders;	/* EADDRINUSE: who holds the port */
	size_t nholders;
	bool holders_gone;		/* holders are what the trace saw bind: their
					 * socket was gone when the failure was read */
};

/*
 * The processes holding a socket, one entry each (o[] is ordered by pid; a
 * process may hold it through several fds): "nginx[812],nginx[813]" for a
 * table cell, or a JSON array of {pid, name[, fd]}.
 */
void format__owners_text(struct sbuf *b, const struct ps_owner *o, size_t n);
void format__owners_json(struct sbuf *b, const struct ps_owner *o, size_t n, bool with_fd);

/* The table's header line; nothing in JSON mode. */
void format__header(struct sbuf *b, const struct format_ctx *ctx);
void format__event(struct sbuf *b, const struct format_ctx *ctx,
		   const struct format_input *in);
struct format_totals {
	uint64_t events, lost, initial, malformed, unwritten;
	uint64_t skipped;	/* program runs the kernel skipped (recursion) */
};

/* JSON only: the first record (version, host, how each hook is attached,
 * and, notes_len > 0, why some are not on their best strategy: lines each
 * ended by a NUL) and the last (what was seen, lost, not written). */
void format__start(struct sbuf *b, const struct format_ctx *ctx, const char *hooks,
		   const char *notes, size_t notes_len);
void format__stop(struct sbuf *b, const struct format_ctx *ctx,
		  const struct format_totals *t);
/* The RFC 5424 header up to an open structured-data element: the caller
 * adds ` name="value"` params, then "] " and the message. */
void format__syslog_head(struct sbuf *b, const struct format_ctx *ctx, int64_t ts,
			 const char *msgid, bool failure);
/* In-band notice that `lost` more events were dropped in the kernel. */
void format__lost(struct sbuf *b, const struct format_ctx *ctx, uint64_t lost,
		  uint64_t total_lost);

#endif
