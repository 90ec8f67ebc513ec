// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Issue 24: a process name cannot add, remove or rename an entry of a list
 * a reader parses (holders, owners and their fds, a command line's
 * arguments) in the table, ls, who, syslog or journald. Each output is read
 * back here as a reader would (split on the list's syntax, then undo the
 * \xNN escapes) and must give back exactly the processes and names given.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "unit.h"
#include "output/format.h"
#include "proc/pcache.h"
#include "enrich/listing.h"

/* Names a process can give itself (comm: 15 bytes at most). */
static const char *const hostile[] = {
	"x[1]/3,sshd",		/* the forgery */
	"a],b[2]/9+8",
	"q\"'`\\x41\\",
	"nl\nz[9]/1",
	"\xff\xfe,\x1b[2J\xc0",	/* invalid UTF-8, an escape sequence */
	"sp ace (gone)",
	"\\x5b7\\x5d",		/* an escape written out by hand */
	"\xe2\x80\xae]x,",	/* RIGHT-TO-LEFT OVERRIDE */
};

#define VICTIM_PID 26520u
#define HOSTILE_PID 666u

struct entry {
	char name[64];
	unsigned int pid;
	unsigned int nfds;
};

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A reader's decoding of one escaped value: "\\" is '\', "\xNN" a byte. */
static void unescape(const char *s, size_t n, char *out, size_t outsz)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < outsz; i++) {
		if (s[i] == '\\' && i + 1 < n && s[i + 1] == '\\') {
			out[o++] = '\\';
			i++;
		} else if (s[i] == '\\' && i + 3 < n + 0 && s[i + 1] == 'x' &&
			   hexval(s[i + 2]) >= 0 && hexval(s[i + 3]) >= 0) {
			out[o++] = (char)(hexval(s[i + 2]) * 16 + hexval(s[i + 3]));
			i += 3;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
}

/*
 * "name[pid]/fd+fd,name[pid]..." read as its syntax says, up to the first
 * space, newline or quote (what follows a list in every output). Returns
 * the entries; fails the test on text that does not parse.
 */
static size_t parse_list(const char *s, struct entry *e, size_t max)
{
	size_t end = strcspn(s, " \n\""), k = 0;

	while (k < max) {
		const char *open = memchr(s, '[', end), *close;
		char *num_end;

		if (!open)
			fail_msg("no '[' in holder list '%.*s'", (int)end, s);
		unescape(s, (size_t)(open - s), e[k].name, sizeof(e[k].name));
		e[k].pid = (unsigned int)strtoul(open + 1, &num_end, 10);
		close = num_end;
		if (*close != ']')
			fail_msg("pid not closed in '%.*s'", (int)end, s);
		e[k].nfds = 0;
		for (close++; *close == '/' || *close == '+'; e[k].nfds++)
			strtoul(close + 1, (char **)&close, 10);
		k++;
		if ((size_t)(close - s) >= end)
			break;
		if (*close != ',')
			fail_msg("junk after an entry: '%s'", close);
		end -= (size_t)(close + 1 - s);
		s = close + 1;
	}
	return k;
}

/* The list that follows `after` in s: exactly the hostile process and
 * sshd, in that order, with their fds when fds. */
static void expect_two(const char *s, const char *after, const char *name, bool fds)
{
	const char *at = strstr(s, after);
	struct entry e[8];
	size_t n;

	if (!at)
		fail_msg("'%s' not in '%s'", after, s);
	n = parse_list(at + strlen(after), e, 8);
	assert_int_equal(n, 2);
	assert_string_equal(e[0].name, name);
	assert_int_equal(e[0].pid, HOSTILE_PID);
	assert_string_equal(e[1].name, "sshd");
	assert_int_equal(e[1].pid, VICTIM_PID);
	assert_int_equal(e[0].nfds, fds ? 2 : 0);
	assert_int_equal(e[1].nfds, fds ? 1 : 0);
}

/* RFC 5424 PARAM-VALUE: a backslash before '"', '\' and ']' is taken off. */
static char *sd_unescape(const char *s)
{
	char *out = strdup(s), *o = out;

	for (; *s; s++) {
		if (*s == '\\' && (s[1] == '"' || s[1] == '\\' || s[1] == ']'))
			s++;
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

static void holders_of(struct ps_owner o[3], const char *name)
{
	memset(o, 0, 3 * sizeof(*o));
	o[0] = (struct ps_owner){ .inode = 7, .pid = HOSTILE_PID, .fd = 3 };
	o[1] = (struct ps_owner){ .inode = 7, .pid = HOSTILE_PID, .fd = 5 };
	o[2] = (struct ps_owner){ .inode = 7, .pid = VICTIM_PID, .fd = 4, .comm = "sshd" };
	strncpy(o[0].comm, name, sizeof(o[0].comm) - 1);
	strncpy(o[1].comm, name, sizeof(o[1].comm) - 1);
}

static struct ps_event failed_bind(const char *name)
{
	struct ps_event e = {
		.ts_ns = 1795236626123456789ULL, .pid = 4242, .tid = 4242, .ppid = 1,
		.netns = 4026531840u, .kind = PS_EV_BIND, .family = AF_INET,
		.proto = IPPROTO_TCP, .sock_type = SOCK_STREAM, .lport = 22,
		.err = EADDRINUSE, .flags = PS_F_REQUESTED,
	};

	strncpy(e.comm, name, sizeof(e.comm) - 1);
	return e;
}

static const char *render(struct sbuf *b, enum format_mode mode, unsigned int width,
			  const struct format_input *in)
{
	struct format_ctx ctx = { .mode = mode, .width = width };

	sbuf__reset(b);
	format__event(b, &ctx, in);
	return sbuf__str(b);
}

/* check(b, name, o) once for each hostile name, o three holders named so
 * (holders_of); b is the checks' buffer. */
static void each_hostile(void (*check)(struct sbuf *b, const char *name, struct ps_owner *o))
{
	struct sbuf b = { 0 };

	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		struct ps_owner o[3];

		holders_of(o, hostile[i]);
		check(&b, hostile[i], o);
	}
	sbuf__free(&b);
}

/* EADDRINUSE held by ...: the table (80 and 200 columns), syslog (its
 * message and its holders parameter), journald. */
static void held_by(struct sbuf *b, const char *name, struct ps_owner *o)
{
	struct ps_event e = failed_bind(name);
	struct format_input in = { .ev = &e, .holders = o, .nholders = 3 };
	char *sd;

	expect_two(render(b, FORMAT_TABLE, 0, &in), "EADDRINUSE held by ", name, false);
	expect_two(render(b, FORMAT_TABLE, 200, &in), "EADDRINUSE held by ", name, false);
	in.holders_gone = true;
	expect_two(render(b, FORMAT_TABLE, 0, &in), "EADDRINUSE held by ", name, false);
	unit__contains(sbuf__str(b), "] (gone since)\n");
	in.holders_gone = false;
	render(b, FORMAT_SYSLOG, 0, &in);
	assert_ptr_equal(strchr(b->p, '\n'), b->p + b->len - 1);
	sd = sd_unescape(sbuf__str(b));
	expect_two(sd, "portsnoop.holders=\"", name, false);
	free(sd);
	expect_two(sbuf__str(b), "EADDRINUSE held by ", name, false);
	render(b, FORMAT_JOURNAL, 0, &in);
	expect_two(sbuf__str(b), "\nPORTSNOOP_HOLDERS=", name, false);
	expect_two(sbuf__str(b), "EADDRINUSE held by ", name, false);
	/* JSON: two holders, whatever the name. */
	render(b, FORMAT_JSON, 0, &in);
	unit__contains(sbuf__str(b), "},{\"pid\":26520,\"name\":\"sshd\"}]");
	unit__contains(sbuf__str(b), "\"holders\":[{\"pid\":666,\"name\":\"");
}

static void test_held_by_cannot_be_forged(void **state)
{
	each_hostile(held_by);
}

static struct diag_sock listener(void)
{
	struct diag_sock d = {
		.family = AF_INET, .proto = IPPROTO_TCP, .state = TCP_LISTEN,
		.lport = 22, .inode = 7, .cookie = 5, .netns = 4026531840u,
	};

	return d;
}

/* ls's PROCESSES (with fds), its state records in the table and in
 * syslog and journald. */
static void ls_owners(struct sbuf *b, const char *name, struct ps_owner *o)
{
	struct diag_sock d = listener();
	struct format_ctx ctx = { .mode = FORMAT_TABLE };
	const char *last;
	char *sd;

	sbuf__reset(b);
	listing__socket(b, &ctx, &d, o, 3);
	assert_ptr_equal(strchr(b->p, '\n'), b->p + b->len - 1);
	last = strrchr(sbuf__str(b), ' ');
	expect_two(last, " ", name, true);
	sbuf__reset(b);
	listing__state(b, &ctx, &d, o, 3);
	expect_two(sbuf__str(b), "listening, held by ", name, false);
	ctx.mode = FORMAT_SYSLOG;
	sbuf__reset(b);
	listing__state(b, &ctx, &d, o, 3);
	sd = sd_unescape(sbuf__str(b));
	expect_two(sd, "portsnoop.owners=\"", name, false);
	free(sd);
	ctx.mode = FORMAT_JOURNAL;
	sbuf__reset(b);
	listing__state(b, &ctx, &d, o, 3);
	expect_two(sbuf__str(b), "\nPORTSNOOP_OWNERS=", name, false);
}

static void test_ls_owners_cannot_be_forged(void **state)
{
	each_hostile(ls_owners);
}

/* who: "  NAME[PID] fd ..., parent NAME[PPID]". */
static void who_names(struct sbuf *b, const char *name, struct ps_owner *o)
{
	struct diag_sock d = listener();
	struct format_ctx ctx = { .mode = FORMAT_TABLE };
	struct ps_event ev;
	struct format_input in = {
		.ev = &ev, .rec = FORMAT_REC_HELD, .sock = &d, .holders = o, .nholders = 2,
	};
	struct entry e[4];
	const char *p;

	listing__event(&ev, &d, o, 2, 0);
	ev.ppid = VICTIM_PID;
	strncpy(ev.pcomm, name, sizeof(ev.pcomm) - 1);
	sbuf__reset(b);
	format__record(b, &ctx, FORMAT_TABLE_WHO, &in);
	assert_int_equal(parse_list(sbuf__str(b) + 2, e, 4), 1);
	assert_string_equal(e[0].name, name);
	assert_int_equal(e[0].pid, HOSTILE_PID);
	p = strstr(sbuf__str(b), ", parent ");
	assert_non_null(p);
	assert_int_equal(parse_list(p + 9, e, 4), 1);
	assert_string_equal(e[0].name, name);
	assert_int_equal(e[0].pid, VICTIM_PID);
	/* One line per process and one per labelled value: no more. */
	for (p = sbuf__str(b); (p = strchr(p, '\n')); p++)
		assert_true(p[1] == '\0' || !strncmp(p + 1, "    ", 4));
}

static void test_who_names_cannot_be_forged(void **state)
{
	each_hostile(who_names);
}

/* Shell-like reading of a command line: spaces split, '...' keeps its
 * spaces, then \xNN and \\ are undone. */
static size_t read_args(const char *s, size_t n, char out[][64], size_t max)
{
	size_t k = 0;

	for (size_t i = 0; i < n && k < max;) {
		size_t j = i;

		if (s[i] == '\'') {
			const char *q = memchr(s + i + 1, '\'', n - i - 1);

			assert_non_null(q);
			unescape(s + i + 1, (size_t)(q - (s + i + 1)), out[k++], 64);
			j = (size_t)(q - s) + 1;
		} else {
			while (j < n && s[j] != ' ')
				j++;
			unescape(s + i, j - i, out[k++], 64);
		}
		assert_true(j == n || s[j] == ' ');
		i = j + 1;
	}
	return k;
}

/* A command line with an argument holding a space, an empty one and
 * quotes reads back as its arguments in who and in syslog. */
static void test_args_read_back(void **state)
{
	static const char argv[] = "srv\0a b\0\0'\0x\\y\0--k=v,w\0\"q\" 'r'\0tail";
	static const char *const want[] = { "srv", "a b", "", "'", "x\\y", "--k=v,w",
					    "\"q\" 'r'", "tail" };
	struct diag_sock d = listener();
	struct ps_owner o[3];
	struct ps_event ev;
	struct proc_info pi = { .cmdline = (char *)argv, .cmdline_len = sizeof(argv) };
	struct format_input in = { .ev = &ev, .rec = FORMAT_REC_HELD, .sock = &d,
				   .holders = o, .nholders = 1, .proc = &pi };
	struct format_ctx ctx = { .mode = FORMAT_TABLE };
	struct sbuf b = { 0 };
	char got[16][64];
	const char *p, *end;
	char *sd;

	holders_of(o, "srv");
	listing__event(&ev, &d, o, 1, 0);
	format__record(&b, &ctx, FORMAT_TABLE_WHO, &in);
	p = strstr(sbuf__str(&b), "    command  ");
	assert_non_null(p);
	p += 13;
	end = strchr(p, '\n');
	assert_int_equal(read_args(p, (size_t)(end - p), got, 16), 8);
	for (size_t i = 0; i < 8; i++)
		assert_string_equal(got[i], want[i]);

	/* syslog, an event record: command_line and args parameters. */
	{
		struct ps_event e = failed_bind("srv");
		struct format_input ein = { .ev = &e, .argv = argv, .argv_len = sizeof(argv) };

		render(&b, FORMAT_SYSLOG, 0, &ein);
		for (const char *key = "process.command_line=\""; key;
		     key = strcmp(key, "process.args=\"") ? "process.args=\"" : NULL) {
			p = strstr(sbuf__str(&b), key);
			assert_non_null(p);
			p += strlen(key);
			/* The value ends at the first '"' the syslog escaping left bare. */
			for (end = p; *end && *end != '"'; end++)
				end += *end == '\\';
			sd = strndup(p, (size_t)(end - p));
			{
				char *v = sd_unescape(sd);

				assert_int_equal(read_args(v, strlen(v), got, 16), 8);
				for (size_t i = 0; i < 8; i++)
					assert_string_equal(got[i], want[i]);
				free(v);
			}
			free(sd);
		}
	}
	sbuf__free(&b);
}

UNIT_MAIN("hostile", NULL, NULL,
	  cmocka_unit_test(test_held_by_cannot_be_forged),
	  cmocka_unit_test(test_ls_owners_cannot_be_forged),
	  cmocka_unit_test(test_who_names_cannot_be_forged),
	  cmocka_unit_test(test_args_read_back))
