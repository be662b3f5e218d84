// SPDX-License-Identifier: BSD-2-Clause
/*
 * Tests of core/spmc/mem_reclaim.c: FFA_MEM_RECLAIM (ffa.md §3.3) and the
 * owner's state after it (§3.1), zeroing (§3.2).
 */
#include <tzshare/ffa.h>
#include <tzshare/lib.h>
#include <tzshare/spmc.h>

#include "mem_util.h"
#include "spmc_fixture.h"
#include "test.h"

static void assert_owner_ea(uint16_t owner, uint64_t pa, uint32_t pages)
{
	ASSERT_EQ(spmc_page_owner(fx.spmc, pa), owner);
	ASSERT_EQ(mt_access(owner, pa, (uint64_t)pages * MT_PAGE),
		  FFA_PERM_DATA_RW);
	ASSERT_TRUE(spmc_mem_access(fx.spmc, FX_SP1, pa, MT_PAGE,
				    &(uint8_t){ 0 }) == FFA_DENIED);
}

/* Hafnium {donate,lend,share}_reclaim before any retrieve. */
TEST(reclaim_of_unretrieved_share_lend_donate_restores_owner)
{
	struct ffa_regs r;
	uint64_t hs = 0;
	uint64_t hl = 0;
	uint64_t hd = 0;

	mt_init();
	hs = mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	hl = mt_lend(FX_VM1, FX_SP1, MT_VM1_PA + MT_PAGE, 1, 0);
	hd = mt_donate(FX_VM1, FX_SP1, MT_VM1_PA + 2 * MT_PAGE, 1);
	ASSERT_EQ(mt_live(), 3);
	r = mt_reclaim(FX_VM1, hs, 0);
	ASSERT_FFA_SUCCESS(&r);
	r = mt_reclaim(FX_VM1, hl, 0);
	ASSERT_FFA_SUCCESS(&r);
	r = mt_reclaim(FX_VM1, hd, 0);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(mt_live(), 0);
	assert_owner_ea(FX_VM1, MT_VM1_PA, 3);
	mt_fini();
}

/* ACS: reclaim with borrowers not !Owner-NA -> DENIED. */
TEST(reclaim_while_a_borrower_holds_the_memory_is_denied)
{
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = mt_lend(FX_VM1, FX_SP1, MT_VM1_PA, 1, 0);
	mt_retrieve_ok(FX_SP1, FX_VM1, h, FFA_MEM_KIND_LEND);
	r = mt_reclaim(FX_VM1, h, 0);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	ASSERT_EQ(mt_access(FX_SP1, MT_VM1_PA, MT_PAGE), FFA_PERM_DATA_RW);
	ASSERT_EQ(mt_access(FX_VM1, MT_VM1_PA, MT_PAGE), 0);
	r = mt_relinquish(FX_SP1, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	r = mt_reclaim(FX_VM1, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	assert_owner_ea(FX_VM1, MT_VM1_PA, 1);
	mt_fini();
}

/* Hafnium: caller != owner -> INVALID_PARAMETERS. */
TEST(reclaim_by_another_endpoint_is_invalid)
{
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	r = mt_reclaim(FX_SP1, h, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = mt_reclaim(FX_VM2, h, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	ASSERT_EQ(mt_live(), 1);
	r = mt_reclaim(FX_VM1, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	mt_fini();
}

TEST(reclaim_of_unknown_or_reclaimed_handle_is_invalid)
{
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	r = mt_reclaim(FX_VM1, h + 1, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = mt_reclaim(FX_VM1, FFA_HANDLE_INVALID, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = mt_reclaim(FX_VM1, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	r = mt_reclaim(FX_VM1, h, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	ASSERT_EQ(mt_live(), 0);
	mt_fini();
}

/* ACS ffa_mem_reclaim input errors: only bit0/bit1 of w3. */
TEST(reclaim_flag_mbz_bits_are_invalid)
{
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = mt_lend(FX_VM1, FX_SP1, MT_VM1_PA, 1, 0);
	r = mt_reclaim(FX_VM1, h, 1u << 2);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = mt_reclaim(FX_VM1, h, 0xFFFFFFFFu);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	ASSERT_EQ(mt_live(), 1);
	ASSERT_EQ(mt_access(FX_VM1, MT_VM1_PA, MT_PAGE), 0);
	r = mt_reclaim(FX_VM1, h, FFA_MEM_RECLAIM_FLAG_TIME_SLICE);
	ASSERT_FFA_SUCCESS(&r);
	mt_fini();
}

/* ACS ffa_mem_reclaim zero flag: the owner finds zeroed memory. */
TEST(reclaim_with_clear_zeroes_the_pages)
{
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = mt_lend(FX_VM1, FX_SP1, MT_VM1_PA, 2, 0);
	mt_retrieve_ok(FX_SP1, FX_VM1, h, FFA_MEM_KIND_LEND);
	mt_fill(MT_VM1_PA, 2, 0xAB);
	r = mt_relinquish(FX_SP1, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_TRUE(mt_is_filled(MT_VM1_PA, 2, 0xAB));
	r = mt_reclaim(FX_VM1, h, FFA_MEM_RECLAIM_FLAG_CLEAR);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_TRUE(mt_is_filled(MT_VM1_PA, 2, 0));
	mt_fini();
}

/* Without the flag the borrower's writes stay (TF-A tests: check contents
 * after reclaim). */
TEST(reclaim_without_clear_keeps_the_contents)
{
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	mt_fill(MT_VM1_PA, 1, 0x5C);
	r = mt_reclaim(FX_VM1, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_TRUE(mt_is_filled(MT_VM1_PA, 1, 0x5C));
	mt_fini();
}

/* An owner with read-only pages (received by DONATE) may not ask for
 * zeroing on reclaim; it gets its read-only access back. */
TEST(reclaim_with_clear_of_read_only_memory_is_denied)
{
	struct mt_send s;
	struct mt_req q;
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = mt_donate(FX_SP1, FX_SP2, MT_SP1_PA, 1);
	q = mt_req(FX_SP1, FX_SP2, h, FFA_MEM_KIND_DONATE);
	q.emads[0].perms = FFA_PERM_DATA_RO | FFA_PERM_INSTR_NX;
	r = mt_retrieve_req(FX_SP2, &q);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	s = mt_desc(FFA_MEM_SHARE_64, FX_SP2, FX_SP1, MT_SP1_PA, 1);
	s.emads[0].perms = FFA_PERM_DATA_RO;
	h = mt_send_ok(FFA_MEM_SHARE_64, &s);
	r = mt_reclaim(FX_SP2, h, FFA_MEM_RECLAIM_FLAG_CLEAR);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	r = mt_reclaim(FX_SP2, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(mt_access(FX_SP2, MT_SP1_PA, MT_PAGE), FFA_PERM_DATA_RO);
	mt_fini();
}

/* Hafnium give_and_get_back / relend_after_return: the same pages can be
 * sent again after reclaim, to the same or another borrower. */
TEST(pages_can_be_lent_again_after_reclaim)
{
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = mt_lend(FX_VM1, FX_SP1, MT_VM1_PA, 2, 0);
	mt_retrieve_ok(FX_SP1, FX_VM1, h, FFA_MEM_KIND_LEND);
	r = mt_relinquish(FX_SP1, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	r = mt_reclaim(FX_VM1, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	h = mt_lend(FX_VM1, FX_SP1, MT_VM1_PA, 2, 0);
	mt_retrieve_ok(FX_SP1, FX_VM1, h, FFA_MEM_KIND_LEND);
	r = mt_relinquish(FX_SP1, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	r = mt_reclaim(FX_VM1, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	/* lend_elsewhere_after_return */
	h = mt_lend(FX_VM1, FX_SP2, MT_VM1_PA, 2, 0);
	mt_retrieve_ok(FX_SP2, FX_VM1, h, FFA_MEM_KIND_LEND);
	ASSERT_EQ(mt_access(FX_SP2, MT_VM1_PA, 2 * MT_PAGE), FFA_PERM_DATA_RW);
	ASSERT_EQ(mt_access(FX_SP1, MT_VM1_PA, MT_PAGE), 0);
	mt_fini();
}

/* Hafnium *_and_lose_access: after lending, the owner has no access;
 * reclaim restores it. Bounds: the pages around stay accessible. */
TEST(lend_bounds_are_exact)
{
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = mt_lend(FX_VM1, FX_SP1, MT_VM1_PA + MT_PAGE, 2, 0);
	mt_retrieve_ok(FX_SP1, FX_VM1, h, FFA_MEM_KIND_LEND);
	ASSERT_EQ(mt_access(FX_VM1, MT_VM1_PA, MT_PAGE), FFA_PERM_DATA_RW);
	ASSERT_EQ(mt_access(FX_VM1, MT_VM1_PA + 3 * MT_PAGE, MT_PAGE),
		  FFA_PERM_DATA_RW);
	ASSERT_EQ(mt_access(FX_VM1, MT_VM1_PA + MT_PAGE, 1), 0);
	ASSERT_EQ(mt_access(FX_SP1, MT_VM1_PA + MT_PAGE, 2 * MT_PAGE),
		  FFA_PERM_DATA_RW);
	/* One byte outside the lent range on either side. */
	ASSERT_EQ(mt_access(FX_SP1, MT_VM1_PA + MT_PAGE - 1, 2), 0);
	ASSERT_EQ(mt_access(FX_SP1, MT_VM1_PA + 3 * MT_PAGE - 1, 2), 0);
	r = mt_relinquish(FX_SP1, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	r = mt_reclaim(FX_VM1, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	assert_owner_ea(FX_VM1, MT_VM1_PA, 4);
	mt_fini();
}
