// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The getters of fields.c that say where a socket is: its network
 * namespace by name, its container, and ls's state in a word. */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include "output/fields.h"
#include "lib/records.h"

/* `ip netns` name of the record's namespace (JSON), where it has one. */
void get_netns_name(GET_ARGS)
{
	const char *name = ctx->netns_name ? ctx->netns_name(in->ev->netns) : NULL;

	if (name) {
		v->type = V_TEXT;
		v->s = name;
		v->n = strlen(name);
	}
}

/* NETNS in a table: the name where one exists, else the inode. */
void get_netns_col(GET_ARGS)
{
	get_netns_name(in, ctx, v);
	if (v->type == V_NONE && in->ev->netns)
		set_uint(v, in->ev->netns);
}

/* CONTAINER in the wide table: the container's name where the runtime's
 * state gives one (enrich__container_names), else the short id, as docker ps. */
void get_container_col(GET_ARGS)
{
	(void)ctx;
	if (!in->proc || !in->proc->container.id[0])
		return;
	if (in->ctr_names && in->ctr_names->name[0]) {
		text_or_none(v, in->ctr_names->name);	/* from the runtime's files */
		return;
	}
	v->type = V_STR;
	v->s = in->proc->container.id;
	v->n = strnlen(v->s, 12);
}

/* ls's STATE: a listener, or a socket that is bound only. */
void get_ls_state(GET_ARGS)
{
	(void)ctx;
	if (in->sock)
		set_str(v, in->sock->proto != IPPROTO_UDP && in->sock->state == TCP_LISTEN
			   ? "listen" : "bound");
}
