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

struct baseline;

/*
 * Who serves behind a port keeper, for event ev by process proc, whose
 * failed bind found held/n holding the port (app/serves.h's
 * serves__for_event, handed down: it needs the tool's snapshot).
 */
typedef bool (*enrich_serves_fn)(const struct ps_event *ev, const struct proc_info *proc,
				 const struct ps_owner *held, size_t n, struct serves *out);

/* What enriching reads: the stream's caches, what is expected, who serves. */
struct enrich_sources {
	struct pcache *procs;
	struct procview *view;
	struct users *users;
	struct holders *holders;
	const struct baseline *baseline;	/* NULL: no --expect */
	enrich_serves_fn serves;		/* NULL: no keeper looked behind */
};

/* Room the record points into: it lives as long as the record is used. */
struct enrich_room {
	struct ps_owner held[HOLDERS_MAX];
	struct proc_view pv;
	struct serves behind;
};

/* in, for the decoded event v: in->expected says whether the baseline
 * expects it (0 without one), in->serves who serves behind a keeper. */
void enrich__event(const struct enrich_sources *src, const struct event_view *v,
		   struct enrich_room *room, struct format_input *in);
/* in->ctr_names: the names of in->proc's container, from the runtimes'
 * state on disk (proc/ctrnames.h, cached by id), or NULL. */
void enrich__container_names(struct format_input *in);

#endif
