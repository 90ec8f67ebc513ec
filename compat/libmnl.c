// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The part of libmnl's API that libnftnl calls, for the static binary only
 * (`make static`): Debian ships libmnl.so but no libmnl.a, and the archive
 * these machines reach serves no libmnl source to build one from
 * (docs/nat.md). Written here from the API as libmnl's header declares it
 * (compiled against that header, so every signature is checked); the
 * dynamic build links Debian's libmnl itself. Netlink messages and
 * attributes are as the kernel defines them (linux/netlink.h): 4-byte
 * aligned, a header, then the payload.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <libmnl/libmnl.h>

struct mnl_socket {
	int fd;
	struct sockaddr_nl addr;
};

/* -- messages ---------------------------------------------------------- */

size_t mnl_nlmsg_size(size_t len)
{
	return len + MNL_NLMSG_HDRLEN;
}

size_t mnl_nlmsg_get_payload_len(const struct nlmsghdr *nlh)
{
	return nlh->nlmsg_len - MNL_NLMSG_HDRLEN;
}

struct nlmsghdr *mnl_nlmsg_put_header(void *buf)
{
	struct nlmsghdr *nlh = buf;

	memset(buf, 0, MNL_NLMSG_HDRLEN);
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN;
	return nlh;
}

void *mnl_nlmsg_put_extra_header(struct nlmsghdr *nlh, size_t size)
{
	char *p = (char *)nlh + nlh->nlmsg_len;
	size_t len = MNL_ALIGN(size);

	nlh->nlmsg_len += len;
	memset(p, 0, len);
	return p;
}

void *mnl_nlmsg_get_payload(const struct nlmsghdr *nlh)
{
	return (char *)nlh + MNL_NLMSG_HDRLEN;
}

void *mnl_nlmsg_get_payload_offset(const struct nlmsghdr *nlh, size_t offset)
{
	return (char *)nlh + MNL_NLMSG_HDRLEN + MNL_ALIGN(offset);
}

void *mnl_nlmsg_get_payload_tail(const struct nlmsghdr *nlh)
{
	return (char *)nlh + MNL_ALIGN(nlh->nlmsg_len);
}

bool mnl_nlmsg_ok(const struct nlmsghdr *nlh, int len)
{
	return len >= (int)sizeof(struct nlmsghdr) &&
	       nlh->nlmsg_len >= sizeof(struct nlmsghdr) && (int)nlh->nlmsg_len <= len;
}

struct nlmsghdr *mnl_nlmsg_next(const struct nlmsghdr *nlh, int *len)
{
	*len -= (int)MNL_ALIGN(nlh->nlmsg_len);
	return (struct nlmsghdr *)((char *)nlh + MNL_ALIGN(nlh->nlmsg_len));
}

/* -- batches (libnftnl's transactions; linked, not used by portsnoop) ---- */

struct mnl_nlmsg_batch {
	char *buf, *cur;
	size_t limit, len;
	bool overflow;
};

struct mnl_nlmsg_batch *mnl_nlmsg_batch_start(void *buf, size_t limit)
{
	struct mnl_nlmsg_batch *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->buf = b->cur = buf;
	b->limit = limit;
	return b;
}

bool mnl_nlmsg_batch_next(struct mnl_nlmsg_batch *b)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)b->cur;

	if (b->len + nlh->nlmsg_len > b->limit) {
		b->overflow = true;
		return false;
	}
	b->cur = b->buf + b->len + nlh->nlmsg_len;
	b->len += nlh->nlmsg_len;
	return true;
}

void mnl_nlmsg_batch_stop(struct mnl_nlmsg_batch *b)
{
	free(b);
}

size_t mnl_nlmsg_batch_size(struct mnl_nlmsg_batch *b)
{
	return b->len;
}

void mnl_nlmsg_batch_reset(struct mnl_nlmsg_batch *b)
{
	if (b->overflow) {
		/* The message that did not fit goes to the front. */
		size_t n = ((const struct nlmsghdr *)b->cur)->nlmsg_len;

		memmove(b->buf, b->cur, n);
		b->cur = b->buf + n;
		b->len = n;
		b->overflow = false;
	} else {
		b->cur = b->buf;
		b->len = 0;
	}
}

void *mnl_nlmsg_batch_head(struct mnl_nlmsg_batch *b)
{
	return b->buf;
}

void *mnl_nlmsg_batch_current(struct mnl_nlmsg_batch *b)
{
	return b->cur;
}

bool mnl_nlmsg_batch_is_empty(struct mnl_nlmsg_batch *b)
{
	return b->len == 0;
}

/* -- attributes -------------------------------------------------------- */

uint16_t mnl_attr_get_type(const struct nlattr *attr)
{
	return attr->nla_type & NLA_TYPE_MASK;
}

uint16_t mnl_attr_get_len(const struct nlattr *attr)
{
	return attr->nla_len;
}

uint16_t mnl_attr_get_payload_len(const struct nlattr *attr)
{
	return (uint16_t)(attr->nla_len - MNL_ATTR_HDRLEN);
}

void *mnl_attr_get_payload(const struct nlattr *attr)
{
	return (char *)attr + MNL_ATTR_HDRLEN;
}

bool mnl_attr_ok(const struct nlattr *attr, int len)
{
	return len >= (int)sizeof(struct nlattr) && attr->nla_len >= sizeof(struct nlattr) &&
	       (int)attr->nla_len <= len;
}

struct nlattr *mnl_attr_next(const struct nlattr *attr)
{
	return (struct nlattr *)((char *)attr + MNL_ALIGN(attr->nla_len));
}

int mnl_attr_type_valid(const struct nlattr *attr, uint16_t max)
{
	if (mnl_attr_get_type(attr) > max) {
		errno = EOPNOTSUPP;
		return -1;
	}
	return 1;
}

/* The payload's length each type needs (0: any). */
static size_t type_len(enum mnl_attr_data_type type)
{
	switch (type) {
	case MNL_TYPE_U8: return sizeof(uint8_t);
	case MNL_TYPE_U16: return sizeof(uint16_t);
	case MNL_TYPE_U32: return sizeof(uint32_t);
	case MNL_TYPE_U64:
	case MNL_TYPE_MSECS: return sizeof(uint64_t);
	default: return 0;
	}
}

static int validate(const struct nlattr *attr, enum mnl_attr_data_type type, size_t exp)
{
	size_t len = mnl_attr_get_payload_len(attr);
	const char *p = mnl_attr_get_payload(attr);

	if (attr->nla_len < MNL_ATTR_HDRLEN || type >= MNL_TYPE_MAX) {
		errno = type >= MNL_TYPE_MAX ? EINVAL : ERANGE;
		return -1;
	}
	switch (type) {
	case MNL_TYPE_FLAG:
		if (len) {
			errno = ERANGE;
			return -1;
		}
		return 0;
	case MNL_TYPE_NUL_STRING:
		if (!len || p[len - 1]) {
			errno = !len ? ERANGE : EINVAL;
			return -1;
		}
		return 0;
	case MNL_TYPE_STRING:
		if (!len) {
			errno = ERANGE;
			return -1;
		}
		return 0;
	case MNL_TYPE_NESTED:
		if (len && len < MNL_ATTR_HDRLEN) {
			errno = ERANGE;
			return -1;
		}
		return 0;
	default:
		break;
	}
	if (exp && len < exp) {
		errno = ERANGE;
		return -1;
	}
	return 0;
}

int mnl_attr_validate(const struct nlattr *attr, enum mnl_attr_data_type type)
{
	return validate(attr, type, type < MNL_TYPE_MAX ? type_len(type) : 0);
}

int mnl_attr_validate2(const struct nlattr *attr, enum mnl_attr_data_type type, size_t len)
{
	return validate(attr, type, len);
}

int mnl_attr_parse_payload(const void *payload, size_t payload_len, mnl_attr_cb_t cb,
			   void *data)
{
	const struct nlattr *a = payload;
	int len = (int)payload_len, rc;

	for (; mnl_attr_ok(a, len); len -= (int)MNL_ALIGN(a->nla_len), a = mnl_attr_next(a))
		if ((rc = cb(a, data)) <= MNL_CB_STOP)
			return rc;
	return MNL_CB_OK;
}

int mnl_attr_parse(const struct nlmsghdr *nlh, unsigned int offset, mnl_attr_cb_t cb,
		   void *data)
{
	const char *start = mnl_nlmsg_get_payload_offset(nlh, offset);
	const char *tail = mnl_nlmsg_get_payload_tail(nlh);

	if (start > tail)
		return MNL_CB_OK;
	return mnl_attr_parse_payload(start, (size_t)(tail - start), cb, data);
}

int mnl_attr_parse_nested(const struct nlattr *nested, mnl_attr_cb_t cb, void *data)
{
	return mnl_attr_parse_payload(mnl_attr_get_payload(nested),
				      mnl_attr_get_payload_len(nested), cb, data);
}

uint8_t mnl_attr_get_u8(const struct nlattr *attr)
{
	return *(const uint8_t *)mnl_attr_get_payload(attr);
}

uint16_t mnl_attr_get_u16(const struct nlattr *attr)
{
	uint16_t v;

	memcpy(&v, mnl_attr_get_payload(attr), sizeof(v));
	return v;
}

uint32_t mnl_attr_get_u32(const struct nlattr *attr)
{
	uint32_t v;

	memcpy(&v, mnl_attr_get_payload(attr), sizeof(v));
	return v;
}

uint64_t mnl_attr_get_u64(const struct nlattr *attr)
{
	uint64_t v;

	memcpy(&v, mnl_attr_get_payload(attr), sizeof(v));
	return v;
}

const char *mnl_attr_get_str(const struct nlattr *attr)
{
	return mnl_attr_get_payload(attr);
}

void mnl_attr_put(struct nlmsghdr *nlh, uint16_t type, size_t len, const void *data)
{
	struct nlattr *a = mnl_nlmsg_get_payload_tail(nlh);
	size_t total = MNL_ATTR_HDRLEN + len;

	a->nla_type = type;
	a->nla_len = (uint16_t)total;
	if (len)
		memcpy(mnl_attr_get_payload(a), data, len);
	memset((char *)a + total, 0, MNL_ALIGN(total) - total);
	nlh->nlmsg_len += (uint32_t)MNL_ALIGN(total);
}

void mnl_attr_put_u8(struct nlmsghdr *nlh, uint16_t type, uint8_t v)
{
	mnl_attr_put(nlh, type, sizeof(v), &v);
}

void mnl_attr_put_u16(struct nlmsghdr *nlh, uint16_t type, uint16_t v)
{
	mnl_attr_put(nlh, type, sizeof(v), &v);
}

void mnl_attr_put_u32(struct nlmsghdr *nlh, uint16_t type, uint32_t v)
{
	mnl_attr_put(nlh, type, sizeof(v), &v);
}

void mnl_attr_put_u64(struct nlmsghdr *nlh, uint16_t type, uint64_t v)
{
	mnl_attr_put(nlh, type, sizeof(v), &v);
}

void mnl_attr_put_str(struct nlmsghdr *nlh, uint16_t type, const char *s)
{
	mnl_attr_put(nlh, type, strlen(s), s);
}

void mnl_attr_put_strz(struct nlmsghdr *nlh, uint16_t type, const char *s)
{
	mnl_attr_put(nlh, type, strlen(s) + 1, s);
}

struct nlattr *mnl_attr_nest_start(struct nlmsghdr *nlh, uint16_t type)
{
	struct nlattr *start = mnl_nlmsg_get_payload_tail(nlh);

	start->nla_type = NLA_F_NESTED | type;
	nlh->nlmsg_len += MNL_ALIGN(sizeof(struct nlattr));
	return start;
}

void mnl_attr_nest_end(struct nlmsghdr *nlh, struct nlattr *start)
{
	start->nla_len = (uint16_t)((char *)mnl_nlmsg_get_payload_tail(nlh) - (char *)start);
}

void mnl_attr_nest_cancel(struct nlmsghdr *nlh, struct nlattr *start)
{
	nlh->nlmsg_len -= (uint32_t)((char *)mnl_nlmsg_get_payload_tail(nlh) - (char *)start);
}

/* -- callbacks --------------------------------------------------------- */

static int on_error(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	errno = e->error < 0 ? -e->error : e->error;
	return e->error == 0 ? MNL_CB_STOP : MNL_CB_ERROR;
}

int mnl_cb_run(const void *buf, size_t numbytes, unsigned int seq, unsigned int portid,
	       mnl_cb_t cb, void *data)
{
	const struct nlmsghdr *nlh = buf;
	int len = (int)numbytes, rc = MNL_CB_OK;

	while (mnl_nlmsg_ok(nlh, len)) {
		if (nlh->nlmsg_pid && portid && nlh->nlmsg_pid != portid) {
			errno = ESRCH;
			return -1;
		}
		if (nlh->nlmsg_seq && seq && nlh->nlmsg_seq != seq) {
			errno = EPROTO;
			return -1;
		}
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR) {
			errno = EINTR;
			return -1;
		}
		if (nlh->nlmsg_type >= NLMSG_MIN_TYPE)
			rc = cb ? cb(nlh, data) : MNL_CB_OK;
		else if (nlh->nlmsg_type == NLMSG_ERROR)
			rc = on_error(nlh);
		else if (nlh->nlmsg_type == NLMSG_DONE)
			rc = MNL_CB_STOP;
		if (rc <= MNL_CB_STOP)
			return rc;
		nlh = mnl_nlmsg_next(nlh, &len);
	}
	return rc;
}

/* -- the socket -------------------------------------------------------- */

struct mnl_socket *mnl_socket_open(int bus)
{
	struct mnl_socket *nl = calloc(1, sizeof(*nl));

	if (!nl)
		return NULL;
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, bus);
	if (nl->fd < 0) {
		int e = errno;

		free(nl);
		errno = e;
		return NULL;
	}
	return nl;
}

int mnl_socket_bind(struct mnl_socket *nl, unsigned int groups, pid_t pid)
{
	socklen_t len = sizeof(nl->addr);

	nl->addr.nl_family = AF_NETLINK;
	nl->addr.nl_groups = groups;
	nl->addr.nl_pid = (uint32_t)pid;
	if (bind(nl->fd, (struct sockaddr *)&nl->addr, sizeof(nl->addr)) < 0 ||
	    getsockname(nl->fd, (struct sockaddr *)&nl->addr, &len) < 0)
		return -1;
	if (len != sizeof(nl->addr) || nl->addr.nl_family != AF_NETLINK) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

unsigned int mnl_socket_get_portid(const struct mnl_socket *nl)
{
	return nl->addr.nl_pid;
}

int mnl_socket_get_fd(const struct mnl_socket *nl)
{
	return nl->fd;
}

ssize_t mnl_socket_sendto(const struct mnl_socket *nl, const void *buf, size_t len)
{
	static const struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

	return sendto(nl->fd, buf, len, 0, (const struct sockaddr *)&kernel, sizeof(kernel));
}

ssize_t mnl_socket_recvfrom(const struct mnl_socket *nl, void *buf, size_t size)
{
	struct sockaddr_nl from;
	struct iovec iov = { .iov_base = buf, .iov_len = size };
	struct msghdr msg = { .msg_name = &from, .msg_namelen = sizeof(from),
			      .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n = recvmsg(nl->fd, &msg, 0);

	if (n < 0)
		return n;
	if (msg.msg_flags & MSG_TRUNC) {
		errno = ENOSPC;
		return -1;
	}
	if (msg.msg_namelen != sizeof(from)) {
		errno = EINVAL;
		return -1;
	}
	return n;
}

int mnl_socket_close(struct mnl_socket *nl)
{
	int rc = close(nl->fd);

	free(nl);
	return rc;
}
