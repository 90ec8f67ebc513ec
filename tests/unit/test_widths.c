// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Issue 24: the table fits the width it claims, for every kind of record
 * (calls that work and fail, outcomes with their time, EADDRINUSE and its
 * holders, state rows, ls with long IPv6 addresses), at 80 and 200
 * columns; a folded record loses nothing and a continuation line cannot be
 * taken for a record.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "unit.h"
#include "output/fold.h"
#include "output/gapmark.h"
#include "output/format.h"
#include "enrich/listing.h"

#define LONG6 "fe80:1234:5678:9abc:def0:1234:5678:9abc"

static struct ps_event ev(unsigned int kind, int family, const char *laddr, uint16_t lport)
{
	struct ps_event e = {
		.ts_ns = 1795236626123456789ULL, .pid = 4194304, .tid = 4194304,
		.netns = 4026531840u, .kind = (uint16_t)kind, .family = (uint16_t)family,
		.proto = IPPROTO_TCP, .sock_type = SOCK_STREAM, .lport = lport,
	};

	inet_pton(family, laddr, e.laddr);
	strcpy(e.comm, "abcdefghijklmno");
	return e;
}

/* Every line at most width columns; the lines after the first start with
 * a space (records never do); the words are those of the one-line form. */
static void expect_fits(const char *folded, const char *one_line, size_t width)
{
	char *a = strdup(folded), *b = strdup(one_line), *sa, *sb;
	const char *p = folded;
	bool first = true;

	for (const char *nl; (nl = strchr(p, '\n')); p = nl + 1, first = false) {
		if (fold__columns(p, (size_t)(nl - p)) > width)
			fail_msg("a line of %zu columns at width %zu: '%.*s'",
				 fold__columns(p, (size_t)(nl - p)), width, (int)(nl - p), p);
		if (!first && *p != ' ')
			fail_msg("a continuation line that looks like a record: '%s'", p);
	}
	/* The same text: word for word, whatever the breaks and the padding
	 * (a break after ',' joins back without a space). */
	for (char *x = strtok_r(a, " \n", &sa), *y = strtok_r(b, " \n", &sb); x || y;
	     x = strtok_r(NULL, " \n", &sa), y = strtok_r(NULL, " \n", &sb)) {
		char *joined = NULL;	/* x, when it was put together here */

		assert_non_null(x);
		assert_non_null(y);
		while (strcmp(x, y) && strlen(x) < strlen(y) && x[strlen(x) - 1] == ',' &&
		       !strncmp(y, x, strlen(x))) {
			char *more = strtok_r(NULL, " \n", &sa), *j;

			assert_non_null(more);
			j = malloc(strlen(x) + strlen(more) + 1);
			strcpy(j, x);
			strcat(j, more);
			assert_true(!strncmp(y, j, strlen(j)));
			free(joined);
			joined = x = j;
			if (!strcmp(j, y))
				break;
		}
		assert_string_equal(x, y);
		free(joined);
	}
	free(a);
	free(b);
}

static void check_event(const struct format_input *in, unsigned int width)
{
	struct format_ctx fit = { .mode = FORMAT_TABLE, .width = width, .fit = true };
	struct format_ctx line = { .mode = FORMAT_TABLE, .width = width };
	struct sbuf a = { 0 }, b = { 0 };

	format__header(&a, &fit);
	assert_true(fold__columns(a.p, a.len - 1) <= width);
	sbuf__reset(&a);
	format__event(&a, &fit, in);
	format__event(&b, &line, in);
	assert_ptr_equal(strchr(b.p, '\n'), b.p + b.len - 1);	/* a file: one line */
	expect_fits(sbuf__str(&a), sbuf__str(&b), width);
	sbuf__free(&a);
	sbuf__free(&b);
}

static void test_every_event_kind_fits(void **state)
{
	static const unsigned int widths[] = { 80, 200 };
	struct ps_owner o[6];

	for (size_t i = 0; i < 6; i++)
		o[i] = (struct ps_owner){ .inode = 7, .pid = 4194300 + (uint32_t)i, .fd = 3,
					  .comm = "worker-process0" };
	for (size_t w = 0; w < 2; w++) {
		struct ps_event e = ev(PS_EV_BIND, AF_INET, "192.168.100.200", 65535);
		struct format_input in = { .ev = &e };

		check_event(&in, widths[w]);		/* ok */
		e.err = EADDRNOTAVAIL;
		check_event(&in, widths[w]);
		e.err = EADDRINUSE;
		in.holders = o;
		in.nholders = 6;
		check_event(&in, widths[w]);		/* held by six processes */
		in.holders_gone = true;
		check_event(&in, widths[w]);
		in = (struct format_input){ .ev = &e };
		e = ev(PS_EV_CONNECT, AF_INET6, LONG6, 65535);
		inet_pton(AF_INET6, LONG6, e.raddr);
		e.rport = 65535;
		e.err = EINPROGRESS;
		check_event(&in, widths[w]);
		e.kind = PS_EV_CONNECT_RESULT;
		e.err = 0;
		e.duration_ns = 123456789012ULL;
		check_event(&in, widths[w]);		/* established 123456.789ms */
		e.err = ECONNREFUSED;
		check_event(&in, widths[w]);
		e = ev(PS_EV_LISTEN, AF_INET6, LONG6, 65535);
		check_event(&in, widths[w]);
		e.kind = PS_EV_CLOSE;
		check_event(&in, widths[w]);
	}
}

static struct diag_sock sock(int family, const char *addr, uint16_t port, uint8_t state)
{
	struct diag_sock d = {
		.family = (uint8_t)family, .proto = IPPROTO_TCP, .state = state,
		.lport = port, .inode = 77, .cookie = 5, .netns = 4026531840u,
		.rqueue = 4096, .wqueue = 4096,
	};

	inet_pton(family, addr, d.laddr);
	return d;
}

/* State rows in the event table, and ls, at 80 and 200, with a long IPv6
 * address among short ones and a socket with many holders. */
static void test_state_rows_and_ls_fit(void **state)
{
	static const unsigned int widths[] = { 80, 200 };
	struct diag_sock socks[3] = {
		sock(AF_INET, "0.0.0.0", 80, TCP_LISTEN),
		sock(AF_INET6, LONG6, 65535, TCP_LISTEN),
		sock(AF_INET, "127.0.0.1", 8080, TCP_CLOSE),
	};
	struct ps_owner o[6];

	for (size_t i = 0; i < 6; i++)
		o[i] = (struct ps_owner){ .inode = 77, .pid = 4194300 + (uint32_t)i,
					  .fd = 3 + (uint32_t)i, .comm = "nginx" };
	for (size_t w = 0; w < 2; w++) {
		struct format_ctx fit = { .mode = FORMAT_TABLE, .width = widths[w], .fit = true };
		struct format_ctx line = { .mode = FORMAT_TABLE, .width = widths[w] };
		struct sbuf a = { 0 }, b = { 0 };

		for (size_t i = 0; i < 3; i++) {
			sbuf__reset(&a);
			sbuf__reset(&b);
			listing__state(&a, &fit, &socks[i], o, 6);
			listing__state(&b, &line, &socks[i], o, 6);
			memcpy(a.p, b.p, 12);	/* stamped now: the same clock time */
			expect_fits(sbuf__str(&a), sbuf__str(&b), widths[w]);
		}
		for (size_t i = 0; i < 3; i++)
			listing__fit(&fit, &socks[i], o, i == 0 ? 6 : 1);
		sbuf__reset(&a);
		listing__header(&a, &fit);
		assert_true(a.len - 1 <= widths[w]);
		/* 80: LOCAL stays 21 wide, the long address pushes its own row;
		 * 200: LOCAL grows to hold it. */
		assert_int_equal(strstr(a.p, "RECV-Q") - a.p, widths[w] == 80 ? 30 : 7 + 7 + 47 + 1);
		for (size_t i = 0; i < 3; i++) {
			sbuf__reset(&a);
			sbuf__reset(&b);
			listing__socket(&a, &fit, &socks[i], o, i == 0 ? 6 : 1);
			listing__socket(&b, &line, &socks[i], o, i == 0 ? 6 : 1);
			expect_fits(sbuf__str(&a), sbuf__str(&b), widths[w]);
			/* The short rows are one line at 80 too. */
			if (i == 2)
				assert_ptr_equal(strchr(a.p, '\n'), a.p + a.len - 1);
		}
		sbuf__free(&a);
		sbuf__free(&b);
	}
}

/* fold__line itself: breaks after ',' and at spaces, hard only inside a
 * word longer than the room, never inside a UTF-8 character. */
static void test_fold_breaks(void **state)
{
	static const struct {
		const char *line;
		size_t width, indent;
		const char *want;
	} cases[] = {
		{ "0123456789 held by a[1],b[2],c[3]", 20, 4,
		  "0123456789 held by\n    a[1],b[2],c[3]" },
		{ "0123456789 a[1],b[2],c[3],d[4]", 20, 4, "0123456789 a[1],\n    b[2],c[3],d[4]" },
		{ "x \xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 10, 2,
		  "x\n  \xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\n  \xc3\xa9\xc3\xa9" },
		/* a word ends at the edge */
		{ "0123456789 abcdefghi 0.058ms", 20, 4, "0123456789 abcdefghi\n    0.058ms" },
		{ "short line", 80, 4, "short line" },
	};
	struct sbuf b = { 0 };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sbuf__reset(&b);
		sbuf__puts(&b, cases[i].line);
		fold__line(&b, 0, cases[i].width, cases[i].indent);
		assert_string_equal(sbuf__str(&b), cases[i].want);
	}
	sbuf__free(&b);
}

/* The stream's own lines: lost events, a gap in the file. */
static void test_notes_fit_80(void **state)
{
	struct format_ctx ctx = { .mode = FORMAT_TABLE, .width = 80, .fit = true };
	struct sbuf b = { 0 };

	/* Counts of ten digits: four billion lines lost or unwritten. */
	format__lost(&b, &ctx, 4294967295ULL, 9999999999ULL);
	gapmark__format(&b, &ctx, 4294967295ULL, 9999999999ULL, -ENOSPC);
	for (const char *p = b.p, *nl; (nl = strchr(p, '\n')); p = nl + 1)
		if (nl - p > 80)
			fail_msg("%zu columns: '%.*s'", (size_t)(nl - p), (int)(nl - p), p);
	sbuf__free(&b);
}

UNIT_MAIN("widths", NULL, NULL,
	  cmocka_unit_test(test_notes_fit_80),
	  cmocka_unit_test(test_fold_breaks),
	  cmocka_unit_test(test_every_event_kind_fits),
	  cmocka_unit_test(test_state_rows_and_ls_fit))
