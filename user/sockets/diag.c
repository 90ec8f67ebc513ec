// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "sockets/diag.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>
#include "lib/compat.h"


struct diag_req {
	struct nlmsghdr nlh;
	struct inet_diag_req_v2 r;
	struct nlattr proto_attr;	/* INET_DIAG_REQ_PROTOCOL, for MPTCP */
	uint32_t proto;
};

size_t diag__request(void *buf, size_t bufsz, int family, int proto, uint32_t states,
		     uint32_t seq)
{
	struct diag_req *q = buf;
	size_t len = NLMSG_LENGTH(sizeof(q->r));

	if (bufsz < sizeof(*q))
		return 0;
	memset(q, 0, sizeof(*q));
	q->r.sdiag_family = (uint8_t)family;
	q->r.sdiag_protocol = (uint8_t)proto;
	q->r.idiag_states = states;
	/* sdiag_protocol is 8 bits; protocols past 255 go in an attribute. */
	if (proto > 255) {
		q->proto_attr.nla_type = INET_DIAG_REQ_PROTOCOL;
		q->proto_attr.nla_len = NLA_HDRLEN + sizeof(uint32_t);
		q->proto = (uint32_t)proto;
		len += NLA_ALIGN(q->proto_attr.nla_len);
	}
	q->nlh.nlmsg_len = (uint32_t)len;
	q->nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	q->nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	q->nlh.nlmsg_seq = seq;
	return len;
}

/*
 * The request of inet_diag's first version (TCPDIAG_GETSOCK): the one
 * that dumps both families at once (the kernel reads it as AF_UNSPEC).
 * Its records are those of SOCK_DIAG_BY_FAMILY, under its type.
 */
struct diag_req_any {
	struct nlmsghdr nlh;
	struct inet_diag_req r;
};

size_t diag__request_tcp_any(void *buf, size_t bufsz, uint32_t states, uint32_t seq)
{
	struct diag_req_any *q = buf;

	if (bufsz < sizeof(*q))
		return 0;
	memset(q, 0, sizeof(*q));
	q->r.idiag_states = states;
	q->nlh.nlmsg_len = (uint32_t)NLMSG_LENGTH(sizeof(q->r));
	q->nlh.nlmsg_type = TCPDIAG_GETSOCK;
	q->nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	q->nlh.nlmsg_seq = seq;
	return q->nlh.nlmsg_len;
}

/* The attributes after the message: only IPV6_V6ONLY is read. */
static void attrs(const struct nlmsghdr *h, struct diag_sock *s)
{
	size_t off = NLMSG_LENGTH(sizeof(struct inet_diag_msg));

	off = NLMSG_ALIGN(off);
	while (off + sizeof(struct nlattr) <= h->nlmsg_len) {
		const struct nlattr *a = (const void *)((const char *)h + off);

		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > h->nlmsg_len)
			return;
		if ((a->nla_type & NLA_TYPE_MASK) == INET_DIAG_SKV6ONLY &&
		    a->nla_len >= NLA_HDRLEN + 1)
			s->v6only = *((const uint8_t *)a + NLA_HDRLEN) != 0;
		off += NLA_ALIGN(a->nla_len);
	}
}

static int one(const struct nlmsghdr *h, uint16_t proto, diag_cb cb, void *ctx)
{
	const struct inet_diag_msg *m = NLMSG_DATA(h);
	struct diag_sock s = { 0 };

	if (m->idiag_family != AF_INET && m->idiag_family != AF_INET6)
		return 0;
	s.family = m->idiag_family;
	s.proto = proto;
	s.state = m->idiag_state;
	s.lport = ntohs(m->id.idiag_sport);
	s.rport = ntohs(m->id.idiag_dport);
	memcpy(s.laddr, m->id.idiag_src, s.family == AF_INET ? 4 : 16);
	memcpy(s.raddr, m->id.idiag_dst, s.family == AF_INET ? 4 : 16);
	s.uid = m->idiag_uid;
	s.rqueue = m->idiag_rqueue;
	s.wqueue = m->idiag_wqueue;
	s.ifindex = m->id.idiag_if;
	s.inode = m->idiag_inode;
	s.cookie = (uint64_t)m->id.idiag_cookie[0] | ((uint64_t)m->id.idiag_cookie[1] << 32);
	if (s.family == AF_INET6)
		attrs(h, &s);
	return cb(ctx, &s);
}

int diag__parse(const void *buf, size_t len, uint16_t proto, diag_cb cb, void *ctx)
{
	const struct nlmsghdr *h = buf;
	size_t left = len;

	while (left >= sizeof(*h)) {
		int rc;

		if (h->nlmsg_len < sizeof(*h) || h->nlmsg_len > left)
			return -EBADMSG;
		switch (h->nlmsg_type) {
		case NLMSG_DONE:
			return 1;
		case NLMSG_ERROR: {
			const struct nlmsgerr *e = NLMSG_DATA(h);

			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
				return -EBADMSG;
			return e->error < 0 ? e->error : -EPROTO;
		}
		case SOCK_DIAG_BY_FAMILY:
		case TCPDIAG_GETSOCK:	/* a reply to diag__request_tcp_any() */
			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg)))
				return -EBADMSG;
			rc = one(h, proto, cb, ctx);
			if (rc)
				return rc;
			break;
		default:
			break;	/* NLMSG_NOOP and anything new: not ours */
		}
		if (NLMSG_ALIGN(h->nlmsg_len) >= left)
			return 0;
		left -= NLMSG_ALIGN(h->nlmsg_len);
		h = (const struct nlmsghdr *)((const char *)h + NLMSG_ALIGN(h->nlmsg_len));
	}
	return left ? -EBADMSG : 0;
}

/* Send the request q and parse the replies; the kernel's -ENOENT as is. */
static int transact(int nlfd, const void *q, size_t qlen, uint16_t proto, diag_cb cb,
		    void *ctx)
{
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	/*
	 * The kernel hands a dump out in datagrams of at most 32 KiB
	 * (netlink_recvmsg caps its dump allocations there), so a larger
	 * buffer saves no recv. On the stack: each thread its own (the
	 * metrics server's thread dumps its gauges while the event loop
	 * looks up a failed bind's holders), and only the pages a reply
	 * fills are touched; as thread-local storage it was zeroed, all
	 * 256 KiB of it, for every thread at its start.
	 */
	char buf[64 * 1024] __attribute__((aligned(8)));
	int rc = 0;

	if (sendto(nlfd, q, qlen, 0, (struct sockaddr *)&nl, sizeof(nl)) < 0)
		return -errno;
	while (rc == 0) {
		ssize_t n = recv(nlfd, buf, sizeof(buf), 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EPIPE;
		rc = diag__parse(buf, (size_t)n, proto, cb, ctx);
	}
	return rc < 0 ? rc : 0;
}

static __thread uint32_t seq;

int diag__dump(int nlfd, int family, int proto, uint32_t states, diag_cb cb, void *ctx)
{
	struct diag_req req = { 0 };
	size_t qlen = diag__request(&req, sizeof(req), family, proto, states, ++seq);
	int rc = transact(nlfd, &req, qlen, (uint16_t)proto, cb, ctx);

	/* The protocol has no diag module here: nothing of that kind exists. */
	return rc == -ENOENT ? 0 : rc;
}

int diag__dump_tcp_any(int nlfd, uint32_t states, diag_cb cb, void *ctx)
{
	struct diag_req_any req;
	size_t qlen = diag__request_tcp_any(&req, sizeof(req), states, ++seq);

	return transact(nlfd, &req, qlen, IPPROTO_TCP, cb, ctx);
}
