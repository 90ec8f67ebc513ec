/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Records into the ring buffer: wakeups, the command line, drops counted. Included by common.bpf.h. */
#ifndef PS_OUTPUT_BPF_H
#define PS_OUTPUT_BPF_H

/* Racy across CPUs on purpose: at worst two wakeups instead of one. */
static __always_inline __u64 wakeup_flags(__u64 now)
{
	if (now - last_wakeup_ns < PS_WAKEUP_INTERVAL_NS)
		return BPF_RB_NO_WAKEUP;
	last_wakeup_ns = now;
	return BPF_RB_FORCE_WAKEUP;
}

/* The head of the current process's command line, as its memory holds it. */
static __always_inline void read_argv(struct ps_record *r)
{
	struct task_struct *task = current_task();
	struct mm_struct *mm = TASK_READ(task, mm);
	unsigned long start, n;

	r->ev.argv_len = 0;
	if (!mm)	/* exiting, or a kernel thread */
		return;
	start = TASK_READ(mm, arg_start);
	n = TASK_READ(mm, arg_end) - start;
	if (n > PS_ARGV_LEN) {
		n = PS_ARGV_LEN;
		r->ev.flags |= PS_F_ARGV_TRUNCATED;
	}
	if (n && !bpf_probe_read_user(r->argv, n, (const void *)start))
		r->ev.argv_len = n;
}

/* A program, as cmdline_known() asks about it: (pid, start, exec_id). */
struct ps_ident {
	__u64 start_ns;
	__u32 pid;
	__u32 exec_id;
};

/*
 * This CPU's last answer for e's program, if it still holds: a hash lookup
 * per record is a sizeable part of a bind's cost, and one process making
 * many calls asks the same question each time. A program on a preemptible
 * kernel can be preempted mid-write by another on the same CPU: the
 * sequence count makes a half-written answer read as none (-1).
 */
static __always_inline int known_cached(struct ps_known *k, const struct ps_ident *e, __u64 gen)
{
	__u64 seq = READ_ONCE(k->seq);
	int known;

	barrier();
	if ((seq & 1) || k->gen != gen || k->tgid != e->pid || k->start_ns != e->start_ns ||
	    k->exec_id != e->exec_id)
		return -1;
	known = k->known;
	barrier();
	return READ_ONCE(k->seq) == seq ? known : -1;
}

static __always_inline void known_keep(struct ps_known *k, const struct ps_ident *e, __u64 gen,
				       bool known)
{
	k->seq++;
	barrier();
	k->gen = gen;
	k->tgid = e->pid;
	k->start_ns = e->start_ns;
	k->exec_id = e->exec_id;
	k->known = known;
	barrier();
	k->seq++;
}

/* Does userspace hold this program's command line already? */
static __always_inline bool cmdline_known(const struct ps_ident *e)
{
	__u64 gen = READ_ONCE(watch_gen);
	__u32 zero = 0, tgid = e->pid;
	struct ps_known *k = bpf_map_lookup_elem(&known_cache, &zero);
	struct ps_watch *w;
	bool known;
	int cached;

	if (k) {
		cached = known_cached(k, e, gen);
		if (cached >= 0)
			return cached;
	}
	w = bpf_map_lookup_elem(&watched, &tgid);
	known = w && w->has_cmdline && w->start_ns == e->start_ns && w->exec_id == e->exec_id;
	if (k)
		known_keep(k, e, gen, known);
	return known;
}

/* A record of the fixed part alone: no command line. */
static __always_inline void fixed_output(const struct ps_event *e)
{
	struct ps_event *r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);

	if (!r) {
		stat_inc(PS_STAT_RB_DROPS);
		return;
	}
	__builtin_memcpy(r, e, sizeof(*e));
	r->argv_len = 0;
	bpf_ringbuf_submit(r, wakeup_flags(e->ts_ns));
}

/*
 * Hand a record finished on the BPF stack to the reader: event_end()'s
 * fallback (below). The command line is read straight into the ring,
 * unless userspace has it: then the record is the fixed part alone.
 */
static __always_inline void event_output(struct ps_event *e)
{
	struct ps_ident id = { .start_ns = e->start_ns, .pid = e->pid, .exec_id = e->exec_id };
	struct ps_record *r;

	if (!event_wanted(e))
		return;
	if (cmdline_known(&id)) {
		fixed_output(e);
		return;
	}
	r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);
	if (!r) {
		stat_inc(PS_STAT_RB_DROPS);
		return;
	}
	__builtin_memcpy(&r->ev, e, sizeof(*e));
	read_argv(r);
	bpf_ringbuf_submit(r, wakeup_flags(e->ts_ns));
}

/*
 * Where a record is built. With no filter on what (load-time constants),
 * every record is wanted: it is built in place in the ring, as the one
 * record it becomes (the fixed part, with the command line unless
 * userspace has it), and never copied. When the ring has no room, or a
 * filter on what must see the finished record first, it is built on the
 * stack and handed over by event_output() at the end. Either way the
 * program's other effects (tracking a socket for its close) happen, and a
 * record the ring has no room for is counted lost: generated = delivered
 * + lost, always.
 *
 * Which of the three it is, is a number, never a second test of the
 * ring's pointer: 5.10's verifier does not know that a reserved record it
 * has seen to be non-NULL stays so (its reg_type_not_null() lacks
 * PTR_TO_MEM), follows the "NULL" branch too and refuses the program for
 * the record left unsubmitted there. 64 bits, because 5.10 reads a
 * narrower constant spilled to the stack back as unknown.
 */
enum ps_out_where {
	PS_OUT_STACK,	/* the caller's spare: event_output() copies it */
	PS_OUT_FIXED,	/* in the ring, the fixed part alone */
	PS_OUT_FULL,	/* in the ring, a ps_record: room for the command line */
};

struct out {
	__u64 where;	/* enum ps_out_where */
};

_Static_assert(__builtin_offsetof(struct ps_record, ev) == 0,
	       "a ps_record in the ring is filled through its ps_event");

/* The record to fill, zeroed; every path hands it to event_end(). */
static __always_inline struct ps_event *event_begin(struct out *o, struct ps_event *spare)
{
	struct task_struct *task = current_task();
	struct ps_ident id;
	struct ps_record *full;
	struct ps_event *fixed;

	if (!what_filtered()) {
		id.pid = TASK_READ(task, tgid);
		id.start_ns = task_start_boottime(TASK_READ(task, group_leader));
		id.exec_id = (__u32)TASK_READ(task, self_exec_id);
		if (cmdline_known(&id)) {
			fixed = bpf_ringbuf_reserve(&events, sizeof(*fixed), 0);
			if (fixed) {
				__builtin_memset(fixed, 0, sizeof(*fixed));
				o->where = PS_OUT_FIXED;
				return fixed;
			}
		} else {
			full = bpf_ringbuf_reserve(&events, sizeof(*full), 0);
			if (full) {
				__builtin_memset(&full->ev, 0, sizeof(full->ev));
				o->where = PS_OUT_FULL;
				return &full->ev;
			}
		}
	}
	__builtin_memset(spare, 0, sizeof(*spare));
	o->where = PS_OUT_STACK;
	return spare;
}

/* e (from event_begin()) is finished: submit it, or filter and copy it. */
static __always_inline void event_end(const struct out *o, struct ps_event *e)
{
	if (o->where == PS_OUT_FULL) {
		read_argv((struct ps_record *)e);
		bpf_ringbuf_submit(e, wakeup_flags(e->ts_ns));
	} else if (o->where == PS_OUT_FIXED) {
		bpf_ringbuf_submit(e, wakeup_flags(e->ts_ns));
	} else {
		event_output(e);
	}
}

/* A record that is complete as it is (a map value), copied in whole. */
static __always_inline void record_output(struct ps_record *r)
{
	if (!event_wanted(&r->ev))
		return;
	if (bpf_ringbuf_output(&events, r, sizeof(*r), wakeup_flags(bpf_ktime_get_ns())))
		stat_inc(PS_STAT_RB_DROPS);
}

#endif /* PS_OUTPUT_BPF_H */
