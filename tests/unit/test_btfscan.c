// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdint.h>
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "unit.h"

#include "kernel/btfscan.h"

/* A BTF blob built by hand: header, types, strings. */
struct blob {
	uint32_t types[256];
	int ntypes;		/* u32 words used */
	char strs[512];
	int nstrs;
};

static uint32_t str(struct blob *b, const char *s)
{
	uint32_t off = (uint32_t)b->nstrs;

	if (!*s)
		return 0;
	memcpy(b->strs + b->nstrs, s, strlen(s) + 1);
	b->nstrs += (int)strlen(s) + 1;
	return off;
}

static void word(struct blob *b, uint32_t w)
{
	b->types[b->ntypes++] = w;
}

static void type(struct blob *b, const char *name, unsigned kind, unsigned vlen, int kflag,
		 uint32_t size_or_type)
{
	word(b, str(b, name));
	word(b, (uint32_t)kflag << 31 | kind << 24 | vlen);
	word(b, size_or_type);
}

/* Write header + sections to a memfd; returns the fd. */
static int emit(struct blob *b, uint16_t magic, uint32_t type_len_delta)
{
	uint32_t hdr[6];
	int fd = memfd_create("btf", 0);

	hdr[0] = magic | 1u << 16;		/* magic, version 1, flags 0 */
	hdr[1] = 24;				/* hdr_len */
	hdr[2] = 0;				/* type_off */
	hdr[3] = (uint32_t)b->ntypes * 4 + type_len_delta;
	hdr[4] = (uint32_t)b->ntypes * 4;	/* str_off */
	hdr[5] = (uint32_t)b->nstrs;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, hdr, sizeof(hdr)), sizeof(hdr));
	assert_int_equal(write(fd, b->types, (size_t)b->ntypes * 4), b->ntypes * 4);
	assert_int_equal(write(fd, b->strs, (size_t)b->nstrs), b->nstrs);
	return fd;
}

/* btfscan__fd (the file mapped) and btfscan__fd_read (read a window at a
 * time, as before 6.16) agree on every item and on the result. */
static int scan_both(int fd, struct btfscan_item *it, int n)
{
	struct btfscan_item read[16];
	int rc, rc_read;

	assert_true(n <= 16);
	memcpy(read, it, (size_t)n * sizeof(*it));
	rc_read = btfscan__fd_read(fd, read, n);
	rc = btfscan__fd(fd, it, n);
	assert_int_equal(rc, rc_read);
	for (int i = 0; i < n; i++)
		assert_int_equal(it[i].found, read[i].found);
	return rc;
}

static void kernel_like(struct blob *b)
{
	memset(b, 0, sizeof(*b));
	b->nstrs = 1;					/* offset 0: "" */
	type(b, "int", 1, 0, 0, 4);			/* [1] INT */
	word(b, 32);
	type(b, "file_operations", 7, 0, 0, 0);	/* [2] FWD */
	type(b, "task_struct", 4, 3, 0, 64);		/* [3] STRUCT, 3 members */
	word(b, str(b, "state")); word(b, 1); word(b, 0);
	word(b, str(b, "tgid")); word(b, 1); word(b, 8 * 40);
	word(b, str(b, "comm")); word(b, 1); word(b, 8 * 48);
	type(b, "inode", 4, 2, 1, 16);			/* [4] STRUCT, bitfield layout */
	word(b, str(b, "i_mode")); word(b, 1); word(b, 16u << 24 | 0);
	word(b, str(b, "i_ino")); word(b, 1); word(b, 0u << 24 | 64);
	type(b, "", 13, 1, 0, 1);			/* [5] FUNC_PROTO (int) */
	word(b, 0); word(b, 1);
	type(b, "bpf_iter_task_file", 12, 0, 0, 5);	/* [6] FUNC */
}

static void test_finds_ids_and_offsets(void **state)
{
	struct blob b;
	struct btfscan_item it[] = {
		{ "bpf_iter_task_file", NULL, 0 }, { "task_struct", "tgid", 0 },
		{ "task_struct", "comm", 0 }, { "inode", "i_mode", 0 }, { "inode", "i_ino", 0 },
		{ "task_struct", "nosuch", 0 }, { "file", "f_inode", 0 }, { "int", NULL, 0 },
	};
	int fd;

	kernel_like(&b);
	fd = emit(&b, 0xeB9F, 0);
	assert_int_equal(scan_both(fd, it, 8), 0);
	assert_int_equal(it[0].found, 6);
	assert_int_equal(it[1].found, 40);
	assert_int_equal(it[2].found, 48);
	assert_int_equal(it[3].found, 0);
	assert_int_equal(it[4].found, 8);
	assert_int_equal(it[5].found, -1);	/* no such member */
	assert_int_equal(it[6].found, -1);	/* no such struct */
	assert_int_equal(it[7].found, -1);	/* an INT is not a FUNC */
	close(fd);
}

/* Issue 24: a kernel feature told by an enum value in BTF (TCP_BOUND_INACTIVE:
 * sock_diag dumps bound-only TCP sockets, 6.5), asked with no bind of ours. */
static void test_finds_enumerators(void **state)
{
	struct blob b;
	struct btfscan_item it[] = {
		{ "TCP_BOUND_INACTIVE", BTFSCAN_ENUMERATOR, 0 },
		{ "TCP_LISTEN", BTFSCAN_ENUMERATOR, 0 },
		{ "BIG", BTFSCAN_ENUMERATOR, 0 },
		{ "TCP_NO_SUCH", BTFSCAN_ENUMERATOR, 0 },
		{ "task_struct", "tgid", 0 },
		{ "tcp_states", BTFSCAN_ENUMERATOR, 0 },	/* the enum's own name */
	};
	int fd;

	kernel_like(&b);
	type(&b, "tcp_states", 6, 2, 0, 4);		/* [7] ENUM, 2 values */
	word(&b, str(&b, "TCP_LISTEN")); word(&b, 10);
	word(&b, str(&b, "TCP_BOUND_INACTIVE")); word(&b, 13);
	type(&b, "", 19, 1, 0, 8);			/* [8] ENUM64 */
	word(&b, str(&b, "BIG")); word(&b, 5); word(&b, 1);
	fd = emit(&b, 0xeB9F, 0);
	assert_int_equal(scan_both(fd, it, 6), 0);
	assert_int_equal(it[0].found, 13);
	assert_int_equal(it[1].found, 10);
	assert_int_equal(it[2].found, (1LL << 32) | 5);
	assert_int_equal(it[3].found, -1);
	assert_int_equal(it[4].found, 40);		/* the rest as before */
	assert_int_equal(it[5].found, -1);
	close(fd);
}

static void test_malformed(void **state)
{
	struct blob b;
	struct btfscan_item it[] = { { "task_struct", "tgid", 0 } };
	int fd;

	kernel_like(&b);
	fd = emit(&b, 0x1234, 0);			/* bad magic */
	assert_int_equal(scan_both(fd, it, 1), -EPROTO);
	close(fd);
	fd = emit(&b, 0xeB9F, 4);			/* types run past their section */
	assert_int_equal(scan_both(fd, it, 1), -EPROTO);
	close(fd);
	b.types[5] = 25u << 24;				/* FWD's info: a kind nobody knows */
	fd = emit(&b, 0xeB9F, 0);
	assert_int_equal(scan_both(fd, it, 1), -EPROTO);
	close(fd);
	fd = memfd_create("empty", 0);			/* no header at all */
	assert_int_equal(scan_both(fd, it, 1), -EPROTO);
	close(fd);
	assert_int_equal(scan_both(-1, it, 1), -EBADF);
}

/* Empty sections placed past the end of the file: nothing to read, nothing
 * found, mapped or not (the fuzzer's first difference between the two). */
static void test_empty_sections_past_the_end(void **state)
{
	uint32_t hdr[6] = { 0xeB9F | 1u << 16, 0x01eb9f18, 0x1800, 0, 0x20000, 0 };
	struct btfscan_item it[] = { { "task_struct", "tgid", 0 } };
	int fd = memfd_create("btf", 0);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, hdr, sizeof(hdr)), sizeof(hdr));
	assert_int_equal(scan_both(fd, it, 1), 0);
	assert_int_equal(it[0].found, -1);
	close(fd);
}

UNIT_MAIN("btfscan", NULL, NULL,
	  cmocka_unit_test(test_finds_ids_and_offsets),
	  cmocka_unit_test(test_finds_enumerators),
	  cmocka_unit_test(test_malformed),
	  cmocka_unit_test(test_empty_sections_past_the_end))
