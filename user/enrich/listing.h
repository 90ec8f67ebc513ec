/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Sockets that exist, with their owners: `ls` rows and state records. */
#ifndef PS_LISTING_H
#define PS_LISTING_H

#include <stddef.h>
#include <stdint.h>
#include "sockets/diag.h"
#include "output/format.h"
#include "proc/owners.h"
#include "output/sbuf.h"

/* A socket and its first owner as the struct ps_event the fields read
 * (now-stamped; uid: the owner's user). */
void listing__event(struct ps_event *ev, const struct diag_sock *d,
		    const struct ps_owner *o, size_t n, uint32_t uid);

/* Make ls's columns wide enough for this socket (call for every row
 * before listing__header). */
void listing__fit(const struct format_ctx *ctx, const struct diag_sock *d,
		  const struct ps_owner *o, size_t n);
void listing__header(struct sbuf *b, const struct format_ctx *ctx);
/*
 * One socket and the processes holding it: a table row, or a JSON record
 * with event.kind "state" (action "listening" or "bound"). owners may be
 * NULL (a socket no process holds a file of).
 */
void listing__socket(struct sbuf *b, const struct format_ctx *ctx,
		     const struct diag_sock *d, const struct ps_owner *owners, size_t n);
/* The same, with who serves behind a keeper that holds it (app/serves.h). */
void listing__socket_serves(struct sbuf *b, const struct format_ctx *ctx,
			    const struct diag_sock *d, const struct ps_owner *owners, size_t n,
			    const struct serves *sv);

/*
 * The same socket as a record of the event stream, before the live events:
 * JSON as above; in the table, a row in the event columns with EVENT
 * "state".
 */
void listing__state(struct sbuf *b, const struct format_ctx *ctx,
		    const struct diag_sock *d, const struct ps_owner *owners, size_t n);

#endif
