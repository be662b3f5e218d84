// SPDX-License-Identifier: BSD-2-Clause
/*
 * virtio-vsock data path (virtio v1.3 §5.10.6.3, virtio-msg.md §4): RW
 * packets out of caller buffers within the peer's credit, and messages or
 * bytes out of the receive ring, with the CREDIT_UPDATE a read makes due.
 * STREAM sends what the credit allows; SEQPACKET sends a whole message or
 * nothing and receives one message per call.
 */
#include <tzshare/lib.h>
#include <tzshare/vsock_conn.h>

#include "conn_priv.h"
#include "iov.h"

static int send_check(const struct vsock_conn *c)
{
	switch (c->state) {
	case VSOCK_ST_ESTABLISHED:
		break;
	case VSOCK_ST_SYN_SENT:
		return VSOCK_ENOTCONN;
	case VSOCK_ST_CLOSED:
		return VSOCK_EPIPE;
	default:
		return VSOCK_EINVAL;
	}
	if ((c->local_shutdown & VSOCK_SHUTDOWN_SEND) ||
	    (c->peer_shutdown & VSOCK_SHUTDOWN_RCV)) {
		return VSOCK_EPIPE;
	}
	return VSOCK_OK;
}

/* Out of credit: ask once, and remember to say when it comes back. */
static int blocked(struct vsock_proto *p, struct vsock_conn *c, int sent)
{
	c->want_writable = true;
	if (!c->credit_req_sent &&
	    !vsock_emit(p, c, VSOCK_OP_CREDIT_REQUEST, 0, NULL, 0)) {
		c->credit_req_sent = true;
	}
	return sent ? sent : VSOCK_EAGAIN;
}

/* RW packets the transport takes now for @c (ops->tx_room). */
static uint32_t tx_room(const struct vsock_proto *p, const struct vsock_conn *c)
{
	return p->ops->tx_room ? p->ops->tx_room(p->ctx, c) : UINT32_MAX;
}

static int send_seqpacket(struct vsock_proto *p, struct vsock_conn *c,
			  const struct vsock_iov *iov, uint32_t iovcnt,
			  uint64_t total)
{
	struct vsock_iov_pos ps;
	uint32_t len = (uint32_t)total;
	uint32_t sent = 0;

	if (total > c->peer_buf_alloc || total > VSOCK_INT_MAX) {
		return VSOCK_EMSGSIZE;
	}
	/* Whole message or nothing, so a message never stalls half-sent. */
	if (vsock_credit_tx_space(c) < len) {
		return blocked(p, c, 0);
	}
	/* An empty message is one packet. */
	if (tx_room(p, c) <
	    (len ? ((uint64_t)len + p->max_pkt_len - 1) / p->max_pkt_len : 1)) {
		return VSOCK_EAGAIN;
	}
	vsock_iov_start(&ps, iov, iovcnt);
	do {
		uint32_t max = len - sent;
		uint32_t flags = 0;
		uint32_t chunk = 0;
		uint8_t *data = NULL;
		int rc = 0;

		if (max > p->max_pkt_len) {
			max = p->max_pkt_len;
		}
		chunk = vsock_iov_next(&ps, max, &data);
		if (sent + chunk == len) {
			flags = VSOCK_SEQ_EOM | VSOCK_SEQ_EOR;
		}
		rc = vsock_emit(p, c, VSOCK_OP_RW, flags, data, chunk);
		if (rc && !sent) {
			return rc;
		}
		if (rc) {
			/* The peer holds half a message: end the connection. */
			vsock_reset_conn(p, c, VSOCK_EPROTO);
			return VSOCK_EPROTO;
		}
		sent += chunk;
	} while (sent < len);
	return (int)sent;
}

static int send_stream(struct vsock_proto *p, struct vsock_conn *c,
		       const struct vsock_iov *iov, uint32_t iovcnt,
		       uint64_t total)
{
	struct vsock_iov_pos ps;
	uint32_t len = total > VSOCK_INT_MAX ? VSOCK_INT_MAX : (uint32_t)total;
	uint32_t sent = 0;

	vsock_iov_start(&ps, iov, iovcnt);
	while (sent < len) {
		uint32_t chunk = vsock_credit_tx_space(c);
		uint8_t *data = NULL;
		int rc = 0;

		if (!chunk) {
			return blocked(p, c, (int)sent);
		}
		if (!tx_room(p, c)) {
			return sent ? (int)sent : VSOCK_EAGAIN;
		}
		if (chunk > len - sent) {
			chunk = len - sent;
		}
		if (chunk > p->max_pkt_len) {
			chunk = p->max_pkt_len;
		}
		chunk = vsock_iov_next(&ps, chunk, &data);
		rc = vsock_emit(p, c, VSOCK_OP_RW, 0, data, chunk);
		if (rc) {
			/* Not walked past after all: nothing was sent. */
			return sent ? (int)sent : rc;
		}
		sent += chunk;
	}
	return (int)sent;
}

int vsock_sendv(struct vsock_proto *p, struct vsock_conn *c,
		const struct vsock_iov *iov, uint32_t iovcnt)
{
	uint64_t total = vsock_iov_total(iov, iovcnt);
	int rc = send_check(c);

	if (rc) {
		return rc;
	}
	if (c->type == VSOCK_TYPE_SEQPACKET) {
		return send_seqpacket(p, c, iov, iovcnt, total);
	}
	return send_stream(p, c, iov, iovcnt, total);
}

int vsock_send(struct vsock_proto *p, struct vsock_conn *c, const void *buf,
	       uint32_t len)
{
	struct vsock_iov iov = { .base = (void *)buf, .len = len };

	return vsock_sendv(p, c, &iov, 1);
}

/* Nothing to read: end of stream, the connect error, or try later. */
static int recv_empty(const struct vsock_conn *c)
{
	if (c->state == VSOCK_ST_CLOSED) {
		return c->error;
	}
	if ((c->peer_shutdown & VSOCK_SHUTDOWN_SEND) ||
	    (c->local_shutdown & VSOCK_SHUTDOWN_RCV)) {
		return 0;
	}
	return VSOCK_EAGAIN;
}

/* Copy (peek) or move (!peek) the first @len queued bytes into @iov. */
static void copy_out(struct vsock_conn *c, const struct vsock_iov *iov,
		     uint32_t iovcnt, uint32_t len, bool peek)
{
	struct vsock_iov_pos ps;
	uint32_t done = 0;

	vsock_iov_start(&ps, iov, iovcnt);
	while (done < len) {
		uint8_t *dst = NULL;
		uint32_t k = vsock_iov_next(&ps, len - done, &dst);

		if (NEVER(!k)) {
			return;
		}
		if (peek) {
			vsock_credit_rx_peek(c, done, dst, k);
		} else {
			vsock_credit_rx_get(c, dst, k);
		}
		done += k;
	}
}

static uint32_t recv_message(struct vsock_conn *c, const struct vsock_iov *iov,
			     uint32_t iovcnt, uint32_t len, uint32_t *msg_flags,
			     bool peek)
{
	uint32_t msg_len = c->msg_end[c->msg_head] - c->fwd_cnt;
	uint32_t copy = msg_len < len ? msg_len : len;

	if (c->msg_eor[c->msg_head]) {
		*msg_flags |= VSOCK_MSG_EOR;
	}
	if (copy < msg_len) {
		*msg_flags |= VSOCK_MSG_TRUNC;
	}
	copy_out(c, iov, iovcnt, copy, peek);
	if (peek) {
		return copy;
	}
	vsock_credit_rx_get(c, NULL, msg_len - copy);
	c->msg_head = (c->msg_head + 1) % VSOCK_SEQ_MAX_MSGS;
	c->msg_count--;
	return copy;
}

/*
 * 1 when something can be read, else what vsock_recv() returns (<= 0: end
 * of stream is 0, so it cannot also mean "ready").
 */
static int recv_check(const struct vsock_conn *c)
{
	if (c->state == VSOCK_ST_SYN_SENT) {
		return VSOCK_ENOTCONN;
	}
	if (c->state != VSOCK_ST_ESTABLISHED && c->state != VSOCK_ST_CLOSED) {
		return VSOCK_EINVAL;
	}
	if (!vsock_has_readable(c)) {
		return recv_empty(c);
	}
	return 1;
}

/* vsock_recvv() and vsock_peekv(): the same up to consuming. */
static int do_recv(struct vsock_proto *p, struct vsock_conn *c,
		   const struct vsock_iov *iov, uint32_t iovcnt,
		   uint32_t *msg_flags, bool peek)
{
	uint64_t total = vsock_iov_total(iov, iovcnt);
	uint32_t len = total > VSOCK_INT_MAX ? VSOCK_INT_MAX : (uint32_t)total;
	uint32_t flags = 0;
	uint32_t n = 0;
	int rc = recv_check(c);

	if (rc <= 0) {
		return rc;
	}
	if (c->type == VSOCK_TYPE_SEQPACKET) {
		n = recv_message(c, iov, iovcnt, len, &flags, peek);
	} else {
		n = vsock_credit_rx_used(c);
		if (n > len) {
			n = len;
		}
		copy_out(c, iov, iovcnt, n, peek);
	}
	if (msg_flags) {
		*msg_flags = flags;
	}
	if (peek) {
		return (int)n;
	}
	if (c->state == VSOCK_ST_ESTABLISHED &&
	    (c->peer_blocked || vsock_credit_update_due(c))) {
		c->peer_blocked = false;
		vsock_emit(p, c, VSOCK_OP_CREDIT_UPDATE, 0, NULL, 0);
	}
	vsock_check_passive_close(p, c);
	return (int)n;
}

int vsock_recvv(struct vsock_proto *p, struct vsock_conn *c,
		const struct vsock_iov *iov, uint32_t iovcnt,
		uint32_t *msg_flags)
{
	return do_recv(p, c, iov, iovcnt, msg_flags, false);
}

int vsock_peekv(struct vsock_proto *p, struct vsock_conn *c,
		const struct vsock_iov *iov, uint32_t iovcnt,
		uint32_t *msg_flags)
{
	return do_recv(p, c, iov, iovcnt, msg_flags, true);
}

int vsock_recv(struct vsock_proto *p, struct vsock_conn *c, void *buf,
	       uint32_t len, uint32_t *msg_flags)
{
	struct vsock_iov iov = { .base = buf, .len = len };

	return vsock_recvv(p, c, &iov, 1, msg_flags);
}

int vsock_peek(struct vsock_proto *p, struct vsock_conn *c, void *buf,
	       uint32_t len, uint32_t *msg_flags)
{
	struct vsock_iov iov = { .base = buf, .len = len };

	return vsock_peekv(p, c, &iov, 1, msg_flags);
}
