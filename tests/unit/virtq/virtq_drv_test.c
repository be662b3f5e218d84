// SPDX-License-Identifier: BSD-2-Clause
/*
 * core/virtq/virtq_drv.c against core/virtq/virtq_dev.c on shared
 * in-process memory (virtq_fixture.h): round trips, index wrap-around,
 * NOSPACE, indirect tables, EVENT_IDX and flag-based notification
 * suppression, reset through detach_unused, and the driver's checks of
 * what the device writes into the used ring (virtio 1.x §2.7).
 */
#include "test.h"
#include "virtq_fixture.h"

#define DATA_LEN (1u << 20)
#define BUF_STRIDE 4096u

static uint8_t pattern(uint32_t seq, uint32_t buf, uint32_t i)
{
	return (uint8_t)(seq * 131u + buf * 31u + i * 7u + 1u);
}

/* Device side of one chain: check readable bytes, fill writable ones. */
static void serve_one(struct vqf *f, uint32_t seq, unsigned int out_n,
		      unsigned int in_n, uint32_t buf_len)
{
	struct virtq_chain c;
	unsigned int b = 0;
	uint32_t i = 0;

	ASSERT_EQ(virtq_dev_pop(&f->dev, &c), VIRTQ_OK);
	ASSERT_EQ(c.n_out, out_n);
	ASSERT_EQ(c.n_in, in_n);
	ASSERT_EQ(c.out_len, out_n * buf_len);
	ASSERT_EQ(c.in_len, in_n * buf_len);
	for (b = 0; b < out_n + in_n; b++) {
		ASSERT_EQ(c.iov[b].len, buf_len);
		ASSERT_EQ(c.iov[b].write, b >= out_n);
		for (i = 0; i < buf_len; i++) {
			if (b < out_n) {
				ASSERT_EQ(c.iov[b].ptr[i], pattern(seq, b, i));
			} else {
				c.iov[b].ptr[i] = pattern(~seq, b, i);
			}
		}
	}
	ASSERT_EQ(virtq_dev_push(&f->dev, c.head, c.in_len), VIRTQ_OK);
}

/* Buffers of chain slot @slot: out then in, BUF_STRIDE apart. */
static void make_bufs(struct vqf *f, uint32_t seq, uint32_t slot,
		      struct virtq_buf *out, unsigned int out_n,
		      struct virtq_buf *in, unsigned int in_n, uint32_t buf_len)
{
	unsigned int b = 0;
	uint32_t i = 0;

	for (b = 0; b < out_n + in_n; b++) {
		uint64_t off = ((uint64_t)slot * 16u + b) * BUF_STRIDE;
		struct virtq_buf *vb = b < out_n ? &out[b] : &in[b - out_n];
		uint8_t *p = f->area[VQF_DATA].base + off;

		vb->addr = vqf_addr(VQF_DATA, off);
		vb->len = buf_len;
		for (i = 0; i < buf_len; i++) {
			p[i] = b < out_n ? pattern(seq, b, i) : 0;
		}
	}
}

static void check_in_bufs(struct vqf *f, uint32_t seq, uint32_t slot,
			  unsigned int out_n, unsigned int in_n,
			  uint32_t buf_len)
{
	unsigned int b = 0;
	uint32_t i = 0;

	for (b = out_n; b < out_n + in_n; b++) {
		uint64_t off = ((uint64_t)slot * 16u + b) * BUF_STRIDE;
		const uint8_t *p = f->area[VQF_DATA].base + off;

		for (i = 0; i < buf_len; i++) {
			ASSERT_EQ(p[i], pattern(~seq, b, i));
		}
	}
}

/* One chain through both sides; the token is the sequence number. */
static void round_trip(struct vqf *f, uint32_t seq, unsigned int out_n,
		       unsigned int in_n, uint32_t buf_len)
{
	struct virtq_buf out[16], in[16];
	uintptr_t tok = (uintptr_t)seq + 1u;
	uint32_t len = 0;

	make_bufs(f, seq, 0, out, out_n, in, in_n, buf_len);
	ASSERT_EQ(virtq_drv_add(&f->drv, out, out_n, in, in_n, (void *)tok),
		  VIRTQ_OK);
	virtq_drv_publish(&f->drv);
	serve_one(f, seq, out_n, in_n, buf_len);
	ASSERT_EQ((uintptr_t)virtq_drv_get_used(&f->drv, &len), tok);
	ASSERT_EQ(len, in_n * buf_len);
	check_in_bufs(f, seq, 0, out_n, in_n, buf_len);
	ASSERT_TRUE(virtq_drv_get_used(&f->drv, &len) == NULL);
	ASSERT_EQ(f->drv.num_free, f->num);
}

/* virtio 1.x §2.7.4: readable buffers first, then writable ones. */
TEST(chains_of_1_to_8_buffers_round_trip_with_their_data)
{
	struct vqf f;
	unsigned int n = 0, out_n = 0;
	uint32_t seq = 0;

	vqf_setup(&f, 16, false, false, DATA_LEN);
	for (n = 1; n <= 8; n++) {
		for (out_n = 0; out_n <= n; out_n++) {
			round_trip(&f, seq++, out_n, n - out_n, 100 + n);
		}
	}
	ASSERT_EQ(f.drv.stats.added, seq);
	ASSERT_EQ(f.drv.stats.used, seq);
	ASSERT_EQ(f.dev.stats.popped, seq);
	ASSERT_EQ(f.dev.stats.pushed, seq);
	ASSERT_EQ(f.drv.stats.indirect, 0);
	vqf_teardown(&f);
}

/* A chain as long as the queue (virtio 1.x §2.7.5.3.1 upper bound). */
TEST(chain_as_long_as_the_queue_round_trips)
{
	struct vqf f;

	vqf_setup(&f, 16, false, false, DATA_LEN);
	round_trip(&f, 7, 10, 6, 64);
	vqf_teardown(&f);
}

TEST(chain_longer_than_the_queue_is_invalid)
{
	struct virtq_buf out[17];
	struct vqf f;

	vqf_setup(&f, 16, false, false, DATA_LEN);
	make_bufs(&f, 0, 0, out, 15, NULL, 0, 8);
	out[15] = out[16] = out[0];
	ASSERT_EQ(virtq_drv_add(&f.drv, out, 17, NULL, 0, (void *)1),
		  VIRTQ_E_INVAL);
	ASSERT_EQ(f.drv.num_free, 16);
	vqf_teardown(&f);
}

TEST(chain_without_buffers_or_token_is_invalid)
{
	struct virtq_buf out[1];
	struct vqf f;

	vqf_setup(&f, 16, false, false, DATA_LEN);
	make_bufs(&f, 0, 0, out, 1, NULL, 0, 8);
	ASSERT_EQ(virtq_drv_add(&f.drv, out, 0, NULL, 0, (void *)1),
		  VIRTQ_E_INVAL);
	ASSERT_EQ(virtq_drv_add(&f.drv, out, 1, NULL, 0, NULL), VIRTQ_E_INVAL);
	ASSERT_EQ(f.drv.num_free, 16);
	ASSERT_EQ(f.drv.avail_idx, 0);
	vqf_teardown(&f);
}

/* Indices free-run modulo 2^16 (virtio 1.x §2.7.6, §2.7.8). */
TEST(indices_wrap_around_after_65536_chains)
{
	struct virtq_buf out[3], in[3];
	struct vqf f;
	uint32_t seq = 0;
	uint32_t len = 0;
	unsigned int k = 0;

	vqf_setup(&f, 8, true, false, DATA_LEN);
	/* Batches of 1..3 two-buffer chains so the slots drift. */
	while (seq < 70000) {
		unsigned int batch = 1 + seq % 3;

		for (k = 0; k < batch; k++) {
			make_bufs(&f, seq + k, k, out, 1, in, 1, 16);
			ASSERT_EQ(
				virtq_drv_add(&f.drv, out, 1, in, 1,
					      (void *)(uintptr_t)(seq + k + 1)),
				VIRTQ_OK);
		}
		virtq_drv_publish(&f.drv);
		for (k = 0; k < batch; k++) {
			serve_one(&f, seq + k, 1, 1, 16);
		}
		for (k = 0; k < batch; k++) {
			ASSERT_EQ((uintptr_t)virtq_drv_get_used(&f.drv, &len),
				  seq + k + 1);
			ASSERT_EQ(len, 16);
			check_in_bufs(&f, seq + k, k, 1, 1, 16);
		}
		seq += batch;
	}
	ASSERT_EQ(f.dev.last_avail_idx, (uint16_t)seq);
	ASSERT_EQ(f.drv.last_used_idx, (uint16_t)seq);
	ASSERT_EQ(vqf_used_idx(&f), (uint16_t)seq);
	ASSERT_EQ(f.dev.stats.popped, seq);
	ASSERT_FALSE(f.dev.broken);
	vqf_teardown(&f);
}

TEST(full_ring_returns_nospace_until_a_chain_is_used)
{
	struct virtq_buf out[2];
	struct vqf f;
	uintptr_t t = 0;
	uint32_t len = 0;

	vqf_setup(&f, 8, false, false, DATA_LEN);
	make_bufs(&f, 0, 0, out, 2, NULL, 0, 8);
	for (t = 1; t <= 7; t++) {
		ASSERT_EQ(virtq_drv_add(&f.drv, out, 1, NULL, 0, (void *)t),
			  VIRTQ_OK);
	}
	/* One descriptor left: a two-buffer chain does not fit. */
	ASSERT_EQ(virtq_drv_add(&f.drv, out, 2, NULL, 0, (void *)8),
		  VIRTQ_E_NOSPACE);
	ASSERT_EQ(virtq_drv_add(&f.drv, out, 1, NULL, 0, (void *)8), VIRTQ_OK);
	ASSERT_EQ(f.drv.num_free, 0);
	ASSERT_EQ(virtq_drv_add(&f.drv, out, 1, NULL, 0, (void *)9),
		  VIRTQ_E_NOSPACE);
	ASSERT_EQ(f.drv.avail_idx, 8);
	virtq_drv_publish(&f.drv);
	serve_one(&f, 0, 1, 0, 8);
	ASSERT_EQ((uintptr_t)virtq_drv_get_used(&f.drv, &len), 1);
	ASSERT_EQ(virtq_drv_add(&f.drv, out, 1, NULL, 0, (void *)9), VIRTQ_OK);
	vqf_teardown(&f);
}

/* An indirect chain takes one ring descriptor (virtio 1.x §2.7.5.3). */
TEST(indirect_chains_round_trip_using_one_descriptor)
{
	struct virtq_buf out[8], in[8];
	struct vqf f;
	uint32_t seq = 0;
	uint32_t len = 0;
	unsigned int n = 0;

	vqf_setup(&f, 8, false, true, DATA_LEN);
	vqf_pool(&f, 8 * VIRTQ_DESC_SIZE);
	for (n = 2; n <= 8; n++) {
		round_trip(&f, seq++, n / 2, n - n / 2, 32);
	}
	ASSERT_EQ(f.drv.stats.indirect, 7);
	/* Eight 8-buffer chains fill the 8-entry ring exactly. */
	for (seq = 0; seq < 8; seq++) {
		make_bufs(&f, seq, seq, out, 4, in, 4, 16);
		ASSERT_EQ(virtq_drv_add(&f.drv, out, 4, in, 4,
					(void *)(uintptr_t)(seq + 1)),
			  VIRTQ_OK);
	}
	ASSERT_EQ(f.drv.num_free, 0);
	virtq_drv_publish(&f.drv);
	for (seq = 0; seq < 8; seq++) {
		serve_one(&f, seq, 4, 4, 16);
	}
	for (seq = 0; seq < 8; seq++) {
		ASSERT_EQ((uintptr_t)virtq_drv_get_used(&f.drv, &len), seq + 1);
		check_in_bufs(&f, seq, seq, 4, 4, 16);
	}
	ASSERT_EQ(f.drv.num_free, 8);
	vqf_teardown(&f);
}

TEST(single_buffer_and_oversized_chains_bypass_the_indirect_pool)
{
	struct vqf f;

	vqf_setup(&f, 16, false, true, DATA_LEN);
	vqf_pool(&f, 4 * VIRTQ_DESC_SIZE);
	round_trip(&f, 1, 1, 0, 32);
	ASSERT_EQ(f.drv.stats.indirect, 0);
	round_trip(&f, 2, 3, 2, 32); /* 5 > 4 slots: direct */
	ASSERT_EQ(f.drv.stats.indirect, 0);
	round_trip(&f, 3, 2, 2, 32);
	ASSERT_EQ(f.drv.stats.indirect, 1);
	vqf_teardown(&f);
}

TEST(indirect_pool_needs_the_feature_alignment_and_two_slots)
{
	static uint8_t pool[16 * 64] __attribute__((aligned(16)));
	struct vqf f;

	vqf_setup(&f, 16, false, false, DATA_LEN);
	ASSERT_EQ(virtq_drv_set_indirect_pool(&f.drv, pool, vqf_addr(VQF_RO, 0),
					      sizeof(pool)),
		  VIRTQ_E_INVAL);
	vqf_teardown(&f);
	vqf_setup(&f, 16, false, true, DATA_LEN);
	ASSERT_EQ(virtq_drv_set_indirect_pool(&f.drv, pool, vqf_addr(VQF_RO, 8),
					      sizeof(pool)),
		  VIRTQ_E_INVAL);
	ASSERT_EQ(virtq_drv_set_indirect_pool(&f.drv, pool + 8,
					      vqf_addr(VQF_RO, 0),
					      sizeof(pool) - 16),
		  VIRTQ_E_INVAL);
	/* 16 heads * 31 bytes: slots of one descriptor are useless. */
	ASSERT_EQ(virtq_drv_set_indirect_pool(&f.drv, pool, vqf_addr(VQF_RO, 0),
					      16 * 31),
		  VIRTQ_E_INVAL);
	ASSERT_EQ(f.drv.indirect_max, 0);
	ASSERT_EQ(virtq_drv_set_indirect_pool(&f.drv, pool, vqf_addr(VQF_RO, 0),
					      16 * 32),
		  VIRTQ_OK);
	ASSERT_EQ(f.drv.indirect_max, 2);
	vqf_teardown(&f);
}

TEST(init_rejects_bad_sizes_and_misaligned_rings)
{
	static uint8_t ring[4096] __attribute__((aligned(16)));
	struct virtq_drv d;
	void *tokens[16];
	uint16_t cl[16];

	ASSERT_EQ(virtq_drv_init(&d, 12, ring, 0, ring + 256, 256, ring + 512,
				 512, false, false, tokens, cl),
		  VIRTQ_E_INVAL);
	ASSERT_EQ(virtq_drv_init(&d, 0, ring, 0, ring + 256, 256, ring + 512,
				 512, false, false, tokens, cl),
		  VIRTQ_E_INVAL);
	ASSERT_EQ(virtq_drv_init(&d, 16, ring, 8, ring + 256, 256, ring + 512,
				 512, false, false, tokens, cl),
		  VIRTQ_E_INVAL);
	ASSERT_EQ(virtq_drv_init(&d, 16, ring, 0, ring + 257, 257, ring + 512,
				 512, false, false, tokens, cl),
		  VIRTQ_E_INVAL);
	ASSERT_EQ(virtq_drv_init(&d, 16, ring, 0, ring + 256, 256, ring + 514,
				 514, false, false, tokens, cl),
		  VIRTQ_E_INVAL);
	ASSERT_EQ(virtq_drv_init(&d, 16, ring, 0, ring + 256, 256, ring + 512,
				 512, false, false, NULL, cl),
		  VIRTQ_E_INVAL);
	ASSERT_EQ(virtq_drv_init(&d, 16, ring, 0, ring + 256, 256, ring + 512,
				 512, false, false, tokens, cl),
		  VIRTQ_OK);
}

static void add_n(struct vqf *f, unsigned int n, uintptr_t first_token)
{
	struct virtq_buf out[1];
	unsigned int i = 0;

	make_bufs(f, 0, 0, out, 1, NULL, 0, 8);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(virtq_drv_add(&f->drv, out, 1, NULL, 0,
					(void *)(first_token + i)),
			  VIRTQ_OK);
	}
}

static void serve_n(struct vqf *f, unsigned int n)
{
	unsigned int i = 0;

	for (i = 0; i < n; i++) {
		serve_one(f, 0, 1, 0, 8);
	}
}

static void collect_n(struct vqf *f, unsigned int n)
{
	uint32_t len = 0;
	unsigned int i = 0;

	for (i = 0; i < n; i++) {
		ASSERT_TRUE(virtq_drv_get_used(&f->drv, &len) != NULL);
	}
	ASSERT_TRUE(virtq_drv_get_used(&f->drv, &len) == NULL);
}

/* virtio 1.x §2.7.10: one publish of many chains crosses avail_event
 * once, so it needs at most one notification. */
TEST(batched_add_of_64_chains_with_event_idx_kicks_once)
{
	struct vqf f;

	vqf_setup(&f, 128, true, false, DATA_LEN);
	add_n(&f, 64, 1);
	ASSERT_TRUE(virtq_drv_publish(&f.drv));
	ASSERT_EQ(f.drv.stats.kicks, 1);
	ASSERT_EQ(f.drv.stats.kicks_suppressed, 0);
	/* Nothing new: no decision to make, nothing counted. */
	ASSERT_FALSE(virtq_drv_publish(&f.drv));
	ASSERT_EQ(f.drv.stats.kicks + f.drv.stats.kicks_suppressed, 1);
	vqf_teardown(&f);
}

/* The device has not consumed past avail_event: later publishes are
 * suppressed until it pops, which moves avail_event on. */
TEST(publish_before_the_device_catches_up_is_suppressed_with_event_idx)
{
	struct vqf f;

	vqf_setup(&f, 128, true, false, DATA_LEN);
	add_n(&f, 1, 1);
	ASSERT_TRUE(virtq_drv_publish(&f.drv));
	add_n(&f, 3, 2);
	ASSERT_FALSE(virtq_drv_publish(&f.drv));
	ASSERT_EQ(f.drv.stats.kicks_suppressed, 1);
	serve_n(&f, 4);
	ASSERT_EQ(vqf_avail_event(&f), 4);
	add_n(&f, 1, 10);
	ASSERT_TRUE(virtq_drv_publish(&f.drv));
	ASSERT_EQ(f.drv.stats.kicks, 2);
	vqf_teardown(&f);
}

TEST(device_with_notify_disabled_gets_no_kicks_with_event_idx)
{
	struct vqf f;
	unsigned int i = 0;

	vqf_setup(&f, 128, true, false, DATA_LEN);
	virtq_dev_disable_notify(&f.dev);
	for (i = 0; i < 20; i++) {
		add_n(&f, 4, 1 + 4 * i);
		ASSERT_FALSE(virtq_drv_publish(&f.drv));
		serve_n(&f, 4);
		collect_n(&f, 4);
	}
	ASSERT_EQ(f.drv.stats.kicks, 0);
	ASSERT_EQ(f.drv.stats.kicks_suppressed, 20);
	/* Re-enabling reports chains that arrived meanwhile. */
	add_n(&f, 1, 100);
	ASSERT_FALSE(virtq_drv_publish(&f.drv));
	ASSERT_TRUE(virtq_dev_enable_notify(&f.dev));
	serve_n(&f, 1);
	ASSERT_FALSE(virtq_dev_enable_notify(&f.dev));
	add_n(&f, 1, 101);
	ASSERT_TRUE(virtq_drv_publish(&f.drv));
	vqf_teardown(&f);
}

/* Without EVENT_IDX the used ring's NO_NOTIFY flag decides (§2.7.10). */
TEST(no_notify_flag_suppresses_kicks_without_event_idx)
{
	struct vqf f;

	vqf_setup(&f, 16, false, false, DATA_LEN);
	add_n(&f, 2, 1);
	ASSERT_TRUE(virtq_drv_publish(&f.drv));
	virtq_dev_disable_notify(&f.dev);
	ASSERT_EQ(le16_get(f.area[VQF_USED].base), VIRTQ_USED_F_NO_NOTIFY);
	add_n(&f, 2, 3);
	ASSERT_FALSE(virtq_drv_publish(&f.drv));
	ASSERT_TRUE(virtq_dev_enable_notify(&f.dev));
	ASSERT_EQ(le16_get(f.area[VQF_USED].base), 0);
	add_n(&f, 2, 5);
	ASSERT_TRUE(virtq_drv_publish(&f.drv));
	ASSERT_EQ(f.drv.stats.kicks, 2);
	ASSERT_EQ(f.drv.stats.kicks_suppressed, 1);
	vqf_teardown(&f);
}

/* §2.7.10: with callbacks off the device's used_event check stays false
 * however many chains it returns; enable_cb reports what is pending. */
TEST(device_notifications_are_suppressed_while_driver_callbacks_are_off)
{
	struct vqf f;
	unsigned int i = 0;

	vqf_setup(&f, 128, true, false, DATA_LEN);
	virtq_drv_disable_cb(&f.drv);
	add_n(&f, 64, 1);
	virtq_drv_publish(&f.drv);
	for (i = 0; i < 64; i++) {
		serve_n(&f, 1);
		ASSERT_FALSE(virtq_dev_notify_needed(&f.dev));
	}
	ASSERT_EQ(f.dev.stats.notifies, 0);
	ASSERT_EQ(f.dev.stats.notifies_suppressed, 64);
	/* Entries are pending: enable_cb says "process first". */
	ASSERT_FALSE(virtq_drv_enable_cb(&f.drv));
	virtq_drv_disable_cb(&f.drv);
	collect_n(&f, 64);
	ASSERT_TRUE(virtq_drv_enable_cb(&f.drv));
	ASSERT_EQ(vqf_used_event(&f), 64);
	add_n(&f, 2, 100);
	virtq_drv_publish(&f.drv);
	serve_n(&f, 1);
	ASSERT_TRUE(virtq_dev_notify_needed(&f.dev));
	/* Not consumed yet: used_event still 64, the next push is quiet. */
	serve_n(&f, 1);
	ASSERT_FALSE(virtq_dev_notify_needed(&f.dev));
	/* No push since the last check: nothing to decide. */
	ASSERT_FALSE(virtq_dev_notify_needed(&f.dev));
	ASSERT_EQ(f.dev.stats.notifies, 1);
	ASSERT_EQ(f.dev.stats.notifies_suppressed, 65);
	vqf_teardown(&f);
}

/* Callbacks off while the driver consumes each entry before the device
 * checks: the parked used_event is refreshed and kept away from the
 * device's window, so 70000 quiet chains (past the 16-bit wrap) produce
 * no notification at all. */
TEST(callbacks_off_stay_off_across_index_wrap_with_event_idx)
{
	struct vqf f;
	unsigned int i = 0;

	vqf_setup(&f, 64, true, false, DATA_LEN);
	virtq_drv_disable_cb(&f.drv);
	for (i = 0; i < 70000; i++) {
		add_n(&f, 1, 1);
		virtq_drv_publish(&f.drv);
		serve_n(&f, 1);
		collect_n(&f, 1);
		ASSERT_FALSE(virtq_dev_notify_needed(&f.dev));
	}
	ASSERT_EQ(f.dev.stats.notifies, 0);
	ASSERT_EQ(f.dev.stats.notifies_suppressed, 70000);
	vqf_teardown(&f);
}

/* The same for the device side: avail_event stays parked while the
 * device polls, however far the indices run. */
TEST(device_notify_off_stays_off_across_index_wrap_with_event_idx)
{
	struct vqf f;
	unsigned int i = 0;

	vqf_setup(&f, 64, true, false, DATA_LEN);
	virtq_dev_disable_notify(&f.dev);
	for (i = 0; i < 70000; i++) {
		add_n(&f, 1, 1);
		ASSERT_FALSE(virtq_drv_publish(&f.drv));
		serve_n(&f, 1);
		collect_n(&f, 1);
	}
	ASSERT_EQ(f.drv.stats.kicks, 0);
	vqf_teardown(&f);
}

TEST(no_interrupt_flag_suppresses_device_notifications_without_event_idx)
{
	struct vqf f;

	vqf_setup(&f, 16, false, false, DATA_LEN);
	add_n(&f, 3, 1);
	virtq_drv_publish(&f.drv);
	serve_n(&f, 1);
	ASSERT_TRUE(virtq_dev_notify_needed(&f.dev));
	virtq_drv_disable_cb(&f.drv);
	ASSERT_EQ(le16_get(f.area[VQF_AVAIL].base), VIRTQ_AVAIL_F_NO_INTERRUPT);
	serve_n(&f, 1);
	ASSERT_FALSE(virtq_dev_notify_needed(&f.dev));
	ASSERT_FALSE(virtq_drv_enable_cb(&f.drv));
	serve_n(&f, 1);
	ASSERT_TRUE(virtq_dev_notify_needed(&f.dev));
	ASSERT_EQ(f.dev.stats.notifies, 2);
	ASSERT_EQ(f.dev.stats.notifies_suppressed, 1);
	vqf_teardown(&f);
}

/* Queue reset (virtio 1.x §2.6.1, RING_RESET): every chain the driver
 * still owns comes back once, whatever state the device left it in. */
TEST(detach_unused_returns_every_outstanding_token_once_then_null)
{
	struct virtq_buf out[2], in[1];
	struct virtq_chain c;
	struct vqf f;
	uint32_t seen = 0;
	uint32_t len = 0;
	void *t = NULL;
	uintptr_t i = 0;

	vqf_setup(&f, 16, false, false, DATA_LEN);
	make_bufs(&f, 0, 0, out, 2, in, 1, 8);
	for (i = 1; i <= 5; i++) {
		ASSERT_EQ(virtq_drv_add(&f.drv, out, 2, in, 1, (void *)i),
			  VIRTQ_OK);
	}
	virtq_drv_publish(&f.drv);
	/* 1 used and collected, 2 used not collected, 3 popped only,
	 * 4 and 5 available; 6 added but never published. */
	ASSERT_EQ(virtq_dev_pop(&f.dev, &c), VIRTQ_OK);
	ASSERT_EQ(virtq_dev_push(&f.dev, c.head, 0), VIRTQ_OK);
	ASSERT_EQ(virtq_dev_pop(&f.dev, &c), VIRTQ_OK);
	ASSERT_EQ(virtq_dev_push(&f.dev, c.head, 0), VIRTQ_OK);
	ASSERT_EQ(virtq_dev_pop(&f.dev, &c), VIRTQ_OK);
	ASSERT_EQ((uintptr_t)virtq_drv_get_used(&f.drv, &len), 1);
	ASSERT_EQ(virtq_drv_add(&f.drv, out, 1, NULL, 0, (void *)6), VIRTQ_OK);
	while ((t = virtq_drv_detach_unused(&f.drv)) != NULL) {
		uintptr_t v = (uintptr_t)t;

		ASSERT_TRUE(v >= 2 && v <= 6);
		ASSERT_FALSE(seen & (1u << v));
		seen |= 1u << v;
	}
	ASSERT_EQ(seen, 0x7Cu);
	ASSERT_EQ(f.drv.num_free, 16);
	vqf_teardown(&f);
}

TEST(queue_works_again_after_detach_and_reinit_of_both_sides)
{
	struct vqf f;
	uint32_t seq = 0;

	vqf_setup(&f, 16, true, false, DATA_LEN);
	add_n(&f, 10, 1);
	virtq_drv_publish(&f.drv);
	serve_n(&f, 4);
	while (virtq_drv_detach_unused(&f.drv)) {
	}
	ASSERT_EQ(virtq_drv_init(&f.drv, 16, f.area[VQF_DESC].base,
				 vqf_addr(VQF_DESC, 0), f.area[VQF_AVAIL].base,
				 vqf_addr(VQF_AVAIL, 0), f.area[VQF_USED].base,
				 vqf_addr(VQF_USED, 0), true, false, f.tokens,
				 f.chain_len),
		  VIRTQ_OK);
	ASSERT_EQ(virtq_dev_init(&f.dev, 16, vqf_addr(VQF_DESC, 0),
				 vqf_addr(VQF_AVAIL, 0), vqf_addr(VQF_USED, 0),
				 true, false, &f.ops, &f),
		  VIRTQ_OK);
	virtq_dev_set_inflight(&f.dev, f.inflight);
	for (seq = 0; seq < 40; seq++) {
		round_trip(&f, seq, 1, 1, 24);
	}
	ASSERT_EQ(f.dev.stats.popped, 40);
	vqf_teardown(&f);
}

/* The driver checks the device's used entries (§2.7.8: the device
 * returns the heads it was given, at most num ahead). */
TEST(used_entry_with_out_of_range_id_breaks_the_driver_queue)
{
	struct virtq_buf out[1];
	struct vqf f;
	uint32_t len = 0;

	vqf_setup(&f, 16, false, false, DATA_LEN);
	add_n(&f, 1, 1);
	virtq_drv_publish(&f.drv);
	le32_put(f.area[VQF_USED].base + 4, 16);
	le16_put(f.area[VQF_USED].base + 2, 1);
	ASSERT_TRUE(virtq_drv_get_used(&f.drv, &len) == NULL);
	ASSERT_TRUE(f.drv.broken);
	le32_put(f.area[VQF_USED].base + 4, 0);
	ASSERT_TRUE(virtq_drv_get_used(&f.drv, &len) == NULL);
	ASSERT_EQ(f.drv.num_free, 15);
	/* A broken queue takes no more chains. */
	make_bufs(&f, 0, 0, out, 1, NULL, 0, 8);
	ASSERT_EQ(virtq_drv_add(&f.drv, out, 1, NULL, 0, (void *)2),
		  VIRTQ_E_INVAL);
	vqf_teardown(&f);
}

TEST(used_entry_naming_a_head_not_in_flight_breaks_the_driver_queue)
{
	struct vqf f;
	uint32_t len = 0;

	vqf_setup(&f, 16, false, false, DATA_LEN);
	add_n(&f, 1, 1); /* head 0 */
	virtq_drv_publish(&f.drv);
	le32_put(f.area[VQF_USED].base + 4, 1);
	le16_put(f.area[VQF_USED].base + 2, 1);
	ASSERT_TRUE(virtq_drv_get_used(&f.drv, &len) == NULL);
	ASSERT_TRUE(f.drv.broken);
	ASSERT_EQ(f.drv.num_free, 15);
	vqf_teardown(&f);
}

TEST(used_idx_more_than_num_ahead_breaks_the_driver_queue)
{
	struct vqf f;
	uint32_t len = 0;

	vqf_setup(&f, 16, false, false, DATA_LEN);
	add_n(&f, 1, 1);
	virtq_drv_publish(&f.drv);
	le32_put(f.area[VQF_USED].base + 4, 0);
	le16_put(f.area[VQF_USED].base + 2, 17);
	ASSERT_TRUE(virtq_drv_get_used(&f.drv, &len) == NULL);
	ASSERT_TRUE(f.drv.broken);
	ASSERT_EQ(f.drv.num_free, 15);
	vqf_teardown(&f);
}
