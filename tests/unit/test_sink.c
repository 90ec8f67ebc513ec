// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The sinks, on real files, pipes and sockets in a scratch directory. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "unit.h"
#include "output/sink.h"

static char dir[64];

static int make_dir(void **state)
{
	strcpy(dir, "/tmp/ps-sink-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	return unit__rmtree(dir);
}

static const char *path(const char *name)
{
	static char p[4][128];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", dir, name);
	return p[i];
}

/* The whole of a file, NUL-terminated. */
static const char *slurp(const char *file)
{
	static char buf[4096];
	int fd = open(file, O_RDONLY);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(n >= 0);
	buf[n] = '\0';
	return buf;
}

static void write_all(struct sink *s, const char *text)
{
	size_t done = 99;

	assert_int_equal(sink__write(s, text, strlen(text), &done), 0);
	assert_int_equal(done, strlen(text));
}

static void test_file_appends(void **state)
{
	const char *f = path("app.log");
	struct sink *s;
	struct stat st;
	int fd = open(f, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(write(fd, "before\n", 7) == 7);
	close(fd);
	assert_int_equal(sink__file(f, &s), 0);
	assert_false(sink__datagram(s));
	assert_int_equal(sink__poll_fd(s), -1);	/* a file is not watched */
	write_all(s, "one\ntwo\n");
	write_all(s, "three\n");
	sink__free(s);
	assert_string_equal(slurp(f), "before\none\ntwo\nthree\n");

	/* A new file is created 0640 (whatever the umask leaves of it). */
	umask(0);
	assert_int_equal(sink__file(path("new.log"), &s), 0);
	sink__free(s);
	assert_int_equal(stat(path("new.log"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	umask(022);
}

static void test_file_refusals(void **state)
{
	struct sink *s = NULL;

	/* Never through a symbolic link: the target stays untouched. */
	assert_int_equal(symlink(path("target"), path("link")), 0);
	assert_int_equal(sink__file(path("link"), &s), -ELOOP);
	assert_int_equal(access(path("target"), F_OK), -1);
	/* Nothing but a regular file. */
	assert_int_equal(mkfifo(path("fifo"), 0600), 0);
	assert_int_equal(open(path("fifo"), O_RDONLY | O_NONBLOCK) >= 0, 1);
	assert_int_equal(sink__file(path("fifo"), &s), -EINVAL);
	assert_int_equal(sink__file(path("no/such/dir/x.log"), &s), -ENOENT);
	assert_null(s);
}

/* logrotate: rename, then SIGHUP; what follows goes to a new file. */
static void test_file_reopen(void **state)
{
	const char *f = path("rot.log"), *old = path("rot.log.1");
	struct sink *s;

	assert_int_equal(sink__file(f, &s), 0);
	write_all(s, "first\n");
	assert_int_equal(rename(f, old), 0);
	write_all(s, "second\n");	/* still the renamed file's */
	assert_int_equal(sink__reopen(s), 0);
	write_all(s, "third\n");
	sink__free(s);
	assert_string_equal(slurp(old), "first\nsecond\n");
	assert_string_equal(slurp(f), "third\n");

	/* The directory went away: say so, keep the old file. */
	assert_int_equal(sink__file(path("gone/x.log"), &s), -ENOENT);
	assert_int_equal(mkdir(path("gone"), 0700), 0);
	assert_int_equal(sink__file(path("gone/x.log"), &s), 0);
	assert_int_equal(unlink(path("gone/x.log")), 0);
	assert_int_equal(rmdir(path("gone")), 0);
	assert_int_equal(sink__reopen(s), -ENOENT);
	write_all(s, "still\n");
	sink__free(s);
}

/*
 * A full disk, made with RLIMIT_FSIZE (EFBIG past the limit, SIGXFSZ
 * ignored): a line cut by the error is taken back out of the file, and
 * done ends on the last whole line.
 */
static void test_file_full(void **state)
{
	const char *f = path("full.log");
	const char *text = "0123456789\nabcdefghij\nklmnopqrst\n";
	struct rlimit old, lim;
	struct sink *s;
	size_t done = 0;
	int err;

	assert_int_equal(sink__file(f, &s), 0);
	write_all(s, "kept\n");				/* 5 bytes */
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_IGN);
	lim = old;
	lim.rlim_cur = 5 + 16;				/* mid second line */
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	err = sink__write(s, text, strlen(text), &done);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_int_equal(err, -EFBIG);
	assert_int_equal(done, 11);			/* "0123456789\n" */
	assert_string_equal(slurp(f), "kept\n0123456789\n");
	/* Room again: the next lines follow whole lines. */
	write_all(s, "next\n");
	sink__free(s);
	assert_string_equal(slurp(f), "kept\n0123456789\nnext\n");
	signal(SIGXFSZ, SIG_DFL);
}

/* stdout: an fd the sink does not own; the reader leaving is -EPIPE. */
static void test_fd_pipe(void **state)
{
	char buf[64] = "";
	struct sink *s;
	size_t done = 1;
	int p[2];

	assert_int_equal(pipe(p), 0);
	assert_int_equal(sink__fd(p[1], &s), 0);
	assert_int_equal(sink__poll_fd(s), p[1]);
	assert_int_equal(sink__reopen(s), 0);		/* nothing to reopen */
	write_all(s, "line\n");
	assert_int_equal(read(p[0], buf, sizeof(buf)), 5);
	assert_string_equal(buf, "line\n");
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(sink__write(s, "x\n", 2, &done), -EPIPE);
	assert_int_equal(done, 0);
	sink__free(s);
	/* Not the sink's to close. */
	assert_int_equal(fcntl(p[1], F_GETFD), 0);
	close(p[1]);
	signal(SIGPIPE, SIG_DFL);
}

static volatile sig_atomic_t stopping;

static void on_alarm(int sig)
{
	stopping = 1;
}

/*
 * A reader that does not read: the write blocks until a signal says stop
 * (as SIGTERM does, without SA_RESTART); then it gets a second more, and
 * gives up with -ETIMEDOUT having written what the pipe took.
 */
static void test_fd_stopping(void **state)
{
	static char big[1 << 18];
	struct sigaction sa = { .sa_handler = on_alarm };
	struct sink *s;
	size_t done = 0;
	int p[2];

	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = '\n';
	assert_int_equal(pipe(p), 0);
	assert_int_equal(sink__fd(p[1], &s), 0);
	sink__set_stopping(s, &stopping);
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGALRM, &sa, NULL), 0);
	alarm(1);
	assert_int_equal(sink__write(s, big, sizeof(big), &done), -ETIMEDOUT);
	assert_true(stopping);
	assert_true(done > 0 && done < sizeof(big));	/* what the pipe took */
	sink__free(s);
	close(p[0]);
	close(p[1]);
}

/* A datagram server at name: returns its fd. */
static int dgram_server(const char *name)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	strcpy(sun.sun_path, name);
	unlink(name);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	return fd;
}

static const char *recv_one(int fd)
{
	static char buf[256];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	assert_true(n >= 0);
	buf[n] = '\0';
	return buf;
}

/* One record, one datagram: syslog without its newline, journal with. */
static void test_datagram(void **state)
{
	const char *log = path("log"), *journal = path("journal");
	int srv = dgram_server(log), jsrv = dgram_server(journal);
	struct sink *s, *j;
	size_t done = 0;

	assert_int_equal(sink__syslog(log, &s), 0);
	assert_int_equal(sink__journal(journal, &j), 0);
	assert_true(sink__datagram(s));
	assert_true(sink__datagram(j));
	assert_int_equal(sink__poll_fd(s), -1);
	assert_int_equal(sink__write(s, "<30>1 msg\n", 10, &done), 0);
	assert_int_equal(done, 10);			/* the newline counts as written */
	assert_string_equal(recv_one(srv), "<30>1 msg");
	write_all(j, "MESSAGE=x\nPRIORITY=6\n");
	assert_string_equal(recv_one(jsrv), "MESSAGE=x\nPRIORITY=6\n");

	/* The daemon restarted (a new socket at the same path): sent again there. */
	close(srv);
	srv = dgram_server(log);
	write_all(s, "again\n");
	assert_string_equal(recv_one(srv), "again");
	/* Gone for good: the error, nothing sent. */
	close(srv);
	unlink(log);
	assert_int_equal(sink__write(s, "lost\n", 5, &done), -ECONNREFUSED);
	assert_int_equal(sink__reopen(s), -ENOENT);
	sink__free(s);
	sink__free(j);
	close(jsrv);

	assert_int_equal(sink__syslog(path("nobody"), &s), -ENOENT);
	{
		struct sockaddr_un sun;
		char longer[sizeof(sun.sun_path) + 8];

		memset(longer, 'a', sizeof(longer) - 1);
		longer[0] = '/';
		longer[sizeof(longer) - 1] = '\0';
		assert_int_equal(sink__syslog(longer, &s), -ENAMETOOLONG);
	}
}

UNIT_MAIN("sink", make_dir, remove_dir,
	  cmocka_unit_test(test_file_appends),
	  cmocka_unit_test(test_file_refusals),
	  cmocka_unit_test(test_file_reopen),
	  cmocka_unit_test(test_file_full),
	  cmocka_unit_test(test_fd_pipe),
	  cmocka_unit_test(test_fd_stopping),
	  cmocka_unit_test(test_datagram))
