// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* who PORT's answer built from a /proc tree made here: the holder's details,
 * its record, the socket with its processes, and why an owner is unknown. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <unistd.h>

#include "unit.h"
#include "enrich/who.h"
#include "proc/procinfo.h"

#define PID 4242u
#define NO_PID 4194305u	/* above PID_MAX_LIMIT: no /proc entry */

static char root[] = "/tmp/portsnoop-who-XXXXXX";

static void link_at(const char *target, const char *path)
{
	char full[512];

	snprintf(full, sizeof(full), "%s/%s", root, path);
	assert_int_equal(symlink(target, full), 0);
}

/* nginx, pid 4242, user 33, child of systemd (1), started 12345 ticks after
 * boot, writing its access log through two fds and reading its config. */
static int setup(void **state)
{
	static const char cmdline[] = "nginx\0-g\0daemon off;";	/* and its NUL */
	static const char stat_line[] = "4242 (nginx) S 1 4242 4242 0 -1 4194560 100 0 0 0 "
					"5 3 0 0 20 0 1 0 12345 1000000 200\n";
	static const char status[] = "Name:\tnginx\nUid:\t33\t33\t33\t33\nPPid:\t1\n";

	(void)state;
	if (!mkdtemp(root))
		return -1;
	unit__put(root, "4242/comm", "nginx\n", 6);
	unit__put(root, "4242/status", status, sizeof(status) - 1);
	unit__put(root, "4242/cmdline", cmdline, sizeof(cmdline));
	unit__put(root, "4242/stat", stat_line, sizeof(stat_line) - 1);
	unit__put(root, "1/comm", "systemd\n", 8);
	unit__mkdirs(root, "4242/fd");
	link_at("/usr/sbin/nginx", "4242/exe");
	link_at("/var/www", "4242/cwd");
	link_at("/var/log/nginx/access.log", "4242/fd/3");
	unit__put(root, "4242/fdinfo/3", "pos:\t0\nflags:\t0102001\n", 22);
	link_at("/var/log/nginx/access.log", "4242/fd/4");
	unit__put(root, "4242/fdinfo/4", "pos:\t0\nflags:\t02\n", 17);
	link_at("/etc/nginx/nginx.conf", "4242/fd/5");
	unit__put(root, "4242/fdinfo/5", "pos:\t0\nflags:\t0100000\n", 22);
	link_at("socket:[77]", "4242/fd/6");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return unit__rmtree(root);
}

static struct diag_sock listener(void)
{
	struct diag_sock d = { .family = AF_INET, .proto = IPPROTO_TCP, .state = TCP_LISTEN,
			       .lport = 8080, .uid = 0, .inode = 77, .netns = 4026531840u };

	inet_pton(AF_INET, "127.0.0.1", d.laddr);
	return d;
}

static void test_gather(void **state)
{
	struct who_proc d;

	(void)state;
	who__gather(&d, root, PID);
	assert_int_equal(d.pid, PID);
	assert_int_equal(d.ppid, 1);
	assert_int_equal(d.uid, 33);
	assert_string_equal(d.comm, "nginx");
	assert_string_equal(d.pcomm, "systemd");
	assert_string_equal(d.exe, "/usr/sbin/nginx");
	assert_string_equal(d.cwd, "/var/www");
	assert_int_equal(d.cmdline_len, 20);	/* the last NUL dropped */
	assert_memory_equal(d.cmdline, "nginx\0-g\0daemon off;", 20);
	assert_int_equal(d.start_ns, 12345ULL * procinfo__tick_ns());
	/* Written through fds 3 and 4: once; the config is only read. */
	assert_int_equal(d.files.len, sizeof("/var/log/nginx/access.log"));
	assert_string_equal(d.files.p, "/var/log/nginx/access.log");
	assert_string_equal(d.ctr.id, "");
	who__release(&d);
	assert_null(d.cmdline);

	/* Gone: nothing known, nothing kept. */
	who__gather(&d, root, NO_PID);
	assert_int_equal(d.pid, NO_PID);
	assert_true(!d.ppid && !d.uid && !d.start_ns && d.cmdline_len < 0 && !d.files.len);
	assert_true(!d.comm[0] && !d.pcomm[0] && !d.exe[0] && !d.cwd[0]);
	who__release(&d);
}

struct asked {
	int calls;
	uint32_t pid;
	size_t len, n;
};

/* A keeper: what serves behind it is named (the field's own test is
 * test_format's; here only that who asks, with what, and keeps it). */
static bool keeper(void *ctx, uint32_t pid, const char *cmdline, size_t len,
		   const struct diag_sock *s, const struct ps_owner *own, size_t n,
		   struct serves *out)
{
	struct asked *a = ctx;

	(void)cmdline;
	(void)s;
	(void)own;
	memset(out, 0, sizeof(*out));
	a->calls++;
	a->pid = pid;
	a->len = len;
	a->n = n;
	out->keeper = "conmon";
	return true;
}

static void test_holder_record(void **state)
{
	static const char passwd[] = "www-data:x:33:33:www-data:/var/www:/bin/false\n";
	struct diag_sock s = listener();
	struct ps_owner own[2] = {
		{ .inode = 77, .pid = PID, .fd = 6, .comm = "nginx" },
		{ .inode = 77, .pid = PID, .fd = 9, .comm = "nginx" },
	};
	struct asked asked = { 0 };
	struct who_sources src = { .proc_root = root, .users = users__new(NULL),
				   .serves = keeper, .serves_ctx = &asked };
	struct format_ctx ctx = { .mode = FORMAT_JSON };
	struct who_proc d;
	struct who_room room;
	struct format_input in;
	struct sbuf b = { 0 };

	(void)state;
	assert_non_null(src.users);
	assert_int_equal(users__parse(src.users, passwd, sizeof(passwd) - 1), 0);
	who__gather(&d, root, PID);
	who__holder(&src, &s, own, 2, &d, NULL, &room, &in);
	assert_int_equal(in.rec, FORMAT_REC_HELD);
	assert_ptr_equal(in.sock, &s);
	assert_int_equal(in.nholders, 2);
	assert_int_equal(in.ev->pid, PID);
	assert_int_equal(in.ev->ppid, 1);
	assert_int_equal(in.ev->uid, 33);
	assert_int_equal(in.ev->lport, 8080);
	assert_string_equal(in.ev->comm, "nginx");
	assert_string_equal(in.ev->pcomm, "systemd");
	assert_int_equal(in.ev->start_ns, 12345ULL * procinfo__tick_ns());
	assert_string_equal(in.user_name, "www-data");
	assert_string_equal(in.proc->exe, "/usr/sbin/nginx");
	assert_int_equal(in.proc->cmdline_len, 20);
	assert_string_equal(in.held->cwd, "/var/www");
	assert_int_equal(in.held->files_len, strlen("/var/log/nginx/access.log"));
	assert_int_equal(in.start_prec_ns, procinfo__tick_ns());
	/* The keeper was asked once, of this holder and its command line. */
	assert_int_equal(asked.calls, 1);
	assert_int_equal(asked.pid, PID);
	assert_int_equal(asked.len, 20);
	assert_int_equal(asked.n, 2);
	assert_ptr_equal(in.serves, &room.behind);
	assert_string_equal(in.serves->keeper, "conmon");

	format__record(&b, &ctx, FORMAT_TABLE_WHO, &in);
	unit__contains(sbuf__str(&b), "\"process\":{\"pid\":4242,\"parent\":{\"pid\":1,"
				      "\"name\":\"systemd\"},\"name\":\"nginx\","
				      "\"executable\":\"/usr/sbin/nginx\"");
	unit__contains(sbuf__str(&b), "\"working_directory\":\"/var/www\"");
	unit__contains(sbuf__str(&b), "\"user\":{\"id\":33,\"name\":\"www-data\"}");
	unit__contains(sbuf__str(&b), "\"fds\":[6,9],"
				      "\"files_written\":[\"/var/log/nginx/access.log\"]");

	/* No serves asked for, no users: none in the record. */
	users__free(src.users);
	src.serves = NULL;
	src.users = NULL;
	who__holder(&src, &s, own, 2, &d, NULL, &room, &in);
	assert_null(in.serves);
	assert_null(in.user_name);
	assert_int_equal(asked.calls, 1);
	who__release(&d);
	sbuf__free(&b);
}

static void test_why_unknown(void **state)
{
	struct who_sources src = { .as_root = true };
	char buf[160];

	(void)state;
	assert_string_equal(who__why_unknown(&src, 1, buf, sizeof(buf)),
			    "the fds of 1 other process could not be read (permission denied)");
	src.as_root = false;
	assert_string_equal(who__why_unknown(&src, 3, buf, sizeof(buf)),
			    "the fds of 3 other processes could not be read (not root)");
	unit__contains(who__why_unknown(&src, 0, buf, sizeof(buf)),
		       "no process portsnoop can see has it open: the kernel holds it");
}

/* The socket's line once, then each process once (two fds of one pid are
 * one entry); a worker that is gone still has its pid and fd said. */
static void test_socket(void **state)
{
	struct diag_sock s = listener();
	struct ps_owner recs[] = {
		{ .inode = 77, .pid = NO_PID, .fd = 3, .comm = "nginx" },
		{ .inode = 77, .pid = PID, .fd = 9, .comm = "nginx" },
		{ .inode = 77, .pid = PID, .fd = 6, .comm = "nginx" },
		{ .inode = 78, .pid = 7, .fd = 1, .comm = "other" },
	};
	struct owners owners = { 0 };
	struct who_sources src = { .proc_root = root };
	struct format_ctx ctx = { .mode = FORMAT_TABLE };
	struct sbuf b = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(recs) / sizeof(recs[0]); i++)
		assert_int_equal(owners__add(&owners, &recs[i]), 0);
	owners__sort(&owners);
	assert_true(who__socket(&b, &ctx, &src, &owners, &s, NULL));
	assert_string_equal(sbuf__str(&b),
		"tcp4 127.0.0.1:8080 listening (netns 4026531840)\n"
		"  nginx[4242] fd 6,9, user (33), started 1970-01-01T00:02:03.45Z, "
		"parent systemd[1]\n"
		"    exe      /usr/sbin/nginx\n"
		"    command  nginx -g 'daemon off;'\n"
		"    cwd      /var/www\n"
		"    writing  /var/log/nginx/access.log\n"
		"  nginx[4194305] fd 3, user (0)\n");

	/* A socket no process has open: why, once. */
	s.inode = 79;
	owners.unreadable = 2;
	sbuf__reset(&b);
	assert_false(who__socket(&b, &ctx, &src, &owners, &s, NULL));
	assert_string_equal(sbuf__str(&b),
		"tcp4 127.0.0.1:8080 listening (netns 4026531840)\n"
		"  owner unknown: the fds of 2 other processes could not be read (not root)\n");
	owners__free(&owners);
	sbuf__free(&b);
}

/* A DNAT rule as the records of the listener it leads to carry it. */
static void test_nat(void **state)
{
	struct natrule r = { .family = "ip", .table = "nat", .chain = "CNI-DN-1", .handle = 9,
			     .how = "xt", .proto = IPPROTO_TCP, .port_lo = 18081,
			     .port_hi = 18081, .to_family = AF_INET, .to_port = 80 };
	struct who_nat_room room;
	struct format_nat nat;

	(void)state;
	inet_pton(AF_INET, "10.88.0.5", r.to_addr);
	who__nat(&r, 18081, 80, &room, &nat);
	assert_true(nat.port == 18081 && nat.to_port == 80 && nat.handle == 9);
	assert_string_equal(nat.to_ip, "10.88.0.5");
	/* The rule's names as the ruleset has them: its own. */
	assert_true(nat.family == r.family && nat.table == r.table && nat.chain == r.chain);
	assert_ptr_equal(nat.encoding, r.how);
	assert_string_equal(nat.via, "tcp port 18081 -> 10.88.0.5:80 by DNAT rule ip nat "
				     "CNI-DN-1 (handle 9, xt)");
	/* Any protocol, to an IPv6 address, the packet's own port kept. */
	strcpy(r.family, "inet");
	r.how = "nft";
	r.proto = 0;
	r.to_family = AF_INET6;
	inet_pton(AF_INET6, "fd00::5", r.to_addr);
	who__nat(&r, 8443, 8443, &room, &nat);
	assert_string_equal(nat.to_ip, "fd00::5");
	assert_string_equal(nat.via, "any port 8443 -> [fd00::5]:8443 by DNAT rule inet nat "
				     "CNI-DN-1 (handle 9, nft)");
}

UNIT_MAIN("who", setup, teardown,
	  cmocka_unit_test(test_gather),
	  cmocka_unit_test(test_holder_record),
	  cmocka_unit_test(test_why_unknown),
	  cmocka_unit_test(test_socket),
	  cmocka_unit_test(test_nat))
