// SPDX-License-Identifier: BSD-2-Clause
/*
 * System test: a hostile driver corrupts its own ring before publishing it
 * (a looping chain, an out-of-range index, an address outside any area, a
 * length past the area). The SP must keep running: the broken queue is
 * refused (the device counts a ring violation), another device on the same
 * bus keeps working, the bus still answers, and a device reset makes the
 * corrupted device usable again.
 */
#include "vmsg_sys.h"

__attribute__((constructor)) static void vs_timeout(void)
{
	test_set_timeout(VS_TEST_TIMEOUT_S);
}

#define DESC_ADDR 0
#define DESC_LEN 8
#define DESC_FLAGS 12
#define DESC_NEXT 14
#define AVAIL_IDX 2
#define AVAIL_RING 4

enum corruption {
	LOOPING_CHAIN,
	HEAD_OUT_OF_RANGE,
	NEXT_OUT_OF_RANGE,
	AVAIL_IDX_RUNS_AHEAD,
	ADDRESS_OUTSIDE_ANY_AREA,
	LENGTH_PAST_THE_AREA,
};

static uint8_t *desc(struct virtq_drv *vq, uint16_t i)
{
	return vq->desc + (uint64_t)i * VIRTQ_DESC_SIZE;
}

/* Add one honest request (not yet published) and return its head. */
static uint16_t add_one(struct tzs_vmsg_echo *e, const struct tzs_vmsg_dma *d)
{
	struct virtq_drv *vq = tzs_vmsg_echo_vq(e);
	struct tzs_vmsg_echo_req r = vs_req(d, 1, VS_SLOT, 0, 0, 64);
	uint16_t slot = 0;

	vs_fill(r.src, 64, 1);
	ASSERT_EQ(tzs_vmsg_echo_submit(e, &r), 0);
	slot = (uint16_t)(vq->avail_idx - 1) & (uint16_t)(vq->num - 1);
	return le16_get(vq->avail + AVAIL_RING + 2u * slot);
}

static void corrupt(struct tzs_vmsg_echo *e, uint16_t head, enum corruption c)
{
	struct virtq_drv *vq = tzs_vmsg_echo_vq(e);
	uint16_t slot = (uint16_t)(vq->avail_idx - 1) & (uint16_t)(vq->num - 1);
	uint16_t second = le16_get(desc(vq, head) + DESC_NEXT);

	switch (c) {
	case LOOPING_CHAIN:
		/* The writable tail points back at the head. */
		le16_put(desc(vq, second) + DESC_FLAGS,
			 VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT);
		le16_put(desc(vq, second) + DESC_NEXT, head);
		break;
	case HEAD_OUT_OF_RANGE:
		le16_put(vq->avail + AVAIL_RING + 2u * slot,
			 (uint16_t)(vq->num + 3));
		break;
	case NEXT_OUT_OF_RANGE:
		le16_put(desc(vq, head) + DESC_NEXT, 0xFFFF);
		break;
	case AVAIL_IDX_RUNS_AHEAD:
		/* Published below; then claim num + 5 more entries. */
		break;
	case ADDRESS_OUTSIDE_ANY_AREA:
		le64_put(desc(vq, head) + DESC_ADDR, vmsg_bus_addr(63, 0));
		break;
	case LENGTH_PAST_THE_AREA:
		/* The ring area is one or two pages: 1 MiB runs past it. */
		le64_put(desc(vq, second) + DESC_ADDR,
			 vmsg_bus_addr(tzs_vmsg_echo_ring_area(e), 0));
		le32_put(desc(vq, second) + DESC_LEN, 1u << 20);
		break;
	}
}

static void hostile_ring(enum corruption c, struct vs_mode m)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct tzs_vmsg_bus *b = NULL;
	struct tzs_vmsg_echo *bad = NULL, *good = NULL;
	struct virtq_drv *vq = NULL;
	struct tzs_vmsg_dma d1, d2;
	uint64_t st0[5], st1[5];
	uint32_t status = 0, got = 0;
	uint16_t head = 0;
	void *tok = NULL;

	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	ASSERT_EQ(vs_cmd(vm, TZS_VMSG_CMD_ADD, 3, TZS_VMSG_DEV_ECHO, NULL),
		  FFA_OK);
	b = vs_bus(vm, m);
	bad = vs_echo(b, VS_ECHO);
	good = vs_echo(b, 3);
	ASSERT_EQ(tzs_vmsg_dma_alloc(b, 16 * VS_SLOT, &d1), 0);
	ASSERT_EQ(tzs_vmsg_dma_alloc(b, 16 * VS_SLOT, &d2), 0);
	ASSERT_EQ(vs_batch(bad, &d1, 8, VS_SLOT, 8, 64, 1), 8);
	ASSERT_EQ(vs_cmd(vm, TZS_VMSG_CMD_STATS, VS_ECHO, 0, st0), FFA_OK);

	vq = tzs_vmsg_echo_vq(bad);
	head = add_one(bad, &d1);
	corrupt(bad, head, c);
	(void)virtq_drv_publish(vq);
	if (c == AVAIL_IDX_RUNS_AHEAD) {
		le16_put(vq->avail + AVAIL_IDX,
			 (uint16_t)(vq->avail_idx + vq->num + 5));
	}
	ASSERT_EQ(tzs_vmsg_echo_notify(bad), 0);

	/* The SP noticed, survived, and still serves everyone. */
	ASSERT_EQ(vs_cmd(vm, TZS_VMSG_CMD_STATS, VS_ECHO, 0, st1), FFA_OK);
	ASSERT_TRUE(st1[4] > st0[4]); /* ring violations (x7) */
	ASSERT_EQ(tzs_vmsg_bus_ping(b, 7), 0);
	ASSERT_EQ(vs_batch(good, &d2, 8, VS_SLOT, 8, 4096, 2), 8);
	/* Nothing came back on the broken queue, and the device says so. */
	ASSERT_EQ(tzs_vmsg_echo_reap(bad, &tok, &got, 0), 0);
	ASSERT_EQ(tzs_vmsg_echo_status(bad, &status), 0);
	ASSERT_TRUE(status & VIRTIO_STATUS_NEEDS_RESET);

	/* A reset brings the device back. */
	ASSERT_EQ(tzs_vmsg_echo_reset(bad), 0);
	ASSERT_EQ(vs_batch(bad, &d1, 8, VS_SLOT, 8, 64, 3), 8);
	ASSERT_EQ(vs_batch(good, &d2, 8, VS_SLOT, 8, 64, 4), 8);
	tzs_vmsg_echo_close(good);
	tzs_vmsg_echo_close(bad);
	tzs_vmsg_bus_close(b);
	ASSERT_EQ(vs_live_shares(vm), 0);
	sys_stop(&l, vm);
}

TEST(looping_chain_breaks_only_its_queue)
{
	hostile_ring(LOOPING_CHAIN, (struct vs_mode){ 0 });
}

TEST(out_of_range_head_breaks_only_its_queue)
{
	hostile_ring(HEAD_OUT_OF_RANGE, (struct vs_mode){ 0 });
}

TEST(out_of_range_next_breaks_only_its_queue)
{
	hostile_ring(NEXT_OUT_OF_RANGE, (struct vs_mode){ .indirect = true });
}

TEST(avail_index_running_ahead_breaks_only_its_queue)
{
	hostile_ring(AVAIL_IDX_RUNS_AHEAD, (struct vs_mode){ 0 });
}

TEST(address_outside_any_area_breaks_only_its_queue)
{
	hostile_ring(ADDRESS_OUTSIDE_ANY_AREA,
		     (struct vs_mode){ .dynamic = true });
}

TEST(length_past_the_area_breaks_only_its_queue)
{
	hostile_ring(LENGTH_PAST_THE_AREA, (struct vs_mode){ 0 });
}

/* Garbage on the bus itself: raw DIRECT_REQ2 payloads that are not
 * messages (bad type bits, sizes beyond the carriage, unknown IDs) get an
 * empty or ERROR answer and change nothing. */
TEST(garbage_bus_messages_are_dropped_and_the_bus_survives)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct tzs_vmsg_bus *b = NULL;
	struct tzs_vmsg_echo *e = NULL;
	struct tzs_vmsg_dma d;
	uint64_t args[14], ret[14];
	unsigned int i = 0, j = 0;
	uint64_t x = 0x9E3779B97F4A7C15ull;

	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	b = vs_bus(vm, (struct vs_mode){ 0 });
	e = vs_echo(b, VS_ECHO);
	ASSERT_EQ(tzs_vmsg_dma_alloc(b, 16 * VS_SLOT, &d), 0);
	for (i = 0; i < 500; i++) {
		for (j = 0; j < 14; j++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			args[j] = x;
		}
		if (i % 2) {
			/* A plausible header with random bytes behind it. */
			args[0] = (args[0] & ~0xFFFF0000000000FFull) |
				  (uint64_t)(8 + i % 100) << 48 | (i % 4);
		}
		ASSERT_EQ(tzs_vcpu_direct_req2(tzs_ep_vcpu(vm, 0), VS_SP,
					       TZS_UUID_VIRTIO_MSG_BUS, args,
					       ret),
			  FFA_OK);
	}
	ASSERT_EQ(tzs_vmsg_bus_ping(b, 99), 0);
	ASSERT_EQ(vs_batch(e, &d, 8, VS_SLOT, 8, 100, 5), 8);
	tzs_vmsg_echo_close(e);
	tzs_vmsg_bus_close(b);
	sys_stop(&l, vm);
}
