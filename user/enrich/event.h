/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * An event from the ring as the record the outputs read: its process (the
 * executable and cgroup the kernel saw, with what /proc adds), its user's
 * name and, for a bind or listen that failed with EADDRINUSE, who holds
 * the port.
 */
#ifndef PS_ENRICH_EVENT_H
#define PS_ENRICH_EVENT_H

#include "kernel/event.h"
#include "output/format.h"
#include "proc/pcache.h"
#include "proc/procview.h"
#include "output/users.h"
#include "sockets/holders.h"

/* What enriching reads: the stream's caches. */
struct enrich_sources {
	struct pcache *procs;
	struct procview *view;
	struct users *users;
	struct holders *holders;
};

/* Room the record points into: it lives as long as the record is used. */
struct enrich_room {
	struct ps_owner held[HOLDERS_MAX];
	struct proc_view pv;
};

/* in, for the decoded event v. */
void enrich__event(const struct enrich_sources *src, const struct event_view *v,
		   struct enrich_room *room, struct format_input *in);
/* in->ctr_names: the names of in->proc's container, from the runtimes'
 * state on disk (proc/ctrnames.h, cached by id), or NULL. */
void enrich__container_names(struct format_input *in);

#endif
