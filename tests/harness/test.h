/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Minimal test harness. Each TEST() runs in its own forked child with a
 * timeout, so a crash or hang fails that case only. A binary prints one line
 * per case and a final "RESULT passed=N failed=M skipped=K" line that
 * tests/run.sh adds up.
 */
#ifndef TZS_TEST_H
#define TZS_TEST_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*test_fn)(void);

void test_register(const char *name, test_fn fn, const char *file);
void test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));
void test_skip(const char *why) __attribute__((noreturn));
/* Per-case timeout in seconds (default 30; TZS_TEST_TIMEOUT overrides). */
void test_set_timeout(unsigned int seconds);
/* Directory of ../shared/testdata, or NULL when it is absent. */
const char *test_testdata_dir(void);

#define TEST(name)                                                     \
	static void name(void);                                        \
	__attribute__((constructor)) static void test_reg_##name(void) \
	{                                                              \
		test_register(#name, name, __FILE__);                  \
	}                                                              \
	static void name(void)

#define ASSERT_TRUE(x)                                                     \
	do {                                                               \
		if (!(x)) {                                                \
			test_fail(__FILE__, __LINE__, "expected true: %s", \
				  #x);                                     \
		}                                                          \
	} while (0)

#define ASSERT_FALSE(x) ASSERT_TRUE(!(x))

#define ASSERT_EQ(a, b)                                                        \
	do {                                                                   \
		uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);               \
		if (a_ != b_) {                                                \
			test_fail(__FILE__, __LINE__,                          \
				  "%s == %s: 0x%" PRIx64 " != 0x%" PRIx64, #a, \
				  #b, a_, b_);                                 \
		}                                                              \
	} while (0)

#define ASSERT_NE(a, b)                                                     \
	do {                                                                \
		uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);            \
		if (a_ == b_) {                                             \
			test_fail(__FILE__, __LINE__,                       \
				  "%s != %s: both 0x%" PRIx64, #a, #b, a_); \
		}                                                           \
	} while (0)

#define ASSERT_MEM_EQ(a, b, n)                                               \
	do {                                                                 \
		if (memcmp((a), (b), (n)) != 0) {                            \
			test_fail(__FILE__, __LINE__, "memory %s != %s", #a, \
				  #b);                                       \
		}                                                            \
	} while (0)

/* An FF-A result frame is FFA_ERROR with exactly this code. */
#define ASSERT_FFA_ERROR(regs, err)                                           \
	do {                                                                  \
		const struct ffa_regs *r_ = (regs);                           \
		if ((uint32_t)r_->x[0] != 0x84000060u ||                      \
		    (int32_t)(uint32_t)r_->x[2] != (err)) {                   \
			test_fail(__FILE__, __LINE__,                         \
				  "expected FFA_ERROR(%d), got x0=0x%" PRIx64 \
				  " x2=0x%" PRIx64,                           \
				  (int)(err), r_->x[0], r_->x[2]);            \
		}                                                             \
	} while (0)

/* An FF-A result frame is FFA_SUCCESS (32 or 64). */
#define ASSERT_FFA_SUCCESS(regs)                                            \
	do {                                                                \
		const struct ffa_regs *r_ = (regs);                         \
		if ((uint32_t)r_->x[0] != 0x84000061u &&                    \
		    (uint32_t)r_->x[0] != 0xC4000061u) {                    \
			test_fail(__FILE__, __LINE__,                       \
				  "expected FFA_SUCCESS, got x0=0x%" PRIx64 \
				  " x2=0x%" PRIx64 " (%d)",                 \
				  r_->x[0], r_->x[2],                       \
				  (int)(int32_t)(uint32_t)r_->x[2]);        \
		}                                                           \
	} while (0)

#endif /* TZS_TEST_H */
