/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Who holds a port right now, asked when a bind or listen fails with
 * EADDRINUSE: a sock_diag dump of that namespace and port, joined with the
 * socket owners. Answers are kept a second, so a service that retries its
 * bind in a loop costs one lookup a second.
 */
#ifndef PS_HOLDERS_H
#define PS_HOLDERS_H

#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "portsnoop.h"

#define HOLDERS_MAX 8

struct holders;

struct holders *holders__new(void);
/* Fill out[] (at most HOLDERS_MAX, one per process); returns how many. */
size_t holders__find(struct holders *h, uint32_t netns, uint16_t proto, uint16_t port,
		     struct ps_owner out[HOLDERS_MAX]);
void holders__free(struct holders *h);

#endif
