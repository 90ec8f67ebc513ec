/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The maps (weak, so each object may declare them and the static linker
 * keeps one), the load-time knobs and the counters. Included by common.bpf.h. */
#ifndef PS_MAPS_BPF_H
#define PS_MAPS_BPF_H

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
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct ps_watch);
} watched SEC(".maps") __weak;

/* Per-CPU counters, indexed by enum ps_stat. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PS_STAT__MAX);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps") __weak;

/* What a close event needs once the socket is going away: the port it held.
 * Keyed by socket cookie, filled when a bind or listen succeeds. */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct ps_tracked);
} tracked SEC(".maps") __weak;

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
