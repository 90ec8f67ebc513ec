// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "enrich/event.h"

#include <errno.h>
#include <string.h>
#include "expect/listener.h"
#include "proc/ctrnames.h"

void enrich__container_names(struct format_input *in)
{
	const struct container *c = in->proc ? &in->proc->container : NULL;

	in->ctr_names = c && c->id[0] ? ctrnames__get(ctrnames__host(), c->runtime, c->id)
				      : NULL;
}

void enrich__event(const struct enrich_sources *src, const struct event_view *v,
		   struct enrich_room *room, struct format_input *in)
{
	*in = (struct format_input){
		.ev = &v->ev,
		.argv = v->argv,
		.argv_len = v->argv_len,
		.proc = procview__merge(src->view, &v->ev,
					pcache__get(src->procs, v->ev.pid, v->ev.start_ns,
						    v->ev.exec_id),
					&room->pv),
		.user_name = users__name(src->users, v->ev.uid),
	};
	/* Who is in the way: asked of the system now, once a second at most;
	 * else what the trace saw bound there. */
	if (v->ev.err == EADDRINUSE &&
	    (v->ev.kind == PS_EV_BIND || v->ev.kind == PS_EV_LISTEN) &&
	    !(v->ev.flags & PS_F_NO_ADDR)) {
		struct holds_query q = { .port = v->ev.lport, .proto = v->ev.proto,
					 .family = v->ev.family };

		memcpy(q.addr, v->ev.laddr, sizeof(q.addr));
		in->holders = room->held;
		in->nholders = holders__find(src->holders, v->ev.netns, &q, room->held,
					     &in->holders_gone);
	}
	enrich__container_names(in);
	in->expected = (signed char)listener__check_event(src->baseline, &v->ev, in->proc,
							  in->ctr_names);
	if (src->serves && src->serves(&v->ev, in->proc, in->holders, in->nholders, &room->behind))
		in->serves = &room->behind;	/* a keeper's port: who serves */
}
