// SPDX-License-Identifier: BSD-2-Clause
/*
 * System test: virtio-vsock across processes. The test process is a VM
 * (driver, hosted/vsock/) running the vsock protocol core at its CID; the
 * device lives in tzshare-sp (dev_num 2, secure side CID 2 with the echo
 * service on port 5000), reached over the virtio-msg FF-A bus in both
 * carriages and DMA modes.
 */
#include <tzshare/vdev_vsock.h>

#include "vsock_sys.h"

__attribute__((constructor)) static void vx_timeout(void)
{
	test_set_timeout(VS_TEST_TIMEOUT_S);
}

/* VM 1 and VM 2 with the default SP. */
#define VX_TWO_VMS                                                \
	"spmc max_mem_shares=16384\n"                             \
	"vm 1 vcpus=2 mem=0x80000000:512M\n"                      \
	"vm 2 vcpus=1 mem=0xA0000000:16M\n"                       \
	"sp 0x8001 vcpus=2 mem=0x10000000:16M program=tzshare-sp" \
	" uuid=c66028b5-2498-4aa1-9de7-77da6122abf0\n"

static void wait_hotplug(struct tzs_vmsg_bus *b, uint16_t dev_num,
			 uint16_t state)
{
	uint16_t dn = 0, st = 0;
	unsigned int i = 0;

	for (i = 0; i < 50; i++) {
		while (tzs_vmsg_bus_hotplug(b, &dn, &st) == 0) {
			if (dn == dev_num && st == state) {
				return;
			}
		}
		ASSERT_TRUE(tzs_vmsg_bus_events(b, 1000) >= 0);
	}
	test_fail(__FILE__, __LINE__, "no EVENT_DEVICE %u state %u", dev_num,
		  state);
}

/*
 * CID 3 from config; 1 MiB echoed in random-size chunks and checked; the
 * data path makes no FF-A memory transaction (the driver's block was
 * shared at open); everything reclaimed after close.
 */
static void echo_1mib(struct vs_mode m)
{
	struct tzs_vmsg_bus_stats st0, st1;
	struct tzs_vsock_drv_stats ds;
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct vx *x = NULL;
	uint64_t dev[4];

	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	x = vx_open(vm, m);
	ASSERT_EQ(tzs_vsock_drv_cid(x->d), 3);
	ASSERT_EQ(tzs_vsock_drv_cid(x->d), TZS_VSOCK_CID(SYS_VM1));
	tzs_vmsg_bus_get_stats(x->b, &st0);
	vx_echo(x, 1, 1u << 20, 1);
	vx_wait_idle(x);
	tzs_vmsg_bus_get_stats(x->b, &st1);
	ASSERT_EQ(st1.shares, st0.shares);
	ASSERT_EQ(st1.reclaims, st0.reclaims);
	tzs_vsock_drv_get_stats(x->d, &ds);
	ASSERT_TRUE(ds.rx_bytes >= 1u << 20);
	ASSERT_EQ(ds.rx_bad, 0);
	/* Many packets per bus message: batched kicks. */
	ASSERT_TRUE(st1.xfers - st0.xfers < ds.tx_pkts + ds.rx_pkts);
	vx_dev_stats(vm, VS_VSOCK, TZS_VMSG_STATS_VSOCK_PROTO, dev);
	ASSERT_EQ(dev[3], 1u << 20); /* the device echoed it all */
	vx_close(x);
	ASSERT_EQ(vs_live_shares(vm), 0);
	sys_stop(&l, vm);
}

TEST(echo_1mib_direct_static)
{
	echo_1mib((struct vs_mode){ .indirect = false, .dynamic = false });
}

TEST(echo_1mib_direct_dynamic)
{
	echo_1mib((struct vs_mode){ .indirect = false, .dynamic = true });
}

TEST(echo_1mib_indirect_static)
{
	echo_1mib((struct vs_mode){ .indirect = true, .dynamic = false });
}

TEST(echo_1mib_indirect_dynamic)
{
	echo_1mib((struct vs_mode){ .indirect = true, .dynamic = true });
}

TEST(echo_1mib_with_poll_events)
{
	echo_1mib((struct vs_mode){ .poll_events = true });
}

TEST(connect_to_a_port_nobody_listens_on_is_reset)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct vx *x = NULL;
	struct vsock_conn *c = NULL;
	uint64_t dev[4];
	uint8_t b = 0;

	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	x = vx_open(vm, (struct vs_mode){ 0 });
	c = vx_connect(x, TZS_VSOCK_PORT_ECHO - 1);
	ASSERT_EQ(vsock_conn_state(c), VSOCK_ST_CLOSED);
	ASSERT_EQ(vsock_conn_error(c), VSOCK_ECONNRESET);
	ASSERT_EQ(vsock_recv(&x->p, c, &b, 1, NULL), VSOCK_ECONNRESET);
	vx_dev_stats(vm, VS_VSOCK, TZS_VMSG_STATS_VSOCK_PROTO, dev);
	ASSERT_EQ(dev[1], 1); /* one RST sent */
	vsock_close(&x->p, c, vx_now());
	vx_close(x);
	sys_stop(&l, vm);
}

/* The checksum sink (port 5004) answers a frame with its length and
 * FNV-1a: the other services run on the SP's device too. */
TEST(checksum_sink_answers_a_frame_with_its_record)
{
	static uint8_t frame[8 + 100000];
	uint8_t rec[VDEV_VSOCK_SHM_RECORD];
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct vx *x = NULL;
	struct vsock_conn *c = NULL;
	uint32_t sent = 0, got = 0, i = 0;
	unsigned int r = 0;
	int rc = 0;

	for (i = 0; i < 100000; i++) {
		frame[8 + i] = vx_byte(9, i);
	}
	le64_put(frame, 100000);
	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	x = vx_open(vm, (struct vs_mode){ 0 });
	c = vx_connect(x, TZS_VSOCK_PORT_SINK_SUM);
	ASSERT_EQ(vsock_conn_state(c), VSOCK_ST_ESTABLISHED);
	for (r = 0; r < VX_ROUNDS && got < sizeof(rec); r++) {
		if (sent < sizeof(frame)) {
			rc = vsock_send(&x->p, c, frame + sent,
					(uint32_t)sizeof(frame) - sent);
			ASSERT_TRUE(rc > 0 || rc == VSOCK_EAGAIN);
			sent += rc > 0 ? (uint32_t)rc : 0;
		}
		vx_pump(x, sent < sizeof(frame) ? 0 : VX_WAIT_MS);
		rc = vsock_recv(&x->p, c, rec + got,
				(uint32_t)sizeof(rec) - got, NULL);
		ASSERT_TRUE(rc > 0 || rc == VSOCK_EAGAIN);
		got += rc > 0 ? (uint32_t)rc : 0;
	}
	ASSERT_EQ(got, sizeof(rec));
	ASSERT_EQ(le64_get(rec), 0); /* offer_id */
	ASSERT_EQ(le64_get(rec + 8), 100000);
	ASSERT_EQ(le32_get(rec + 16),
		  vdev_vsock_fnv32(VDEV_VSOCK_FNV32_INIT, frame + 8, 100000));
	ASSERT_EQ(le32_get(rec + 20), VDEV_VSOCK_SINK_KIND);
	vsock_close(&x->p, c, vx_now());
	vx_wait_idle(x);
	vx_close(x);
	sys_stop(&l, vm);
}

TEST(sixteen_concurrent_connections_echo)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct vx *x = NULL;

	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	x = vx_open(vm, (struct vs_mode){ 0 });
	vx_echo(x, 16, 256u << 10, 100);
	vx_wait_idle(x);
	vx_close(x);
	sys_stop(&l, vm);
}

/* As many connections as the echo service serves at once, a small ring
 * (tx buffers and rx buffers run out, control packets wait) and indirect
 * messages. */
TEST(sixty_four_concurrent_connections_with_small_rings)
{
	struct tzs_vsock_drv_opts o = { .queue_size = 32, .tx_bufs = 8 };
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct vx *x = NULL;

	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	x = vx_open_dev(vm, vs_bus(vm, (struct vs_mode){ .indirect = true }),
			TZS_VSOCK_DEV_NUM, &o);
	vx_echo(x, 64, 16u << 10, 200);
	vx_wait_idle(x);
	vx_close(x);
	sys_stop(&l, vm);
}

/* The device copies each tx chain and drops what does not decode or
 * claims another CID, counting it; it keeps working. */
TEST(malformed_tx_packets_are_dropped_and_counted_by_the_device)
{
	struct vsock_pkt p = {
		.src_cid = 99,
		.dst_cid = VSOCK_CID_HOST,
		.src_port = 1234,
		.dst_port = TZS_VSOCK_PORT_ECHO,
		.type = VSOCK_TYPE_STREAM,
		.op = VSOCK_OP_REQUEST,
		.buf_alloc = 4096,
	};
	uint8_t raw[VSOCK_HDR_SIZE + 8];
	struct vsock_hdr h;
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct vx *x = NULL;
	uint64_t dev[4];

	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	x = vx_open(vm, (struct vs_mode){ 0 });
	/* Short: 20 bytes. */
	memset(raw, 0, sizeof(raw));
	ASSERT_EQ(tzs_vsock_drv_send_raw(x->d, raw, 20), 0);
	/* Header says 100 payload bytes, 8 follow. */
	memset(&h, 0, sizeof(h));
	h.src_cid = 3;
	h.dst_cid = VSOCK_CID_HOST;
	h.type = VSOCK_TYPE_STREAM;
	h.op = VSOCK_OP_RW;
	h.len = 100;
	ASSERT_EQ(vsock_hdr_encode(&h, raw, sizeof(raw)), VSOCK_HDR_SIZE);
	ASSERT_EQ(tzs_vsock_drv_send_raw(x->d, raw, sizeof(raw)), 0);
	/* Unknown op. */
	h.len = 0;
	ASSERT_EQ(vsock_hdr_encode(&h, raw, sizeof(raw)), VSOCK_HDR_SIZE);
	le16_put(raw + 30, 77);
	ASSERT_EQ(tzs_vsock_drv_send_raw(x->d, raw, VSOCK_HDR_SIZE), 0);
	/* Well formed, spoofed source CID. */
	ASSERT_EQ(tzs_vsock_drv_send(x->d, &p), 0);
	vx_pump(x, 0);
	vx_dev_stats(vm, VS_VSOCK, TZS_VMSG_STATS_VSOCK_TX, dev);
	ASSERT_EQ(dev[0], 0); /* nothing reached the proto */
	ASSERT_EQ(dev[1], 3); /* tx_bad */
	ASSERT_EQ(dev[2], 1); /* tx_bad_cid */
	/* Nothing came back; the device still serves. */
	vx_echo(x, 1, 5000, 7);
	vx_dev_stats(vm, VS_VSOCK, TZS_VMSG_STATS_VSOCK_TX, dev);
	ASSERT_EQ(dev[1], 3);
	vx_wait_idle(x);
	vx_close(x);
	sys_stop(&l, vm);
}

/* send() rejections, and tx buffers coming back. */
TEST(send_refuses_oversized_inconsistent_and_unbuffered_packets)
{
	struct tzs_vsock_drv_opts o = { .tx_bufs = 2 };
	static uint8_t big[TZS_VSOCK_PAYLOAD_MAX + 1];
	struct vsock_pkt p = {
		.src_cid = 3,
		.dst_cid = VSOCK_CID_HOST,
		.src_port = 1234,
		.dst_port = 4321,
		.type = VSOCK_TYPE_STREAM,
		.op = VSOCK_OP_RST,
	};
	struct tzs_vsock_drv_stats ds;
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct vx *x = NULL;

	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	x = vx_open_dev(vm, vs_bus(vm, (struct vs_mode){ 0 }),
			TZS_VSOCK_DEV_NUM, &o);
	p.op = VSOCK_OP_RW;
	p.payload = big;
	p.len = p.payload_len = TZS_VSOCK_PAYLOAD_MAX + 1;
	ASSERT_EQ(tzs_vsock_drv_send(x->d, &p), VSOCK_EMSGSIZE);
	p.len = 10;
	ASSERT_EQ(tzs_vsock_drv_send(x->d, &p), VSOCK_EINVAL);
	p.op = 99;
	p.len = p.payload_len = 0;
	ASSERT_EQ(tzs_vsock_drv_send(x->d, &p), VSOCK_EINVAL);
	ASSERT_EQ(tzs_vsock_drv_send_raw(x->d, big, 0), VSOCK_EMSGSIZE);
	ASSERT_EQ(tzs_vsock_drv_send_raw(x->d, big, TZS_VSOCK_TX_BUF_SIZE + 1),
		  VSOCK_EMSGSIZE);
	/* Two tx buffers: the third packet waits for a reap. RST to a flow
	 * nobody has is dropped without an answer. */
	p.op = VSOCK_OP_RST;
	ASSERT_EQ(tzs_vsock_drv_send(x->d, &p), 0);
	ASSERT_EQ(tzs_vsock_drv_send(x->d, &p), 0);
	ASSERT_EQ(tzs_vsock_drv_send(x->d, &p), VSOCK_ENOBUFS);
	ASSERT_EQ(tzs_vsock_drv_kick(x->d), 0);
	ASSERT_EQ(tzs_vsock_drv_poll(x->d, &x->cb, 1000), 2);
	ASSERT_EQ(tzs_vsock_drv_send(x->d, &p), 0);
	tzs_vsock_drv_get_stats(x->d, &ds);
	ASSERT_EQ(ds.tx_pkts, 3);
	ASSERT_EQ(ds.tx_nobufs, 1);
	ASSERT_EQ(ds.rx_pkts, 0);
	ASSERT_EQ(tzs_vsock_drv_poll(x->d, NULL, 0), -EINVAL);
	vx_close(x);
	sys_stop(&l, vm);
}

/* VM 2 finds its own device with CID 4, while VM 1 has CID 3. */
TEST(each_vm_gets_its_own_cid)
{
	struct tzs_launch l;
	struct tzs_ep *vm1 = NULL, *vm2 = NULL;
	struct vx *x1 = NULL, *x2 = NULL;

	sys_start(&l, VX_TWO_VMS);
	vm1 = sys_attach(&l, SYS_VM1);
	vm2 = sys_attach(&l, SYS_VM2);
	x1 = vx_open(vm1, (struct vs_mode){ 0 });
	x2 = vx_open(vm2, (struct vs_mode){ .indirect = true });
	ASSERT_EQ(tzs_vsock_drv_cid(x1->d), 3);
	ASSERT_EQ(tzs_vsock_drv_cid(x2->d), 4);
	vx_echo(x2, 2, 100000, 11);
	vx_echo(x1, 2, 100000, 12);
	vx_wait_idle(x1);
	vx_wait_idle(x2);
	vx_close(x2);
	vx_close(x1);
	tzs_ep_detach(vm2);
	sys_stop(&l, vm1);
}

/* The SP's secure side loses its connections: TRANSPORT_RESET reaches the
 * driver through the event queue; ours are reset too; new ones work. */
TEST(transport_reset_from_the_device_resets_our_connections)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct vx *x = NULL;
	struct vsock_conn *c = NULL;
	struct tzs_vsock_drv_stats ds;
	unsigned int i = 0;
	uint64_t dev[4];

	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	x = vx_open(vm, (struct vs_mode){ 0 });
	c = vx_connect(x, TZS_VSOCK_PORT_ECHO);
	ASSERT_EQ(vsock_conn_state(c), VSOCK_ST_ESTABLISHED);
	ASSERT_EQ(vs_cmd(vm, TZS_VMSG_CMD_VSOCK_RESET, VS_VSOCK, 0, NULL),
		  FFA_OK);
	for (i = 0; i < VX_ROUNDS && !x->resets; i++) {
		vx_pump(x, VX_WAIT_MS);
	}
	ASSERT_EQ(x->resets, 1);
	ASSERT_EQ(vsock_conn_state(c), VSOCK_ST_CLOSED);
	ASSERT_EQ(vsock_conn_error(c), VSOCK_ECONNRESET);
	tzs_vsock_drv_get_stats(x->d, &ds);
	ASSERT_EQ(ds.events, 1);
	vx_dev_stats(vm, VS_VSOCK, TZS_VMSG_STATS_VSOCK_RX, dev);
	ASSERT_EQ(dev[2], 1); /* events */
	vsock_close(&x->p, c, vx_now());
	vx_echo(x, 1, 10000, 3);
	vx_wait_idle(x);
	vx_close(x);
	sys_stop(&l, vm);
}

TEST(vsock_reset_command_rejections)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	uint64_t r[5];

	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	ASSERT_EQ(vs_cmd(vm, TZS_VMSG_CMD_VSOCK_RESET, VS_ECHO, 0, NULL),
		  FFA_DENIED);
	ASSERT_EQ(vs_cmd(vm, TZS_VMSG_CMD_VSOCK_RESET, 9, 0, NULL), FFA_DENIED);
	ASSERT_EQ(vs_cmd(vm, TZS_VMSG_CMD_VSOCK_RESET, 0, 0, NULL),
		  FFA_INVALID_PARAMETERS);
	ASSERT_EQ(vs_cmd(vm, TZS_VMSG_CMD_STATS, VS_ECHO,
			 TZS_VMSG_STATS_VSOCK_TX, r),
		  FFA_DENIED);
	ASSERT_EQ(vs_cmd(vm, TZS_VMSG_CMD_STATS, VMSG_FFA_MAX_DEVICES,
			 TZS_VMSG_STATS_VSOCK_TX, r),
		  FFA_INVALID_PARAMETERS);
	ASSERT_EQ(vs_cmd(vm, TZS_VMSG_CMD_STATS, VS_VSOCK,
			 TZS_VMSG_STATS_VSOCK_PROTO + 1, r),
		  FFA_INVALID_PARAMETERS);
	sys_stop(&l, vm);
}

/* A second vsock device comes with ADD; removal ends its driver's poll. */
TEST(hot_added_vsock_device_serves_and_removal_is_seen)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct tzs_vmsg_bus *b = NULL;
	struct vx *x = NULL, *x2 = NULL;

	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	x = vx_open(vm, (struct vs_mode){ 0 });
	b = x->b;
	ASSERT_EQ(vs_cmd(vm, TZS_VMSG_CMD_ADD, 3, TZS_VMSG_DEV_VSOCK, NULL),
		  FFA_OK);
	wait_hotplug(b, 3, VMSG_DEVICE_READY);
	x2 = vx_open_dev(vm, b, 3, NULL);
	ASSERT_EQ(tzs_vsock_drv_cid(x2->d), 3);
	vx_echo(x2, 2, 70000, 5);
	vx_echo(x, 1, 70000, 6);
	vx_wait_idle(x2);
	ASSERT_EQ(vs_cmd(vm, TZS_VMSG_CMD_REMOVE, 3, 0, NULL), FFA_OK);
	wait_hotplug(b, 3, VMSG_DEVICE_REMOVED);
	ASSERT_EQ(tzs_vsock_drv_poll(x2->d, &x2->cb, 50), -ENODEV);
	vx_close_dev(x2);
	vx_wait_idle(x);
	vx_close(x);
	ASSERT_EQ(vs_live_shares(vm), 0);
	sys_stop(&l, vm);
}

/* The echo device at dev_num 1 is not a vsock device: refused, and left
 * alone (its driver carries on). */
TEST(opening_a_device_that_is_not_vsock_fails)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct tzs_vmsg_bus *b = NULL;
	struct tzs_vsock_drv *d = NULL;
	struct tzs_vmsg_echo *e = NULL;
	struct tzs_vmsg_dma dma;

	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	b = vs_bus(vm, (struct vs_mode){ 0 });
	e = vs_echo(b, VS_ECHO);
	ASSERT_EQ(tzs_vmsg_dma_alloc(b, 8 * VS_SLOT, &dma), 0);
	ASSERT_EQ(tzs_vsock_drv_open(b, VS_ECHO, NULL, &d), -ENODEV);
	ASSERT_NE(tzs_vsock_drv_open(b, 9, NULL, &d), 0);
	ASSERT_EQ(vs_batch(e, &dma, 4, VS_SLOT, 4, 100, 1), 4);
	tzs_vmsg_echo_close(e);
	tzs_vmsg_bus_close(b);
	ASSERT_EQ(vs_live_shares(vm), 0);
	sys_stop(&l, vm);
}

/* Bus RESET: the driver is stale until tzs_vsock_drv_reset(). */
TEST(bus_reset_makes_the_driver_stale_until_reset)
{
	struct vsock_pkt p = {
		.src_cid = 3,
		.dst_cid = VSOCK_CID_HOST,
		.type = VSOCK_TYPE_STREAM,
		.op = VSOCK_OP_RST,
	};
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct vx *x = NULL;

	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	x = vx_open(vm, (struct vs_mode){ .dynamic = true });
	vx_echo(x, 1, 10000, 1);
	vx_wait_idle(x);
	ASSERT_EQ(tzs_vmsg_bus_reset(x->b), 0);
	ASSERT_EQ(tzs_vsock_drv_send(x->d, &p), VMSG_T_E_STATE);
	ASSERT_EQ(tzs_vsock_drv_kick(x->d), VMSG_T_E_STATE);
	ASSERT_EQ(tzs_vsock_drv_poll(x->d, &x->cb, 0), VMSG_T_E_STATE);
	ASSERT_EQ(tzs_vsock_drv_reset(x->d), 0);
	vx_echo(x, 1, 10000, 2);
	vx_wait_idle(x);
	vx_close(x);
	ASSERT_EQ(vs_live_shares(vm), 0);
	sys_stop(&l, vm);
}

/* ---------------------------------------------------------------------- */
/* A hostile device: the test writes used entries into the rings itself   */

/* A head the driver has in flight on @vq. */
static uint16_t posted_head(struct virtq_drv *vq)
{
	uint16_t i = 0;

	for (i = 0; i < vq->num; i++) {
		if (vq->tokens[i]) {
			return i;
		}
	}
	test_fail(__FILE__, __LINE__, "no buffer posted");
}

/* Used entry (@head, @len) as a device would publish it. */
static void forge_used(struct virtq_drv *vq, uint16_t head, uint32_t len)
{
	uint16_t idx = le16_get(vq->used + 2);

	le32_put(vq->used + 4 + 8u * (idx % vq->num), head);
	le32_put(vq->used + 8 + 8u * (idx % vq->num), len);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	le16_put(vq->used + 2, (uint16_t)(idx + 1));
}

/* Host pointer of the buffer of @head (one descriptor). */
static uint8_t *head_buf(struct vx *x, struct virtq_drv *vq, uint16_t head)
{
	uint64_t addr = le64_get(vq->desc + 16u * head);
	uint32_t len = le32_get(vq->desc + 16u * head + 8);
	uint8_t *p = tzs_vsock_drv_host(x->d, addr, len);

	ASSERT_TRUE(p != NULL);
	return p;
}

TEST(malformed_rx_and_event_buffers_are_dropped_and_a_bad_used_entry_breaks)
{
	struct tzs_vsock_drv_stats ds;
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct vx *x = NULL;
	struct virtq_drv *rx = NULL, *ev = NULL;
	struct vsock_hdr h;
	uint16_t head = 0;

	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	x = vx_open(vm, (struct vs_mode){ 0 });
	rx = tzs_vsock_drv_vq(x->d, VSOCK_VQ_RX);
	ev = tzs_vsock_drv_vq(x->d, VSOCK_VQ_EVENT);
	memset(&h, 0, sizeof(h));
	h.src_cid = VSOCK_CID_HOST;
	h.dst_cid = 3;
	h.type = VSOCK_TYPE_STREAM;
	h.op = VSOCK_OP_RW;
	/* Shorter than a header. */
	forge_used(rx, posted_head(rx), 10);
	ASSERT_EQ(tzs_vsock_drv_poll(x->d, &x->cb, 0), 0);
	/* More than the buffer holds. */
	forge_used(rx, posted_head(rx), TZS_VSOCK_RX_BUF_SIZE + 1);
	ASSERT_EQ(tzs_vsock_drv_poll(x->d, &x->cb, 0), 0);
	/* Header len 100, 50 bytes used. */
	head = posted_head(rx);
	h.len = 100;
	ASSERT_EQ(vsock_hdr_encode(&h, head_buf(x, rx, head), VSOCK_HDR_SIZE),
		  VSOCK_HDR_SIZE);
	forge_used(rx, head, VSOCK_HDR_SIZE + 50);
	ASSERT_EQ(tzs_vsock_drv_poll(x->d, &x->cb, 0), 0);
	/* Unknown op. */
	head = posted_head(rx);
	h.len = 0;
	ASSERT_EQ(vsock_hdr_encode(&h, head_buf(x, rx, head), VSOCK_HDR_SIZE),
		  VSOCK_HDR_SIZE);
	le16_put(head_buf(x, rx, head) + 30, 42);
	forge_used(rx, head, VSOCK_HDR_SIZE);
	ASSERT_EQ(tzs_vsock_drv_poll(x->d, &x->cb, 0), 0);
	/* Events: unknown id, then a short one. */
	head = posted_head(ev);
	le32_put(head_buf(x, ev, head), 7);
	forge_used(ev, head, VSOCK_EVENT_SIZE);
	forge_used(ev, posted_head(ev), VSOCK_EVENT_SIZE - 1);
	ASSERT_EQ(tzs_vsock_drv_poll(x->d, &x->cb, 0), 0);
	tzs_vsock_drv_get_stats(x->d, &ds);
	ASSERT_EQ(ds.rx_bad, 4);
	ASSERT_EQ(ds.rx_pkts, 0);
	ASSERT_EQ(ds.events_bad, 2);
	ASSERT_EQ(ds.events, 0);
	ASSERT_EQ(x->resets, 0);
	/* A used id that is no chain in flight breaks the queue. */
	forge_used(rx, (uint16_t)(rx->num + 3), 0);
	ASSERT_EQ(tzs_vsock_drv_poll(x->d, &x->cb, 0), VMSG_T_E_PROTO);
	ASSERT_EQ(tzs_vsock_drv_poll(x->d, &x->cb, 0), VMSG_T_E_PROTO);
	/* A reset brings fresh rings. */
	ASSERT_EQ(tzs_vsock_drv_reset(x->d), 0);
	vx_echo(x, 1, 10000, 4);
	vx_wait_idle(x);
	vx_close(x);
	sys_stop(&l, vm);
}
