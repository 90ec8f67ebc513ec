// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* A failed bind on a keeper's port: the table's RESULT and the JSON say
 * who serves behind the holder, names escaped. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "unit.h"
#include "output/format.h"
#include "proc/keeper.h"

static void test_held_by_serves(void **state)
{
	struct ps_event e = {
		.pid = 4242, .tid = 4242, .kind = PS_EV_BIND, .family = AF_INET,
		.proto = IPPROTO_TCP, .sock_type = SOCK_STREAM, .lport = 18081,
		.err = EADDRINUSE,
	};
	struct ps_owner o = { .inode = 7, .pid = 31742, .fd = 5, .comm = "conmon" };
	struct serves sv = { .keeper = "conmon", .found = true, .pid = 31754, .port = 80,
			     .family = AF_INET6, .runtime = "podman" };
	struct format_ctx ctx = { .mode = FORMAT_TABLE };
	struct format_input in = { .ev = &e, .holders = &o, .nholders = 1, .serves = &sv };
	struct sbuf b = { 0 };

	(void)state;
	strcpy(e.comm, "python3");
	strcpy(sv.how, "published by conmon: container w\x1b[2Jeb\n, httpd[31754] on [::]:80");
	memset(sv.ctr_id, 'a', 64);
	strcpy(sv.ctr_name, "w\x1b[2Jeb\n");
	strcpy(sv.comm, "httpd");
	format__event(&b, &ctx, &in);
	unit__contains(sbuf__str(&b), "EADDRINUSE held by conmon[31742] (published by conmon: "
			"container w\\x1b[2Jeb\\x0a, httpd[31754] on [::]:80)\n");
	unit__lacks(sbuf__str(&b), "\x1b");
	sbuf__reset(&b);
	ctx.mode = FORMAT_JSON;
	format__event(&b, &ctx, &in);
	unit__contains(sbuf__str(&b), "\"serves\":{\"how\":\"published by conmon: container "
			"w\\u001b[2Jeb\\n, httpd[31754] on [::]:80\",\"container\":{\"id\":\"aaaa");
	unit__contains(sbuf__str(&b), "\"name\":\"w\\u001b[2Jeb\\n\",\"runtime\":\"podman\"},"
			"\"process\":{\"pid\":31754,\"name\":\"httpd\"},\"ip\":\"::\",\"port\":80}");
	sbuf__free(&b);
}

UNIT_MAIN("serves_text", NULL, NULL, cmocka_unit_test(test_held_by_serves))
