// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The owners iterator as a CO-RE program, loaded through a skeleton (as
 * bpftool's pid_iter is): the other way to do what user/loader/owners_iter.c
 * builds by hand. bench/owners.c measures the two side by side.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "portsnoop.h"

#define S_IFMT_ 0170000
#define S_IFSOCK_ 0140000

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("iter/task_file")
int ps_owners_core(struct bpf_iter__task_file *ctx)
{
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct ps_owner o = {};
	struct inode *inode;

	if (!task || !file)
		return 0;
	inode = file->f_inode;
	if (!inode || (inode->i_mode & S_IFMT_) != S_IFSOCK_)
		return 0;
	o.inode = inode->i_ino;
	o.pid = task->tgid;
	o.fd = ctx->fd;
	bpf_probe_read_kernel(o.comm, sizeof(o.comm), task->comm);
	bpf_seq_write(ctx->meta->seq, &o, sizeof(o));
	return 0;
}
