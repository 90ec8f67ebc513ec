/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Helpers for the syscall exit tracepoints. Only the exit is hooked: the
 * arguments are still in the task's saved user registers, and the exit
 * alone knows the result — one program per call, no per-thread state.
 */
#ifndef PS_SYSCALL_BPF_H
#define PS_SYSCALL_BPF_H

#include "call.bpf.h"

/* The arguments of the syscall being traced, from the saved registers. */
struct sysargs {
	int fd;
	const void *uaddr;	/* bind/connect: struct sockaddr __user * */
	__u32 arg3;		/* bind/connect: addrlen */
	__u32 arg2;		/* listen: backlog */
};

/* The current task's user registers (see core_fixes.bpf.h), or NULL. */
static __always_inline struct pt_regs *user_regs(void)
{
	if (have_task_pt_regs())
		return (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	return stack_top_regs(current_task());
}

/*
 * pt_regs from bpf_task_pt_regs() is a BTF pointer: plain loads. Where the
 * kernel lacks it they are probe reads. (The tracepoint's context starts
 * with the same pointer, but the kernel lets no program read it.)
 */
static __always_inline bool sysargs_read(struct sysargs *a)
{
	struct pt_regs *regs = user_regs();

	if (have_task_pt_regs()) {
		a->fd = (int)PT_REGS_PARM1_SYSCALL(regs);
		a->uaddr = (const void *)PT_REGS_PARM2_SYSCALL(regs);
		a->arg2 = (__u32)PT_REGS_PARM2_SYSCALL(regs);
		a->arg3 = (__u32)PT_REGS_PARM3_SYSCALL(regs);
		return true;
	}
	if (!regs)
		return false;
	a->fd = (int)PT_REGS_PARM1_CORE_SYSCALL(regs);
	a->uaddr = (const void *)PT_REGS_PARM2_CORE_SYSCALL(regs);
	a->arg2 = (__u32)PT_REGS_PARM2_CORE_SYSCALL(regs);
	a->arg3 = (__u32)PT_REGS_PARM3_CORE_SYSCALL(regs);
	return true;
}

/*
 * The call as the syscall made it, on an inet socket of a wanted process;
 * false for anything else (AF_UNIX, netlink, a bad fd, a filtered-out
 * process).
 */
static __always_inline bool syscall_call(struct call *c)
{
	struct sysargs a;

	if (!task_wanted() || !sysargs_read(&a))
		return false;
	c->sk = sock_from_fd(a.fd);
	if (!c->sk || !family_inet(sk_family(c->sk)))
		return false;
	c->addr = a.uaddr;
	c->addrlen = a.arg3;
	c->backlog = a.arg2;
	c->user_addr = true;
	return true;
}

#endif /* PS_SYSCALL_BPF_H */
