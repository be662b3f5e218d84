// SPDX-License-Identifier: BSD-2-Clause
/*
 * core/vsock/conn.c extensions: vsock_peek() (MSG_PEEK), vsock_send_shmem()
 * with ops->shmem delivery (architecture.md §3) and vsock_set_buf_size()
 * (SO_VM_SOCKETS_BUFFER_SIZE), two endpoints back to back.
 */
#include "vsock_fixture.h"

static struct fx f;

/* ---- MSG_PEEK ---------------------------------------------------------- */

TEST(stream_peek_returns_bytes_without_consuming_them)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;
	uint8_t buf[16] = { 0 };
	uint32_t fl = 0xff;

	fx_init(&f, 4096);
	fx_connect(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsock_send(&f.a.p, c, "hello", 5), 5);
	fx_pump(&f);
	ASSERT_EQ(vsock_peek(&f.b.p, s, buf, 3, &fl), 3);
	ASSERT_MEM_EQ(buf, "hel", 3);
	ASSERT_EQ(fl, 0);
	ASSERT_EQ(vsock_peek(&f.b.p, s, buf, sizeof(buf), NULL), 5);
	ASSERT_MEM_EQ(buf, "hello", 5);
	ASSERT_EQ(vsock_conn_rx_avail(s), 5);
	ASSERT_EQ(s->fwd_cnt, 0);
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(vsock_recv(&f.b.p, s, buf, sizeof(buf), NULL), 5);
	ASSERT_MEM_EQ(buf, "hello", 5);
	ASSERT_EQ(vsock_peek(&f.b.p, s, buf, sizeof(buf), NULL), VSOCK_EAGAIN);
}

/* The ring wraps: peek copies both pieces, like recv. */
TEST(stream_peek_across_the_ring_end)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;
	uint8_t buf[16] = { 0 };

	fx_init(&f, 16);
	fx_connect(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsock_send(&f.a.p, c, "0123456789", 10), 10);
	fx_pump(&f);
	ASSERT_EQ(vsock_recv(&f.b.p, s, buf, 10, NULL), 10);
	fx_pump(&f);
	ASSERT_EQ(vsock_send(&f.a.p, c, "abcdefghijkl", 12), 12);
	fx_pump(&f);
	ASSERT_EQ(vsock_peek(&f.b.p, s, buf, sizeof(buf), NULL), 12);
	ASSERT_MEM_EQ(buf, "abcdefghijkl", 12);
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(vsock_recv(&f.b.p, s, buf, sizeof(buf), NULL), 12);
	ASSERT_MEM_EQ(buf, "abcdefghijkl", 12);
}

/* Peek consumes nothing, so it frees no credit and sends no update. */
TEST(peek_sends_no_credit_update_recv_does)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;
	static uint8_t data[64], buf[64];

	fx_init(&f, 64);
	fx_connect(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	memset(data, 0x5a, sizeof(data));
	ASSERT_EQ(vsock_send(&f.a.p, c, data, sizeof(data)), 64);
	ASSERT_EQ(vsock_send(&f.a.p, c, data, 1), VSOCK_EAGAIN);
	fx_pump(&f);
	ASSERT_EQ(f.b.sent_ops[VSOCK_OP_CREDIT_UPDATE], 1); /* the request */
	ASSERT_EQ(vsock_peek(&f.b.p, s, buf, sizeof(buf), NULL), 64);
	ASSERT_EQ(f.b.sent_ops[VSOCK_OP_CREDIT_UPDATE], 1);
	ASSERT_EQ(f.b.q_count, 0);
	ASSERT_EQ(vsock_recv(&f.b.p, s, buf, sizeof(buf), NULL), 64);
	ASSERT_EQ(f.b.sent_ops[VSOCK_OP_CREDIT_UPDATE], 2);
	fx_pump(&f);
	ASSERT_EQ(vsock_credit_tx_space(c), 64);
}

TEST(seqpacket_peek_returns_one_message_with_flags_and_keeps_it)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;
	uint8_t buf[16] = { 0 };
	uint32_t fl = 0;

	fx_init(&f, 4096);
	fx_connect(&f, VSOCK_TYPE_SEQPACKET, &c, &s, &l);
	ASSERT_EQ(vsock_send(&f.a.p, c, "abc", 3), 3);
	ASSERT_EQ(vsock_send(&f.a.p, c, "defgh", 5), 5);
	ASSERT_EQ(vsock_send(&f.a.p, c, "", 0), 0);
	fx_pump(&f);
	ASSERT_EQ(vsock_peek(&f.b.p, s, buf, 2, &fl), 2);
	ASSERT_EQ(fl, VSOCK_MSG_EOR | VSOCK_MSG_TRUNC);
	ASSERT_MEM_EQ(buf, "ab", 2);
	/* Truncated peek dropped nothing: the whole message is still there. */
	ASSERT_EQ(vsock_peek(&f.b.p, s, buf, sizeof(buf), &fl), 3);
	ASSERT_EQ(fl, VSOCK_MSG_EOR);
	ASSERT_MEM_EQ(buf, "abc", 3);
	ASSERT_EQ(vsock_conn_rx_avail(s), 3);
	ASSERT_EQ(vsock_recv(&f.b.p, s, buf, sizeof(buf), &fl), 3);
	ASSERT_MEM_EQ(buf, "abc", 3);
	/* Never more than one message, however big the buffer. */
	ASSERT_EQ(vsock_peek(&f.b.p, s, buf, sizeof(buf), &fl), 5);
	ASSERT_MEM_EQ(buf, "defgh", 5);
	ASSERT_EQ(vsock_recv(&f.b.p, s, buf, 1, &fl), 1);
	ASSERT_EQ(fl, VSOCK_MSG_EOR | VSOCK_MSG_TRUNC);
	/* An empty message peeks as 0 bytes with EOR and stays queued. */
	ASSERT_EQ(vsock_peek(&f.b.p, s, buf, sizeof(buf), &fl), 0);
	ASSERT_EQ(fl, VSOCK_MSG_EOR);
	ASSERT_EQ(vsock_conn_rx_avail(s), 1);
	ASSERT_EQ(vsock_recv(&f.b.p, s, buf, sizeof(buf), &fl), 0);
	ASSERT_EQ(vsock_conn_rx_avail(s), 0);
	ASSERT_EQ(vsock_peek(&f.b.p, s, buf, sizeof(buf), &fl), VSOCK_EAGAIN);
}

/* A message without EOM is not peekable either. */
TEST(seqpacket_peek_ignores_a_partial_message)
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
	ASSERT_EQ(vsock_peek(&f.b.p, s, buf, sizeof(buf), NULL), VSOCK_EAGAIN);
}

/* Every error of vsock_recv(), from vsock_peek() too. */
TEST(peek_errors_match_recv)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL, *c2 = NULL;
	uint8_t buf[8];

	fx_init(&f, 4096);
	fx_connect(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsock_peek(&f.b.p, l, buf, 8, NULL), VSOCK_EINVAL);
	ASSERT_EQ(vsock_recv(&f.b.p, l, buf, 8, NULL), VSOCK_EINVAL);
	ASSERT_EQ(vsock_peek(&f.b.p, s, buf, 8, NULL), VSOCK_EAGAIN);
	ASSERT_EQ(vsock_connect(&f.a.p, 0, FX_CID_B, 77, VSOCK_TYPE_STREAM,
				f.now, &c2),
		  VSOCK_OK);
	ASSERT_EQ(vsock_peek(&f.a.p, c2, buf, 8, NULL), VSOCK_ENOTCONN);
	ASSERT_EQ(vsock_recv(&f.a.p, c2, buf, 8, NULL), VSOCK_ENOTCONN);
	fx_pump(&f);
	ASSERT_EQ(vsock_peek(&f.a.p, c2, buf, 8, NULL), VSOCK_ECONNRESET);
	ASSERT_EQ(vsock_recv(&f.a.p, c2, buf, 8, NULL), VSOCK_ECONNRESET);
	/* Peer shut its sending side: data first, then EOF (0). */
	ASSERT_EQ(vsock_send(&f.a.p, c, "xy", 2), 2);
	ASSERT_EQ(vsock_shutdown(&f.a.p, c, VSOCK_SHUTDOWN_SEND), VSOCK_OK);
	fx_pump(&f);
	ASSERT_EQ(vsock_peek(&f.b.p, s, buf, 8, NULL), 2);
	ASSERT_EQ(vsock_recv(&f.b.p, s, buf, 8, NULL), 2);
	ASSERT_EQ(vsock_peek(&f.b.p, s, buf, 8, NULL), 0);
	ASSERT_EQ(vsock_recv(&f.b.p, s, buf, 8, NULL), 0);
}

/*
 * SEQPACKET end of stream with no message queued: 0 from both, and no
 * read from the empty message queue (end of stream is 0, not "ready").
 */
TEST(seqpacket_eof_with_nothing_queued_is_zero)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;
	uint8_t buf[8];
	uint32_t fl = 0xff;

	fx_init(&f, 4096);
	fx_connect(&f, VSOCK_TYPE_SEQPACKET, &c, &s, &l);
	ASSERT_EQ(vsock_send(&f.a.p, c, "m", 1), 1);
	ASSERT_EQ(vsock_shutdown(&f.a.p, c, VSOCK_SHUTDOWN_SEND), VSOCK_OK);
	fx_pump(&f);
	ASSERT_EQ(vsock_recv(&f.b.p, s, buf, sizeof(buf), &fl), 1);
	ASSERT_EQ(vsock_peek(&f.b.p, s, buf, sizeof(buf), &fl), 0);
	ASSERT_EQ(vsock_recv(&f.b.p, s, buf, sizeof(buf), &fl), 0);
	ASSERT_EQ(vsock_recv(&f.b.p, s, buf, sizeof(buf), &fl), 0);
	ASSERT_EQ(s->msg_count, 0);
	/* Closed in order (peer shut both ways): still 0, never a read. */
	ASSERT_EQ(vsock_shutdown(&f.a.p, c, VSOCK_SHUTDOWN_RCV), VSOCK_OK);
	fx_pump(&f);
	ASSERT_EQ(vsock_conn_state(s), VSOCK_ST_CLOSED);
	ASSERT_EQ(vsock_peek(&f.b.p, s, buf, sizeof(buf), &fl), 0);
	ASSERT_EQ(vsock_recv(&f.b.p, s, buf, sizeof(buf), &fl), 0);
}

/* Data left in a connection the peer reset can still be peeked and read. */
TEST(peek_after_reset_sees_queued_data_then_the_error)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;
	struct vsock_pkt p;
	uint8_t buf[8];

	fx_init(&f, 4096);
	fx_connect(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsock_send(&f.a.p, c, "left", 4), 4);
	fx_pump(&f);
	p = fx_pkt(FX_CID_A, c->local_port, FX_CID_B, 1024, VSOCK_TYPE_STREAM,
		   VSOCK_OP_RST);
	vsock_proto_rx(&f.b.p, &p, f.now);
	ASSERT_EQ(vsock_conn_state(s), VSOCK_ST_CLOSED);
	ASSERT_EQ(vsock_peek(&f.b.p, s, buf, 8, NULL), 4);
	ASSERT_MEM_EQ(buf, "left", 4);
	ASSERT_EQ(vsock_recv(&f.b.p, s, buf, 8, NULL), 4);
	ASSERT_EQ(vsock_peek(&f.b.p, s, buf, 8, NULL), VSOCK_ECONNRESET);
}

/* ---- OP_SHMEM ---------------------------------------------------------- */

struct shm_log {
	uint32_t calls;
	struct vsock_conn *conn;
	struct vsock_shmem last;
	bool answer; /* reply REVOKE_DONE to REVOKE from inside the callback */
	int answer_rc;
};

static struct shm_log shm_log[2];

static struct shm_log *log_of(void *ctx)
{
	return &shm_log[ctx == &f.a ? 0 : 1];
}

static void shm_cb(void *ctx, struct vsock_conn *c, const struct vsock_shmem *m)
{
	struct fx_side *side = ctx;
	struct shm_log *lg = log_of(ctx);

	lg->calls++;
	lg->conn = c;
	lg->last = *m;
	if (lg->answer && m->subop == VSOCK_SHMEM_REVOKE) {
		struct vsock_shmem r = *m;

		r.subop = VSOCK_SHMEM_REVOKE_DONE;
		lg->answer_rc = vsock_send_shmem(&side->p, c, &r);
	}
}

static const struct vsock_proto_ops shm_ops = {
	.send_pkt = fx_send_pkt,
	.notify = fx_notify,
	.shmem = shm_cb,
};

static const struct vsock_shmem offer = {
	.subop = VSOCK_SHMEM_OFFER,
	.type = VSOCK_SHMEM_TYPE_FFA,
	.kind = VSOCK_SHMEM_LEND,
	.flags = VSOCK_SHMEM_F_WRITABLE,
	.offer_id = 0x0102030405060708ull,
	.bus_addr = 0x0003000000001000ull,
	.size = 0x3000,
	.ffa_handle = 0x8000000000000005ull,
	.ffa_tag = 0x1122334455667788ull,
};

static void shm_init(uint32_t rx_len)
{
	fx_init(&f, rx_len);
	memset(shm_log, 0, sizeof(shm_log));
	f.a.p.ops = &shm_ops;
	f.b.p.ops = &shm_ops;
}

static void assert_shmem_eq(const struct vsock_shmem *a,
			    const struct vsock_shmem *b)
{
	ASSERT_EQ(a->subop, b->subop);
	ASSERT_EQ(a->type, b->type);
	ASSERT_EQ(a->kind, b->kind);
	ASSERT_EQ(a->flags, b->flags);
	ASSERT_EQ(a->offer_id, b->offer_id);
	ASSERT_EQ(a->bus_addr, b->bus_addr);
	ASSERT_EQ(a->size, b->size);
	ASSERT_EQ(a->ffa_handle, b->ffa_handle);
	ASSERT_EQ(a->ffa_tag, b->ffa_tag);
}

TEST(shmem_roundtrips_to_the_peers_callback)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;
	struct fx_qpkt e;
	uint32_t kind = 0;

	shm_init(4096);
	fx_connect(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsock_send_shmem(&f.a.p, c, &offer), VSOCK_OK);
	ASSERT_TRUE(fx_pop(&f.a, &e));
	ASSERT_EQ(e.h.op, VSOCK_OP_SHMEM);
	ASSERT_EQ(e.h.len, VSOCK_SHMEM_SIZE);
	ASSERT_EQ(e.h.type, VSOCK_TYPE_STREAM);
	ASSERT_EQ(e.h.src_port, c->local_port);
	ASSERT_EQ(e.h.dst_port, 1024);
	vsock_proto_rx(&f.b.p, &e.h, f.now);
	ASSERT_EQ(shm_log[1].calls, 1);
	ASSERT_TRUE(shm_log[1].conn == s);
	assert_shmem_eq(&shm_log[1].last, &offer);
	/* Every kind, both directions, SEQPACKET too. */
	for (kind = 0; kind <= VSOCK_SHMEM_KIND_MAX; kind++) {
		struct vsock_shmem m = offer;

		m.kind = kind;
		m.subop = VSOCK_SHMEM_OFFER_REJECT;
		m.offer_id = 100 + kind;
		ASSERT_EQ(vsock_send_shmem(&f.b.p, s, &m), VSOCK_OK);
		fx_pump(&f);
		ASSERT_EQ(shm_log[0].calls, kind + 1);
		ASSERT_TRUE(shm_log[0].conn == c);
		assert_shmem_eq(&shm_log[0].last, &m);
	}
	/* Not stream data: nothing to read, no credit used. */
	ASSERT_EQ(vsock_conn_rx_avail(s), 0);
	ASSERT_EQ(c->tx_cnt, 0);
	ASSERT_EQ(s->rx_cnt, 0);
}

TEST(shmem_callback_may_answer_on_the_same_connection)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;
	struct vsock_shmem m = offer;

	shm_init(4096);
	fx_connect(&f, VSOCK_TYPE_SEQPACKET, &c, &s, &l);
	shm_log[1].answer = true;
	m.subop = VSOCK_SHMEM_REVOKE;
	ASSERT_EQ(vsock_send_shmem(&f.a.p, c, &m), VSOCK_OK);
	fx_pump(&f);
	ASSERT_EQ(shm_log[1].answer_rc, VSOCK_OK);
	ASSERT_EQ(shm_log[0].calls, 1);
	ASSERT_EQ(shm_log[0].last.subop, VSOCK_SHMEM_REVOKE_DONE);
	ASSERT_EQ(shm_log[0].last.offer_id, offer.offer_id);
}

/* It carries no stream bytes, so a sender out of credit can still send it. */
TEST(shmem_needs_no_credit)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;
	static uint8_t data[64];

	shm_init(64);
	fx_connect(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsock_send(&f.a.p, c, data, sizeof(data)), 64);
	ASSERT_EQ(vsock_credit_tx_space(c), 0);
	ASSERT_EQ(vsock_send_shmem(&f.a.p, c, &offer), VSOCK_OK);
	fx_pump(&f);
	ASSERT_EQ(shm_log[1].calls, 1);
	ASSERT_EQ(vsock_conn_state(s), VSOCK_ST_ESTABLISHED);
	ASSERT_EQ(f.b.p.stats.rx_hostile, 0);
}

TEST(send_shmem_before_established_is_enotconn)
{
	struct vsock_conn *c = NULL, *c2 = NULL, *s = NULL, *l = NULL;

	shm_init(4096);
	ASSERT_EQ(vsock_connect(&f.a.p, 0, FX_CID_B, 1024, VSOCK_TYPE_STREAM,
				f.now, &c),
		  VSOCK_OK);
	ASSERT_EQ(vsock_send_shmem(&f.a.p, c, &offer), VSOCK_ENOTCONN);
	/* Nobody listens: RST, then CLOSED is not connected either. */
	fx_pump(&f);
	ASSERT_EQ(vsock_conn_state(c), VSOCK_ST_CLOSED);
	ASSERT_EQ(vsock_send_shmem(&f.a.p, c, &offer), VSOCK_ENOTCONN);
	fx_connect(&f, VSOCK_TYPE_STREAM, &c2, &s, &l);
	ASSERT_EQ(vsock_send_shmem(&f.b.p, l, &offer), VSOCK_ENOTCONN);
	ASSERT_EQ(f.a.sent_ops[VSOCK_OP_SHMEM] + f.b.sent_ops[VSOCK_OP_SHMEM],
		  0);
}

TEST(send_shmem_refuses_what_the_codec_refuses)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;
	struct vsock_shmem m = offer;

	shm_init(4096);
	fx_connect(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	m.subop = VSOCK_SHMEM_SUBOP_MAX + 1;
	ASSERT_EQ(vsock_send_shmem(&f.a.p, c, &m), VSOCK_EINVAL);
	m = offer;
	m.type = 2;
	ASSERT_EQ(vsock_send_shmem(&f.a.p, c, &m), VSOCK_EINVAL);
	m = offer;
	m.kind = VSOCK_SHMEM_KIND_MAX + 1;
	ASSERT_EQ(vsock_send_shmem(&f.a.p, c, &m), VSOCK_EINVAL);
	ASSERT_EQ(f.a.sent_ops[VSOCK_OP_SHMEM], 0);
	/* The transport's refusal is returned and counted. */
	f.a.refuse = VSOCK_ENOBUFS;
	ASSERT_EQ(vsock_send_shmem(&f.a.p, c, &offer), VSOCK_ENOBUFS);
	ASSERT_EQ(f.a.p.stats.tx_errors, 1);
}

/* A hand-made OP_SHMEM from A's client to B's server with @len bytes. */
static void inject_shmem(const struct vsock_conn *c, const uint8_t *payload,
			 uint32_t len)
{
	struct vsock_pkt p = fx_pkt(FX_CID_A, c->local_port, FX_CID_B, 1024,
				    VSOCK_TYPE_STREAM, VSOCK_OP_SHMEM);

	p.payload = payload;
	p.len = p.payload_len = len;
	vsock_proto_rx(&f.b.p, &p, f.now);
}

TEST(malformed_shmem_payload_is_counted_and_not_delivered)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;
	uint8_t good[VSOCK_SHMEM_SIZE + 1], bad[VSOCK_SHMEM_SIZE];

	shm_init(4096);
	fx_connect(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsock_shmem_encode(&offer, good, sizeof(good)),
		  VSOCK_SHMEM_SIZE);
	good[VSOCK_SHMEM_SIZE] = 0;
	inject_shmem(c, good, VSOCK_SHMEM_SIZE - 1); /* short */
	ASSERT_EQ(f.b.p.stats.shmem_bad, 1);
	inject_shmem(c, good, VSOCK_SHMEM_SIZE + 1); /* long */
	ASSERT_EQ(f.b.p.stats.shmem_bad, 2);
	inject_shmem(c, NULL, 0); /* empty */
	ASSERT_EQ(f.b.p.stats.shmem_bad, 3);
	memcpy(bad, good, sizeof(bad));
	bad[0] = VSOCK_SHMEM_SUBOP_MAX + 1; /* subop */
	inject_shmem(c, bad, sizeof(bad));
	memcpy(bad, good, sizeof(bad));
	bad[4] = 7; /* type */
	inject_shmem(c, bad, sizeof(bad));
	memcpy(bad, good, sizeof(bad));
	bad[8] = VSOCK_SHMEM_KIND_MAX + 1; /* kind */
	inject_shmem(c, bad, sizeof(bad));
	ASSERT_EQ(f.b.p.stats.shmem_bad, 6);
	ASSERT_EQ(shm_log[1].calls, 0);
	/* Dropped quietly: no reply, the connection stays up. */
	ASSERT_EQ(f.b.q_count, 0);
	ASSERT_EQ(vsock_conn_state(s), VSOCK_ST_ESTABLISHED);
	ASSERT_EQ(f.b.p.stats.rx_dropped, 0);
	inject_shmem(c, good, VSOCK_SHMEM_SIZE);
	ASSERT_EQ(shm_log[1].calls, 1);
}

TEST(shmem_without_a_callback_is_dropped)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;

	fx_init(&f, 4096);
	memset(shm_log, 0, sizeof(shm_log));
	fx_connect(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsock_send_shmem(&f.a.p, c, &offer), VSOCK_OK);
	fx_pump(&f);
	ASSERT_EQ(f.b.p.stats.rx_dropped, 1);
	ASSERT_EQ(f.b.p.stats.shmem_bad, 0);
	ASSERT_EQ(vsock_conn_state(s), VSOCK_ST_ESTABLISHED);
	ASSERT_EQ(f.b.sent_ops[VSOCK_OP_RST], 0);
}

/*
 * A child not yet accepted has no socket to hand the offer to: dropped
 * and counted (the sender learns nothing; the layer above must time out).
 */
TEST(shmem_to_an_unaccepted_child_is_dropped)
{
	struct vsock_conn *c = NULL, *l = NULL;

	shm_init(4096);
	ASSERT_EQ(vsock_listen(&f.b.p, 1024, VSOCK_TYPE_STREAM, 4, &l),
		  VSOCK_OK);
	ASSERT_EQ(vsock_connect(&f.a.p, 0, FX_CID_B, 1024, VSOCK_TYPE_STREAM,
				f.now, &c),
		  VSOCK_OK);
	fx_pump(&f);
	ASSERT_EQ(vsock_send_shmem(&f.a.p, c, &offer), VSOCK_OK);
	fx_pump(&f);
	ASSERT_EQ(shm_log[1].calls, 0);
	ASSERT_EQ(f.b.p.stats.rx_dropped, 1);
}

/* ---- SO_VM_SOCKETS_BUFFER_SIZE ----------------------------------------- */

TEST(buf_size_is_clamped_to_the_slot_and_zero_refused)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;

	fx_init(&f, 4096);
	fx_connect(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsock_set_buf_size(&f.b.p, s, 0), VSOCK_EINVAL);
	ASSERT_EQ(s->buf_alloc, 4096);
	ASSERT_EQ(vsock_set_buf_size(&f.b.p, s, 1u << 20), 4096);
	ASSERT_EQ(vsock_set_buf_size(&f.b.p, s, 0xffffffffu), 4096);
	ASSERT_EQ(vsock_set_buf_size(&f.b.p, s, 100), 100);
	ASSERT_EQ(s->buf_alloc, 100);
}

TEST(established_buf_size_change_updates_the_peers_credit)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;
	static uint8_t data[4096], buf[4096];
	struct fx_qpkt e;
	uint32_t i = 0;

	fx_init(&f, 4096);
	for (i = 0; i < sizeof(data); i++) {
		data[i] = (uint8_t)(i * 13);
	}
	fx_connect(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsock_credit_tx_space(c), 4096);
	ASSERT_EQ(vsock_set_buf_size(&f.b.p, s, 256), 256);
	ASSERT_TRUE(fx_pop(&f.b, &e));
	ASSERT_EQ(e.h.op, VSOCK_OP_CREDIT_UPDATE);
	ASSERT_EQ(e.h.buf_alloc, 256);
	vsock_proto_rx(&f.a.p, &e.h, f.now);
	ASSERT_EQ(vsock_credit_tx_space(c), 256);
	ASSERT_EQ(vsock_send(&f.a.p, c, data, 1000), 256);
	fx_pump(&f);
	ASSERT_EQ(vsock_recv(&f.b.p, s, buf, sizeof(buf), NULL), 256);
	ASSERT_MEM_EQ(buf, data, 256);
	fx_pump(&f);
	/* Growing again: the peer may fill the larger buffer at once. */
	ASSERT_EQ(vsock_set_buf_size(&f.b.p, s, 3000), 3000);
	fx_pump(&f);
	ASSERT_EQ(vsock_credit_tx_space(c), 3000);
	ASSERT_EQ(vsock_send(&f.a.p, c, data + 256, 3000), 3000);
	fx_pump(&f);
	ASSERT_EQ(vsock_recv(&f.b.p, s, buf, sizeof(buf), NULL), 3000);
	ASSERT_MEM_EQ(buf, data + 256, 3000);
	ASSERT_EQ(f.b.p.stats.rx_hostile, 0);
}

TEST(listener_buf_size_is_inherited_by_its_children)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;

	fx_init(&f, 4096);
	ASSERT_EQ(vsock_listen(&f.b.p, 1024, VSOCK_TYPE_STREAM, 4, &l),
		  VSOCK_OK);
	ASSERT_EQ(vsock_set_buf_size(&f.b.p, l, 512), 512);
	ASSERT_EQ(f.b.q_count, 0); /* a listener tells nobody */
	ASSERT_EQ(vsock_connect(&f.a.p, 0, FX_CID_B, 1024, VSOCK_TYPE_STREAM,
				f.now, &c),
		  VSOCK_OK);
	fx_pump(&f);
	ASSERT_EQ(vsock_accept(&f.b.p, l, &s), VSOCK_OK);
	ASSERT_EQ(s->buf_alloc, 512);
	ASSERT_EQ(c->peer_buf_alloc, 512);
	ASSERT_EQ(vsock_credit_tx_space(c), 512);
}

/*
 * Changing the size with data queued keeps the data in place (the ring is
 * the whole slot buffer; only the advertisement changes), as Linux allows
 * the option at any time.
 */
TEST(buf_size_change_with_data_queued_keeps_the_data)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;
	uint8_t buf[64];

	fx_init(&f, 64);
	fx_connect(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsock_send(&f.a.p, c, "0123456789abcdefghij", 20), 20);
	fx_pump(&f);
	ASSERT_EQ(vsock_recv(&f.b.p, s, buf, 15, NULL), 15);
	/* 5 bytes queued at ring offset 15; shrink below what is queued. */
	ASSERT_EQ(vsock_set_buf_size(&f.b.p, s, 4), 4);
	fx_pump(&f);
	ASSERT_EQ(vsock_credit_tx_space(c), 0);
	ASSERT_EQ(vsock_send(&f.a.p, c, "x", 1), VSOCK_EAGAIN);
	fx_pump(&f);
	ASSERT_EQ(vsock_recv(&f.b.p, s, buf, 3, NULL), 3);
	ASSERT_MEM_EQ(buf, "fgh", 3);
	fx_pump(&f);
	/* 2 queued of 4: the peer may send 2 more. */
	ASSERT_EQ(vsock_credit_tx_space(c), 2);
	ASSERT_EQ(vsock_set_buf_size(&f.b.p, s, 64), 64);
	fx_pump(&f);
	ASSERT_EQ(vsock_send(&f.a.p, c, "KLMNOPQRSTUVWXYZ0123456789abcdefghij",
			     36),
		  36);
	fx_pump(&f);
	ASSERT_EQ(vsock_recv(&f.b.p, s, buf, sizeof(buf), NULL), 38);
	ASSERT_MEM_EQ(buf, "ijKLMNOPQRSTUVWXYZ0123456789abcdefghij", 38);
	ASSERT_EQ(f.b.p.stats.rx_hostile, 0);
}

/*
 * Shrinking races with data the peer sent under the old size: what it was
 * allowed to send then is accepted, not treated as a credit violation.
 */
TEST(shrink_tolerates_data_sent_under_the_old_size)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;
	static uint8_t data[1024], buf[1024];
	struct vsock_pkt p;

	fx_init(&f, 1024);
	memset(data, 0x33, sizeof(data));
	fx_connect(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsock_send(&f.a.p, c, data, 1000), 1000);
	/* The data is on the wire when B shrinks to 16. */
	ASSERT_EQ(vsock_set_buf_size(&f.b.p, s, 16), 16);
	fx_pump(&f);
	ASSERT_EQ(f.b.p.stats.rx_hostile, 0);
	ASSERT_EQ(vsock_conn_state(s), VSOCK_ST_ESTABLISHED);
	ASSERT_EQ(vsock_recv(&f.b.p, s, buf, sizeof(buf), NULL), 1000);
	ASSERT_MEM_EQ(buf, data, 1000);
	fx_pump(&f);
	ASSERT_EQ(vsock_credit_tx_space(c), 16);
	/* Beyond the largest size ever advertised is still a violation. */
	p = fx_pkt(FX_CID_A, c->local_port, FX_CID_B, 1024, VSOCK_TYPE_STREAM,
		   VSOCK_OP_RW);
	p.payload = data;
	p.len = p.payload_len = 1024;
	p.fwd_cnt = c->fwd_cnt;
	vsock_proto_rx(&f.b.p, &p, f.now);
	ASSERT_EQ(vsock_conn_state(s), VSOCK_ST_ESTABLISHED);
	p.len = p.payload_len = 1;
	vsock_proto_rx(&f.b.p, &p, f.now);
	ASSERT_EQ(f.b.p.stats.rx_hostile, 1);
	ASSERT_EQ(vsock_conn_error(s), VSOCK_EPROTO);
}

/*
 * The REQUEST carried the old size; set while connecting, the new one
 * reaches the peer as a CREDIT_UPDATE once the RESPONSE arrives.
 */
TEST(buf_size_set_while_connecting_reaches_the_peer)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;

	fx_init(&f, 4096);
	ASSERT_EQ(vsock_listen(&f.b.p, 1024, VSOCK_TYPE_STREAM, 4, &l),
		  VSOCK_OK);
	ASSERT_EQ(vsock_connect(&f.a.p, 0, FX_CID_B, 1024, VSOCK_TYPE_STREAM,
				f.now, &c),
		  VSOCK_OK);
	ASSERT_EQ(vsock_set_buf_size(&f.a.p, c, 300), 300);
	ASSERT_EQ(f.a.sent_ops[VSOCK_OP_CREDIT_UPDATE], 0);
	fx_pump(&f);
	ASSERT_EQ(f.a.sent_ops[VSOCK_OP_CREDIT_UPDATE], 1);
	ASSERT_EQ(vsock_accept(&f.b.p, l, &s), VSOCK_OK);
	ASSERT_EQ(s->peer_buf_alloc, 300);
	ASSERT_EQ(vsock_credit_tx_space(s), 300);
}

/* A SEQPACKET message larger than the new size is EMSGSIZE at the peer. */
TEST(seqpacket_peer_sees_the_new_size_as_message_limit)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;
	static uint8_t data[512];

	fx_init(&f, 4096);
	fx_connect(&f, VSOCK_TYPE_SEQPACKET, &c, &s, &l);
	ASSERT_EQ(vsock_set_buf_size(&f.b.p, s, 200), 200);
	fx_pump(&f);
	ASSERT_EQ(vsock_send(&f.a.p, c, data, 201), VSOCK_EMSGSIZE);
	ASSERT_EQ(vsock_send(&f.a.p, c, data, 200), 200);
}

/* ---- Scatter-gather, deadlines, accessors ------------------------------ */

TEST(iov_total_sums_and_saturates)
{
	struct vsock_iov v[3] = { { NULL, 5 }, { NULL, 0 }, { NULL, 7 } };

	ASSERT_EQ(vsock_iov_total(v, 3), 12);
	ASSERT_EQ(vsock_iov_total(v, 0), 0);
	v[1].len = SIZE_MAX;
	ASSERT_EQ(vsock_iov_total(v, 3), UINT64_MAX);
}

/* A SEQPACKET message gathered from three buffers arrives as one. */
TEST(sendv_seqpacket_gathers_one_message_and_recvv_scatters_it)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;
	char a[] = "hello", b[] = "", d[] = " world";
	char o1[3] = { 0 }, o2[20] = { 0 };
	struct vsock_iov out[3] = { { a, 5 }, { b, 0 }, { d, 6 } };
	struct vsock_iov in[2] = { { o1, 3 }, { o2, 20 } };
	uint32_t fl = 0;

	fx_init(&f, 4096);
	fx_connect(&f, VSOCK_TYPE_SEQPACKET, &c, &s, &l);
	ASSERT_EQ(vsock_sendv(&f.a.p, c, out, 3), 11);
	/* One packet per non-empty buffer; EOM only on the last. */
	ASSERT_EQ(f.a.sent_ops[VSOCK_OP_RW], 2);
	fx_pump(&f);
	ASSERT_EQ(vsock_conn_rx_avail(s), 1);
	ASSERT_EQ(vsock_conn_next_len(s), 11);
	ASSERT_EQ(vsock_peekv(&f.b.p, s, in, 2, &fl), 11);
	ASSERT_MEM_EQ(o1, "hel", 3);
	ASSERT_MEM_EQ(o2, "lo world", 8);
	memset(o2, 0, sizeof(o2));
	ASSERT_EQ(vsock_recvv(&f.b.p, s, in, 2, &fl), 11);
	ASSERT_EQ(fl, VSOCK_MSG_EOR);
	ASSERT_MEM_EQ(o2, "lo world", 8);
	ASSERT_EQ(vsock_conn_next_len(s), 0);
	/* Too small in total: truncated across both buffers. */
	ASSERT_EQ(vsock_sendv(&f.a.p, c, out, 3), 11);
	fx_pump(&f);
	in[1].len = 4;
	ASSERT_EQ(vsock_recvv(&f.b.p, s, in, 2, &fl), 7);
	ASSERT_EQ(fl, VSOCK_MSG_EOR | VSOCK_MSG_TRUNC);
	ASSERT_MEM_EQ(o2, "lo w", 4);
	ASSERT_EQ(vsock_conn_rx_avail(s), 0);
	/* No buffers at all: an empty message. */
	ASSERT_EQ(vsock_sendv(&f.a.p, c, NULL, 0), 0);
	fx_pump(&f);
	ASSERT_EQ(vsock_conn_rx_avail(s), 1);
	ASSERT_EQ(vsock_recvv(&f.b.p, s, in, 2, &fl), 0);
}

TEST(sendv_seqpacket_checks_the_total_against_peer_buffer)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;
	static uint8_t big[4096];
	struct vsock_iov out[2] = { { big, 4000 }, { big, 97 } };

	fx_init(&f, 4096);
	fx_connect(&f, VSOCK_TYPE_SEQPACKET, &c, &s, &l);
	ASSERT_EQ(vsock_sendv(&f.a.p, c, out, 2), VSOCK_EMSGSIZE);
	out[1].len = 96;
	ASSERT_EQ(vsock_sendv(&f.a.p, c, out, 2), 4096);
	/* A length sum that overflows is too big as well. */
	out[1].len = SIZE_MAX;
	ASSERT_EQ(vsock_sendv(&f.a.p, c, out, 2), VSOCK_EMSGSIZE);
}

/* STREAM: send stops at the credit mid-buffer; recv fills in order. */
TEST(sendv_stream_stops_at_credit_and_recvv_fills_in_order)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;
	char a[] = "0123456789", b[] = "abcdefghij";
	char o1[4], o2[4], o3[40];
	struct vsock_iov out[2] = { { a, 10 }, { b, 10 } };
	struct vsock_iov in[3] = { { o1, 4 }, { o2, 4 }, { o3, 40 } };

	fx_init(&f, 16);
	fx_connect(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsock_sendv(&f.a.p, c, out, 2), 16);
	fx_pump(&f);
	ASSERT_EQ(vsock_peekv(&f.b.p, s, in, 3, NULL), 16);
	ASSERT_EQ(vsock_recvv(&f.b.p, s, in, 3, NULL), 16);
	ASSERT_MEM_EQ(o1, "0123", 4);
	ASSERT_MEM_EQ(o2, "4567", 4);
	ASSERT_MEM_EQ(o3, "89abcdef", 8);
}

TEST(next_deadline_reports_the_earliest_timer)
{
	struct vsock_conn *c1 = NULL, *c2 = NULL;
	uint64_t when = 0;

	fx_init(&f, 4096);
	ASSERT_FALSE(vsock_proto_next_deadline(&f.a.p, &when));
	f.a.p.connect_timeout_ms = 500;
	ASSERT_EQ(vsock_connect(&f.a.p, 0, FX_CID_B, 1024, VSOCK_TYPE_STREAM,
				f.now + 100, &c1),
		  VSOCK_OK);
	f.a.p.connect_timeout_ms = 300;
	ASSERT_EQ(vsock_connect(&f.a.p, 0, FX_CID_B, 1024, VSOCK_TYPE_STREAM,
				f.now + 200, &c2),
		  VSOCK_OK);
	ASSERT_TRUE(vsock_proto_next_deadline(&f.a.p, &when));
	ASSERT_EQ(when, f.now + 500);
	/* The connect timeout comes from the proto's knob. */
	vsock_proto_tick(&f.a.p, f.now + 499);
	ASSERT_EQ(vsock_conn_state(c2), VSOCK_ST_SYN_SENT);
	vsock_proto_tick(&f.a.p, f.now + 500);
	ASSERT_EQ(vsock_conn_error(c2), VSOCK_ETIMEDOUT);
	ASSERT_TRUE(vsock_proto_next_deadline(&f.a.p, &when));
	ASSERT_EQ(when, f.now + 600);
	vsock_proto_tick(&f.a.p, f.now + 600);
	ASSERT_EQ(vsock_conn_error(c1), VSOCK_ETIMEDOUT);
	ASSERT_FALSE(vsock_proto_next_deadline(&f.a.p, &when));
}

TEST(conn_accessors_report_peer_and_shutdown)
{
	struct vsock_conn *c = NULL, *s = NULL, *l = NULL;

	fx_init(&f, 4096);
	fx_connect(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsock_conn_peer_cid(s), FX_CID_A);
	ASSERT_EQ(vsock_conn_peer_port(s), vsock_conn_local_port(c));
	ASSERT_EQ(vsock_conn_peer_cid(c), FX_CID_B);
	ASSERT_EQ(vsock_conn_peer_port(c), 1024);
	ASSERT_EQ(vsock_conn_peer_shutdown(s), 0);
	ASSERT_EQ(vsock_shutdown(&f.a.p, c, VSOCK_SHUTDOWN_SEND), VSOCK_OK);
	fx_pump(&f);
	ASSERT_EQ(vsock_conn_peer_shutdown(s), VSOCK_SHUTDOWN_SEND);
	ASSERT_EQ(vsock_send(&f.b.p, s, "abc", 3), 3);
	fx_pump(&f);
	ASSERT_EQ(vsock_conn_next_len(c), 3);
}

TEST(set_backlog_and_pending_on_listeners_only)
{
	struct vsock_conn *c = NULL, *c2 = NULL, *s = NULL, *l = NULL;

	fx_init(&f, 4096);
	fx_connect(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsock_set_backlog(s, 4), VSOCK_EINVAL);
	ASSERT_EQ(vsock_set_backlog(l, 0), VSOCK_EINVAL);
	ASSERT_EQ(vsock_conn_pending(s), 0);
	ASSERT_EQ(vsock_conn_pending(l), 0);
	/* Backlog 1: one waiting child, the next REQUEST is reset. */
	ASSERT_EQ(vsock_set_backlog(l, 1), VSOCK_OK);
	ASSERT_EQ(vsock_connect(&f.a.p, 0, FX_CID_B, 1024, VSOCK_TYPE_STREAM,
				f.now, &c),
		  VSOCK_OK);
	ASSERT_EQ(vsock_connect(&f.a.p, 0, FX_CID_B, 1024, VSOCK_TYPE_STREAM,
				f.now, &c2),
		  VSOCK_OK);
	fx_pump(&f);
	ASSERT_EQ(vsock_conn_pending(l), 1);
	ASSERT_EQ(vsock_conn_state(c), VSOCK_ST_ESTABLISHED);
	ASSERT_EQ(vsock_conn_error(c2), VSOCK_ECONNRESET);
}

/* ---- ops->tx_room: a transport queue of bounded length ----------------- */

static uint32_t room_cap; /* packets A's out queue may hold */
static const struct vsock_conn *room_conn; /* last connection asked about */
static uint32_t room_calls;

static uint32_t room_fn(void *ctx, const struct vsock_conn *c)
{
	struct fx_side *s = ctx;

	room_conn = c;
	room_calls++;
	return room_cap > s->q_count ? room_cap - s->q_count : 0;
}

static const struct vsock_proto_ops room_ops = {
	.send_pkt = fx_send_pkt,
	.notify = fx_notify,
	.tx_room = room_fn,
};

/* A connected pair whose client side A has a bounded transport queue. */
static void room_pair(uint16_t type, struct vsock_conn **c,
		      struct vsock_conn **s)
{
	struct vsock_conn *l = NULL;

	fx_init(&f, 8192);
	fx_connect(&f, type, c, s, &l);
	f.a.p.ops = &room_ops;
	room_calls = 0;
}

TEST(stream_send_stops_where_the_transport_room_ends)
{
	static uint8_t buf[5000];
	struct vsock_conn *c = NULL, *s = NULL;

	room_pair(VSOCK_TYPE_STREAM, &c, &s);
	room_cap = 2;
	/* Two packets of FX_PKT_MAX go, the rest waits: no credit asked. */
	ASSERT_EQ(vsock_send(&f.a.p, c, buf, sizeof(buf)), 2 * FX_PKT_MAX);
	ASSERT_TRUE(room_conn == c);
	ASSERT_EQ(f.a.sent_ops[VSOCK_OP_RW], 2);
	ASSERT_EQ(f.a.sent_ops[VSOCK_OP_CREDIT_REQUEST], 0);
	ASSERT_FALSE(c->want_writable);
	/* Nothing fits: EAGAIN, no packet. */
	ASSERT_EQ(vsock_send(&f.a.p, c, buf, sizeof(buf)), VSOCK_EAGAIN);
	ASSERT_EQ(f.a.sent_ops[VSOCK_OP_RW], 2);
	/* The transport drained: the rest goes. */
	fx_pump(&f);
	room_cap = 100;
	ASSERT_EQ(vsock_send(&f.a.p, c, buf, sizeof(buf) - 2 * FX_PKT_MAX),
		  (int)sizeof(buf) - 2 * FX_PKT_MAX);
	fx_pump(&f);
	ASSERT_EQ(vsock_conn_rx_avail(s), sizeof(buf));
	ASSERT_EQ(f.a.p.stats.tx_errors, 0);
}

TEST(stream_send_without_credit_asks_for_it_before_looking_at_room)
{
	static uint8_t buf[9000];
	struct vsock_conn *c = NULL, *s = NULL;

	room_pair(VSOCK_TYPE_STREAM, &c, &s);
	room_cap = 100;
	/* 8192 bytes of credit, then the credit path as always. */
	ASSERT_EQ(vsock_send(&f.a.p, c, buf, sizeof(buf)), 8192);
	ASSERT_EQ(f.a.sent_ops[VSOCK_OP_CREDIT_REQUEST], 1);
	ASSERT_TRUE(c->want_writable);
}

TEST(seqpacket_message_waits_whole_until_the_room_holds_it)
{
	static uint8_t msg[3 * FX_PKT_MAX - 1];
	struct vsock_conn *c = NULL, *s = NULL;
	uint32_t fl = 0;

	room_pair(VSOCK_TYPE_SEQPACKET, &c, &s);
	memset(msg, 'q', sizeof(msg));
	room_cap = 2;
	/* Three packets needed, two free: nothing is sent. */
	ASSERT_EQ(vsock_send(&f.a.p, c, msg, sizeof(msg)), VSOCK_EAGAIN);
	ASSERT_EQ(f.a.sent_ops[VSOCK_OP_RW], 0);
	ASSERT_EQ(f.a.sent_ops[VSOCK_OP_CREDIT_REQUEST], 0);
	ASSERT_EQ(vsock_conn_state(c), VSOCK_ST_ESTABLISHED);
	room_cap = 3;
	ASSERT_EQ(vsock_send(&f.a.p, c, msg, sizeof(msg)), (int)sizeof(msg));
	ASSERT_EQ(f.a.sent_ops[VSOCK_OP_RW], 3);
	fx_pump(&f);
	ASSERT_EQ(vsock_recv(&f.b.p, s, msg, sizeof(msg), &fl),
		  (int)sizeof(msg));
	ASSERT_EQ(fl, VSOCK_MSG_EOR);
}

TEST(seqpacket_empty_message_needs_one_packet_of_room)
{
	struct vsock_conn *c = NULL, *s = NULL;

	room_pair(VSOCK_TYPE_SEQPACKET, &c, &s);
	room_cap = 0;
	ASSERT_EQ(vsock_send(&f.a.p, c, "", 0), VSOCK_EAGAIN);
	ASSERT_EQ(room_calls, 1);
	room_cap = 1;
	ASSERT_EQ(vsock_send(&f.a.p, c, "", 0), 0);
	ASSERT_EQ(f.a.sent_ops[VSOCK_OP_RW], 1);
}

TEST(control_packets_ignore_the_transport_room)
{
	struct vsock_conn *c = NULL, *s = NULL;

	room_pair(VSOCK_TYPE_STREAM, &c, &s);
	room_cap = 0;
	/* Only RW is held back: SHUTDOWN and the shmem op are not data. */
	ASSERT_EQ(vsock_shutdown(&f.a.p, c, VSOCK_SHUTDOWN_SEND), VSOCK_OK);
	ASSERT_EQ(f.a.sent_ops[VSOCK_OP_SHUTDOWN], 1);
	ASSERT_EQ(room_calls, 0);
}
