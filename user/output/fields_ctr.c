// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The getters of fields.c that name a record's container and its pod,
 * from the runtime's state on disk: enrich/ looks them up (proc/ctrnames.h,
 * cached by id) and hands them over in the record. */
#include <stdio.h>
#include "output/fields.h"
#include "lib/records.h"

static const struct ctr_names *names_of(const struct format_input *in)
{
	return in->proc && in->proc->container.id[0] ? in->ctr_names : NULL;
}

void get_container_name(GET_ARGS)
{
	const struct ctr_names *n = names_of(in);

	if (n)
		text_or_none(v, n->name);
}

void get_container_image(GET_ARGS)
{
	const struct ctr_names *n = names_of(in);

	if (n)
		text_or_none(v, n->image);
}

/* who's "container" line: its name, else its short id and why no name. */
void get_container_who(GET_ARGS)
{
	const struct ctr_names *n = names_of(in);

	if (!n)
		return;
	if (n->name[0]) {
		text_or_none(v, n->name);
		return;
	}
	snprintf(v->buf, sizeof(v->buf), "%.12s (%s, %s)", in->proc->container.id,
		 in->proc->container.runtime ? in->proc->container.runtime : "runtime unknown",
		 n->note ? n->note : "no name");
	set_str(v, v->buf);
}

/* Why the container has no name here: our own words. */
void get_container_note(GET_ARGS)
{
	const struct ctr_names *n = names_of(in);

	if (n)
		set_str(v, n->note);
}

void get_orch_type(GET_ARGS)
{
	const struct ctr_names *n = names_of(in);

	if (n && n->pod_name[0])
		set_str(v, "kubernetes");
}

void get_orch_ns(GET_ARGS)
{
	const struct ctr_names *n = names_of(in);

	if (n)
		text_or_none(v, n->pod_ns);
}

void get_orch_res_type(GET_ARGS)
{
	const struct ctr_names *n = names_of(in);

	if (n && n->pod_name[0])
		set_str(v, "pod");
}

void get_orch_res_name(GET_ARGS)
{
	const struct ctr_names *n = names_of(in);

	if (n)
		text_or_none(v, n->pod_name);
}
