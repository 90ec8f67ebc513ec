/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What every cmocka test file needs: its headers, text checks, its main(). */
#ifndef PS_UNIT_H
#define PS_UNIT_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

static inline void unit__contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("'%s' not in '%s'", needle, hay);
}

static inline void unit__lacks(const char *hay, const char *needle)
{
	if (strstr(hay, needle))
		fail_msg("'%s' unexpectedly in '%s'", needle, hay);
}

/*
 * main() running the group `name` of the tests listed (cmocka_unit_test(f),
 * ...), with setup and teardown for the whole group (or NULL).
 */
#define UNIT_MAIN(name, setup, teardown, ...)					\
	int main(void)								\
	{									\
		const struct CMUnitTest tests[] = { __VA_ARGS__ };		\
										\
		return cmocka_run_group_tests_name(name, tests, setup, teardown); \
	}

#endif
