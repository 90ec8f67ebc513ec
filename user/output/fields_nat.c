// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The getters of fields.c for a who record reached through a DNAT rule
 * (format_input.nat): absent on every other record. Table and chain names
 * are the ruleset's, set by whoever wrote it: text, escaped. */
#include "output/fields.h"

void get_nat_port(GET_ARGS)
{
	if (in->nat)
		set_uint(v, in->nat->port);
}

void get_nat_family(GET_ARGS)
{
	if (in->nat)
		set_str(v, in->nat->family);
}

void get_nat_table(GET_ARGS)
{
	if (in->nat && in->nat->table) {
		v->type = V_TEXT;
		v->s = in->nat->table;
		v->n = strlen(in->nat->table);
	}
}

void get_nat_chain(GET_ARGS)
{
	if (in->nat && in->nat->chain) {
		v->type = V_TEXT;
		v->s = in->nat->chain;
		v->n = strlen(in->nat->chain);
	}
}

void get_nat_handle(GET_ARGS)
{
	if (in->nat)
		set_uint(v, in->nat->handle);
}

void get_nat_encoding(GET_ARGS)
{
	if (in->nat)
		set_str(v, in->nat->encoding);
}

void get_nat_to_ip(GET_ARGS)
{
	if (in->nat)
		set_str(v, in->nat->to_ip);
}

void get_nat_to_port(GET_ARGS)
{
	if (in->nat)
		set_uint(v, in->nat->to_port);
}

void get_nat_via(GET_ARGS)
{
	if (in->nat)
		text_or_none(v, in->nat->via);
}
