// SPDX-License-Identifier: BSD-2-Clause
/*
 * System test: virtio-msg over the FF-A bus across processes. The test
 * process is VM 1 and drives the echo device of tzshare-sp (dev_num 1) in
 * every carriage (DIRECT_REQ2, FFA_MSG_SEND2) and DMA mode (static pool,
 * dynamic per-buffer areas), checking every byte that comes back and that
 * nothing stays shared afterwards.
 */
#include "vmsg_sys.h"

__attribute__((constructor)) static void vs_timeout(void)
{
	test_set_timeout(VS_TEST_TIMEOUT_S);
}

/* Open, three batches (sizes 1, 4096, and a 3-page buffer at an odd
 * offset), close: every byte echoed, every share reclaimed. */
static void echo_round_trip(struct vs_mode m)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct tzs_vmsg_bus *b = NULL;
	struct tzs_vmsg_echo *e = NULL;
	struct tzs_vmsg_dma d, big;
	struct tzs_vmsg_echo_req r;
	uint32_t got = 0;
	void *tok = NULL;

	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	b = vs_bus(vm, m);
	ASSERT_TRUE(tzs_vmsg_bus_present(b, VS_ECHO));
	e = vs_echo(b, VS_ECHO);
	ASSERT_EQ(tzs_vmsg_dma_alloc(b, 32 * VS_SLOT, &d), 0);
	ASSERT_EQ(vs_batch(e, &d, 16, VS_SLOT, 16, 1, 100), 16);
	ASSERT_EQ(vs_batch(e, &d, 16, VS_SLOT, 16, VS_SLOT, 200), 16);
	/* 3 pages starting 100 bytes into a page: the bus address keeps the
	 * offset, dynamic mode shares the 4 pages it touches. */
	ASSERT_EQ(tzs_vmsg_dma_alloc(b, 8 * VS_SLOT, &big), 0);
	memset(&r, 0, sizeof(r));
	r.src = big.va + 100;
	r.src_pa = big.pa + 100;
	r.dst = big.va + 4 * VS_SLOT + 100;
	r.dst_pa = big.pa + 4 * VS_SLOT + 100;
	r.len = 3 * VS_SLOT;
	vs_fill(r.src, r.len, 300);
	ASSERT_EQ(tzs_vmsg_echo_submit(e, &r), 0);
	ASSERT_EQ(tzs_vmsg_echo_kick(e), 0);
	ASSERT_EQ(tzs_vmsg_echo_reap(e, &tok, &got, -1), 1);
	ASSERT_EQ(got, 3 * VS_SLOT);
	ASSERT_TRUE(vs_check(r.dst, r.len, 300));
	tzs_vmsg_echo_close(e);
	tzs_vmsg_bus_close(b);
	ASSERT_EQ(vs_live_shares(vm), 0);
	sys_stop(&l, vm);
}

TEST(echo_direct_static_returns_every_byte)
{
	echo_round_trip(
		(struct vs_mode){ .indirect = false, .dynamic = false });
}

TEST(echo_direct_dynamic_returns_every_byte)
{
	echo_round_trip((struct vs_mode){ .indirect = false, .dynamic = true });
}

TEST(echo_indirect_static_returns_every_byte)
{
	echo_round_trip((struct vs_mode){ .indirect = true, .dynamic = false });
}

TEST(echo_indirect_dynamic_returns_every_byte)
{
	echo_round_trip((struct vs_mode){ .indirect = true, .dynamic = true });
}

TEST(echo_with_poll_events_returns_every_byte)
{
	echo_round_trip((struct vs_mode){ .poll_events = true });
}

/* Static mode: the pool is shared once at open; a batch of 32 requests
 * costs one EVENT_AVAIL (a direct request: two SPMC calls) and no memory
 * transaction, so far fewer FF-A calls than requests. Dynamic mode shares
 * and reclaims two areas per request. */
TEST(static_batch_makes_no_memory_transactions)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct tzs_vmsg_bus *b = NULL;
	struct tzs_vmsg_echo *e = NULL;
	struct tzs_vmsg_bus_stats st0, st1;
	struct tzs_host_stats h0, h1;
	struct tzs_vmsg_dma d;

	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	b = vs_bus(vm, (struct vs_mode){ 0 });
	e = vs_echo(b, VS_ECHO);
	ASSERT_EQ(tzs_vmsg_dma_alloc(b, 64 * VS_SLOT, &d), 0);
	tzs_vmsg_bus_get_stats(b, &st0);
	ASSERT_EQ(tzs_vcpu_stats(tzs_ep_vcpu(vm, 0), &h0), 0);
	ASSERT_EQ(vs_batch(e, &d, 32, VS_SLOT, 32, VS_SLOT, 7), 32);
	ASSERT_EQ(tzs_vcpu_stats(tzs_ep_vcpu(vm, 0), &h1), 0);
	tzs_vmsg_bus_get_stats(b, &st1);
	ASSERT_EQ(st1.shares, st0.shares);
	ASSERT_EQ(st1.xfers - st0.xfers, 1); /* the one EVENT_AVAIL */
	ASSERT_TRUE(h1.calls - h0.calls < 32);
	tzs_vmsg_echo_close(e);
	tzs_vmsg_bus_close(b);
	sys_stop(&l, vm);
}

TEST(dynamic_request_shares_and_reclaims_its_two_buffers)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct tzs_vmsg_bus *b = NULL;
	struct tzs_vmsg_echo *e = NULL;
	struct tzs_vmsg_bus_stats st0, st1;
	struct tzs_vmsg_dma d;
	uint32_t base = 0;

	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	b = vs_bus(vm, (struct vs_mode){ .dynamic = true });
	e = vs_echo(b, VS_ECHO);
	base = vs_live_shares(vm); /* the ring area */
	ASSERT_EQ(base, 1);
	ASSERT_EQ(tzs_vmsg_dma_alloc(b, 16 * VS_SLOT, &d), 0);
	tzs_vmsg_bus_get_stats(b, &st0);
	ASSERT_EQ(vs_batch(e, &d, 8, VS_SLOT, 8, 512, 9), 8);
	tzs_vmsg_bus_get_stats(b, &st1);
	ASSERT_EQ(st1.shares - st0.shares, 16);
	ASSERT_EQ(st1.reclaims - st0.reclaims, 16);
	ASSERT_EQ(vs_live_shares(vm), base);
	tzs_vmsg_echo_close(e);
	tzs_vmsg_bus_close(b);
	ASSERT_EQ(vs_live_shares(vm), 0);
	sys_stop(&l, vm);
}

/* A full ring: submit refuses with NOMEM until completions are reaped. */
TEST(full_queue_refuses_submit_until_reaped)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct tzs_vmsg_bus *b = NULL;
	struct tzs_vmsg_echo *e = NULL;
	struct tzs_vmsg_echo_req r;
	struct tzs_vmsg_dma d;
	uint32_t i = 0, got = 0, n = 0;
	void *tok = NULL;

	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	b = vs_bus(vm, (struct vs_mode){ 0 });
	ASSERT_EQ(tzs_vmsg_echo_open(b, VS_ECHO, 8, &e), 0);
	ASSERT_EQ(tzs_vmsg_dma_alloc(b, 16 * 64, &d), 0);
	/* Two descriptors per request: an 8-entry ring holds 4. */
	for (i = 0; i < 4; i++) {
		r = vs_req(&d, 8, 64, i, 0, 64);
		vs_fill(r.src, 64, i);
		ASSERT_EQ(tzs_vmsg_echo_submit(e, &r), 0);
	}
	r = vs_req(&d, 8, 64, 4, 0, 64);
	ASSERT_EQ(tzs_vmsg_echo_submit(e, &r), VMSG_T_E_NOMEM);
	ASSERT_EQ(tzs_vmsg_echo_kick(e), 0);
	while (tzs_vmsg_echo_reap(e, &tok, &got, -1) == 1) {
		n++;
		if (!tzs_vmsg_echo_inflight(e)) {
			break;
		}
	}
	ASSERT_EQ(n, 4);
	ASSERT_EQ(tzs_vmsg_echo_submit(e, &r), 0);
	tzs_vmsg_echo_close(e);
	tzs_vmsg_bus_close(b);
	sys_stop(&l, vm);
}

/* The generic bus messages work over both carriages. */
static void ping_and_enumerate(bool indirect)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct tzs_vmsg_bus *b = NULL;

	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	b = vs_bus(vm, (struct vs_mode){ .indirect = indirect });
	ASSERT_EQ(tzs_vmsg_bus_ping(b, 0x12345678u), 0);
	ASSERT_EQ(tzs_vmsg_bus_enumerate(b), 0);
	ASSERT_TRUE(tzs_vmsg_bus_present(b, VS_ECHO));
	ASSERT_TRUE(tzs_vmsg_bus_present(b, VS_VSOCK));
	ASSERT_FALSE(tzs_vmsg_bus_present(b, 3));
	ASSERT_EQ(tzs_vmsg_bus_sp_id(b), VS_SP);
	tzs_vmsg_bus_close(b);
	sys_stop(&l, vm);
}

TEST(ping_and_get_devices_over_direct_messages)
{
	ping_and_enumerate(false);
}

TEST(ping_and_get_devices_over_indirect_messages)
{
	ping_and_enumerate(true);
}

/* A device number the SP does not host: the init sequence is refused. */
TEST(opening_an_absent_device_fails)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct tzs_vmsg_bus *b = NULL;
	struct tzs_vmsg_echo *e = NULL;

	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	b = vs_bus(vm, (struct vs_mode){ 0 });
	ASSERT_NE(tzs_vmsg_echo_open(b, 9, 16, &e), 0);
	tzs_vmsg_bus_close(b);
	ASSERT_EQ(vs_live_shares(vm), 0);
	sys_stop(&l, vm);
}

/*
 * Completions the driver asked to hear about (used_event set, as reap()
 * does before it waits): the device emits EVENT_USED; with NOTIF it raises
 * FF-A notification notify_id (an interrupt on our control socket), then
 * the EVENT_POLL drain returns the event; with POLL only the drain does.
 */
static void used_event_delivery(bool poll_events)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct tzs_vmsg_bus *b = NULL;
	struct tzs_vmsg_echo *e = NULL;
	struct tzs_vmsg_bus_stats st0, st1;
	struct tzs_vmsg_echo_req r;
	struct tzs_vmsg_dma d;
	struct virtq_drv *vq = NULL;
	uint32_t i = 0, got = 0;
	void *tok = NULL;
	int n = 0;

	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	b = vs_bus(vm, (struct vs_mode){ .poll_events = poll_events });
	e = vs_echo(b, VS_ECHO);
	vq = tzs_vmsg_echo_vq(e);
	ASSERT_EQ(tzs_vmsg_dma_alloc(b, 8 * VS_SLOT, &d), 0);
	for (i = 0; i < 4; i++) {
		r = vs_req(&d, 4, VS_SLOT, i, 0, 128);
		vs_fill(r.src, 128, 40 + i);
		ASSERT_EQ(tzs_vmsg_echo_submit(e, &r), 0);
	}
	(void)virtq_drv_publish(vq);
	ASSERT_TRUE(virtq_drv_enable_cb(vq));
	tzs_vmsg_bus_get_stats(b, &st0);
	ASSERT_EQ(tzs_vmsg_echo_notify(e), 0);
	n = tzs_vmsg_bus_events(b, -1);
	tzs_vmsg_bus_get_stats(b, &st1);
	ASSERT_EQ(n, 1); /* EVENT_USED for queue 0 */
	ASSERT_TRUE(st1.polls > st0.polls);
	if (!poll_events) {
		ASSERT_TRUE(st1.irqs > st0.irqs);
	}
	virtq_drv_disable_cb(vq);
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(tzs_vmsg_echo_reap(e, &tok, &got, 0), 1);
		ASSERT_EQ(got, 128);
	}
	for (i = 0; i < 4; i++) {
		ASSERT_TRUE(vs_check(d.va + (uint64_t)(4 + i) * VS_SLOT, 128,
				     40 + i));
	}
	tzs_vmsg_echo_close(e);
	tzs_vmsg_bus_close(b);
	sys_stop(&l, vm);
}

TEST(event_used_arrives_by_notification_then_event_poll)
{
	used_event_delivery(false);
}

TEST(event_used_arrives_by_event_poll_without_notification)
{
	used_event_delivery(true);
}

/* The DMA window: page-aligned, naturally aligned, disjoint blocks inside
 * the window; exhausting it fails with ENOMEM; freeing everything makes
 * the largest block available again (buddies merge). */
TEST(dma_window_blocks_are_aligned_disjoint_and_merge_back)
{
	enum { N = 64 };
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct tzs_vmsg_bus *b = NULL;
	struct tzs_vmsg_bus_opts o;
	struct tzs_vmsg_dma d[N], big, extra;
	unsigned int i = 0, j = 0;

	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	memset(&o, 0, sizeof(o));
	o.dynamic = true;
	o.mem_pa = SYS_VM1_BASE + (16u << 20);
	o.mem_size = 1u << 20; /* 256 pages */
	ASSERT_EQ(tzs_vmsg_bus_open(vm, &o, &b), 0);
	for (i = 0; i < N; i++) {
		uint64_t block = i % 4 == 2 ? 4 * 4096 : (i % 4 + 1) * 4096;

		/* 1..4 pages less 100 bytes: len rounds up to pages, the
		 * block (and its alignment) to a power of 2 of them. */
		ASSERT_EQ(
			tzs_vmsg_dma_alloc(b, (i % 4 + 1) * 4096 - 100, &d[i]),
			0);
		ASSERT_EQ(d[i].len, (i % 4 + 1) * 4096);
		ASSERT_EQ((d[i].pa - o.mem_pa) % block, 0);
		ASSERT_TRUE(d[i].pa >= o.mem_pa &&
			    d[i].pa + d[i].len <= o.mem_pa + o.mem_size);
		ASSERT_TRUE(d[i].va == tzs_ep_pa(vm, d[i].pa, d[i].len));
		for (j = 0; j < i; j++) {
			ASSERT_TRUE(d[i].pa + d[i].len <= d[j].pa ||
				    d[j].pa + d[j].len <= d[i].pa);
		}
	}
	ASSERT_EQ(tzs_vmsg_dma_alloc(b, o.mem_size, &big), -ENOMEM);
	for (i = 0; i < N; i++) {
		tzs_vmsg_dma_free(b, &d[i]);
	}
	ASSERT_EQ(tzs_vmsg_dma_alloc(b, o.mem_size, &big), 0);
	ASSERT_EQ(big.pa, o.mem_pa);
	ASSERT_EQ(tzs_vmsg_dma_alloc(b, 4096, &extra), -ENOMEM);
	tzs_vmsg_dma_free(b, &big);
	tzs_vmsg_bus_close(b);
	sys_stop(&l, vm);
}
