// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A rule's expressions, followed through the registers they load and
 * compare, into what its dnat does (natrule.h). Constants are the kernel's
 * uapi values (linux/netfilter/nf_tables.h, nf_nat.h, xt_tcpudp.h), written
 * out so this file needs no netfilter headers and runs anywhere.
 */
#include "sockets/natrule.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include "sockets/holds.h"

enum {
	META_L4PROTO = 16,		/* NFT_META_L4PROTO */
	PAYLOAD_TRANSPORT = 2,		/* NFT_PAYLOAD_TRANSPORT_HEADER */
	CMP_EQ = 0, CMP_NEQ = 1, CMP_LT = 2, CMP_LTE = 3, CMP_GT = 4, CMP_GTE = 5,
	NAT_DNAT = 1,			/* NFT_NAT_DNAT */
	NFPROTO_V4 = 2, NFPROTO_V6 = 10,
	RANGE_MAP_IPS = 1,		/* NF_NAT_RANGE_MAP_IPS */
	RANGE_PROTO_SPECIFIED = 2,	/* NF_NAT_RANGE_PROTO_SPECIFIED */
	XT_INV_DSTPT = 0x02,		/* XT_TCP_INV_DSTPT, XT_UDP_INV_DSTPT */
	SLOTS = 16,			/* 32-bit registers NFT_REG32_00..15 */
};

/* What a 32-bit register slot holds, as far as the rule has told us. */
enum slot_src { SRC_NONE, SRC_L4PROTO, SRC_DPORT, SRC_IMM, SRC_OTHER };

struct regs {
	enum slot_src src[SLOTS];
	uint8_t data[SLOTS * 4];
};

struct walk {
	struct regs regs;
	struct natrule *r;
	bool dnat, ports_elsewhere;
	const char *elsewhere;	/* the expression that may match ports */
};

/* NFT_REG_1..4 are 16 bytes each, NFT_REG32_00.. (8..) 4 bytes: one slot
 * index for both; -1 for the verdict register or nonsense. */
static int slot_of(uint32_t reg)
{
	if (reg >= 1 && reg <= 4)
		return (int)(reg - 1) * 4;
	if (reg >= 8 && reg < 8 + SLOTS)
		return (int)(reg - 8);
	return -1;
}

static void load(struct regs *g, uint32_t reg, enum slot_src src, const uint8_t *d,
		 uint32_t len)
{
	int s = slot_of(reg);
	uint32_t n = len ? (len + 3) / 4 : 1;

	if (s < 0)
		return;
	if (n > (uint32_t)(SLOTS - s))
		n = (uint32_t)(SLOTS - s);
	for (uint32_t k = 0; k < n; k++)
		g->src[s + (int)k] = src;
	memset(g->data + s * 4, 0, n * 4);
	if (d && len)
		memcpy(g->data + s * 4, d, len < n * 4 ? len : n * 4);
}

static enum slot_src src_of(const struct regs *g, uint32_t reg)
{
	int s = slot_of(reg);

	return s < 0 ? SRC_NONE : g->src[s];
}

/* Whether len bytes from reg's slot stay inside the registers: an address
 * named in the last 32-bit register cannot be 16 bytes long. */
static bool fits(uint32_t reg, size_t len)
{
	int s = slot_of(reg);

	return s >= 0 && (size_t)s * 4 + len <= SLOTS * 4;
}

static const uint8_t *data_of(const struct regs *g, uint32_t reg)
{
	int s = slot_of(reg);

	return s < 0 ? NULL : g->data + s * 4;
}

static uint16_t be16_at(const uint8_t *d)
{
	return (uint16_t)(d[0] << 8 | d[1]);
}

static void note(struct natrule *r, const char *why)
{
	if (!r->note)
		r->note = why;
}

static void port_cmp(struct natrule *r, uint32_t op, uint16_t port)
{
	switch (op) {
	case CMP_EQ:
		r->port_lo = r->port_hi = port;
		break;
	case CMP_GTE:
	case CMP_GT:
		r->port_lo = (uint16_t)(port + (op == CMP_GT));
		if (!r->port_hi)
			r->port_hi = 65535;
		break;
	case CMP_LTE:
	case CMP_LT:
		r->port_hi = (uint16_t)(port - (op == CMP_LT && port));
		if (!r->port_lo)
			r->port_lo = 1;
		break;
	default:
		note(r, "it matches every port but some (!=)");
	}
}

static void on_cmp(struct walk *w, const struct natx *x)
{
	switch (src_of(&w->regs, x->sreg)) {
	case SRC_L4PROTO:
		if (x->op == CMP_EQ && x->data_len >= 1)
			w->r->proto = x->data[0];
		break;
	case SRC_DPORT:
		if (x->data_len >= 2)
			port_cmp(w->r, x->op, be16_at(x->data));
		break;
	default:
		break;
	}
}

static void on_range(struct walk *w, const struct natx *x)
{
	if (src_of(&w->regs, x->sreg) != SRC_DPORT || x->data_len < 2 || x->data2_len < 2)
		return;
	if (x->op != CMP_EQ) {
		note(w->r, "it matches ports outside a range");
		return;
	}
	w->r->port_lo = be16_at(x->data);
	w->r->port_hi = be16_at(x->data2);
}

static void on_payload(struct walk *w, const struct natx *x)
{
	bool dport = x->base == PAYLOAD_TRANSPORT && x->offset == 2 && x->len == 2;

	load(&w->regs, x->dreg, dport ? SRC_DPORT : SRC_OTHER, NULL, x->len);
}

static void set_to(struct natrule *r, uint32_t nfproto, const uint8_t *a)
{
	r->to_family = nfproto == NFPROTO_V6 ? AF_INET6 : AF_INET;
	memcpy(r->to_addr, a, r->to_family == AF_INET6 ? 16 : 4);
}

static void on_nat(struct walk *w, const struct natx *x)
{
	struct natrule *r = w->r;
	uint32_t fam = x->family;
	size_t alen;

	if (x->type != NAT_DNAT)
		return;
	w->dnat = true;
	r->how = "nft";
	if (fam != NFPROTO_V4 && fam != NFPROTO_V6)
		fam = !strcmp(r->family, "ip6") ? NFPROTO_V6 : NFPROTO_V4;
	alen = fam == NFPROTO_V6 ? 16 : 4;
	if (!x->reg_addr_min) {
		note(r, "its dnat names no address");
	} else if (!fits(x->reg_addr_min, alen) ||
		   (x->reg_addr_max && !fits(x->reg_addr_max, alen))) {
		note(r, "its dnat names an address past the last register");
	} else if (src_of(&w->regs, x->reg_addr_min) != SRC_IMM) {
		note(r, "its dnat takes the address from a map or another expression");
	} else if (x->reg_addr_max && x->reg_addr_max != x->reg_addr_min &&
		   (src_of(&w->regs, x->reg_addr_max) != SRC_IMM ||
		    memcmp(data_of(&w->regs, x->reg_addr_min),
			   data_of(&w->regs, x->reg_addr_max), alen))) {
		note(r, "its dnat is to an address range");
	} else {
		set_to(r, fam, data_of(&w->regs, x->reg_addr_min));
	}
	if (!x->reg_proto_min)
		return;
	if (src_of(&w->regs, x->reg_proto_min) != SRC_IMM) {
		note(r, "its dnat takes the port from a map or another expression");
		return;
	}
	r->to_port = be16_at(data_of(&w->regs, x->reg_proto_min));
	if (x->reg_proto_max && x->reg_proto_max != x->reg_proto_min &&
	    (src_of(&w->regs, x->reg_proto_max) != SRC_IMM ||
	     be16_at(data_of(&w->regs, x->reg_proto_max)) != r->to_port))
		note(r, "its dnat is to a port range");
}

static uint32_t u32_at(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* nf_nat_ipv4_multi_range_compat (revision 0): rangesize, then one
 * { flags, min_ip, max_ip, min, max }. */
static void xt_dnat_v0(struct natrule *r, const uint8_t *p, size_t n)
{
	uint32_t flags;

	if (n < 20 || u32_at(p) != 1) {
		note(r, "its DNAT target's data is not the size its revision has");
		return;
	}
	flags = u32_at(p + 4);
	if (!(flags & RANGE_MAP_IPS)) {
		note(r, "its DNAT names no address");
	} else if (memcmp(p + 8, p + 12, 4)) {
		note(r, "its DNAT is to an address range");
	} else {
		set_to(r, NFPROTO_V4, p + 8);
	}
	if (flags & RANGE_PROTO_SPECIFIED) {
		r->to_port = be16_at(p + 16);
		if (be16_at(p + 18) != r->to_port)
			note(r, "its DNAT is to a port range");
	}
}

/* nf_nat_range (revision 1) and nf_nat_range2 (2): flags, min_addr[16],
 * max_addr[16], min_proto, max_proto(, base_proto). */
static void xt_dnat_v1(struct natrule *r, const uint8_t *p, size_t n, bool v6)
{
	uint32_t flags;

	if (n < 40) {
		note(r, "its DNAT target's data is not the size its revision has");
		return;
	}
	flags = u32_at(p);
	if (!(flags & RANGE_MAP_IPS)) {
		note(r, "its DNAT names no address");
	} else if (memcmp(p + 4, p + 20, v6 ? 16 : 4)) {
		note(r, "its DNAT is to an address range");
	} else {
		set_to(r, v6 ? NFPROTO_V6 : NFPROTO_V4, p + 4);
	}
	if (flags & RANGE_PROTO_SPECIFIED) {
		r->to_port = be16_at(p + 36);
		if (be16_at(p + 38) != r->to_port)
			note(r, "its DNAT is to a port range");
	}
}

static void on_target(struct walk *w, const struct natx *x)
{
	struct natrule *r = w->r;

	if (strcmp(x->name, "DNAT"))
		return;
	w->dnat = true;
	r->how = "xt";
	if (!x->info) {
		note(r, "its DNAT target carries no data");
		return;
	}
	if (x->rev == 0)
		xt_dnat_v0(r, x->info, x->info_len);
	else if (x->rev == 1 || x->rev == 2)
		xt_dnat_v1(r, x->info, x->info_len, !strcmp(r->family, "ip6"));
	else
		note(r, "its DNAT target has a revision portsnoop does not know");
}

/* xt_tcp { spts[2], dpts[2], option, flg_mask, flg_cmp, invflags } and
 * xt_udp { spts[2], dpts[2], invflags }: ports in host order. */
static void on_match(struct walk *w, const struct natx *x)
{
	struct natrule *r = w->r;
	bool tcp = !strcmp(x->name, "tcp"), udp = !strcmp(x->name, "udp");
	uint16_t lo, hi;
	uint8_t inv;

	if (!tcp && !udp) {
		if (!strcmp(x->name, "multiport")) {
			w->ports_elsewhere = true;
			w->elsewhere = "its ports are matched by multiport, which portsnoop does not read";
		}
		return;
	}
	if (!x->info || x->info_len < (tcp ? 12u : 10u)) {
		note(r, "its port match's data is not the size it has");
		return;
	}
	r->proto = tcp ? IPPROTO_TCP : IPPROTO_UDP;
	memcpy(&lo, x->info + 4, 2);
	memcpy(&hi, x->info + 6, 2);
	inv = x->info[tcp ? 11 : 8];
	if (inv & XT_INV_DSTPT) {
		note(r, "it matches every port but some (!)");
		return;
	}
	if (lo || hi != 65535) {
		r->port_lo = lo;
		r->port_hi = hi;
	}
}

static void step(struct walk *w, const struct natx *x)
{
	switch (x->kind) {
	case NATX_META:
		load(&w->regs, x->dreg, x->key == META_L4PROTO ? SRC_L4PROTO : SRC_OTHER,
		     NULL, 4);
		break;
	case NATX_PAYLOAD:
		on_payload(w, x);
		break;
	case NATX_CMP:
		on_cmp(w, x);
		break;
	case NATX_RANGE:
		on_range(w, x);
		break;
	case NATX_IMMEDIATE:
		if (x->dreg)
			load(&w->regs, x->dreg, SRC_IMM, x->data,
			     x->data_len > 16 ? 16 : x->data_len);
		break;
	case NATX_NAT:
		on_nat(w, x);
		break;
	case NATX_TARGET:
		on_target(w, x);
		break;
	case NATX_MATCH:
		on_match(w, x);
		break;
	case NATX_LOOKUP:
		if (src_of(&w->regs, x->sreg) == SRC_DPORT) {
			w->ports_elsewhere = true;
			w->elsewhere = "its ports are matched through a set, which portsnoop does not read";
		}
		if (x->dreg)
			load(&w->regs, x->dreg, SRC_OTHER, NULL, 16);
		break;
	case NATX_OTHER:
		if (x->dreg == NATX_ALL_REGS) {
			for (int s = 0; s < SLOTS; s++)
				w->regs.src[s] = SRC_OTHER;
		} else if (x->dreg) {
			load(&w->regs, x->dreg, SRC_OTHER, NULL, 16);
		}
		break;
	}
}

static void copy_name(char *dst, size_t sz, const char *src)
{
	snprintf(dst, sz, "%s", src ? src : "");
}

int natrule__parse(const struct natrule_where *where, const struct natx *x, size_t n,
		   struct natrule *r)
{
	struct walk w = { .r = r };

	memset(r, 0, sizeof(*r));
	copy_name(r->family, sizeof(r->family), where->family);
	copy_name(r->table, sizeof(r->table), where->table);
	copy_name(r->chain, sizeof(r->chain), where->chain);
	r->handle = where->handle;
	for (size_t i = 0; i < n && !w.dnat; i++)
		step(&w, &x[i]);
	if (!w.dnat)
		return 0;
	if (w.ports_elsewhere && !r->port_lo)
		note(r, w.elsewhere);
	if (r->note)
		r->to_family = 0;
	return 1;
}

bool natrule__matches(const struct natrule *r, uint8_t proto, uint16_t port)
{
	if (r->proto && proto && r->proto != proto)
		return false;
	if (!r->port_lo && !r->port_hi)
		return true;
	return port >= r->port_lo && port <= r->port_hi;
}

uint16_t natrule__to_port(const struct natrule *r, uint16_t port)
{
	return r->to_port ? r->to_port : port;
}

bool natrule__reaches(const struct natrule *r, uint16_t to_port, const struct diag_sock *s)
{
	struct holds_query q = { .port = to_port, .proto = r->proto, .family = r->to_family };

	if (!r->to_family)
		return false;
	memcpy(q.addr, r->to_addr, sizeof(q.addr));
	if (s->proto == IPPROTO_UDP ? holds__connected(s) : s->state != TCP_LISTEN)
		return false;
	return holds__match(&q, s);
}
