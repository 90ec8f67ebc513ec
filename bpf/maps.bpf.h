/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The maps (weak, so each object may declare them and the static linker
 * keeps one), the load-time knobs and the counters. Included by common.bpf.h. */
#ifndef PS_MAPS_BPF_H
#define PS_MAPS_BPF_H

/*
 * A map of kind entries long from key_t to value_t, weak: every object
 * that includes its header declares it, the static linker keeps one.
 */
#define PS_MAP(name, kind, entries, key_t, value_t)			\
	struct {							\
		__uint(type, kind);					\
		__uint(max_entries, entries);				\
		__type(key, key_t);					\
		__type(value, value_t);					\
	} name SEC(".maps") __weak

/* Load-time knobs, set by the loader through the skeleton's rodata. */
extern const volatile struct ps_filter filter;

/* When the reader was last woken (PS_WAKEUP_INTERVAL_NS, bpf/portsnoop.h). */
extern __u64 last_wakeup_ns;

/* The ring buffer every record goes through; size set by the loader. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} events SEC(".maps") __weak;

/* Processes userspace keeps /proc details of (see struct ps_watch). */
PS_MAP(watched, BPF_MAP_TYPE_HASH, 16384, __u32, struct ps_watch);

/*
 * Bumped after every write to watched: by user space after its own
 * (tracer__watch() in user/loader/tracer_io.c, through the skeleton's
 * mapped .bss) and by the exit program after its delete. An answer of
 * watched that cmdline_known() (output.bpf.h) keeps is good while this
 * has not moved.
 */
extern __u64 watch_gen;

/* cmdline_known()'s last answer on this CPU (output.bpf.h). */
struct ps_known {
	__u64 seq;		/* odd while it is being written */
	__u64 gen;		/* watch_gen when it was looked up */
	__u64 start_ns;
	__u32 tgid;
	__u32 exec_id;
	__u32 known;
	__u32 _pad;
};

PS_MAP(known_cache, BPF_MAP_TYPE_PERCPU_ARRAY, 1, __u32, struct ps_known);

/* Per-CPU counters, indexed by enum ps_stat. */
PS_MAP(stats, BPF_MAP_TYPE_PERCPU_ARRAY, PS_STAT__MAX, __u32, __u64);

/*
 * What a close event needs once the socket is going away: the port it held,
 * filled when a bind or listen succeeds. First in a slot of its own,
 * slots[cookie % PS_SLOTS] (struct ps_slot, bpf/portsnoop.h): a slot is
 * taken and given back with one compare-and-swap of its cookie, where a
 * hash map's insert and delete take a bucket lock, a free-list entry and
 * interrupts off (about half of a bind's and a close's cost in the
 * kernel). A socket whose slot another holds goes to the hash map tracked,
 * by socket cookie. Kernels without BPF's compare-and-swap (before v5.12)
 * never take a slot: the loader rewrites the instruction as one that always
 * fails (without_cmpxchg(), user/loader/tracer.c).
 */
PS_MAP(slots, BPF_MAP_TYPE_ARRAY, PS_SLOTS, __u32, struct ps_slot);
PS_MAP(tracked, BPF_MAP_TYPE_HASH, 65536, __u64, struct ps_tracked);

static __always_inline struct ps_slot *slot_of(__u64 cookie)
{
	__u32 i = PS_SLOT_OF(cookie);

	return bpf_map_lookup_elem(&slots, &i);
}

/* Compare-and-swap of a slot's cookie: true when it was old and is now new. */
static __always_inline bool slot_swap(struct ps_slot *s, __u64 old, __u64 new)
{
	return __sync_val_compare_and_swap(&s->cookie, old, new) == old;
}

/*
 * Atomic even though the counter is this CPU's: a program in a syscall can
 * be interrupted by one in softirq (the TCP state change) on the same CPU,
 * and a plain += would then lose a count.
 */
static __always_inline void stat_inc(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &idx);

	if (v)
		__sync_fetch_and_add(v, 1);
}

#endif /* PS_MAPS_BPF_H */
