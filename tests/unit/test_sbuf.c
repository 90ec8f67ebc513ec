// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* sbuf__u64 and sbuf__decimal: every number a record carries, in decimal. */
#include "unit.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "output/sbuf.h"

static void test_decimal_as_printf_writes_it(void **state)
{
	static const uint64_t cases[] = {
		0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 4026531840ULL, 65535,
		1844674407370955161ULL, UINT64_MAX - 1, UINT64_MAX,
	};
	struct sbuf b = { 0 };
	char want[32], got[24];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(want, sizeof(want), "%" PRIu64, cases[i]);
		*sbuf__decimal(got, cases[i]) = '\0';
		assert_string_equal(got, want);
		b.len = 0;
		sbuf__puts(&b, "x");
		sbuf__u64(&b, cases[i]);
		assert_int_equal(strlen(b.p), b.len);	/* still a C string */
		assert_string_equal(b.p + 1, want);
	}
	/* Powers of ten and the numbers just below them, every length. */
	for (uint64_t p = 1; p <= 1000000000000000000ULL; p *= 10) {
		for (uint64_t v = p - 1; v <= p; v++) {
			snprintf(want, sizeof(want), "%" PRIu64, v);
			*sbuf__decimal(got, v) = '\0';
			assert_string_equal(got, want);
		}
	}
	sbuf__free(&b);
}

UNIT_MAIN("sbuf", NULL, NULL, cmocka_unit_test(test_decimal_as_printf_writes_it))
