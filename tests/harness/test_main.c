// SPDX-License-Identifier: BSD-2-Clause
/* Test runner: fork per case, timeout per case, one summary line. */
#include "test.h"

#include <signal.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_TESTS 1024
#define SKIP_EXIT 77

struct test_case {
	const char *name;
	test_fn fn;
	const char *file;
};

static struct test_case tests[MAX_TESTS];
static unsigned int test_count;
static unsigned int timeout_s = 30;

void test_register(const char *name, test_fn fn, const char *file)
{
	if (test_count == MAX_TESTS) {
		fprintf(stderr, "too many tests\n");
		exit(2);
	}
	tests[test_count++] = (struct test_case){ name, fn, file };
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "  %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	_exit(1);
}

void test_skip(const char *why)
{
	fprintf(stderr, "  skipped: %s\n", why);
	fflush(stderr);
	_exit(SKIP_EXIT);
}

void test_set_timeout(unsigned int seconds)
{
	timeout_s = seconds;
}

const char *test_testdata_dir(void)
{
	static const char *const candidates[] = {
		"../shared/testdata",
		"../../shared/testdata",
		"/work/shared/testdata",
	};
	const char *env = getenv("TZS_TESTDATA");
	struct stat st;
	size_t i = 0;

	if (env) {
		return stat(env, &st) == 0 ? env : NULL;
	}
	for (i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
		if (stat(candidates[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			return candidates[i];
		}
	}
	return NULL;
}

static int run_one(const struct test_case *t)
{
	int status = 0;
	pid_t pid = 0;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		alarm(timeout_s);
		t->fn();
		fflush(stdout);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) < 0) {
		perror("waitpid");
		return 1;
	}
	if (WIFEXITED(status)) {
		if (WEXITSTATUS(status) == SKIP_EXIT) {
			return SKIP_EXIT;
		}
		return WEXITSTATUS(status) ? 1 : 0;
	}
	if (WIFSIGNALED(status)) {
		fprintf(stderr, "  killed by signal %d%s\n", WTERMSIG(status),
			WTERMSIG(status) == SIGALRM ? " (timeout)" : "");
	}
	return 1;
}

int main(int argc, char **argv)
{
	unsigned int passed = 0, failed = 0, skipped = 0, i = 0;
	const char *env = getenv("TZS_TEST_TIMEOUT");
	const char *filter = argc > 1 ? argv[1] : NULL;

	if (env) {
		timeout_s = (unsigned int)atoi(env);
	}
	for (i = 0; i < test_count; i++) {
		int rc = 0;

		if (filter && !strstr(tests[i].name, filter)) {
			continue;
		}
		rc = run_one(&tests[i]);
		if (rc == SKIP_EXIT) {
			printf("skip %s\n", tests[i].name);
			skipped++;
		} else if (rc) {
			printf("FAIL %s (%s)\n", tests[i].name, tests[i].file);
			failed++;
		} else {
			printf("ok   %s\n", tests[i].name);
			passed++;
		}
	}
	printf("RESULT passed=%u failed=%u skipped=%u\n", passed, failed,
	       skipped);
	return failed ? 1 : 0;
}
