/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * iptables-legacy's nat table as the kernel hands it out (the entries of
 * IPT_SO_GET_ENTRIES: struct ipt_entry, its matches, its target), decoded
 * into the expressions natrule.h reads: the pure half, for unit tests and
 * the fuzzer. nat.c fetches the blob.
 */
#ifndef PS_NATLEGACY_H
#define PS_NATLEGACY_H

#include <stddef.h>
#include <stdint.h>
#include "sockets/nat.h"

#define NATLEGACY_HOOKS 5	/* NF_INET_NUMHOOKS */

/*
 * Every DNAT rule of the blob (size bytes; hook_entry[]: each built-in
 * chain's first entry's offset, for the hooks in valid_hooks, as
 * IPT_SO_GET_INFO gives them) appended to
 * rules, chain names and 1-based rule numbers as `iptables -t nat -L
 * --line-numbers` shows them. Returns 0, or -EINVAL where the blob stops
 * making sense (what came before is kept), -ENOMEM.
 */
int natlegacy__parse(const void *blob, size_t size, unsigned int valid_hooks,
		     const unsigned int hook_entry[NATLEGACY_HOOKS], struct nat_rules *rules);

#endif
