// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The local port range, parsed from bytes and read from a /proc tree made
 * here: the kernel's text, text it never writes, no file, a huge file. */
#include <stdlib.h>

#include "unit.h"
#include "proc/sysctl.h"

#define RANGE_FILE "sys/net/ipv4/ip_local_port_range"

static void parses(const char *text, unsigned int lo, unsigned int hi)
{
	unsigned int l = 1, h = 1;

	if (sysctl__parse_port_range(text, strlen(text), &l, &h))
		fail_msg("'%s' not parsed", text);
	assert_int_equal(l, lo);
	assert_int_equal(h, hi);
}

static void refused(const char *text, size_t len)
{
	unsigned int l = 7, h = 9;

	assert_int_equal(sysctl__parse_port_range(text, len, &l, &h), -EINVAL);
	assert_int_equal(l, 7);	/* left as they were */
	assert_int_equal(h, 9);
}

static void test_parse(void **state)
{
	(void)state;
	parses("32768\t60999\n", 32768, 60999);	/* as the kernel writes it */
	parses("1024 65535", 1024, 65535);
	parses("  40000 40000 \n", 40000, 40000);	/* one port */
	refused("", 0);
	refused("32768\n", 6);				/* one number */
	refused("60999\t32768\n", 12);			/* upside down */
	refused("32768\t65536\n", 12);			/* not a port */
	refused("32768\t99999999999999999999\n", 27);	/* no overflow to a port */
	refused("-1\t60999\n", 9);
	refused("32768\t60999\t1\n", 14);		/* a third number */
	refused("32768\t60999x\n", 13);
	refused("32768\t6\0" "0999\n", 13);		/* a NUL inside */
	refused("abc def\n", 8);
}

static void test_read(void **state)
{
	char root[] = "/tmp/portsnoop-sysctl-XXXXXX", *huge;
	unsigned int lo = 7, hi = 9;
	size_t n = 1 << 20;

	(void)state;
	assert_non_null(mkdtemp(root));
	assert_int_equal(sysctl__port_range(root, &lo, &hi), -ENOENT);
	assert_int_equal(lo, 7);
	unit__put(root, RANGE_FILE, "49152\t65535\n", 12);
	assert_int_equal(sysctl__port_range(root, &lo, &hi), 0);
	assert_int_equal(lo, 49152);
	assert_int_equal(hi, 65535);
	unit__put(root, RANGE_FILE, "49152 x\n", 8);
	assert_int_equal(sysctl__port_range(root, &lo, &hi), -EINVAL);
	/* A megabyte of blanks after a good range: longer than any range. */
	huge = malloc(n);
	assert_non_null(huge);
	memset(huge, ' ', n);
	memcpy(huge, "1024 2048", 9);
	unit__put(root, RANGE_FILE, huge, n);
	free(huge);
	assert_int_equal(sysctl__port_range(root, &lo, &hi), -EFBIG);
	assert_int_equal(lo, 49152);	/* unchanged by the failures */
	assert_int_equal(hi, 65535);
	assert_int_equal(unit__rmtree(root), 0);
}

UNIT_MAIN("sysctl", NULL, NULL, cmocka_unit_test(test_parse), cmocka_unit_test(test_read))
