/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Shared by every .bpf.c: the kernel types and constants, then one header
 * per concern, in the order they build on each other: maps.bpf.h (the maps
 * and load-time knobs), filter.bpf.h (who and what is wanted), output.bpf.h
 * (records into the ring), exe.bpf.h (the executable),
 * task.bpf.h (the calling task's context),
 * sock.bpf.h (a socket's identity and addresses, tracking it for its close).
 * Include this header, not those.
 */
#ifndef PS_COMMON_BPF_H
#define PS_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>
#include "portsnoop.h"

#define AF_INET 2
#define AF_INET6 10
#define AF_UNSPEC 0
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define EINPROGRESS 115
#define ECONNABORTED 103
#define IPPROTO_TCP 6
#define PS_SOCK_STREAM 1

#include "core_fixes.bpf.h"

#define READ_ONCE(x) (*(const volatile typeof(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile typeof(x) *)&(x) = (v))

#include "maps.bpf.h"
#include "filter.bpf.h"
#include "output.bpf.h"
#include "exe.bpf.h"
#include "task.bpf.h"
#include "sock.bpf.h"

#endif /* PS_COMMON_BPF_H */
