// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "loader/kfeat.h"
#include "kernel/hooktab.h"
#include "hooks.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

/* r0 = 0; exit */
static const struct bpf_insn return_zero[] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
	{ .code = BPF_JMP | BPF_EXIT },
};
#define RETURN_ZERO_LEN (sizeof(return_zero) / sizeof(return_zero[0]))

int kfeat__fentry(const struct btf *vmlinux, const char *fn)
{
	int id, prog, link, rc = 0;

	if (!vmlinux)
		return -ENOENT;
	id = btf__find_by_name_kind(vmlinux, fn, BTF_KIND_FUNC);
	if (id < 0)
		return -ENOENT;
	{
		LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = BPF_TRACE_FENTRY,
			    .attach_btf_id = (__u32)id);

		prog = bpf_prog_load(BPF_PROG_TYPE_TRACING, "ps_probe", "GPL", return_zero,
				     RETURN_ZERO_LEN, &o);
	}
	if (prog < 0)
		return -errno;
	link = bpf_raw_tracepoint_open(NULL, prog);
	if (link < 0)
		rc = -errno;
	else
		close(link);
	close(prog);
	return rc;
}

int kfeat__tracing_helper(const struct btf *vmlinux, const char *tp, int helper)
{
	/* r1 = 0; call helper; r0 = 0; exit */
	const struct bpf_insn call[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_1, .imm = 0 },
		{ .code = BPF_JMP | BPF_CALL, .imm = helper },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	char log[4096] = "", name[128];
	int id, prog;

	if (!vmlinux)
		return -ENOENT;
	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	id = btf__find_by_name_kind(vmlinux, name, BTF_KIND_TYPEDEF);
	if (id < 0)
		return -ENOENT;
	{
		LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = BPF_TRACE_RAW_TP,
			    .attach_btf_id = (__u32)id, .log_buf = log, .log_size = sizeof(log),
			    .log_level = 1);

		/* A helper that takes a pointer gets a scalar, wrong on purpose:
		 * where the helper is offered the verifier refuses the argument;
		 * where it is not, it refuses the call before looking at
		 * arguments. One that takes a number loads. */
		prog = bpf_prog_load(BPF_PROG_TYPE_TRACING, "ps_probe", "GPL", call,
				     sizeof(call) / sizeof(call[0]), &o);
	}
	if (prog >= 0) {
		close(prog);
		return 1;
	}
	if (strstr(log, "unknown func") || strstr(log, "invalid func"))
		return 0;
	return strstr(log, "R1 ") ? 1 : -errno;
}

/*
 * The preemption model: debugfs says which one a PREEMPT_DYNAMIC kernel
 * runs ("none voluntary (full) lazy", the current one in brackets); the
 * version string says PREEMPT_RT, PREEMPT (full, built in) or
 * PREEMPT_DYNAMIC. A dynamic kernel without debugfs to ask is taken as
 * preemptible: the backups then cost a little and lose nothing.
 */
int kfeat__preemptible(char *why, size_t whysz)
{
	char mode[128] = "";
	struct utsname u;
	FILE *f = fopen("/sys/kernel/debug/sched/preempt", "re");

	if (f) {
		if (!fgets(mode, sizeof(mode), f))
			mode[0] = '\0';
		fclose(f);
	}
	for (size_t n = strcspn(mode, "\n"); ; n--) {
		mode[n] = '\0';
		if (!n || mode[n - 1] != ' ')
			break;
	}
	if (mode[0]) {
		int pre = !strstr(mode, "(none)") && !strstr(mode, "(voluntary)");

		snprintf(why, whysz, "preemption model %s", mode);
		return pre;
	}
	if (uname(&u)) {
		snprintf(why, whysz, "preemption model unknown");
		return 1;
	}
	snprintf(why, whysz, "kernel %s", u.version);
	return strstr(u.version, "PREEMPT") != NULL;
}

int kfeat__tracepoints_unpreempted(const struct btf *vmlinux)
{
	const struct btf_member *m;
	const struct btf_type *t;
	int id;

	if (!vmlinux)
		return -ENOENT;
	id = btf__find_by_name_kind(vmlinux, "tracepoint_ext", BTF_KIND_STRUCT);
	if (id < 0)
		return 1;
	t = btf__type_by_id(vmlinux, (__u32)id);
	m = btf_members(t);
	for (__u16 i = 0; i < btf_vlen(t); i++, m++)
		if (!strcmp(btf__name_by_offset(vmlinux, m->name_off), "faultable"))
			return 0;
	return 1;
}

int kfeat__cmpxchg(void)
{
	/* *(u64 *)(r10 - 8) = 0; r0 = 0; r1 = 1;
	 * r0 = cmpxchg_64(r10 - 8, r0, r1); r0 = 0; exit */
	const struct bpf_insn swap[] = {
		{ .code = BPF_ST | BPF_MEM | BPF_DW, .dst_reg = BPF_REG_10, .off = -8 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_1, .imm = 1 },
		{ .code = BPF_STX | BPF_ATOMIC | BPF_DW, .dst_reg = BPF_REG_10,
		  .src_reg = BPF_REG_1, .off = -8, .imm = BPF_CMPXCHG },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int prog = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "ps_probe", "GPL", swap,
				 sizeof(swap) / sizeof(swap[0]), NULL);

	if (prog < 0)
		return 0;
	close(prog);
	return 1;
}

int kfeat__syscall_prog(void)
{
	return libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_SYSCALL, NULL) == 1;
}

/* The kprobe PMU's type number, or -errno (no PMU: no kprobes). */
static int kprobe_pmu_type(void)
{
	FILE *f = fopen("/sys/bus/event_source/devices/kprobe/type", "re");
	int type = -1;

	if (!f)
		return -errno;
	if (fscanf(f, "%d", &type) != 1)
		type = -1;
	fclose(f);
	return type < 0 ? -EINVAL : type;
}

int kfeat__kprobe(const char *fn)
{
	struct perf_event_attr a;
	int type = kprobe_pmu_type(), prog, pfd, rc = 0;

	if (type < 0)
		return type;
	prog = bpf_prog_load(BPF_PROG_TYPE_KPROBE, "ps_probe", "GPL", return_zero,
			     RETURN_ZERO_LEN, NULL);
	if (prog < 0)
		return -errno;
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = (__u32)type;
	a.config1 = (__u64)(uintptr_t)fn;	/* kprobe_func */
	a.config2 = 0;				/* probe_offset */
	pfd = (int)syscall(__NR_perf_event_open, &a, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (pfd < 0) {
		rc = -errno;
	} else {
		if (ioctl(pfd, PERF_EVENT_IOC_SET_BPF, prog))
			rc = -errno;
		close(pfd);
	}
	close(prog);
	return rc;
}

#define ENOTSUPP_ 524	/* include/linux/errno.h: not for user space, yet it gets there */

const char *kfeat__strerror(int err)
{
	if (err == -ENOTSUPP_)
		return "not supported by this kernel (ENOTSUPP: no BPF trampolines on its "
		       "functions; arm64 has them from 6.4)";
	return strerror(-err);
}

void kfeat__survey(struct kfeat_offer *o, int forced, bool verbose)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();	/* NULL: no fentry */
	int rc;

	memset(o, 0, sizeof(*o));
	o->forced = forced;
	/* Cannot tell (no BTF): the loads will say. */
	rc = kfeat__tracing_helper(vmlinux, "inet_sock_set_state", BPF_FUNC_get_socket_cookie);
	o->tracing_cookie = rc != 0;
	if (!rc && verbose)
		fprintf(stderr, "portsnoop: tracing programs cannot give sockets cookies "
			"(before v5.12): the cgroup sock_create hook does\n");
	rc = kfeat__tracing_helper(vmlinux, "inet_sock_set_state",
				   BPF_FUNC_get_current_ancestor_cgroup_id);
	o->tracing_ancestor_cgroup = rc != 0;
	if (!rc && verbose)
		fprintf(stderr, "portsnoop: tracing programs cannot ask for a cgroup's "
			"ancestor (before v5.14): --cgroup reads the task's cgroup\n");
	o->backups = kfeat__preemptible(o->preemption, sizeof(o->preemption)) > 0;
	o->tp_unpreempted = kfeat__tracepoints_unpreempted(vmlinux) > 0;
	if (verbose)
		fprintf(stderr, "portsnoop: %s: fexit programs %s backups\n", o->preemption,
			o->backups ? "get" : "need no");
	o->use_ctl = kfeat__syscall_prog() > 0;
	o->cmpxchg = kfeat__cmpxchg() > 0;
	if (!o->cmpxchg && verbose)
		fprintf(stderr, "portsnoop: no BPF compare-and-swap (before v5.12): tracked "
			"sockets go to the hash map alone\n");
	for (int h = 0; h < HOOK__N; h++)
		o->offered[h] = STRAT_BIT(STRAT_TRACEPOINT);
	/* fentry and kprobe: not ruled out until kfeat__survey_fns() tries them. */
	for (int st = STRAT_FENTRY; st <= STRAT_KPROBE; st++)
		for (int h = 0; h < HOOK__N && (forced == STRAT_AUTO || forced == st); h++)
			o->offered[h] |= STRAT_BIT(st);
	btf__free(vmlinux);
}

/* Where exec records may come from a kprobe (bpf/hooks.h, UNPREEMPTED). */
static void survey_unpreempted(struct kfeat_offer *o, bool verbose)
{
	o->unpreempted_ok = o->backups;
	for (size_t i = 0; o->unpreempted_ok && i < hooks__nshared; i++) {
		const char *fn = hooks__shared[i].target + strlen(PS_SEC_KPROBE);
		int rc;

		if (hooks__shared[i].when != SHARED_UNPREEMPTED)
			continue;
		rc = kfeat__kprobe(fn);
		o->unpreempted_ok = !rc;
		if (rc && verbose)
			fprintf(stderr, "portsnoop: kprobe on %s: %s: exec records come from "
				"a tracepoint that can be preempted\n", fn, kfeat__strerror(rc));
	}
}

void kfeat__survey_fns(struct kfeat_offer *o, int st, bool verbose)
{
	struct btf *vmlinux = NULL;

	if ((st != STRAT_FENTRY && st != STRAT_KPROBE) || o->surveyed & STRAT_BIT(st))
		return;
	o->surveyed |= STRAT_BIT(st);
	if (o->forced != STRAT_AUTO && o->forced != st)
		return;
	if (st == STRAT_FENTRY)
		vmlinux = btf__load_vmlinux_btf();
	else
		survey_unpreempted(o, verbose);
	for (size_t i = 0; i < hooks__nfns && i < KFEAT_NFN; i++) {
		const struct hook_fn *f = &hooks__fns[i];
		char *first = o->why_not[st][f->hook];
		int rc = st == STRAT_FENTRY ? kfeat__fentry(vmlinux, f->fn) : kfeat__kprobe(f->fn);

		o->fn_ok[i][st] = !rc;
		if (rc && verbose)
			fprintf(stderr, "portsnoop: %s on %s: %s\n", strategy__name(st), f->fn,
				kfeat__strerror(rc));
		if (rc && !f->optional && !first[0])
			snprintf(first, sizeof(o->why_not[st][f->hook]), "%s on %s: %s",
				 strategy__name(st), f->fn,
				 rc == -ENOENT && st == STRAT_FENTRY ? "not in the kernel's BTF"
								     : kfeat__strerror(rc));
	}
	for (int h = 0; h < HOOK__N; h++)
		if (o->why_not[st][h][0])
			o->offered[h] &= ~STRAT_BIT(st);
	btf__free(vmlinux);
}
