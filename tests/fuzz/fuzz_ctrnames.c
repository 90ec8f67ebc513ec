// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* libFuzzer: the container runtimes' state files (the parsers of
 * proc/ctrnames.h; their JSON reader: fuzz_jsonr.c), the port keepers'
 * command lines, and dockerd's command line, daemon.json and a
 * container's hostconfig.json (proc/dockerroot.h). */
#include <stdint.h>
#include <string.h>
#include "proc/ctrnames.h"
#include "proc/dockerroot.h"
#include "proc/keeper.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char id[] = "bbbb000000000000000000000000000000000000000000000000000000000002";
	const char *s = (const char *)data;
	struct ctr_names n;
	struct keeper k;
	char root[DOCKERROOT_PATH], config[DOCKERROOT_PATH];

	memset(&n, 0, sizeof(n));
	ctrnames__docker(s, size, &n);
	memset(&n, 0, sizeof(n));
	ctrnames__oci(s, size, &n);
	memset(&n, 0, sizeof(n));
	ctrnames__storage(s, size, id, &n);
	/* what is found is whole text: NUL-terminated within its field */
	if (memchr(n.name, 0, sizeof(n.name)) == NULL || memchr(n.image, 0, sizeof(n.image)) == NULL)
		__builtin_trap();
	keeper__parse(s, size, &k);
	if (!memchr(k.id, 0, sizeof(k.id)) || !memchr(k.to_ip, 0, sizeof(k.to_ip)) ||
	    !memchr(k.program, 0, sizeof(k.program)) || (k.id[0] && strlen(k.id) != 64))
		__builtin_trap();
	/* a data root or configuration file is a whole absolute path, or none */
	dockerroot__args(s, size, root, config);
	if (!memchr(root, 0, sizeof(root)) || !memchr(config, 0, sizeof(config)) ||
	    (root[0] && root[0] != '/') || (config[0] && config[0] != '/'))
		__builtin_trap();
	{
		uint16_t p = 0;

		if (!dockerroot__binding(s, size, "tcp", 80, &p) && !p)
			__builtin_trap();
	}
	dockerroot__config(s, size, root);
	if (!memchr(root, 0, sizeof(root)) || (root[0] && root[0] != '/'))
		__builtin_trap();
	return 0;
}
