/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A lean look-up in raw BTF (/sys/kernel/btf/vmlinux): a few type ids and
 * struct member offsets, read in one streaming pass with a small buffer.
 * libbpf parses the whole 5-6 MB (and holds it twice while it does); `ls`
 * and `who` need five numbers from it.
 */
#ifndef PS_BTFSCAN_H
#define PS_BTFSCAN_H

#include <stdint.h>

#define BTFSCAN_MAX_NAME 64	/* longer names are never looked for */

struct btfscan_item {
	const char *type;	/* a FUNC name, or a STRUCT name */
	const char *member;	/* NULL: the FUNC's type id; else the member's offset */
	int64_t found;		/* out: type id, or member offset in bytes; -1 if absent */
};

/*
 * Fill items[].found from the raw BTF read through fd (pread, from offset
 * 0). Returns 0 when the file was read whole (some items may still be -1),
 * -EPROTO on malformed BTF, -errno on a read error.
 */
int btfscan__fd(int fd, struct btfscan_item *items, int n);

#endif
