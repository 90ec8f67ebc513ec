// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * compat/libmnl.c, the static binary's stand-in for libmnl (docs/nat.md):
 * messages and attributes built and read back as the kernel lays them out,
 * and mnl_cb_run's answers to what a dump can end with (done, an ack, an
 * error, an interrupted dump, another request's reply). The same assertions
 * pass against Debian's libmnl 1.0.4 (this file with <libmnl/libmnl.h> for
 * the include below, linked with -lmnl): the stand-in answers as it does.
 */
#include "unit.h"

#include <errno.h>
#include <stdlib.h>

#include "../../compat/libmnl.c"

struct seen {
	uint32_t u32;
	uint64_t u64;
	char str[32];
	int nested;
	int calls;
};

static int on_inner(const struct nlattr *a, void *data)
{
	struct seen *s = data;

	if (mnl_attr_get_type(a) == 7 && !mnl_attr_validate(a, MNL_TYPE_U32))
		s->nested = (int)mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

static int on_attr(const struct nlattr *a, void *data)
{
	struct seen *s = data;

	switch (mnl_attr_get_type(a)) {
	case 1:
		assert_int_equal(mnl_attr_validate(a, MNL_TYPE_U32), 0);
		s->u32 = mnl_attr_get_u32(a);
		break;
	case 2:
		assert_int_equal(mnl_attr_validate(a, MNL_TYPE_NUL_STRING), 0);
		snprintf(s->str, sizeof(s->str), "%s", mnl_attr_get_str(a));
		break;
	case 3:
		assert_int_equal(mnl_attr_validate(a, MNL_TYPE_U64), 0);
		s->u64 = mnl_attr_get_u64(a);
		break;
	case 4:
		assert_true(a->nla_type & NLA_F_NESTED);
		mnl_attr_parse_nested(a, on_inner, s);
		break;
	}
	return MNL_CB_OK;
}

static struct nlmsghdr *message(void *buf, uint16_t type, uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	uint8_t *extra;
	struct nlattr *nest;

	nlh->nlmsg_type = type;
	nlh->nlmsg_seq = seq;
	extra = mnl_nlmsg_put_extra_header(nlh, 4);	/* nfgenmsg's size */
	extra[0] = 2;
	mnl_attr_put_u32(nlh, 1, 0xdeadbeef);
	mnl_attr_put_strz(nlh, 2, "PREROUTING");	/* 11 bytes: padded */
	mnl_attr_put_u64(nlh, 3, 0x0102030405060708ULL);
	nest = mnl_attr_nest_start(nlh, 4);
	mnl_attr_put_u32(nlh, 7, 42);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static void test_build_and_parse(void **state)
{
	uint64_t buf[128] = { 0 };
	struct nlmsghdr *nlh = message(buf, 16, 1);
	struct seen s = { 0 };

	/* 16 header + 4 extra + 8 u32 + 16 string + 12 u64 + 4 nest + 8 u32 */
	assert_int_equal(nlh->nlmsg_len, 16 + 4 + 8 + 16 + 12 + 4 + 8);
	assert_int_equal(mnl_attr_parse(nlh, 4, on_attr, &s), MNL_CB_OK);
	assert_int_equal(s.u32, 0xdeadbeef);
	assert_string_equal(s.str, "PREROUTING");
	assert_true(s.u64 == 0x0102030405060708ULL);
	assert_int_equal(s.nested, 42);
	assert_int_equal(((uint8_t *)mnl_nlmsg_get_payload(nlh))[0], 2);
}

static void test_validate_refuses_short(void **state)
{
	uint64_t buf[16] = { 0 };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlattr *a = mnl_nlmsg_get_payload_tail(nlh);

	mnl_attr_put_u8(nlh, 1, 5);
	errno = 0;
	assert_int_equal(mnl_attr_validate(a, MNL_TYPE_U32), -1);
	assert_int_equal(errno, ERANGE);
	assert_int_equal(mnl_attr_validate(a, MNL_TYPE_U8), 0);
	assert_int_equal(mnl_attr_type_valid(a, 0), -1);
	assert_int_equal(errno, EOPNOTSUPP);
	/* An attribute claiming more than the message has is not ok. */
	a->nla_len = 200;
	assert_false(mnl_attr_ok(a, 8));
}

static int count(const struct nlmsghdr *nlh, void *data)
{
	(*(int *)data)++;
	return MNL_CB_OK;
}

/* Appends a control message (DONE, ERROR with err) after buf[0..*len). */
static void control(uint8_t *buf, size_t *len, uint16_t type, int err, uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf + *len);
	struct nlmsgerr *e;

	nlh->nlmsg_type = type;
	nlh->nlmsg_seq = seq;
	if (type == NLMSG_ERROR) {
		e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
		e->error = err;
	} else {
		mnl_nlmsg_put_extra_header(nlh, 4);
	}
	*len += nlh->nlmsg_len;
}

static void test_cb_run(void **state)
{
	uint64_t words[256] = { 0 };
	uint8_t *buf = (uint8_t *)words;
	size_t len;
	int n = 0;

	len = message(buf, 16, 9)->nlmsg_len;
	len += message(buf + len, 16, 9)->nlmsg_len;
	control(buf, &len, NLMSG_DONE, 0, 9);
	assert_int_equal(mnl_cb_run(buf, len, 9, 0, count, &n), MNL_CB_STOP);
	assert_int_equal(n, 2);

	/* Not done yet: more to read. */
	n = 0;
	len = message(buf, 16, 9)->nlmsg_len;
	assert_int_equal(mnl_cb_run(buf, len, 9, 0, count, &n), MNL_CB_OK);
	assert_int_equal(n, 1);

	/* An ack, and a refusal. */
	len = 0;
	control(buf, &len, NLMSG_ERROR, 0, 9);
	assert_int_equal(mnl_cb_run(buf, len, 9, 0, count, &n), MNL_CB_STOP);
	len = 0;
	control(buf, &len, NLMSG_ERROR, -EPERM, 9);
	errno = 0;
	assert_int_equal(mnl_cb_run(buf, len, 9, 0, count, &n), MNL_CB_ERROR);
	assert_int_equal(errno, EPERM);

	/* The ruleset changed under the dump; another request's reply. */
	len = message(buf, 16, 9)->nlmsg_len;
	((struct nlmsghdr *)buf)->nlmsg_flags |= NLM_F_DUMP_INTR;
	assert_int_equal(mnl_cb_run(buf, len, 9, 0, count, &n), -1);
	assert_int_equal(errno, EINTR);
	len = message(buf, 16, 8)->nlmsg_len;
	assert_int_equal(mnl_cb_run(buf, len, 9, 0, count, &n), -1);
	assert_int_equal(errno, EPROTO);

	/* Cut short: the partial message is not handed on. */
	n = 0;
	len = message(buf, 16, 9)->nlmsg_len;
	assert_int_equal(mnl_cb_run(buf, len - 1, 9, 0, count, &n), MNL_CB_OK);
	assert_int_equal(n, 0);
}

static void test_batch(void **state)
{
	uint64_t words[32] = { 0 };
	struct mnl_nlmsg_batch *b = mnl_nlmsg_batch_start(words, 64);
	struct nlmsghdr *nlh;

	assert_non_null(b);
	assert_true(mnl_nlmsg_batch_is_empty(b));
	for (int i = 0; i < 3; i++) {
		nlh = mnl_nlmsg_put_header(mnl_nlmsg_batch_current(b));
		mnl_nlmsg_put_extra_header(nlh, 4);	/* 20 bytes */
		assert_true(mnl_nlmsg_batch_next(b));
	}
	assert_int_equal(mnl_nlmsg_batch_size(b), 60);
	nlh = mnl_nlmsg_put_header(mnl_nlmsg_batch_current(b));
	assert_false(mnl_nlmsg_batch_next(b));	/* 60 + 16 > 64 */
	assert_ptr_equal(mnl_nlmsg_batch_head(b), words);
	mnl_nlmsg_batch_stop(b);
}

UNIT_MAIN("libmnl", NULL, NULL,
	  cmocka_unit_test(test_build_and_parse),
	  cmocka_unit_test(test_validate_refuses_short),
	  cmocka_unit_test(test_cb_run),
	  cmocka_unit_test(test_batch))
