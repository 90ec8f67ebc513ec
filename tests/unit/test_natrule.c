// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * DNAT rules as the kernel hands them to libnftnl: the expressions nft 1.0.6
 * and iptables-nft 1.8.9 write (`nft --debug=netlink list ruleset` shows
 * them), and the odd ones that must end in a note, not in an answer.
 */
#include "unit.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include "sockets/natrule.h"

#define REG1 1		/* NFT_REG_1 */
#define REG2 2
#define REG32_00 8	/* NFT_REG32_00 */
#define REG32_01 9

static const struct natrule_where ip_pst = { "ip", "pst", "pre", 7 };
static const struct natrule_where ip_nat = { "ip", "nat", "CNI-DN-1", 9 };

static struct natx meta_l4proto(uint32_t reg)
{
	return (struct natx){ .kind = NATX_META, .key = 16, .dreg = reg };
}

static struct natx cmp_eq(uint32_t reg, const void *d, uint32_t len)
{
	struct natx x = { .kind = NATX_CMP, .sreg = reg, .op = 0, .data_len = len };

	memcpy(x.data, d, len);
	return x;
}

static struct natx cmp_op(uint32_t reg, uint32_t op, uint16_t port)
{
	uint16_t be = htons(port);
	struct natx x = cmp_eq(reg, &be, 2);

	x.op = op;
	return x;
}

static struct natx dport_load(uint32_t reg)
{
	return (struct natx){ .kind = NATX_PAYLOAD, .base = 2, .offset = 2, .len = 2,
			      .dreg = reg };
}

static struct natx imm(uint32_t reg, const void *d, uint32_t len)
{
	struct natx x = { .kind = NATX_IMMEDIATE, .dreg = reg, .data_len = len };

	memcpy(x.data, d, len);
	return x;
}

static struct natx dnat(uint32_t fam, uint32_t addr, uint32_t port)
{
	return (struct natx){ .kind = NATX_NAT, .type = 1, .family = fam,
			      .reg_addr_min = addr, .reg_addr_max = addr,
			      .reg_proto_min = port, .reg_proto_max = port };
}

#define REG32_15 23	/* NFT_REG32_15, the last */

static const uint8_t TCP[1] = { IPPROTO_TCP };

/* tcp dport DPORT dnat to ADDR:TO as nft writes it: 7 expressions in x. */
static void dnat_rule(struct natx x[7], uint16_t dport, const void *addr, uint32_t alen,
		      uint16_t to, uint32_t fam)
{
	uint16_t d = htons(dport), t = htons(to);

	x[0] = meta_l4proto(REG1);
	x[1] = cmp_eq(REG1, TCP, 1);
	x[2] = dport_load(REG1);
	x[3] = cmp_eq(REG1, &d, 2);
	x[4] = imm(REG1, addr, alen);
	x[5] = imm(REG2, &t, 2);
	x[6] = dnat(fam, REG1, REG2);
}

static uint16_t be(uint16_t p)
{
	return htons(p);
}

static void assert_to(const struct natrule *r, int family, const char *addr)
{
	uint8_t a[16] = { 0 };

	assert_int_equal(inet_pton(family, addr, a), 1);
	assert_int_equal(r->to_family, family);
	assert_memory_equal(r->to_addr, a, family == AF_INET ? 4 : 16);
}

/* nft add rule ip pst pre tcp dport 18090 dnat to 198.18.0.2:8080 */
static void test_nft_native(void **state)
{
	uint8_t addr[4] = { 198, 18, 0, 2 };
	struct natx x[7];
	struct natrule r;

	dnat_rule(x, 18090, addr, 4, 8080, 2);
	assert_int_equal(natrule__parse(&ip_pst, x, 7, &r), 1);
	assert_null(r.note);
	assert_string_equal(r.how, "nft");
	assert_string_equal(r.table, "pst");
	assert_string_equal(r.chain, "pre");
	assert_int_equal(r.handle, 7);
	assert_int_equal(r.proto, IPPROTO_TCP);
	assert_int_equal(r.port_lo, 18090);
	assert_int_equal(r.port_hi, 18090);
	assert_to(&r, AF_INET, "198.18.0.2");
	assert_int_equal(r.to_port, 8080);
	assert_true(natrule__matches(&r, IPPROTO_TCP, 18090));
	assert_true(natrule__matches(&r, 0, 18090));
	assert_false(natrule__matches(&r, IPPROTO_UDP, 18090));
	assert_false(natrule__matches(&r, IPPROTO_TCP, 18091));
	assert_int_equal(natrule__to_port(&r, 18090), 8080);
}

/* The same through 32-bit registers, and without a port: the packet's own. */
static void test_reg32_no_port(void **state)
{
	uint16_t dport = be(53);
	uint8_t udp = IPPROTO_UDP, addr[4] = { 198, 18, 0, 9 };
	struct natx x[] = { meta_l4proto(REG32_00), cmp_eq(REG32_00, &udp, 1),
			    dport_load(REG32_01), cmp_eq(REG32_01, &dport, 2),
			    imm(REG32_00, addr, 4), dnat(2, REG32_00, 0) };
	struct natrule r;

	assert_int_equal(natrule__parse(&ip_pst, x, 6, &r), 1);
	assert_null(r.note);
	assert_int_equal(r.proto, IPPROTO_UDP);
	assert_to(&r, AF_INET, "198.18.0.9");
	assert_int_equal(r.to_port, 0);
	assert_int_equal(natrule__to_port(&r, 53), 53);
}

/* iptables-nft -t nat -A CNI-DN-1 -p tcp --dport 18080 -j DNAT
 * --to-destination 198.18.0.2:80: native match, xtables DNAT revision 2
 * (struct nf_nat_range2: flags, min_addr, max_addr, min/max/base proto). */
static void test_iptables_nft_rev2(void **state)
{
	uint16_t dport = be(18080), to = be(80);
	uint8_t info[44] = { 0 };
	uint32_t flags = 3;	/* MAP_IPS | PROTO_SPECIFIED */
	struct natx x[4] = { meta_l4proto(REG1), cmp_eq(REG1, TCP, 1), dport_load(REG1),
			     cmp_eq(REG1, &dport, 2) };
	struct natx all[6];
	struct natrule r;

	memcpy(info, &flags, 4);
	inet_pton(AF_INET, "198.18.0.2", info + 4);
	inet_pton(AF_INET, "198.18.0.2", info + 20);
	memcpy(info + 36, &to, 2);
	memcpy(info + 38, &to, 2);
	memcpy(all, x, sizeof(x));
	all[4] = (struct natx){ .kind = NATX_OTHER, .name = "counter" };
	all[5] = (struct natx){ .kind = NATX_TARGET, .name = "DNAT", .rev = 2,
				.info = info, .info_len = sizeof(info) };
	assert_int_equal(natrule__parse(&ip_nat, all, 6, &r), 1);
	assert_null(r.note);
	assert_string_equal(r.how, "xt");
	assert_string_equal(r.chain, "CNI-DN-1");
	assert_int_equal(r.port_lo, 18080);
	assert_to(&r, AF_INET, "198.18.0.2");
	assert_int_equal(r.to_port, 80);

	/* Cut short: a note, no address read past the end. */
	all[5].info_len = 39;
	assert_int_equal(natrule__parse(&ip_nat, all, 6, &r), 1);
	assert_non_null(r.note);
	assert_int_equal(r.to_family, 0);
	all[5].info = NULL;
	all[5].info_len = 0;
	assert_int_equal(natrule__parse(&ip_nat, all, 6, &r), 1);
	assert_non_null(r.note);
	/* A revision nobody has written yet. */
	all[5].info = info;
	all[5].info_len = sizeof(info);
	all[5].rev = 3;
	assert_int_equal(natrule__parse(&ip_nat, all, 6, &r), 1);
	unit__contains(r.note, "revision");
}

/* Older iptables: -m tcp as an xtables match (xt_tcp, ports in host order)
 * and DNAT revision 0 (nf_nat_ipv4_multi_range_compat). */
static void test_xt_match_rev0(void **state)
{
	uint8_t tcpinfo[12] = { 0 }, info[20] = { 0 };
	uint16_t lo = 18080, hi = 18089, to = be(8080);
	uint32_t one = 1, flags = 3;
	struct natx x[2] = {
		{ .kind = NATX_MATCH, .name = "tcp", .info = tcpinfo, .info_len = 12 },
		{ .kind = NATX_TARGET, .name = "DNAT", .rev = 0, .info = info, .info_len = 20 },
	};
	struct natrule r;

	memcpy(tcpinfo + 4, &lo, 2);
	memcpy(tcpinfo + 6, &hi, 2);
	memcpy(info, &one, 4);
	memcpy(info + 4, &flags, 4);
	inet_pton(AF_INET, "198.18.0.3", info + 8);
	inet_pton(AF_INET, "198.18.0.3", info + 12);
	memcpy(info + 16, &to, 2);
	memcpy(info + 18, &to, 2);
	assert_int_equal(natrule__parse(&ip_nat, x, 2, &r), 1);
	assert_null(r.note);
	assert_int_equal(r.proto, IPPROTO_TCP);
	assert_true(natrule__matches(&r, IPPROTO_TCP, 18085));
	assert_false(natrule__matches(&r, IPPROTO_TCP, 18090));
	assert_to(&r, AF_INET, "198.18.0.3");
	assert_int_equal(r.to_port, 8080);

	tcpinfo[11] = 0x02;	/* ! --dport */
	assert_int_equal(natrule__parse(&ip_nat, x, 2, &r), 1);
	assert_non_null(r.note);
	info[12] = 199;		/* an address range */
	tcpinfo[11] = 0;
	assert_int_equal(natrule__parse(&ip_nat, x, 2, &r), 1);
	unit__contains(r.note, "address range");
	assert_int_equal(r.to_family, 0);
}

/* ip6: a 16-byte address; an inet table's dnat says its family itself. */
static void test_ip6(void **state)
{
	static const struct natrule_where inet = { "inet", "t", "c", 1 };
	const uint8_t addr[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 5 };	/* 2001:db8::5 */
	struct natx x[7];
	struct natrule r;

	dnat_rule(x, 443, addr, 16, 8443, 10);
	assert_int_equal(natrule__parse(&inet, x, 7, &r), 1);
	assert_null(r.note);
	assert_to(&r, AF_INET6, "2001:db8::5");
	assert_int_equal(r.to_port, 8443);
}

/* dnat to tcp dport map { ... }: the address comes from a lookup. */
static void test_map_is_a_note(void **state)
{
	uint16_t dport = be(80);
	struct natx x[] = { meta_l4proto(REG1), cmp_eq(REG1, TCP, 1), dport_load(REG1),
			    cmp_eq(REG1, &dport, 2), dport_load(REG1),
			    { .kind = NATX_LOOKUP, .sreg = REG1, .dreg = REG1 },
			    dnat(2, REG1, 0) };
	struct natrule r;

	assert_int_equal(natrule__parse(&ip_pst, x, 7, &r), 1);
	unit__contains(r.note, "map");
	assert_int_equal(r.to_family, 0);
}

/* tcp dport { 18092, 18093 }: ports in a set; every port may be it. */
static void test_set_ports_is_a_note(void **state)
{
	uint8_t addr[4] = { 198, 18, 0, 2 };
	struct natx x[] = { meta_l4proto(REG1), cmp_eq(REG1, TCP, 1), dport_load(REG1),
			    { .kind = NATX_LOOKUP, .sreg = REG1 }, imm(REG1, addr, 4),
			    dnat(2, REG1, 0) };
	struct natrule r;

	assert_int_equal(natrule__parse(&ip_pst, x, 6, &r), 1);
	unit__contains(r.note, "set");
	assert_int_equal(r.to_family, 0);
	assert_true(natrule__matches(&r, IPPROTO_TCP, 18092));
}

/* An expression that may write any register: what was loaded is not trusted. */
static void test_unknown_expression_clobbers(void **state)
{
	uint16_t dport = be(80);
	uint8_t addr[4] = { 198, 18, 0, 2 };
	struct natx x[] = { dport_load(REG1),
			    { .kind = NATX_OTHER, .name = "xfrm", .dreg = NATX_ALL_REGS },
			    cmp_eq(REG1, &dport, 2), imm(REG2, addr, 4), dnat(2, REG2, 0) };
	struct natrule r;

	assert_int_equal(natrule__parse(&ip_pst, x, 5, &r), 1);
	assert_int_equal(r.port_lo, 0);	/* not port 80: the register was rewritten */
	assert_to(&r, AF_INET, "198.18.0.2");
}

/* Port ranges: cmp >= and <=, and the range expression. */
static void test_port_ranges(void **state)
{
	uint16_t lo = be(8000), hi = be(8100);
	uint8_t addr[4] = { 198, 18, 0, 2 };
	struct natx x[] = { dport_load(REG1), cmp_op(REG1, 5, 8000), cmp_op(REG1, 3, 8100),
			    imm(REG1, addr, 4), dnat(2, REG1, 0) };
	struct natx y[] = { dport_load(REG1),
			    { .kind = NATX_RANGE, .sreg = REG1, .data_len = 2, .data2_len = 2 },
			    imm(REG1, addr, 4), dnat(2, REG1, 0) };
	struct natrule r;

	assert_int_equal(natrule__parse(&ip_pst, x, 5, &r), 1);
	assert_true(natrule__matches(&r, IPPROTO_TCP, 8050));
	assert_false(natrule__matches(&r, IPPROTO_TCP, 8101));
	assert_false(natrule__matches(&r, IPPROTO_TCP, 7999));
	memcpy(y[1].data, &lo, 2);
	memcpy(y[1].data2, &hi, 2);
	assert_int_equal(natrule__parse(&ip_pst, y, 4, &r), 1);
	assert_int_equal(r.port_lo, 8000);
	assert_int_equal(r.port_hi, 8100);
	y[1].op = 1;	/* outside the range */
	assert_int_equal(natrule__parse(&ip_pst, y, 4, &r), 1);
	assert_non_null(r.note);
}

/* snat, masquerade, a jump: not a DNAT, nothing to say. */
static void test_not_dnat(void **state)
{
	uint8_t addr[4] = { 198, 18, 0, 1 };
	struct natx x[] = { imm(REG1, addr, 4), dnat(2, REG1, 0),
			    { .kind = NATX_IMMEDIATE, .dreg = 0 } };
	struct natrule r;

	x[1].type = 0;	/* NFT_NAT_SNAT */
	assert_int_equal(natrule__parse(&ip_pst, x, 3, &r), 0);
	assert_int_equal(natrule__parse(&ip_pst, x, 0, &r), 0);
	x[1] = (struct natx){ .kind = NATX_TARGET, .name = "MASQUERADE" };
	assert_int_equal(natrule__parse(&ip_pst, x, 2, &r), 0);
}

/* An ip6 dnat whose 16-byte address would start in the last 32-bit
 * register: a note, and nothing read past the registers. */
static void test_addr_past_last_register(void **state)
{
	static const struct natrule_where ip6 = { "ip6", "nat", "pre", 3 };
	uint16_t dport = be(8443);
	uint8_t addr[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	struct natx x[] = { dport_load(REG32_00), cmp_eq(REG32_00, &dport, 2),
			    imm(REG32_15, addr, 16), dnat(10, REG32_15, 0) };
	struct natrule r;

	assert_int_equal(natrule__parse(&ip6, x, 4, &r), 1);
	assert_string_equal(r.note, "its dnat names an address past the last register");
	assert_int_equal(r.to_family, 0);
	assert_int_equal(r.port_lo, 8443);
}

UNIT_MAIN("natrule", NULL, NULL,
	  cmocka_unit_test(test_nft_native),
	  cmocka_unit_test(test_reg32_no_port),
	  cmocka_unit_test(test_iptables_nft_rev2),
	  cmocka_unit_test(test_xt_match_rev0),
	  cmocka_unit_test(test_ip6),
	  cmocka_unit_test(test_map_is_a_note),
	  cmocka_unit_test(test_set_ports_is_a_note),
	  cmocka_unit_test(test_unknown_expression_clobbers),
	  cmocka_unit_test(test_port_ranges),
	  cmocka_unit_test(test_not_dnat),
	  cmocka_unit_test(test_addr_past_last_register))
