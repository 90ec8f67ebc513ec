// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "unit.h"

#include "proc/keeper.h"

#define ID "499b685f15d8b966396c0c7a9d62ac4f84162e99d99abbdeac44f52a5d098fec"

/* A command line as /proc/PID/cmdline has it: sizeof - 1 keeps the last NUL. */
#define CMD(s) s, sizeof(s) - 1

static void test_conmon(void **state)
{
	/* podman 4.3's, as run here (shortened) */
	static const char cmd[] = "/usr/bin/conmon\0--api-version\0" "1\0-c\0" ID "\0-u\0" ID
		"\0-r\0/usr/bin/runc\0-b\0/var/lib/containers/storage/overlay-containers/" ID
		"/userdata\0-n\0h26web\0--exit-dir\0/run/libpod/exits\0";
	struct keeper k;

	(void)state;
	assert_int_equal(keeper__parse(CMD(cmd), &k), KEEPER_CONMON);
	assert_string_equal(k.name, "conmon");
	assert_string_equal(k.id, ID);
	assert_string_equal(k.ctr_name, "h26web");
	/* the long forms, and an id that is no id */
	assert_int_equal(keeper__parse(CMD("conmon\0--cid=" ID "\0--name\0a b\0"), &k),
			 KEEPER_CONMON);
	assert_string_equal(k.id, ID);
	assert_string_equal(k.ctr_name, "a b");
	keeper__parse(CMD("conmon\0-c\0../../etc\0-n\0"), &k);
	assert_string_equal(k.id, "");
	assert_string_equal(k.ctr_name, "");
}

static void test_docker_proxy(void **state)
{
	static const char cmd[] = "/usr/sbin/docker-proxy\0-proto\0tcp\0-host-ip\0" "0.0.0.0\0"
		"-host-port\0" "18090\0-container-ip\0" "172.17.0.2\0-container-port\0" "80\0";
	struct keeper k;

	(void)state;
	assert_int_equal(keeper__parse(CMD(cmd), &k), KEEPER_DOCKER_PROXY);
	assert_string_equal(k.to_ip, "172.17.0.2");
	assert_int_equal(k.to_port, 80);
	keeper__parse(CMD("docker-proxy\0-container-port\0" "65536\0"), &k);
	assert_int_equal(k.to_port, 0);
	keeper__parse(CMD("docker-proxy\0-container-port\0" "80x\0-container-ip\0"), &k);
	assert_int_equal(k.to_port, 0);
	assert_string_equal(k.to_ip, "");
}

static void test_others(void **state)
{
	struct keeper k;

	(void)state;
	assert_int_equal(keeper__parse(CMD("/usr/bin/pasta\0--config-net\0-t\0" "8080:80\0"), &k),
			 KEEPER_PASTA);
	assert_int_equal(keeper__parse(CMD("slirp4netns\0--mtu\0" "65520\0" "4242\0tap0\0"), &k),
			 KEEPER_SLIRP4NETNS);
	assert_int_equal(k.target_pid, 4242);
	/* as rootless podman runs it, and with a namespace path: no pid */
	keeper__parse(CMD("/usr/bin/slirp4netns\0--disable-host-loopback\0--mtu=65520\0"
			  "--enable-sandbox\0-c\0-e\0" "3\0-r\0" "4\0--netns-type=path\0"
			  "/run/user/1000/netns/netns-1\0tap0\0"), &k);
	assert_int_equal(k.target_pid, 0);
	keeper__parse(CMD("slirp4netns\0--configure\0--api-socket\0/tmp/s\0" "11750\0tap0\0"),
		      &k);
	assert_int_equal(k.target_pid, 11750);
	keeper__parse(CMD("slirp4netns\0" "99999999999\0tap0\0"), &k);
	assert_int_equal(k.target_pid, 0);
	assert_int_equal(keeper__parse(CMD("rootlessport\0"), &k), KEEPER_ROOTLESSPORT);
	assert_int_equal(keeper__parse(CMD("systemd-socket-activate\0-l\0" "127.0.0.1:18555\0-E\0"
					   "A=1\0--accept\0/bin/busybox\0httpd\0"), &k),
			 KEEPER_SOCKET_ACTIVATE);
	assert_string_equal(k.program, "/bin/busybox");
	assert_int_equal(keeper__parse(CMD("nginx: master process\0"), &k), KEEPER_NONE);
	assert_null(k.name);
	/* the last argument ends at len, with or without its NUL */
	assert_int_equal(keeper__parse("conmon", 6, &k), KEEPER_CONMON);
	assert_int_equal(keeper__parse("docker-proxy\0-container-port\0" "8080", 34, &k),
			 KEEPER_DOCKER_PROXY);
	assert_int_equal(k.to_port, 8080);
	assert_int_equal(keeper__parse("conmonX", 6, &k), KEEPER_CONMON);
	assert_int_equal(keeper__parse("", 0, &k), KEEPER_NONE);
	/* a name that only ends like a keeper's is none */
	assert_int_equal(keeper__parse(CMD("/tmp/myconmon\0"), &k), KEEPER_NONE);
}

UNIT_MAIN("keeper", NULL, NULL,
	  cmocka_unit_test(test_conmon),
	  cmocka_unit_test(test_docker_proxy),
	  cmocka_unit_test(test_others))
