// SPDX-License-Identifier: BSD-2-Clause
/*
 * Tests of core/spmc/mem_abort.c: memory cleanup when a partition dies
 * (spmc_partition_abort). Invariant: no page is left in a dead
 * transaction, and nothing a live partition holds is taken away.
 */
#include <tzshare/ffa.h>
#include <tzshare/lib.h>
#include <tzshare/spmc.h>

#include "mem_util.h"
#include "spmc_fixture.h"
#include "test.h"

static void die(uint16_t id)
{
	struct spmc_output out;

	spmc_partition_abort(fx.spmc, id, &out);
}

/* The partition comes back (new process) with a fresh mailbox. */
static void reconnect(uint16_t id)
{
	struct ffa_regs r;

	r = fx_call(&fx, id, FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0);
	ASSERT_EQ(r.x[0], FFA_VERSION_1_2);
	r = fx_call(&fx, id, FFA_RXTX_MAP_64, fx_tx_pa(id), fx_rx_pa(id), 1, 0,
		    0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
}

/* Hafnium: relinquish on the aborted borrower's behalf. */
TEST(borrower_dies_holding_memory_owner_can_reclaim)
{
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = mt_lend(FX_VM1, FX_SP1, MT_VM1_PA, 2, 0);
	mt_retrieve_ok(FX_SP1, FX_VM1, h, FFA_MEM_KIND_LEND);
	die(FX_SP1);
	ASSERT_EQ(mt_access(FX_SP1, MT_VM1_PA, MT_PAGE), 0);
	ASSERT_EQ(mt_live(), 1);
	r = mt_reclaim(FX_VM1, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(mt_access(FX_VM1, MT_VM1_PA, 2 * MT_PAGE), FFA_PERM_DATA_RW);
	ASSERT_EQ(mt_live(), 0);
	mt_fini();
}

/* A dead borrower's zero-after-relinquish request is honoured. */
TEST(borrower_dies_after_asking_for_zeroing_memory_is_zeroed)
{
	struct mt_req q;
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = mt_lend(FX_VM1, FX_SP1, MT_VM1_PA, 1, 0);
	q = mt_req(FX_VM1, FX_SP1, h, FFA_MEM_KIND_LEND);
	q.flags |= FFA_MEM_FLAG_CLEAR_RELINQUISH;
	r = mt_retrieve_req(FX_SP1, &q);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	mt_fill(MT_VM1_PA, 1, 0xD1);
	die(FX_SP1);
	ASSERT_TRUE(mt_is_filled(MT_VM1_PA, 1, 0));
	mt_fini();
}

/* Owner dies while borrowed: the reclaim is deferred; new retrieves are
 * DENIED; the last relinquish frees the transaction and returns the pages
 * to the owner. */
TEST(owner_dies_while_borrowed_reclaim_is_deferred_until_relinquish)
{
	struct mt_send s;
	struct mt_req q;
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.emad_count = 2;
	s.emads[1] = mt_emad(FX_SP2, FFA_PERM_DATA_RW);
	h = mt_send_ok(FFA_MEM_SHARE_64, &s);
	q = mt_req(FX_VM1, FX_SP1, h, FFA_MEM_KIND_SHARE);
	q.flags |= FFA_MEM_FLAG_BYPASS_BORROWER_CHECK;
	r = mt_retrieve_req(FX_SP1, &q);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	die(FX_VM1);
	ASSERT_EQ(mt_live(), 1);
	/* The borrower keeps what it mapped until it lets go. */
	ASSERT_EQ(mt_access(FX_SP1, MT_VM1_PA, MT_PAGE), FFA_PERM_DATA_RW);
	q = mt_req(FX_VM1, FX_SP2, h, FFA_MEM_KIND_SHARE);
	q.flags |= FFA_MEM_FLAG_BYPASS_BORROWER_CHECK;
	r = mt_retrieve_req(FX_SP2, &q);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	r = mt_relinquish(FX_SP1, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(mt_live(), 0);
	ASSERT_EQ(spmc_page_owner(fx.spmc, MT_VM1_PA), FX_VM1);
	ASSERT_EQ(mt_access(FX_SP1, MT_VM1_PA, MT_PAGE), 0);
	/* The handle is gone; the reconnected owner uses the pages again. */
	r = mt_relinquish(FX_SP1, h, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	reconnect(FX_VM1);
	ASSERT_EQ(mt_access(FX_VM1, MT_VM1_PA, MT_PAGE), FFA_PERM_DATA_RW);
	mt_share(FX_VM1, FX_SP2, MT_VM1_PA, 1);
	mt_fini();
}

TEST(owner_dies_without_borrowers_transactions_are_reclaimed)
{
	mt_init();
	mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	mt_lend(FX_VM1, FX_SP1, MT_VM1_PA + MT_PAGE, 1, 0);
	mt_donate(FX_VM1, FX_SP2, MT_VM1_PA + 2 * MT_PAGE, 1);
	mt_share(FX_VM2, FX_SP1, MT_VM2_PA, 1);
	die(FX_VM1);
	ASSERT_EQ(mt_live(), 1);
	ASSERT_EQ(spmc_page_owner(fx.spmc, MT_VM1_PA + 2 * MT_PAGE), FX_VM1);
	ASSERT_EQ(mt_access(FX_VM1, MT_VM1_PA, 3 * MT_PAGE), FFA_PERM_DATA_RW);
	mt_fini();
}

/* A partial fragmented send of a dead sender is freed. */
TEST(sender_dies_mid_fragmented_send_transaction_is_freed)
{
	struct mt_send s;
	struct ffa_regs r;
	uint32_t len = 0;
	uint64_t h = 0;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.cons_count = 3;
	s.cons[1] = mt_cons(MT_VM1_PA + 2 * MT_PAGE, 1);
	s.cons[2] = mt_cons(MT_VM1_PA + 4 * MT_PAGE, 1);
	len = mt_put(&s);
	r = mt_call_send(FX_VM1, FFA_MEM_SHARE_64, len, len - 32);
	ASSERT_EQ(r.x[0], FFA_MEM_FRAG_RX);
	h = ffa_handle_make((uint32_t)r.x[1], (uint32_t)r.x[2]);
	ASSERT_EQ(mt_live(), 1);
	die(FX_VM1);
	ASSERT_EQ(mt_live(), 0);
	reconnect(FX_VM1);
	r = fx_call(&fx, FX_VM1, FFA_MEM_FRAG_TX, (uint32_t)h,
		    (uint32_t)(h >> 32), 32, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	mt_assert_unchanged(0, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	mt_fini();
}

/* A borrower that dies mid fragmented retrieve: the retrieval is dropped
 * and the owner can reclaim. */
TEST(borrower_dies_mid_fragmented_retrieve_is_dropped)
{
	static struct ffa_constituent cons[300];
	struct mt_send s;
	struct ffa_regs r;
	uint32_t len = 0;
	uint32_t i = 0;
	uint64_t h = 0;
	uint8_t *buf = NULL;

	mt_init();
	for (i = 0; i < 300; i++) {
		cons[i] = mt_cons(MT_VM1_PA + 2ull * i * MT_PAGE, 1);
	}
	s = mt_desc(FFA_MEM_LEND_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.cons_count = 300;
	s.cons_ext = cons;
	buf = calloc(1, 8192);
	len = mt_encode(&s, buf, 8192);
	memcpy(fx_tx(&fx, FX_VM1), buf, MT_PAGE);
	r = mt_call_send(FX_VM1, FFA_MEM_LEND_64, len, MT_PAGE);
	ASSERT_EQ(r.x[0], FFA_MEM_FRAG_RX);
	h = ffa_handle_make((uint32_t)r.x[1], (uint32_t)r.x[2]);
	memcpy(fx_tx(&fx, FX_VM1), buf + MT_PAGE, len - MT_PAGE);
	r = fx_call(&fx, FX_VM1, FFA_MEM_FRAG_TX, (uint32_t)h,
		    (uint32_t)(h >> 32), len - MT_PAGE, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	free(buf);
	r = mt_retrieve(FX_SP1, FX_VM1, h, FFA_MEM_KIND_LEND);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	ASSERT_TRUE(r.x[2] < r.x[1]);
	r = mt_reclaim(FX_VM1, h, 0);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	die(FX_SP1);
	r = mt_reclaim(FX_VM1, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(mt_live(), 0);
	mt_fini();
}

/* One of two borrowers dies: the other still holds the memory. */
TEST(one_borrower_dies_other_borrower_keeps_access)
{
	struct mt_send s;
	struct mt_req q;
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.emad_count = 2;
	s.emads[1] = mt_emad(FX_SP2, FFA_PERM_DATA_RO);
	h = mt_send_ok(FFA_MEM_SHARE_64, &s);
	q = mt_req(FX_VM1, FX_SP1, h, FFA_MEM_KIND_SHARE);
	q.emad_count = 2;
	q.emads[1] = mt_emad(FX_SP2, FFA_PERM_DATA_RO);
	r = mt_retrieve_req(FX_SP1, &q);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	r = mt_retrieve_req(FX_SP2, &q);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	die(FX_SP1);
	ASSERT_EQ(mt_access(FX_SP1, MT_VM1_PA, MT_PAGE), 0);
	ASSERT_EQ(mt_access(FX_SP2, MT_VM1_PA, MT_PAGE), FFA_PERM_DATA_RO);
	r = mt_reclaim(FX_VM1, h, 0);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	r = mt_relinquish(FX_SP2, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	r = mt_reclaim(FX_VM1, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	mt_fini();
}

/* A DONATE whose sender died before the retrieve returns to the sender. */
TEST(owner_dies_with_unretrieved_donate_pages_return)
{
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = mt_donate(FX_SP1, FX_SP2, MT_SP1_PA, 2);
	die(FX_SP1);
	ASSERT_EQ(mt_live(), 0);
	r = mt_retrieve(FX_SP2, FX_SP1, h, FFA_MEM_KIND_DONATE);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	ASSERT_EQ(spmc_page_owner(fx.spmc, MT_SP1_PA + MT_PAGE), FX_SP1);
	mt_fini();
}

/* Abort of a partition unrelated to a transaction changes nothing. */
TEST(abort_of_an_unrelated_partition_changes_nothing)
{
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = mt_lend(FX_VM1, FX_SP1, MT_VM1_PA, 1, 0);
	mt_retrieve_ok(FX_SP1, FX_VM1, h, FFA_MEM_KIND_LEND);
	die(FX_SP2);
	die(FX_VM2);
	ASSERT_EQ(mt_live(), 1);
	ASSERT_EQ(mt_access(FX_SP1, MT_VM1_PA, MT_PAGE), FFA_PERM_DATA_RW);
	r = mt_reclaim(FX_VM1, h, 0);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	mt_fini();
}

/* A hypervisor that dies mid fragmented hypervisor retrieve: the next
 * one (after it reconnects) is not refused as "in flight". */
TEST(hypervisor_dies_mid_retrieve_request_is_dropped)
{
	struct fx_opts o = { .cfg = { .has_hypervisor = true,
				      .hypervisor_id = FX_VM2 } };
	static struct ffa_constituent cons[300];
	struct mt_send s;
	struct mt_req q;
	struct ffa_regs r;
	uint8_t *buf = NULL;
	uint32_t len = 0;
	uint32_t i = 0;
	uint64_t h = 0;

	mt_init_opts(&o);
	for (i = 0; i < 300; i++) {
		cons[i] = mt_cons(MT_VM1_PA + 2ull * i * MT_PAGE, 1);
	}
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.cons_count = 300;
	s.cons_ext = cons;
	buf = calloc(1, 8192);
	len = mt_encode(&s, buf, 8192);
	memcpy(fx_tx(&fx, FX_VM1), buf, MT_PAGE);
	r = mt_call_send(FX_VM1, FFA_MEM_SHARE_64, len, MT_PAGE);
	h = ffa_handle_make((uint32_t)r.x[1], (uint32_t)r.x[2]);
	memcpy(fx_tx(&fx, FX_VM1), buf + MT_PAGE, len - MT_PAGE);
	r = fx_call(&fx, FX_VM1, FFA_MEM_FRAG_TX, (uint32_t)h,
		    (uint32_t)(h >> 32), len - MT_PAGE, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	free(buf);
	memset(&q, 0, sizeof(q));
	q.version = mt_version;
	q.handle = h;
	r = mt_retrieve_req(FX_VM2, &q);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	die(FX_VM2);
	reconnect(FX_VM2);
	r = mt_retrieve_req(FX_VM2, &q);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	mt_fini();
}
