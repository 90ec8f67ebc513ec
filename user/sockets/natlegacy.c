// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * An ip_tables entry blob walked entry by entry (natlegacy.h). Every offset
 * and size in it is checked against the blob before it is followed: the
 * kernel wrote it, but the fuzzer writes anything.
 */
#include "sockets/natlegacy.h"

#include <errno.h>
#include <netinet/in.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter_ipv4/ip_tables.h>

#define MAX_X 34	/* proto (2), up to 31 matches, the target */

static const char *const hook_names[NATLEGACY_HOOKS] = {
	"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING",
};

/* A match or target header at p, within [p, end): its name, revision, data. */
static int ext(const uint8_t *p, const uint8_t *end, struct natx *x, enum natx_kind kind)
{
	struct xt_entry_match m;	/* the same layout as xt_entry_target's */

	if ((size_t)(end - p) < sizeof(m))
		return -EINVAL;
	memcpy(&m, p, sizeof(m));
	if (m.u.user.match_size < sizeof(m) || m.u.user.match_size > (size_t)(end - p))
		return -EINVAL;
	memset(x, 0, sizeof(*x));
	x->kind = kind;
	snprintf(x->name, sizeof(x->name), "%.*s", (int)sizeof(m.u.user.name),
		 m.u.user.name);
	x->rev = m.u.user.revision;
	x->info = p + sizeof(m);
	x->info_len = m.u.user.match_size - sizeof(m);
	return (int)m.u.user.match_size;
}

/* One entry's expressions: protocol, matches, target. Returns how many, or
 * -EINVAL; the target's name in tname. */
static int entry_exprs(const uint8_t *e, const struct ipt_entry *h, struct natx *x,
		       char *tname, size_t tsz)
{
	const uint8_t *p = e + sizeof(*h), *tend = e + h->next_offset;
	const uint8_t *mend = e + h->target_offset;
	int n = 0, len;

	if (h->ip.proto && !(h->ip.invflags & IPT_INV_PROTO)) {
		x[n++] = (struct natx){ .kind = NATX_META, .key = 16, .dreg = 1 };
		x[n] = (struct natx){ .kind = NATX_CMP, .sreg = 1, .data_len = 1 };
		x[n++].data[0] = (uint8_t)h->ip.proto;
	}
	while (p < mend && n < MAX_X - 1) {
		if ((len = ext(p, mend, &x[n], NATX_MATCH)) < 0)
			return len;
		n++;
		p += len;
	}
	if ((len = ext(mend, tend, &x[n], NATX_TARGET)) < 0)
		return len;
	snprintf(tname, tsz, "%s", x[n].name);
	return n + 1;
}

int natlegacy__parse(const void *blob, size_t size, unsigned int valid_hooks,
		     const unsigned int hook_entry[NATLEGACY_HOOKS], struct nat_rules *rules)
{
	const uint8_t *b = blob;
	struct natx x[MAX_X];
	char chain[64] = "", tname[32];
	uint64_t num = 0;

	for (size_t off = 0; off + sizeof(struct ipt_entry) <= size;) {
		struct ipt_entry h;
		struct natrule r;
		struct natrule_where w = { "ip", "nat", chain, 0 };
		int n;

		memcpy(&h, b + off, sizeof(h));
		if (h.next_offset < sizeof(h) || h.next_offset > size - off ||
		    h.target_offset < sizeof(h) || h.target_offset > h.next_offset)
			return -EINVAL;
		for (int k = 0; k < NATLEGACY_HOOKS; k++)
			if ((valid_hooks & (1u << k)) && hook_entry[k] == off) {
				snprintf(chain, sizeof(chain), "%s", hook_names[k]);
				num = 0;
			}
		n = entry_exprs(b + off, &h, x, tname, sizeof(tname));
		if (n < 0)
			return n;
		if (!strcmp(tname, "ERROR")) {
			/* A user chain starts here, named by the target's data
			 * (the table's last entry is one too, "ERROR"). */
			const struct natx *t = &x[n - 1];

			snprintf(chain, sizeof(chain), "%.*s",
				 (int)strnlen((const char *)t->info, t->info_len), t->info);
			num = 0;
		} else {
			w.handle = ++num;
			if (natrule__parse(&w, x, (size_t)n, &r) == 1) {
				r.how = "legacy";
				if (nat__keep(rules, &r))
					return -ENOMEM;
			}
		}
		off += h.next_offset;
	}
	return 0;
}
