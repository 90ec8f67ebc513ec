// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Who holds which socket, in one pass over every open file of every
 * process (iter/task_file; threads sharing a file table are visited once).
 * Each socket file becomes one struct ps_owner in the iterator's output.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "portsnoop.h"

#define S_IFMT 00170000
#define S_IFSOCK 0140000

SEC("iter/task_file")
int socket_owners(struct bpf_iter__task_file *ctx)
{
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct ps_owner o = {};
	struct inode *inode;

	if (!task || !file)
		return 0;
	inode = file->f_inode;
	if (!inode || (inode->i_mode & S_IFMT) != S_IFSOCK)
		return 0;
	o.inode = inode->i_ino;
	o.pid = task->tgid;
	o.fd = ctx->fd;
	bpf_probe_read_kernel(o.comm, sizeof(o.comm), task->comm);
	bpf_seq_write(ctx->meta->seq, &o, sizeof(o));
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
