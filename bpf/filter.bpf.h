/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The filters: on who (before any socket is looked at) and on what. Included by common.bpf.h. */
#ifndef PS_FILTER_BPF_H
#define PS_FILTER_BPF_H

#define PS_ANCESTORS_MAX 16	/* how far up --children looks */

/* Is the current process filter.tgid, or (--children) one of its descendants? */
static __always_inline bool tgid_wanted(void)
{
	struct task_struct *task = current_task();
	__u32 tgid = TASK_READ(task, tgid);

	if (tgid == filter.tgid)
		return true;
	if (!filter.children)
		return false;
	for (int i = 0; i < PS_ANCESTORS_MAX; i++) {
		task = TASK_READ(task, real_parent);
		if (!task)
			return false;
		tgid = TASK_READ(task, tgid);
		if (tgid == filter.tgid)
			return true;
		if (tgid <= 1)
			return false;
	}
	return false;
}

/* Filters on who: checked first, before any socket is looked at. */
static __always_inline bool task_wanted(void)
{
	struct task_struct *task;

	if (filter.tgid && !tgid_wanted())
		return false;
	if (filter.has_uid) {
		task = current_task();
		if (TASK_READ(task, cred, uid.val) != filter.uid)
			return false;
	}
	if (filter.cgroup_id &&
	    current_ancestor_cgroup_id(filter.cgroup_level) != filter.cgroup_id)
		return false;
	return true;
}

static __always_inline bool port_in(__u16 port)
{
	__u32 i = port >> 3;

	/* 5.10's verifier loses the bound of a masked index on the way here:
	 * a compare it can see. */
	barrier_var(i);
	if (i >= sizeof(filter.ports))
		return false;
	return filter.ports[i] & (1u << (port & 7));
}

static __always_inline __u8 proto_bit(__u16 proto)
{
	return proto == 6 ? PS_PROTO_TCP : proto == 17 ? PS_PROTO_UDP :
	       proto == 262 ? PS_PROTO_MPTCP : 0;
}

/*
 * Is any filter on what set? Without one every record is wanted, and the
 * record can be built in place in the ring (event_begin()). It names every
 * field event_wanted() below tests: the two change together.
 */
static __always_inline bool what_filtered(void)
{
	return filter.kinds || filter.protos || filter.families || filter.netns ||
	       filter.failed_only || filter.has_ports;
}

/* Filters on what: checked on the finished record. */
static __always_inline bool event_wanted(const struct ps_event *e)
{
	if (filter.kinds && !(filter.kinds & (1u << e->kind)))
		return false;
	if (filter.protos && !(filter.protos & proto_bit(e->proto)))
		return false;
	if (filter.families &&
	    !(filter.families & (e->family == AF_INET ? PS_FAMILY_INET :
				 e->family == AF_INET6 ? PS_FAMILY_INET6 : 0)))
		return false;
	if (filter.netns && filter.netns != e->netns)
		return false;
	if (filter.failed_only && (!e->err || e->err == EINPROGRESS))
		return false;
	if (filter.has_ports && !port_in(e->lport) && !port_in(e->rport))
		return false;
	return true;
}

#endif /* PS_FILTER_BPF_H */
