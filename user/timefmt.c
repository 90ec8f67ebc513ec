// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "timefmt.h"

#include <stdio.h>
#include <time.h>

#define NSEC 1000000000LL

static int64_t offset_to_realtime(clockid_t clk)
{
	struct timespec r, m;

	clock_gettime(CLOCK_REALTIME, &r);
	clock_gettime(clk, &m);
	return ((int64_t)r.tv_sec - m.tv_sec) * NSEC + (r.tv_nsec - m.tv_nsec);
}

int64_t timefmt__mono_offset(void)
{
	return offset_to_realtime(CLOCK_MONOTONIC);
}

int64_t timefmt__boot_offset(void)
{
	return offset_to_realtime(CLOCK_BOOTTIME);
}

int64_t timefmt__now(void)
{
	struct timespec r;

	clock_gettime(CLOCK_REALTIME, &r);
	return (int64_t)r.tv_sec * NSEC + r.tv_nsec;
}

static void split(int64_t ns, time_t *sec, long *nsec)
{
	*sec = (time_t)(ns / NSEC);
	*nsec = (long)(ns % NSEC);
	if (*nsec < 0) {
		*nsec += NSEC;
		(*sec)--;
	}
}

void timefmt__rfc3339(int64_t real_ns, char *buf, size_t bufsz)
{
	/* Events come in bursts within one second: convert each second once. */
	static time_t cached_sec = -1;
	static char cached[80];
	struct tm tm;
	time_t sec;
	long nsec;

	split(real_ns, &sec, &nsec);
	if (sec != cached_sec) {
		gmtime_r(&sec, &tm);
		snprintf(cached, sizeof(cached), "%04d-%02d-%02dT%02d:%02d:%02d",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
			 tm.tm_min, tm.tm_sec);
		cached_sec = sec;
	}
	snprintf(buf, bufsz, "%s.%09ldZ", cached, nsec);
}

void timefmt__clock(int64_t real_ns, char *buf, size_t bufsz)
{
	struct tm tm;
	time_t sec;
	long nsec;

	split(real_ns, &sec, &nsec);
	localtime_r(&sec, &tm);
	snprintf(buf, bufsz, "%02d:%02d:%02d.%03ld", tm.tm_hour, tm.tm_min, tm.tm_sec,
		 nsec / 1000000);
}
