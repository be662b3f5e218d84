// SPDX-License-Identifier: BSD-2-Clause
/*
 * core/virtq/virtq_dev.c against hostile rings: the test plays a driver
 * that writes raw bytes into the descriptor table, the avail ring and
 * indirect tables (virtq_fixture.h). Each protocol violation must return
 * VIRTQ_E_BROKEN, count one rejection, leave the used ring untouched and
 * keep failing after the driver "repairs" the ring; every area is an exact
 * allocation, so under ASan (SAN=1) any read or write outside a translated
 * range fails the test as well. Also: what the device accepts at the
 * limits, push checks and init checks.
 */
#include "test.h"
#include "virtq_fixture.h"

#define NUM 16u
#define DATA_LEN 65536u

static uint64_t data(uint64_t off)
{
	return vqf_addr(VQF_DATA, off);
}

static void setup(struct vqf *f, bool indirect)
{
	vqf_setup(f, NUM, true, indirect, DATA_LEN);
}

/*
 * The queue is broken for good, for rule @why: this pop and every later
 * one fail, even once the driver exposes a perfectly valid chain, and one
 * rejection was counted; the device wrote nothing to the used ring.
 */
static void assert_broken_for_good(struct vqf *f, enum virtq_reject why)
{
	struct virtq_chain c;
	unsigned int i = 0;

	ASSERT_EQ(virtq_dev_pop(&f->dev, &c), VIRTQ_E_BROKEN);
	ASSERT_TRUE(f->dev.broken);
	if (f->dev.reject != why) {
		test_fail(__FILE__, __LINE__, "rejected for \"%s\", not \"%s\"",
			  virtq_reject_name(f->dev.reject),
			  virtq_reject_name(why));
	}
	ASSERT_EQ(f->dev.stats.rejected, 1);
	ASSERT_EQ(f->dev.stats.popped, 0);
	/* Repair: every descriptor a valid one-buffer chain, all slots 0. */
	for (i = 0; i < NUM; i++) {
		vqf_desc_put(f, (uint16_t)i, data(64 * i), 64, 0, 0);
		vqf_avail_slot_put(f, (uint16_t)i, 0);
	}
	vqf_avail_idx_put(f, 1);
	ASSERT_EQ(virtq_dev_pop(&f->dev, &c), VIRTQ_E_BROKEN);
	ASSERT_EQ(virtq_dev_push(&f->dev, 0, 0), VIRTQ_E_BROKEN);
	ASSERT_FALSE(virtq_dev_notify_needed(&f->dev));
	ASSERT_EQ(f->dev.stats.rejected, 1);
	ASSERT_EQ(vqf_used_idx(f), 0);
}

static void expose_chain_at(struct vqf *f, uint16_t head)
{
	vqf_expose(f, head);
}

/* Positive control for the helpers: a valid chain pops. */
TEST(valid_chain_of_readable_then_writable_buffers_is_accepted)
{
	struct virtq_chain c;
	struct vqf f;

	setup(&f, false);
	vqf_desc_put(&f, 3, data(0), 100, VIRTQ_DESC_F_NEXT, 9);
	vqf_desc_put(&f, 9, data(4096), 200,
		     VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	vqf_desc_put(&f, 1, data(8192), 300, VIRTQ_DESC_F_WRITE, 0);
	expose_chain_at(&f, 3);
	ASSERT_EQ(virtq_dev_pop(&f.dev, &c), VIRTQ_OK);
	ASSERT_EQ(c.head, 3);
	ASSERT_EQ(c.n_out, 1);
	ASSERT_EQ(c.n_in, 2);
	ASSERT_EQ(c.out_len, 100);
	ASSERT_EQ(c.in_len, 500);
	ASSERT_TRUE(c.iov[0].ptr == f.area[VQF_DATA].base);
	ASSERT_TRUE(c.iov[2].ptr == f.area[VQF_DATA].base + 8192);
	ASSERT_EQ(virtq_dev_pop(&f.dev, &c), VIRTQ_E_EMPTY);
	vqf_teardown(&f);
}

/* §2.7.6: ring entries are chain heads, i.e. descriptor indices < num. */
TEST(avail_head_out_of_range_breaks_the_queue)
{
	struct vqf f;

	setup(&f, false);
	vqf_desc_put(&f, 0, data(0), 64, 0, 0);
	expose_chain_at(&f, NUM);
	assert_broken_for_good(&f, VIRTQ_REJ_HEAD_RANGE);
	vqf_teardown(&f);
}

/* §2.7.5: next names a descriptor of the table. */
TEST(next_out_of_range_breaks_the_queue)
{
	struct vqf f;

	setup(&f, false);
	vqf_desc_put(&f, 0, data(0), 64, VIRTQ_DESC_F_NEXT, NUM);
	expose_chain_at(&f, 0);
	assert_broken_for_good(&f, VIRTQ_REJ_NEXT_RANGE);
	vqf_teardown(&f);
}

/* §2.7.5.3.1: no chain longer than the queue size; a loop is one. */
TEST(descriptor_loop_breaks_the_queue)
{
	struct vqf f;

	setup(&f, false);
	vqf_desc_put(&f, 0, data(0), 64, VIRTQ_DESC_F_NEXT, 1);
	vqf_desc_put(&f, 1, data(64), 64, VIRTQ_DESC_F_NEXT, 0);
	expose_chain_at(&f, 0);
	assert_broken_for_good(&f, VIRTQ_REJ_CHAIN_LOOP);
	/* Bounded walk: at most num descriptors translated. */
	ASSERT_TRUE(f.translations <= 3 + NUM);
	vqf_teardown(&f);
}

TEST(descriptor_pointing_at_itself_breaks_the_queue)
{
	struct vqf f;

	setup(&f, false);
	vqf_desc_put(&f, 5, data(0), 0, VIRTQ_DESC_F_NEXT, 5);
	expose_chain_at(&f, 5);
	assert_broken_for_good(&f, VIRTQ_REJ_CHAIN_LOOP);
	vqf_teardown(&f);
}

TEST(chain_of_num_plus_one_zero_length_descriptors_breaks_the_queue)
{
	struct vqf f;
	uint16_t i = 0;

	setup(&f, false);
	/* 0 -> 1 -> ... -> 15 -> 0: every step is legal but the 17th. */
	for (i = 0; i < NUM; i++) {
		vqf_desc_put(&f, i, data(0), 0, VIRTQ_DESC_F_NEXT,
			     (uint16_t)((i + 1) % NUM));
	}
	expose_chain_at(&f, 0);
	assert_broken_for_good(&f, VIRTQ_REJ_CHAIN_LOOP);
	vqf_teardown(&f);
}

TEST(chain_of_exactly_num_descriptors_is_accepted)
{
	struct virtq_chain c;
	struct vqf f;
	uint16_t i = 0;

	setup(&f, false);
	for (i = 0; i < NUM; i++) {
		vqf_desc_put(&f, i, data(64u * i), 64,
			     i + 1u < NUM ? VIRTQ_DESC_F_NEXT : 0,
			     (uint16_t)(i + 1));
	}
	expose_chain_at(&f, 0);
	ASSERT_EQ(virtq_dev_pop(&f.dev, &c), VIRTQ_OK);
	ASSERT_EQ(c.n_out, NUM);
	ASSERT_EQ(c.out_len, 64 * NUM);
	vqf_teardown(&f);
}

/* §2.7.6: the driver never has more than num chains outstanding. */
TEST(avail_idx_more_than_num_ahead_breaks_the_queue)
{
	struct vqf f;
	uint16_t i = 0;

	setup(&f, false);
	for (i = 0; i < NUM; i++) {
		vqf_desc_put(&f, i, data(64u * i), 64, 0, 0);
		vqf_avail_slot_put(&f, i, i);
	}
	vqf_avail_idx_put(&f, NUM + 1);
	assert_broken_for_good(&f, VIRTQ_REJ_AVAIL_IDX);
	vqf_teardown(&f);
}

TEST(avail_idx_exactly_num_ahead_is_accepted_across_the_wrap)
{
	struct virtq_chain c;
	struct vqf f;
	uint16_t i = 0;

	setup(&f, false);
	/* Start just below the 16-bit wrap. */
	f.dev.last_avail_idx = 0xFFF8;
	for (i = 0; i < NUM; i++) {
		vqf_desc_put(&f, i, data(64u * i), 64, 0, 0);
		vqf_avail_slot_put(&f, (uint16_t)(0xFFF8 + i), i);
	}
	vqf_avail_idx_put(&f, (uint16_t)(0xFFF8 + NUM));
	for (i = 0; i < NUM; i++) {
		ASSERT_EQ(virtq_dev_pop(&f.dev, &c), VIRTQ_OK);
		ASSERT_EQ(c.head, i);
	}
	ASSERT_EQ(virtq_dev_pop(&f.dev, &c), VIRTQ_E_EMPTY);
	ASSERT_EQ(f.dev.last_avail_idx, 8);
	vqf_teardown(&f);
}

/* What is available and not popped, across the wrap; nothing once broken. */
TEST(pending_counts_available_chains_and_trusts_no_more_than_num)
{
	struct virtq_chain c;
	struct vqf f;
	uint16_t i = 0;

	setup(&f, false);
	f.dev.last_avail_idx = 0xFFFE;
	vqf_avail_idx_put(&f, 0xFFFE);
	ASSERT_EQ(virtq_dev_pending(&f.dev), 0);
	for (i = 0; i < 4; i++) {
		vqf_desc_put(&f, i, data(64u * i), 64, 0, 0);
		vqf_avail_slot_put(&f, (uint16_t)(0xFFFE + i), i);
	}
	vqf_avail_idx_put(&f, 2);
	ASSERT_EQ(virtq_dev_pending(&f.dev), 4);
	ASSERT_EQ(virtq_dev_pop(&f.dev, &c), VIRTQ_OK);
	ASSERT_EQ(virtq_dev_pending(&f.dev), 3);
	/* A driver claiming more than num: 0, and the pop breaks the queue. */
	vqf_avail_idx_put(&f, (uint16_t)(0xFFFF + NUM + 1));
	ASSERT_EQ(virtq_dev_pending(&f.dev), 0);
	ASSERT_EQ(virtq_dev_pop(&f.dev, &c), VIRTQ_E_BROKEN);
	vqf_avail_idx_put(&f, 2);
	ASSERT_EQ(virtq_dev_pending(&f.dev), 0);
	vqf_teardown(&f);
}

/* §2.7.8: a head is available again only after the device used it. */
TEST(head_made_available_twice_while_in_flight_breaks_the_queue)
{
	struct virtq_chain c;
	struct vqf f;

	setup(&f, false);
	vqf_desc_put(&f, 2, data(0), 64, 0, 0);
	expose_chain_at(&f, 2);
	expose_chain_at(&f, 2);
	ASSERT_EQ(virtq_dev_pop(&f.dev, &c), VIRTQ_OK);
	ASSERT_EQ(virtq_dev_pop(&f.dev, &c), VIRTQ_E_BROKEN);
	ASSERT_EQ(f.dev.reject, VIRTQ_REJ_HEAD_IN_FLIGHT);
	ASSERT_EQ(f.dev.stats.rejected, 1);
	ASSERT_EQ(virtq_dev_push(&f.dev, 2, 0), VIRTQ_E_BROKEN);
	ASSERT_EQ(vqf_used_idx(&f), 0);
	vqf_teardown(&f);
}

/* §2.7.4.2: "The driver MUST place any device-writable descriptor
 * elements after any device-readable descriptor elements." */
TEST(readable_descriptor_after_a_writable_one_breaks_the_queue)
{
	struct vqf f;

	setup(&f, false);
	vqf_desc_put(&f, 0, data(0), 64, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT,
		     1);
	vqf_desc_put(&f, 1, data(64), 64, 0, 0);
	expose_chain_at(&f, 0);
	assert_broken_for_good(&f, VIRTQ_REJ_WRITE_ORDER);
	vqf_teardown(&f);
}

TEST(zero_length_readable_after_a_writable_one_breaks_the_queue)
{
	struct vqf f;

	setup(&f, false);
	vqf_desc_put(&f, 0, data(0), 64, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT,
		     1);
	vqf_desc_put(&f, 1, 0, 0, 0, 0);
	expose_chain_at(&f, 0);
	assert_broken_for_good(&f, VIRTQ_REJ_WRITE_ORDER);
	vqf_teardown(&f);
}

/* Choice (virtq_dev.c header): zero-length buffers are accepted, give no
 * iovec, and their address is never looked at. */
TEST(zero_length_buffers_are_accepted_without_an_iovec)
{
	struct virtq_chain c;
	struct vqf f;

	setup(&f, false);
	vqf_desc_put(&f, 0, 0xDEAD000000000000ull, 0, VIRTQ_DESC_F_NEXT, 1);
	vqf_desc_put(&f, 1, data(0), 8, VIRTQ_DESC_F_NEXT, 2);
	vqf_desc_put(&f, 2, ~0ull, 0, VIRTQ_DESC_F_WRITE, 0);
	expose_chain_at(&f, 0);
	ASSERT_EQ(virtq_dev_pop(&f.dev, &c), VIRTQ_OK);
	ASSERT_EQ(c.n_out, 1);
	ASSERT_EQ(c.n_in, 0);
	ASSERT_EQ(c.out_len, 8);
	ASSERT_EQ(c.in_len, 0);
	ASSERT_EQ(virtq_dev_push(&f.dev, 0, 0), VIRTQ_OK);
	vqf_teardown(&f);
}

TEST(buffer_in_an_unmapped_area_breaks_the_queue)
{
	struct vqf f;

	setup(&f, false);
	vqf_desc_put(&f, 0, vqf_addr(VQF_HUGE, 0), 64, 0, 0);
	expose_chain_at(&f, 0);
	assert_broken_for_good(&f, VIRTQ_REJ_TRANSLATE);
	vqf_teardown(&f);
}

TEST(buffer_running_past_the_area_end_breaks_the_queue)
{
	struct vqf f;

	setup(&f, false);
	vqf_desc_put(&f, 0, data(DATA_LEN - 63), 64, 0, 0);
	expose_chain_at(&f, 0);
	assert_broken_for_good(&f, VIRTQ_REJ_TRANSLATE);
	vqf_teardown(&f);
}

TEST(buffer_ending_exactly_at_the_area_end_is_accepted)
{
	struct virtq_chain c;
	struct vqf f;

	setup(&f, false);
	vqf_desc_put(&f, 0, data(DATA_LEN - 64), 64, VIRTQ_DESC_F_WRITE, 0);
	expose_chain_at(&f, 0);
	ASSERT_EQ(virtq_dev_pop(&f.dev, &c), VIRTQ_OK);
	memset(c.iov[0].ptr, 0xA5, c.iov[0].len);
	ASSERT_EQ(virtq_dev_push(&f.dev, 0, 64), VIRTQ_OK);
	vqf_teardown(&f);
}

TEST(buffer_whose_end_overflows_64_bits_breaks_the_queue)
{
	struct vqf f;

	setup(&f, false);
	vqf_desc_put(&f, 0, ~0ull - 15, 64, 0, 0);
	expose_chain_at(&f, 0);
	assert_broken_for_good(&f, VIRTQ_REJ_ADDR_OVERFLOW);
	vqf_teardown(&f);
}

TEST(writable_buffer_in_a_read_only_area_breaks_the_queue)
{
	struct vqf f;

	setup(&f, false);
	vqf_desc_put(&f, 0, vqf_addr(VQF_RO, 0), 64, VIRTQ_DESC_F_WRITE, 0);
	expose_chain_at(&f, 0);
	assert_broken_for_good(&f, VIRTQ_REJ_TRANSLATE);
	vqf_teardown(&f);
}

TEST(readable_buffer_in_a_read_only_area_is_accepted)
{
	struct virtq_chain c;
	struct vqf f;

	setup(&f, false);
	vqf_desc_put(&f, 0, vqf_addr(VQF_RO, 0), VQF_RO_LEN, 0, 0);
	expose_chain_at(&f, 0);
	ASSERT_EQ(virtq_dev_pop(&f.dev, &c), VIRTQ_OK);
	ASSERT_FALSE(c.iov[0].write);
	vqf_teardown(&f);
}

/* used.len is a u32 (§2.7.8): a chain may not carry 4 GiB or more. */
TEST(readable_bytes_above_4_gib_break_the_queue)
{
	struct vqf f;

	setup(&f, false);
	vqf_huge(&f);
	vqf_desc_put(&f, 0, vqf_addr(VQF_HUGE, 0), 0x80000000u,
		     VIRTQ_DESC_F_NEXT, 1);
	vqf_desc_put(&f, 1, vqf_addr(VQF_HUGE, 0x80000000u), 0x80000000u, 0, 0);
	expose_chain_at(&f, 0);
	assert_broken_for_good(&f, VIRTQ_REJ_CHAIN_BYTES);
	vqf_teardown(&f);
}

TEST(readable_bytes_of_4_gib_minus_one_are_accepted)
{
	struct virtq_chain c;
	struct vqf f;

	setup(&f, false);
	vqf_huge(&f);
	vqf_desc_put(&f, 0, vqf_addr(VQF_HUGE, 0), 0x80000000u,
		     VIRTQ_DESC_F_NEXT, 1);
	vqf_desc_put(&f, 1, vqf_addr(VQF_HUGE, 0x80000000u), 0x7FFFFFFFu, 0, 0);
	expose_chain_at(&f, 0);
	ASSERT_EQ(virtq_dev_pop(&f.dev, &c), VIRTQ_OK);
	ASSERT_EQ(c.out_len, 0xFFFFFFFFu);
	vqf_teardown(&f);
}

TEST(more_than_max_chain_iovecs_break_the_queue)
{
	struct vqf f;
	uint16_t i = 0;

	vqf_setup(&f, 128, false, false, DATA_LEN);
	for (i = 0; i <= VIRTQ_MAX_CHAIN; i++) {
		vqf_desc_put(&f, i, data(64u * i), 64,
			     i < VIRTQ_MAX_CHAIN ? VIRTQ_DESC_F_NEXT : 0,
			     (uint16_t)(i + 1));
	}
	vqf_expose(&f, 0);
	ASSERT_EQ(virtq_dev_pop(&f.dev, &(struct virtq_chain){ 0 }),
		  VIRTQ_E_BROKEN);
	ASSERT_EQ(f.dev.reject, VIRTQ_REJ_TOO_MANY_IOVS);
	ASSERT_EQ(f.dev.stats.rejected, 1);
	ASSERT_EQ(virtq_dev_pop(&f.dev, &(struct virtq_chain){ 0 }),
		  VIRTQ_E_BROKEN);
	vqf_teardown(&f);
}

TEST(exactly_max_chain_iovecs_are_accepted)
{
	struct virtq_chain c;
	struct vqf f;
	uint16_t i = 0;

	vqf_setup(&f, 128, false, false, DATA_LEN);
	for (i = 0; i < VIRTQ_MAX_CHAIN; i++) {
		vqf_desc_put(&f, i, data(64u * i), 64,
			     i + 1u < VIRTQ_MAX_CHAIN ? VIRTQ_DESC_F_NEXT : 0,
			     (uint16_t)(i + 1));
	}
	vqf_expose(&f, 0);
	ASSERT_EQ(virtq_dev_pop(&f.dev, &c), VIRTQ_OK);
	ASSERT_EQ(c.n_out, VIRTQ_MAX_CHAIN);
	vqf_teardown(&f);
}

/* Indirect tables (§2.7.5.3). The table lives in the data area. */
static uint8_t *table_at(struct vqf *f, uint64_t off)
{
	return f->area[VQF_DATA].base + off;
}

TEST(indirect_chain_is_accepted_after_direct_descriptors)
{
	struct virtq_chain c;
	struct vqf f;
	uint8_t *t = NULL;

	setup(&f, true);
	t = table_at(&f, 32768);
	vqf_table_put(t, 0, data(0), 10, VIRTQ_DESC_F_NEXT, 2);
	vqf_table_put(t, 2, data(100), 20, VIRTQ_DESC_F_WRITE, 0);
	vqf_desc_put(&f, 4, data(200), 30, VIRTQ_DESC_F_NEXT, 5);
	/* WRITE on the indirect descriptor itself is ignored (§2.7.5.3.2). */
	vqf_desc_put(&f, 5, data(32768), 3 * VIRTQ_DESC_SIZE,
		     VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_WRITE, 0);
	expose_chain_at(&f, 4);
	ASSERT_EQ(virtq_dev_pop(&f.dev, &c), VIRTQ_OK);
	ASSERT_EQ(c.head, 4);
	ASSERT_EQ(c.n_out, 2);
	ASSERT_EQ(c.n_in, 1);
	ASSERT_EQ(c.out_len, 40);
	ASSERT_EQ(c.in_len, 20);
	ASSERT_EQ(virtq_dev_push(&f.dev, 4, 20), VIRTQ_OK);
	vqf_teardown(&f);
}

/* §2.7.5.3.1: "The driver MUST NOT set the VIRTQ_DESC_F_INDIRECT flag
 * unless the VIRTIO_F_INDIRECT_DESC feature was negotiated." */
TEST(indirect_descriptor_without_the_feature_breaks_the_queue)
{
	struct vqf f;

	setup(&f, false);
	vqf_table_put(table_at(&f, 0), 0, data(4096), 64, 0, 0);
	vqf_desc_put(&f, 0, data(0), VIRTQ_DESC_SIZE, VIRTQ_DESC_F_INDIRECT, 0);
	expose_chain_at(&f, 0);
	assert_broken_for_good(&f, VIRTQ_REJ_INDIRECT_FEATURE);
	vqf_teardown(&f);
}

/* §2.7.5.3.1: "The driver MUST NOT set both VIRTQ_DESC_F_INDIRECT and
 * VIRTQ_DESC_F_NEXT in flags." */
TEST(indirect_descriptor_with_next_breaks_the_queue)
{
	struct vqf f;

	setup(&f, true);
	vqf_table_put(table_at(&f, 0), 0, data(4096), 64, 0, 0);
	vqf_desc_put(&f, 0, data(0), VIRTQ_DESC_SIZE,
		     VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 1);
	vqf_desc_put(&f, 1, data(8192), 64, 0, 0);
	expose_chain_at(&f, 0);
	assert_broken_for_good(&f, VIRTQ_REJ_INDIRECT_NEXT);
	vqf_teardown(&f);
}

/* §2.7.5.3.1: "The driver MUST NOT set the VIRTQ_DESC_F_INDIRECT flag
 * within an indirect descriptor (i.e. only one table per descriptor)." */
TEST(indirect_descriptor_inside_an_indirect_table_breaks_the_queue)
{
	struct vqf f;
	uint8_t *t = NULL;

	setup(&f, true);
	t = table_at(&f, 0);
	vqf_table_put(t, 0, data(4096), 64, VIRTQ_DESC_F_NEXT, 1);
	vqf_table_put(t, 1, data(0), 2 * VIRTQ_DESC_SIZE, VIRTQ_DESC_F_INDIRECT,
		      0);
	vqf_desc_put(&f, 0, data(0), 2 * VIRTQ_DESC_SIZE, VIRTQ_DESC_F_INDIRECT,
		     0);
	expose_chain_at(&f, 0);
	assert_broken_for_good(&f, VIRTQ_REJ_INDIRECT_NESTED);
	vqf_teardown(&f);
}

TEST(indirect_table_of_length_zero_breaks_the_queue)
{
	struct vqf f;

	setup(&f, true);
	vqf_desc_put(&f, 0, data(0), 0, VIRTQ_DESC_F_INDIRECT, 0);
	expose_chain_at(&f, 0);
	assert_broken_for_good(&f, VIRTQ_REJ_INDIRECT_LEN);
	vqf_teardown(&f);
}

TEST(indirect_table_length_not_a_multiple_of_16_breaks_the_queue)
{
	struct vqf f;

	setup(&f, true);
	vqf_table_put(table_at(&f, 0), 0, data(4096), 64, 0, 0);
	vqf_desc_put(&f, 0, data(0), VIRTQ_DESC_SIZE + 8, VIRTQ_DESC_F_INDIRECT,
		     0);
	expose_chain_at(&f, 0);
	assert_broken_for_good(&f, VIRTQ_REJ_INDIRECT_LEN);
	vqf_teardown(&f);
}

TEST(indirect_table_longer_than_num_entries_breaks_the_queue)
{
	struct vqf f;

	setup(&f, true);
	vqf_table_put(table_at(&f, 0), 0, data(4096), 64, 0, 0);
	vqf_desc_put(&f, 0, data(0), (NUM + 1) * VIRTQ_DESC_SIZE,
		     VIRTQ_DESC_F_INDIRECT, 0);
	expose_chain_at(&f, 0);
	assert_broken_for_good(&f, VIRTQ_REJ_INDIRECT_LEN);
	vqf_teardown(&f);
}

TEST(indirect_table_of_num_entries_is_accepted)
{
	struct virtq_chain c;
	struct vqf f;

	setup(&f, true);
	vqf_table_put(table_at(&f, 0), 0, data(4096), 64, 0, 0);
	vqf_desc_put(&f, 0, data(0), NUM * VIRTQ_DESC_SIZE,
		     VIRTQ_DESC_F_INDIRECT, 0);
	expose_chain_at(&f, 0);
	ASSERT_EQ(virtq_dev_pop(&f.dev, &c), VIRTQ_OK);
	ASSERT_EQ(c.n_out, 1);
	vqf_teardown(&f);
}

TEST(indirect_table_past_the_area_end_breaks_the_queue)
{
	struct vqf f;

	setup(&f, true);
	vqf_table_put(table_at(&f, DATA_LEN - 16), 0, data(0), 64, 0, 0);
	vqf_desc_put(&f, 0, data(DATA_LEN - 16), 2 * VIRTQ_DESC_SIZE,
		     VIRTQ_DESC_F_INDIRECT, 0);
	expose_chain_at(&f, 0);
	assert_broken_for_good(&f, VIRTQ_REJ_INDIRECT_TRANSLATE);
	vqf_teardown(&f);
}

TEST(indirect_table_whose_end_overflows_64_bits_breaks_the_queue)
{
	struct vqf f;

	setup(&f, true);
	vqf_desc_put(&f, 0, ~0ull - 15, 2 * VIRTQ_DESC_SIZE,
		     VIRTQ_DESC_F_INDIRECT, 0);
	expose_chain_at(&f, 0);
	assert_broken_for_good(&f, VIRTQ_REJ_ADDR_OVERFLOW);
	vqf_teardown(&f);
}

TEST(indirect_next_out_of_the_table_breaks_the_queue)
{
	struct vqf f;
	uint8_t *t = NULL;

	setup(&f, true);
	t = table_at(&f, 0);
	vqf_table_put(t, 0, data(4096), 64, VIRTQ_DESC_F_NEXT, 2);
	vqf_table_put(t, 1, data(4096), 64, 0, 0);
	vqf_desc_put(&f, 0, data(0), 2 * VIRTQ_DESC_SIZE, VIRTQ_DESC_F_INDIRECT,
		     0);
	expose_chain_at(&f, 0);
	assert_broken_for_good(&f, VIRTQ_REJ_INDIRECT_NEXT_RANGE);
	vqf_teardown(&f);
}

TEST(indirect_table_loop_breaks_the_queue)
{
	struct vqf f;
	uint8_t *t = NULL;

	setup(&f, true);
	t = table_at(&f, 0);
	vqf_table_put(t, 0, data(4096), 64, VIRTQ_DESC_F_NEXT, 1);
	vqf_table_put(t, 1, data(4096), 64, VIRTQ_DESC_F_NEXT, 0);
	vqf_desc_put(&f, 0, data(0), 2 * VIRTQ_DESC_SIZE, VIRTQ_DESC_F_INDIRECT,
		     0);
	expose_chain_at(&f, 0);
	assert_broken_for_good(&f, VIRTQ_REJ_INDIRECT_LOOP);
	vqf_teardown(&f);
}

TEST(readable_after_writable_inside_an_indirect_table_breaks_the_queue)
{
	struct vqf f;
	uint8_t *t = NULL;

	setup(&f, true);
	t = table_at(&f, 0);
	vqf_table_put(t, 0, data(4096), 64,
		      VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	vqf_table_put(t, 1, data(8192), 64, 0, 0);
	vqf_desc_put(&f, 0, data(0), 2 * VIRTQ_DESC_SIZE, VIRTQ_DESC_F_INDIRECT,
		     0);
	expose_chain_at(&f, 0);
	assert_broken_for_good(&f, VIRTQ_REJ_WRITE_ORDER);
	vqf_teardown(&f);
}

TEST(buffer_out_of_range_inside_an_indirect_table_breaks_the_queue)
{
	struct vqf f;

	setup(&f, true);
	vqf_table_put(table_at(&f, 0), 0, data(DATA_LEN), 1, 0, 0);
	vqf_desc_put(&f, 0, data(0), VIRTQ_DESC_SIZE, VIRTQ_DESC_F_INDIRECT, 0);
	expose_chain_at(&f, 0);
	assert_broken_for_good(&f, VIRTQ_REJ_TRANSLATE);
	vqf_teardown(&f);
}

/* Push returns only what was popped, with at most its writable bytes. */
TEST(push_of_a_head_not_in_flight_is_invalid)
{
	struct virtq_chain c;
	struct vqf f;

	setup(&f, false);
	vqf_desc_put(&f, 1, data(0), 64, VIRTQ_DESC_F_WRITE, 0);
	expose_chain_at(&f, 1);
	ASSERT_EQ(virtq_dev_push(&f.dev, 1, 0), VIRTQ_E_INVAL);
	ASSERT_EQ(virtq_dev_push(&f.dev, NUM, 0), VIRTQ_E_INVAL);
	ASSERT_EQ(virtq_dev_pop(&f.dev, &c), VIRTQ_OK);
	ASSERT_EQ(virtq_dev_push(&f.dev, 0, 0), VIRTQ_E_INVAL);
	ASSERT_EQ(virtq_dev_push(&f.dev, 1, 64), VIRTQ_OK);
	/* Twice is once too many. */
	ASSERT_EQ(virtq_dev_push(&f.dev, 1, 0), VIRTQ_E_INVAL);
	ASSERT_EQ(vqf_used_idx(&f), 1);
	ASSERT_EQ(f.dev.stats.pushed, 1);
	ASSERT_FALSE(f.dev.broken);
	vqf_teardown(&f);
}

TEST(push_of_more_bytes_than_the_chain_can_take_is_invalid)
{
	struct virtq_chain c;
	struct vqf f;

	setup(&f, false);
	vqf_desc_put(&f, 0, data(0), 64, VIRTQ_DESC_F_NEXT, 1);
	vqf_desc_put(&f, 1, data(64), 32, VIRTQ_DESC_F_WRITE, 0);
	expose_chain_at(&f, 0);
	ASSERT_EQ(virtq_dev_pop(&f.dev, &c), VIRTQ_OK);
	ASSERT_EQ(virtq_dev_push(&f.dev, 0, 33), VIRTQ_E_INVAL);
	ASSERT_EQ(vqf_used_idx(&f), 0);
	ASSERT_EQ(virtq_dev_push(&f.dev, 0, 32), VIRTQ_OK);
	ASSERT_EQ(vqf_used_idx(&f), 1);
	ASSERT_EQ(le32_get(f.area[VQF_USED].base + 4), 0);
	ASSERT_EQ(le32_get(f.area[VQF_USED].base + 8), 32);
	vqf_teardown(&f);
}

TEST(pop_and_push_without_inflight_storage_are_invalid)
{
	struct virtq_chain c;
	struct vqf f;

	setup(&f, false);
	virtq_dev_set_inflight(&f.dev, NULL);
	vqf_desc_put(&f, 0, data(0), 64, 0, 0);
	expose_chain_at(&f, 0);
	ASSERT_EQ(virtq_dev_pop(&f.dev, &c), VIRTQ_E_INVAL);
	ASSERT_EQ(virtq_dev_push(&f.dev, 0, 0), VIRTQ_E_INVAL);
	ASSERT_FALSE(f.dev.broken);
	vqf_teardown(&f);
}

/* virtq_dev_init(): sizes, ring alignment (§2.7), rings must translate
 * with the access the device makes (used ring writable). */
TEST(device_init_rejects_bad_sizes_misalignment_and_untranslatable_rings)
{
	struct virtq_dev d;
	struct vqf f;
	uint64_t desc = vqf_addr(VQF_DESC, 0);
	uint64_t avail = vqf_addr(VQF_AVAIL, 0);
	uint64_t used = vqf_addr(VQF_USED, 0);

	setup(&f, false);
	ASSERT_EQ(virtq_dev_init(&d, 12, desc, avail, used, 0, 0, &f.ops, &f),
		  VIRTQ_E_INVAL);
	ASSERT_EQ(virtq_dev_init(&d, 0, desc, avail, used, 0, 0, &f.ops, &f),
		  VIRTQ_E_INVAL);
	ASSERT_EQ(virtq_dev_init(&d, 32, desc, avail, used, 0, 0, &f.ops, &f),
		  VIRTQ_E_INVAL);
	ASSERT_EQ(
		virtq_dev_init(&d, 8, desc + 8, avail, used, 0, 0, &f.ops, &f),
		VIRTQ_E_INVAL);
	ASSERT_EQ(
		virtq_dev_init(&d, 8, desc, avail + 1, used, 0, 0, &f.ops, &f),
		VIRTQ_E_INVAL);
	ASSERT_EQ(
		virtq_dev_init(&d, 8, desc, avail, used + 2, 0, 0, &f.ops, &f),
		VIRTQ_E_INVAL);
	ASSERT_EQ(virtq_dev_init(&d, 8, desc, avail, vqf_addr(VQF_RO, 0), 0, 0,
				 &f.ops, &f),
		  VIRTQ_E_INVAL);
	ASSERT_EQ(virtq_dev_init(&d, 8, desc, avail, used, 0, 0, NULL, &f),
		  VIRTQ_E_INVAL);
	ASSERT_EQ(virtq_dev_init(&d, NUM, desc, avail, used, 0, 0, &f.ops, &f),
		  VIRTQ_OK);
	vqf_teardown(&f);
}

static unsigned int log_calls;
static char log_msg[64];

static void record_log(void *ctx, const char *msg)
{
	(void)ctx;
	log_calls++;
	snprintf(log_msg, sizeof(log_msg), "%s", msg);
}

/* Style: every rejection is logged with its reason, once. */
TEST(breaking_the_queue_logs_the_rule_once)
{
	struct virtq_chain c;
	struct vqf f;

	setup(&f, false);
	f.dev.log = record_log;
	vqf_desc_put(&f, 0, data(0), 64, VIRTQ_DESC_F_NEXT, NUM);
	expose_chain_at(&f, 0);
	ASSERT_EQ(virtq_dev_pop(&f.dev, &c), VIRTQ_E_BROKEN);
	ASSERT_EQ(virtq_dev_pop(&f.dev, &c), VIRTQ_E_BROKEN);
	ASSERT_EQ(log_calls, 1);
	ASSERT_TRUE(strcmp(log_msg, virtq_reject_name(VIRTQ_REJ_NEXT_RANGE)) ==
		    0);
	ASSERT_TRUE(strcmp(log_msg, "next out of range") == 0);
	vqf_teardown(&f);
}

TEST(every_reject_reason_has_a_distinct_name)
{
	int r = 0, q = 0;

	for (r = VIRTQ_REJ_NONE; r <= VIRTQ_REJ_INDIRECT_LOOP; r++) {
		ASSERT_TRUE(strcmp(virtq_reject_name(r), "unknown") != 0);
		for (q = 0; q < r; q++) {
			ASSERT_TRUE(strcmp(virtq_reject_name(r),
					   virtq_reject_name(q)) != 0);
		}
	}
	ASSERT_TRUE(strcmp(virtq_reject_name(VIRTQ_REJ_INDIRECT_LOOP + 1),
			   "unknown") == 0);
}
