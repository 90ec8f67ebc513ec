/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Growing an array: a helper every stage may use (no libbpf).
 */
#ifndef PS_LIB_ARRAY_H
#define PS_LIB_ARRAY_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * Room for one more element in v, which holds n of *cap elements of size
 * bytes: v itself while there is room, else v grown to twice its capacity
 * (first elements the first time), with *cap updated. NULL when out of
 * memory (or the size would overflow): v is then untouched, still the
 * caller's to free.
 */
static inline void *array__reserve(void *v, size_t n, size_t *cap, size_t size, size_t first)
{
	size_t c;
	void *nv;

	if (n < *cap)
		return v;
	c = *cap ? *cap * 2 : first;
	if (c < *cap || c > SIZE_MAX / size)
		return NULL;
	nv = realloc(v, c * size);
	if (nv)
		*cap = c;
	return nv;
}

/*
 * *elem appended to the array *vp (a pointer to the caller's array
 * pointer) of *n elements, grown by array__reserve: 0, or -ENOMEM with
 * the array untouched.
 */
static inline int array__append(void *vp, size_t *n, size_t *cap, const void *elem, size_t size,
				size_t first)
{
	void *v;

	memcpy(&v, vp, sizeof(v));
	v = array__reserve(v, *n, cap, size, first);
	if (!v)
		return -ENOMEM;
	memcpy(vp, &v, sizeof(v));
	memcpy((char *)v + *n * size, elem, size);
	(*n)++;
	return 0;
}

#endif
