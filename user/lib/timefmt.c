// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "lib/timefmt.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
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

uint64_t timefmt__mono_ns(void)
{
	struct timespec m;

	clock_gettime(CLOCK_MONOTONIC, &m);
	return (uint64_t)m.tv_sec * NSEC + (uint64_t)m.tv_nsec;
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

/* v as exactly width decimal digits at p; returns the end. */
static char *digits(char *p, unsigned long v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

#define RFC3339_LEN 30	/* 2026-11-21T04:50:26.123456789Z */

void timefmt__rfc3339(int64_t real_ns, char *buf, size_t bufsz)
{
	/*
	 * Events come in bursts within one second, and carry two times (the
	 * event's, the process start): convert each second once, in one of
	 * two slots, and write the rest by hand. This runs for every record.
	 */
	static struct {
		time_t sec;
		char text[20];	/* 2026-11-21T04:50:26 */
		bool ok;	/* a four-digit year: the fast form fits */
	} slot[2] = { { .sec = -1 }, { .sec = -1 } };
	static unsigned int next;
	struct tm tm;
	time_t sec;
	long nsec;
	int i;

	split(real_ns, &sec, &nsec);
	i = slot[0].sec == sec ? 0 : slot[1].sec == sec ? 1 : -1;
	if (i < 0) {
		char *p;

		i = (int)(next++ & 1);
		slot[i].sec = sec;
		slot[i].ok = gmtime_r(&sec, &tm) && tm.tm_year >= -1900 &&
			     tm.tm_year <= 9999 - 1900;
		if (slot[i].ok) {
			p = digits(slot[i].text, (unsigned long)(tm.tm_year + 1900), 4);
			*p++ = '-';
			p = digits(p, (unsigned long)tm.tm_mon + 1, 2);
			*p++ = '-';
			p = digits(p, (unsigned long)tm.tm_mday, 2);
			*p++ = 'T';
			p = digits(p, (unsigned long)tm.tm_hour, 2);
			*p++ = ':';
			p = digits(p, (unsigned long)tm.tm_min, 2);
			*p++ = ':';
			digits(p, (unsigned long)tm.tm_sec, 2);
		}
	}
	if (!slot[i].ok || bufsz <= RFC3339_LEN) {
		gmtime_r(&sec, &tm);
		snprintf(buf, bufsz, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
			 tm.tm_min, tm.tm_sec, nsec);
		return;
	}
	memcpy(buf, slot[i].text, 19);
	buf[19] = '.';
	digits(buf + 20, (unsigned long)nsec, 9);
	buf[29] = 'Z';
	buf[30] = '\0';
}

void timefmt__clock(int64_t real_ns, char *buf, size_t bufsz)
{
	/* One table row each: the local time of a second is asked once. */
	static _Thread_local struct {
		time_t sec;
		char text[8];	/* 04:50:26 */
	} last = { .sec = -1 };
	struct tm tm;
	time_t sec;
	long nsec;

	split(real_ns, &sec, &nsec);
	if (sec != last.sec) {
		char *p;

		localtime_r(&sec, &tm);
		p = digits(last.text, (unsigned long)tm.tm_hour, 2);
		*p++ = ':';
		p = digits(p, (unsigned long)tm.tm_min, 2);
		*p++ = ':';
		digits(p, (unsigned long)tm.tm_sec, 2);
		last.sec = sec;
	}
	if (bufsz < 13) {
		snprintf(buf, bufsz, "%.8s", last.text);
		return;
	}
	memcpy(buf, last.text, 8);
	buf[8] = '.';
	digits(buf + 9, (unsigned long)nsec / 1000000, 3);
	buf[12] = '\0';
}
