// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target for the portable vsock socket layer (core/vsock/
 * socket*.c on the proto). One stack, CID 3, four sockets and small
 * receive buffers; its peer is the fuzzer. The input is a script: a config
 * byte (wait op or not, max packet length, shmem replies), then steps, each
 * chosen by one byte: deliver a packet built from the next bytes (any op,
 * type, flags, credit, ports, sometimes the wrong CID; addressed to a tuple
 * from small sets or as the reply to one the stack used lately), a socket
 * call with arguments from the next bytes, advance the fake clock and
 * tick, transport reset, or let send_pkt fail for a while. The wait op,
 * when present, runs the next script step if that delivers a packet (the
 * peer answers while the caller blocks), else advances the clock by the
 * whole timeout; with no timeout it returns VSK_ECONNRESET (device gone).
 *
 * Oracles (abort): sanitizers; every return >= 0 or a documented VSK_E*;
 * calls on a descriptor that is not open are VSK_EBADF and poll_mask says
 * VSK_POLLNVAL; bytes received on a connection never exceed the RW payload
 * the fuzzer sent on it; a send's RW packets add up to what it returns;
 * every emitted packet survives the header codec round trip, comes from
 * CID 3, has a payload its op allows, is no RST in reply to an RST, and RW
 * stays within the credit the fuzzer advertised on that connection; once
 * everything is closed and the close timeout passed, every slot is free.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tzshare/lib.h>
#include <tzshare/vsock_socket.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

#define CID 3u
#define SOCKS 4u
#define CONNS 8u
#define RX_LEN 512u
#define TUPLES 2048u
#define RECENT 4u
#define MAX_WAITS 100000u

/* What the fuzzer knows about one connection tuple in its current epoch. */
struct tuple {
	uint16_t type;
	uint32_t lport;
	uint64_t pcid;
	uint32_t pport;
	uint64_t tx; /* RW bytes the stack sent */
	uint64_t limit; /* largest fwd_cnt + buf_alloc the fuzzer offered */
	uint64_t rx_sent; /* RW payload bytes the fuzzer delivered */
	uint64_t rx_got; /* bytes recv() handed out */
};

struct fz {
	const uint8_t *in;
	size_t left;
	struct vsk_stack st;
	struct vsk_sock socks[SOCKS];
	struct vsock_conn conns[CONNS];
	uint8_t rx_mem[CONNS * RX_LEN];
	bool open[SOCKS];
	uint64_t now;
	bool feed_in_wait;
	bool shmem_reply;
	bool tx_fail;
	uint32_t max_pkt;
	uint32_t waits; /* in the current call */
	uint32_t rst_depth; /* delivering an RST */
	uint64_t call_rw; /* RW bytes emitted during the current call */
	struct tuple t[TUPLES];
	uint32_t nt;
	struct vsock_pkt recent[RECENT]; /* tuples the stack sent on */
	uint32_t nrecent;
};

static struct fz f;
static uint8_t pat[2048];

/* Which oracle fired, for the crash report. */
#define fail() fail_at(__LINE__)

static void fail_at(int line)
{
	fprintf(stderr, "fuzz_vsock_sock: oracle at line %d\n", line);
	abort();
}

static uint8_t u8(void)
{
	uint8_t v = 0;

	if (f.left) {
		v = *f.in++;
		f.left--;
	}
	return v;
}

static uint32_t u32(void)
{
	uint32_t v = u8();

	v |= (uint32_t)u8() << 8;
	v |= (uint32_t)u8() << 16;
	return v | (uint32_t)u8() << 24;
}

static struct tuple *tuple_get(uint16_t type, uint32_t lport, uint64_t pcid,
			       uint32_t pport)
{
	struct tuple *t = NULL;
	uint32_t i = 0;

	for (i = 0; i < f.nt; i++) {
		t = &f.t[i];
		if (t->type == type && t->lport == lport && t->pcid == pcid &&
		    t->pport == pport) {
			return t;
		}
	}
	if (f.nt == TUPLES) {
		return NULL;
	}
	t = &f.t[f.nt++];
	memset(t, 0, sizeof(*t));
	t->type = type;
	t->lport = lport;
	t->pcid = pcid;
	t->pport = pport;
	return t;
}

static bool documented(int rc)
{
	static const int errs[] = {
		VSK_EBADF,	 VSK_EAGAIN,	      VSK_EINVAL,
		VSK_EMFILE,	 VSK_EPIPE,	      VSK_EDOM,
		VSK_ERANGE,	 VSK_EPROTO,	      VSK_EMSGSIZE,
		VSK_ENOPROTOOPT, VSK_ESOCKTNOSUPPORT, VSK_EOPNOTSUPP,
		VSK_EADDRINUSE,	 VSK_EADDRNOTAVAIL,   VSK_ECONNRESET,
		VSK_ENOBUFS,	 VSK_EISCONN,	      VSK_ENOTCONN,
		VSK_ETIMEDOUT,	 VSK_EALREADY,	      VSK_EINPROGRESS,
	};
	uint32_t i = 0;

	if (rc >= 0) {
		return true;
	}
	for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		if (rc == errs[i]) {
			return true;
		}
	}
	return false;
}

static bool is_open(int sd)
{
	return sd >= 0 && sd < (int)SOCKS && f.open[sd];
}

/* A call on @sd returned @rc: documented, and VSK_EBADF iff not open. */
static void check_rc(int sd, int rc)
{
	if (!documented(rc)) {
		fail();
	}
	if (!is_open(sd) && rc != VSK_EBADF) {
		fail();
	}
	if (is_open(sd) && rc == VSK_EBADF) {
		fail();
	}
}

/* A new descriptor from socket() or accept(). */
static void opened(int rc)
{
	if (!documented(rc)) {
		fail();
	}
	if (rc < 0) {
		return;
	}
	if (rc >= (int)SOCKS || f.open[rc]) {
		fail();
	}
	f.open[rc] = true;
}

static bool hdr_eq(const struct vsock_hdr *a, const struct vsock_hdr *b)
{
	return a->src_cid == b->src_cid && a->dst_cid == b->dst_cid &&
	       a->src_port == b->src_port && a->dst_port == b->dst_port &&
	       a->len == b->len && a->type == b->type && a->op == b->op &&
	       a->flags == b->flags && a->buf_alloc == b->buf_alloc &&
	       a->fwd_cnt == b->fwd_cnt;
}

static void check_hdr(const struct vsock_pkt *p)
{
	struct vsock_hdr h = {
		.src_cid = p->src_cid,
		.dst_cid = p->dst_cid,
		.src_port = p->src_port,
		.dst_port = p->dst_port,
		.len = p->len,
		.type = p->type,
		.op = p->op,
		.flags = p->flags,
		.buf_alloc = p->buf_alloc,
		.fwd_cnt = p->fwd_cnt,
	};
	struct vsock_hdr d;
	uint8_t b[VSOCK_HDR_SIZE];

	if (vsock_hdr_encode(&h, b, sizeof(b)) != VSOCK_HDR_SIZE ||
	    vsock_hdr_decode(b, sizeof(b), &d, NULL) != VSOCK_OK ||
	    !hdr_eq(&h, &d)) {
		fail();
	}
}

static void check_payload(const struct vsock_pkt *p)
{
	struct vsock_shmem m;

	if (p->payload_len != p->len || (p->len && !p->payload)) {
		fail();
	}
	switch (p->op) {
	case VSOCK_OP_RW:
		if (p->len > f.max_pkt ||
		    (!p->len && p->type != VSOCK_TYPE_SEQPACKET)) {
			fail();
		}
		return;
	case VSOCK_OP_SHMEM:
		if (vsock_shmem_decode(p->payload, p->len, &m, NULL)) {
			fail();
		}
		return;
	default:
		if (p->len) {
			fail();
		}
		return;
	}
}

/* Credit: the stack may only send what some offer of the fuzzer covers. */
static void account(const struct vsock_pkt *p)
{
	struct tuple *t =
		tuple_get(p->type, p->src_port, p->dst_cid, p->dst_port);

	if (!t) {
		return;
	}
	if (p->op == VSOCK_OP_REQUEST || p->op == VSOCK_OP_RESPONSE) {
		/* A new connection on this tuple: a new epoch. */
		t->tx = t->limit = t->rx_sent = t->rx_got = 0;
		return;
	}
	if (p->op != VSOCK_OP_RW) {
		return;
	}
	if (t->tx + p->len > t->limit) {
		fail();
	}
	t->tx += p->len;
	f.call_rw += p->len;
}

static int f_send_pkt(void *ctx, const struct vsock_pkt *p)
{
	(void)ctx;
	check_hdr(p);
	check_payload(p);
	if (p->src_cid != CID || (p->op == VSOCK_OP_RST && f.rst_depth)) {
		fail();
	}
	if (p->op != VSOCK_OP_RST && p->type != VSOCK_TYPE_STREAM &&
	    p->type != VSOCK_TYPE_SEQPACKET) {
		fail();
	}
	if (f.tx_fail) {
		return VSK_ENOBUFS;
	}
	account(p);
	f.recent[f.nrecent++ % RECENT] = *p;
	return 0;
}

static uint64_t f_now(void *ctx)
{
	(void)ctx;
	return f.now;
}

static void deliver(void);

static int f_wait(void *ctx, int timeout_ms)
{
	(void)ctx;
	if (++f.waits > MAX_WAITS) {
		fail(); /* a blocking call that never ends */
	}
	if (f.feed_in_wait && f.left && f.in[0] % 16u < 5u) {
		u8();
		deliver();
		return 0;
	}
	if (timeout_ms < 0) {
		return VSK_ECONNRESET;
	}
	f.now += (uint64_t)timeout_ms;
	return 0;
}

static void f_shmem(void *ctx, int sd, const struct vsock_shmem *m)
{
	struct vsock_shmem r = *m;

	(void)ctx;
	if (!is_open(sd) || m->subop > VSOCK_SHMEM_SUBOP_MAX ||
	    m->type != VSOCK_SHMEM_TYPE_FFA || m->kind > VSOCK_SHMEM_KIND_MAX) {
		fail();
	}
	if (f.shmem_reply) {
		r.subop = m->subop == VSOCK_SHMEM_OFFER ?
				  VSOCK_SHMEM_OFFER_REJECT :
				  VSOCK_SHMEM_REVOKE_DONE;
		if (!documented(vsk_send_shmem(&f.st, sd, &r))) {
			fail();
		}
	}
}

static const struct vsk_ops ops_wait = {
	.send_pkt = f_send_pkt,
	.wait = f_wait,
	.now_ms = f_now,
	.shmem = f_shmem,
};

static const struct vsk_ops ops_nowait = {
	.send_pkt = f_send_pkt,
	.now_ms = f_now,
	.shmem = f_shmem,
};

/* OP_SHMEM payload from 8 bytes: valid unless the last says garbage. */
static uint32_t shmem_payload(uint8_t *pl)
{
	uint8_t b[8];
	struct vsock_shmem m;
	uint32_t i = 0;

	for (i = 0; i < sizeof(b); i++) {
		b[i] = u8();
	}
	m = (struct vsock_shmem){
		.subop = b[0] & 3u,
		.type = VSOCK_SHMEM_TYPE_FFA,
		.kind = (b[0] >> 2) % 3u,
		.flags = (b[0] >> 4) & 3u,
		.offer_id = b[1],
		.bus_addr = (uint64_t)le16_get(b + 2) << 12,
		.size = le16_get(b + 4),
		.ffa_handle = b[6],
		.ffa_tag = b[7] >> 1,
	};
	if (vsock_shmem_encode(&m, pl, VSOCK_SHMEM_SIZE) != VSOCK_SHMEM_SIZE) {
		fail();
	}
	if (b[7] & 1u) {
		pl[b[6] % VSOCK_SHMEM_SIZE] ^= b[5] | 1u;
	}
	return VSOCK_SHMEM_SIZE;
}

static void pkt_addr(struct vsock_pkt *p, uint8_t a, uint8_t o)
{
	static const uint64_t cids[4] = { 2, 2, 7, 2 | 1ull << 32 };
	static const uint32_t sports[4] = { 1024, 1025, 5, 49152 };
	static const uint32_t dports[4] = { 1024, 1025, 49152, 49153 };
	static const uint64_t bad_cids[4] = { 2, 3 | 1ull << 32, 0xffffffffu,
					      0 };
	const struct vsock_pkt *r = &f.recent[(a >> 2) % RECENT];

	if ((a & 3u) == 0 && f.nrecent) {
		p->src_cid = r->dst_cid;
		p->src_port = r->dst_port;
		p->dst_port = r->src_port;
		p->type = r->type;
	} else {
		p->src_cid = cids[(a >> 2) & 3u];
		p->src_port = sports[(a >> 4) & 3u];
		p->dst_port = dports[(a >> 6) & 3u];
		p->type = (o >> 4) & 1u ? VSOCK_TYPE_SEQPACKET :
					  VSOCK_TYPE_STREAM;
	}
	p->dst_cid = CID;
	if ((o >> 4) == 14) {
		p->type =
			(uint16_t)(o & 7u) * 3u; /* 0, 3, 6, ...: none valid */
	} else if ((o >> 4) == 15) {
		p->dst_cid = bad_cids[o & 3u];
	}
}

static void pkt_credit(struct vsock_pkt *p, const struct tuple *t, uint8_t c)
{
	static const uint32_t allocs[7] = { 512, 65536, 0,	    1,
					    16,	 256,	0xffffffffu };
	uint32_t tx = t ? (uint32_t)t->tx : 0;

	p->buf_alloc = (c & 7u) < 7u ? allocs[c & 7u] : u32();
	switch ((c >> 3) & 3u) {
	case 0:
		p->fwd_cnt = tx;
		break;
	case 1:
		p->fwd_cnt = 0;
		break;
	case 2:
		p->fwd_cnt = tx - (c >> 5);
		break;
	default:
		p->fwd_cnt = u32();
		break;
	}
}

static uint32_t pkt_payload(struct vsock_pkt *p, uint8_t l, uint8_t *pl)
{
	switch (p->op) {
	case VSOCK_OP_SHMEM:
		if (l & 1u) {
			p->payload = pl;
			return shmem_payload(pl);
		}
		return l >> 1;
	case VSOCK_OP_RW:
		return (l & 0x80u) ? (l & 0x7fu) * 8u : l & 0x7fu;
	default:
		return l == 0xff ? 4u : 0u;
	}
}

/* A packet from the fuzzer; the tracked tuple learns its credit and data. */
static void deliver(void)
{
	uint8_t a = u8(), o = u8(), fl = u8(), c = u8(), l = u8();
	uint8_t pl[VSOCK_SHMEM_SIZE];
	struct vsock_pkt p = { .payload = pat };
	struct tuple *t = NULL;
	bool ours = false;

	pkt_addr(&p, a, o);
	p.op = o % 10u < 9u ? o % 10u : 0x42u;
	p.flags = (fl & 0x80u) ? u32() : fl & 7u;
	ours = p.dst_cid == CID &&
	       (p.type == VSOCK_TYPE_STREAM || p.type == VSOCK_TYPE_SEQPACKET);
	if (ours) {
		t = tuple_get(p.type, p.dst_port, p.src_cid, p.src_port);
	}
	pkt_credit(&p, t, c);
	p.len = pkt_payload(&p, l, pl);
	p.payload_len = p.len;
	if (p.op == VSOCK_OP_RST) {
		f.rst_depth++;
	}
	vsk_stack_rx(&f.st, &p);
	if (p.op == VSOCK_OP_RST) {
		f.rst_depth--;
	}
	if (!t) {
		return;
	}
	/* After rx: a RESPONSE it caused started a new epoch. */
	if (p.fwd_cnt <= t->tx) {
		uint64_t lim = (uint64_t)p.fwd_cnt + p.buf_alloc;

		if (lim > t->limit) {
			t->limit = lim;
		}
	}
	if (p.op == VSOCK_OP_RW) {
		t->rx_sent += p.len;
	}
}

static int pick_sd(void)
{
	return (int)(u8() % (SOCKS + 2u)) - 1;
}

/* The tuple behind @sd's connection, NULL if none. */
static struct tuple *sd_tuple(int sd)
{
	struct vsock_conn *c = vsk_conn(&f.st, sd);
	uint32_t len = sizeof(int);
	int type = 0;

	if (!c || vsk_getsockopt(&f.st, sd, VSK_SOL_SOCKET, VSK_SO_TYPE, &type,
				 &len)) {
		return NULL;
	}
	return tuple_get((uint16_t)type, vsock_conn_local_port(c),
			 vsock_conn_peer_cid(c), vsock_conn_peer_port(c));
}

static void do_socket(void)
{
	static const int types[4] = { VSOCK_TYPE_STREAM, VSOCK_TYPE_SEQPACKET,
				      0, 3 };
	uint8_t b = u8();
	int flags = (b & 4u) ? VSK_NONBLOCK : 0;

	if (b & 8u) {
		flags |= 1;
	}
	opened(vsk_socket(&f.st, types[b & 3u], flags));
}

static void do_bind(void)
{
	static const uint32_t cids[4] = { VSK_CID_ANY, CID, 2, VSK_CID_ANY };
	static const uint32_t ports[4] = { 1024, 1025, 49152, VSK_PORT_ANY };
	int sd = pick_sd();
	uint8_t b = u8();

	check_rc(sd, vsk_bind(&f.st, sd, cids[b & 3u], ports[(b >> 2) & 3u]));
}

static void do_listen(void)
{
	static const int backlogs[4] = { -1, 0, 1, 100 };
	int sd = pick_sd();

	check_rc(sd, vsk_listen(&f.st, sd, backlogs[u8() & 3u]));
}

static void do_connect(void)
{
	static const uint32_t cids[4] = { 2, 2, VSK_CID_ANY, 7 };
	static const uint32_t ports[4] = { 1024, 1025, 5, VSK_PORT_ANY };
	int sd = pick_sd();
	uint8_t b = u8();

	check_rc(sd,
		 vsk_connect(&f.st, sd, cids[b & 3u], ports[(b >> 2) & 3u]));
}

static void do_accept(void)
{
	static const int flags[4] = { 0, VSK_NONBLOCK, 0, 3 };
	int sd = pick_sd();
	uint32_t cid = 0, port = 0;
	int rc = vsk_accept(&f.st, sd, flags[u8() & 3u], &cid, &port);

	if (rc >= 0) {
		check_rc(sd, 0);
		opened(rc);
	} else {
		check_rc(sd, rc);
	}
}

static int msg_flags(uint8_t b)
{
	static const int bits[6] = { VSK_MSG_DONTWAIT, VSK_MSG_EOR,
				     VSK_MSG_NOSIGNAL, VSK_MSG_OOB,
				     VSK_MSG_WAITALL,  VSK_MSG_TRUNC };
	int flags = 0;
	uint32_t i = 0;

	/* Mostly DONTWAIT: blocking calls are the rarer case. */
	for (i = 0; i < 6; i++) {
		if ((b >> i) & 1u) {
			flags |= bits[i];
		}
	}
	if (b & 0x80u) {
		flags |= VSK_MSG_DONTWAIT;
	}
	return flags;
}

static uint32_t io_len(uint8_t b)
{
	return (b & 0x80u) ? (b & 0x7fu) * 16u : b & 0x7fu;
}

static void do_send(void)
{
	int sd = pick_sd();
	uint8_t b = u8(), n = u8();
	int flags = msg_flags(u8());
	struct vsock_iov iov[3];
	struct vsk_msghdr m = { .iov = iov, .iovlen = n & 3u };
	uint32_t i = 0, total = 0;
	int rc = 0;

	f.call_rw = 0;
	if (b & 1u) {
		for (i = 0; i < m.iovlen; i++) {
			iov[i].base = pat + i * 500u;
			iov[i].len = io_len(u8());
			total += (uint32_t)iov[i].len;
		}
		rc = vsk_sendmsg(&f.st, sd, &m, flags);
	} else {
		total = io_len(n);
		rc = vsk_send(&f.st, sd, pat, total, flags);
	}
	check_rc(sd, rc);
	if (rc > (int)total || f.call_rw != (uint64_t)(rc > 0 ? rc : 0)) {
		fail();
	}
}

static void check_received(struct tuple *t, int rc, bool peek)
{
	if (!t || rc <= 0) {
		return;
	}
	if (t->rx_got + (uint64_t)rc > t->rx_sent) {
		fail();
	}
	if (!peek) {
		t->rx_got += (uint64_t)rc;
	}
}

static void do_recv(void)
{
	static uint8_t buf[3][2048];
	int sd = pick_sd();
	uint8_t b = u8(), n = u8();
	int flags = msg_flags(u8() & 0x3fu) | ((b & 2u) ? VSK_MSG_PEEK : 0);
	struct tuple *t = sd_tuple(sd);
	struct vsock_iov iov[3];
	struct vsk_msghdr m = { .iov = iov, .iovlen = n & 3u };
	uint32_t i = 0, total = 0;
	int rc = 0;

	flags |= (b & 4u) ? VSK_MSG_DONTWAIT : 0;
	if (b & 1u) {
		for (i = 0; i < m.iovlen; i++) {
			iov[i].base = buf[i];
			iov[i].len = io_len(u8());
			total += (uint32_t)iov[i].len;
		}
		rc = vsk_recvmsg(&f.st, sd, &m, flags);
		if (rc >= 0 && (m.flags & ~(VSK_MSG_EOR | VSK_MSG_TRUNC))) {
			fail();
		}
	} else {
		total = io_len(n);
		rc = vsk_recv(&f.st, sd, buf[0], total, flags);
	}
	check_rc(sd, rc);
	if (rc > (int)total && !(flags & VSK_MSG_TRUNC)) {
		fail();
	}
	check_received(t, rc, flags & VSK_MSG_PEEK);
}

static void do_close(void)
{
	int sd = pick_sd();
	uint8_t b = u8();
	int rc = 0;

	if (b & 1u) {
		check_rc(sd, vsk_shutdown(&f.st, sd, (b >> 1) & 3u));
		return;
	}
	rc = vsk_close(&f.st, sd);
	check_rc(sd, rc);
	if (is_open(sd)) {
		if (rc) {
			fail();
		}
		f.open[sd] = false;
		if (vsk_poll_mask(&f.st, sd) != VSK_POLLNVAL) {
			fail();
		}
	}
}

#define ALL_POLL                                                               \
	(VSK_POLLIN | VSK_POLLOUT | VSK_POLLERR | VSK_POLLHUP | VSK_POLLNVAL | \
	 VSK_POLLRDHUP)

static void do_poll(void)
{
	struct vsk_pollfd fds[2];
	int sd = pick_sd();
	uint8_t b = u8();
	int mask = vsk_poll_mask(&f.st, sd);
	int rc = 0;
	uint32_t i = 0;

	if ((is_open(sd) ? (mask & (VSK_POLLNVAL | ~ALL_POLL)) != 0 :
			   mask != VSK_POLLNVAL)) {
		fail();
	}
	fds[0] = (struct vsk_pollfd){ .sd = sd, .events = (int16_t)b };
	fds[1] = (struct vsk_pollfd){ .sd = pick_sd(), .events = VSK_POLLIN };
	rc = vsk_poll(&f.st, fds, 2, (b & 0x80u) ? 0 : b & 0x3f);
	if (!documented(rc) || rc > 2) {
		fail();
	}
	for (i = 0; rc >= 0 && i < 2; i++) {
		int16_t ok = (int16_t)(fds[i].events | VSK_POLLERR |
				       VSK_POLLHUP | VSK_POLLNVAL);

		if (fds[i].revents & ~ok) {
			fail();
		}
	}
}

static void do_misc(void)
{
	int sd = pick_sd();
	uint8_t b = u8();
	uint32_t cid = 0, port = 0;
	uint8_t pl[VSOCK_SHMEM_SIZE];
	struct vsock_shmem m;

	switch (b & 3u) {
	case 0:
		check_rc(sd, vsk_getsockname(&f.st, sd, &cid, &port));
		check_rc(sd, vsk_getpeername(&f.st, sd, &cid, &port));
		return;
	case 1:
		check_rc(sd, vsk_set_nonblock(&f.st, sd, b & 4u));
		return;
	default:
		shmem_payload(pl);
		if (vsock_shmem_decode(pl, sizeof(pl), &m, NULL)) {
			m.subop = 9; /* the codec refuses it: VSK_EINVAL */
		}
		check_rc(sd, vsk_send_shmem(&f.st, sd, &m));
		return;
	}
}

static void do_opt(void)
{
	static const int levels[4] = { VSK_SOL_SOCKET, VSK_AF_VSOCK,
				       VSK_SOL_VSOCK, 5 };
	static const int names[8] = { VSK_SO_VM_SOCKETS_BUFFER_SIZE,
				      VSK_SO_VM_SOCKETS_BUFFER_MIN_SIZE,
				      VSK_SO_VM_SOCKETS_BUFFER_MAX_SIZE,
				      VSK_SO_VM_SOCKETS_CONNECT_TIMEOUT,
				      VSK_SO_ERROR,
				      VSK_SO_RCVTIMEO,
				      VSK_SO_SNDTIMEO_NEW,
				      VSK_SO_TYPE };
	static const uint32_t lens[4] = { 8, 16, 4, 0 };
	int sd = pick_sd();
	uint8_t b = u8();
	int level = levels[b & 3u], name = names[(b >> 2) & 7u];
	uint32_t len = lens[(b >> 5) & 3u], room = len;
	uint8_t val[16];
	int64_t v = 0;
	int rc = 0;

	if (b & 0x80u) {
		/* Values near what matters: sizes, tiny timeouts. */
		v = (int64_t)(u8() & 0x3fu) << (u8() & 15u);
		memcpy(val, &v, 8);
		v = (int64_t)(int8_t)u8() * 1000;
		memcpy(val + 8, &v, 8);
		check_rc(sd, vsk_setsockopt(&f.st, sd, level, name, val, len));
		return;
	}
	rc = vsk_getsockopt(&f.st, sd, level, name, val, &len);
	check_rc(sd, rc);
	if (rc == 0 && len > room) {
		fail();
	}
	if (rc == 0 && level == VSK_SOL_SOCKET && name == VSK_SO_ERROR) {
		int e = 0;

		memcpy(&e, val, sizeof(e));
		if (!documented(-e) || e < 0) {
			fail();
		}
	}
}

static void do_time(void)
{
	static const uint64_t steps[8] = { 1,	 10,   100,  1000,
					   1999, 2000, 8000, 9000 };
	uint8_t b = u8();

	switch (b >> 6) {
	case 0:
	case 1:
		f.now += steps[b & 7u];
		vsk_stack_tick(&f.st);
		return;
	case 2:
		vsk_stack_transport_reset(&f.st);
		return;
	default:
		f.tx_fail = b & 1u;
		return;
	}
}

static void step(void)
{
	uint8_t op = u8() % 16u;

	f.waits = 0;
	switch (op) {
	case 0:
	case 1:
	case 2:
	case 3:
	case 4:
		deliver();
		return;
	case 5:
		do_socket();
		return;
	case 6:
		do_bind();
		return;
	case 7:
		do_listen();
		return;
	case 8:
		do_connect();
		return;
	case 9:
		do_accept();
		return;
	case 10:
		do_send();
		return;
	case 11:
		do_recv();
		return;
	case 12:
		do_close();
		return;
	case 13:
		do_poll();
		do_misc();
		return;
	case 14:
		do_opt();
		return;
	default:
		do_time();
		return;
	}
}

static void setup(const uint8_t *data, size_t len)
{
	static const uint32_t pkts[4] = { 64, 128, 512, VSOCK_MAX_PKT_LEN };
	uint8_t cfg = 0;
	uint32_t i = 0;

	memset(&f, 0, sizeof(f));
	for (i = 0; i < sizeof(pat); i++) {
		pat[i] = (uint8_t)(i * 7u + 1u);
	}
	f.in = data;
	f.left = len;
	f.now = 1000;
	cfg = u8();
	f.feed_in_wait = cfg & 2u;
	f.shmem_reply = cfg & 4u;
	f.max_pkt = pkts[(cfg >> 3) & 3u];
	if (vsk_stack_init(&f.st, CID, (cfg & 1u) ? &ops_wait : &ops_nowait,
			   NULL, f.socks, SOCKS, f.conns, CONNS, f.rx_mem,
			   RX_LEN)) {
		fail();
	}
	f.st.proto->max_pkt_len = f.max_pkt;
}

/* Close everything, let the close timeout pass: nothing may be stuck. */
static void teardown(void)
{
	uint32_t i = 0;

	f.tx_fail = false;
	f.left = 0;
	vsk_stack_transport_reset(&f.st);
	for (i = 0; i < SOCKS; i++) {
		if (f.open[i] && vsk_close(&f.st, (int)i)) {
			fail();
		}
		f.open[i] = false;
	}
	f.now += VSOCK_CLOSE_TIMEOUT_MS + 1u;
	vsk_stack_tick(&f.st);
	for (i = 0; i < CONNS; i++) {
		if (vsock_conn_state(&f.conns[i]) != VSOCK_ST_FREE) {
			fail();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	setup(data, len);
	while (f.left) {
		step();
	}
	teardown();
	return 0;
}
