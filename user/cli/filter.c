// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "cli/filter.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

bool filter__comm(const struct filter *f, const char *comm)
{
	return !f->comm || !strncmp(comm, f->comm, PS_COMM_LEN);
}

bool filter__existing(const struct filter *f)
{
	const struct ps_filter *k = f->kernel;

	return !k->kinds && !k->failed_only && !k->cgroup_id && !k->children;
}

static uint8_t proto_bit(uint16_t proto)
{
	return proto == IPPROTO_UDP ? PS_PROTO_UDP
	       : proto == IPPROTO_TCP ? PS_PROTO_TCP : PS_PROTO_MPTCP;
}

bool filter__socket(const struct filter *f, const struct diag_sock *d,
		    const struct ps_owner *o, size_t n)
{
	const struct ps_filter *k = f->kernel;
	bool pid = !k->tgid, comm = !f->comm;

	if ((k->has_uid && d->uid != k->uid) || (k->netns && d->netns != k->netns) ||
	    !filter__port(k, d->lport))
		return false;
	if (k->protos && !(k->protos & proto_bit(d->proto)))
		return false;
	if (k->families &&
	    !(k->families & (d->family == AF_INET ? PS_FAMILY_INET : PS_FAMILY_INET6)))
		return false;
	for (size_t i = 0; i < n; i++) {
		pid |= o[i].pid == k->tgid;
		comm |= filter__comm(f, o[i].comm);
	}
	return pid && comm;
}
