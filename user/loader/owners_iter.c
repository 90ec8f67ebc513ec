// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The owners iterator: an iter/task_file program that writes one struct
 * ps_owner per socket file of every process. It is built here, not by
 * libbpf's object loader: that would parse the whole kernel BTF (and hold
 * it twice), while the program needs five numbers from it, which
 * btfscan reads in one streaming pass. The program, in C:
 *
 *	task = ctx->task; file = ctx->file;
 *	if (!task || !file) return 0;
 *	inode = file->f_inode;
 *	if (!inode || (inode->i_mode & S_IFMT) != S_IFSOCK) return 0;
 *	o.inode = inode->i_ino; o.pid = task->tgid; o.fd = ctx->fd;
 *	bpf_probe_read_kernel(o.comm, 16, task->comm);
 *	bpf_seq_write(ctx->meta->seq, &o, sizeof(o));
 *	return 0;
 *
 * task, file and inode are BTF pointers: the verifier checks every load
 * against the kernel's own types (a load that is not a field of the right
 * size fails, and `ls` falls back to /proc); the offsets themselves are the
 * ones the kernel's BTF gives. Members inside anonymous structs or unions
 * (CONFIG_RANDSTRUCT) are not found: /proc again.
 */
#include "loader/owners_iter.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "kernel/btfscan.h"

#define S_IFMT_ 0170000
#define S_IFSOCK_ 0140000

/* struct bpf_iter__task_file: meta, task, fd, file (a stable UAPI layout). */
#define CTX_META 0
#define CTX_TASK 8
#define CTX_FD 16
#define CTX_FILE 24

enum { F_ITER, F_TGID, F_COMM, F_F_INODE, F_I_MODE, F_I_INO, F__N };

#define INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define MOV_REG(d, s) INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOV_IMM(d, i) INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define ADD_IMM(d, i) INSN(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i)
#define AND_IMM(d, i) INSN(BPF_ALU64 | BPF_AND | BPF_K, d, 0, 0, i)
#define LDX(sz, d, s, o) INSN(BPF_LDX | BPF_MEM | (sz), d, s, o, 0)
#define STX(sz, d, s, o) INSN(BPF_STX | BPF_MEM | (sz), d, s, o, 0)
#define JEQ_IMM(d, i, o) INSN(BPF_JMP | BPF_JEQ | BPF_K, d, 0, o, i)
#define JNE_IMM(d, i, o) INSN(BPF_JMP | BPF_JNE | BPF_K, d, 0, o, i)
#define CALL(f) INSN(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define EXIT() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* struct ps_owner on the stack at r10 - 32 */
#define O_INODE (-32 + (int)offsetof(struct ps_owner, inode))
#define O_PID (-32 + (int)offsetof(struct ps_owner, pid))
#define O_FD (-32 + (int)offsetof(struct ps_owner, fd))
#define O_COMM (-32 + (int)offsetof(struct ps_owner, comm))

_Static_assert(sizeof(struct ps_owner) == 32, "the program writes 32 bytes");

#define N_INSNS 30
#define OUT 28		/* index of the final r0 = 0 */
#define TO_OUT(at) (OUT - (at) - 1)

static void build(struct bpf_insn p[N_INSNS], const int64_t off[F__N])
{
	const struct bpf_insn prog[N_INSNS] = {
		/* 0 */ MOV_REG(BPF_REG_6, BPF_REG_1),
		/* 1 */ LDX(BPF_DW, BPF_REG_7, BPF_REG_6, CTX_TASK),
		/* 2 */ JEQ_IMM(BPF_REG_7, 0, TO_OUT(2)),
		/* 3 */ LDX(BPF_DW, BPF_REG_8, BPF_REG_6, CTX_FILE),
		/* 4 */ JEQ_IMM(BPF_REG_8, 0, TO_OUT(4)),
		/* 5 */ LDX(BPF_DW, BPF_REG_9, BPF_REG_8, (short)off[F_F_INODE]),
		/* 6 */ JEQ_IMM(BPF_REG_9, 0, TO_OUT(6)),
		/* 7 */ LDX(BPF_H, BPF_REG_1, BPF_REG_9, (short)off[F_I_MODE]),
		/* 8 */ AND_IMM(BPF_REG_1, S_IFMT_),
		/* 9 */ JNE_IMM(BPF_REG_1, S_IFSOCK_, TO_OUT(9)),
		/* 10 */ LDX(BPF_DW, BPF_REG_1, BPF_REG_9, (short)off[F_I_INO]),
		/* 11 */ STX(BPF_DW, BPF_REG_10, BPF_REG_1, O_INODE),
		/* 12 */ LDX(BPF_W, BPF_REG_1, BPF_REG_7, (short)off[F_TGID]),
		/* 13 */ STX(BPF_W, BPF_REG_10, BPF_REG_1, O_PID),
		/* 14 */ LDX(BPF_W, BPF_REG_1, BPF_REG_6, CTX_FD),
		/* 15 */ STX(BPF_W, BPF_REG_10, BPF_REG_1, O_FD),
		/* 16 */ MOV_REG(BPF_REG_1, BPF_REG_10),
		/* 17 */ ADD_IMM(BPF_REG_1, O_COMM),
		/* 18 */ MOV_IMM(BPF_REG_2, 16),
		/* 19 */ MOV_REG(BPF_REG_3, BPF_REG_7),
		/* 20 */ ADD_IMM(BPF_REG_3, (int)off[F_COMM]),
		/* 21 */ CALL(BPF_FUNC_probe_read_kernel),
		/* 22 */ LDX(BPF_DW, BPF_REG_1, BPF_REG_6, CTX_META),
		/* 23 */ LDX(BPF_DW, BPF_REG_1, BPF_REG_1, 0),	/* meta->seq */
		/* 24 */ MOV_REG(BPF_REG_2, BPF_REG_10),
		/* 25 */ ADD_IMM(BPF_REG_2, -32),
		/* 26 */ MOV_IMM(BPF_REG_3, sizeof(struct ps_owner)),
		/* 27 */ CALL(BPF_FUNC_seq_write),
		/* 28 */ MOV_IMM(BPF_REG_0, 0),
		/* 29 */ EXIT(),
	};

	memcpy(p, prog, sizeof(prog));
}

/*
 * The ids and offsets the program needs, from the running kernel's BTF,
 * read once per process (a tracer collects owners again for each failed
 * bind). The same pass answers whether sock_diag dumps TCP sockets that
 * are bound and not listening (TCP_BOUND_INACTIVE, 6.5): `ls` needs both,
 * and reading the BTF is most of what either costs.
 */
static int bound_only = -1;	/* TCP_BOUND_INACTIVE in the BTF; -1: unread */

static int kernel_offsets(int64_t off[F__N])
{
	static int64_t known[F__N];
	static int known_err = 1;	/* 1: not read yet */
	struct btfscan_item it[F__N + 1] = {
		[F_ITER] = { "bpf_iter_task_file", NULL, 0 },
		[F_TGID] = { "task_struct", "tgid", 0 },
		[F_COMM] = { "task_struct", "comm", 0 },
		[F_F_INODE] = { "file", "f_inode", 0 },
		[F_I_MODE] = { "inode", "i_mode", 0 },
		[F_I_INO] = { "inode", "i_ino", 0 },
		[F__N] = { "TCP_BOUND_INACTIVE", BTFSCAN_ENUMERATOR, 0 },
	};
	int fd, err;

	if (known_err <= 0) {
		memcpy(off, known, sizeof(known));
		return known_err;
	}
	fd = open("/sys/kernel/btf/vmlinux", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = btfscan__fd(fd, it, F__N + 1);
	close(fd);
	if (err)
		return err;	/* unread: asked again next time */
	bound_only = it[F__N].found >= 0;
	for (int i = 0; i < F__N; i++) {
		/* Loads take a 16-bit offset. */
		if (it[i].found < 0 || (i != F_ITER && it[i].found > 0x7fff))
			err = -ENOENT;
		off[i] = it[i].found;
	}
	memcpy(known, off, sizeof(known));
	known_err = err;
	return err;
}

/* Load and attach the program; the iterator's fd to read, or -errno. */
static int open_iter(int *prog_fd, int *link_fd)
{
	int64_t off[F__N];
	struct bpf_insn insns[N_INSNS];
	int err = kernel_offsets(off), fd;

	if (err)
		return err;
	build(insns, off);
	{
		LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = BPF_TRACE_ITER,
			    .attach_btf_id = (__u32)off[F_ITER]);

		*prog_fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "ps_owners", "Dual BSD/GPL",
					 insns, N_INSNS, &o);
	}
	if (*prog_fd < 0)
		return -errno;
	*link_fd = bpf_link_create(*prog_fd, 0, BPF_TRACE_ITER, NULL);
	if (*link_fd < 0)
		return -errno;
	fd = bpf_iter_create(*link_fd);
	return fd < 0 ? -errno : fd;
}

static int from_iter(struct owners *o)
{
	int prog = -1, link = -1, fd, err;

	fd = open_iter(&prog, &link);
	err = fd < 0 ? fd : owners__from_fd(o, fd);
	if (fd >= 0)
		close(fd);
	if (link >= 0)
		close(link);
	if (prog >= 0)
		close(prog);
	return err;
}

int owners__collect(struct owners *o, const char **how)
{
	int err = from_iter(o);

	if (!err) {
		*how = "bpf iterator";
	} else {
		o->n = 0;
		*how = "/proc";
		err = owners__from_proc(o, "/proc");
	}
	if (!err)
		owners__sort(o);
	return err;
}

int owners__btf_bound_only(void)
{
	return bound_only;
}
