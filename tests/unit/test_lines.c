// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Batches of output lines: when they go out, and what is counted when not. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "unit.h"
#include "output/gapmark.h"
#include "output/lines.h"

static void add(struct lines *l, const char *line, int want)
{
	sbuf__puts(lines__buf(l), line);
	assert_int_equal(lines__added(l), want);
}

/* What is in the pipe now (nothing: ""). */
static const char *drain(int fd)
{
	static char buf[1 << 17];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/* Lines wait for the batch's end, or for 64 KiB, then go in one write. */
static void test_batches(void **state)
{
	static char row[1024 + 1];	/* 1024 bytes and a NUL */
	struct sink *s;
	struct lines *l;
	int p[2];

	assert_int_equal(pipe2(p, O_NONBLOCK), 0);
	assert_int_equal(fcntl(p[1], F_SETFL, 0), 0);
	assert_true(fcntl(p[1], F_SETPIPE_SZ, 4 * LINES_FLUSH_BYTES) >= 4 * LINES_FLUSH_BYTES);
	assert_int_equal(sink__fd(p[1], &s), 0);
	l = lines__new(s);
	assert_non_null(l);
	assert_ptr_equal(lines__sink(l), s);
	add(l, "one\n", 0);
	add(l, "two\n", 0);
	assert_string_equal(drain(p[0]), "");
	assert_int_equal(lines__flush(l), 0);
	assert_string_equal(drain(p[0]), "one\ntwo\n");
	assert_int_equal(lines__flush(l), 0);		/* nothing gathered: no write */
	assert_string_equal(drain(p[0]), "");

	memset(row, 'x', sizeof(row) - 2);
	row[sizeof(row) - 2] = '\n';
	for (int i = 0; i < LINES_FLUSH_BYTES / 1024 - 1; i++)
		add(l, row, 0);
	assert_string_equal(drain(p[0]), "");
	add(l, row, 0);					/* 64 KiB: out */
	assert_int_equal(strlen(drain(p[0])), LINES_FLUSH_BYTES);
	assert_false(lines__reader_gone(l));
	assert_int_equal(lines__totals(l)->unwritten, 0);
	lines__free(l);
	sink__free(s);
	close(p[0]);
	close(p[1]);
}

/* The reader left: -EPIPE once, reader_gone, and nothing counted lost. */
static void test_reader_gone(void **state)
{
	struct sink *s;
	struct lines *l;
	int p[2];

	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(sink__fd(p[1], &s), 0);
	l = lines__new(s);
	close(p[0]);
	add(l, "nobody reads this\n", 0);
	assert_int_equal(lines__flush(l), -EPIPE);
	assert_true(lines__reader_gone(l));
	assert_int_equal(lines__totals(l)->unwritten, 0);
	assert_int_equal(lines__totals(l)->write_err, 0);
	lines__free(l);
	sink__free(s);
	close(p[1]);

	/* Told by epoll, before any write failed. */
	assert_int_equal(sink__fd(STDERR_FILENO, &s), 0);
	l = lines__new(s);
	lines__set_reader_gone(l);
	assert_true(lines__reader_gone(l));
	lines__free(l);
	sink__free(s);
	signal(SIGPIPE, SIG_DFL);
}

/* Lines into a new file, name (a mkstemp template) made. */
static struct lines *file_lines(char *name, struct sink **s)
{
	int fd = mkstemp(name);

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(sink__file(name, s), 0);
	return lines__new(*s);
}

/* What the file name holds, into buf (NUL-terminated); the file goes. */
static void read_back(const char *name, char *buf, size_t size)
{
	int fd = open(name, O_RDONLY);

	assert_true(fd >= 0);
	assert_true(read(fd, buf, size - 1) > 0);
	close(fd);
	unlink(name);
}

/* Lines into a file that can take 6 bytes (RLIMIT_FSIZE): "first\n" goes
 * out, second to fourth do not, in two flushes; then the room is back. */
static void fill_a_full_disk(struct lines *l)
{
	struct rlimit old, lim;

	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_IGN);
	lim = old;
	lim.rlim_cur = 6;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	add(l, "first\n", 0);
	add(l, "second\n", 0);
	add(l, "third\n", 0);
	assert_int_equal(lines__flush(l), 0);
	add(l, "fourth\n", 0);
	assert_int_equal(lines__flush(l), 0);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
}

/*
 * A full disk (RLIMIT_FSIZE): the lines that did not go out are counted,
 * the error kept (said once on stderr), and 0 returned: tracing goes on.
 */
static void test_unwritten(void **state)
{
	char name[] = "/tmp/ps-lines-XXXXXX", buf[64] = "";
	struct sink *s;
	struct lines *l = file_lines(name, &s);

	fill_a_full_disk(l);
	assert_int_equal(lines__totals(l)->unwritten, 3);
	assert_int_equal(lines__totals(l)->write_err, -EFBIG);
	assert_false(lines__reader_gone(l));
	add(l, "fifth\n", 0);				/* room again */
	assert_int_equal(lines__flush(l), 0);
	assert_int_equal(lines__totals(l)->unwritten, 3);
	lines__free(l);
	sink__free(s);
	read_back(name, buf, sizeof(buf));
	assert_string_equal(buf, "first\nfifth\n");
}

/* Issue 24: the gap is marked in the file itself, where the lines are
 * missing, once writing works again (not only in the stop record). */
static void test_unwritten_marked(void **state)
{
	char name[] = "/tmp/ps-lines-XXXXXX", buf[256] = "";
	struct format_ctx ctx = { .mode = FORMAT_TABLE };
	struct sbuf j = { 0 };
	struct sink *s;
	struct lines *l = file_lines(name, &s);

	lines__mark_gaps(l, &ctx);
	fill_a_full_disk(l);	/* the second flush still full: the mark waits too */
	add(l, "fifth\n", 0);
	assert_int_equal(lines__flush(l), 0);
	add(l, "sixth\n", 0);
	assert_int_equal(lines__flush(l), 0);	/* one mark, not one per batch */
	lines__free(l);
	sink__free(s);
	read_back(name, buf, sizeof(buf));
	assert_string_equal(buf, "first\n-- portsnoop: 3 lines not written here (EFBIG), 3 in "
				 "all --\nfifth\nsixth\n");
	ctx.mode = FORMAT_JSON;
	gapmark__format(&j, &ctx, 3, 5, -ENOSPC);
	unit__contains(sbuf__str(&j), "\"event\":{\"kind\":\"metric\",\"action\":"
				"\"unwritten\"},\"error\":{\"code\":\"ENOSPC\"},\"portsnoop\":"
				"{\"unwritten\":3,\"unwritten_total\":5}}\n");
	sbuf__free(&j);
}

/* A datagram sink takes one record at a time: each goes out at once. */
static void test_datagram_each(void **state)
{
	char name[] = "/tmp/ps-lines-sock-XXXXXX", buf[64];
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int srv = socket(AF_UNIX, SOCK_DGRAM, 0), fd = mkstemp(name);
	struct sink *s;
	struct lines *l;

	close(fd);
	unlink(name);
	strcpy(sun.sun_path, name);
	assert_int_equal(bind(srv, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(sink__journal(name, &s), 0);
	l = lines__new(s);
	add(l, "MESSAGE=a\nPRIORITY=6\n", 0);
	assert_int_equal(recv(srv, buf, sizeof(buf), MSG_DONTWAIT), 21);
	add(l, "MESSAGE=b\n", 0);
	assert_int_equal(recv(srv, buf, sizeof(buf), MSG_DONTWAIT), 10);
	assert_memory_equal(buf, "MESSAGE=b\n", 10);
	/* The journal went away: one record lost, however many newlines. */
	close(srv);
	unlink(name);
	add(l, "MESSAGE=c\nPRIORITY=6\n", 0);
	assert_int_equal(lines__totals(l)->unwritten, 1);
	lines__free(l);
	sink__free(s);
}

UNIT_MAIN("lines", NULL, NULL,
	  cmocka_unit_test(test_batches),
	  cmocka_unit_test(test_reader_gone),
	  cmocka_unit_test(test_unwritten),
	  cmocka_unit_test(test_unwritten_marked),
	  cmocka_unit_test(test_datagram_each))
