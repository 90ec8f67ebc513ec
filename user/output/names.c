// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "output/names.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/types.h>
#include "portsnoop.h"
#include "lib/compat.h"


const char *names__errno(int err, char *buf, size_t bufsz)
{
	const char *name = err > 0 ? strerrorname_np(err) : NULL;

	if (name)
		return name;
	snprintf(buf, bufsz, "E%d", err);
	return buf;
}

const char *names__proto(unsigned int proto, char *buf, size_t bufsz)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_MPTCP:
		return "mptcp";
	case IPPROTO_SCTP:
		return "sctp";
	case IPPROTO_UDPLITE:
		return "udplite";
	case IPPROTO_RAW:
		return "raw";
	case IPPROTO_ICMP:
		return "icmp";
	case IPPROTO_ICMPV6:
		return "icmpv6";
	}
	snprintf(buf, bufsz, "%u", proto);
	return buf;
}

const char *names__family(unsigned int family)
{
	switch (family) {
	case AF_INET:
		return "ipv4";
	case AF_INET6:
		return "ipv6";
	}
	return NULL;
}

const char *names__kind(unsigned int kind)
{
	static const char *const kinds[PS_EV__MAX] = {
		[PS_EV_BIND] = "bind",
		[PS_EV_LISTEN] = "listen",
		[PS_EV_CONNECT] = "connect",
		[PS_EV_CONNECT_RESULT] = "outcome",
		[PS_EV_CLOSE] = "close",
		[PS_EV_EXIT] = "exit",
		[PS_EV_EXEC] = "exec",
	};

	return kind < PS_EV__MAX ? kinds[kind] : NULL;
}

/* Dotted quad by hand: glibc's inet_ntop formats IPv4 with sprintf, and
 * every record carries an address. */
static bool ipv4_text(const uint8_t a[4], char *buf, size_t bufsz)
{
	char *p = buf;

	if (bufsz < INET_ADDRSTRLEN)
		return false;
	for (int i = 0; i < 4; i++) {
		unsigned int v = a[i];

		if (i)
			*p++ = '.';
		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
	}
	*p = '\0';
	return true;
}

const char *names__addr(unsigned int family, const uint8_t addr[16],
			char *buf, size_t bufsz)
{
	if (family == AF_INET && ipv4_text(addr, buf, bufsz))
		return buf;
	if ((family != AF_INET && family != AF_INET6) ||
	    !inet_ntop((int)family, addr, buf, (socklen_t)bufsz))
		snprintf(buf, bufsz, "?");
	return buf;
}

const char *names__endpoint(unsigned int family, const uint8_t addr[16],
			    unsigned int port, char *buf, size_t bufsz)
{
	char a[INET6_ADDRSTRLEN];

	names__addr(family, addr, a, sizeof(a));
	snprintf(buf, bufsz, family == AF_INET6 ? "[%s]:%u" : "%s:%u", a, port);
	return buf;
}

const char *names__sock_state(unsigned int proto, unsigned int state, bool connected)
{
	static const char *const tcp[] = {
		[TCP_ESTABLISHED] = "established", [TCP_SYN_SENT] = "syn-sent",
		[TCP_SYN_RECV] = "syn-recv", [TCP_FIN_WAIT1] = "fin-wait-1",
		[TCP_FIN_WAIT2] = "fin-wait-2", [TCP_TIME_WAIT] = "time-wait",
		[TCP_CLOSE] = "bound", [TCP_CLOSE_WAIT] = "close-wait",
		[TCP_LAST_ACK] = "last-ack", [TCP_LISTEN] = "listening",
		[TCP_CLOSING] = "closing", [12] = "syn-recv", [13] = "bound",
	};

	if (proto == IPPROTO_UDP)
		return connected ? "connected" : "bound";
	return state < sizeof(tcp) / sizeof(tcp[0]) && tcp[state] ? tcp[state] : "unknown";
}
