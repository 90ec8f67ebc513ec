// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Issue 24: tables name a namespace as `ip netns` does, else by inode; ls
 * has a state column; the full-width table names namespace and container. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/stat.h>
#include <sys/socket.h>

#include "unit.h"
#include "output/format.h"
#include "proc/pcache.h"
#include "enrich/listing.h"
#include "sockets/nsnames.h"

static char dir[64];
static uint32_t blue, odd;

/* A directory standing for /run/netns: "blue", and a hostile name. */
static int setup(void **state)
{
	struct stat st;
	char path[128];
	FILE *f;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/portsnoop-nsnames-%d", (int)getpid());
	if (mkdir(dir, 0700))
		return -1;
	snprintf(path, sizeof(path), "%s/blue", dir);
	f = fopen(path, "w");
	if (!f || fclose(f) || stat(path, &st))
		return -1;
	blue = (uint32_t)st.st_ino;
	snprintf(path, sizeof(path), "%s/a b,c[1]", dir);
	f = fopen(path, "w");
	if (!f || fclose(f) || stat(path, &st))
		return -1;
	odd = (uint32_t)st.st_ino;
	nsnames__use_dir(dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return unit__rmtree(dir);
}

static void test_names_and_misses(void **state)
{
	assert_string_equal(nsnames__name(blue), "blue");
	assert_null(nsnames__name(blue + 1000000));
	assert_null(nsnames__name(0));
	assert_string_equal(nsnames__name(blue), "blue");
}

/* A namespace named after portsnoop first asked (ip netns attach): named
 * once the directory is read again, a second later. */
static void test_named_later(void **state)
{
	char out[160], in[160];
	struct stat st;
	uint32_t late;
	FILE *f;

	snprintf(out, sizeof(out), "%s-late", dir);
	snprintf(in, sizeof(in), "%s/late", dir);
	f = fopen(out, "w");
	assert_non_null(f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(stat(out, &st), 0);
	late = (uint32_t)st.st_ino;
	assert_null(nsnames__name(late));
	assert_null(nsnames__name(late));
	assert_int_equal(link(out, in), 0);
	unlink(out);
	usleep(1100 * 1000);
	assert_string_equal(nsnames__name(late), "late");
	unlink(in);
}

static struct diag_sock sock_in(uint32_t netns, uint8_t state, uint8_t proto)
{
	struct diag_sock d = {
		.family = AF_INET, .proto = proto, .state = state, .lport = 8080,
		.inode = 9, .cookie = 3, .netns = netns,
	};

	inet_pton(AF_INET, "127.0.0.1", d.laddr);
	return d;
}

static void test_ls_names_namespace_and_state(void **state)
{
	struct format_ctx ctx = { .mode = FORMAT_TABLE, .netns_name = nsnames__name };
	struct ps_owner o = { .inode = 9, .pid = 812, .fd = 6, .comm = "nginx" };
	struct diag_sock l = sock_in(blue, TCP_LISTEN, IPPROTO_TCP);
	struct diag_sock u = sock_in(odd, TCP_CLOSE, IPPROTO_UDP);
	struct diag_sock t = sock_in(4026531840u, TCP_CLOSE, IPPROTO_TCP);
	struct sbuf b = { 0 };

	listing__socket(&b, &ctx, &l, &o, 1);
	assert_string_equal(sbuf__str(&b),
			    "tcp4   listen 127.0.0.1:8080  0      0      blue       0        "
			    "nginx[812]/6\n");
	sbuf__reset(&b);
	listing__socket(&b, &ctx, &u, &o, 1);
	unit__contains(sbuf__str(&b), "udp4   bound  127.0.0.1:8080  0      0      "
				      "a\\x20b,c[1] ");
	sbuf__reset(&b);
	listing__socket(&b, &ctx, &t, &o, 1);
	unit__contains(sbuf__str(&b), "tcp4   bound  127.0.0.1:8080  0      0      4026531840 ");
	/* JSON: the name beside the inode; none where there is none. */
	ctx.mode = FORMAT_JSON;
	sbuf__reset(&b);
	listing__socket(&b, &ctx, &l, &o, 1);
	unit__contains(sbuf__str(&b), "\"netns\":");
	unit__contains(sbuf__str(&b), "\"netns_name\":\"blue\"");
	sbuf__reset(&b);
	listing__socket(&b, &ctx, &t, &o, 1);
	unit__lacks(sbuf__str(&b), "netns_name");
	sbuf__free(&b);
}

/* From 132 columns the event table has NETNS and CONTAINER: a bind in a
 * container's namespace is told from the host's on the same address. */
static void test_full_table_names_namespace_and_container(void **state)
{
	struct format_ctx ctx = { .mode = FORMAT_TABLE, .width = 160,
				  .netns_name = nsnames__name };
	struct ps_event e = {
		.ts_ns = 1, .pid = 4242, .tid = 4242, .netns = blue, .kind = PS_EV_BIND,
		.family = AF_INET, .proto = IPPROTO_TCP, .sock_type = SOCK_STREAM,
		.lport = 8000,
	};
	struct proc_info pi = { 0 };
	struct format_input in = { .ev = &e, .proc = &pi };
	struct sbuf b = { 0 };
	const char *h;

	strcpy(e.comm, "python3");
	memcpy(pi.container.id, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	       65);
	format__header(&b, &ctx);
	h = sbuf__str(&b);
	unit__contains(h, " NETNS ");
	unit__contains(h, " CONTAINER ");
	assert_true(strlen(h) - 1 <= 160);
	sbuf__reset(&b);
	format__event(&b, &ctx, &in);
	unit__contains(sbuf__str(&b), " blue ");
	unit__contains(sbuf__str(&b), " 0123456789ab ");
	unit__lacks(sbuf__str(&b), "0123456789abc");
	/* With the runtime's name for it: the name, escaped as a cell. */
	in.ctr_names = &(struct ctr_names){ .name = "web 1" };
	sbuf__reset(&b);
	format__event(&b, &ctx, &in);
	unit__contains(sbuf__str(&b), " web\\x201 ");
	unit__lacks(sbuf__str(&b), "0123456789ab");
	in.ctr_names = NULL;
	/* The host's: no name, the inode; no container. */
	e.netns = 4026531840u;
	in.proc = NULL;
	sbuf__reset(&b);
	format__event(&b, &ctx, &in);
	unit__contains(sbuf__str(&b), " 4026531840 ");
	/* Below 132 columns: as before, no NETNS. */
	ctx.width = 120;
	sbuf__reset(&b);
	format__header(&b, &ctx);
	unit__lacks(sbuf__str(&b), "NETNS");
	sbuf__free(&b);
}

UNIT_MAIN("nsnames", setup, teardown,
	  cmocka_unit_test(test_names_and_misses),
	  cmocka_unit_test(test_named_later),
	  cmocka_unit_test(test_ls_names_namespace_and_state),
	  cmocka_unit_test(test_full_table_names_namespace_and_container))
