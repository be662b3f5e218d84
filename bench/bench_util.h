/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared helpers of the benchmark programs: clocks and the output line. */
#ifndef TZS_BENCH_UTIL_H
#define TZS_BENCH_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The one output format: bench <name> value=<v> <unit> baseline=<b> <unit>
 * ratio=<v/b>. */
static inline void bench_line(const char *name, double value, double baseline,
			      const char *unit)
{
	printf("bench %s value=%.3f %s baseline=%.3f %s ratio=%.3f\n", name,
	       value, unit, baseline, unit,
	       baseline > 0 ? value / baseline : 0.0);
	fflush(stdout);
}

static inline int bench_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Median of @n nanosecond samples (sorted in place), in microseconds. */
static inline double bench_median_us(uint64_t *s, unsigned int n)
{
	qsort(s, n, sizeof(s[0]), bench_cmp_u64);
	return (double)s[n / 2] / 1000.0;
}

#endif
