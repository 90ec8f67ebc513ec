/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * who PORT through NAT: the DNAT rules that send the port on, each followed
 * to the namespace on this host that has the target address and the
 * listener there (docs/nat.md). What cannot be followed is said on stderr.
 */
#ifndef PS_WHO_NAT_H
#define PS_WHO_NAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "cli/cli.h"
#include "output/format.h"
#include "sockets/snapshot.h"

/* Shows one listener reached through nat (who's own rendering). */
typedef void (*who_nat_show)(void *ctx, const struct snapshot *snap,
			     const struct diag_sock *s, const struct format_nat *nat);

/*
 * Follows every DNAT rule of our namespace for t's port; nothing when
 * `netns` (who --netns; 0: any) is another namespace. `held`: someone holds
 * the port already (then an unreadable ruleset is not worth a word).
 * Returns the number of listeners shown.
 */
size_t who_nat__follow(const struct ps_target *t, uint32_t netns, bool held, bool verbose,
		       who_nat_show show, void *ctx);

#endif
