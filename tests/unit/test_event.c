// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdint.h>
#include <errno.h>
#include <string.h>
#include "unit.h"

#include "kernel/event.h"

static void test_decode_ok(void **state)
{
	struct ps_event in = { .kind = PS_EV_LISTEN, .pid = 7, .lport = 80 };
	struct event_view out;

	assert_int_equal(event__decode(&in, sizeof(in), &out), 0);
	assert_int_equal(out.ev.pid, 7);
	assert_int_equal(out.ev.lport, 80);
	assert_int_equal(out.argv_len, 0);
	/* A longer record (a newer kernel side) still decodes. */
	{
		unsigned char big[sizeof(in) + 32] = { 0 };

		memcpy(big, &in, sizeof(in));
		assert_int_equal(event__decode(big, sizeof(big), &out), 0);
	}
}

static void test_decode_rejects(void **state)
{
	struct ps_event in = { .kind = PS_EV_BIND };
	struct event_view out;

	assert_int_equal(event__decode(&in, sizeof(in) - 1, &out), -EBADMSG);
	assert_int_equal(event__decode(NULL, 0, &out), -EBADMSG);
	in.kind = 0;
	assert_int_equal(event__decode(&in, sizeof(in), &out), -EBADMSG);
	in.kind = PS_EV__MAX;
	assert_int_equal(event__decode(&in, sizeof(in), &out), -EBADMSG);
	in.kind = PS_EV_BIND;
	in.err = -1;
	assert_int_equal(event__decode(&in, sizeof(in), &out), -EBADMSG);
	/* argv_len must stay inside the record (and the ABI's bound). */
	in.err = 0;
	in.argv_len = 1;
	assert_int_equal(event__decode(&in, sizeof(in), &out), -EBADMSG);
}

static void test_decode_argv(void **state)
{
	struct ps_record r = { .ev = { .kind = PS_EV_BIND, .argv_len = 9 } };
	struct event_view out;

	memcpy(r.argv, "nc\0-l\0-p\0" "9", 9);
	assert_int_equal(event__decode(&r, sizeof(r), &out), 0);
	assert_int_equal(out.argv_len, 9);
	assert_memory_equal(out.argv, "nc\0-l\0-p\0" "9", 9);
	r.ev.argv_len = PS_ARGV_LEN + 1;
	assert_int_equal(event__decode(&r, sizeof(r) + 8, &out), -EBADMSG);
}

static void test_decode_exec(void **state)
{
	static struct ps_exec_record r = { .ev = { .kind = PS_EV_EXEC } };
	struct event_view out;

	/* An exec record's path may be longer than any command line head. */
	r.ev.argv_len = PS_EXE_LEN;
	assert_int_equal(event__decode(&r, sizeof(r), &out), 0);
	assert_int_equal(out.argv_len, PS_EXE_LEN);
	assert_ptr_equal(out.argv, r.path);
	r.ev.argv_len = PS_EXE_LEN + 1;
	assert_int_equal(event__decode(&r, sizeof(r), &out), -EBADMSG);
	/* Other kinds keep their own bound. */
	r.ev.kind = PS_EV_BIND;
	r.ev.argv_len = PS_ARGV_LEN + 1;
	assert_int_equal(event__decode(&r, sizeof(r), &out), -EBADMSG);
}

static void test_decode_terminates_comm(void **state)
{
	struct ps_event in = { .kind = PS_EV_BIND };
	struct event_view out;

	memset(in.comm, 'A', sizeof(in.comm));
	memset(in.pcomm, 'B', sizeof(in.pcomm));
	memset(in.tcomm, 'C', sizeof(in.tcomm));
	assert_int_equal(event__decode(&in, sizeof(in), &out), 0);
	assert_int_equal(strlen(out.ev.comm), PS_COMM_LEN - 1);
	assert_int_equal(strlen(out.ev.pcomm), PS_COMM_LEN - 1);
	assert_int_equal(strlen(out.ev.tcomm), PS_COMM_LEN - 1);
}

static void test_abi_layout(void **state)
{
	/* The BPF side writes these offsets; a silent move would garble
	 * every field after it. (The size: event.h's _Static_assert.) */
#define AT(f, off) { #f, offsetof(struct ps_event, f), off }
	static const struct {
		const char *field;
		size_t at, want;
	} layout[] = {
		AT(ts_ns, 0), AT(duration_ns, 32), AT(pid, 40), AT(ns_pid, 72), AT(kind, 80),
		AT(argv_len, 94), AT(laddr, 96), AT(comm, 128), AT(pcomm, 144), AT(tcomm, 160),
		AT(ifname, 176), AT(ifindex, 192),
	};
#undef AT

	for (size_t i = 0; i < sizeof(layout) / sizeof(layout[0]); i++)
		if (layout[i].at != layout[i].want)
			fail_msg("ps_event.%s at %zu, not %zu", layout[i].field, layout[i].at,
				 layout[i].want);
	assert_int_equal(offsetof(struct ps_record, argv), PS_EVENT_SIZE);
}

UNIT_MAIN("event", NULL, NULL,
	  cmocka_unit_test(test_decode_ok),
	  cmocka_unit_test(test_decode_rejects),
	  cmocka_unit_test(test_decode_exec),
	  cmocka_unit_test(test_decode_terminates_comm),
	  cmocka_unit_test(test_decode_argv),
	  cmocka_unit_test(test_abi_layout))
