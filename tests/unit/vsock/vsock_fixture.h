/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Two vsock_proto endpoints wired back to back in-process: A (CID 3, the
 * guest) and B (CID 2, the host). Each side's send_pkt copies the packet
 * into its out queue; fx_pump() delivers queued packets to the other side
 * until both queues are empty. Tests can instead pop and inspect packets,
 * drop them, or inject hand-made ones.
 */
#ifndef TZS_VSOCK_FIXTURE_H
#define TZS_VSOCK_FIXTURE_H

#include <tzshare/vsock_conn.h>

#include "test.h"

#define FX_CID_A 3u
#define FX_CID_B 2u
#define FX_CONNS 72u
#define FX_QCAP 8192u
#define FX_PKT_MAX 1024u /* max_pkt_len used by both sides */
#define FX_RX_MAX 8192u /* largest rx_len per connection */

struct fx_qpkt {
	struct vsock_pkt h;
	uint8_t data[FX_PKT_MAX];
};

struct fx_side {
	struct vsock_proto p;
	struct vsock_conn conns[FX_CONNS];
	uint8_t *rx_mem;
	struct fx_qpkt *q; /* FX_QCAP ring of emitted packets */
	uint32_t q_head, q_count;
	int refuse; /* send_pkt returns this when nonzero */
	uint32_t sent_ops[9]; /* packets emitted per op */
	uint32_t events[8]; /* notifications per enum vsock_event */
	struct vsock_conn *last_ev_conn;
};

struct fx {
	struct fx_side a, b;
	uint64_t now;
};

static inline int fx_send_pkt(void *ctx, const struct vsock_pkt *pkt)
{
	struct fx_side *s = ctx;
	struct fx_qpkt *e = NULL;

	if (s->refuse) {
		return s->refuse;
	}
	ASSERT_TRUE(s->q_count < FX_QCAP);
	ASSERT_TRUE(pkt->len <= FX_PKT_MAX);
	ASSERT_EQ(pkt->len, pkt->payload_len);
	e = &s->q[(s->q_head + s->q_count) % FX_QCAP];
	e->h = *pkt;
	if (pkt->len) {
		memcpy(e->data, pkt->payload, pkt->len);
	}
	e->h.payload = e->data;
	s->q_count++;
	if (pkt->op < 9) {
		s->sent_ops[pkt->op]++;
	}
	return 0;
}

static inline void fx_notify(void *ctx, struct vsock_conn *c,
			     enum vsock_event ev)
{
	struct fx_side *s = ctx;

	ASSERT_TRUE((unsigned int)ev < 8);
	s->events[ev]++;
	s->last_ev_conn = c;
}

static const struct vsock_proto_ops fx_ops = {
	.send_pkt = fx_send_pkt,
	.notify = fx_notify,
};

/* Static storage: each case runs in its own process, nothing to free. */
static uint8_t fx_rx_mem[2][FX_CONNS * FX_RX_MAX];
static struct fx_qpkt fx_queue[2][FX_QCAP];

static inline void fx_side_init(struct fx_side *s, int i, uint64_t cid,
				uint32_t rx_len)
{
	memset(s, 0, sizeof(*s));
	ASSERT_TRUE(rx_len <= FX_RX_MAX);
	s->rx_mem = fx_rx_mem[i];
	s->q = fx_queue[i];
	ASSERT_EQ(vsock_proto_init(&s->p, cid, &fx_ops, s, s->conns, FX_CONNS,
				   s->rx_mem, rx_len),
		  VSOCK_OK);
	s->p.max_pkt_len = FX_PKT_MAX;
}

/* Both sides with @rx_len bytes of receive buffer per connection. */
static inline void fx_init(struct fx *f, uint32_t rx_len)
{
	memset(f, 0, sizeof(*f));
	f->now = 1000;
	fx_side_init(&f->a, 0, FX_CID_A, rx_len);
	fx_side_init(&f->b, 1, FX_CID_B, rx_len);
}

/* Take the oldest packet @s emitted; false when none. */
static inline bool fx_pop(struct fx_side *s, struct fx_qpkt *out)
{
	if (!s->q_count) {
		return false;
	}
	*out = s->q[s->q_head];
	out->h.payload = out->data;
	s->q_head = (s->q_head + 1) % FX_QCAP;
	s->q_count--;
	return true;
}

static inline void fx_drop_all(struct fx_side *s)
{
	s->q_head = 0;
	s->q_count = 0;
}

/* Deliver until quiet; returns the number of packets delivered. */
static inline uint32_t fx_pump(struct fx *f)
{
	static struct fx_qpkt e;
	uint32_t n = 0;

	while (f->a.q_count || f->b.q_count) {
		if (fx_pop(&f->a, &e)) {
			vsock_proto_rx(&f->b.p, &e.h, f->now);
			n++;
		}
		if (fx_pop(&f->b, &e)) {
			vsock_proto_rx(&f->a.p, &e.h, f->now);
			n++;
		}
		ASSERT_TRUE(n < 10000000u);
	}
	return n;
}

/* A hand-made packet from @from to @to with sane credit fields. */
static inline struct vsock_pkt fx_pkt(uint64_t from, uint32_t sport,
				      uint64_t to, uint32_t dport,
				      uint16_t type, uint16_t op)
{
	struct vsock_pkt p = {
		.src_cid = from,
		.dst_cid = to,
		.src_port = sport,
		.dst_port = dport,
		.type = type,
		.op = op,
		.buf_alloc = 4096,
	};

	return p;
}

/* A connects from @port to B's listener on 1024 (@type); both returned. */
static inline void fx_connect(struct fx *f, uint16_t type,
			      struct vsock_conn **client,
			      struct vsock_conn **server,
			      struct vsock_conn **listener)
{
	ASSERT_EQ(vsock_listen(&f->b.p, 1024, type, 8, listener), VSOCK_OK);
	ASSERT_EQ(
		vsock_connect(&f->a.p, 0, FX_CID_B, 1024, type, f->now, client),
		VSOCK_OK);
	fx_pump(f);
	ASSERT_EQ(vsock_conn_state(*client), VSOCK_ST_ESTABLISHED);
	ASSERT_EQ(vsock_accept(&f->b.p, *listener, server), VSOCK_OK);
	ASSERT_EQ(vsock_conn_state(*server), VSOCK_ST_ESTABLISHED);
}

#endif /* TZS_VSOCK_FIXTURE_H */
