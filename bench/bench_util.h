/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared helpers of the benchmark programs: clocks and the output line. */
#ifndef TZS_BENCH_UTIL_H
#define TZS_BENCH_UTIL_H

#include <stdint.h>
#include <stdio.h>
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

#endif
