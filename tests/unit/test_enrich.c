// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* An event from the ring made into the record the outputs read. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "enrich/event.h"
#include "expect/baseline.h"

#define NO_PID 4194305u	/* above PID_MAX_LIMIT: no /proc entry */

struct fixture {
	struct enrich_sources src;
	int lfd;
	uint16_t port;
	uint32_t netns;
};

static int setup(void **state)
{
	static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
				     "www-data:x:33:33:www-data:/var/www:/bin/false\n";
	static struct fixture f;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	struct stat st;

	f.src.users = users__new(NULL);
	f.src.procs = pcache__new(&(struct pcache_opts){
		.proc_root = "/nonexistent", .max_entries = 4, .max_cmdline = 64 });
	f.src.view = procview__new(&(struct procview_opts){ .cgroup_fd = -1 });
	f.src.holders = holders__new();
	if (!f.src.users || !f.src.procs || !f.src.view || !f.src.holders ||
	    users__parse(f.src.users, passwd, sizeof(passwd) - 1))
		return -1;
	/* A listener of our own on 127.0.0.1: the holder a failed bind names. */
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	f.lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (f.lfd < 0 || bind(f.lfd, (struct sockaddr *)&sin, sizeof(sin)) || listen(f.lfd, 1) ||
	    getsockname(f.lfd, (struct sockaddr *)&sin, &len) || stat("/proc/self/ns/net", &st))
		return -1;
	f.port = ntohs(sin.sin_port);
	f.netns = (uint32_t)st.st_ino;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	close(f->lfd);
	users__free(f->src.users);
	pcache__free(f->src.procs);
	procview__free(f->src.view);
	holders__free(f->src.holders);
	return 0;
}

static struct event_view failed(const struct fixture *f, uint8_t kind)
{
	struct event_view v = { 0 };
	uint32_t lo = htonl(INADDR_LOOPBACK);

	v.ev.kind = kind;
	v.ev.err = EADDRINUSE;
	v.ev.pid = NO_PID;
	v.ev.uid = 33;
	v.ev.family = AF_INET;
	v.ev.proto = IPPROTO_TCP;
	v.ev.lport = f->port;
	v.ev.rport = f->port;
	v.ev.netns = f->netns;
	memcpy(v.ev.laddr, &lo, sizeof(lo));
	memcpy(v.ev.raddr, &lo, sizeof(lo));
	return v;
}

/* A bind that failed with EADDRINUSE names who holds the port: this
 * process, through its listener's fd. */
static void test_failed_bind_names_the_holder(void **state)
{
	struct fixture *f = *state;
	struct event_view v = failed(f, PS_EV_BIND);
	struct format_input in;
	struct enrich_room room;

	enrich__event(&f->src, &v, &room, &in);
	assert_ptr_equal(in.ev, &v.ev);
	assert_string_equal(in.user_name, "www-data");
	assert_ptr_equal(in.holders, room.held);
	assert_int_equal(in.nholders, 1);
	assert_int_equal(in.holders[0].pid, (uint32_t)getpid());
	assert_int_equal(in.holders[0].fd, (uint32_t)f->lfd);
	assert_false(in.holders_gone);
}

/* A connect's EADDRINUSE is about a local port the kernel picked: nobody
 * to name; and a user with no passwd line has no name. */
static void test_connect_names_no_holder(void **state)
{
	struct fixture *f = *state;
	struct event_view v = failed(f, PS_EV_CONNECT);
	struct format_input in;
	struct enrich_room room;

	v.ev.uid = 4242;
	enrich__event(&f->src, &v, &room, &in);
	assert_null(in.holders);
	assert_int_equal(in.nholders, 0);
	assert_null(in.user_name);
}

/* What the serves function was asked, and what it answers. */
static struct {
	const struct ps_event *ev;
	size_t n;
	uint32_t held_pid;
} asked;

static bool serves_as_keeper(const struct ps_event *ev, const struct proc_info *proc,
			     const struct ps_owner *held, size_t n, struct serves *out)
{
	(void)proc;
	asked.ev = ev;
	asked.n = n;
	asked.held_pid = n ? held[0].pid : 0;
	memset(out, 0, sizeof(*out));
	out->pid = 4242;
	return true;
}

/* A failed bind on the port of an expected listener: the baseline's answer
 * and who serves behind the holder are in the record, asked of the holders
 * enriching found. */
static void test_expected_and_who_serves(void **state)
{
	struct fixture *f = *state;
	struct enrich_sources src = f->src;
	struct baseline *b = NULL;
	char err[256], text[64];
	struct event_view v = failed(f, PS_EV_LISTEN);
	struct enrich_room room;
	struct format_input in;

	snprintf(text, sizeof(text), "tcp any:%u comm=app\n", f->port);
	assert_int_equal(baseline__parse("base", text, strlen(text), &b, err, sizeof(err)), 0);
	src.baseline = b;
	src.serves = serves_as_keeper;
	enrich__event(&src, &v, &room, &in);
	assert_int_equal(in.expected, 0);	/* a failed listen is no listener */
	assert_ptr_equal(asked.ev, &v.ev);
	assert_int_equal(asked.n, 1);
	assert_int_equal(asked.held_pid, (uint32_t)getpid());
	assert_ptr_equal(in.serves, &room.behind);
	assert_int_equal(in.serves->pid, 4242);

	v.ev.err = 0;
	strcpy(v.ev.comm, "app");
	enrich__event(&src, &v, &room, &in);
	assert_int_equal(in.expected, 1);
	strcpy(v.ev.comm, "intruder");
	enrich__event(&src, &v, &room, &in);
	assert_int_equal(in.expected, -1);
	src.serves = NULL;			/* no keeper looked behind */
	src.baseline = NULL;			/* no --expect */
	enrich__event(&src, &v, &room, &in);
	assert_null(in.serves);
	assert_int_equal(in.expected, 0);
	baseline__free(b);
}

UNIT_MAIN("enrich", setup, teardown,
	  cmocka_unit_test(test_expected_and_who_serves),
	  cmocka_unit_test(test_failed_bind_names_the_holder),
	  cmocka_unit_test(test_connect_names_no_holder))
