/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Who holds which socket, from the BPF task_file iterator (it needs
 * libbpf, so it lives in loader/; sockets/snapshot.c is handed it). */
#ifndef PS_OWNERS_ITER_H
#define PS_OWNERS_ITER_H

#include "proc/owners.h"

/* Fill o, from the iterator when the kernel allows, else from /proc. *how
 * says which ("bpf iterator" / "/proc"). */
int owners__collect(struct owners *o, const char **how);
/* What the kernel's BTF, as read for the iterator, says of TCP sockets
 * bound and not listening: 1 sock_diag dumps them (TCP_BOUND_INACTIVE,
 * 6.5), 0 it does not, -1 the BTF was not read. */
int owners__btf_bound_only(void);

#endif
