// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "unit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "proc/ctrnames.h"

#define FIX "tests/fixtures/runtimes"
#define DOCKER_ID "aaaa000000000000000000000000000000000000000000000000000000000001"
#define PODMAN_ID "bbbb000000000000000000000000000000000000000000000000000000000002"
#define CRI_ID "cccc000000000000000000000000000000000000000000000000000000000003"
#define BROKEN_ID "dddd000000000000000000000000000000000000000000000000000000000004"
#define VFS_ID "eeee000000000000000000000000000000000000000000000000000000000006"
#define GONE_ID "9999000000000000000000000000000000000000000000000000000000000009"

/* Containers each runtime's state names, each looked up in a cache of its own. */
static const struct {
	const char *runtime, *id, *name, *image, *pod_name, *pod_ns;
} named[] = {
	{ "docker", DOCKER_ID, "web\xc3\xa9", "localhost/busybox-httpd:1", "", "" },
	{ "podman", PODMAN_ID, "pweb", "localhost/busybox-httpd:1", "", "" },
	/* a store with the vfs driver (as the ship tests' private stores) */
	{ "podman", VFS_ID, "vweb", "localhost/portsnoop-serves-httpd:1", "", "" },
	{ "containerd", CRI_ID, "nginx", "docker.io/library/nginx:1.27", "web-7d4b9c-x2x9q",
	  "shop" },
};

static void test_named(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		struct ctrnames *c = ctrnames__new(FIX, 8);
		const struct ctr_names *n = ctrnames__get(c, named[i].runtime, named[i].id);

		assert_non_null(n);
		assert_string_equal(n->name, named[i].name);
		assert_string_equal(n->image, named[i].image);
		assert_string_equal(n->pod_name, named[i].pod_name);
		assert_string_equal(n->pod_ns, named[i].pod_ns);
		assert_null(n->note);
		ctrnames__free(c);
	}
}

/* Cached by id: the file is read once. */
static void test_cached(void **state)
{
	struct ctrnames *c = ctrnames__new(FIX, 8);
	const struct ctr_names *n = ctrnames__get(c, "docker", DOCKER_ID);

	(void)state;
	assert_ptr_equal(ctrnames__get(c, "docker", DOCKER_ID), n);
	assert_int_equal(ctrnames__loads(c), 1);
	ctrnames__free(c);
}

/* The cgroupfs kubepods layout names no runtime: containerd's is tried. */
static void test_cri_without_runtime(void **state)
{
	struct ctrnames *c = ctrnames__new(FIX, 8);

	(void)state;
	assert_string_equal(ctrnames__get(c, NULL, CRI_ID)->pod_name, "web-7d4b9c-x2x9q");
	ctrnames__free(c);
}

/* Missing and broken state: the id alone and a note, never a name. */
static void test_missing_and_malformed(void **state)
{
	struct ctrnames *c = ctrnames__new(FIX, 2);
	const struct ctr_names *n;

	(void)state;
	n = ctrnames__get(c, "docker", BROKEN_ID);
	assert_string_equal(n->name, "");
	assert_string_equal(n->note, "state file malformed");
	n = ctrnames__get(c, "docker", GONE_ID);
	assert_string_equal(n->name, "");
	assert_string_equal(n->note, "no state file");
	n = ctrnames__get(c, "podman", GONE_ID);
	assert_string_equal(n->name, "");
	assert_string_equal(n->note, "no name in state file");
	assert_null(ctrnames__get(c, "docker", "abc"));
	/* the cache holds two: a third evicts, and the names stay right */
	assert_string_equal(ctrnames__get(c, "docker", DOCKER_ID)->name, "web\xc3\xa9");
	ctrnames__free(c);
}

/* A huge file is not read whole; a directory in a file's place is refused. */
static void test_huge_and_odd(void **state)
{
	char root[] = "/tmp/ctrnames.XXXXXX", path[512];
	struct ctrnames *c;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(root));
	unit__mkdirs(root, "var/lib/docker/containers/" GONE_ID "/config.v2.json");
	unit__mkdirs(root, "var/lib/docker/containers/" DOCKER_ID);
	snprintf(path, sizeof(path), "%s/var/lib/docker/containers/%s/config.v2.json", root,
		 DOCKER_ID);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"Name\":\"/big\",\"Pad\":\"", f);
	for (int i = 0; i < (5 << 20) / 64; i++)
		fputs("0123456789012345678901234567890123456789012345678901234567890123", f);
	fputs("\"}", f);
	fclose(f);
	c = ctrnames__new(root, 4);
	assert_string_equal(ctrnames__get(c, "docker", DOCKER_ID)->note, "state file too large");
	assert_string_equal(ctrnames__get(c, "docker", DOCKER_ID)->name, "");
	assert_string_equal(ctrnames__get(c, "docker", GONE_ID)->note, "state file unreadable");
	ctrnames__free(c);
	assert_int_equal(unit__rmtree(root), 0);
}

/* Names with control characters and separators are kept as they are
 * (escaped where printed); one longer than the field is left out. */
static void test_hostile_names(void **state)
{
	static const char cfg[] =
		"{\"annotations\":{\"io.kubernetes.cri.sandbox-name\":\"a\\u001b[31m\\nb, c=\\\"d\\\"\","
		"\"io.kubernetes.cri.sandbox-namespace\":\"ns\","
		"\"io.kubernetes.cri.container-name\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}}";
	struct ctr_names n = { 0 };

	(void)state;
	assert_int_equal(ctrnames__oci(cfg, strlen(cfg), &n), 0);
	assert_string_equal(n.pod_name, "a\x1b[31m\nb, c=\"d\"");
	assert_string_equal(n.pod_ns, "ns");
	assert_string_equal(n.name, "");
	memset(&n, 0, sizeof(n));
	assert_int_equal(ctrnames__docker("{\"Name\":\"/\"}", 12, &n), -ENOENT);
	assert_int_equal(ctrnames__storage("{\"id\":1}", 8, GONE_ID, &n), -EINVAL);
	assert_int_equal(ctrnames__storage("[{\"id\":1},2,[]]", 15, GONE_ID, &n), -ENOENT);
}

UNIT_MAIN("ctrnames", NULL, NULL,
	  cmocka_unit_test(test_named),
	  cmocka_unit_test(test_cached),
	  cmocka_unit_test(test_cri_without_runtime),
	  cmocka_unit_test(test_missing_and_malformed),
	  cmocka_unit_test(test_huge_and_odd),
	  cmocka_unit_test(test_hostile_names))
