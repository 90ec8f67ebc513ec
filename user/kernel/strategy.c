// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "kernel/strategy.h"

#include <stdio.h>
#include <string.h>

static const char *const strategy_names[STRAT_NONE + 1] = {
	[STRAT_FENTRY] = "fentry",
	[STRAT_KPROBE] = "kprobe",
	[STRAT_TRACEPOINT] = "tracepoint",
	[STRAT_AUTO] = "auto",
	[STRAT_NONE] = "unavailable",
};

static const char *const hook_names[HOOK__N] = {
	[HOOK_BIND] = "bind",
	[HOOK_LISTEN] = "listen",
	[HOOK_CONNECT] = "connect",
	[HOOK_CLOSE] = "close",
};

const char *strategy__name(int s)
{
	return s >= 0 && s <= STRAT_NONE ? strategy_names[s] : "?";
}

const char *hook__name(int h)
{
	return h >= 0 && h < HOOK__N ? hook_names[h] : "?";
}

int strategy__parse(const char *s, int *out)
{
	for (int i = 0; i <= STRAT__N; i++) {
		if (!strcmp(s, strategy_names[i])) {
			*out = i;
			return 0;
		}
	}
	return -1;
}

static const enum strategy rankings[][STRAT__N] = {
	[RANK_DEFAULT] = { STRAT_FENTRY, STRAT_KPROBE, STRAT_TRACEPOINT },
	[RANK_KPROBE_FIRST] = { STRAT_KPROBE, STRAT_FENTRY, STRAT_TRACEPOINT },
	[RANK_TRACEPOINT_FIRST] = { STRAT_TRACEPOINT, STRAT_KPROBE, STRAT_FENTRY },
};

enum strategy plan__rung(const struct plan *p, int i)
{
	return i < 0 || i >= STRAT__N ? STRAT__N : rankings[p->ranking][i];
}

int plan__rank(const struct plan *p, int s)
{
	for (int i = 0; i < STRAT__N; i++)
		if (plan__rung(p, i) == (enum strategy)s)
			return i;
	return STRAT__N;
}

int plan__choose(struct plan *p, char *err, size_t errsz)
{
	int left = 0;

	for (int h = 0; h < HOOK__N; h++) {
		unsigned usable = p->offered[h] & ~p->failed[h];
		int s;

		if (p->forced != STRAT_AUTO) {
			if (!(usable & STRAT_BIT(p->forced))) {
				snprintf(err, errsz, "--probe=%s: the kernel does not allow "
					 "it for %s", strategy__name(p->forced), hook__name(h));
				return -1;
			}
			p->chosen[h] = (enum strategy)p->forced;
			left++;
			continue;
		}
		for (s = 0; s < STRAT__N && !(usable & STRAT_BIT(plan__rung(p, s))); s++)
			;
		p->chosen[h] = s == STRAT__N ? STRAT_NONE : plan__rung(p, s);
		left += s != STRAT__N;
	}
	if (!left) {
		snprintf(err, errsz, "no hook could be attached: fentry, kprobe and "
			 "tracepoint all failed");
		return -1;
	}
	return 0;
}

bool plan__demote(struct plan *p, bool load_failed, int hook)
{
	int best = STRAT__N;

	if (p->forced != STRAT_AUTO)
		return false;
	if (!load_failed) {
		if (hook < 0 || hook >= HOOK__N || p->chosen[hook] >= STRAT__N)
			return false;
		p->failed[hook] |= STRAT_BIT(p->chosen[hook]);
		return true;
	}
	for (int h = 0; h < HOOK__N; h++)
		if (plan__rank(p, p->chosen[h]) < best)
			best = plan__rank(p, p->chosen[h]);
	if (best >= STRAT__N - 1)
		return false;
	for (int h = 0; h < HOOK__N; h++)
		if (plan__rank(p, p->chosen[h]) == best)
			p->failed[h] |= STRAT_BIT(plan__rung(p, best));
	return true;
}

bool plan__refuse(struct plan *p, int hook, int s)
{
	if (p->forced != STRAT_AUTO || hook < 0 || hook >= HOOK__N || s < 0 || s >= STRAT__N ||
	    p->chosen[hook] != (enum strategy)s)
		return false;
	p->failed[hook] |= STRAT_BIT(s);
	return true;
}

bool plan__without_cgroup(struct plan *p, bool fentry_cookies)
{
	if (p->forced != STRAT_AUTO)
		return false;
	p->no_cgroup = true;
	for (int h = 0; h < HOOK__N; h++)
		p->failed[h] |= STRAT_BIT(STRAT_KPROBE);
	p->failed[HOOK_CLOSE] |= STRAT_BIT(STRAT_TRACEPOINT);
	if (!fentry_cookies)
		p->failed[HOOK_CLOSE] |= STRAT_BIT(STRAT_FENTRY);
	return true;
}

bool plan__close_partial(const struct plan *p)
{
	return p->no_cgroup && p->chosen[HOOK_CLOSE] != STRAT_NONE &&
	       p->chosen[HOOK_BIND] != STRAT_FENTRY;
}

bool plan__uses(const struct plan *p, enum strategy s)
{
	for (int h = 0; h < HOOK__N; h++)
		if (p->chosen[h] == s)
			return true;
	return false;
}

void plan__describe(const struct plan *p, char *buf, size_t n)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int h = 0; h < HOOK__N && used < n; h++) {
		int w = snprintf(buf + used, n - used, "%s%s=%s", h ? " " : "",
				 hook__name(h), strategy__name(p->chosen[h]));

		if (w < 0)
			break;
		used += (size_t)w;
	}
	if (used < n)
		snprintf(buf + used, n - used, " outcome=tp_btf probe=%s",
			 strategy__name(p->forced));
}
