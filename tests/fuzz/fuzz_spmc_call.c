// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target: a sequence of FF-A calls (with TX contents) against a
 * small SPMC. Oracles: no sanitizer report, the core only asks the host
 * for ranges inside regions (abort otherwise), every page keeps a known
 * owner after every call.
 */
#include <stdlib.h>

#include "mini_platform.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct mini m;
	struct mini_src src = { .data = data, .len = len };

	if (mini_init(&m, 4)) {
		abort();
	}
	while (mini_step(&m, &src)) {
		if (mini_check_invariants(&m)) {
			abort();
		}
	}
	mini_fini(&m);
	return 0;
}
