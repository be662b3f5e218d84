// SPDX-License-Identifier: BSD-2-Clause
/*
 * Tests of core/spmc/mem_relinquish.c: FFA_MEM_RELINQUISH (ffa.md §2.8,
 * §3.3) and zero-after-relinquish (§3.2).
 */
#include <tzshare/ffa.h>
#include <tzshare/lib.h>
#include <tzshare/spmc.h>

#include "mem_util.h"
#include "spmc_fixture.h"
#include "test.h"

/* A LEND of one page from VM 1 to SP 1, retrieved RW. */
static uint64_t lend_retrieved(void)
{
	uint64_t h = mt_lend(FX_VM1, FX_SP1, MT_VM1_PA, 1, 0);

	mt_retrieve_ok(FX_SP1, FX_VM1, h, FFA_MEM_KIND_LEND);
	return h;
}

/* The borrower still holds the pages: access and reclaim DENIED. */
static void assert_still_held(uint64_t h)
{
	struct ffa_regs r;

	ASSERT_EQ(mt_access(FX_SP1, MT_VM1_PA, MT_PAGE), FFA_PERM_DATA_RW);
	r = mt_reclaim(FX_VM1, h, 0);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
}

/* Hafnium lend_relinquish: after relinquish the borrower has no access
 * and the owner can reclaim. */
TEST(relinquish_after_retrieve_returns_access)
{
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = lend_retrieved();
	r = mt_relinquish(FX_SP1, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(mt_access(FX_SP1, MT_VM1_PA, MT_PAGE), 0);
	ASSERT_EQ(mt_access(FX_VM1, MT_VM1_PA, MT_PAGE), 0);
	ASSERT_EQ(mt_live(), 1);
	r = mt_reclaim(FX_VM1, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(mt_access(FX_VM1, MT_VM1_PA, MT_PAGE), FFA_PERM_DATA_RW);
	mt_fini();
}

TEST(relinquish_without_tx_buffer_is_invalid)
{
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = lend_retrieved();
	r = fx_call(&fx, FX_SP1, FFA_RXTX_UNMAP, 0, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	r = fx_call(&fx, FX_SP1, FFA_MEM_RELINQUISH, 0, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	assert_still_held(h);
	mt_fini();
}

/* Hafnium/TF-A: exactly one endpoint, and it is the caller. */
TEST(relinquish_endpoint_count_other_than_one_is_invalid)
{
	static const uint16_t ids[8] = { FX_SP1, FX_SP1 };
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = lend_retrieved();
	r = mt_relinquish_ids(FX_SP1, h, 0, 0, ids);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = mt_relinquish_ids(FX_SP1, h, 0, 2, ids);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = mt_relinquish_ids(FX_SP1, h, 0, 0xFFFFFFFFu, ids);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	assert_still_held(h);
	r = mt_relinquish(FX_SP1, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	mt_fini();
}

TEST(relinquish_naming_another_endpoint_is_invalid)
{
	static const uint16_t other = FX_SP2;
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = lend_retrieved();
	r = mt_relinquish_ids(FX_SP1, h, 0, 1, &other);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	assert_still_held(h);
	mt_fini();
}

TEST(relinquish_unknown_handle_is_invalid)
{
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = lend_retrieved();
	r = mt_relinquish(FX_SP1, h ^ (1ull << 33), 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = mt_relinquish(FX_SP1, h | FFA_HANDLE_ALLOCATOR_HYP, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	assert_still_held(h);
	mt_fini();
}

/* Hafnium *_twice: relinquish by non-borrowers -> INVALID_PARAMETERS. */
TEST(relinquish_by_non_borrower_is_invalid)
{
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = lend_retrieved();
	r = mt_relinquish(FX_SP2, h, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = mt_relinquish(FX_VM1, h, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = mt_relinquish(FX_VM2, h, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	assert_still_held(h);
	mt_fini();
}

TEST(relinquish_before_retrieve_or_twice_is_invalid)
{
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = mt_lend(FX_VM1, FX_SP1, MT_VM1_PA, 1, 0);
	r = mt_relinquish(FX_SP1, h, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	mt_retrieve_ok(FX_SP1, FX_VM1, h, FFA_MEM_KIND_LEND);
	r = mt_relinquish(FX_SP1, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	r = mt_relinquish(FX_SP1, h, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = mt_reclaim(FX_VM1, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	mt_fini();
}

TEST(relinquish_flag_mbz_bits_are_invalid)
{
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = lend_retrieved();
	r = mt_relinquish(FX_SP1, h, 1u << 2);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = mt_relinquish(FX_SP1, h, 0x80000000u);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	assert_still_held(h);
	r = mt_relinquish(FX_SP1, h, FFA_MEM_FLAG_TIME_SLICE);
	ASSERT_FFA_SUCCESS(&r);
	mt_fini();
}

TEST(relinquish_with_clear_on_a_share_is_invalid)
{
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	mt_retrieve_ok(FX_SP1, FX_VM1, h, FFA_MEM_KIND_SHARE);
	r = mt_relinquish(FX_SP1, h, FFA_MEM_RELINQUISH_FLAG_CLEAR);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	ASSERT_EQ(mt_access(FX_SP1, MT_VM1_PA, MT_PAGE), FFA_PERM_DATA_RW);
	r = mt_relinquish(FX_SP1, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	mt_fini();
}

/* Hafnium RO clear relinquish service: a read-only borrower cannot ask
 * for zeroing. */
TEST(relinquish_with_clear_by_read_only_borrower_is_denied)
{
	struct mt_req q;
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = mt_lend(FX_VM1, FX_SP1, MT_VM1_PA, 1, 0);
	q = mt_req(FX_VM1, FX_SP1, h, FFA_MEM_KIND_LEND);
	q.emads[0].perms = FFA_PERM_DATA_RO | FFA_PERM_INSTR_NX;
	r = mt_retrieve_req(FX_SP1, &q);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	r = mt_relinquish(FX_SP1, h, FFA_MEM_RELINQUISH_FLAG_CLEAR);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	ASSERT_EQ(mt_access(FX_SP1, MT_VM1_PA, MT_PAGE), FFA_PERM_DATA_RO);
	r = mt_relinquish(FX_SP1, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	mt_fini();
}

/* Hafnium share_relinquish_clear / zero after relinquish, single
 * borrower: the relinquish flag zeroes the pages. */
TEST(relinquish_with_clear_zeroes_the_pages)
{
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = lend_retrieved();
	mt_fill(MT_VM1_PA, 1, 0xC3);
	r = mt_relinquish(FX_SP1, h, FFA_MEM_RELINQUISH_FLAG_CLEAR);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_TRUE(mt_is_filled(MT_VM1_PA, 1, 0));
	mt_fini();
}

/* Retrieve flag bit2 asks for zeroing at relinquish time. */
TEST(retrieve_clear_relinquish_flag_zeroes_at_relinquish)
{
	struct mt_req q;
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = mt_lend(FX_VM1, FX_SP1, MT_VM1_PA, 2, 0);
	q = mt_req(FX_VM1, FX_SP1, h, FFA_MEM_KIND_LEND);
	q.flags |= FFA_MEM_FLAG_CLEAR_RELINQUISH;
	r = mt_retrieve_req(FX_SP1, &q);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	mt_fill(MT_VM1_PA, 2, 0x42);
	/* Retrieving does not zero: only relinquishing does. */
	ASSERT_TRUE(mt_is_filled(MT_VM1_PA, 2, 0x42));
	r = mt_relinquish(FX_SP1, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_TRUE(mt_is_filled(MT_VM1_PA, 2, 0));
	/* The request was consumed: a second round does not zero. */
	mt_rx_release(FX_SP1);
	mt_retrieve_ok(FX_SP1, FX_VM1, h, FFA_MEM_KIND_LEND);
	mt_fill(MT_VM1_PA, 1, 0x42);
	r = mt_relinquish(FX_SP1, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_TRUE(mt_is_filled(MT_VM1_PA, 1, 0x42));
	mt_fini();
}

/* Several borrowers: the pages are zeroed when the last one lets go, if
 * any asked (ffa.md §3.2, spec as ACS reads it). */
TEST(relinquish_clear_waits_for_the_last_borrower)
{
	struct mt_send s;
	struct mt_req q;
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	s = mt_desc(FFA_MEM_LEND_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.attributes = FFA_MEM_ATTR_NORMAL_WB_IS;
	s.emad_count = 2;
	s.emads[1] = mt_emad(FX_SP2, FFA_PERM_DATA_RW);
	h = mt_send_ok(FFA_MEM_LEND_64, &s);
	q = mt_req(FX_VM1, FX_SP1, h, FFA_MEM_KIND_LEND);
	q.emads[0].perms = FFA_PERM_DATA_RW;
	q.flags |= FFA_MEM_FLAG_BYPASS_BORROWER_CHECK;
	r = mt_retrieve_req(FX_SP1, &q);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	q.emads[0].receiver = FX_SP2;
	r = mt_retrieve_req(FX_SP2, &q);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	mt_fill(MT_VM1_PA, 1, 0x99);
	r = mt_relinquish(FX_SP1, h, FFA_MEM_RELINQUISH_FLAG_CLEAR);
	ASSERT_FFA_SUCCESS(&r);
	/* SP 2 still maps it: not zeroed under its feet. */
	ASSERT_TRUE(mt_is_filled(MT_VM1_PA, 1, 0x99));
	ASSERT_EQ(mt_access(FX_SP2, MT_VM1_PA, MT_PAGE), FFA_PERM_DATA_RW);
	r = mt_relinquish(FX_SP2, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_TRUE(mt_is_filled(MT_VM1_PA, 1, 0));
	r = mt_reclaim(FX_VM1, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	mt_fini();
}

/* Hafnium lend_fragmented_relinquish: a multi-borrower LEND is reclaimed
 * only once both borrowers relinquished. */
TEST(multi_borrower_lend_is_reclaimed_after_both_relinquish)
{
	struct mt_send s;
	struct mt_req q;
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	s = mt_desc(FFA_MEM_LEND_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.attributes = FFA_MEM_ATTR_NORMAL_WB_IS;
	s.emad_count = 2;
	s.emads[1] = mt_emad(FX_SP2, FFA_PERM_DATA_RO);
	h = mt_send_ok(FFA_MEM_LEND_64, &s);
	q = mt_req(FX_VM1, FX_SP1, h, FFA_MEM_KIND_LEND);
	q.emad_count = 2;
	q.emads[0] = mt_emad(FX_SP1, FFA_PERM_DATA_RW);
	q.emads[1] = mt_emad(FX_SP2, FFA_PERM_DATA_RO);
	r = mt_retrieve_req(FX_SP1, &q);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	r = mt_retrieve_req(FX_SP2, &q);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	ASSERT_EQ(mt_access(FX_SP2, MT_VM1_PA, MT_PAGE), FFA_PERM_DATA_RO);
	r = mt_relinquish(FX_SP1, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	r = mt_reclaim(FX_VM1, h, 0);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	r = mt_relinquish(FX_SP2, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	r = mt_reclaim(FX_VM1, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	mt_fini();
}

/* The descriptor is read once from TX (copy first). */
TEST(relinquish_reads_handle_from_callers_tx)
{
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = lend_retrieved();
	/* The same descriptor in SP 2's TX does not relinquish for SP 1. */
	memset(fx_tx(&fx, FX_SP1), 0, MT_PAGE);
	le64_put(fx_tx(&fx, FX_SP2), h);
	le32_put(fx_tx(&fx, FX_SP2) + 8, 0);
	le32_put(fx_tx(&fx, FX_SP2) + 12, 1);
	le16_put(fx_tx(&fx, FX_SP2) + 16, FX_SP1);
	r = fx_call(&fx, FX_SP2, FFA_MEM_RELINQUISH, 0, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	assert_still_held(h);
	mt_fini();
}
