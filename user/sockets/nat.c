// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * nf_tables over netlink: the generation, then every rule of every family,
 * then the generation again; a dump the kernel marks interrupted
 * (NLM_F_DUMP_INTR) or a generation that moved means the ruleset changed
 * while read, and the dump is done again.
 */
#include "sockets/nat.h"

#include <errno.h>
#include <net/if.h>	/* before the kernel's headers: they defer to glibc's */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libmnl/libmnl.h>
#include <libnftnl/expr.h>
#include <libnftnl/gen.h>
#include <libnftnl/rule.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include "sockets/natlegacy.h"
#include "proc/xtables.h"

#define MAX_TRIES 4
#define MAX_EXPRS 128	/* a rule longer than this is cut: noted as odd */

struct dump {
	struct nat_rules *rules;
	struct natx x[MAX_EXPRS];
	int err;
};

static uint32_t u32_or0(const struct nftnl_expr *e, uint16_t attr)
{
	return nftnl_expr_is_set(e, attr) ? nftnl_expr_get_u32(e, attr) : 0;
}

static uint32_t data_into(const struct nftnl_expr *e, uint16_t attr, uint8_t *out,
			  size_t outsz)
{
	uint32_t len = 0;
	const void *d = nftnl_expr_is_set(e, attr) ? nftnl_expr_get(e, attr, &len) : NULL;

	if (!d)
		return 0;
	if (len > outsz)
		len = (uint32_t)outsz;
	memcpy(out, d, len);
	return len;
}

/* One expression as natrule.h reads it; what we do not read keeps its name. */
static void decode(const struct nftnl_expr *e, struct natx *x)
{
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);
	uint32_t len = 0;

	memset(x, 0, sizeof(*x));
	snprintf(x->name, sizeof(x->name), "%s", name ? name : "?");
	if (!name)
		return;
	if (!strcmp(name, "meta")) {
		x->kind = NATX_META;
		x->key = u32_or0(e, NFTNL_EXPR_META_KEY);
		x->dreg = u32_or0(e, NFTNL_EXPR_META_DREG);
	} else if (!strcmp(name, "payload")) {
		x->kind = NATX_PAYLOAD;
		x->dreg = u32_or0(e, NFTNL_EXPR_PAYLOAD_DREG);
		x->base = u32_or0(e, NFTNL_EXPR_PAYLOAD_BASE);
		x->offset = u32_or0(e, NFTNL_EXPR_PAYLOAD_OFFSET);
		x->len = u32_or0(e, NFTNL_EXPR_PAYLOAD_LEN);
	} else if (!strcmp(name, "cmp")) {
		x->kind = NATX_CMP;
		x->sreg = u32_or0(e, NFTNL_EXPR_CMP_SREG);
		x->op = u32_or0(e, NFTNL_EXPR_CMP_OP);
		x->data_len = data_into(e, NFTNL_EXPR_CMP_DATA, x->data, sizeof(x->data));
	} else if (!strcmp(name, "range")) {
		x->kind = NATX_RANGE;
		x->sreg = u32_or0(e, NFTNL_EXPR_RANGE_SREG);
		x->op = u32_or0(e, NFTNL_EXPR_RANGE_OP);
		x->data_len = data_into(e, NFTNL_EXPR_RANGE_FROM_DATA, x->data, sizeof(x->data));
		x->data2_len = data_into(e, NFTNL_EXPR_RANGE_TO_DATA, x->data2,
					 sizeof(x->data2));
	} else if (!strcmp(name, "immediate")) {
		x->kind = NATX_IMMEDIATE;
		x->dreg = u32_or0(e, NFTNL_EXPR_IMM_DREG);
		if (x->dreg)	/* 0: the verdict register (a jump, accept) */
			x->data_len = data_into(e, NFTNL_EXPR_IMM_DATA, x->data,
						sizeof(x->data));
	} else if (!strcmp(name, "nat")) {
		x->kind = NATX_NAT;
		x->type = u32_or0(e, NFTNL_EXPR_NAT_TYPE);
		x->family = u32_or0(e, NFTNL_EXPR_NAT_FAMILY);
		x->reg_addr_min = u32_or0(e, NFTNL_EXPR_NAT_REG_ADDR_MIN);
		x->reg_addr_max = u32_or0(e, NFTNL_EXPR_NAT_REG_ADDR_MAX);
		x->reg_proto_min = u32_or0(e, NFTNL_EXPR_NAT_REG_PROTO_MIN);
		x->reg_proto_max = u32_or0(e, NFTNL_EXPR_NAT_REG_PROTO_MAX);
	} else if (!strcmp(name, "target") || !strcmp(name, "match")) {
		bool tg = name[0] == 't';
		const char *xn = nftnl_expr_get_str(e, tg ? NFTNL_EXPR_TG_NAME : NFTNL_EXPR_MT_NAME);

		x->kind = tg ? NATX_TARGET : NATX_MATCH;
		snprintf(x->name, sizeof(x->name), "%s", xn ? xn : "?");
		x->rev = u32_or0(e, tg ? NFTNL_EXPR_TG_REV : NFTNL_EXPR_MT_REV);
		x->info = nftnl_expr_get(e, tg ? NFTNL_EXPR_TG_INFO : NFTNL_EXPR_MT_INFO, &len);
		x->info_len = x->info ? len : 0;
	} else if (!strcmp(name, "lookup")) {
		x->kind = NATX_LOOKUP;
		x->sreg = u32_or0(e, NFTNL_EXPR_LOOKUP_SREG);
		x->dreg = u32_or0(e, NFTNL_EXPR_LOOKUP_DREG);
	} else if (!strcmp(name, "ct")) {
		x->dreg = u32_or0(e, NFTNL_EXPR_CT_DREG);
	} else if (!strcmp(name, "fib")) {
		x->dreg = u32_or0(e, NFTNL_EXPR_FIB_DREG);
	} else if (!strcmp(name, "bitwise")) {
		x->dreg = u32_or0(e, NFTNL_EXPR_BITWISE_DREG);
	} else if (!strcmp(name, "counter") || !strcmp(name, "log") ||
		   !strcmp(name, "limit") || !strcmp(name, "notrack")) {
		x->dreg = 0;	/* they write no register */
	} else {
		/* Which register it writes is not known here: none is trusted. */
		x->dreg = NATX_ALL_REGS;
	}
}

static const char *family_name(uint32_t f)
{
	switch (f) {
	case NFPROTO_IPV4: return "ip";
	case NFPROTO_IPV6: return "ip6";
	case NFPROTO_INET: return "inet";
	case NFPROTO_BRIDGE: return "bridge";
	case NFPROTO_NETDEV: return "netdev";
	case NFPROTO_ARP: return "arp";
	default: return "?";
	}
}

static int on_rule(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;
	struct nftnl_rule *nr = nftnl_rule_alloc();
	struct nftnl_expr_iter *it = NULL;
	struct nftnl_expr *e;
	struct natrule_where w;
	struct natrule r;
	size_t n = 0;

	if (!nr)
		return MNL_CB_ERROR;
	if (nftnl_rule_nlmsg_parse(nlh, nr) < 0) {
		d->rules->odd++;	/* a message libnftnl cannot read: skip it */
		goto out;
	}
	w.family = family_name(nftnl_rule_get_u32(nr, NFTNL_RULE_FAMILY));
	w.table = nftnl_rule_get_str(nr, NFTNL_RULE_TABLE);
	w.chain = nftnl_rule_get_str(nr, NFTNL_RULE_CHAIN);
	w.handle = nftnl_rule_get_u64(nr, NFTNL_RULE_HANDLE);
	it = nftnl_expr_iter_create(nr);
	while (it && (e = nftnl_expr_iter_next(it))) {
		if (n == MAX_EXPRS) {
			d->rules->odd++;
			break;
		}
		decode(e, &d->x[n++]);
	}
	/* The info blobs point into nr: parse before it is freed. */
	if (natrule__parse(&w, d->x, n, &r) == 1 && nat__keep(d->rules, &r)) {
		d->err = -ENOMEM;
		nftnl_expr_iter_destroy(it);
		nftnl_rule_free(nr);
		return MNL_CB_ERROR;
	}
out:
	if (it)
		nftnl_expr_iter_destroy(it);
	nftnl_rule_free(nr);
	return MNL_CB_OK;
}

static int on_gen(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_gen *g = nftnl_gen_alloc();

	if (!g)
		return MNL_CB_ERROR;
	if (nftnl_gen_nlmsg_parse(nlh, g) == 0)
		*(uint32_t *)data = nftnl_gen_get_u32(g, NFTNL_GEN_ID);
	nftnl_gen_free(g);
	return MNL_CB_OK;
}

/* One request, its answers run through cb. Returns 0 or -errno (-EINTR: the
 * dump was interrupted by a change). */
static int ask(struct mnl_socket *nl, uint16_t type, uint16_t flags, mnl_cb_t cb,
	       void *data)
{
	static char buf[32768];	/* at least MNL_SOCKET_BUFFER_SIZE: a page, at most 8 KiB */
	uint32_t seq = (uint32_t)time(NULL), portid = mnl_socket_get_portid(nl);
	struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(buf, type, NFPROTO_UNSPEC, flags, seq);
	ssize_t len;
	int rc = 0;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	while ((len = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0) {
		rc = mnl_cb_run(buf, (size_t)len, seq, portid, cb, data);
		if (rc <= 0)
			break;
	}
	if (len < 0)
		return -errno;
	return rc < 0 ? (errno ? -errno : -EIO) : 0;
}

static int dump_once(struct mnl_socket *nl, struct nat_rules *rules)
{
	struct dump *d = calloc(1, sizeof(*d));
	uint32_t before = 0, after = 0;
	int rc;

	if (!d)
		return -ENOMEM;
	d->rules = rules;
	rules->n = 0;
	rc = ask(nl, NFT_MSG_GETGEN, NLM_F_ACK, on_gen, &before);
	if (!rc)
		rc = ask(nl, NFT_MSG_GETRULE, NLM_F_DUMP, on_rule, d);
	if (!rc && d->err)
		rc = d->err;
	if (!rc)
		rc = ask(nl, NFT_MSG_GETGEN, NLM_F_ACK, on_gen, &after);
	if (!rc && before != after)
		rc = -EINTR;
	rules->generation = after;
	free(d);
	return rc;
}

/* Is there an iptables-legacy nat table in this namespace already? Asking
 * for one that is not there would load iptable_nat and make it (hooks and
 * all): a reader must not. */
static bool legacy_nat_exists(void)
{
	return xtables__has_table("/proc", "nat") > 0;
}

/* iptables-legacy's nat table (x_tables, not nf_tables), appended to rules.
 * Returns 0 or -errno (-EAGAIN: it changed between the two calls). */
static int legacy_read(struct nat_rules *rules)
{
	struct ipt_getinfo info = { .name = "nat" };
	struct ipt_get_entries *e;
	socklen_t len = sizeof(info);
	int fd, rc = 0;

	if (!legacy_nat_exists())
		return 0;
	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (fd < 0)
		return -errno;
	if (getsockopt(fd, SOL_IP, IPT_SO_GET_INFO, &info, &len)) {
		rc = -errno;
		close(fd);
		return rc;
	}
	e = calloc(1, sizeof(*e) + info.size);
	if (!e) {
		close(fd);
		return -ENOMEM;
	}
	memcpy(e->name, "nat", 4);
	e->size = info.size;
	len = (socklen_t)(sizeof(*e) + info.size);
	if (getsockopt(fd, SOL_IP, IPT_SO_GET_ENTRIES, e, &len))
		rc = errno == EAGAIN ? -EAGAIN : -errno;
	else
		rc = natlegacy__parse(e->entrytable, e->size, info.valid_hooks, info.hook_entry,
				      rules);
	free(e);
	close(fd);
	return rc;
}

int nat__read(struct nat_rules *rules, char *err, size_t errsz)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);
	int rc = -EINTR;

	memset(rules, 0, sizeof(*rules));
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		rc = -errno;
		snprintf(err, errsz, "the nf_tables ruleset could not be read: %s",
			 strerror(-rc));
		if (nl)
			mnl_socket_close(nl);
		return rc;
	}
	for (unsigned int t = 0; t < MAX_TRIES && rc == -EINTR; t++) {
		rules->retries = t;
		rc = dump_once(nl, rules);
	}
	mnl_socket_close(nl);
	if (rc == -EINTR)
		snprintf(err, errsz, "the nf_tables ruleset changed each of the %d times it "
			 "was read", MAX_TRIES);
	else if (rc)
		snprintf(err, errsz, "the nf_tables ruleset could not be read: %s",
			 strerror(-rc));
	if (rc) {
		rules->n = 0;
		return rc;
	}
	for (unsigned int t = 0; t < MAX_TRIES; t++) {
		size_t had = rules->n;

		rc = legacy_read(rules);
		if (rc != -EAGAIN && rc != -EINVAL)
			break;
		rules->n = had;	/* changed while read: again */
	}
	if (rc) {
		rules->n = 0;
		snprintf(err, errsz, "iptables-legacy's nat table could not be read: %s",
			 rc == -EAGAIN || rc == -EINVAL ? "it changed each time it was read"
						      : strerror(-rc));
	}
	return rc;
}

void nat__free(struct nat_rules *rules)
{
	free(rules->v);
	memset(rules, 0, sizeof(*rules));
}
