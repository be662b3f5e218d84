// SPDX-License-Identifier: BSD-2-Clause
/*
 * core/vsock/conn.c: connection table and state machine, two endpoints back
 * to back (virtio-msg.md §4, Linux virtio_transport_common behaviour).
 */
#include "vsock_fixture.h"

static struct fx f;

/* virtio-msg.md §4: REQUEST -> SYN_SENT; RESPONSE -> ESTABLISHED. */
TEST(connect_then_response_establishes_both_sides)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;

	fx_init(&f, 4096);
	ASSERT_EQ(vsock_listen(&f.b.p, 1024, VSOCK_TYPE_STREAM, 4, &l),
		  VSOCK_OK);
	ASSERT_EQ(vsock_connect(&f.a.p, 0, FX_CID_B, 1024, VSOCK_TYPE_STREAM,
				f.now, &c),
		  VSOCK_OK);
	ASSERT_EQ(vsock_conn_state(c), VSOCK_ST_SYN_SENT);
	ASSERT_EQ(f.a.sent_ops[VSOCK_OP_REQUEST], 1);
	ASSERT_EQ(vsock_accept(&f.b.p, l, &s), VSOCK_EAGAIN);
	fx_pump(&f);
	ASSERT_EQ(vsock_conn_state(c), VSOCK_ST_ESTABLISHED);
	ASSERT_EQ(f.a.events[VSOCK_EV_CONNECTED], 1);
	ASSERT_EQ(f.b.events[VSOCK_EV_ACCEPT], 1);
	ASSERT_EQ(f.b.sent_ops[VSOCK_OP_RESPONSE], 1);
	ASSERT_EQ(vsock_accept(&f.b.p, l, &s), VSOCK_OK);
	ASSERT_EQ(vsock_conn_state(s), VSOCK_ST_ESTABLISHED);
	ASSERT_EQ(s->peer_cid, FX_CID_A);
	ASSERT_EQ(s->peer_port, vsock_conn_local_port(c));
	ASSERT_EQ(vsock_conn_local_port(c), VSOCK_EPHEMERAL_FIRST);
	ASSERT_EQ(s->peer_buf_alloc, 4096);
	ASSERT_EQ(c->peer_buf_alloc, 4096);
	ASSERT_EQ(vsock_accept(&f.b.p, l, &s), VSOCK_EAGAIN);
}

TEST(stream_data_flows_both_ways)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;
	char buf[64] = { 0 };

	fx_init(&f, 4096);
	fx_connect(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsock_recv(&f.b.p, s, buf, sizeof(buf), NULL), VSOCK_EAGAIN);
	ASSERT_EQ(vsock_send(&f.a.p, c, "hello", 5), 5);
	ASSERT_EQ(vsock_send(&f.a.p, c, " world", 6), 6);
	fx_pump(&f);
	ASSERT_EQ(f.b.events[VSOCK_EV_READABLE], 2);
	ASSERT_EQ(vsock_conn_rx_avail(s), 11);
	/* STREAM has no boundaries: one read returns both sends. */
	ASSERT_EQ(vsock_recv(&f.b.p, s, buf, sizeof(buf), NULL), 11);
	ASSERT_MEM_EQ(buf, "hello world", 11);
	ASSERT_EQ(vsock_send(&f.b.p, s, "back", 4), 4);
	fx_pump(&f);
	ASSERT_EQ(vsock_recv(&f.a.p, c, buf, 2, NULL), 2);
	ASSERT_EQ(vsock_recv(&f.a.p, c, buf + 2, 2, NULL), 2);
	ASSERT_MEM_EQ(buf, "back", 4);
}

/* Seqpacket RW flags: EOM ends a message, EOR a record; one recv = one msg. */
TEST(seqpacket_preserves_message_boundaries)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;
	static uint8_t big[3000], got[3000];
	uint32_t fl = 0;
	uint32_t i = 0;

	fx_init(&f, 8192);
	for (i = 0; i < sizeof(big); i++) {
		big[i] = (uint8_t)(i * 7);
	}
	fx_connect(&f, VSOCK_TYPE_SEQPACKET, &c, &s, &l);
	ASSERT_EQ(vsock_send(&f.a.p, c, "abc", 3), 3);
	ASSERT_EQ(vsock_send(&f.a.p, c, big, sizeof(big)), sizeof(big));
	ASSERT_EQ(vsock_send(&f.a.p, c, "", 0), 0);
	ASSERT_EQ(vsock_send(&f.a.p, c, "xyz12", 5), 5);
	/* 3000 bytes at 1024 per packet: three packets, EOM on the last. */
	ASSERT_EQ(f.a.sent_ops[VSOCK_OP_RW], 1 + 3 + 1 + 1);
	fx_pump(&f);
	ASSERT_EQ(vsock_conn_rx_avail(s), 4);
	ASSERT_EQ(f.b.events[VSOCK_EV_READABLE], 4);
	ASSERT_EQ(vsock_recv(&f.b.p, s, got, sizeof(got), &fl), 3);
	ASSERT_MEM_EQ(got, "abc", 3);
	ASSERT_EQ(fl, VSOCK_MSG_EOR);
	ASSERT_EQ(vsock_recv(&f.b.p, s, got, sizeof(got), &fl), sizeof(big));
	ASSERT_MEM_EQ(got, big, sizeof(big));
	ASSERT_EQ(vsock_recv(&f.b.p, s, got, sizeof(got), &fl), 0);
	ASSERT_EQ(fl, VSOCK_MSG_EOR);
	/* A short buffer truncates and drops the rest of that message only. */
	ASSERT_EQ(vsock_recv(&f.b.p, s, got, 2, &fl), 2);
	ASSERT_EQ(fl, VSOCK_MSG_EOR | VSOCK_MSG_TRUNC);
	ASSERT_MEM_EQ(got, "xy", 2);
	ASSERT_EQ(vsock_recv(&f.b.p, s, got, sizeof(got), &fl), VSOCK_EAGAIN);
	ASSERT_EQ(vsock_credit_rx_used(s), 0);
}

/* A message without EOM yet is not readable. */
TEST(seqpacket_partial_message_is_not_readable)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;
	struct vsock_pkt p;
	uint8_t buf[8];

	fx_init(&f, 4096);
	fx_connect(&f, VSOCK_TYPE_SEQPACKET, &c, &s, &l);
	p = fx_pkt(FX_CID_A, c->local_port, FX_CID_B, 1024,
		   VSOCK_TYPE_SEQPACKET, VSOCK_OP_RW);
	p.payload = (const uint8_t *)"ab";
	p.len = p.payload_len = 2;
	vsock_proto_rx(&f.b.p, &p, f.now);
	ASSERT_EQ(vsock_conn_rx_avail(s), 0);
	ASSERT_EQ(vsock_recv(&f.b.p, s, buf, sizeof(buf), NULL), VSOCK_EAGAIN);
	p.payload = (const uint8_t *)"c";
	p.len = p.payload_len = 1;
	p.flags = VSOCK_SEQ_EOM;
	vsock_proto_rx(&f.b.p, &p, f.now);
	ASSERT_EQ(vsock_recv(&f.b.p, s, buf, sizeof(buf), NULL), 3);
	ASSERT_MEM_EQ(buf, "abc", 3);
}

/* No listener -> RST; client ends CLOSED with ECONNRESET. */
TEST(connect_to_unbound_port_is_reset_with_econnreset)
{
	struct vsock_conn *c = NULL;
	uint8_t buf[4];

	fx_init(&f, 4096);
	ASSERT_EQ(vsock_connect(&f.a.p, 0, FX_CID_B, 77, VSOCK_TYPE_STREAM,
				f.now, &c),
		  VSOCK_OK);
	fx_pump(&f);
	ASSERT_EQ(f.b.sent_ops[VSOCK_OP_RST], 1);
	ASSERT_EQ(vsock_conn_state(c), VSOCK_ST_CLOSED);
	ASSERT_EQ(vsock_conn_error(c), VSOCK_ECONNRESET);
	ASSERT_EQ(f.a.events[VSOCK_EV_RESET], 1);
	ASSERT_EQ(vsock_recv(&f.a.p, c, buf, sizeof(buf), NULL),
		  VSOCK_ECONNRESET);
	ASSERT_EQ(vsock_send(&f.a.p, c, "x", 1), VSOCK_EPIPE);
	/* Not answered with RST. */
	ASSERT_EQ(f.a.sent_ops[VSOCK_OP_RST], 0);
	vsock_close(&f.a.p, c, f.now);
	ASSERT_EQ(vsock_conn_state(c), VSOCK_ST_FREE);
}

/* Listener keyed by (port, type): a SEQPACKET REQUEST to a STREAM port. */
TEST(connect_with_wrong_type_is_reset)
{
	struct vsock_conn *c = NULL, *l = NULL;

	fx_init(&f, 4096);
	ASSERT_EQ(vsock_listen(&f.b.p, 1024, VSOCK_TYPE_STREAM, 4, &l),
		  VSOCK_OK);
	ASSERT_EQ(vsock_connect(&f.a.p, 0, FX_CID_B, 1024, VSOCK_TYPE_SEQPACKET,
				f.now, &c),
		  VSOCK_OK);
	fx_pump(&f);
	ASSERT_EQ(vsock_conn_error(c), VSOCK_ECONNRESET);
	ASSERT_EQ(l->pending, 0);
}

TEST(request_beyond_backlog_is_reset)
{
	struct vsock_conn *c1 = NULL, *c2 = NULL, *c3 = NULL, *l = NULL;
	struct vsock_conn *s = NULL;

	fx_init(&f, 4096);
	ASSERT_EQ(vsock_listen(&f.b.p, 1024, VSOCK_TYPE_STREAM, 1, &l),
		  VSOCK_OK);
	ASSERT_EQ(vsock_connect(&f.a.p, 0, FX_CID_B, 1024, VSOCK_TYPE_STREAM,
				f.now, &c1),
		  VSOCK_OK);
	ASSERT_EQ(vsock_connect(&f.a.p, 0, FX_CID_B, 1024, VSOCK_TYPE_STREAM,
				f.now, &c2),
		  VSOCK_OK);
	fx_pump(&f);
	ASSERT_EQ(vsock_conn_state(c1), VSOCK_ST_ESTABLISHED);
	ASSERT_EQ(vsock_conn_error(c2), VSOCK_ECONNRESET);
	/* Accepting frees a backlog place. */
	ASSERT_EQ(vsock_accept(&f.b.p, l, &s), VSOCK_OK);
	ASSERT_EQ(vsock_connect(&f.a.p, 0, FX_CID_B, 1024, VSOCK_TYPE_STREAM,
				f.now, &c3),
		  VSOCK_OK);
	fx_pump(&f);
	ASSERT_EQ(vsock_conn_state(c3), VSOCK_ST_ESTABLISHED);
}

/* virtio v1.3 §5.10.6.5 / virtio-msg.md §4: never RST in reply to RST. */
TEST(rst_to_unknown_flow_is_not_answered)
{
	struct vsock_pkt p = fx_pkt(FX_CID_A, 5000, FX_CID_B, 99,
				    VSOCK_TYPE_STREAM, VSOCK_OP_RST);

	fx_init(&f, 4096);
	vsock_proto_rx(&f.b.p, &p, f.now);
	ASSERT_EQ(f.b.q_count, 0);
	ASSERT_EQ(f.b.p.stats.rst_sent, 0);
}

/* A packet for a flow nobody owns is answered with RST on its tuple. */
TEST(rw_to_unknown_flow_gets_rst)
{
	struct vsock_pkt p = fx_pkt(FX_CID_A, 5000, FX_CID_B, 99,
				    VSOCK_TYPE_STREAM, VSOCK_OP_RW);
	struct fx_qpkt e;

	fx_init(&f, 4096);
	p.payload = (const uint8_t *)"x";
	p.len = p.payload_len = 1;
	vsock_proto_rx(&f.b.p, &p, f.now);
	ASSERT_TRUE(fx_pop(&f.b, &e));
	ASSERT_EQ(e.h.op, VSOCK_OP_RST);
	ASSERT_EQ(e.h.src_cid, FX_CID_B);
	ASSERT_EQ(e.h.dst_cid, FX_CID_A);
	ASSERT_EQ(e.h.src_port, 99);
	ASSERT_EQ(e.h.dst_port, 5000);
	ASSERT_EQ(e.h.type, VSOCK_TYPE_STREAM);
	ASSERT_EQ(e.h.len, 0);
}

TEST(unknown_type_gets_rst_and_other_cid_is_dropped)
{
	struct vsock_pkt p =
		fx_pkt(FX_CID_A, 5000, FX_CID_B, 99, 9, VSOCK_OP_REQUEST);

	fx_init(&f, 4096);
	vsock_proto_rx(&f.b.p, &p, f.now);
	ASSERT_EQ(f.b.sent_ops[VSOCK_OP_RST], 1);
	p.type = VSOCK_TYPE_STREAM;
	p.dst_cid = 42;
	vsock_proto_rx(&f.b.p, &p, f.now);
	ASSERT_EQ(f.b.q_count, 1);
	ASSERT_EQ(f.b.p.stats.rx_dropped, 2);
	/* Header len that disagrees with the payload is dropped too. */
	p.dst_cid = FX_CID_B;
	p.len = 4;
	vsock_proto_rx(&f.b.p, &p, f.now);
	ASSERT_EQ(f.b.q_count, 1);
	ASSERT_EQ(f.b.p.stats.rx_dropped, 3);
}

/* Peer SHUTDOWN(RCV): our sends fail with EPIPE; SEND: recv gives EOF. */
TEST(send_after_peer_shutdown_is_epipe)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;
	uint8_t buf[8];

	fx_init(&f, 4096);
	fx_connect(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsock_send(&f.a.p, c, "hi", 2), 2);
	ASSERT_EQ(vsock_shutdown(&f.a.p, c, VSOCK_SHUTDOWN_RCV), VSOCK_OK);
	fx_pump(&f);
	ASSERT_EQ(f.b.events[VSOCK_EV_PEER_SHUTDOWN], 1);
	ASSERT_EQ(vsock_send(&f.b.p, s, "x", 1), VSOCK_EPIPE);
	ASSERT_EQ(vsock_send(&f.a.p, c, "y", 1), 1);
	ASSERT_EQ(vsock_shutdown(&f.a.p, c, VSOCK_SHUTDOWN_SEND), VSOCK_OK);
	/* Our own SHUTDOWN(SEND) also stops our sends. */
	ASSERT_EQ(vsock_send(&f.a.p, c, "z", 1), VSOCK_EPIPE);
	fx_pump(&f);
	/* Both shut but data remains: still ESTABLISHED until drained. */
	ASSERT_EQ(vsock_conn_state(s), VSOCK_ST_ESTABLISHED);
	ASSERT_EQ(vsock_recv(&f.b.p, s, buf, sizeof(buf), NULL), 3);
	ASSERT_MEM_EQ(buf, "hiy", 3);
	/* Drained with peer shut both ways: RST and close, clean EOF. */
	ASSERT_EQ(f.b.sent_ops[VSOCK_OP_RST], 1);
	ASSERT_EQ(vsock_conn_state(s), VSOCK_ST_CLOSED);
	ASSERT_EQ(vsock_conn_error(s), 0);
	ASSERT_EQ(vsock_recv(&f.b.p, s, buf, sizeof(buf), NULL), 0);
	fx_pump(&f);
	ASSERT_EQ(vsock_conn_state(c), VSOCK_ST_CLOSED);
	ASSERT_EQ(vsock_conn_error(c), 0);
}

TEST(peer_send_shutdown_gives_eof_after_data)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;
	uint8_t buf[8];

	fx_init(&f, 4096);
	fx_connect(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsock_send(&f.a.p, c, "ab", 2), 2);
	ASSERT_EQ(vsock_shutdown(&f.a.p, c, VSOCK_SHUTDOWN_SEND), VSOCK_OK);
	fx_pump(&f);
	ASSERT_EQ(vsock_recv(&f.b.p, s, buf, sizeof(buf), NULL), 2);
	ASSERT_EQ(vsock_recv(&f.b.p, s, buf, sizeof(buf), NULL), 0);
	/* Only one direction shut: the connection stays up. */
	ASSERT_EQ(vsock_conn_state(s), VSOCK_ST_ESTABLISHED);
	ASSERT_EQ(vsock_send(&f.b.p, s, "ok", 2), 2);
}

/* SHUTDOWN flags are sticky: a later SHUTDOWN cannot clear a bit. */
TEST(shutdown_bits_are_sticky)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;
	struct vsock_pkt p;
	struct fx_qpkt e;

	fx_init(&f, 4096);
	fx_connect(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	p = fx_pkt(FX_CID_A, c->local_port, FX_CID_B, 1024, VSOCK_TYPE_STREAM,
		   VSOCK_OP_SHUTDOWN);
	p.flags = VSOCK_SHUTDOWN_RCV;
	vsock_proto_rx(&f.b.p, &p, f.now);
	p.flags = 0;
	vsock_proto_rx(&f.b.p, &p, f.now);
	ASSERT_EQ(s->peer_shutdown, VSOCK_SHUTDOWN_RCV);
	ASSERT_EQ(vsock_send(&f.b.p, s, "x", 1), VSOCK_EPIPE);
	ASSERT_EQ(f.b.events[VSOCK_EV_PEER_SHUTDOWN], 1);
	/* The second bit alone completes "both": nothing queued -> RST. */
	p.flags = VSOCK_SHUTDOWN_SEND;
	vsock_proto_rx(&f.b.p, &p, f.now);
	ASSERT_EQ(s->peer_shutdown, VSOCK_SHUTDOWN_BOTH);
	ASSERT_EQ(vsock_conn_state(s), VSOCK_ST_CLOSED);
	ASSERT_TRUE(fx_pop(&f.b, &e));
	ASSERT_EQ(e.h.op, VSOCK_OP_RST);
	/* Our side repeats earlier bits in every SHUTDOWN it sends. */
	ASSERT_EQ(vsock_shutdown(&f.a.p, c, VSOCK_SHUTDOWN_RCV), VSOCK_OK);
	ASSERT_EQ(vsock_shutdown(&f.a.p, c, VSOCK_SHUTDOWN_RCV), VSOCK_OK);
	ASSERT_EQ(vsock_shutdown(&f.a.p, c, VSOCK_SHUTDOWN_SEND), VSOCK_OK);
	ASSERT_TRUE(fx_pop(&f.a, &e));
	ASSERT_EQ(e.h.flags, VSOCK_SHUTDOWN_RCV);
	ASSERT_TRUE(fx_pop(&f.a, &e));
	ASSERT_EQ(e.h.flags, VSOCK_SHUTDOWN_BOTH);
	ASSERT_FALSE(fx_pop(&f.a, &e));
	ASSERT_EQ(vsock_shutdown(&f.a.p, c, 0), VSOCK_EINVAL);
}

/* Active close: SHUTDOWN(both), the peer's RST frees the slot at once. */
TEST(active_close_ends_on_peer_rst)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;

	fx_init(&f, 4096);
	fx_connect(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	vsock_close(&f.a.p, c, f.now);
	ASSERT_EQ(vsock_conn_state(c), VSOCK_ST_CLOSING);
	ASSERT_EQ(f.a.sent_ops[VSOCK_OP_SHUTDOWN], 1);
	fx_pump(&f);
	ASSERT_EQ(f.b.sent_ops[VSOCK_OP_RST], 1);
	ASSERT_EQ(vsock_conn_state(c), VSOCK_ST_FREE);
	ASSERT_EQ(f.a.sent_ops[VSOCK_OP_RST], 0);
	ASSERT_EQ(vsock_conn_state(s), VSOCK_ST_CLOSED);
	ASSERT_EQ(vsock_conn_error(s), 0);
	/* The orphan got no notifications. */
	ASSERT_EQ(f.a.events[VSOCK_EV_RESET], 0);
	vsock_close(&f.b.p, s, f.now);
	ASSERT_EQ(vsock_conn_state(s), VSOCK_ST_FREE);
}

/* Linux: without the peer's RST, reset after 8 s (driven by tick). */
TEST(active_close_without_peer_rst_resets_after_timeout)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;
	struct fx_qpkt e;

	fx_init(&f, 4096);
	fx_connect(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	vsock_close(&f.a.p, c, f.now);
	fx_drop_all(&f.a);
	vsock_proto_tick(&f.a.p, f.now + VSOCK_CLOSE_TIMEOUT_MS - 1);
	ASSERT_EQ(vsock_conn_state(c), VSOCK_ST_CLOSING);
	ASSERT_EQ(f.a.q_count, 0);
	/* Data arriving meanwhile is ignored, not answered. */
	ASSERT_EQ(vsock_send(&f.b.p, s, "late", 4), 4);
	fx_pump(&f);
	ASSERT_EQ(f.a.sent_ops[VSOCK_OP_RST], 0);
	vsock_proto_tick(&f.a.p, f.now + VSOCK_CLOSE_TIMEOUT_MS);
	ASSERT_EQ(vsock_conn_state(c), VSOCK_ST_FREE);
	ASSERT_TRUE(fx_pop(&f.a, &e));
	ASSERT_EQ(e.h.op, VSOCK_OP_RST);
	vsock_proto_rx(&f.b.p, &e.h, f.now);
	ASSERT_EQ(vsock_conn_state(s), VSOCK_ST_CLOSED);
	ASSERT_EQ(vsock_conn_error(s), VSOCK_ECONNRESET);
}

TEST(connect_timeout_gives_etimedout)
{
	struct vsock_conn *c = NULL;
	uint8_t buf[4];

	fx_init(&f, 4096);
	ASSERT_EQ(vsock_connect(&f.a.p, 0, FX_CID_B, 1024, VSOCK_TYPE_STREAM,
				f.now, &c),
		  VSOCK_OK);
	ASSERT_EQ(vsock_recv(&f.a.p, c, buf, sizeof(buf), NULL),
		  VSOCK_ENOTCONN);
	ASSERT_EQ(vsock_send(&f.a.p, c, "x", 1), VSOCK_ENOTCONN);
	fx_drop_all(&f.a);
	vsock_proto_tick(&f.a.p, f.now + VSOCK_CONNECT_TIMEOUT_MS - 1);
	ASSERT_EQ(vsock_conn_state(c), VSOCK_ST_SYN_SENT);
	vsock_proto_tick(&f.a.p, f.now + VSOCK_CONNECT_TIMEOUT_MS);
	ASSERT_EQ(vsock_conn_state(c), VSOCK_ST_CLOSED);
	ASSERT_EQ(vsock_conn_error(c), VSOCK_ETIMEDOUT);
	ASSERT_EQ(f.a.sent_ops[VSOCK_OP_RST], 1);
	ASSERT_EQ(vsock_recv(&f.a.p, c, buf, sizeof(buf), NULL),
		  VSOCK_ETIMEDOUT);
}

/* Linux: anything but RESPONSE/RST while connecting is EPROTO + RST. */
TEST(unexpected_op_while_connecting_is_eproto)
{
	struct vsock_conn *c = NULL;
	struct vsock_pkt p;

	fx_init(&f, 4096);
	ASSERT_EQ(vsock_connect(&f.a.p, 0, FX_CID_B, 1024, VSOCK_TYPE_STREAM,
				f.now, &c),
		  VSOCK_OK);
	fx_drop_all(&f.a);
	p = fx_pkt(FX_CID_B, 1024, FX_CID_A, c->local_port, VSOCK_TYPE_STREAM,
		   VSOCK_OP_CREDIT_UPDATE);
	vsock_proto_rx(&f.a.p, &p, f.now);
	ASSERT_EQ(vsock_conn_state(c), VSOCK_ST_CLOSED);
	ASSERT_EQ(vsock_conn_error(c), VSOCK_EPROTO);
	ASSERT_EQ(f.a.sent_ops[VSOCK_OP_RST], 1);
}

/* A CLOSED slot still held by its user answers traffic with RST. */
TEST(packet_for_closed_connection_gets_rst)
{
	struct vsock_conn *c = NULL;
	struct vsock_pkt p;

	fx_init(&f, 4096);
	ASSERT_EQ(vsock_connect(&f.a.p, 0, FX_CID_B, 77, VSOCK_TYPE_STREAM,
				f.now, &c),
		  VSOCK_OK);
	fx_pump(&f);
	ASSERT_EQ(vsock_conn_state(c), VSOCK_ST_CLOSED);
	p = fx_pkt(FX_CID_B, 77, FX_CID_A, c->local_port, VSOCK_TYPE_STREAM,
		   VSOCK_OP_RW);
	vsock_proto_rx(&f.a.p, &p, f.now);
	ASSERT_EQ(f.a.sent_ops[VSOCK_OP_RST], 1);
}

TEST(listener_close_resets_unaccepted_children)
{
	struct vsock_conn *c = NULL, *l = NULL;
	uint32_t i = 0;

	fx_init(&f, 4096);
	ASSERT_EQ(vsock_listen(&f.b.p, 1024, VSOCK_TYPE_STREAM, 4, &l),
		  VSOCK_OK);
	ASSERT_EQ(vsock_connect(&f.a.p, 0, FX_CID_B, 1024, VSOCK_TYPE_STREAM,
				f.now, &c),
		  VSOCK_OK);
	fx_pump(&f);
	ASSERT_EQ(l->pending, 1);
	vsock_close(&f.b.p, l, f.now);
	fx_pump(&f);
	ASSERT_EQ(vsock_conn_state(c), VSOCK_ST_CLOSED);
	ASSERT_EQ(vsock_conn_error(c), VSOCK_ECONNRESET);
	for (i = 0; i < FX_CONNS; i++) {
		ASSERT_EQ(f.b.conns[i].state, VSOCK_ST_FREE);
	}
}

/* An unaccepted child reset by its peer leaves the backlog. */
TEST(unaccepted_child_reset_by_peer_is_freed)
{
	struct vsock_conn *c = NULL, *l = NULL, *s = NULL;

	fx_init(&f, 4096);
	ASSERT_EQ(vsock_listen(&f.b.p, 1024, VSOCK_TYPE_STREAM, 4, &l),
		  VSOCK_OK);
	ASSERT_EQ(vsock_connect(&f.a.p, 0, FX_CID_B, 1024, VSOCK_TYPE_STREAM,
				f.now, &c),
		  VSOCK_OK);
	fx_pump(&f);
	vsock_close(&f.a.p, c, f.now);
	fx_pump(&f);
	ASSERT_EQ(l->pending, 0);
	ASSERT_EQ(vsock_accept(&f.b.p, l, &s), VSOCK_EAGAIN);
	ASSERT_EQ(f.b.events[VSOCK_EV_RESET], 0);
}

TEST(duplicate_tuple_and_full_table_are_refused)
{
	struct vsock_conn *c = NULL, *l = NULL;
	uint32_t i = 0;

	fx_init(&f, 4096);
	ASSERT_EQ(vsock_listen(&f.b.p, 1024, VSOCK_TYPE_STREAM, 4, &l),
		  VSOCK_OK);
	ASSERT_EQ(vsock_listen(&f.b.p, 1024, VSOCK_TYPE_STREAM, 4, &l),
		  VSOCK_EADDRINUSE);
	ASSERT_EQ(vsock_listen(&f.b.p, 1024, VSOCK_TYPE_SEQPACKET, 0, &l),
		  VSOCK_EINVAL);
	ASSERT_EQ(vsock_connect(&f.a.p, 7, FX_CID_B, 1024, VSOCK_TYPE_STREAM,
				f.now, &c),
		  VSOCK_OK);
	ASSERT_EQ(vsock_connect(&f.a.p, 7, FX_CID_B, 1024, VSOCK_TYPE_STREAM,
				f.now, &c),
		  VSOCK_EADDRINUSE);
	ASSERT_EQ(vsock_connect(&f.a.p, 7, FX_CID_B, 1024, 3, f.now, &c),
		  VSOCK_EINVAL);
	for (i = 1; i < FX_CONNS; i++) {
		ASSERT_EQ(vsock_connect(&f.a.p, 0, FX_CID_B, 1024,
					VSOCK_TYPE_STREAM, f.now, &c),
			  VSOCK_OK);
	}
	ASSERT_EQ(vsock_connect(&f.a.p, 0, FX_CID_B, 1024, VSOCK_TYPE_STREAM,
				f.now, &c),
		  VSOCK_ENOBUFS);
}

TEST(init_rejects_reserved_cid_and_bad_storage)
{
	static struct vsock_proto p;
	static struct vsock_conn conns[2];
	static uint8_t mem[128];

	ASSERT_EQ(vsock_proto_init(&p, 1, &fx_ops, NULL, conns, 2, mem, 64),
		  VSOCK_EINVAL);
	ASSERT_EQ(vsock_proto_init(&p, 0xffffffffu, &fx_ops, NULL, conns, 2,
				   mem, 64),
		  VSOCK_EINVAL);
	ASSERT_EQ(vsock_proto_init(&p, 3, &fx_ops, NULL, conns, 0, mem, 64),
		  VSOCK_EINVAL);
	ASSERT_EQ(vsock_proto_init(&p, 3, &fx_ops, NULL, conns, 2, mem, 0),
		  VSOCK_EINVAL);
	/* CID 0 is OP-TEE's NS endpoint (virtio-msg.md §4). */
	ASSERT_EQ(vsock_proto_init(&p, 0, &fx_ops, NULL, conns, 2, mem, 64),
		  VSOCK_OK);
}

/* 64 connections, mixed types, random sizes, tiny buffers: all bytes and
 * message boundaries arrive intact through credit stalls. */
#define MANY 64u
#define MANY_BYTES 20000u

struct many_state {
	struct vsock_conn *c, *s;
	uint16_t type;
	uint32_t sent, rcvd;
	uint32_t msg_sizes[512];
	uint32_t msgs_sent, msgs_rcvd;
};

static uint8_t pattern(uint32_t conn, uint32_t off)
{
	return (uint8_t)(conn * 31u + off * 7u + (off >> 8));
}

TEST(many_connections_keep_data_intact)
{
	static struct many_state st[MANY];
	struct vsock_conn *ls = NULL, *lq = NULL;
	static uint8_t buf[4096];
	uint32_t seed = 12345;
	uint32_t i = 0, done = 0, rounds = 0;

	fx_init(&f, 2048);
	ASSERT_EQ(vsock_listen(&f.b.p, 1024, VSOCK_TYPE_STREAM, MANY, &ls),
		  VSOCK_OK);
	ASSERT_EQ(vsock_listen(&f.b.p, 1024, VSOCK_TYPE_SEQPACKET, MANY, &lq),
		  VSOCK_OK);
	for (i = 0; i < MANY; i++) {
		st[i].type = (i & 1) ? VSOCK_TYPE_SEQPACKET : VSOCK_TYPE_STREAM;
		ASSERT_EQ(vsock_connect(&f.a.p, 0, FX_CID_B, 1024, st[i].type,
					f.now, &st[i].c),
			  VSOCK_OK);
	}
	fx_pump(&f);
	for (i = 0; i < MANY; i++) {
		struct vsock_conn *l = (i & 1) ? lq : ls;

		ASSERT_EQ(vsock_conn_state(st[i].c), VSOCK_ST_ESTABLISHED);
		ASSERT_EQ(vsock_accept(&f.b.p, l, &st[i].s), VSOCK_OK);
		/* FIFO accept order matches connect order per listener. */
		ASSERT_EQ(st[i].s->peer_port, vsock_conn_local_port(st[i].c));
	}
	while (done < MANY) {
		ASSERT_TRUE(++rounds < 100000);
		for (i = 0; i < MANY; i++) {
			struct many_state *m = &st[i];
			uint32_t want = 0, k = 0;
			int rc = 0;

			seed = seed * 1103515245u + 12345u;
			want = 1 + (seed >> 8) % 1500;
			if (want > MANY_BYTES - m->sent) {
				want = MANY_BYTES - m->sent;
			}
			if (m->type == VSOCK_TYPE_SEQPACKET &&
			    m->msgs_sent >= 512) {
				want = 0;
			}
			for (k = 0; k < want; k++) {
				buf[k] = pattern(i, m->sent + k);
			}
			if (want) {
				rc = vsock_send(&f.a.p, m->c, buf, want);
				ASSERT_TRUE(rc > 0 || rc == VSOCK_EAGAIN);
			}
			if (rc > 0) {
				if (m->type == VSOCK_TYPE_SEQPACKET) {
					ASSERT_EQ(rc, want);
					m->msg_sizes[m->msgs_sent++] = want;
				}
				m->sent += (uint32_t)rc;
			}
		}
		fx_pump(&f);
		for (i = 0; i < MANY; i++) {
			struct many_state *m = &st[i];
			uint32_t cap = 1 + (seed >> (i % 16)) % 3000;
			uint32_t fl = 0, k = 0;
			int rc = vsock_recv(&f.b.p, m->s, buf, cap, &fl);

			if (rc == VSOCK_EAGAIN) {
				continue;
			}
			ASSERT_TRUE(rc >= 0);
			if (m->type == VSOCK_TYPE_SEQPACKET) {
				uint32_t sz = m->msg_sizes[m->msgs_rcvd++];

				ASSERT_TRUE(fl & VSOCK_MSG_EOR);
				ASSERT_EQ(rc, sz < cap ? sz : cap);
				ASSERT_EQ(!!(fl & VSOCK_MSG_TRUNC), sz > cap);
				for (k = 0; k < (uint32_t)rc; k++) {
					ASSERT_EQ(buf[k],
						  pattern(i, m->rcvd + k));
				}
				m->rcvd += sz;
			} else {
				for (k = 0; k < (uint32_t)rc; k++) {
					ASSERT_EQ(buf[k],
						  pattern(i, m->rcvd + k));
				}
				m->rcvd += (uint32_t)rc;
			}
			if (m->rcvd == MANY_BYTES ||
			    (m->type == VSOCK_TYPE_SEQPACKET &&
			     m->msgs_rcvd == m->msgs_sent &&
			     m->msgs_sent >= 512)) {
				done++;
				m->rcvd = MANY_BYTES + 1; /* count once */
			}
		}
		fx_pump(&f);
	}
	ASSERT_EQ(f.a.p.stats.rx_hostile + f.b.p.stats.rx_hostile, 0);
	ASSERT_EQ(f.a.sent_ops[VSOCK_OP_RST] + f.b.sent_ops[VSOCK_OP_RST], 0);
	/* The small buffers really stalled senders and credit recovered. */
	ASSERT_TRUE(f.a.sent_ops[VSOCK_OP_CREDIT_REQUEST] > 0);
	ASSERT_TRUE(f.b.sent_ops[VSOCK_OP_CREDIT_UPDATE] > 0);
}

/* The peer shut both ways but we had unread data: close resets at once. */
TEST(close_after_peer_shut_both_resets_immediately)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;

	fx_init(&f, 4096);
	fx_connect(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsock_send(&f.a.p, c, "unread", 6), 6);
	vsock_close(&f.a.p, c, f.now);
	ASSERT_EQ(vsock_conn_state(c), VSOCK_ST_CLOSING);
	fx_pump(&f);
	/* Data still queued at B: B keeps the connection, A keeps waiting. */
	ASSERT_EQ(vsock_conn_state(s), VSOCK_ST_ESTABLISHED);
	ASSERT_EQ(vsock_conn_state(c), VSOCK_ST_CLOSING);
	vsock_close(&f.b.p, s, f.now);
	ASSERT_EQ(vsock_conn_state(s), VSOCK_ST_FREE);
	ASSERT_EQ(f.b.sent_ops[VSOCK_OP_SHUTDOWN], 0);
	ASSERT_EQ(f.b.sent_ops[VSOCK_OP_RST], 1);
	fx_pump(&f);
	ASSERT_EQ(vsock_conn_state(c), VSOCK_ST_FREE);
	ASSERT_EQ(f.a.sent_ops[VSOCK_OP_RST], 0);
}

/* A listener answers anything but REQUEST with RST, except an RST. */
TEST(listener_resets_non_request_but_not_rst)
{
	struct vsock_conn *l = NULL;
	struct vsock_pkt p = fx_pkt(FX_CID_A, 5000, FX_CID_B, 1024,
				    VSOCK_TYPE_STREAM, VSOCK_OP_CREDIT_UPDATE);

	fx_init(&f, 4096);
	ASSERT_EQ(vsock_listen(&f.b.p, 1024, VSOCK_TYPE_STREAM, 4, &l),
		  VSOCK_OK);
	vsock_proto_rx(&f.b.p, &p, f.now);
	ASSERT_EQ(f.b.sent_ops[VSOCK_OP_RST], 1);
	p.op = VSOCK_OP_RST;
	vsock_proto_rx(&f.b.p, &p, f.now);
	ASSERT_EQ(f.b.sent_ops[VSOCK_OP_RST], 1);
	ASSERT_EQ(l->pending, 0);
	ASSERT_EQ(vsock_conn_state(l), VSOCK_ST_LISTEN);
}

/* Misuse of the API by state: each call's documented error. */
TEST(calls_in_the_wrong_state_are_refused)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;
	uint8_t buf[4];

	fx_init(&f, 4096);
	fx_connect(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsock_send(&f.b.p, l, "x", 1), VSOCK_EINVAL);
	ASSERT_EQ(vsock_recv(&f.b.p, l, buf, sizeof(buf), NULL), VSOCK_EINVAL);
	ASSERT_EQ(vsock_accept(&f.b.p, s, &c), VSOCK_EINVAL);
	ASSERT_EQ(vsock_shutdown(&f.b.p, l, VSOCK_SHUTDOWN_BOTH),
		  VSOCK_ENOTCONN);
	ASSERT_EQ(vsock_send(&f.b.p, s, "", 0), 0);
	ASSERT_EQ(f.b.sent_ops[VSOCK_OP_RW], 0);
}

/* TRANSPORT_RESET: connections reset locally, nothing sent, listener kept. */
TEST(transport_reset_closes_connections_but_keeps_listeners)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL, *c2 = NULL;

	fx_init(&f, 4096);
	fx_connect(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsock_connect(&f.b.p, 0, FX_CID_A, 9, VSOCK_TYPE_STREAM,
				f.now, &c2),
		  VSOCK_OK);
	fx_drop_all(&f.b);
	vsock_proto_transport_reset(&f.b.p);
	ASSERT_EQ(f.b.q_count, 0);
	ASSERT_EQ(vsock_conn_state(s), VSOCK_ST_CLOSED);
	ASSERT_EQ(vsock_conn_error(s), VSOCK_ECONNRESET);
	ASSERT_EQ(vsock_conn_error(c2), VSOCK_ECONNRESET);
	ASSERT_EQ(vsock_conn_state(l), VSOCK_ST_LISTEN);
	ASSERT_EQ(f.b.events[VSOCK_EV_RESET], 2);
}
