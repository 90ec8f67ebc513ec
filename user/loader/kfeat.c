// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "loader/kfeat.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>

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
