// SPDX-License-Identifier: BSD-2-Clause
/*
 * virtio-vsock device (core/vdev/vsock_dev.c) end to end in one process: a
 * minimal driver in the test talks to the device over the FF-A bus
 * loopback with real virtqueues; the device's secure side (CID 2) runs the
 * echo service on VL_PORT.
 */
#include "vsock_loop.h"

static struct vl_pkt pk[VL_MAX_PKTS];

/* ---------------------------------------------------------------------- */
/* Connect and data                                                        */

TEST(stream_connect_and_echo_through_the_device)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);

	ASSERT_EQ(t->devt.driver_features, VDEV_VSOCK_FEATURES);
	vl_post_rx(t, 8);
	vl_connect(t);
	vl_send(t, VSOCK_OP_RW, 0, "hello", 5);
	ASSERT_EQ(vl_drain(t, pk), 1);
	vl_expect(&pk[0], VSOCK_OP_RW, VL_PORT, VL_LPORT);
	ASSERT_EQ(pk[0].h.type, VSOCK_TYPE_STREAM);
	ASSERT_EQ(pk[0].h.len, 5);
	ASSERT_MEM_EQ(pk[0].data, "hello", 5);
	/* The device consumed what it echoed. */
	ASSERT_EQ(pk[0].h.fwd_cnt, 5);
	ASSERT_EQ(pk[0].h.buf_alloc, VDEV_VSOCK_RX_LEN);
	ASSERT_EQ(t->echo.echoed, 5);
	ASSERT_EQ(t->v->stats.tx_pkts, 2);
	ASSERT_EQ(t->v->stats.rx_pkts, 2);
	ASSERT_EQ(t->tx_reaped, 2);
}

TEST(tx_packet_split_over_header_and_payload_buffers_is_taken)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);
	struct vsock_hdr h = vl_hdr(t, VSOCK_OP_RW, VL_PORT, 0, 6);
	struct lp_buf *hb = calloc(1, sizeof(*hb));
	struct lp_buf pb;
	struct virtq_buf vb[2];
	uint32_t len = 1;

	ASSERT_TRUE(hb);
	vl_post_rx(t, 8);
	vl_connect(t);
	/* Linux puts the header and the payload in separate buffers. */
	lp_buf_get(t->l, LP_STATIC, VSOCK_HDR_SIZE, false, hb);
	lp_buf_get(t->l, LP_STATIC, 6, false, &pb);
	ASSERT_EQ(vsock_hdr_encode(&h, hb->host, VSOCK_HDR_SIZE),
		  VSOCK_HDR_SIZE);
	memcpy(pb.host, "split!", 6);
	vb[0].addr = hb->bus;
	vb[0].len = VSOCK_HDR_SIZE;
	vb[1].addr = pb.bus;
	vb[1].len = 6;
	ASSERT_EQ(virtq_drv_add(&t->q[VSOCK_VQ_TX].vq, vb, 2, NULL, 0, hb),
		  VIRTQ_OK);
	vl_kick(t, VSOCK_VQ_TX);
	ASSERT_TRUE(virtq_drv_get_used(&t->q[VSOCK_VQ_TX].vq, &len) == hb);
	ASSERT_EQ(len, 0);
	ASSERT_EQ(vl_drain(t, pk), 1);
	vl_expect(&pk[0], VSOCK_OP_RW, VL_PORT, VL_LPORT);
	ASSERT_EQ(pk[0].h.len, 6);
	ASSERT_MEM_EQ(pk[0].data, "split!", 6);
}

TEST(seqpacket_echo_keeps_message_boundaries)
{
	struct vl *t = vl_new(VSOCK_TYPE_SEQPACKET);

	vl_post_rx(t, 8);
	vl_connect(t);
	vl_send(t, VSOCK_OP_RW, VSOCK_SEQ_EOM | VSOCK_SEQ_EOR, "abc", 3);
	vl_send(t, VSOCK_OP_RW, VSOCK_SEQ_EOM, "defgh", 5);
	ASSERT_EQ(vl_drain(t, pk), 2);
	vl_expect(&pk[0], VSOCK_OP_RW, VL_PORT, VL_LPORT);
	ASSERT_EQ(pk[0].h.type, VSOCK_TYPE_SEQPACKET);
	ASSERT_EQ(pk[0].h.len, 3);
	ASSERT_MEM_EQ(pk[0].data, "abc", 3);
	ASSERT_EQ(pk[0].h.flags & VSOCK_SEQ_EOM, VSOCK_SEQ_EOM);
	vl_expect(&pk[1], VSOCK_OP_RW, VL_PORT, VL_LPORT);
	ASSERT_EQ(pk[1].h.len, 5);
	ASSERT_MEM_EQ(pk[1].data, "defgh", 5);
	ASSERT_EQ(pk[1].h.flags & VSOCK_SEQ_EOM, VSOCK_SEQ_EOM);
}

TEST(seqpacket_message_in_two_packets_is_echoed_as_one)
{
	struct vl *t = vl_new(VSOCK_TYPE_SEQPACKET);

	vl_post_rx(t, 8);
	vl_connect(t);
	vl_send(t, VSOCK_OP_RW, 0, "ab", 2);
	/* No EOM yet: the service has no message to read. */
	ASSERT_EQ(vl_drain(t, pk), 0);
	vl_send(t, VSOCK_OP_RW, VSOCK_SEQ_EOM, "cd", 2);
	ASSERT_EQ(vl_drain(t, pk), 1);
	ASSERT_EQ(pk[0].h.len, 4);
	ASSERT_MEM_EQ(pk[0].data, "abcd", 4);
}

TEST(seqpacket_message_longer_than_a_packet_is_echoed_whole)
{
	struct vl *t = vl_new(VSOCK_TYPE_SEQPACKET);
	/* Ten tx packets, echoed in ten rx-sized ones. */
	const uint32_t len = 9 * VDEV_VSOCK_RX_PAYLOAD_MAX + 3136;
	static uint8_t msg[9 * VDEV_VSOCK_RX_PAYLOAD_MAX + 3136];
	uint32_t i = 0;

	for (i = 0; i < len; i++) {
		msg[i] = (uint8_t)(i * 7);
	}
	vl_post_rx(t, 8);
	vl_connect(t);
	for (i = 0; i < len; i += 4000) {
		vl_send(t, VSOCK_OP_RW, i + 4000 == len ? VSOCK_SEQ_EOM : 0,
			msg + i, 4000);
	}
	/* Reading more than half of VDEV_VSOCK_RX_LEN would make a credit
	 * update due first; the echo goes out in rx-sized packets. */
	const uint32_t upd = len > VDEV_VSOCK_RX_LEN / 2 ? 1 : 0;

	ASSERT_EQ(vl_drain(t, pk), 10 + upd);
	if (upd) {
		vl_expect(&pk[0], VSOCK_OP_CREDIT_UPDATE, VL_PORT, VL_LPORT);
		ASSERT_EQ(pk[0].h.fwd_cnt, len);
	}
	for (i = 0; i < 10; i++) {
		vl_expect(&pk[upd + i], VSOCK_OP_RW, VL_PORT, VL_LPORT);
		ASSERT_EQ(pk[upd + i].h.len,
			  i < 9 ? VDEV_VSOCK_RX_PAYLOAD_MAX : 3136);
		ASSERT_EQ(pk[upd + i].h.flags,
			  i < 9 ? 0 : VSOCK_SEQ_EOM | VSOCK_SEQ_EOR);
		ASSERT_MEM_EQ(pk[upd + i].data,
			      msg + i * VDEV_VSOCK_RX_PAYLOAD_MAX,
			      pk[upd + i].h.len);
	}
}

TEST(seqpacket_echo_waits_for_side_queue_room_for_the_whole_message)
{
	struct vl *t = vl_new(VSOCK_TYPE_SEQPACKET);
	/* One packet more than the slots left free below. */
	const uint32_t pkts = VDEV_VSOCK_TX_RESERVE + 1;
	const uint32_t small = VDEV_VSOCK_SIDEQ - VDEV_VSOCK_TX_RESERVE - 1;
	static uint8_t
		msg[(VDEV_VSOCK_TX_RESERVE + 1) * VDEV_VSOCK_RX_PAYLOAD_MAX];
	uint32_t i = 0;

	memset(msg, 'm', sizeof(msg));
	/* No rx buffers: RESPONSE + small one-byte echoes, TX_RESERVE slots
	 * left. */
	vl_send(t, VSOCK_OP_REQUEST, 0, NULL, 0);
	for (i = 0; i < small; i++) {
		vl_send(t, VSOCK_OP_RW, VSOCK_SEQ_EOM, "x", 1);
	}
	ASSERT_EQ(t->v->sq_count, 1 + small);
	/* A message of TX_RESERVE + 1 rx packets: received (no credit update
	 * due, less than half the buffer) ... */
	vl_send(t, VSOCK_OP_RW, VSOCK_SEQ_EOM, msg, sizeof(msg));
	ASSERT_EQ(t->v->stats.tx_pkts, 2 + small);
	/* ... and the echo held back. */
	ASSERT_EQ(t->v->sq_count, 1 + small);
	ASSERT_EQ(t->echo.echoed, small);
	vl_post_rx(t, VL_RXBUFS);
	ASSERT_EQ(vl_drain(t, pk), 1 + small + pkts);
	for (i = 0; i < pkts; i++) {
		vl_expect(&pk[1 + small + i], VSOCK_OP_RW, VL_PORT, VL_LPORT);
		ASSERT_EQ(pk[1 + small + i].h.len, VDEV_VSOCK_RX_PAYLOAD_MAX);
	}
	ASSERT_EQ(pk[small + pkts].h.flags, VSOCK_SEQ_EOM | VSOCK_SEQ_EOR);
	ASSERT_EQ(t->v->proto.stats.tx_errors, 0);
	ASSERT_EQ(t->echo.echoed, small + sizeof(msg));
}

TEST(connect_to_unbound_port_is_answered_with_rst)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);
	struct vsock_hdr h = vl_hdr(t, VSOCK_OP_REQUEST, VL_PORT + 1, 0, 0);

	vl_post_rx(t, 4);
	vl_send_hdr(t, &h, NULL);
	ASSERT_EQ(vl_drain(t, pk), 1);
	vl_expect(&pk[0], VSOCK_OP_RST, VL_PORT + 1, VL_LPORT);
	ASSERT_EQ(t->v->proto.stats.rst_sent, 1);
}

TEST(connect_with_wrong_type_is_answered_with_rst)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);

	vl_post_rx(t, 4);
	t->type = VSOCK_TYPE_SEQPACKET;
	vl_send(t, VSOCK_OP_REQUEST, 0, NULL, 0);
	ASSERT_EQ(vl_drain(t, pk), 1);
	vl_expect(&pk[0], VSOCK_OP_RST, VL_PORT, VL_LPORT);
}

/* ---------------------------------------------------------------------- */
/* Flow control and the side queue                                         */

TEST(echo_respects_the_drivers_small_buf_alloc)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);
	const char *msg = "abcdefghijklmnopqrst";

	t->buf_alloc = 8;
	vl_post_rx(t, 8);
	vl_connect(t);
	vl_send(t, VSOCK_OP_RW, 0, msg, 20);
	/* 8 bytes of credit: RW(8), then the device asks for more. */
	ASSERT_EQ(vl_drain(t, pk), 2);
	vl_expect(&pk[0], VSOCK_OP_RW, VL_PORT, VL_LPORT);
	ASSERT_EQ(pk[0].h.len, 8);
	ASSERT_MEM_EQ(pk[0].data, msg, 8);
	vl_expect(&pk[1], VSOCK_OP_CREDIT_REQUEST, VL_PORT, VL_LPORT);
	/* Consumed 8: the next 8 may come. */
	t->fwd_cnt = 8;
	vl_send(t, VSOCK_OP_CREDIT_UPDATE, 0, NULL, 0);
	ASSERT_EQ(vl_drain(t, pk), 2);
	vl_expect(&pk[0], VSOCK_OP_RW, VL_PORT, VL_LPORT);
	ASSERT_EQ(pk[0].h.len, 8);
	ASSERT_MEM_EQ(pk[0].data, msg + 8, 8);
	vl_expect(&pk[1], VSOCK_OP_CREDIT_REQUEST, VL_PORT, VL_LPORT);
	t->fwd_cnt = 16;
	vl_send(t, VSOCK_OP_CREDIT_UPDATE, 0, NULL, 0);
	ASSERT_EQ(vl_drain(t, pk), 1);
	vl_expect(&pk[0], VSOCK_OP_RW, VL_PORT, VL_LPORT);
	ASSERT_EQ(pk[0].h.len, 4);
	ASSERT_MEM_EQ(pk[0].data, msg + 16, 4);
	ASSERT_EQ(t->echo.echoed, 20);
}

TEST(packets_wait_in_the_side_queue_until_rx_buffers_come)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);

	vl_send(t, VSOCK_OP_REQUEST, 0, NULL, 0);
	ASSERT_EQ(vl_drain(t, pk), 0);
	ASSERT_EQ(t->v->sq_count, 1);
	vl_post_rx(t, 4);
	ASSERT_EQ(t->v->sq_count, 0);
	ASSERT_EQ(vl_drain(t, pk), 1);
	vl_expect(&pk[0], VSOCK_OP_RESPONSE, VL_PORT, VL_LPORT);
}

TEST(full_side_queue_leaves_tx_in_the_ring_until_rx_drains)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);
	/* tx is taken while VDEV_VSOCK_TX_RESERVE side slots are free. */
	const uint32_t taken = VDEV_VSOCK_SIDEQ - VDEV_VSOCK_TX_RESERVE;
	const uint32_t sent = taken + 3;
	uint32_t i = 0;
	char c = 0;

	/* No rx buffers: RESPONSE and echoes pile up in the side queue. */
	vl_send(t, VSOCK_OP_REQUEST, 0, NULL, 0);
	for (i = 0; i < sent; i++) {
		struct vsock_hdr h = vl_hdr(t, VSOCK_OP_RW, VL_PORT, 0, 1);

		c = (char)('a' + i);
		vl_send_hdr(t, &h, &c);
	}
	ASSERT_EQ(t->v->stats.tx_pkts, 1 + taken);
	ASSERT_EQ(t->v->sq_count, 1 + taken);
	vl_reap_tx(t);
	ASSERT_EQ(t->tx_reaped, 1 + taken);
	/* The driver makes room: everything flows, in order. */
	vl_post_rx(t, VL_RXBUFS);
	ASSERT_EQ(vl_drain(t, pk), 1 + sent);
	vl_expect(&pk[0], VSOCK_OP_RESPONSE, VL_PORT, VL_LPORT);
	for (i = 0; i < sent; i++) {
		vl_expect(&pk[1 + i], VSOCK_OP_RW, VL_PORT, VL_LPORT);
		ASSERT_EQ(pk[1 + i].h.len, 1);
		ASSERT_EQ(pk[1 + i].data[0], 'a' + i);
	}
	vl_reap_tx(t);
	ASSERT_EQ(t->tx_reaped, 1 + sent);
	ASSERT_EQ(t->v->sq_count, 0);
	ASSERT_EQ(t->v->stats.sideq_full, 0);
}

TEST(peer_shutdown_both_ends_the_echo_connection)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);

	vl_post_rx(t, 8);
	vl_connect(t);
	vl_send(t, VSOCK_OP_SHUTDOWN, VSOCK_SHUTDOWN_MASK, NULL, 0);
	ASSERT_EQ(vl_drain(t, pk), 1);
	vl_expect(&pk[0], VSOCK_OP_RST, VL_PORT, VL_LPORT);
	ASSERT_TRUE(t->echo.child[0].c == NULL);
}

TEST(echo_close_after_peer_eof_times_out_into_rst_on_tick)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);

	vl_post_rx(t, 8);
	vl_connect(t);
	/* The driver will send no more: the echo sees EOF and closes. */
	vl_send(t, VSOCK_OP_SHUTDOWN, VSOCK_SHUTDOWN_SEND, NULL, 0);
	ASSERT_EQ(vl_drain(t, pk), 1);
	vl_expect(&pk[0], VSOCK_OP_SHUTDOWN, VL_PORT, VL_LPORT);
	ASSERT_EQ(pk[0].h.flags, VSOCK_SHUTDOWN_MASK);
	ASSERT_TRUE(t->echo.child[0].c == NULL);
	/* The driver never answers with RST: the close timeout does. */
	vdev_vsock_tick(t->v, VSOCK_CLOSE_TIMEOUT_MS - 1);
	ASSERT_EQ(vl_drain(t, pk), 0);
	vdev_vsock_tick(t->v, VSOCK_CLOSE_TIMEOUT_MS);
	ASSERT_EQ(vl_drain(t, pk), 1);
	vl_expect(&pk[0], VSOCK_OP_RST, VL_PORT, VL_LPORT);
}

/* ---------------------------------------------------------------------- */
/* Resets                                                                  */

static void post_event_buf(struct vl *t, uint32_t i)
{
	struct virtq_buf b;

	lp_buf_get(t->l, LP_STATIC, VSOCK_EVENT_SIZE, true, &t->evb[i]);
	memset(t->evb[i].host, 0xAA, VSOCK_EVENT_SIZE);
	b.addr = t->evb[i].bus;
	b.len = VSOCK_EVENT_SIZE;
	ASSERT_EQ(virtq_drv_add(&t->q[VSOCK_VQ_EVENT].vq, NULL, 0, &b, 1,
				&t->evb[i]),
		  VIRTQ_OK);
	vl_kick(t, VSOCK_VQ_EVENT);
}

static void expect_reset_event(struct vl *t, uint32_t i)
{
	uint32_t len = 0, id = 1;

	ASSERT_TRUE(virtq_drv_get_used(&t->q[VSOCK_VQ_EVENT].vq, &len) ==
		    &t->evb[i]);
	ASSERT_EQ(len, VSOCK_EVENT_SIZE);
	ASSERT_EQ(vsock_event_decode(t->evb[i].host, len, &id), VSOCK_OK);
	ASSERT_EQ(id, VSOCK_EVENT_TRANSPORT_RESET);
}

TEST(transport_reset_sends_event_and_resets_connections)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);
	uint32_t len = 0;

	vl_post_rx(t, 8);
	post_event_buf(t, 0);
	ASSERT_TRUE(!virtq_drv_get_used(&t->q[VSOCK_VQ_EVENT].vq, &len));
	vl_connect(t);
	ASSERT_TRUE(t->echo.child[0].c != NULL);
	vdev_vsock_transport_reset(t->v);
	expect_reset_event(t, 0);
	ASSERT_EQ(t->v->stats.events, 1);
	/* The echo child saw ECONNRESET and was released; no RST sent. */
	ASSERT_TRUE(t->echo.child[0].c == NULL);
	ASSERT_EQ(t->v->proto.stats.rst_sent, 0);
	ASSERT_EQ(vl_drain(t, pk), 0);
	/* Data on the old flow is now for an unknown socket. */
	vl_send(t, VSOCK_OP_RW, 0, "x", 1);
	ASSERT_EQ(vl_drain(t, pk), 1);
	vl_expect(&pk[0], VSOCK_OP_RST, VL_PORT, VL_LPORT);
	/* The listener survives: a new connection works. */
	vl_connect(t);
	vl_send(t, VSOCK_OP_RW, 0, "again", 5);
	ASSERT_EQ(vl_drain(t, pk), 1);
	ASSERT_MEM_EQ(pk[0].data, "again", 5);
}

TEST(transport_reset_event_waits_for_an_event_buffer)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);

	vl_post_rx(t, 8);
	vl_connect(t);
	vdev_vsock_transport_reset(t->v);
	ASSERT_TRUE(t->v->event_pending);
	ASSERT_EQ(t->v->stats.events, 0);
	post_event_buf(t, 0);
	expect_reset_event(t, 0);
	ASSERT_TRUE(!t->v->event_pending);
	/* One event per reset: a second buffer stays unused ... */
	post_event_buf(t, 1);
	ASSERT_EQ(t->v->stats.events, 1);
	/* ... until the next reset, which fills it at once. */
	vdev_vsock_transport_reset(t->v);
	expect_reset_event(t, 1);
	ASSERT_EQ(t->v->stats.events, 2);
}

TEST(transport_reset_event_buffer_posted_later_is_kicked_and_filled)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);
	uint64_t kicks = 0;

	post_event_buf(t, 0);
	vdev_vsock_transport_reset(t->v);
	expect_reset_event(t, 0);
	/* The device found the queue empty and asked for the next kick. */
	vdev_vsock_transport_reset(t->v);
	kicks = t->q[VSOCK_VQ_EVENT].vq.stats.kicks;
	post_event_buf(t, 1);
	ASSERT_EQ(t->q[VSOCK_VQ_EVENT].vq.stats.kicks, kicks + 1);
	expect_reset_event(t, 1);
	ASSERT_EQ(t->v->stats.events, 2);
}

TEST(event_buffer_too_small_is_returned_empty_and_the_next_used)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);
	struct lp_buf small;
	struct virtq_buf b;
	uint32_t len = 1;

	lp_buf_get(t->l, LP_STATIC, VSOCK_EVENT_SIZE - 1, true, &small);
	b.addr = small.bus;
	b.len = small.len;
	ASSERT_EQ(
		virtq_drv_add(&t->q[VSOCK_VQ_EVENT].vq, NULL, 0, &b, 1, &small),
		VIRTQ_OK);
	post_event_buf(t, 0);
	vdev_vsock_transport_reset(t->v);
	ASSERT_TRUE(virtq_drv_get_used(&t->q[VSOCK_VQ_EVENT].vq, &len) ==
		    &small);
	ASSERT_EQ(len, 0);
	expect_reset_event(t, 0);
	ASSERT_EQ(t->v->stats.events, 1);
}

TEST(device_reset_mid_connection_resets_connections)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);
	struct vsock_conn *c = NULL;
	uint64_t resets = t->v->stats.resets; /* registration resets too */

	vl_post_rx(t, 8);
	vl_connect(t);
	c = t->echo.child[0].c;
	ASSERT_TRUE(c != NULL);
	ASSERT_EQ(vsock_conn_state(c), VSOCK_ST_ESTABLISHED);
	ASSERT_EQ(vmsg_drvt_reset(&t->drvt), VMSG_T_OK);
	ASSERT_EQ(t->devt.status, 0);
	ASSERT_EQ(t->v->stats.resets, resets + 1);
	ASSERT_TRUE(t->echo.child[0].c == NULL);
	ASSERT_EQ(t->v->proto.stats.rst_sent, 0);
	ASSERT_EQ(t->v->sq_count, 0);
	/* The slot was released; the listener is still there. */
	ASSERT_EQ(vsock_conn_state(c), VSOCK_ST_FREE);
	ASSERT_EQ(vsock_conn_state(t->echo.listener), VSOCK_ST_LISTEN);
	/* The driver brings the device up again: service as before. */
	vl_reinit(t);
	vl_post_rx(t, 8);
	vl_connect(t);
	vl_send(t, VSOCK_OP_RW, 0, "back", 4);
	ASSERT_EQ(vl_drain(t, pk), 1);
	ASSERT_MEM_EQ(pk[0].data, "back", 4);
}

/* ---------------------------------------------------------------------- */
/* Hostile tx                                                              */

TEST(hostile_tx_chains_are_dropped_and_counted)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);
	struct vsock_hdr h = vl_hdr(t, VSOCK_OP_RW, VL_PORT, 0, 100);
	uint8_t buf[VSOCK_HDR_SIZE + 10];
	struct lp_buf big;
	struct virtq_buf vb;
	uint32_t len = 1;

	vl_post_rx(t, 8);
	/* Short header. */
	memset(buf, 0, sizeof(buf));
	vl_send_raw(t, buf, 20);
	ASSERT_EQ(t->v->stats.tx_bad, 1);
	/* len 100 but only 10 payload bytes in the chain. */
	ASSERT_EQ(vsock_hdr_encode(&h, buf, sizeof(buf)), VSOCK_HDR_SIZE);
	vl_send_raw(t, buf, sizeof(buf));
	ASSERT_EQ(t->v->stats.tx_bad, 2);
	/* More bytes than the device takes (too big for the static pool:
	 * its own area). */
	h.len = VDEV_VSOCK_PAYLOAD_MAX + 1;
	vl_reap_tx(t);
	lp_buf_get(t->l, LP_DYNAMIC, VDEV_VSOCK_PKT_MAX + 1, false, &big);
	ASSERT_EQ(vsock_hdr_encode(&h, big.host, big.len), VSOCK_HDR_SIZE);
	vb.addr = big.bus;
	vb.len = big.len;
	ASSERT_EQ(virtq_drv_add(&t->q[VSOCK_VQ_TX].vq, &vb, 1, NULL, 0, &big),
		  VIRTQ_OK);
	vl_kick(t, VSOCK_VQ_TX);
	ASSERT_TRUE(virtq_drv_get_used(&t->q[VSOCK_VQ_TX].vq, &len) == &big);
	ASSERT_EQ(len, 0);
	lp_buf_put(t->l, LP_DYNAMIC, &big);
	ASSERT_EQ(t->v->stats.tx_bad, 3);
	/* Unknown op. */
	h = vl_hdr(t, 99, VL_PORT, 0, 0);
	le16_put(buf + 30, 99);
	h.len = 0;
	h.op = VSOCK_OP_REQUEST;
	ASSERT_EQ(vsock_hdr_encode(&h, buf, sizeof(buf)), VSOCK_HDR_SIZE);
	le16_put(buf + 30, 99);
	vl_send_raw(t, buf, VSOCK_HDR_SIZE);
	ASSERT_EQ(t->v->stats.tx_bad, 4);
	/* Spoofed source CID. */
	h = vl_hdr(t, VSOCK_OP_REQUEST, VL_PORT, 0, 0);
	h.src_cid = VL_CID + 1;
	vl_send_hdr(t, &h, NULL);
	ASSERT_EQ(t->v->stats.tx_bad_cid, 1);
	/* Nothing reached the proto, nothing came back, chains returned. */
	ASSERT_EQ(t->v->stats.tx_pkts, 0);
	ASSERT_EQ(vl_drain(t, pk), 0);
	vl_reap_tx(t);
	ASSERT_EQ(t->tx_reaped, 4);
	/* Well formed but not for CID 2: the proto drops it. */
	h = vl_hdr(t, VSOCK_OP_REQUEST, VL_PORT, 0, 0);
	h.dst_cid = 5;
	vl_send_hdr(t, &h, NULL);
	ASSERT_EQ(t->v->proto.stats.rx_dropped, 1);
	ASSERT_EQ(vl_drain(t, pk), 0);
	ASSERT_TRUE(!t->devt.vq[VSOCK_VQ_TX].q.broken);
	/* The device keeps working. */
	vl_connect(t);
	vl_send(t, VSOCK_OP_RW, 0, "ok", 2);
	ASSERT_EQ(vl_drain(t, pk), 1);
	ASSERT_MEM_EQ(pk[0].data, "ok", 2);
}

TEST(hostile_tx_ring_breaks_only_the_tx_queue)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);
	uint8_t *avail = t->q[VSOCK_VQ_TX].ring + lp_avail_off(VL_QSIZE);
	uint16_t idx = 0;

	vl_post_rx(t, 8);
	vl_connect(t);
	idx = le16_get(avail + 2);
	/* A head beyond the ring. */
	le16_put(avail + 4 + 2u * (idx % VL_QSIZE), VL_QSIZE + 7);
	le16_put(avail + 2, (uint16_t)(idx + 1));
	ASSERT_EQ(vmsg_drvt_notify(&t->drvt, VSOCK_VQ_TX), VMSG_T_OK);
	ASSERT_EQ(t->v->stats.broken, 1);
	ASSERT_TRUE(t->devt.vq[VSOCK_VQ_TX].q.broken);
	ASSERT_EQ(t->devt.vq[VSOCK_VQ_TX].q.reject, VIRTQ_REJ_HEAD_RANGE);
	ASSERT_EQ(t->devt.status & VIRTIO_STATUS_NEEDS_RESET,
		  VIRTIO_STATUS_NEEDS_RESET);
	/* rx still carries what the secure side sends. */
	ASSERT_EQ(vsock_send(&t->v->proto, t->echo.child[0].c, "hi", 2), 2);
	ASSERT_EQ(vl_drain(t, pk), 1);
	ASSERT_MEM_EQ(pk[0].data, "hi", 2);
}

TEST(rx_buffer_too_small_is_returned_empty)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);
	struct lp_buf small;
	struct virtq_buf b;
	uint32_t len = 1;

	lp_buf_get(t->l, LP_STATIC, VSOCK_HDR_SIZE - 1, true, &small);
	b.addr = small.bus;
	b.len = small.len;
	ASSERT_EQ(virtq_drv_add(&t->q[VSOCK_VQ_RX].vq, NULL, 0, &b, 1, &small),
		  VIRTQ_OK);
	vl_kick(t, VSOCK_VQ_RX);
	vl_send(t, VSOCK_OP_REQUEST, 0, NULL, 0);
	ASSERT_TRUE(virtq_drv_get_used(&t->q[VSOCK_VQ_RX].vq, &len) == &small);
	ASSERT_EQ(len, 0);
	ASSERT_EQ(t->v->stats.rx_small, 1);
	ASSERT_EQ(t->v->sq_count, 1);
	vl_post_rx(t, 1);
	ASSERT_EQ(vl_drain(t, pk), 1);
	vl_expect(&pk[0], VSOCK_OP_RESPONSE, VL_PORT, VL_LPORT);
}

/* ---------------------------------------------------------------------- */
/* Service registry                                                        */

struct svc_count {
	int accepted, ready, closed;
	int refuse; /* accepted() answers this when non-zero */
	struct vsock_conn *last;
};

static int count_accepted(struct vdev_vsock *v, void *ctx, struct vsock_conn *c)
{
	struct svc_count *n = ctx;

	(void)v;
	n->accepted++;
	n->last = c;
	return n->refuse;
}

static void count_ready(struct vdev_vsock *v, void *ctx, struct vsock_conn *c)
{
	(void)v;
	(void)c;
	((struct svc_count *)ctx)->ready++;
}

static void count_closed(struct vdev_vsock *v, void *ctx, struct vsock_conn *c)
{
	(void)v;
	(void)c;
	((struct svc_count *)ctx)->closed++;
}

static const struct vdev_vsock_service_ops count_ops = {
	.accepted = count_accepted,
	.ready = count_ready,
	.closed = count_closed,
};

static void svc_init(struct vdev_vsock_service *s, uint32_t port,
		     uint32_t max_conns, struct svc_count *n)
{
	memset(s, 0, sizeof(*s));
	s->port = port;
	s->type = VSOCK_TYPE_STREAM;
	s->max_conns = max_conns;
	s->ops = &count_ops;
	s->ctx = n;
}

TEST(service_add_refuses_bad_services_a_taken_port_and_a_full_table)
{
	static const struct vdev_vsock_service_ops no_ready = { 0 };
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);
	struct vdev_vsock_service s[VDEV_VSOCK_SERVICES];
	struct svc_count n = { 0 };
	uint32_t i = 0;

	svc_init(&s[0], 6000, 1, &n);
	s[0].ops = NULL;
	ASSERT_EQ(vdev_vsock_service_add(t->v, &s[0]), VSOCK_EINVAL);
	s[0].ops = &no_ready;
	ASSERT_EQ(vdev_vsock_service_add(t->v, &s[0]), VSOCK_EINVAL);
	svc_init(&s[0], 6000, 0, &n);
	ASSERT_EQ(vdev_vsock_service_add(t->v, &s[0]), VSOCK_EINVAL);
	/* The echo service listens on (VL_PORT, STREAM) already. */
	svc_init(&s[0], VL_PORT, 1, &n);
	ASSERT_EQ(vdev_vsock_service_add(t->v, &s[0]), VSOCK_EADDRINUSE);
	for (i = 0; i + 1 < VDEV_VSOCK_SERVICES; i++) {
		svc_init(&s[i], 6000 + i, 1, &n);
		ASSERT_EQ(vdev_vsock_service_add(t->v, &s[i]), VSOCK_OK);
		ASSERT_EQ(vsock_conn_state(s[i].listener), VSOCK_ST_LISTEN);
	}
	svc_init(&s[i], 6000 + i, 1, &n);
	ASSERT_EQ(vdev_vsock_service_add(t->v, &s[i]), VSOCK_ENOBUFS);
	ASSERT_TRUE(s[i].listener == NULL);
}

TEST(service_that_refuses_a_connection_gets_it_closed)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);
	struct vdev_vsock_service s;
	struct svc_count n = { .refuse = VSOCK_ECONNREFUSED };

	svc_init(&s, 6000, 2, &n);
	ASSERT_EQ(vdev_vsock_service_add(t->v, &s), VSOCK_OK);
	vl_post_rx(t, 8);
	vl_send_to(t, 6000, VSOCK_OP_REQUEST, 0, NULL, 0);
	ASSERT_EQ(vl_drain(t, pk), 2);
	vl_expect(&pk[0], VSOCK_OP_RESPONSE, 6000, VL_LPORT);
	vl_expect(&pk[1], VSOCK_OP_SHUTDOWN, 6000, VL_LPORT);
	ASSERT_EQ(n.accepted, 1);
	ASSERT_EQ(n.ready, 0);
	ASSERT_EQ(n.closed, 0);
	ASSERT_EQ(s.conns, 0);
}

TEST(service_owns_at_most_max_conns_and_takes_the_next_when_one_ends)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);
	struct vdev_vsock_service s;
	struct svc_count n = { 0 };
	struct vsock_hdr h;
	struct vsock_conn *first = NULL;

	svc_init(&s, 6000, 1, &n);
	ASSERT_EQ(vdev_vsock_service_add(t->v, &s), VSOCK_OK);
	vl_post_rx(t, 8);
	vl_connect_to(t, 6000);
	ASSERT_EQ(n.accepted, 1);
	ASSERT_EQ(s.conns, 1);
	first = n.last;
	/* A second connection waits in the backlog. */
	h = vl_hdr(t, VSOCK_OP_REQUEST, 6000, 0, 0);
	h.src_port = VL_LPORT + 1;
	vl_send_hdr(t, &h, NULL);
	vl_reap_tx(t);
	ASSERT_EQ(vl_drain(t, pk), 1);
	vl_expect(&pk[0], VSOCK_OP_RESPONSE, 6000, VL_LPORT + 1);
	ASSERT_EQ(n.accepted, 1);
	ASSERT_TRUE(n.ready > 0);
	/* The first one is reset by the driver: the second is taken. */
	vl_send_to(t, 6000, VSOCK_OP_RST, 0, NULL, 0);
	ASSERT_EQ(n.closed, 1);
	ASSERT_EQ(n.accepted, 2);
	ASSERT_EQ(s.conns, 1);
	ASSERT_TRUE(n.last != NULL);
	ASSERT_EQ(vsock_conn_local_port(n.last), 6000);
	/* The ended connection's slot went back to the proto. */
	ASSERT_TRUE(first == n.last ||
		    vsock_conn_state(first) == VSOCK_ST_FREE);
}
