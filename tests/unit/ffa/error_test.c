// SPDX-License-Identifier: BSD-2-Clause
/* core/ffa/error.c: FF-A error names (ffa.md §1.2). */
#include "test.h"

#include <tzshare/ffa.h>

TEST(error_names_match_the_spec_table)
{
	static const struct {
		int err;
		const char *name;
	} table[] = {
		{ FFA_OK, "OK" },
		{ -1, "NOT_SUPPORTED" },
		{ -2, "INVALID_PARAMETERS" },
		{ -3, "NO_MEMORY" },
		{ -4, "BUSY" },
		{ -5, "INTERRUPTED" },
		{ -6, "DENIED" },
		{ -7, "RETRY" },
		{ -8, "ABORTED" },
		{ -9, "NO_DATA" },
		{ -10, "NOT_READY" },
	};
	size_t i = 0;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (strcmp(ffa_error_name(table[i].err), table[i].name) != 0) {
			test_fail(__FILE__, __LINE__, "%d: %s != %s",
				  table[i].err, ffa_error_name(table[i].err),
				  table[i].name);
		}
	}
}

TEST(error_name_of_unknown_code_is_unknown)
{
	ASSERT_TRUE(strcmp(ffa_error_name(-11), "UNKNOWN") == 0);
	ASSERT_TRUE(strcmp(ffa_error_name(1), "UNKNOWN") == 0);
	ASSERT_TRUE(strcmp(ffa_error_name(INT32_MIN), "UNKNOWN") == 0);
}
