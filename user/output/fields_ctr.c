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

/* One getter per member of the container's names, where it has them. */
#define NAMES_GETTER(name, setter, member)	\
	void get_##name(GET_ARGS)		\
	{					\
		const struct ctr_names *n = names_of(in); \
						\
		if (n)				\
			setter(v, n->member);	\
	}

NAMES_GETTER(container_name, text_or_none, name)
NAMES_GETTER(container_image, text_or_none, image)

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
NAMES_GETTER(container_note, set_str, note)
/* The orchestrator's namespace and pod, for a container in a pod. */
NAMES_GETTER(orch_ns, text_or_none, pod_ns)
NAMES_GETTER(orch_res_name, text_or_none, pod_name)

/* A word said only of a container in a Kubernetes pod. */
static void if_in_pod(const struct format_input *in, struct val *v, const char *word)
{
	const struct ctr_names *n = names_of(in);

	if (n && n->pod_name[0])
		set_str(v, word);
}

void get_orch_type(GET_ARGS)
{
	if_in_pod(in, v, "kubernetes");
}

void get_orch_res_type(GET_ARGS)
{
	if_in_pod(in, v, "pod");
}
