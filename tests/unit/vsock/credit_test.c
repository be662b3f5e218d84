// SPDX-License-Identifier: BSD-2-Clause
/*
 * core/vsock/credit.c: credit accounting (virtio v1.3 §5.10.6.3,
 * virtio-msg.md §4) on its own and through two endpoints back to back,
 * including a hostile peer's credit fields.
 */
#include "vsock_fixture.h"

static struct fx f;

static struct vsock_conn *credit_conn(uint8_t *buf, uint32_t len)
{
	static struct vsock_conn c;

	memset(&c, 0xa5, sizeof(c));
	vsock_credit_init(&c, buf, len);
	return &c;
}

/* Sender may have peer_buf_alloc - (tx_cnt - peer_fwd_cnt) in flight. */
TEST(tx_space_is_peer_buf_alloc_minus_in_flight_across_wrap)
{
	uint8_t buf[16];
	struct vsock_conn *c = credit_conn(buf, sizeof(buf));

	c->tx_cnt = 0xfffffff0u;
	c->peer_fwd_cnt = 0xfffffff0u;
	ASSERT_EQ(vsock_credit_peer_update(c, 100, 0xfffffff0u), VSOCK_OK);
	ASSERT_EQ(vsock_credit_tx_space(c), 100);
	c->tx_cnt += 40; /* wraps to 0x18 */
	ASSERT_EQ(vsock_credit_tx_space(c), 60);
	ASSERT_EQ(vsock_credit_peer_update(c, 100, 0x8), VSOCK_OK);
	ASSERT_EQ(vsock_credit_tx_space(c), 84);
}

/* A peer may shrink buf_alloc below what is in flight: no credit, no wrap. */
TEST(buf_alloc_below_in_flight_gives_zero_space)
{
	uint8_t buf[16];
	struct vsock_conn *c = credit_conn(buf, sizeof(buf));

	ASSERT_EQ(vsock_credit_peer_update(c, 100, 0), VSOCK_OK);
	c->tx_cnt = 80;
	ASSERT_EQ(vsock_credit_peer_update(c, 50, 0), VSOCK_OK);
	ASSERT_EQ(vsock_credit_tx_space(c), 0);
}

TEST(peer_fwd_cnt_going_backwards_is_refused)
{
	uint8_t buf[16];
	struct vsock_conn *c = credit_conn(buf, sizeof(buf));

	ASSERT_EQ(vsock_credit_peer_update(c, 100, 0), VSOCK_OK);
	c->tx_cnt = 50;
	ASSERT_EQ(vsock_credit_peer_update(c, 100, 30), VSOCK_OK);
	ASSERT_EQ(vsock_credit_peer_update(c, 100, 29), VSOCK_EPROTO);
	ASSERT_EQ(c->peer_fwd_cnt, 30);
	ASSERT_EQ(c->peer_buf_alloc, 100);
}

TEST(peer_fwd_cnt_beyond_tx_cnt_is_refused)
{
	uint8_t buf[16];
	struct vsock_conn *c = credit_conn(buf, sizeof(buf));

	ASSERT_EQ(vsock_credit_peer_update(c, 100, 0), VSOCK_OK);
	c->tx_cnt = 50;
	ASSERT_EQ(vsock_credit_peer_update(c, 100, 51), VSOCK_EPROTO);
	ASSERT_EQ(vsock_credit_peer_update(c, 100, 0x80000000u), VSOCK_EPROTO);
	ASSERT_EQ(vsock_credit_peer_update(c, 100, 50), VSOCK_OK);
	ASSERT_EQ(vsock_credit_tx_space(c), 100);
}

TEST(peer_buf_alloc_zero_is_refused)
{
	uint8_t buf[16];
	struct vsock_conn *c = credit_conn(buf, sizeof(buf));

	ASSERT_EQ(vsock_credit_peer_update(c, 0, 0), VSOCK_EPROTO);
	ASSERT_EQ(c->peer_buf_alloc, 0);
}

TEST(rx_ring_wraps_and_keeps_bytes_in_order)
{
	uint8_t buf[10], out[10];
	struct vsock_conn *c = credit_conn(buf, sizeof(buf));

	ASSERT_TRUE(vsock_credit_rx_fits(c, 10));
	ASSERT_FALSE(vsock_credit_rx_fits(c, 11));
	vsock_credit_rx_put(c, (const uint8_t *)"abcdefg", 7);
	vsock_credit_rx_get(c, out, 5);
	ASSERT_MEM_EQ(out, "abcde", 5);
	ASSERT_TRUE(vsock_credit_rx_fits(c, 8));
	ASSERT_FALSE(vsock_credit_rx_fits(c, 9));
	vsock_credit_rx_put(c, (const uint8_t *)"hijklmno", 8);
	ASSERT_EQ(vsock_credit_rx_used(c), 10);
	vsock_credit_rx_get(c, out, 10);
	ASSERT_MEM_EQ(out, "fghijklmno", 10);
	ASSERT_EQ(c->fwd_cnt, 15);
	ASSERT_EQ(c->rx_cnt, 15);
}

/* Update when free space crosses half while the peer thinks otherwise. */
TEST(credit_update_is_due_when_free_space_crosses_half)
{
	uint8_t buf[100], out[100];
	struct vsock_conn *c = credit_conn(buf, sizeof(buf));

	memset(out, 0, sizeof(out));
	vsock_credit_rx_put(c, out, 90);
	ASSERT_FALSE(vsock_credit_update_due(c));
	vsock_credit_rx_get(c, out, 39); /* real free 49 */
	ASSERT_FALSE(vsock_credit_update_due(c));
	vsock_credit_rx_get(c, out, 1); /* real free 50 */
	ASSERT_TRUE(vsock_credit_update_due(c));
	c->last_fwd_cnt = c->fwd_cnt; /* advertised */
	ASSERT_FALSE(vsock_credit_update_due(c));
}

/*
 * Exhaustion: send stops at the peer's buf_alloc, then EAGAIN with one
 * CREDIT_REQUEST; the reply carries no new credit until the receiver reads,
 * and its first read then updates the blocked sender.
 */
TEST(exhausted_sender_recovers_through_credit_update)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;
	static uint8_t data[4000], got[4000];
	struct fx_qpkt e;
	uint32_t i = 0;

	fx_init(&f, 1024);
	for (i = 0; i < sizeof(data); i++) {
		data[i] = (uint8_t)(i ^ (i >> 8));
	}
	fx_connect(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsock_send(&f.a.p, c, data, sizeof(data)), 1024);
	ASSERT_EQ(vsock_credit_tx_space(c), 0);
	ASSERT_EQ(f.a.sent_ops[VSOCK_OP_CREDIT_REQUEST], 1);
	ASSERT_EQ(vsock_send(&f.a.p, c, data + 1024, 100), VSOCK_EAGAIN);
	ASSERT_EQ(f.a.sent_ops[VSOCK_OP_CREDIT_REQUEST], 1);
	fx_pump(&f);
	/* The request is answered, but nothing was consumed yet. */
	ASSERT_EQ(f.b.sent_ops[VSOCK_OP_CREDIT_UPDATE], 1);
	ASSERT_EQ(f.a.events[VSOCK_EV_WRITABLE], 0);
	ASSERT_EQ(vsock_recv(&f.b.p, s, got, 100, NULL), 100);
	ASSERT_TRUE(fx_pop(&f.b, &e));
	ASSERT_EQ(e.h.op, VSOCK_OP_CREDIT_UPDATE);
	ASSERT_EQ(e.h.fwd_cnt, 100);
	ASSERT_EQ(e.h.buf_alloc, 1024);
	vsock_proto_rx(&f.a.p, &e.h, f.now);
	ASSERT_EQ(f.a.events[VSOCK_EV_WRITABLE], 1);
	ASSERT_EQ(vsock_credit_tx_space(c), 100);
	ASSERT_EQ(vsock_send(&f.a.p, c, data + 1024, sizeof(data) - 1024), 100);
	fx_pump(&f);
	ASSERT_EQ(vsock_recv(&f.b.p, s, got + 100, 2000, NULL), 1024);
	ASSERT_MEM_EQ(got, data, 1124);
}

/*
 * Without a CREDIT_REQUEST the receiver updates once its free space
 * crosses half the buffer while the sender still sees less than half.
 */
TEST(receiver_updates_credit_when_free_space_crosses_half)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;
	static uint8_t data[1024], got[1024];
	struct fx_qpkt e;

	fx_init(&f, 1024);
	fx_connect(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsock_send(&f.a.p, c, data, sizeof(data)), 1024);
	ASSERT_EQ(f.a.sent_ops[VSOCK_OP_CREDIT_REQUEST], 0);
	fx_pump(&f);
	ASSERT_EQ(vsock_recv(&f.b.p, s, got, 511, NULL), 511);
	ASSERT_EQ(f.b.q_count, 0);
	ASSERT_EQ(vsock_recv(&f.b.p, s, got, 1, NULL), 1);
	ASSERT_TRUE(fx_pop(&f.b, &e));
	ASSERT_EQ(e.h.op, VSOCK_OP_CREDIT_UPDATE);
	ASSERT_EQ(e.h.fwd_cnt, 512);
	vsock_proto_rx(&f.a.p, &e.h, f.now);
	ASSERT_EQ(vsock_credit_tx_space(c), 512);
	/* Already advertised: further reads stay quiet. */
	ASSERT_EQ(vsock_recv(&f.b.p, s, got, 100, NULL), 100);
	ASSERT_EQ(f.b.q_count, 0);
}

/* virtio-msg.md §4: CREDIT_REQUEST -> CREDIT_UPDATE reply. */
TEST(credit_request_is_answered_with_credit_update)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;
	struct vsock_pkt p;
	struct fx_qpkt e;
	uint8_t got[8];

	fx_init(&f, 1024);
	fx_connect(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsock_send(&f.a.p, c, "12345", 5), 5);
	fx_pump(&f);
	ASSERT_EQ(vsock_recv(&f.b.p, s, got, 3, NULL), 3);
	p = fx_pkt(FX_CID_A, c->local_port, FX_CID_B, 1024, VSOCK_TYPE_STREAM,
		   VSOCK_OP_CREDIT_REQUEST);
	p.fwd_cnt = 0;
	vsock_proto_rx(&f.b.p, &p, f.now);
	ASSERT_TRUE(fx_pop(&f.b, &e));
	ASSERT_EQ(e.h.op, VSOCK_OP_CREDIT_UPDATE);
	ASSERT_EQ(e.h.fwd_cnt, 3);
	ASSERT_EQ(e.h.buf_alloc, 1024);
	ASSERT_EQ(e.h.src_port, 1024);
	ASSERT_EQ(e.h.dst_port, c->local_port);
	ASSERT_FALSE(fx_pop(&f.b, &e));
}

/* Every packet carries credit: a plain RW refreshes the sender's view. */
TEST(every_packet_carries_credit)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;
	uint8_t got[8];

	fx_init(&f, 1024);
	fx_connect(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsock_send(&f.a.p, c, "abcd", 4), 4);
	fx_pump(&f);
	ASSERT_EQ(vsock_recv(&f.b.p, s, got, 4, NULL), 4);
	ASSERT_EQ(c->peer_fwd_cnt, 0);
	ASSERT_EQ(vsock_send(&f.b.p, s, "z", 1), 1);
	fx_pump(&f);
	ASSERT_EQ(c->peer_fwd_cnt, 4);
	ASSERT_EQ(vsock_credit_tx_space(c), 1024);
}

static void expect_hostile_reset(struct fx_side *side, struct vsock_conn *c)
{
	struct fx_qpkt e;

	ASSERT_EQ(side->p.stats.rx_hostile, 1);
	ASSERT_EQ(vsock_conn_state(c), VSOCK_ST_CLOSED);
	ASSERT_EQ(vsock_conn_error(c), VSOCK_EPROTO);
	ASSERT_TRUE(fx_pop(side, &e));
	ASSERT_EQ(e.h.op, VSOCK_OP_RST);
	ASSERT_EQ(side->events[VSOCK_EV_RESET], 1);
}

/* The receiver drops and resets an RW larger than the credit it gave. */
TEST(rw_beyond_credit_is_dropped_and_reset)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;
	static uint8_t big[1025];
	struct vsock_pkt p;

	fx_init(&f, 1024);
	fx_connect(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	p = fx_pkt(FX_CID_A, c->local_port, FX_CID_B, 1024, VSOCK_TYPE_STREAM,
		   VSOCK_OP_RW);
	p.payload = big;
	p.len = p.payload_len = sizeof(big);
	vsock_proto_rx(&f.b.p, &p, f.now);
	ASSERT_EQ(vsock_credit_rx_used(s), 0);
	ASSERT_EQ(f.b.events[VSOCK_EV_READABLE], 0);
	expect_hostile_reset(&f.b, s);
}

/* Exactly the advertised space fits; one byte more after it does not. */
TEST(rw_filling_credit_exactly_is_accepted)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;
	static uint8_t big[1024];
	struct vsock_pkt p;

	fx_init(&f, 1024);
	fx_connect(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	p = fx_pkt(FX_CID_A, c->local_port, FX_CID_B, 1024, VSOCK_TYPE_STREAM,
		   VSOCK_OP_RW);
	p.payload = big;
	p.len = p.payload_len = sizeof(big);
	vsock_proto_rx(&f.b.p, &p, f.now);
	ASSERT_EQ(vsock_credit_rx_used(s), 1024);
	p.len = p.payload_len = 1;
	vsock_proto_rx(&f.b.p, &p, f.now);
	expect_hostile_reset(&f.b, s);
}

TEST(credit_update_with_fwd_cnt_backwards_is_reset)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;
	uint8_t got[8];
	struct vsock_pkt p;

	fx_init(&f, 1024);
	fx_connect(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsock_send(&f.a.p, c, "abcd", 4), 4);
	fx_pump(&f);
	ASSERT_EQ(vsock_recv(&f.b.p, s, got, 4, NULL), 4);
	p = fx_pkt(FX_CID_B, 1024, FX_CID_A, c->local_port, VSOCK_TYPE_STREAM,
		   VSOCK_OP_CREDIT_UPDATE);
	p.fwd_cnt = 4;
	vsock_proto_rx(&f.a.p, &p, f.now);
	ASSERT_EQ(f.a.p.stats.rx_hostile, 0);
	p.fwd_cnt = 2;
	vsock_proto_rx(&f.a.p, &p, f.now);
	expect_hostile_reset(&f.a, c);
}

TEST(credit_update_with_fwd_cnt_beyond_tx_cnt_is_reset)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;
	struct vsock_pkt p;

	fx_init(&f, 1024);
	fx_connect(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsock_send(&f.a.p, c, "abcd", 4), 4);
	fx_drop_all(&f.a);
	p = fx_pkt(FX_CID_B, 1024, FX_CID_A, c->local_port, VSOCK_TYPE_STREAM,
		   VSOCK_OP_CREDIT_UPDATE);
	p.fwd_cnt = 5;
	vsock_proto_rx(&f.a.p, &p, f.now);
	expect_hostile_reset(&f.a, c);
}

TEST(packet_with_buf_alloc_zero_is_reset)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;
	struct vsock_pkt p;

	fx_init(&f, 1024);
	fx_connect(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	p = fx_pkt(FX_CID_A, c->local_port, FX_CID_B, 1024, VSOCK_TYPE_STREAM,
		   VSOCK_OP_CREDIT_UPDATE);
	p.buf_alloc = 0;
	vsock_proto_rx(&f.b.p, &p, f.now);
	expect_hostile_reset(&f.b, s);
}

/* A REQUEST that claims consumed bytes (fwd_cnt != 0) is hostile. */
TEST(request_with_nonzero_fwd_cnt_is_reset)
{
	struct vsock_conn *l = NULL;
	struct vsock_pkt p = fx_pkt(FX_CID_A, 5000, FX_CID_B, 1024,
				    VSOCK_TYPE_STREAM, VSOCK_OP_REQUEST);
	struct fx_qpkt e;

	fx_init(&f, 1024);
	ASSERT_EQ(vsock_listen(&f.b.p, 1024, VSOCK_TYPE_STREAM, 4, &l),
		  VSOCK_OK);
	p.fwd_cnt = 7;
	vsock_proto_rx(&f.b.p, &p, f.now);
	ASSERT_EQ(f.b.p.stats.rx_hostile, 1);
	ASSERT_TRUE(fx_pop(&f.b, &e));
	ASSERT_EQ(e.h.op, VSOCK_OP_RST);
	ASSERT_EQ(l->pending, 0);
	ASSERT_EQ(f.b.events[VSOCK_EV_ACCEPT], 0);
}

TEST(response_with_buf_alloc_zero_is_reset)
{
	struct vsock_conn *c = NULL;
	struct vsock_pkt p;

	fx_init(&f, 1024);
	ASSERT_EQ(vsock_connect(&f.a.p, 0, FX_CID_B, 1024, VSOCK_TYPE_STREAM,
				f.now, &c),
		  VSOCK_OK);
	fx_drop_all(&f.a);
	p = fx_pkt(FX_CID_B, 1024, FX_CID_A, c->local_port, VSOCK_TYPE_STREAM,
		   VSOCK_OP_RESPONSE);
	p.buf_alloc = 0;
	vsock_proto_rx(&f.a.p, &p, f.now);
	expect_hostile_reset(&f.a, c);
	ASSERT_EQ(f.a.events[VSOCK_EV_CONNECTED], 0);
}

/* SEQPACKET: whole message or nothing; larger than the peer can hold. */
TEST(seqpacket_send_needs_credit_for_the_whole_message)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;
	static uint8_t msg[1025], got[1025];

	fx_init(&f, 1024);
	fx_connect(&f, VSOCK_TYPE_SEQPACKET, &c, &s, &l);
	ASSERT_EQ(vsock_send(&f.a.p, c, msg, 1025), VSOCK_EMSGSIZE);
	ASSERT_EQ(vsock_send(&f.a.p, c, msg, 600), 600);
	ASSERT_EQ(vsock_send(&f.a.p, c, msg, 500), VSOCK_EAGAIN);
	ASSERT_EQ(c->tx_cnt, 600);
	fx_pump(&f);
	ASSERT_EQ(vsock_recv(&f.b.p, s, got, sizeof(got), NULL), 600);
	fx_pump(&f);
	ASSERT_EQ(f.a.events[VSOCK_EV_WRITABLE], 1);
	ASSERT_EQ(vsock_send(&f.a.p, c, msg, 1024), 1024);
}

/* More queued messages than boundaries we can store: reset, counted. */
TEST(seqpacket_boundary_overflow_is_reset)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;
	struct vsock_pkt p;
	uint32_t i = 0;

	fx_init(&f, 1024);
	fx_connect(&f, VSOCK_TYPE_SEQPACKET, &c, &s, &l);
	p = fx_pkt(FX_CID_A, c->local_port, FX_CID_B, 1024,
		   VSOCK_TYPE_SEQPACKET, VSOCK_OP_RW);
	p.flags = VSOCK_SEQ_EOM;
	for (i = 0; i < VSOCK_SEQ_MAX_MSGS; i++) {
		vsock_proto_rx(&f.b.p, &p, f.now);
	}
	ASSERT_EQ(vsock_conn_rx_avail(s), VSOCK_SEQ_MAX_MSGS);
	ASSERT_EQ(f.b.p.stats.rx_hostile, 0);
	vsock_proto_rx(&f.b.p, &p, f.now);
	expect_hostile_reset(&f.b, s);
}

/* A refused RW costs no credit and is reported as EAGAIN. */
TEST(refused_rw_consumes_no_credit)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;

	fx_init(&f, 1024);
	fx_connect(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	f.a.refuse = VSOCK_EAGAIN;
	ASSERT_EQ(vsock_send(&f.a.p, c, "abc", 3), VSOCK_EAGAIN);
	ASSERT_EQ(c->tx_cnt, 0);
	ASSERT_EQ(vsock_credit_tx_space(c), 1024);
	f.a.refuse = 0;
	ASSERT_EQ(vsock_send(&f.a.p, c, "abc", 3), 3);
	ASSERT_EQ(c->tx_cnt, 3);
}

/*
 * Regression: a SEQPACKET sender needing more than the half-buffer
 * threshold still recovers. B holds 400 of 1024 bytes, so A sees 624 of
 * credit (>= half) and needs 900: after its CREDIT_REQUEST, B's next read
 * must send an update although free space never crossed half.
 */
TEST(blocked_seqpacket_sender_gets_update_on_next_read)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;
	static uint8_t msg[900], got[900];

	fx_init(&f, 1024);
	fx_connect(&f, VSOCK_TYPE_SEQPACKET, &c, &s, &l);
	ASSERT_EQ(vsock_send(&f.a.p, c, msg, 400), 400);
	fx_pump(&f);
	ASSERT_EQ(vsock_send(&f.a.p, c, msg, 900), VSOCK_EAGAIN);
	fx_pump(&f);
	ASSERT_EQ(f.b.sent_ops[VSOCK_OP_CREDIT_UPDATE], 1);
	ASSERT_EQ(vsock_credit_tx_space(c), 624);
	ASSERT_EQ(vsock_recv(&f.b.p, s, got, sizeof(got), NULL), 400);
	ASSERT_EQ(f.b.sent_ops[VSOCK_OP_CREDIT_UPDATE], 2);
	fx_pump(&f);
	ASSERT_EQ(f.a.events[VSOCK_EV_WRITABLE], 1);
	ASSERT_EQ(vsock_send(&f.a.p, c, msg, 900), 900);
}
