// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The getters of fields.c that read a socket: protocol, endpoints as ss
 * writes them, v6only, device, queues. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include "output/fields.h"
#include "output/names.h"
#include "lib/records.h"

static int v6only_of(const struct format_input *in)
{
	const struct ps_event *ev = in->ev;

	if (ev->family != AF_INET6)
		return -1;
	if (in->sock)
		return in->sock->v6only;	/* sock_diag says it of every AF_INET6 socket */
	if (is_connect(ev) || !(ev->flags & PS_F_V6ONLY_KNOWN))
		return -1;
	return (ev->flags & PS_F_V6ONLY) ? 1 : 0;
}

/* The device: the kernel's name at the event; a socket's from sock_diag
 * (listing__event() puts it in the record too). */
static const char *ifname_of(const struct format_input *in)
{
	return in->ev->ifname[0] ? in->ev->ifname : NULL;
}

/* -- network -------------------------------------------------------------- */

void get_transport(GET_ARGS)
{
	set_str(v, names__proto(in->ev->proto, v->buf, sizeof(v->buf)));
}

void get_net_type(GET_ARGS)
{
	set_str(v, names__family(in->ev->family));
}

/* "tcp4", "udp6", "mptcp6": protocol and family in one narrow column. */
void get_proto_col(GET_ARGS)
{
	const struct ps_event *ev = in->ev;
	char p[16];

	const char *name = names__proto(ev->proto, p, sizeof(p));
	size_t n = strnlen(name, sizeof(p) - 1);

	memcpy(v->buf, name, n);
	if (ev->family == AF_INET || ev->family == AF_INET6)
		v->buf[n++] = ev->family == AF_INET ? '4' : '6';
	v->buf[n] = '\0';
	set_str(v, v->buf);
}

/* addr, "%dev" where there is one, ":port" into buf: by hand, as every
 * table row has one or two (snprintf was most of a row's cost). */
static void endpoint_text(char *buf, size_t sz, const char *addr, const char *dev,
			  unsigned int port)
{
	size_t a = strnlen(addr, NAMES_ADDR_LEN), d = dev ? strnlen(dev, PS_IFNAME_LEN) : 0;
	char num[8];
	size_t k = sizeof(num);

	do {
		num[--k] = (char)('0' + port % 10);
		port /= 10;
	} while (port && k);
	if (a + 1 + d + 1 + (sizeof(num) - k) >= sz) {
		snprintf(buf, sz, "?");
		return;
	}
	memcpy(buf, addr, a);
	if (dev) {
		buf[a++] = '%';
		memcpy(buf + a, dev, d);
		a += d;
	}
	buf[a++] = ':';
	memcpy(buf + a, num + k, sizeof(num) - k);
	buf[a + sizeof(num) - k] = '\0';
}

/*
 * An endpoint as ss writes it: a dual-stack IPv6 wildcard is "*:80" (it
 * takes IPv4 too), an IPv6-only one "[::]:80"; a device or a link-local
 * scope follows the address: "[fe80::1]%eth0:5353", "0.0.0.0%eth0:80".
 */
static void endpoint(const struct format_input *in, bool remote, struct val *v)
{
	static const uint8_t any[16];
	const struct ps_event *ev = in->ev;
	const uint8_t *a = remote ? ev->raddr : ev->laddr;
	const char *dev = remote ? NULL : ifname_of(in);
	char addr[NAMES_ADDR_LEN];

	if (!has_addr(ev))
		return;
	if (!remote && ev->family == AF_INET6 && !memcmp(a, any, 16) && v6only_of(in) == 0)
		snprintf(addr, sizeof(addr), "*");
	else if (ev->family == AF_INET6)
		snprintf(addr, sizeof(addr), "[%s]", names__addr(ev->family, a, v->buf, 64));
	else
		names__addr(ev->family, a, addr, sizeof(addr));
	endpoint_text(v->buf, sizeof(v->buf), addr, dev, remote ? ev->rport : ev->lport);
	set_str(v, v->buf);
	/* A device's name is anybody's with CAP_NET_ADMIN in some namespace,
	 * and may hold any byte but '/', ':' and spaces: escaped as text. */
	if (dev)
		v->type = V_TEXT;
}

/* Where a connect goes; of a socket that exists, its peer when connected. */
static bool has_peer(const struct format_input *in)
{
	return is_connect(in->ev) || (in->sock && in->sock->rport);
}

void get_local(GET_ARGS)
{
	endpoint(in, false, v);
}

void get_remote(GET_ARGS)
{
	if (has_peer(in))
		endpoint(in, true, v);
}

/* The narrow table's one address: where a connect goes, else the local end. */
void get_address(GET_ARGS)
{
	endpoint(in, is_connect(in->ev), v);
}

/* Bound and listening sockets are servers; connects have two ends (ECS). */
static void ip_of(const struct ps_event *ev, bool want_connect, bool remote,
		  struct val *v)
{
	if (is_connect(ev) == want_connect && has_addr(ev))
		set_str(v, names__addr(ev->family, remote ? ev->raddr : ev->laddr,
				       v->buf, sizeof(v->buf)));
}

static void port_of(const struct ps_event *ev, bool want_connect, bool remote,
		    struct val *v)
{
	if (is_connect(ev) == want_connect && has_addr(ev))
		set_uint(v, remote ? ev->rport : ev->lport);
}

#define ENDPOINT_GETTERS(name, want_connect, remote)                           \
	void get_##name##_ip(GET_ARGS)                                  \
	{                                                                      \
		ip_of(in->ev, want_connect, remote, v);                        \
	}                                                                      \
	void get_##name##_port(GET_ARGS)                                \
	{                                                                      \
		port_of(in->ev, want_connect, remote, v);                      \
	}

ENDPOINT_GETTERS(server, false, false)
ENDPOINT_GETTERS(source, true, false)

void get_dest_ip(GET_ARGS)
{
	if (has_peer(in) && has_addr(in->ev))
		set_str(v, names__addr(in->ev->family, in->ev->raddr, v->buf, sizeof(v->buf)));
}

void get_dest_port(GET_ARGS)
{
	if (has_peer(in) && has_addr(in->ev))
		set_uint(v, in->ev->rport);
}

void get_v6only(GET_ARGS)
{
	int x = v6only_of(in);

	if (x >= 0)
		set_bool(v, x);
}

void get_ifname(GET_ARGS)
{
	const char *s = ifname_of(in);

	if (s) {
		v->type = V_TEXT;
		v->s = s;
		v->n = strnlen(s, PS_IFNAME_LEN);
	}
}

void get_rqueue(GET_ARGS)
{
	if (in->sock)
		set_uint(v, in->sock->rqueue);
}

void get_wqueue(GET_ARGS)
{
	if (in->sock)
		set_uint(v, in->sock->wqueue);
}

void get_inode(GET_ARGS)
{
	if (in->sock && in->sock->inode)
		set_uint(v, in->sock->inode);
}
