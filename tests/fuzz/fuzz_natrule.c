// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer: rules as anyone with CAP_NET_ADMIN could write them, decoded.
 * Each 40-byte chunk is one expression: kind, registers, operands, 16 bytes
 * of data; the last chunk's bytes and whatever follows are its info blob
 * (a copy of exactly that size, so a read past it is caught).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "sockets/natrule.h"

#define CHUNK 40
#define MAX_X 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t reg_of(uint8_t b)
{
	return b == 0xff ? NATX_ALL_REGS : b % 26;	/* verdict, 1..4, 8..23, nonsense */
}

static void one(struct natx *x, const uint8_t *c, const uint8_t *info, size_t info_len)
{
	static const char *const names[] = { "DNAT", "tcp", "udp", "multiport", "counter",
					     "SNAT", "" };

	memset(x, 0, sizeof(*x));
	x->kind = (enum natx_kind)(c[0] % (NATX_LOOKUP + 1));
	strcpy(x->name, names[c[1] % (sizeof(names) / sizeof(names[0]))]);
	x->key = c[2];
	x->base = c[3] % 4;
	x->offset = c[4] % 8;
	x->len = c[5] % 20;
	x->op = c[6] % 8;
	x->type = c[7] % 3;
	x->family = c[8] % 12;
	x->rev = c[9] % 4;
	x->sreg = reg_of(c[10]);
	x->dreg = reg_of(c[11]);
	x->reg_addr_min = reg_of(c[12]);
	x->reg_addr_max = reg_of(c[13]);
	x->reg_proto_min = reg_of(c[14]);
	x->reg_proto_max = reg_of(c[15]);
	x->data_len = c[16] % 17;
	x->data2_len = c[17] % 17;
	memcpy(x->data, c + 18, 16);
	memcpy(x->data2, c + 22, 16);
	if (c[0] & 0x80) {
		x->info = info;
		x->info_len = info_len;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct natrule_where where[3] = {
		{ "ip", "nat", "PREROUTING", 1 }, { "ip6", "t", "c", 2 }, { "inet", "", "", 3 },
	};
	struct natx x[MAX_X];
	struct natrule r;
	size_t n = size / CHUNK, rest = size - (n ? (n - 1) * CHUNK : 0);
	uint8_t *info = malloc(rest ? rest : 1);

	if (!info)
		return 0;
	if (n > MAX_X)
		n = MAX_X;
	memcpy(info, data + size - rest, rest);
	for (size_t i = 0; i < n; i++)
		one(&x[i], data + i * CHUNK, info, rest);
	if (natrule__parse(&where[size % 3], x, n, &r) == 1) {
		/* What who does with a rule: ask it about a port, take its target. */
		(void)natrule__matches(&r, (uint8_t)(size & 0xff), (uint16_t)size);
		(void)natrule__to_port(&r, (uint16_t)size);
		if (r.note && r.to_family)
			abort();	/* a rule with a note must lead nowhere */
	}
	free(info);
	return 0;
}
