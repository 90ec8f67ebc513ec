/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A lean look-up in raw BTF (/sys/kernel/btf/vmlinux): a few type ids and
 * struct member offsets, read in one streaming pass with a small buffer
 * (or over the file mapped, where the kernel lets it be).
 * libbpf parses the whole 5-6 MB (and holds it twice while it does); `ls`
 * and `who` need five numbers from it.
 */
#ifndef PS_BTFSCAN_H
#define PS_BTFSCAN_H

#include <stdint.h>

#define BTFSCAN_MAX_NAME 64	/* longer names are never looked for */

struct btfscan_item {
	const char *type;	/* a FUNC name, or a STRUCT name; or an enumerator's */
	const char *member;	/* NULL: the FUNC's type id; BTFSCAN_ENUMERATOR: type
				 * is a value of an enum; else the member's offset */
	int64_t found;		/* out: type id, member offset in bytes, or the value
				 * (>= 0); -1 if absent */
};

#define BTFSCAN_ENUMERATOR ""

/*
 * Fill items[].found from the raw BTF of fd: mapped whole where the file
 * can be (sysfs's since 6.16), else read with pread from offset 0. Returns
 * 0 when the file was read whole (some items may still be -1), -EPROTO on
 * malformed BTF, -errno on a read error.
 */
int btfscan__fd(int fd, struct btfscan_item *items, int n);
/* The same, never mapped: what a kernel before 6.16 gets. */
int btfscan__fd_read(int fd, struct btfscan_item *items, int n);

/*
 * Does the running kernel's BTF have an enum value of this name? 0 and its
 * value in *value, -ENOENT when the BTF has none, -errno when it cannot be
 * read. A feature check that costs no syscall the tracer would see.
 */
int btfscan__enumerator(const char *name, int64_t *value);

#endif
