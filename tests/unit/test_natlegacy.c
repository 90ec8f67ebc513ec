// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * iptables-legacy's nat table as IPT_SO_GET_ENTRIES hands it out, built
 * here entry by entry as the kernel lays it out (iptables-legacy 1.8.9:
 * `-p tcp --dport P` is an xt_tcp match, DNAT a target of revision 2), and
 * blobs whose offsets lie.
 */
#include "unit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <net/if.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter/xt_tcpudp.h>

#include "sockets/natlegacy.h"

struct blob {
	uint8_t b[4096];
	size_t len;
};

static void ext(struct blob *bl, const char *name, uint8_t rev, const void *data,
		size_t len)
{
	struct xt_entry_match m = { 0 };
	size_t size = XT_ALIGN(sizeof(m) + len);

	m.u.user.match_size = (uint16_t)size;
	snprintf(m.u.user.name, sizeof(m.u.user.name), "%s", name);
	m.u.user.revision = rev;
	memcpy(bl->b + bl->len, &m, sizeof(m));
	memcpy(bl->b + bl->len + sizeof(m), data, len);
	bl->len += size;
}

/* One entry: protocol, an optional tcp match, a target. Its offset. */
static size_t entry(struct blob *bl, uint16_t proto, const struct xt_tcp *tcp,
		    const char *target, uint8_t rev, const void *tdata, size_t tlen)
{
	size_t at = bl->len;
	struct ipt_entry e = { 0 };

	e.ip.proto = proto;
	bl->len += sizeof(e);
	if (tcp)
		ext(bl, "tcp", 0, tcp, sizeof(*tcp));
	e.target_offset = (uint16_t)(bl->len - at);
	ext(bl, target, rev, tdata, tlen);
	e.next_offset = (uint16_t)(bl->len - at);
	memcpy(bl->b + at, &e, sizeof(e));
	return at;
}

/* nf_nat_range2 for addr:port. */
static void range2(uint8_t out[44], const char *addr, uint16_t port)
{
	uint32_t flags = 3;
	uint16_t be = htons(port);

	memset(out, 0, 44);
	memcpy(out, &flags, 4);
	inet_pton(AF_INET, addr, out + 4);
	inet_pton(AF_INET, addr, out + 20);
	memcpy(out + 36, &be, 2);
	memcpy(out + 38, &be, 2);
}

/* PREROUTING: a policy; a user chain PSNAT-LEG with a UDP rule without a
 * port and a TCP DNAT; the table's closing ERROR entry. */
static size_t table(struct blob *bl, unsigned int hook[NATLEGACY_HOOKS])
{
	struct xt_tcp tcp = { .spts = { 0, 65535 }, .dpts = { 18786, 18786 } };
	int verdict = -NF_ACCEPT - 1;
	uint8_t r[44], chain[XT_FUNCTION_MAXNAMELEN] = "PSNAT-LEG";
	uint8_t udp_to[44];

	memset(bl, 0, sizeof(*bl));
	memset(hook, 0, NATLEGACY_HOOKS * sizeof(*hook));
	hook[NF_INET_PRE_ROUTING] = (unsigned int)entry(bl, 0, NULL, "", 0, &verdict,
							sizeof(verdict));
	entry(bl, 0, NULL, "ERROR", 0, chain, sizeof(chain));
	range2(udp_to, "198.19.0.2", 0);
	udp_to[0] = 1;		/* MAP_IPS alone: the packet's own port */
	entry(bl, IPPROTO_UDP, NULL, "DNAT", 2, udp_to, sizeof(udp_to));
	range2(r, "198.19.0.2", 41719);
	entry(bl, IPPROTO_TCP, &tcp, "DNAT", 2, r, sizeof(r));
	memcpy(chain, "ERROR", 6);
	entry(bl, 0, NULL, "ERROR", 0, chain, sizeof(chain));
	return bl->len;
}

static void test_chain_and_numbers(void **state)
{
	struct blob bl;
	unsigned int hook[NATLEGACY_HOOKS];
	struct nat_rules rules = { 0 };
	size_t size = table(&bl, hook);
	uint8_t want[4];

	inet_pton(AF_INET, "198.19.0.2", want);
	/* FORWARD's entry is 0 too, but the nat table has no FORWARD. */
	assert_int_equal(natlegacy__parse(bl.b, size, 1u << NF_INET_PRE_ROUTING, hook, &rules), 0);
	assert_int_equal(rules.n, 2);
	assert_string_equal(rules.v[0].chain, "PSNAT-LEG");
	assert_int_equal(rules.v[0].handle, 1);
	assert_int_equal(rules.v[0].proto, IPPROTO_UDP);
	assert_int_equal(rules.v[0].to_port, 0);
	assert_string_equal(rules.v[1].table, "nat");
	assert_string_equal(rules.v[1].chain, "PSNAT-LEG");
	assert_string_equal(rules.v[1].how, "legacy");
	assert_int_equal(rules.v[1].handle, 2);
	assert_int_equal(rules.v[1].proto, IPPROTO_TCP);
	assert_int_equal(rules.v[1].port_lo, 18786);
	assert_int_equal(rules.v[1].to_port, 41719);
	assert_int_equal(rules.v[1].to_family, AF_INET);
	assert_memory_equal(rules.v[1].to_addr, want, 4);
	assert_null(rules.v[1].note);
	free(rules.v);
}

/* Offsets that point past the blob or before the entry's end: -EINVAL,
 * what came before kept, nothing read out of bounds (ASan in make sanitize). */
static void test_lying_offsets(void **state)
{
	struct blob bl;
	unsigned int hook[NATLEGACY_HOOKS];
	struct nat_rules rules = { 0 };
	size_t size = table(&bl, hook);
	struct ipt_entry e;
	size_t last;

	assert_int_equal(natlegacy__parse(bl.b, size - 10, 1, hook, &rules), -EINVAL);
	assert_int_equal(rules.n, 2);	/* the two rules came before the cut */
	rules.n = 0;
	memcpy(&e, bl.b, sizeof(e));
	e.next_offset = 8;
	memcpy(bl.b, &e, sizeof(e));
	assert_int_equal(natlegacy__parse(bl.b, size, 1, hook, &rules), -EINVAL);
	e.next_offset = 0xffff;
	memcpy(bl.b, &e, sizeof(e));
	assert_int_equal(natlegacy__parse(bl.b, size, 1, hook, &rules), -EINVAL);
	/* A match whose size runs into the target. */
	size = table(&bl, hook);
	last = size;
	for (size_t off = 0; off < size; off += e.next_offset) {
		memcpy(&e, bl.b + off, sizeof(e));
		if (e.target_offset > sizeof(e) && e.ip.proto == IPPROTO_TCP)
			last = off;
	}
	bl.b[last + sizeof(e)] = 0xff;	/* match_size's low byte */
	bl.b[last + sizeof(e) + 1] = 0x0f;
	assert_int_equal(natlegacy__parse(bl.b, size, 1, hook, &rules), -EINVAL);
	assert_int_equal(rules.n, 1);	/* the UDP rule before it */
	free(rules.v);
}

UNIT_MAIN("natlegacy", NULL, NULL,
	  cmocka_unit_test(test_chain_and_numbers),
	  cmocka_unit_test(test_lying_offsets))
