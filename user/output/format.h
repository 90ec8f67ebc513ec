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

struct users;

struct format_ctx {
	enum format_mode mode;
	unsigned int width;	/* table width in columns; 0: 80 (format__width()) */
	bool fit;		/* fold table rows to width (format__fits()): a
				 * terminal's; else one line per record */
	int64_t mono_offset;	/* CLOCK_MONOTONIC -> CLOCK_REALTIME, ns */
	int64_t boot_offset;	/* CLOCK_BOOTTIME -> CLOCK_REALTIME, ns */
	const char *boot_id;	/* for process.entity_id; NULL: none */
	const char *host;	/* host.name; NULL: none */
	struct users *users;	/* uid -> name for ls's USER; NULL: numbers */
	/* A network namespace's `ip netns` name, or NULL (sockets/nsnames.h,
	 * handed over by main); NULL: namespaces by inode. */
	const char *(*netns_name)(uint32_t inode);
};

struct proc_info;
struct serves;
struct ctr_names;
struct diag_sock;

/* The kinds of record: one field table describes them all. */
enum format_rec {
	FORMAT_REC_EVENT,	/* a traced call */
	FORMAT_REC_STATE,	/* a socket that exists (state records, ls rows) */
	FORMAT_REC_HELD,	/* one process holding a socket (who) */
};

/* The tables: the event stream's, ls's, and who's text blocks. */
enum format_table {
	FORMAT_TABLE_EVENTS,
	FORMAT_TABLE_LS,
	FORMAT_TABLE_WHO,
};

/* What who adds about a process that holds a socket. */
struct format_held {
	const char *cwd;		/* or NULL */
	const char *files;		/* open for writing: NUL-separated, each once */
	size_t files_len;
};

/* Who: the DNAT rule that leads a host port to this listener (docs/nat.md). */
struct format_nat {
	uint16_t port;			/* the host port asked about */
	const char *family, *table, *chain;	/* the rule's: from the ruleset */
	uint64_t handle;
	const char *encoding;		/* "nft" (nat expression) or "xt" (DNAT target) */
	const char *to_ip;		/* where it sends packets, and the port */
	uint16_t to_port;
	const char *via;		/* all of it as one line, for the text */
};

/*
 * One record and what is known about its process. State and held records
 * carry a struct ps_event too, built from the socket and its first owner
 * (listing__event()): the same fields read it.
 */
struct format_input {
	const struct ps_event *ev;
	const char *argv;		/* the kernel's head of the command line */
	size_t argv_len;
	const struct proc_info *proc;	/* from /proc, or NULL */
	const char *user_name;		/* or NULL */
	/* Events: who holds the port (EADDRINUSE). State and held records:
	 * the socket's owners, ordered by pid, one entry per fd. */
	const struct ps_owner *holders;
	size_t nholders;
	enum format_rec rec;		/* 0: an event */
	const struct diag_sock *sock;	/* state and held records: the socket */
	const struct format_held *held;	/* held records */
	const uint32_t *owner_uids;	/* per entry of holders[], or NULL */
	const char *owner_unknown;	/* no holders: why none could be named */
	uint32_t start_prec_ns;		/* process.start known to this; 0: to the ns */
	bool holders_gone;		/* holders are what the trace saw bind: their
					 * socket was gone when the failure was read */
	const struct format_nat *nat;	/* held records: reached through a DNAT */
	signed char expected;		/* --expect: 1 in the baseline, -1 not; 0 unchecked */
	const struct serves *serves;	/* a keeper's: who serves behind it, or NULL */
	const struct ctr_names *ctr_names;	/* proc's container's names, or NULL */
};

/* The event table's header line; nothing in JSON mode. */
void format__header(struct sbuf *b, const struct format_ctx *ctx);
void format__event(struct sbuf *b, const struct format_ctx *ctx,
		   const struct format_input *in);
/* Any record: in table mode a row of table t (who: a block of lines),
 * else JSON, syslog or journald as for events. */
void format__record(struct sbuf *b, const struct format_ctx *ctx, enum format_table t,
		    const struct format_input *in);
/* Widen table t's growable columns (the addresses) to hold this record,
 * before the header: ls measures every row first, as ss does. */
void format__fit(const struct format_ctx *ctx, enum format_table t,
		 const struct format_input *in);
void format__table_header(struct sbuf *b, const struct format_ctx *ctx,
			  enum format_table t);
/* who's text: the line naming the socket, once before its processes. */
void format__who_socket(struct sbuf *b, const struct format_ctx *ctx,
			const struct format_input *in);
/* The table width for output to fd: $COLUMNS, else the terminal's, else
 * 80 (a file, a pipe). Never below 80. */
unsigned int format__width(int fd);
/* Is the width one a reader sees (a terminal, or $COLUMNS set)? Then table
 * rows are folded to it; into a file or pipe each record is one line. */
bool format__fits(int fd);
/* "1 event" / "2 events": n and the noun, singular or plural. */
const char *format__count(char *buf, size_t sz, unsigned long long n, const char *one,
			  const char *many);
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
