// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "cli/cli.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "metrics/server.h"
#include "output/users.h"

const char *cli__passwd = "/etc/passwd";
const char *cli__proc = "/proc";

#define PID_MAX_LIMIT 4194304	/* the kernel's ceiling for pid_max (64-bit) */

static const char usage_text[] =
	"Usage: portsnoop [OPTION]...           trace bind, listen, connect, close\n"
	"       portsnoop ls [OPTION]...        list listening and bound sockets, with owners\n"
	"       portsnoop who PORT[/tcp|/udp]   every process holding PORT (or ADDR:PORT)\n"
	"       portsnoop check FILE            listeners now against a baseline (exit 1: differ)\n"
	"       portsnoop who PORT --at T [FILE...]   who held it at T, from the log\n"
	"       portsnoop history [PORT] [FILE...]    its binds, listens, failures, closes\n"
	"                                       (history --help; docs/history.md)\n"
	"\n"
	"Tracing starts with the sockets that already exist (state records);\n"
	"then one line per event until SIGINT or SIGTERM.\n"
	"\n"
	"  -j, --json          JSON Lines, one object per event\n"
	"  -o, --output FILE   append to FILE instead of stdout; reopen it on SIGHUP\n"
	"      --syslog[=PATH] RFC 5424 to the syslog socket (default /dev/log)\n"
	"      --journald[=PATH]  native fields to the journal\n"
	"                      (default /run/systemd/journal/socket)\n"
	"  -p, --pid PID       only events of process PID (it must exist)\n"
	"  -C, --children      with --pid: its descendants too\n"
	"  -P, --port PORTS    only this local or remote port: 80,443,8000-8100\n"
	"      --uid USER      only processes of this user (a name or a uid)\n"
	"      --comm NAME     only processes with this name\n"
	"      --cgroup PATH   only processes in this cgroup (v2 path) or below it\n"
	"      --netns INODE   only sockets of this network namespace\n"
	"      --proto LIST    only tcp, udp, mptcp (comma-separated)\n"
	"  -4, -6              only IPv4 / only IPv6\n"
	"  -e, --events LIST   only bind, listen, connect, outcome, close\n"
	"      --failed        only calls that failed\n"
	"  -t, --tcp           ls: only TCP (and MPTCP) listeners\n"
	"  -u, --udp           ls: only bound UDP sockets\n"
	"      --nat           ls: then the ports DNAT rules publish, and where they lead\n"
	"      --no-initial    do not start with the sockets that already exist\n"
	"      --ringbuf SIZE  ring buffer size: 4K to 1G, a power of two (default 8M)\n"
	"      --btf FILE      kernel BTF to use when /sys/kernel/btf/vmlinux is missing\n"
	"      --probe HOW     auto (default: the best the kernel allows, per hook),\n"
	"                      fentry, kprobe or tracepoint\n"
	"      --expect FILE   mark listeners not in FILE (what ls --json printed)\n"
	"      --metrics ADDR:PORT  serve Prometheus metrics at http://ADDR:PORT/metrics\n"
	"                      (give a loopback or node-local address)\n"
	"  -v, --verbose       say how each hook is attached; libbpf warnings\n"
	"  -h, --help          this help\n"
	"  -V, --version       the version\n"
	"\n"
	"ls and who take -j, -o, -v, --netns; ls also -t, -u, -p, -P, --uid,\n"
	"--comm, --proto, -4, -6, --nat. who PORT is also who -P PORT.\n"
	"\n"
	"Tracing needs root: CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN, CAP_SYS_ADMIN,\n"
	"CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH. ls and who show what the caller may\n"
	"see and say what they left out. Stops on SIGINT or SIGTERM and prints a\n"
	"summary on stderr. Exit status: 0 ok, 1 error (who: nobody holds the\n"
	"port), 2 usage error, 3 who: held, but an owner could not be determined,\n"
	"4 who: not found where portsnoop could look (some were left out).\n";

/* A comma-separated list, copied for strtok_r. It would skip empty items:
 * "80," is a mistake, not a list of one. */
static int copy_list(const char *s, char *buf, size_t bufsz)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n >= bufsz || s[0] == ',' || s[n - 1] == ',' || strstr(s, ",,"))
		return -EINVAL;
	memcpy(buf, s, n + 1);
	return 0;
}

int cli__parse_ports(const char *s, uint8_t map[8192])
{
	/* As long as the list is: 80 ports are no mistake. */
	size_t bufsz = s ? strlen(s) + 1 : 1;
	char *buf = malloc(bufsz), *save = NULL, *tok;
	int rc = 0;

	if (!buf || copy_list(s, buf, bufsz)) {
		free(buf);
		return -EINVAL;
	}
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *dash = strchr(tok, '-');
		uint64_t lo, hi;

		if (dash)
			*dash = '\0';
		if (cli__parse_uint(tok, 1, 65535, &lo) ||
		    (dash ? cli__parse_uint(dash + 1, lo, 65535, &hi) : (hi = lo, 0))) {
			rc = -EINVAL;
			break;
		}
		for (uint64_t p = lo; p <= hi; p++)
			map[p >> 3] |= (uint8_t)(1u << (p & 7));
	}
	free(buf);
	return rc;
}

int cli__parse_list(const char *s, const char *const *names, uint8_t *bits)
{
	char buf[128], *save = NULL, *tok;

	if (copy_list(s, buf, sizeof(buf)))
		return -EINVAL;
	*bits = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int i = 0;

		while (names[i] && strcmp(names[i], tok))
			i++;
		if (!names[i] || i > 7)
			return -EINVAL;
		*bits |= (uint8_t)(1u << i);
	}
	return *bits ? 0 : -EINVAL;
}

int cli__parse_target(const char *s, struct ps_target *t)
{
	char buf[96], *port, *slash;
	size_t n = s ? strlen(s) : 0;
	uint64_t v;

	memset(t, 0, sizeof(*t));
	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n + 1);
	slash = strrchr(buf, '/');
	if (slash) {
		if (!strcasecmp(slash, "/tcp"))
			t->proto = IPPROTO_TCP;
		else if (!strcasecmp(slash, "/udp"))
			t->proto = IPPROTO_UDP;
		else
			return -EPROTONOSUPPORT;
		*slash = '\0';
	}
	port = buf;
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');

		char *pct = close ? strchr(close, '%') : NULL;

		/* [fe80::1]%eth0:80, as portsnoop writes a scoped address */
		if (pct && pct == close + 1) {
			char *colon = strrchr(pct, ':');

			if (!colon || colon == pct + 1 || (size_t)(colon - pct - 1) >=
			    sizeof(t->scope))
				return -EINVAL;
			memcpy(t->scope, pct + 1, (size_t)(colon - pct - 1));
			memmove(close + 1, colon, strlen(colon) + 1);
		}
		if (!close || close[1] != ':')
			return -EINVAL;
		*close = '\0';
		if (inet_pton(AF_INET6, buf + 1, t->addr) != 1)
			return -EINVAL;
		t->family = AF_INET6;
		port = close + 2;
	} else if (strchr(buf, ':')) {
		char *colon = strrchr(buf, ':');

		*colon = '\0';
		if (inet_pton(AF_INET, buf, t->addr) == 1)
			t->family = AF_INET;
		else
			return -EINVAL;
		port = colon + 1;
	}
	if (cli__parse_uint(port, 1, 65535, &v))
		return -ERANGE;
	t->port = (uint16_t)v;
	return 0;
}

int cli__parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!s || !*s)
		return -EINVAL;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int cli__parse_ringbuf(const char *s, uint32_t *out)
{
	char num[32];
	size_t n = s ? strlen(s) : 0;
	uint64_t v, mult = 1;

	if (n == 0 || n >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, n + 1);
	switch (num[n - 1]) {
	case 'k': case 'K':
		mult = 1ULL << 10;
		break;
	case 'm': case 'M':
		mult = 1ULL << 20;
		break;
	case 'g': case 'G':
		mult = 1ULL << 30;
		break;
	}
	if (mult != 1)
		num[n - 1] = '\0';
	if (cli__parse_uint(num, 1, UINT32_MAX, &v))
		return -EINVAL;
	v *= mult;
	if (v < 4096 || v > (1ULL << 30) || (v & (v - 1)))
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

static enum cli_result usage_error(FILE *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* --uid: a name from the passwd file, or a number. */
static int parse_user(const char *s, uint32_t *uid)
{
	struct users *u;
	uint64_t v;
	int rc;

	if (!cli__parse_uint(s, 0, UINT32_MAX - 1, &v)) {
		*uid = (uint32_t)v;
		return 0;
	}
	u = users__new(cli__passwd);
	rc = u ? users__uid(u, s, uid) : -ENOMEM;
	users__free(u);
	return rc;
}

static bool pid_exists(uint32_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "%s/%u", cli__proc, pid);
	return access(path, F_OK) == 0;
}

/* "--events" or "-4": how an option is spelled, for a message. */
static const char *option_name(const struct option *l, int c)
{
	static char shortname[3] = "-?";

	for (; l->name; l++) {
		if (l->val == c) {
			static char buf[32];

			snprintf(buf, sizeof(buf), "--%s", l->name);
			return buf;
		}
	}
	shortname[1] = (char)c;
	return shortname;
}

int cli__parse_metrics(const char *s, const char **out)
{
	struct sockaddr_storage ss;
	socklen_t len;

	if (metrics_server__parse_addr(s, &ss, &len))
		return -EINVAL;
	*out = s;
	return 0;
}

/* One line on stderr: what was wrong, and where help is. */
static enum cli_result usage_error(FILE *err, const char *fmt, ...)
{
	va_list ap;

	fputs("portsnoop: ", err);
	va_start(ap, fmt);
	vfprintf(err, fmt, ap);
	va_end(ap);
	fputs(" (try 'portsnoop --help')\n", err);
	return CLI_USAGE;
}

enum { OPT_RINGBUF = 256, OPT_BTF, OPT_NO_INITIAL, OPT_UID, OPT_COMM, OPT_CGROUP,
       OPT_NETNS, OPT_PROTO, OPT_FAILED, OPT_SYSLOG, OPT_JOURNAL, OPT_PROBE, OPT_NAT,
       OPT_METRICS, OPT_EXPECT, OPT__END };

/* The options that only turn something on: where each is kept, or NULL. */
static bool *switch_of(struct ps_opts *opts, int c)
{
	switch (c) {
	case 'j': return &opts->json;
	case 't': return &opts->tcp;
	case 'u': return &opts->udp;
	case OPT_NO_INITIAL: return &opts->no_initial;
	case 'v': return &opts->verbose;
	case OPT_NAT: return &opts->nat;
	}
	return NULL;
}

enum cli_result cli__parse(struct ps_opts *opts, int argc, char **argv,
			   FILE *out, FILE *err)
{
	/* Bit i is name i: the same order as enum ps_kind and PS_PROTO_*. */
	static const char *const kinds[] = { "", "bind", "listen", "connect", "outcome",
					     "close", NULL };
	static const char *const protos[] = { "tcp", "udp", "mptcp", NULL };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		{ "syslog", optional_argument, NULL, OPT_SYSLOG },
		{ "journald", optional_argument, NULL, OPT_JOURNAL },
		{ "pid", required_argument, NULL, 'p' },
		{ "port", required_argument, NULL, 'P' },
		{ "ringbuf", required_argument, NULL, OPT_RINGBUF },
		{ "btf", required_argument, NULL, OPT_BTF },
		{ "probe", required_argument, NULL, OPT_PROBE },
		{ "tcp", no_argument, NULL, 't' },
		{ "udp", no_argument, NULL, 'u' },
		{ "no-initial", no_argument, NULL, OPT_NO_INITIAL },
		{ "uid", required_argument, NULL, OPT_UID },
		{ "comm", required_argument, NULL, OPT_COMM },
		{ "cgroup", required_argument, NULL, OPT_CGROUP },
		{ "netns", required_argument, NULL, OPT_NETNS },
		{ "proto", required_argument, NULL, OPT_PROTO },
		{ "events", required_argument, NULL, 'e' },
		{ "failed", no_argument, NULL, OPT_FAILED },
		{ "children", no_argument, NULL, 'C' },
		{ "metrics", required_argument, NULL, OPT_METRICS },
		{ "expect", required_argument, NULL, OPT_EXPECT },
		{ "verbose", no_argument, NULL, 'v' },
		{ "nat", no_argument, NULL, OPT_NAT },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	/* What ls and who do with each option: the rest are refused there. */
	static const int for_ls[] = { 'j', 'o', 'v', 't', 'u', 'p', 'P', '4', '6', OPT_UID,
				      OPT_COMM, OPT_PROTO, OPT_NETNS, OPT_NAT, 0 };
	static const int for_who[] = { 'j', 'o', 'v', 'P', OPT_NETNS, 0 };
	static const int for_check[] = { 'v', OPT_NETNS, 0 };
	bool given[OPT__END] = { false };
	const char *port_arg = NULL;
	uint64_t v;
	int c;

	memset(opts, 0, sizeof(*opts));
	opts->probe = STRAT_AUTO;
	opterr = 0;
	optind = 0;	/* full re-initialisation: parse may run more than once */
	while ((c = getopt_long(argc, argv, ":jo:p:P:e:Ctu46vhV", longopts, NULL)) != -1) {
		bool *on = switch_of(opts, c);

		if (c > 0 && c < OPT__END)
			given[c] = true;
		if (on) {
			*on = true;
			continue;
		}
		switch (c) {
		case 'o':
			if (!*optarg)
				return usage_error(err, "--output needs a file name");
			opts->output = optarg;
			break;
		case 'p':
			if (cli__parse_uint(optarg, 1, PID_MAX_LIMIT, &v))
				return usage_error(err, "invalid pid '%s': expected a "
						   "process id from 1 to 4194304", optarg);
			opts->pid = (uint32_t)v;
			opts->filter.tgid = opts->pid;
			break;
		case 'P':
			if (cli__parse_ports(optarg, opts->filter.ports))
				return usage_error(err, "invalid port '%s': expected ports from 1 "
						   "to 65535, like 80,443,8000-8100", optarg);
			opts->filter.has_ports = 1;
			port_arg = optarg;
			break;
		case OPT_UID:
			if (parse_user(optarg, &opts->filter.uid))
				return usage_error(err, "invalid --uid '%s': no such user in %s, "
						   "nor a uid", optarg, cli__passwd);
			opts->filter.has_uid = 1;
			break;
		case OPT_COMM:
			if (!*optarg || strlen(optarg) > 15)
				return usage_error(err, "invalid --comm '%s': 1 to 15 characters",
						   optarg);
			opts->comm = optarg;
			break;
		case OPT_CGROUP:
			opts->cgroup = optarg;
			break;
		case OPT_NETNS:
			if (cli__parse_uint(optarg, 1, UINT32_MAX, &v))
				return usage_error(err, "invalid --netns '%s': the inode number "
						   "of /proc/PID/ns/net", optarg);
			opts->filter.netns = (uint32_t)v;
			break;
		case OPT_PROTO:
			if (cli__parse_list(optarg, protos, &opts->filter.protos))
				return usage_error(err, "invalid --proto '%s': tcp, udp, mptcp",
						   optarg);
			break;
		case 'e':
			if (cli__parse_list(optarg, kinds, &opts->filter.kinds) ||
			    (opts->filter.kinds & 1))
				return usage_error(err, "invalid --events '%s': bind, listen, "
						   "connect, outcome, close", optarg);
			break;
		case 'C':
			opts->filter.children = 1;
			break;
		case '4':
		case '6':
			opts->filter.families |= c == '4' ? PS_FAMILY_INET : PS_FAMILY_INET6;
			if (opts->filter.families == (PS_FAMILY_INET | PS_FAMILY_INET6))
				return usage_error(err, "-4 and -6 together leave nothing out: "
						   "give one, or neither for both");
			break;
		case OPT_FAILED:
			opts->filter.failed_only = 1;
			break;
		case OPT_SYSLOG:
			opts->syslog = optarg && *optarg ? optarg : "/dev/log";
			break;
		case OPT_JOURNAL:
			opts->journal = optarg && *optarg ? optarg : "/run/systemd/journal/socket";
			break;
		case OPT_RINGBUF:
			if (cli__parse_ringbuf(optarg, &opts->ringbuf_bytes))
				return usage_error(err, "invalid ring buffer size '%s': "
						   "expected a power of two from 4K to 1G",
						   optarg);
			break;
		case OPT_PROBE:
			if (strategy__parse(optarg, &opts->probe))
				return usage_error(err, "invalid --probe '%s': auto, fentry, "
						   "kprobe or tracepoint", optarg);
			break;
		case OPT_BTF:
			opts->btf = optarg;
			break;
		case OPT_EXPECT:
			opts->expect = optarg;
			break;
		case OPT_METRICS:
			if (cli__parse_metrics(optarg, &opts->metrics))
				return usage_error(err, "invalid --metrics '%s': expected ADDR:PORT, "
						   "[ADDR6]:PORT or :PORT (port 1 to 65535)", optarg);
			break;
		case 'h':
			fputs(usage_text, out);
			return CLI_DONE;
		case 'V':
			fprintf(out, "portsnoop %s\n", PS_VERSION);
			return CLI_DONE;
		case ':':
			if (strncmp(argv[optind - 1], "--", 2))
				return usage_error(err, "option '-%c' needs a value", optopt);
			return usage_error(err, "option '%s' needs a value",
					   argv[optind - 1]);
		default:
			if (optopt)
				return usage_error(err, "unknown option '-%c'", optopt);
			return usage_error(err, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc && !strcmp(argv[optind], "ls")) {
		opts->cmd = CMD_LS;
		optind++;
	} else if (optind < argc && !strcmp(argv[optind], "who")) {
		opts->cmd = CMD_WHO;
		optind++;
		if (optind == argc && port_arg) {
			/* who -P 2222: the port given the tracer's way. */
			if (cli__parse_uint(port_arg, 1, 65535, &v))
				return usage_error(err, "who takes one port, not '%s': who PORT, "
						   "who PORT/tcp, who ADDR:PORT or who -P PORT",
						   port_arg);
			opts->target.port = (uint16_t)v;
		} else if (optind == argc) {
			return usage_error(err, "who needs a port: who PORT[/tcp|/udp], "
					   "who ADDR:PORT or who -P PORT");
		} else if (port_arg) {
			return usage_error(err, "who takes its port once: who %s or who -P %s",
					   argv[optind], port_arg);
		} else if ((c = cli__parse_target(argv[optind++], &opts->target))) {
			return usage_error(err, "invalid %s '%s': expected PORT, PORT/tcp, "
					   "PORT/udp, ADDR:PORT, [ADDR]:PORT or [ADDR]%%DEV:PORT "
					   "(port 1 to 65535)", c == -ERANGE ? "port" :
					   c == -EPROTONOSUPPORT ? "protocol in" : "address in",
					   argv[optind - 1]);
		}
		opts->filter.has_ports = 0;	/* the target says which port */
	} else if (optind < argc && !strcmp(argv[optind], "check")) {
		if (given[OPT_EXPECT])
			return usage_error(err, "check takes its baseline as FILE: portsnoop check FILE");
		opts->cmd = CMD_CHECK;
		if (++optind == argc)
			return usage_error(err, "check needs a baseline: portsnoop check FILE "
					   "(make one with 'portsnoop ls --json > FILE')");
		opts->expect = argv[optind++];
	}
	if (optind < argc)
		return usage_error(err, "unexpected argument '%s'", argv[optind]);
	if (opts->cmd != CMD_TRACE) {
		const int *ok = opts->cmd == CMD_LS ? for_ls : opts->cmd == CMD_WHO ? for_who
							: for_check;

		for (int o = 1; o < OPT__END; o++) {
			bool fine = false;

			if (!given[o] || o == OPT_SYSLOG || o == OPT_JOURNAL)
				continue;	/* said below, as before */
			for (const int *k = ok; *k; k++)
				fine |= *k == o;
			if (!fine)
				return usage_error(err, "%s does not apply to %s",
						   option_name(longopts, o),
						   opts->cmd == CMD_LS ? "ls" : opts->cmd == CMD_WHO
						   ? "who" : "check");
		}
	}
	if (opts->pid && !pid_exists(opts->pid))
		return usage_error(err, "no process %u exists (-p takes the pid of a running "
				   "process)", opts->pid);
	if (opts->filter.children && !opts->filter.tgid)
		return usage_error(err, "--children goes with --pid PID");
	if (opts->cmd != CMD_TRACE && (opts->syslog || opts->journal))
		return usage_error(err, "--syslog and --journald are for tracing, not ls or who");
	if (!!opts->syslog + !!opts->output + !!opts->journal > 1)
		return usage_error(err, "--output, --syslog and --journald go to different "
				   "places: pick one");
	if (!opts->tcp && !opts->udp)
		opts->tcp = opts->udp = true;
	return CLI_RUN;
}
