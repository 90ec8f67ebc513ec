// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Definitions shared by every hook family; the other objects see externs. */
#include "common.bpf.h"

const volatile struct ps_filter filter = {};
__u64 last_wakeup_ns = 0;
__u64 watch_gen = 0;
const volatile bool tracing_cookie = true;
const volatile bool tracing_ancestor_cgroup = true;

char LICENSE[] SEC("license") = "Dual BSD/GPL";
