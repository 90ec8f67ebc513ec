// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "history/logfiles.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ".N" or ".N.gz" at s: N, else -1. */
static long rotation_suffix(const char *s)
{
	char *end;
	long v;

	if (s[0] != '.' || s[1] < '0' || s[1] > '9')
		return -1;
	v = strtol(s + 1, &end, 10);
	if (*end && strcmp(end, ".gz"))
		return -1;
	return v;
}

long logfiles__rotation(const char *base, const char *name)
{
	size_t n = strlen(base);

	if (strncmp(base, name, n))
		return -1;
	if (!name[n])
		return 0;
	return rotation_suffix(name + n);
}

void logfiles__base(const char *name, char *out, size_t outsz)
{
	const char *dot = NULL;

	snprintf(out, outsz, "%s", name);
	/* The last ".N" followed by nothing or ".gz". */
	for (const char *p = strchr(name, '.'); p; p = strchr(p + 1, '.'))
		if (rotation_suffix(p) >= 0)
			dot = p;
	if (dot && (size_t)(dot - name) < outsz)
		out[dot - name] = '\0';
}

static int add_file(struct logfile **v, size_t *n, const char *dir, const char *name)
{
	char base[NAME_MAX + 1], path[PATH_MAX], group[PATH_MAX];
	struct logfile *p = realloc(*v, (*n + 1) * sizeof(**v));

	if (!p)
		return -ENOMEM;
	*v = p;
	logfiles__base(name, base, sizeof(base));
	snprintf(path, sizeof(path), "%s%s%s", dir, *dir ? "/" : "", name);
	snprintf(group, sizeof(group), "%s%s%s", dir, *dir ? "/" : "", base);
	p[*n] = (struct logfile){ .path = strdup(path), .group = strdup(group),
				  .rotation = logfiles__rotation(base, name) };
	if (!p[*n].path || !p[*n].group)
		return -ENOMEM;
	(*n)++;
	return 0;
}

/* Every regular file of dir (only base's rotations when base is given). */
static int add_dir(struct logfile **v, size_t *n, const char *dir, const char *base)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int rc = 0;

	if (!d) {
		fprintf(stderr, "portsnoop: cannot read %s: %s\n", dir, strerror(errno));
		return -errno;
	}
	while (!rc && (de = readdir(d))) {
		char path[PATH_MAX];
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		if (base && logfiles__rotation(base, de->d_name) < 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		rc = add_file(v, n, dir, de->d_name);
	}
	closedir(d);
	return rc;
}

static int by_group_oldest_first(const void *a, const void *b)
{
	const struct logfile *x = a, *y = b;
	int c = strcmp(x->group, y->group);

	if (c)
		return c;
	return x->rotation < y->rotation ? 1 : x->rotation > y->rotation ? -1
	       : strcmp(x->path, y->path);
}

int logfiles__list(struct logfiles *l, char *const *paths, size_t npaths,
		   const char *def_dir, const char *def_base)
{
	struct logfile **v = &l->v;
	size_t *n = &l->n;
	int rc = 0;

	if (!npaths)
		return add_dir(v, n, def_dir, def_base);
	for (size_t i = 0; !rc && i < npaths; i++) {
		const char *f = paths[i], *slash = strrchr(f, '/');
		char dir[PATH_MAX];
		struct stat st;

		if (stat(f, &st)) {
			fprintf(stderr, "portsnoop: cannot read %s: %s\n", f, strerror(errno));
			return -errno;
		}
		if (S_ISDIR(st.st_mode)) {
			rc = add_dir(v, n, f, NULL);
			continue;
		}
		snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - f) : 0, f);
		rc = add_file(v, n, slash == f ? "/" : dir, slash ? slash + 1 : f);
	}
	qsort(*v, *n, sizeof(**v), by_group_oldest_first);
	return rc;
}

void logfiles__free(struct logfiles *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].path);
		free(l->v[i].group);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}
