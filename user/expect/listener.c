// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "expect/listener.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "proc/ctrnames.h"
#include "proc/known.h"

const char *listener__unit(const struct container *c)
{
	size_t n = strlen(c->unit);

	if (!n || c->id[0] || (n > 6 && !strcmp(c->unit + n - 6, ".scope")))
		return NULL;
	return c->unit;
}

int listener__check_event(const struct baseline *b, const struct ps_event *ev,
			  const struct proc_info *proc, const struct ctr_names *names)
{
	struct expect_key k = { .proto = ev->proto, .port = ev->lport };
	bool stream = ev->proto == IPPROTO_TCP || ev->proto == 262 /* IPPROTO_MPTCP */;
	char comm[PS_COMM_LEN + 1];

	if (!b || ev->err || (ev->flags & PS_F_NO_ADDR) || !ev->lport)
		return 0;
	if (!(stream && ev->kind == PS_EV_LISTEN) &&
	    !(ev->proto == IPPROTO_UDP && ev->kind == PS_EV_BIND))
		return 0;
	memcpy(comm, ev->comm, PS_COMM_LEN);
	comm[PS_COMM_LEN] = '\0';
	k.comm = comm;
	k.scope = baseline__scope(ev->family, ev->laddr);
	if (proc) {
		k.exe = proc->exe;
		k.unit = listener__unit(&proc->container);
	}
	if (names && names->image[0])
		k.image = names->image;
	return baseline__match(b, &k, NULL) ? 1 : -1;
}

void listener__key_socket(struct expect_key *k, const struct diag_sock *d, uint32_t pid,
			  const char *comm)
{
	const struct proc_known *p;

	*k = (struct expect_key){ .proto = d->proto, .port = d->lport, .comm = comm,
				  .scope = baseline__scope(d->family, d->laddr) };
	if (!pid)
		return;
	p = known__of_pid("/proc", pid);
	k->exe = p->exe;
	k->unit = listener__unit(&p->container);
	if (p->container.id[0]) {
		const struct ctr_names *names = ctrnames__get(ctrnames__host(),
							      p->container.runtime,
							      p->container.id);

		if (names && names->image[0])
			k->image = names->image;
	}
}
