// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "unit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "proc/ctrnames.h"
#include "proc/dockerroot.h"

#define ID "aaaa000000000000000000000000000000000000000000000000000000000007"
#define ID2 "aaaa000000000000000000000000000000000000000000000000000000000008"

#define ARGS(s) s, sizeof(s) - 1

static void test_args(void **state)
{
	static const struct {
		const char *cmdline;
		size_t len;
		const char *root, *config;
	} cases[] = {
		{ ARGS("/usr/sbin/dockerd\0--data-root\0/srv/docker\0"), "/srv/docker", "" },
		{ ARGS("dockerd\0--data-root=/srv/d\0--config-file=/etc/d.json\0"), "/srv/d",
		  "/etc/d.json" },
		{ ARGS("dockerd\0-g\0/old\0-H\0unix:///x.sock\0"), "/old", "" },
		{ ARGS("dockerd\0--graph=/older\0"), "/older", "" },
		{ ARGS("dockerd\0--config-file\0/c.json\0"), "", "/c.json" },
		/* relative, missing, cut off by the end of the buffer: not taken */
		{ ARGS("dockerd\0--data-root\0rel/dir\0"), "", "" },
		{ ARGS("dockerd\0--data-root\0"), "", "" },
		{ ARGS("dockerd\0--data-root\0/cut"), "", "" },
		{ ARGS(""), "", "" },
	};
	char root[DOCKERROOT_PATH], config[DOCKERROOT_PATH];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		dockerroot__args(cases[i].cmdline, cases[i].len, root, config);
		assert_string_equal(root, cases[i].root);
		assert_string_equal(config, cases[i].config);
	}
}

static void test_config(void **state)
{
	char root[DOCKERROOT_PATH];

	(void)state;
	assert_int_equal(dockerroot__config(ARGS("{\"data-root\": \"/srv/x\"}"), root), 0);
	assert_string_equal(root, "/srv/x");
	assert_int_equal(dockerroot__config(ARGS("{\"graph\": \"/g\", \"debug\": true}"), root), 0);
	assert_string_equal(root, "/g");
	assert_int_equal(dockerroot__config(ARGS("{\"data-root\": \"x\"}"), root), -ENOENT);
	assert_int_equal(dockerroot__config(ARGS("{\"data-root\": 7}"), root), -ENOENT);
	assert_int_equal(dockerroot__config(ARGS("{}"), root), -ENOENT);
	assert_int_equal(dockerroot__config(ARGS("{\"data-root\": \"/x\""), root), -EINVAL);
	assert_string_equal(root, "");
}

static void test_binding(void **state)
{
	static const char hc[] = "{\"PortBindings\":{\"80/tcp\":[{\"HostIp\":\"\",\"HostPort\":"
				 "\"18091\"},{\"HostIp\":\"::\",\"HostPort\":\"18092\"}],"
				 "\"53/udp\":[{\"HostPort\":\"5353\"}],\"x/tcp\":[{\"HostPort\":"
				 "\"9\"}],\"0/tcp\":[{\"HostPort\":\"8\"}]}}";
	uint16_t p = 0;

	(void)state;
	assert_int_equal(dockerroot__binding(ARGS(hc), "tcp", 18091, &p), 0);
	assert_int_equal(p, 80);
	p = 0;
	assert_int_equal(dockerroot__binding(ARGS(hc), "tcp", 18092, &p), 0);
	assert_int_equal(p, 80);
	assert_int_equal(dockerroot__binding(ARGS(hc), "udp", 5353, &p), 0);
	assert_int_equal(p, 53);
	/* another protocol, another port, a key that is no port: none */
	assert_int_equal(dockerroot__binding(ARGS(hc), "udp", 18091, &p), -ENOENT);
	assert_int_equal(dockerroot__binding(ARGS(hc), "tcp", 1809, &p), -ENOENT);
	assert_int_equal(dockerroot__binding(ARGS(hc), "tcp", 9, &p), -ENOENT);
	assert_int_equal(dockerroot__binding(ARGS(hc), "tcp", 8, &p), -ENOENT);
	assert_int_equal(dockerroot__binding(ARGS("{\"PortBindings\":null}"), "tcp", 1, &p),
			 -ENOENT);
	assert_int_equal(dockerroot__binding(ARGS("{\"PortBindings\":{"), "tcp", 1, &p), -EINVAL);
}

#define PUT(root, path, s) unit__put(root, path, s, sizeof(s) - 1)

/*
 * A tree with four dockerds (its data root on the command line, in the
 * configuration file it was given, in the default one, none) and a
 * process that is no dockerd: each dockerd's root, seen through its
 * proc/PID/root; a container's names found under the first's.
 */
static void test_find(void **state)
{
	char root[] = "/tmp/dockerroot.XXXXXX", roots[8][DOCKERROOT_PATH];
	const struct ctr_names *n;
	struct ctrnames *c;
	size_t k;
	bool seen[4] = { 0 };

	(void)state;
	assert_non_null(mkdtemp(root));
	PUT(root, "proc/101/comm", "dockerd\n");
	PUT(root, "proc/101/cmdline", "dockerd\0--data-root\0/srv/docker\0");
	PUT(root, "proc/101/root/srv/docker/containers/" ID "/config.v2.json",
	    "{\"Name\":\"/web\",\"Config\":{\"Image\":\"localhost/httpd:1\"}}");
	PUT(root, "proc/202/comm", "dockerd\n");
	PUT(root, "proc/202/cmdline", "dockerd\0--config-file\0/etc/dk.json\0");
	PUT(root, "proc/202/root/etc/dk.json", "{\"data-root\":\"/data\"}");
	PUT(root, "proc/303/comm", "dockerd\n");
	PUT(root, "proc/303/cmdline", "dockerd\0");
	PUT(root, "proc/303/root/etc/docker/daemon.json", "{\"graph\":\"/g\"}");
	PUT(root, "proc/404/comm", "dockerd\n");
	PUT(root, "proc/404/cmdline", "dockerd\0-H\0fd://\0");
	PUT(root, "proc/505/comm", "sh\n");
	PUT(root, "proc/505/cmdline", "sh\0--data-root\0/nope\0");
	PUT(root, "proc/self/comm", "dockerd\n");
	k = dockerroot__find(root, roots, 8);
	assert_int_equal(k, 4);
	for (size_t i = 0; i < k; i++) {
		if (!strcmp(roots[i], "/proc/101/root/srv/docker"))
			seen[0] = true;
		else if (!strcmp(roots[i], "/proc/202/root/data"))
			seen[1] = true;
		else if (!strcmp(roots[i], "/proc/303/root/g"))
			seen[2] = true;
		else if (!strcmp(roots[i], "/proc/404/root/var/lib/docker"))
			seen[3] = true;
		else
			fail_msg("unexpected root %s", roots[i]);
	}
	assert_true(seen[0] && seen[1] && seen[2] && seen[3]);
	assert_int_equal(dockerroot__find(root, roots, 2), 2);

	c = ctrnames__new(root, 4);
	n = ctrnames__get(c, "docker", ID);
	assert_string_equal(n->name, "web");
	assert_string_equal(n->image, "localhost/httpd:1");
	assert_null(n->note);
	/* A dockerd that started after the roots were looked for (within
	 * their 2 s): its container is found all the same. */
	PUT(root, "proc/606/comm", "dockerd\n");
	PUT(root, "proc/606/cmdline", "dockerd\0--data-root\0/late\0");
	PUT(root, "proc/606/root/late/containers/" ID2 "/config.v2.json",
	    "{\"Name\":\"/late\",\"Config\":{\"Image\":\"localhost/late:1\"}}");
	n = ctrnames__get(c, "docker", ID2);
	assert_string_equal(n->name, "late");
	assert_string_equal(n->image, "localhost/late:1");
	ctrnames__free(c);

	/* which container of dockerd 101 publishes a port */
	PUT(root, "proc/101/root/srv/docker/containers/" ID "/hostconfig.json",
	    "{\"PortBindings\":{\"80/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"18091\"}]}}");
	PUT(root, "proc/101/root/srv/docker/containers/not-an-id/hostconfig.json",
	    "{\"PortBindings\":{\"81/tcp\":[{\"HostPort\":\"18091\"}]}}");
	{
		char id[65] = "";
		uint16_t p = 0;

		assert_int_equal(dockerroot__published(root, 101, "tcp", 18091, id, &p), 0);
		assert_string_equal(id, ID);
		assert_int_equal(p, 80);
		assert_int_equal(dockerroot__published(root, 101, "tcp", 18093, id, &p), -ENOENT);
		assert_int_equal(dockerroot__published(root, 202, "tcp", 18091, id, &p), -ENOENT);
	}
	assert_int_equal(unit__rmtree(root), 0);
}

UNIT_MAIN("dockerroot", NULL, NULL,
	  cmocka_unit_test(test_args),
	  cmocka_unit_test(test_config),
	  cmocka_unit_test(test_binding),
	  cmocka_unit_test(test_find))
