// SPDX-License-Identifier: BSD-2-Clause
/*
 * Bad input: streams of garbage register frames and TX contents from every
 * endpoint. The SPMC must answer each with a frame (or park an SP in
 * MSG_WAIT), never crash or touch memory outside the ranges it checked
 * (ASan build), and keep one known owner for every page.
 */
#include "mini_platform.h"
#include "test.h"

static void run_stream(uint64_t seed, unsigned int calls)
{
	struct mini m;
	struct mini_src src = { .rng = seed };
	unsigned int i = 0;

	ASSERT_EQ(mini_init(&m, 8), 0);
	for (i = 0; i < calls; i++) {
		ASSERT_TRUE(mini_step(&m, &src));
		if (i % 64 == 0) {
			ASSERT_EQ(mini_check_invariants(&m), 0);
		}
	}
	ASSERT_EQ(mini_check_invariants(&m), 0);
	mini_fini(&m);
}

TEST(garbage_frames_seed_1_keep_spmc_consistent)
{
	run_stream(0x9E3779B97F4A7C15ull, 20000);
}

TEST(garbage_frames_seed_2_keep_spmc_consistent)
{
	run_stream(0xD1B54A32D192ED03ull, 20000);
}

TEST(garbage_frames_seed_3_keep_spmc_consistent)
{
	run_stream(0x123456789ull, 20000);
}

/* Every call from a known endpoint on a valid vCPU is answered, except
 * the ones that legitimately park or hand over (MSG_WAIT, REQ, RUN...). */
TEST(every_simple_call_gets_exactly_one_answer)
{
	struct mini m;
	struct spmc_output out;
	unsigned int i = 0;

	ASSERT_EQ(mini_init(&m, 8), 0);
	for (i = 0; i < 64; i++) {
		struct ffa_regs in = { .x = { 0x84000060u + i, i, i * 3 } };

		spmc_call(m.spmc, MINI_VM1, 0, &in, &out);
		if (in.x[0] == FFA_RUN || in.x[0] == FFA_MSG_WAIT ||
		    in.x[0] == FFA_MSG_SEND_DIRECT_REQ_32) {
			continue;
		}
		ASSERT_EQ(out.frame_count, 1);
		ASSERT_EQ(out.frames[0].ep, MINI_VM1);
	}
	mini_fini(&m);
}
