// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The getters of fields.c that say who serves behind a port keeper
 * (lib/records.h): the container, the process listening in its namespace,
 * its address there, and how the port leads to it. */
#include "output/fields.h"
#include "lib/records.h"

void get_serves_how(GET_ARGS)
{
	if (in->serves)
		text_or_none(v, in->serves->how);	/* names in it come from other processes */
}

void get_serves_ctr_id(GET_ARGS)
{
	if (in->serves && in->serves->ctr_id[0])
		set_str(v, in->serves->ctr_id);
}

void get_serves_ctr_name(GET_ARGS)
{
	const struct serves *s = in->serves;

	if (!s)
		return;
	if (s->names && s->names->name[0])
		text_or_none(v, s->names->name);
	else
		text_or_none(v, s->ctr_name);
}

void get_serves_ctr_image(GET_ARGS)
{
	if (in->serves && in->serves->names)
		text_or_none(v, in->serves->names->image);
}

void get_serves_ctr_rt(GET_ARGS)
{
	if (in->serves && in->serves->ctr_id[0])
		set_str(v, in->serves->runtime);
}

void get_serves_pid(GET_ARGS)
{
	if (in->serves && in->serves->found)
		set_uint(v, in->serves->pid);
}

void get_serves_comm(GET_ARGS)
{
	if (in->serves && in->serves->found)
		text_or_none(v, in->serves->comm);
}

void get_serves_exe(GET_ARGS)
{
	if (in->serves && in->serves->found)
		text_or_none(v, in->serves->exe);
}

void get_serves_ip(GET_ARGS)
{
	if (in->serves && in->serves->found) {
		names__addr(in->serves->family, in->serves->addr, v->buf, sizeof(v->buf));
		set_str(v, v->buf);
	}
}

void get_serves_port(GET_ARGS)
{
	if (in->serves && in->serves->found)
		set_uint(v, in->serves->port);
}

void get_serves_netns(GET_ARGS)
{
	if (in->serves && in->serves->found && in->serves->netns)
		set_uint(v, in->serves->netns);
}
