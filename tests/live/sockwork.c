// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * sockwork: the live tests' workload. It makes one socket call the way an
 * application would and reports, as one JSON line on stdout, what the
 * kernel told *it* (getpid, getsockname, errno) — the independent truth
 * the tests compare portsnoop's events with.
 *
 *   sockwork [--uid N] [--comm NAME] [--hold] [--reuseport] [--v6only] [--dev DEV]
 *            OP ARGS...
 *     bind    PROTO FAMILY ADDR PORT
 *     listen  PROTO FAMILY ADDR|- PORT BACKLOG   (ADDR "-": no bind first)
 *     connect PROTO FAMILY ADDR PORT [nonblock]
 *   PROTO: tcp, udp, mptcp; FAMILY: 4 or 6. An IPv6 ADDR may carry a scope:
 *   fe80::1%d0.
 *   --dev DEV binds the socket to device DEV (SO_BINDTODEVICE) first.
 *   --hold keeps the socket open until stdin reaches EOF.
 *   --linger MS stays alive MS milliseconds after the report.
 *   --unlink-exe deletes this program's executable before the call.
 *   --exec PATH makes the "--" below execve() PATH instead of this program.
 *   A "--" after the call's arguments: once done, execve() this program
 *   again with what follows it as the new arguments.
 *   The report's call_ns is how long the call took, measured around it
 *   (CLOCK_MONOTONIC).
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

struct opts {
	int uid;
	const char *comm;
	int hold;
	int reuseport;
	int v6only;		/* IPV6_V6ONLY on an AF_INET6 socket */
	int linger_ms;
	int unlink_exe;
	const char *exec;
	const char *dev;		/* SO_BINDTODEVICE */
};

static long long call_ns;

static long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what)
{
	printf("{\"fatal\":\"%s\",\"errno\":%d}\n", what, errno);
	exit(3);
}

static int make_socket(const char *proto, int family)
{
	int type = strcmp(proto, "udp") ? SOCK_STREAM : SOCK_DGRAM;
	int p = !strcmp(proto, "mptcp") ? IPPROTO_MPTCP : 0;
	int fd = socket(family, type, p);

	if (fd < 0)
		die("socket");
	return fd;
}

static socklen_t make_addr(int family, const char *addr, int port,
			   struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons((unsigned short)port);
		if (inet_pton(AF_INET, addr, &sin->sin_addr) != 1)
			die("address");
		return sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
		char a[INET6_ADDRSTRLEN + IF_NAMESIZE + 1];
		char *scope;

		snprintf(a, sizeof(a), "%s", addr);
		scope = strchr(a, '%');
		if (scope) {
			*scope++ = '\0';
			sin6->sin6_scope_id = if_nametoindex(scope);
			if (!sin6->sin6_scope_id)
				die("scope");
		}
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((unsigned short)port);
		if (inet_pton(AF_INET6, a, &sin6->sin6_addr) != 1)
			die("address");
		return sizeof(*sin6);
	}
}

static int local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return -1;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

static void report(const char *op, int fd, int err)
{
	printf("{\"op\":\"%s\",\"pid\":%d,\"tid\":%ld,\"ppid\":%d,\"uid\":%d,"
	       "\"errno\":%d,\"lport\":%d,\"call_ns\":%lld}\n",
	       op, getpid(), (long)syscall(SYS_gettid), getppid(), getuid(), err,
	       fd >= 0 ? local_port(fd) : -1, call_ns);
	fflush(stdout);
}

static void hold(int fd)
{
	char buf[64];

	while (read(STDIN_FILENO, buf, sizeof(buf)) > 0)
		;
	close(fd);
}

int main(int argc, char **argv)
{
	struct opts o = { .uid = -1 };
	struct sockaddr_storage ss;
	int i = 1, fd, family, err = 0;
	const char *op, *proto;
	char **next = NULL;

	for (; i < argc && !strncmp(argv[i], "--", 2); i++) {
		if (!strcmp(argv[i], "--uid") && i + 1 < argc)
			o.uid = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--comm") && i + 1 < argc)
			o.comm = argv[++i];
		else if (!strcmp(argv[i], "--hold"))
			o.hold = 1;
		else if (!strcmp(argv[i], "--reuseport"))
			o.reuseport = 1;
		else if (!strcmp(argv[i], "--v6only"))
			o.v6only = 1;
		else if (!strcmp(argv[i], "--linger") && i + 1 < argc)
			o.linger_ms = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--unlink-exe"))
			o.unlink_exe = 1;
		else if (!strcmp(argv[i], "--exec") && i + 1 < argc)
			o.exec = argv[++i];
		else if (!strcmp(argv[i], "--dev") && i + 1 < argc)
			o.dev = argv[++i];
		else
			die("usage");
	}
	for (int j = i; j < argc; j++) {
		if (!strcmp(argv[j], "--")) {
			argv[j] = argv[0];	/* the next run's argv[0] */
			next = &argv[j];
			argc = j;
			break;
		}
	}
	if (argc - i < 3)
		die("usage");
	op = argv[i];
	proto = argv[i + 1];
	family = atoi(argv[i + 2]) == 6 ? AF_INET6 : AF_INET;
	i += 3;
	if (o.comm)
		prctl(PR_SET_NAME, o.comm, 0, 0, 0);
	if (o.uid >= 0 && (setgid((gid_t)o.uid) || setuid((uid_t)o.uid)))
		die("setuid");

	if (o.unlink_exe) {
		char exe[4096];
		ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

		if (n < 0)
			die("readlink");
		exe[n] = '\0';
		if (unlink(exe))
			die("unlink");
	}
	fd = make_socket(proto, family);
	if (o.reuseport && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &(int){ 1 }, sizeof(int)))
		die("reuseport");
	if (o.v6only && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &(int){ 1 }, sizeof(int)))
		die("v6only");
	if (o.dev && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, o.dev, (socklen_t)strlen(o.dev)))
		die("bindtodevice");
	if (!strcmp(op, "bind") && argc - i >= 2) {
		socklen_t len = make_addr(family, argv[i], atoi(argv[i + 1]), &ss);

		if (bind(fd, (struct sockaddr *)&ss, len))
			err = errno;
	} else if (!strcmp(op, "listen") && argc - i >= 3) {
		if (strcmp(argv[i], "-")) {
			socklen_t len = make_addr(family, argv[i], atoi(argv[i + 1]), &ss);

			if (bind(fd, (struct sockaddr *)&ss, len))
				die("bind");
		}
		if (listen(fd, atoi(argv[i + 2])))
			err = errno;
	} else if (!strcmp(op, "connect") && argc - i >= 2) {
		socklen_t len = make_addr(family, argv[i], atoi(argv[i + 1]), &ss);

		if (argc - i >= 3 && !strcmp(argv[i + 2], "nonblock"))
			fcntl(fd, F_SETFL, O_NONBLOCK);
		call_ns = mono_ns();
		if (connect(fd, (struct sockaddr *)&ss, len))
			err = errno;
		call_ns = mono_ns() - call_ns;
		if (err == EINPROGRESS) {
			struct pollfd p = { .fd = fd, .events = POLLOUT };

			report(op, fd, err);
			poll(&p, 1, 5000);
			if (o.hold)
				hold(fd);	/* closes it */
			goto done;	/* otherwise it stays open until the exit */
		}
	} else {
		die("usage");
	}
	report(op, fd, err);
	if (o.linger_ms)
		usleep((useconds_t)o.linger_ms * 1000);
	if (o.hold)
		hold(fd);
	else
		close(fd);
done:
	if (next) {
		if (fcntl(fd, F_GETFD) >= 0)
			close(fd);	/* not into the next program */
		fflush(stdout);
		execv(o.exec ? o.exec : "/proc/self/exe", next);
		die("execv");
	}
	return 0;
}
