// SPDX-License-Identifier: BSD-2-Clause
/*
 * Tests of core/spmc/mem_handle.c: the share-state pool and memory handles
 * (ffa.md §2.7): SPMC allocator bit, uniqueness, unpredictability, stale
 * handles of recycled slots, pool exhaustion and large pools.
 */
#include <tzshare/ffa.h>
#include <tzshare/lib.h>
#include <tzshare/spmc.h>

#include "mem_util.h"
#include "spmc_fixture.h"
#include "test.h"

TEST(handle_has_spmc_allocator_bit_and_is_not_the_slot_index)
{
	uint64_t h = 0;

	mt_init();
	h = mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	ASSERT_EQ(h & FFA_HANDLE_ALLOCATOR_HYP, 0);
	ASSERT_NE(h, FFA_HANDLE_INVALID);
	/* Unlike Hafnium's slot-index handles: tag bits are set. */
	ASSERT_TRUE(h >> 20 != 0);
	mt_fini();
}

TEST(handles_of_live_transactions_are_distinct)
{
	uint64_t h[32];
	unsigned int i = 0;
	unsigned int j = 0;

	mt_init();
	for (i = 0; i < 32; i++) {
		h[i] = mt_share(FX_VM1, FX_SP1, MT_VM1_PA + i * MT_PAGE, 1);
	}
	for (i = 0; i < 32; i++) {
		for (j = i + 1; j < 32; j++) {
			ASSERT_NE(h[i], h[j]);
		}
	}
	ASSERT_EQ(mt_live(), 32);
	mt_fini();
}

/* The tag is keyed by cfg.handle_secret: another secret, other handles. */
TEST(handle_depends_on_the_configured_secret)
{
	struct fx_opts o = { .cfg = { .handle_secret =
					      0x0123456789ABCDEFull } };
	uint64_t h1 = 0;
	uint64_t h2 = 0;

	mt_init();
	h1 = mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	mt_fini();
	mt_init_opts(&o);
	h2 = mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	ASSERT_NE(h1, h2);
	/* Same slot (the first one) in both. */
	ASSERT_EQ(h1 & 0xFFFFF, h2 & 0xFFFFF);
	mt_fini();
}

/* A recycled slot gets a new handle; the stale one is rejected by every
 * call that takes a handle. */
TEST(stale_handle_of_a_recycled_slot_is_rejected)
{
	struct ffa_regs r;
	uint64_t old = 0;
	uint64_t h = 0;

	mt_init();
	old = mt_lend(FX_VM1, FX_SP1, MT_VM1_PA, 1, 0);
	r = mt_reclaim(FX_VM1, old, 0);
	ASSERT_FFA_SUCCESS(&r);
	h = mt_lend(FX_VM1, FX_SP1, MT_VM1_PA, 1, 0);
	ASSERT_EQ(h & 0xFFFFF, old & 0xFFFFF);
	ASSERT_NE(h, old);
	r = mt_retrieve(FX_SP1, FX_VM1, old, FFA_MEM_KIND_LEND);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = mt_reclaim(FX_VM1, old, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = mt_relinquish(FX_SP1, old, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = fx_call(&fx, FX_SP1, FFA_MEM_FRAG_RX, (uint32_t)old,
		    (uint32_t)(old >> 32), 0, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	ASSERT_EQ(mt_live(), 1);
	mt_retrieve_ok(FX_SP1, FX_VM1, h, FFA_MEM_KIND_LEND);
	mt_fini();
}

/* A handle with a valid slot but a wrong tag is unknown. */
TEST(handle_with_valid_slot_and_wrong_tag_is_invalid)
{
	struct ffa_regs r;
	uint64_t h = 0;
	unsigned int bit = 0;

	mt_init();
	h = mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	for (bit = 20; bit < 63; bit += 7) {
		r = mt_reclaim(FX_VM1, h ^ (1ull << bit), 0);
		ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	}
	/* Slot index only (what a Hafnium handle would be). */
	r = mt_reclaim(FX_VM1, h & 0xFFFFF, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = mt_reclaim(FX_VM1, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	mt_fini();
}

/* Handles cross into the high word (TF-A's counter idea: test both). */
TEST(handle_high_word_round_trips_through_registers)
{
	struct mt_resp m;
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	ASSERT_NE(h >> 32, 0);
	r = mt_retrieve(FX_SP1, FX_VM1, h, FFA_MEM_KIND_SHARE);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	mt_parse_resp(FX_SP1, FFA_VERSION_1_2, (uint32_t)r.x[2], &m);
	ASSERT_EQ(m.mtd.handle, h);
	mt_fini();
}

/* MAX_MEM_SHARES: NO_MEMORY when the pool is full, nothing changed, and
 * every slot is usable again once freed. */
TEST(pool_exhaustion_is_no_memory_and_recovers)
{
	struct fx_opts o = { .cfg = { .max_mem_shares = 8,
				      .max_shares_per_sender = 8 } };
	struct mt_send s;
	struct ffa_regs r;
	uint64_t h[8];
	unsigned int i = 0;

	mt_init_opts(&o);
	for (i = 0; i < 8; i++) {
		h[i] = mt_lend(FX_VM1, FX_SP1, MT_VM1_PA + i * MT_PAGE, 1, 0);
	}
	s = mt_desc(FFA_MEM_LEND_64, FX_VM1, FX_SP1, MT_VM1_PA + 8 * MT_PAGE,
		    1);
	r = mt_send(FFA_MEM_LEND_64, &s);
	ASSERT_FFA_ERROR(&r, FFA_NO_MEMORY);
	ASSERT_EQ(mt_live(), 8);
	ASSERT_EQ(mt_access(FX_VM1, MT_VM1_PA + 8 * MT_PAGE, MT_PAGE),
		  FFA_PERM_DATA_RW);
	for (i = 0; i < 8; i++) {
		r = mt_reclaim(FX_VM1, h[i], 0);
		ASSERT_FFA_SUCCESS(&r);
	}
	for (i = 0; i < 8; i++) {
		mt_lend(FX_VM1, FX_SP1, MT_VM1_PA + i * MT_PAGE, 1, 0);
	}
	ASSERT_EQ(mt_live(), 8);
	mt_fini();
}

/* An incomplete fragmented send holds a slot too. */
TEST(incomplete_send_counts_as_a_live_share)
{
	struct fx_opts o = { .cfg = { .max_mem_shares = 1 } };
	struct mt_send s;
	struct ffa_regs r;
	uint32_t len = 0;

	mt_init_opts(&o);
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.cons_count = 2;
	s.cons[1] = mt_cons(MT_VM1_PA + 4 * MT_PAGE, 1);
	len = mt_put(&s);
	r = mt_call_send(FX_VM1, FFA_MEM_SHARE_64, len, len - 16);
	ASSERT_EQ(r.x[0], FFA_MEM_FRAG_RX);
	ASSERT_EQ(mt_live(), 1);
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA + MT_PAGE, 1);
	r = mt_send(FFA_MEM_SHARE_64, &s);
	ASSERT_FFA_ERROR(&r, FFA_NO_MEMORY);
	mt_fini();
}

/* A pool far larger than Hafnium's: 10,000 live one-page shares, each
 * still found by its handle (lookup is O(1) by slot). */
TEST(ten_thousand_live_shares_are_all_usable)
{
	struct fx_opts o = { .cfg = { .max_mem_shares = 16384,
				      .max_shares_per_sender = 16384 } };
	static uint64_t h[10000];
	struct ffa_regs r;
	unsigned int i = 0;

	mt_init_opts(&o);
	for (i = 0; i < 10000; i++) {
		h[i] = mt_share(FX_VM1, FX_SP1, MT_VM1_PA + i * MT_PAGE, 1);
	}
	ASSERT_EQ(mt_live(), 10000);
	mt_retrieve_ok(FX_SP1, FX_VM1, h[9999], FFA_MEM_KIND_SHARE);
	mt_retrieve_ok(FX_SP1, FX_VM1, h[0], FFA_MEM_KIND_SHARE);
	for (i = 1; i < 9999; i++) {
		r = mt_reclaim(FX_VM1, h[i], 0);
		ASSERT_FFA_SUCCESS(&r);
	}
	ASSERT_EQ(mt_live(), 2);
	r = mt_reclaim(FX_VM1, h[0], 0);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	mt_fini();
}

static void *t_alloc(void *ctx, size_t len)
{
	(void)ctx;
	return calloc(1, len);
}

static void t_free(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}

static uint8_t *t_p2v(void *ctx, uint64_t pa, uint64_t len)
{
	(void)ctx;
	(void)pa;
	(void)len;
	return NULL;
}

/* max_mem_shares beyond the handle's slot field cannot be configured;
 * the largest one can. */
TEST(pool_larger_than_the_handle_slot_field_fails_creation)
{
	static const struct spmc_ops ops = { .alloc = t_alloc,
					     .free = t_free,
					     .phys_to_virt = t_p2v };
	struct spmc_config cfg = { .max_mem_shares = (1u << 20) + 1 };
	struct spmc *spmc = NULL;

	spmc = spmc_create(&ops, NULL, &cfg);
	ASSERT_TRUE(spmc == NULL);
	cfg.max_mem_shares = 1u << 20;
	spmc = spmc_create(&ops, NULL, &cfg);
	ASSERT_TRUE(spmc != NULL);
	spmc_destroy(spmc);
}
