// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The fentry and kprobe strategies' programs: every function of
 * bpf/hooks.h's PS_SOCKFNS, each with its hook's handler.
 *
 * Each fexit program comes with a backup (fxb_): see sockfn.bpf.h.
 */
#include "bind.bpf.h"
#include "listen.bpf.h"
#include "connect.bpf.h"
#include "release.bpf.h"
#include "sockfn.bpf.h"

const volatile bool backups = false;

/* The handler of each hook. */
#define SOCKFN_ON_BIND bind_done
#define SOCKFN_ON_LISTEN listen_done
#define SOCKFN_ON_CONNECT connect_done
#define SOCKFN_ON_CLOSE release_sock

#define SOCKFN_PROGRAMS(hook, fn, shape, optional) SOCKFN_##shape(fn, SOCKFN_ON_##hook)
PS_SOCKFNS(SOCKFN_PROGRAMS)
