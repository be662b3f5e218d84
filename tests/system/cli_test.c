// SPDX-License-Identifier: BSD-2-Clause
/* The `tzshare` CLI as a user runs it: `tzshare demo` must pass end to
 * end and show the secure side printing the shared and the lent buffer. */
#include <limits.h>
#include <sys/wait.h>
#include <stdio.h>
#include <string.h>
#include <tzshare/platform.h>

#include "test.h"

static int run(const char *args, char *out, size_t cap)
{
	char dir[PATH_MAX], cmd[PATH_MAX + 64];
	size_t used = 0, n = 0;
	FILE *p = NULL;

	ASSERT_TRUE(tzs_launch_bin_dir(NULL, dir, sizeof(dir)) != NULL);
	snprintf(cmd, sizeof(cmd), "'%s/tzshare' %s 2>&1", dir, args);
	p = popen(cmd, "r");
	ASSERT_TRUE(p != NULL);
	while (used < cap - 1 &&
	       (n = fread(out + used, 1, cap - 1 - used, p)) > 0) {
		used += n;
	}
	out[used] = '\0';
	return pclose(p);
}

static unsigned int count(const char *hay, const char *needle)
{
	unsigned int c = 0;

	while ((hay = strstr(hay, needle))) {
		c++;
		hay++;
	}
	return c;
}

TEST(demo_passes_and_secure_side_prints_both_buffers)
{
	static char out[16384];

	ASSERT_EQ(run("demo", out, sizeof(out)), 0);
	ASSERT_TRUE(strstr(out, "demo: PASS") != NULL);
	ASSERT_EQ(count(out, "shmem reader: offer 1 SHARE 4096 bytes: "
			     "\"Hello World!\""),
		  1);
	ASSERT_EQ(count(out, "shmem reader: offer 2 LEND 4096 bytes: "
			     "\"Hello World!\""),
		  1);
	ASSERT_TRUE(strstr(out, "SIGSEGV") != NULL);
	ASSERT_EQ(count(out, "[FAIL]"), 0);
}

TEST(xtest_passes_every_case)
{
	static char out[16384];

	ASSERT_EQ(run("xtest", out, sizeof(out)), 0);
	ASSERT_TRUE(strstr(out, "xtest: 11 run, 11 passed, 0 failed") != NULL);
	ASSERT_EQ(count(out, "FAIL"), 0);
}

TEST(xtest_runs_a_group_and_refuses_an_unknown_case)
{
	static char out[8192];
	int st = 0;

	ASSERT_EQ(run("xtest neg_", out, sizeof(out)), 0);
	ASSERT_TRUE(strstr(out, "xtest: 4 run, 4 passed, 0 failed") != NULL);
	ASSERT_TRUE(strstr(out, "shm_share") == NULL);
	st = run("xtest no_such_case", out, sizeof(out));
	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 2);
	ASSERT_TRUE(strstr(out, "no case no_such_case") != NULL);
}

TEST(info_lists_the_default_sp_services)
{
	static char out[4096];

	ASSERT_EQ(run("info", out, sizeof(out)), 0);
	ASSERT_TRUE(strstr(out, "partition 0x8001") != NULL);
	ASSERT_TRUE(strstr(out, "c66028b5-2498-4aa1-9de7-77da6122abf0") !=
		    NULL);
}

TEST(unknown_command_is_a_usage_error)
{
	static char out[1024];
	int st = run("frobnicate", out, sizeof(out));

	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 2);
	ASSERT_TRUE(strstr(out, "usage:") != NULL);
}
