// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The getters of fields.c that say who and where: host, user, the owners
 * of a socket, and the process's cgroup, unit and container. */
#include <stdbool.h>
#include <string.h>
#include "output/fields.h"
#include "lib/records.h"

void get_host(GET_ARGS)
{
	text_or_none(v, ctx->host);
}

void get_user_name(GET_ARGS)
{
	text_or_none(v, in->user_name);
}

/* ls's USER: the users of the processes holding the socket. */
void get_owner_users(GET_ARGS)
{
	v->type = V_OWNERS;
	v->u2 = 1;	/* their users, not the processes; none: the socket's */
}

/* A state record's owners: always said, [] when none is known. */
void get_owners(GET_ARGS)
{
	v->type = V_OWNERS;
}

void get_owners_cell(GET_ARGS)
{
	if (in->nholders)
		v->type = V_OWNERS;
	v->u2 = 2;	/* with fds */
}

/* Why no holder of the socket could be named (holds' snapshot says). */
void get_owner_unknown(GET_ARGS)
{
	if (!in->nholders)
		set_str(v, in->owner_unknown);	/* our own words */
}

/* One getter per member of the record's process, where there is one. */
#define PROC_GETTER(name, setter, member)	\
	void get_##name(GET_ARGS)		\
	{					\
		if (in->proc)			\
			setter(v, in->proc->member);	\
	}

PROC_GETTER(cgroup_path, text_or_none, cgroup)
PROC_GETTER(unit, text_or_none, container.unit)
PROC_GETTER(container_id, str_or_none, container.id)
PROC_GETTER(container_rt, set_str, container.runtime)
PROC_GETTER(pod_uid, str_or_none, container.pod_uid)

/* The kernel saw the executable unlinked (deleted or replaced) at the event. */
void get_exe_deleted(GET_ARGS)
{
	if (in->ev->flags & PS_F_EXE_DELETED)
		set_bool(v, true);
}
