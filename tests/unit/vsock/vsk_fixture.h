/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Two socket stacks back to back in one process: A (CID 3, the guest) and
 * B (CID 2, the host). Each stack's send_pkt copies the packet into its
 * out queue; each stack's wait op is a single-threaded pump: it runs the
 * test's on_wait hook (the "other application"), delivers the queued
 * packets of both directions until quiet and, when nothing moved, advances
 * the fake clock by the whole timeout. So blocking calls work in-process
 * and timeouts expire exactly, with no real sleeping. A wait with no
 * timeout and nothing to deliver would block forever: that fails the test.
 */
#ifndef TZS_VSK_FIXTURE_H
#define TZS_VSK_FIXTURE_H

#include <tzshare/vsock_socket.h>

#include "test.h"

#define SF_CID_A 3u
#define SF_CID_B 2u
#define SF_SOCKS 80u
#define SF_CONNS 160u
#define SF_QCAP 8192u
#define SF_PKT_MAX 1024u /* max_pkt_len of both stacks */
#define SF_RX_MAX 8192u /* largest rx_len per connection */

struct sf_qpkt {
	struct vsock_pkt h;
	uint8_t data[SF_PKT_MAX];
};

struct sf;

struct sf_side {
	struct sf *f;
	struct vsk_stack st;
	struct vsk_sock socks[SF_SOCKS];
	struct vsock_conn conns[SF_CONNS];
	struct sf_qpkt *q; /* SF_QCAP ring of emitted packets */
	uint32_t q_head, q_count;
	bool deaf; /* packets to this side are lost */
	int wait_rc; /* the wait op returns this when nonzero */
	uint32_t waits; /* wait op calls */
	int last_timeout; /* its last timeout_ms */
	uint32_t wakes;
	uint32_t sent_ops[9];
	uint32_t shmem_calls;
	int shmem_sd;
	struct vsock_shmem shmem_last;
};

struct sf {
	struct sf_side a, b;
	uint64_t now;
	/* Runs at the start of every wait: the peer application's turn. */
	void (*on_wait)(struct sf *f, struct sf_side *waiter);
	void *arg;
};

static inline int sf_send_pkt(void *ctx, const struct vsock_pkt *pkt)
{
	struct sf_side *s = ctx;
	struct sf_qpkt *e = NULL;

	ASSERT_TRUE(s->q_count < SF_QCAP);
	ASSERT_TRUE(pkt->len <= SF_PKT_MAX);
	e = &s->q[(s->q_head + s->q_count) % SF_QCAP];
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

static inline bool sf_pop(struct sf_side *s, struct sf_qpkt *out)
{
	if (!s->q_count) {
		return false;
	}
	*out = s->q[s->q_head];
	out->h.payload = out->data;
	s->q_head = (s->q_head + 1) % SF_QCAP;
	s->q_count--;
	return true;
}

/* Deliver until quiet; the number of packets moved (lost ones too). */
static inline uint32_t sf_pump(struct sf *f)
{
	static struct sf_qpkt e;
	uint32_t n = 0;

	while (f->a.q_count || f->b.q_count) {
		if (sf_pop(&f->a, &e)) {
			if (!f->b.deaf) {
				vsk_stack_rx(&f->b.st, &e.h);
			}
			n++;
		}
		if (sf_pop(&f->b, &e)) {
			if (!f->a.deaf) {
				vsk_stack_rx(&f->a.st, &e.h);
			}
			n++;
		}
		ASSERT_TRUE(n < 100000000u);
	}
	return n;
}

static inline int sf_wait(void *ctx, int timeout_ms)
{
	struct sf_side *s = ctx;
	struct sf *f = s->f;
	uint32_t wakes = f->a.wakes + f->b.wakes;

	s->waits++;
	s->last_timeout = timeout_ms;
	if (s->wait_rc) {
		return s->wait_rc;
	}
	if (f->on_wait) {
		f->on_wait(f, s);
	}
	/* Packets moved, or a local call woke the waiters. */
	if (sf_pump(f) || f->a.wakes + f->b.wakes != wakes) {
		return 0;
	}
	if (timeout_ms < 0) {
		test_fail(__FILE__, __LINE__,
			  "wait without timeout would hang");
	}
	f->now += (uint64_t)timeout_ms;
	return 0;
}

static inline uint64_t sf_now(void *ctx)
{
	struct sf_side *s = ctx;

	return s->f->now;
}

static inline void sf_wake(void *ctx)
{
	struct sf_side *s = ctx;

	s->wakes++;
}

static inline void sf_shmem(void *ctx, int sd, const struct vsock_shmem *m)
{
	struct sf_side *s = ctx;

	s->shmem_calls++;
	s->shmem_sd = sd;
	s->shmem_last = *m;
}

static const struct vsk_ops sf_ops = {
	.send_pkt = sf_send_pkt,
	.wait = sf_wait,
	.now_ms = sf_now,
	.wake = sf_wake,
	.shmem = sf_shmem,
};

/* A stack that cannot block (a secure partition service). */
static const struct vsk_ops sf_ops_nowait = {
	.send_pkt = sf_send_pkt,
	.now_ms = sf_now,
};

/* Static storage: each case runs in its own process. */
static uint8_t sf_rx_mem[2][SF_CONNS * SF_RX_MAX];
static struct sf_qpkt sf_queue[2][SF_QCAP];

static inline void sf_side_init(struct sf *f, struct sf_side *s, int i,
				uint64_t cid, uint32_t rx_len,
				const struct vsk_ops *ops)
{
	memset(s, 0, sizeof(*s));
	s->f = f;
	s->q = sf_queue[i];
	s->shmem_sd = -1;
	ASSERT_TRUE(rx_len <= SF_RX_MAX);
	ASSERT_EQ(vsk_stack_init(&s->st, cid, ops, s, s->socks, SF_SOCKS,
				 s->conns, SF_CONNS, sf_rx_mem[i], rx_len),
		  0);
	s->st.proto->max_pkt_len = SF_PKT_MAX;
}

/* Both stacks with @rx_len bytes of receive buffer per connection. */
static inline void sf_init(struct sf *f, uint32_t rx_len)
{
	memset(f, 0, sizeof(*f));
	f->now = 1000;
	sf_side_init(f, &f->a, 0, SF_CID_A, rx_len, &sf_ops);
	sf_side_init(f, &f->b, 1, SF_CID_B, rx_len, &sf_ops);
}

/* A listening socket of @type on B's @port. */
static inline int sf_listen(struct sf *f, int type, uint32_t port)
{
	int l = vsk_socket(&f->b.st, type, 0);

	ASSERT_TRUE(l >= 0);
	ASSERT_EQ(vsk_bind(&f->b.st, l, VSK_CID_ANY, port), 0);
	ASSERT_EQ(vsk_listen(&f->b.st, l, 8), 0);
	return l;
}

/* A connects (blocking) to a new B listener on 1024; B accepts. */
static inline void sf_pair(struct sf *f, int type, int *client, int *server,
			   int *listener)
{
	*listener = sf_listen(f, type, 1024);
	*client = vsk_socket(&f->a.st, type, 0);
	ASSERT_TRUE(*client >= 0);
	ASSERT_EQ(vsk_connect(&f->a.st, *client, SF_CID_B, 1024), 0);
	*server = vsk_accept(&f->b.st, *listener, 0, NULL, NULL);
	ASSERT_TRUE(*server >= 0);
}

/* Every proto slot of @s is free (nothing stuck). */
static inline bool sf_all_free(const struct sf_side *s)
{
	uint32_t i = 0;

	for (i = 0; i < SF_CONNS; i++) {
		if (vsock_conn_state(&s->conns[i]) != VSOCK_ST_FREE) {
			return false;
		}
	}
	return true;
}

#endif /* TZS_VSK_FIXTURE_H */
