// SPDX-License-Identifier: BSD-2-Clause
/*
 * System test: resets on the virtio-msg FF-A bus, each in the middle of
 * traffic and followed by traffic that must work again: device reset
 * (status 0), queue reset (RESET_VQUEUE), bus RESET; and the area
 * handshake: AREA_UNSHARE of an area a live queue still uses answers BUSY,
 * the device reports AREA_RELEASE once it let go, and the driver reclaims.
 */
#include "vmsg_sys.h"

__attribute__((constructor)) static void vs_timeout(void)
{
	test_set_timeout(VS_TEST_TIMEOUT_S);
}

/* Submit and kick @n requests, reap only @reap of them. */
static void half_batch(struct tzs_vmsg_echo *e, const struct tzs_vmsg_dma *d,
		       uint32_t n, uint32_t reap)
{
	uint32_t i = 0, got = 0;
	void *tok = NULL;

	for (i = 0; i < n; i++) {
		struct tzs_vmsg_echo_req r = vs_req(d, n, VS_SLOT, i, 0, 64);

		vs_fill(r.src, 64, i);
		ASSERT_EQ(tzs_vmsg_echo_submit(e, &r), 0);
	}
	ASSERT_EQ(tzs_vmsg_echo_kick(e), 0);
	for (i = 0; i < reap; i++) {
		ASSERT_EQ(tzs_vmsg_echo_reap(e, &tok, &got, -1), 1);
	}
	ASSERT_EQ(tzs_vmsg_echo_inflight(e), n - reap);
}

static void device_reset_recovers(struct vs_mode m, bool queue_only)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct tzs_vmsg_bus *b = NULL;
	struct tzs_vmsg_echo *e = NULL;
	struct tzs_vmsg_dma d;
	uint32_t base = 0, status = 0;

	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	b = vs_bus(vm, m);
	e = vs_echo(b, VS_ECHO);
	ASSERT_EQ(tzs_vmsg_dma_alloc(b, 32 * VS_SLOT, &d), 0);
	base = vs_live_shares(vm);
	half_batch(e, &d, 8, 3);
	ASSERT_EQ(queue_only ? tzs_vmsg_echo_queue_reset(e) :
			       tzs_vmsg_echo_reset(e),
		  0);
	/* What was in flight is gone, with its dynamic areas. */
	ASSERT_EQ(tzs_vmsg_echo_inflight(e), 0);
	ASSERT_EQ(vs_live_shares(vm), base);
	ASSERT_EQ(tzs_vmsg_echo_status(e, &status), 0);
	ASSERT_TRUE(status & VIRTIO_STATUS_DRIVER_OK);
	ASSERT_EQ(vs_batch(e, &d, 16, VS_SLOT, 16, 1000, 11), 16);
	/* Again, twice in a row. */
	half_batch(e, &d, 4, 0);
	ASSERT_EQ(queue_only ? tzs_vmsg_echo_queue_reset(e) :
			       tzs_vmsg_echo_reset(e),
		  0);
	ASSERT_EQ(queue_only ? tzs_vmsg_echo_queue_reset(e) :
			       tzs_vmsg_echo_reset(e),
		  0);
	ASSERT_EQ(vs_batch(e, &d, 16, VS_SLOT, 16, 1000, 12), 16);
	tzs_vmsg_echo_close(e);
	tzs_vmsg_bus_close(b);
	ASSERT_EQ(vs_live_shares(vm), 0);
	sys_stop(&l, vm);
}

TEST(device_reset_mid_traffic_then_traffic_recovers_static)
{
	device_reset_recovers((struct vs_mode){ 0 }, false);
}

TEST(device_reset_mid_traffic_then_traffic_recovers_dynamic)
{
	device_reset_recovers((struct vs_mode){ .dynamic = true }, false);
}

TEST(queue_reset_mid_traffic_then_traffic_recovers_static)
{
	device_reset_recovers((struct vs_mode){ 0 }, true);
}

TEST(queue_reset_mid_traffic_then_traffic_recovers_indirect_dynamic)
{
	device_reset_recovers(
		(struct vs_mode){ .indirect = true, .dynamic = true }, true);
}

/* Bus RESET: every device is reset and every area dropped on both sides;
 * the driver's calls fail with STATE until it sets the device up again. */
static void bus_reset_recovers(struct vs_mode m)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct tzs_vmsg_bus *b = NULL;
	struct tzs_vmsg_echo *e = NULL;
	struct tzs_vmsg_echo_req r;
	struct tzs_vmsg_dma d;
	uint64_t st[5];

	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	b = vs_bus(vm, m);
	e = vs_echo(b, VS_ECHO);
	ASSERT_EQ(tzs_vmsg_dma_alloc(b, 32 * VS_SLOT, &d), 0);
	half_batch(e, &d, 8, 2);
	ASSERT_EQ(tzs_vmsg_bus_reset(b), 0);
	/* Only the static pool is shared again (by the bus itself). */
	ASSERT_EQ(vs_live_shares(vm), m.dynamic ? 0 : 1);
	ASSERT_EQ(vs_cmd(vm, TZS_VMSG_CMD_STATS, VS_ECHO, 0, st), FFA_OK);
	ASSERT_EQ(st[3], m.dynamic ? 0 : 1); /* areas the SP maps (x6) */
	r = vs_req(&d, 16, VS_SLOT, 0, 0, 64);
	ASSERT_EQ(tzs_vmsg_echo_submit(e, &r), VMSG_T_E_STATE);
	ASSERT_EQ(tzs_vmsg_echo_reset(e), 0);
	ASSERT_EQ(vs_batch(e, &d, 16, VS_SLOT, 16, 300, 21), 16);
	ASSERT_EQ(tzs_vmsg_bus_ping(b, 1), 0);
	tzs_vmsg_echo_close(e);
	tzs_vmsg_bus_close(b);
	ASSERT_EQ(vs_live_shares(vm), 0);
	sys_stop(&l, vm);
}

TEST(bus_reset_drops_areas_and_devices_set_up_again_static)
{
	bus_reset_recovers((struct vs_mode){ 0 });
}

TEST(bus_reset_drops_areas_and_devices_set_up_again_dynamic_indirect)
{
	bus_reset_recovers(
		(struct vs_mode){ .indirect = true, .dynamic = true });
}

/* AREA_UNSHARE of the ring area while the queue is live: BUSY, the area
 * stays shared and mapped; the device reset lets go of it, AREA_RELEASE
 * arrives, and the driver reclaims it. */
static void unshare_busy_then_release(struct vs_mode m)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct tzs_vmsg_bus *b = NULL;
	struct tzs_vmsg_echo *e = NULL;
	uint16_t ring = 0;
	uint64_t st[5];
	unsigned int i = 0;

	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	b = vs_bus(vm, m);
	e = vs_echo(b, VS_ECHO);
	ring = tzs_vmsg_echo_ring_area(e);
	ASSERT_EQ(vs_live_shares(vm), 1);
	ASSERT_EQ(tzs_vmsg_bus_area_unshare(b, ring), VMSG_T_E_STATE);
	ASSERT_TRUE(tzs_vmsg_bus_area_live(b, ring));
	ASSERT_EQ(vs_live_shares(vm), 1);
	ASSERT_EQ(vs_cmd(vm, TZS_VMSG_CMD_STATS, VS_ECHO, 0, st), FFA_OK);
	ASSERT_EQ(st[3], 1); /* areas the SP maps (x6) */
	/* Closing resets the device: its queue lets go of the ring. */
	tzs_vmsg_echo_close(e);
	for (i = 0; i < 50 && tzs_vmsg_bus_area_live(b, ring); i++) {
		ASSERT_TRUE(tzs_vmsg_bus_events(b, 1000) >= 0);
	}
	ASSERT_FALSE(tzs_vmsg_bus_area_live(b, ring));
	ASSERT_EQ(vs_live_shares(vm), 0);
	ASSERT_EQ(vs_cmd(vm, TZS_VMSG_CMD_STATS, VS_ECHO, 0, st), FFA_OK);
	ASSERT_EQ(st[3], 0);
	tzs_vmsg_bus_close(b);
	sys_stop(&l, vm);
}

TEST(area_unshare_busy_then_area_release_notif)
{
	unshare_busy_then_release((struct vs_mode){ .dynamic = true });
}

TEST(area_unshare_busy_then_area_release_poll_indirect)
{
	unshare_busy_then_release((struct vs_mode){
		.indirect = true, .dynamic = true, .poll_events = true });
}

/* Unsharing an idle area works at once; unsharing it again is refused. */
TEST(area_unshare_of_an_idle_area_reclaims_at_once)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct tzs_vmsg_bus *b = NULL;
	struct tzs_vmsg_dma d;
	uint64_t bus = 0;
	uint16_t id = 0;

	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	b = vs_bus(vm, (struct vs_mode){ .dynamic = true });
	ASSERT_EQ(tzs_vmsg_dma_alloc(b, 2 * VS_SLOT, &d), 0);
	ASSERT_EQ(tzs_vmsg_bus_area_share(b, d.pa, 2, &bus), 0);
	id = (uint16_t)(bus >> VMSG_BUS_ADDR_AREA_SHIFT);
	ASSERT_EQ(bus & VMSG_BUS_ADDR_OFFSET_MASK, 0);
	ASSERT_EQ(vs_live_shares(vm), 1);
	ASSERT_EQ(tzs_vmsg_bus_area_unshare(b, id), 0);
	ASSERT_FALSE(tzs_vmsg_bus_area_live(b, id));
	ASSERT_EQ(vs_live_shares(vm), 0);
	ASSERT_NE(tzs_vmsg_bus_area_unshare(b, id), 0);
	tzs_vmsg_bus_close(b);
	sys_stop(&l, vm);
}
