// SPDX-License-Identifier: BSD-2-Clause
/*
 * Tests of core/spmc/mem_frag.c: fragmented sends (FFA_MEM_FRAG_TX) and
 * fragmented retrieve responses (FFA_MEM_FRAG_RX), ffa.md §3.3 and §4.
 */
#include <tzshare/ffa.h>
#include <tzshare/lib.h>
#include <tzshare/spmc.h>

#include "mem_util.h"
#include "spmc_fixture.h"
#include "test.h"

#define MAX_CONS 400

static uint8_t desc[64 * 1024];
static struct ffa_constituent cons[MAX_CONS];

/* @n one-page constituents on every other page (never merged). */
static void make_cons(uint32_t n, uint64_t base)
{
	uint32_t i = 0;

	for (i = 0; i < n; i++) {
		cons[i] = mt_cons(base + 2ull * i * MT_PAGE, 1);
	}
}

/* Encode a send of @n constituents from VM 1 to @receiver into desc[]. */
static uint32_t encode_big(uint32_t fid, uint16_t sender, uint16_t receiver,
			   uint32_t n, uint64_t base)
{
	struct mt_send s = mt_desc(fid, sender, receiver, base, 1);

	make_cons(n, base);
	s.cons_count = n;
	s.cons_ext = cons;
	return mt_encode(&s, desc, sizeof(desc));
}

static struct ffa_regs frag_tx(uint16_t caller, uint64_t h, uint32_t len,
			       uint32_t w4)
{
	return fx_call(&fx, caller, FFA_MEM_FRAG_TX, (uint32_t)h,
		       (uint32_t)(h >> 32), len, w4, 0, 0, 0);
}

static struct ffa_regs frag_rx(uint16_t caller, uint64_t h, uint32_t off,
			       uint32_t w4)
{
	return fx_call(&fx, caller, FFA_MEM_FRAG_RX, (uint32_t)h,
		       (uint32_t)(h >> 32), off, w4, 0, 0, 0);
}

/* First fragment of desc[]: returns the handle from FFA_MEM_FRAG_RX. */
static uint64_t send_first(uint16_t sender, uint32_t fid, uint32_t total,
			   uint32_t first)
{
	struct ffa_regs r;

	memcpy(fx_tx(&fx, sender), desc, first);
	r = mt_call_send(sender, fid, total, first);
	ASSERT_EQ(r.x[0], FFA_MEM_FRAG_RX);
	ASSERT_EQ(r.x[3], first);
	ASSERT_EQ(r.x[4], 0);
	return ffa_handle_make((uint32_t)r.x[1], (uint32_t)r.x[2]);
}

/* Next fragment [off, off + len) of desc[]. */
static struct ffa_regs send_next(uint16_t sender, uint64_t h, uint32_t off,
				 uint32_t len)
{
	memcpy(fx_tx(&fx, sender), desc + off, len);
	return frag_tx(sender, h, len, 0);
}

/*
 * Send desc[] in a first fragment of @first bytes and then @chunk-byte
 * fragments; asserts every intermediate FFA_MEM_FRAG_RX. Returns the last
 * result.
 */
static struct ffa_regs send_fragmented(uint16_t sender, uint32_t fid,
				       uint32_t total, uint32_t first,
				       uint32_t chunk, uint64_t *handle)
{
	struct ffa_regs r;
	uint32_t off = first;
	uint64_t h = send_first(sender, fid, total, first);

	*handle = h;
	for (;;) {
		uint32_t len = total - off < chunk ? total - off : chunk;

		r = send_next(sender, h, off, len);
		off += len;
		if (off == total || r.x[0] != FFA_MEM_FRAG_RX) {
			return r;
		}
		ASSERT_EQ(ffa_handle_make((uint32_t)r.x[1], (uint32_t)r.x[2]),
			  h);
		ASSERT_EQ(r.x[3], off);
		ASSERT_EQ(r.x[4], 0);
	}
}

/* Fetch a fragmented response: returns every constituent address. */
static void fetch_all(uint16_t ep, uint64_t h, const struct ffa_regs *first,
		      uint32_t version, uint64_t *addrs, uint32_t *count)
{
	struct mt_resp m;
	uint32_t total = (uint32_t)first->x[1];
	uint32_t got = (uint32_t)first->x[2];
	uint32_t n = 0;
	uint32_t i = 0;

	mt_parse_resp(ep, version, got, &m);
	n = (got - m.cons_offset) / 16;
	for (i = 0; i < n; i++) {
		addrs[i] = mt_resp_cons(ep, &m, i).address;
	}
	while (got < total) {
		struct ffa_regs r;
		struct ffa_constituent c;
		uint32_t len = 0;

		r = mt_rx_release(ep);
		ASSERT_FFA_SUCCESS(&r);
		r = frag_rx(ep, h, got, 0);
		ASSERT_EQ(r.x[0], FFA_MEM_FRAG_TX);
		ASSERT_EQ(ffa_handle_make((uint32_t)r.x[1], (uint32_t)r.x[2]),
			  h);
		len = (uint32_t)r.x[3];
		ASSERT_TRUE(len > 0 && len % 16 == 0);
		for (i = 0; i < len / 16; i++) {
			ASSERT_EQ(ffa_constituent_decode(fx_rx(&fx, ep), len,
							 16ull * i, &c),
				  FFA_OK);
			addrs[n++] = c.address;
		}
		got += len;
	}
	*count = n;
}

/* ---- fragmented send ------------------------------------------------- */

/* Hafnium lend_fragmented_relinquish / force_fragmented: one constituent
 * per fragment. */
TEST(send_with_one_constituent_per_fragment_succeeds)
{
	uint64_t addrs[16];
	struct ffa_regs r;
	uint32_t total = 0;
	uint32_t n = 0;
	uint32_t i = 0;
	uint64_t h = 0;

	mt_init();
	total = encode_big(FFA_MEM_LEND_64, FX_VM1, FX_SP1, 10, MT_VM1_PA);
	r = send_fragmented(FX_VM1, FFA_MEM_LEND_64, total, total - 9 * 16, 16,
			    &h);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(mt_handle(&r), h);
	ASSERT_EQ(mt_live(), 1);
	ASSERT_EQ(mt_access(FX_VM1, MT_VM1_PA + 18 * MT_PAGE, MT_PAGE), 0);
	ASSERT_EQ(mt_access(FX_VM1, MT_VM1_PA + MT_PAGE, MT_PAGE),
		  FFA_PERM_DATA_RW);
	r = mt_retrieve(FX_SP1, FX_VM1, h, FFA_MEM_KIND_LEND);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	fetch_all(FX_SP1, h, &r, FFA_VERSION_1_2, addrs, &n);
	ASSERT_EQ(n, 10);
	for (i = 0; i < 10; i++) {
		ASSERT_EQ(addrs[i], MT_VM1_PA + 2ull * i * MT_PAGE);
	}
	mt_fini();
}

/* 300 constituents with a 4K TX: two fragments; the response needs two
 * RX fragments as well (FRAG_RX/FRAG_TX loop). */
TEST(send_and_retrieve_of_300_constituents_are_fragmented)
{
	static uint64_t addrs[MAX_CONS];
	struct ffa_regs r;
	uint32_t total = 0;
	uint32_t n = 0;
	uint32_t i = 0;
	uint64_t h = 0;

	mt_init();
	total = encode_big(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, 300, MT_VM1_PA);
	ASSERT_EQ(total, 96 + 300 * 16);
	r = send_fragmented(FX_VM1, FFA_MEM_SHARE_64, total, MT_PAGE, MT_PAGE,
			    &h);
	ASSERT_FFA_SUCCESS(&r);
	r = mt_retrieve(FX_SP1, FX_VM1, h, FFA_MEM_KIND_SHARE);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	ASSERT_EQ(r.x[1], total);
	ASSERT_EQ(r.x[2], MT_PAGE);
	fetch_all(FX_SP1, h, &r, FFA_VERSION_1_2, addrs, &n);
	ASSERT_EQ(n, 300);
	for (i = 0; i < 300; i++) {
		ASSERT_EQ(addrs[i], MT_VM1_PA + 2ull * i * MT_PAGE);
	}
	ASSERT_EQ(mt_access(FX_SP1, MT_VM1_PA + 598 * MT_PAGE, MT_PAGE),
		  FFA_PERM_DATA_RW);
	r = mt_relinquish(FX_SP1, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	r = mt_reclaim(FX_VM1, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(mt_live(), 0);
	mt_fini();
}

/* Hafnium fail_fragmented_if_retrieve_before_sent: an incomplete send is
 * neither retrievable nor reclaimable, and holds no page. */
TEST(incomplete_send_is_not_retrievable_or_reclaimable)
{
	struct ffa_regs r;
	uint32_t total = 0;
	uint64_t h = 0;

	mt_init();
	total = encode_big(FFA_MEM_LEND_64, FX_VM1, FX_SP1, 4, MT_VM1_PA);
	h = send_first(FX_VM1, FFA_MEM_LEND_64, total, total - 32);
	ASSERT_EQ(mt_live(), 1);
	r = mt_retrieve(FX_SP1, FX_VM1, h, FFA_MEM_KIND_LEND);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = mt_reclaim(FX_VM1, h, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = mt_relinquish(FX_SP1, h, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = frag_rx(FX_SP1, h, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	ASSERT_EQ(mt_access(FX_VM1, MT_VM1_PA, MT_PAGE), FFA_PERM_DATA_RW);
	/* The rest completes the send normally. */
	r = send_next(FX_VM1, h, total - 32, 32);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(mt_access(FX_VM1, MT_VM1_PA, MT_PAGE), 0);
	mt_fini();
}

/* Pages are checked at completion: a page taken by another transaction
 * in the meantime fails the fragmented send, which is dropped. */
TEST(fragmented_send_checks_pages_at_completion)
{
	struct ffa_regs r;
	uint32_t total = 0;
	uint64_t h = 0;

	mt_init();
	total = encode_big(FFA_MEM_LEND_64, FX_VM1, FX_SP1, 4, MT_VM1_PA);
	h = send_first(FX_VM1, FFA_MEM_LEND_64, total, total - 16);
	mt_share(FX_VM1, FX_SP2, MT_VM1_PA + 6 * MT_PAGE, 1);
	r = send_next(FX_VM1, h, total - 16, 16);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	ASSERT_EQ(mt_live(), 1);
	ASSERT_EQ(mt_access(FX_VM1, MT_VM1_PA, MT_PAGE), FFA_PERM_DATA_RW);
	r = frag_tx(FX_VM1, h, 16, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	mt_fini();
}

/* Overlap is checked across fragments (Hafnium fix log). */
TEST(fragmented_send_with_overlap_across_fragments_is_invalid)
{
	struct ffa_regs r;
	uint32_t total = 0;
	uint64_t h = 0;

	mt_init();
	total = encode_big(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, 3, MT_VM1_PA);
	/* The last constituent repeats the first page. */
	le64_put(desc + total - 16, MT_VM1_PA);
	h = send_first(FX_VM1, FFA_MEM_SHARE_64, total, total - 16);
	r = send_next(FX_VM1, h, total - 16, 16);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	mt_assert_unchanged(0, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	mt_fini();
}

TEST(fragmented_send_with_page_count_mismatch_is_invalid)
{
	struct ffa_regs r;
	uint32_t total = 0;
	uint64_t h = 0;

	mt_init();
	total = encode_big(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, 3, MT_VM1_PA);
	le32_put(desc + total - 16 + 8, 2);
	h = send_first(FX_VM1, FFA_MEM_SHARE_64, total, total - 16);
	r = send_next(FX_VM1, h, total - 16, 16);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	mt_assert_unchanged(0, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	mt_fini();
}

/* A malformed constituent in a later fragment is reported when the send
 * completes (as Hafnium checks constituents), and the send is dropped. */
TEST(fragmented_send_with_bad_constituent_fails_at_completion)
{
	struct ffa_regs r;
	uint32_t total = 0;
	uint64_t h = 0;

	mt_init();
	total = encode_big(FFA_MEM_LEND_64, FX_VM1, FX_SP1, 3, MT_VM1_PA);
	le64_put(desc + total - 32, MT_VM1_PA + 0x10800);
	h = send_first(FX_VM1, FFA_MEM_LEND_64, total, total - 32);
	r = send_next(FX_VM1, h, total - 32, 16);
	ASSERT_EQ(r.x[0], FFA_MEM_FRAG_RX);
	r = send_next(FX_VM1, h, total - 16, 16);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	mt_assert_unchanged(0, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	mt_fini();
}

/* Each fragment is copied when FRAG_TX is called. */
TEST(fragments_are_copied_at_each_call)
{
	struct ffa_regs r;
	struct mt_resp m;
	uint32_t total = 0;
	uint64_t h = 0;

	mt_init();
	total = encode_big(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, 3, MT_VM1_PA);
	h = send_first(FX_VM1, FFA_MEM_SHARE_64, total, total - 32);
	r = send_next(FX_VM1, h, total - 32, 16);
	ASSERT_EQ(r.x[0], FFA_MEM_FRAG_RX);
	memset(fx_tx(&fx, FX_VM1), 0xFF, MT_PAGE);
	r = send_next(FX_VM1, h, total - 16, 16);
	ASSERT_FFA_SUCCESS(&r);
	r = mt_retrieve(FX_SP1, FX_VM1, h, FFA_MEM_KIND_SHARE);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	mt_parse_resp(FX_SP1, FFA_VERSION_1_2, (uint32_t)r.x[2], &m);
	ASSERT_EQ(mt_resp_cons(FX_SP1, &m, 1).address, MT_VM1_PA + 2 * MT_PAGE);
	mt_fini();
}

TEST(frag_tx_by_another_endpoint_is_invalid)
{
	struct ffa_regs r;
	uint32_t total = 0;
	uint64_t h = 0;

	mt_init();
	total = encode_big(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, 2, MT_VM1_PA);
	h = send_first(FX_VM1, FFA_MEM_SHARE_64, total, total - 16);
	r = send_next(FX_VM2, h, total - 16, 16);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = send_next(FX_SP1, h, total - 16, 16);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = send_next(FX_VM1, h, total - 16, 16);
	ASSERT_FFA_SUCCESS(&r);
	mt_fini();
}

TEST(frag_tx_with_unknown_handle_is_invalid)
{
	struct ffa_regs r;
	uint32_t total = 0;
	uint64_t h = 0;

	mt_init();
	total = encode_big(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, 2, MT_VM1_PA);
	h = send_first(FX_VM1, FFA_MEM_SHARE_64, total, total - 16);
	r = send_next(FX_VM1, h + 1, total - 16, 16);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = send_next(FX_VM1, h ^ (1ull << 50), total - 16, 16);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	ASSERT_EQ(mt_live(), 1);
	mt_fini();
}

/* Fragment length: whole constituents, at least one, at most TX. */
TEST(frag_tx_with_bad_length_is_invalid)
{
	static const uint32_t bad[] = { 0, 8, 24, MT_PAGE + 16 };
	struct ffa_regs r;
	uint32_t total = 0;
	unsigned int i = 0;
	uint64_t h = 0;

	mt_init();
	total = encode_big(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, 2, MT_VM1_PA);
	h = send_first(FX_VM1, FFA_MEM_SHARE_64, total, total - 16);
	for (i = 0; i < TZS_ARRAY_SIZE(bad); i++) {
		r = frag_tx(FX_VM1, h, bad[i], 0);
		ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	}
	r = send_next(FX_VM1, h, total - 16, 16);
	ASSERT_FFA_SUCCESS(&r);
	mt_fini();
}

/* w4 carries a sender ID only at a physical FF-A instance. */
TEST(frag_tx_with_nonzero_w4_is_invalid)
{
	struct ffa_regs r;
	uint32_t total = 0;
	uint64_t h = 0;

	mt_init();
	total = encode_big(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, 2, MT_VM1_PA);
	h = send_first(FX_VM1, FFA_MEM_SHARE_64, total, total - 16);
	memcpy(fx_tx(&fx, FX_VM1), desc + total - 16, 16);
	r = frag_tx(FX_VM1, h, 16, (uint32_t)FX_VM1 << 16);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = frag_tx(FX_VM1, h, 16, 0);
	ASSERT_FFA_SUCCESS(&r);
	mt_fini();
}

TEST(frag_tx_after_completion_is_invalid)
{
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	r = frag_tx(FX_VM1, h, 16, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	ASSERT_EQ(mt_live(), 1);
	mt_fini();
}

/* A fragment beyond the announced total is refused; the transaction
 * survives and the right fragment completes it. */
TEST(frag_tx_beyond_total_length_is_invalid)
{
	struct ffa_regs r;
	uint32_t total = 0;
	uint64_t h = 0;

	mt_init();
	total = encode_big(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, 3, MT_VM1_PA);
	h = send_first(FX_VM1, FFA_MEM_SHARE_64, total, total - 16);
	r = send_next(FX_VM1, h, total - 32, 32);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	ASSERT_EQ(mt_live(), 1);
	r = send_next(FX_VM1, h, total - 16, 16);
	ASSERT_FFA_SUCCESS(&r);
	mt_fini();
}

/* Hafnium MAX_FRAGMENTS: the call that would add one fragment too many
 * gets NO_MEMORY and the transaction is dropped. */
TEST(send_beyond_max_fragments_is_no_memory_and_dropped)
{
	struct fx_opts o = { .cfg = { .max_fragments = 3 } };
	struct ffa_regs r;
	uint32_t total = 0;
	uint64_t h = 0;

	mt_init_opts(&o);
	total = encode_big(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, 4, MT_VM1_PA);
	h = send_first(FX_VM1, FFA_MEM_SHARE_64, total, total - 48);
	r = send_next(FX_VM1, h, total - 48, 16);
	ASSERT_EQ(r.x[0], FFA_MEM_FRAG_RX);
	r = send_next(FX_VM1, h, total - 32, 16);
	ASSERT_EQ(r.x[0], FFA_MEM_FRAG_RX);
	r = send_next(FX_VM1, h, total - 16, 16);
	ASSERT_FFA_ERROR(&r, FFA_NO_MEMORY);
	ASSERT_EQ(mt_live(), 0);
	r = send_next(FX_VM1, h, total - 16, 16);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	mt_assert_unchanged(0, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	mt_fini();
}

TEST(send_in_exactly_max_fragments_completes)
{
	struct fx_opts o = { .cfg = { .max_fragments = 3 } };
	struct ffa_regs r;
	uint32_t total = 0;
	uint64_t h = 0;

	mt_init_opts(&o);
	total = encode_big(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, 3, MT_VM1_PA);
	r = send_fragmented(FX_VM1, FFA_MEM_SHARE_64, total, total - 32, 16,
			    &h);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(mt_live(), 1);
	mt_fini();
}

TEST(v10_caller_can_send_fragmented)
{
	struct fx_opts o = { .version = FFA_VERSION_1_0 };
	uint64_t addrs[8];
	struct ffa_regs r;
	uint32_t total = 0;
	uint32_t n = 0;
	uint64_t h = 0;

	mt_init_opts(&o);
	total = encode_big(FFA_MEM_LEND_64, FX_VM1, FX_SP1, 5, MT_VM1_PA);
	ASSERT_EQ(total, 32 + 16 + 16 + 5 * 16);
	r = send_fragmented(FX_VM1, FFA_MEM_LEND_64, total, total - 64, 16, &h);
	ASSERT_FFA_SUCCESS(&r);
	r = mt_retrieve(FX_SP1, FX_VM1, h, FFA_MEM_KIND_LEND);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	fetch_all(FX_SP1, h, &r, FFA_VERSION_1_0, addrs, &n);
	ASSERT_EQ(n, 5);
	ASSERT_EQ(addrs[4], MT_VM1_PA + 8 * MT_PAGE);
	mt_fini();
}

/* ---- fragmented retrieve ----------------------------------------------- */

/* A complete 300-constituent share to @borrower; returns the handle. */
static uint64_t big_share(uint16_t borrower)
{
	struct ffa_regs r;
	uint32_t total = 0;
	uint64_t h = 0;

	total = encode_big(FFA_MEM_SHARE_64, FX_VM1, borrower, 300, MT_VM1_PA);
	r = send_fragmented(FX_VM1, FFA_MEM_SHARE_64, total, MT_PAGE, MT_PAGE,
			    &h);
	ASSERT_FFA_SUCCESS(&r);
	return h;
}

TEST(frag_rx_while_rx_is_full_is_busy)
{
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = big_share(FX_SP1);
	r = mt_retrieve(FX_SP1, FX_VM1, h, FFA_MEM_KIND_SHARE);
	ASSERT_EQ(r.x[2], MT_PAGE);
	r = frag_rx(FX_SP1, h, MT_PAGE, 0);
	ASSERT_FFA_ERROR(&r, FFA_BUSY);
	mt_rx_release(FX_SP1);
	r = frag_rx(FX_SP1, h, MT_PAGE, 0);
	ASSERT_EQ(r.x[0], FFA_MEM_FRAG_TX);
	ASSERT_EQ(r.x[3], 50 * 16);
	/* The rest of RX is zero after the last chunk. */
	ASSERT_TRUE(tzs_is_zero(fx_rx(&fx, FX_SP1) + 800, MT_PAGE - 800));
	mt_fini();
}

/* Hafnium validates the offset exactly. */
TEST(frag_rx_with_wrong_offset_is_invalid)
{
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = big_share(FX_SP1);
	r = mt_retrieve(FX_SP1, FX_VM1, h, FFA_MEM_KIND_SHARE);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	mt_rx_release(FX_SP1);
	r = frag_rx(FX_SP1, h, MT_PAGE - 16, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = frag_rx(FX_SP1, h, MT_PAGE + 16, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = frag_rx(FX_SP1, h, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = frag_rx(FX_SP1, h, MT_PAGE, 0);
	ASSERT_EQ(r.x[0], FFA_MEM_FRAG_TX);
	/* Everything delivered: a further FRAG_RX has nothing to continue. */
	mt_rx_release(FX_SP1);
	r = frag_rx(FX_SP1, h, MT_PAGE + 800, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	mt_fini();
}

TEST(frag_rx_by_non_borrower_or_without_retrieve_is_invalid)
{
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = big_share(FX_SP1);
	r = frag_rx(FX_SP1, h, MT_PAGE, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = mt_retrieve(FX_SP1, FX_VM1, h, FFA_MEM_KIND_SHARE);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	r = frag_rx(FX_SP2, h, MT_PAGE, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = frag_rx(FX_VM1, h, MT_PAGE, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = frag_rx(FX_SP1, h + 1, MT_PAGE, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	mt_rx_release(FX_SP1);
	r = frag_rx(FX_SP1, h, MT_PAGE, (uint32_t)FX_VM1 << 16);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = frag_rx(FX_SP1, h, MT_PAGE, 0);
	ASSERT_EQ(r.x[0], FFA_MEM_FRAG_TX);
	mt_fini();
}

/* The retrieval counts only after the last chunk (Hafnium): before it the
 * borrower has no access, cannot relinquish, cannot retrieve again, and
 * the owner cannot reclaim. */
TEST(fragmented_retrieval_completes_only_after_last_chunk)
{
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = big_share(FX_SP1);
	r = mt_retrieve(FX_SP1, FX_VM1, h, FFA_MEM_KIND_SHARE);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	ASSERT_EQ(mt_access(FX_SP1, MT_VM1_PA, MT_PAGE), 0);
	r = mt_relinquish(FX_SP1, h, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	mt_rx_release(FX_SP1);
	r = mt_retrieve(FX_SP1, FX_VM1, h, FFA_MEM_KIND_SHARE);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	r = mt_reclaim(FX_VM1, h, 0);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	r = frag_rx(FX_SP1, h, MT_PAGE, 0);
	ASSERT_EQ(r.x[0], FFA_MEM_FRAG_TX);
	ASSERT_EQ(mt_access(FX_SP1, MT_VM1_PA, MT_PAGE), FFA_PERM_DATA_RW);
	r = mt_relinquish(FX_SP1, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	r = mt_reclaim(FX_VM1, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	mt_fini();
}

/* DONATE: ownership moves only when the last chunk is delivered. */
TEST(fragmented_donate_moves_ownership_after_last_chunk)
{
	static uint64_t addrs[MAX_CONS];
	struct ffa_regs r;
	uint32_t total = 0;
	uint32_t n = 0;
	uint64_t h = 0;

	mt_init();
	total = encode_big(FFA_MEM_DONATE_64, FX_VM1, FX_SP1, 300, MT_VM1_PA);
	r = send_fragmented(FX_VM1, FFA_MEM_DONATE_64, total, MT_PAGE, MT_PAGE,
			    &h);
	ASSERT_FFA_SUCCESS(&r);
	r = mt_retrieve(FX_SP1, FX_VM1, h, FFA_MEM_KIND_DONATE);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	ASSERT_EQ(spmc_page_owner(fx.spmc, MT_VM1_PA), FX_VM1);
	ASSERT_EQ(mt_live(), 1);
	fetch_all(FX_SP1, h, &r, FFA_VERSION_1_2, addrs, &n);
	ASSERT_EQ(n, 300);
	ASSERT_EQ(mt_live(), 0);
	ASSERT_EQ(spmc_page_owner(fx.spmc, MT_VM1_PA + 598 * MT_PAGE), FX_SP1);
	ASSERT_EQ(spmc_page_owner(fx.spmc, MT_VM1_PA + 599 * MT_PAGE), FX_VM1);
	mt_fini();
}

/* Hafnium fragmented multi-receiver: a fragmented send to two SPs,
 * each fetching its fragmented response with the bypass flag. */
TEST(fragmented_multi_borrower_send_and_retrieves)
{
	static uint64_t addrs[MAX_CONS];
	struct mt_send s;
	struct mt_req q;
	struct ffa_regs r;
	uint32_t total = 0;
	uint32_t n = 0;
	uint64_t h = 0;

	mt_init();
	make_cons(300, MT_VM1_PA);
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.emad_count = 2;
	s.emads[1] = mt_emad(FX_SP2, FFA_PERM_DATA_RO);
	s.cons_count = 300;
	s.cons_ext = cons;
	total = mt_encode(&s, desc, sizeof(desc));
	r = send_fragmented(FX_VM1, FFA_MEM_SHARE_64, total, MT_PAGE, MT_PAGE,
			    &h);
	ASSERT_FFA_SUCCESS(&r);
	q = mt_req(FX_VM1, FX_SP1, h, FFA_MEM_KIND_SHARE);
	q.flags |= FFA_MEM_FLAG_BYPASS_BORROWER_CHECK;
	r = mt_retrieve_req(FX_SP1, &q);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	fetch_all(FX_SP1, h, &r, FFA_VERSION_1_2, addrs, &n);
	ASSERT_EQ(n, 300);
	q = mt_req(FX_VM1, FX_SP2, h, FFA_MEM_KIND_SHARE);
	q.emads[0].perms = FFA_PERM_DATA_RO;
	q.flags |= FFA_MEM_FLAG_BYPASS_BORROWER_CHECK;
	r = mt_retrieve_req(FX_SP2, &q);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	fetch_all(FX_SP2, h, &r, FFA_VERSION_1_2, addrs, &n);
	ASSERT_EQ(n, 300);
	ASSERT_EQ(addrs[299], MT_VM1_PA + 598 * MT_PAGE);
	ASSERT_EQ(mt_access(FX_SP1, MT_VM1_PA, MT_PAGE), FFA_PERM_DATA_RW);
	ASSERT_EQ(mt_access(FX_SP2, MT_VM1_PA, MT_PAGE), FFA_PERM_DATA_RO);
	mt_fini();
}

/* A hypervisor retrieve may be fragmented too; one at a time. */
TEST(hypervisor_retrieve_is_fragmented_and_exclusive)
{
	struct fx_opts o = { .cfg = { .has_hypervisor = true,
				      .hypervisor_id = FX_VM2 } };
	static uint64_t addrs[MAX_CONS];
	struct mt_req q;
	struct ffa_regs r;
	uint32_t n = 0;
	uint64_t h = 0;

	mt_init_opts(&o);
	h = big_share(FX_SP1);
	memset(&q, 0, sizeof(q));
	q.version = mt_version;
	q.handle = h;
	r = mt_retrieve_req(FX_VM2, &q);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	ASSERT_EQ(r.x[2], MT_PAGE);
	mt_rx_release(FX_VM2);
	r = mt_retrieve_req(FX_VM2, &q);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	/* The hypervisor may name the sender in w4[31:16]. */
	r = frag_rx(FX_VM2, h, MT_PAGE, (uint32_t)FX_VM2 << 16);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = frag_rx(FX_VM2, h, MT_PAGE, (uint32_t)FX_VM1 << 16);
	ASSERT_EQ(r.x[0], FFA_MEM_FRAG_TX);
	ASSERT_EQ(r.x[3], 800);
	mt_rx_release(FX_VM2);
	r = mt_retrieve_req(FX_VM2, &q);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	fetch_all(FX_VM2, h, &r, FFA_VERSION_1_2, addrs, &n);
	ASSERT_EQ(n, 300);
	/* The borrower is unaffected. */
	r = mt_retrieve(FX_SP1, FX_VM1, h, FFA_MEM_KIND_SHARE);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	mt_fini();
}
