// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "proc/keeper.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ARGS 256
#define MAX_CMDLINE (1u << 20)

static const struct {
	const char *name;
	enum keeper_kind kind;
} known[] = {
	{ "conmon", KEEPER_CONMON },
	{ "docker-proxy", KEEPER_DOCKER_PROXY },
	{ "rootlessport", KEEPER_ROOTLESSPORT },
	{ "rootlessport-child", KEEPER_ROOTLESSPORT },
	{ "pasta", KEEPER_PASTA },
	{ "passt", KEEPER_PASTA },
	{ "slirp4netns", KEEPER_SLIRP4NETNS },
	{ "systemd-socket-activate", KEEPER_SOCKET_ACTIVATE },
	{ "dockerd", KEEPER_DOCKERD },
};

static bool hex64(const char *s)
{
	size_t n = strlen(s);

	if (n != 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* Copy whole or not at all. */
static void put(char *out, size_t outsz, const char *s)
{
	size_t n = strlen(s);

	if (n < outsz)
		memcpy(out, s, n + 1);
}

static bool port_of(const char *s, uint16_t *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return false;
	v = strtoul(s, &end, 10);
	if (*end || v == 0 || v > 65535)
		return false;
	*out = (uint16_t)v;
	return true;
}

/* The value of option opt at argv[*i] ("-c X", "--cid X", "--cid=X"). */
static const char *opt(const char *const *argv, size_t argc, size_t *i, const char *short_,
		       const char *long_)
{
	const char *a = argv[*i];
	size_t k = long_ ? strlen(long_) : 0;

	if ((short_ && !strcmp(a, short_)) || (long_ && !strcmp(a, long_)))
		return *i + 1 < argc ? argv[++*i] : NULL;
	if (long_ && !strncmp(a, long_, k) && a[k] == '=')
		return a + k + 1;
	return NULL;
}

static void conmon(const char *const *argv, size_t argc, struct keeper *out)
{
	for (size_t i = 1; i < argc; i++) {
		const char *v;

		if ((v = opt(argv, argc, &i, "-c", "--cid")) && hex64(v))
			memcpy(out->id, v, 65);
		else if ((v = opt(argv, argc, &i, "-n", "--name")))
			put(out->ctr_name, sizeof(out->ctr_name), v);
	}
}

static void docker_proxy(const char *const *argv, size_t argc, struct keeper *out)
{
	for (size_t i = 1; i < argc; i++) {
		const char *v;

		if ((v = opt(argv, argc, &i, NULL, "-container-ip")))
			put(out->to_ip, sizeof(out->to_ip), v);
		else if ((v = opt(argv, argc, &i, NULL, "-container-port")) &&
			 !port_of(v, &out->to_port))
			out->to_port = 0;
	}
}

/* The first argument that is no option: what will serve. */
static void socket_activate(const char *const *argv, size_t argc, struct keeper *out)
{
	static const char *const with_value[] = { "-l", "--listen", "-E", "--setenv",
						  "--fdname" };

	for (size_t i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool takes = false;

		if (!strcmp(a, "--")) {
			if (i + 1 < argc)
				put(out->program, sizeof(out->program), argv[i + 1]);
			return;
		}
		if (a[0] != '-') {
			put(out->program, sizeof(out->program), a);
			return;
		}
		for (size_t k = 0; k < sizeof(with_value) / sizeof(with_value[0]); k++)
			takes |= !strcmp(a, with_value[k]);
		i += takes;
	}
}

/* slirp4netns [OPTIONS] PID TAPNAME: the PID (a --netns-type=path run
 * gives a path there: not followed). */
static void slirp(const char *const *argv, size_t argc, struct keeper *out)
{
	static const char *const with_value[] = { "-m", "--mtu", "--cidr", "-a", "--api-socket",
						  "--netns-type", "--userns-path", "-e",
						  "--exit-fd", "-r", "--ready-fd", "--outbound-addr",
						  "--outbound-addr6", "--macaddress", "--pidfile" };
	const char *pos[2];
	size_t npos = 0;

	for (size_t i = 1; i < argc && npos < 2; i++) {
		bool takes = false;

		if (argv[i][0] != '-') {
			pos[npos++] = argv[i];
			continue;
		}
		for (size_t k = 0; k < sizeof(with_value) / sizeof(with_value[0]); k++)
			takes |= !strcmp(argv[i], with_value[k]);
		i += takes;
	}
	if (npos == 2 && strspn(pos[0], "0123456789") == strlen(pos[0]) && strlen(pos[0]) < 8)
		out->target_pid = (uint32_t)strtoul(pos[0], NULL, 10);
}

static enum keeper_kind classify(char *buf, size_t len, struct keeper *out)
{
	const char *argv[MAX_ARGS];
	const char *base;
	size_t argc = 0;

	/* buf[len] is a NUL: the last argument ends there if not before. */
	for (size_t i = 0; i < len && argc < MAX_ARGS;) {
		const char *end = memchr(buf + i, '\0', len + 1 - i);

		argv[argc++] = buf + i;
		i = (size_t)(end - buf) + 1;
	}
	if (!argc)
		return KEEPER_NONE;
	base = strrchr(argv[0], '/');
	base = base ? base + 1 : argv[0];
	for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++)
		if (!strcmp(base, known[k].name)) {
			out->kind = known[k].kind;
			out->name = known[k].name;
		}
	if (out->kind == KEEPER_CONMON)
		conmon(argv, argc, out);
	else if (out->kind == KEEPER_DOCKER_PROXY)
		docker_proxy(argv, argc, out);
	else if (out->kind == KEEPER_SOCKET_ACTIVATE)
		socket_activate(argv, argc, out);
	else if (out->kind == KEEPER_SLIRP4NETNS)
		slirp(argv, argc, out);
	return out->kind;
}

enum keeper_kind keeper__parse(const char *cmdline, size_t len, struct keeper *out)
{
	enum keeper_kind kind;
	char *buf;

	memset(out, 0, sizeof(*out));
	/* A copy that ends in a NUL, whether or not the caller's last
	 * argument does (/proc's does; who's length leaves it out). */
	if (!cmdline || !len || len > MAX_CMDLINE || !(buf = malloc(len + 1)))
		return KEEPER_NONE;
	memcpy(buf, cmdline, len);
	buf[len] = '\0';
	kind = classify(buf, len, out);
	free(buf);
	return kind;
}
