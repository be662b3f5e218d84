// SPDX-License-Identifier: BSD-2-Clause
/*
 * send/recv for the socket layer (Linux vsock_connectible_sendmsg and
 * _recvmsg): STREAM moves what it can and, when blocking, waits for the
 * rest; SEQPACKET moves one whole message per call.
 */
#include <tzshare/lib.h>

#include "iov.h"
#include "socket_priv.h"

static uint32_t clamp_int(uint64_t v)
{
	return v > VSK_INT_MAX ? VSK_INT_MAX : (uint32_t)v;
}

/* Whether @sk may send now: 0, or the error send() returns. */
static int send_state(struct vsk_stack *s, struct vsk_sock *sk)
{
	vsk_sync(s, sk);
	/* TCP: a pending error comes before EPIPE. */
	if (sk->so_error) {
		return vsk_take_error(sk);
	}
	if (sk->shut & VSOCK_SHUTDOWN_SEND) {
		return VSK_EPIPE;
	}
	if (sk->state != VSK_SS_CONNECTED) {
		return VSK_ENOTCONN;
	}
	if (vsock_conn_state(sk->conn) != VSOCK_ST_ESTABLISHED ||
	    (vsock_conn_peer_shutdown(sk->conn) & VSOCK_SHUTDOWN_RCV)) {
		return VSK_EPIPE;
	}
	return 0;
}

/* Send from @cu until done or the proto takes no more; bytes sent or error. */
static int stream_push(struct vsk_stack *s, struct vsk_sock *sk,
		       struct vsock_iov_pos *ps, uint32_t left)
{
	uint32_t sent = 0;

	while (sent < left) {
		uint8_t *p = NULL;
		uint32_t k = vsock_iov_next(ps, left - sent, &p);
		int rc = 0;

		if (!k) {
			break;
		}
		rc = vsock_send(s->proto, sk->conn, p, k);
		if (rc < 0) {
			ps->off -= k;
			return sent ? (int)sent : rc;
		}
		sent += (uint32_t)rc;
		if ((uint32_t)rc < k) {
			/* Same element: give back what did not go out. */
			ps->off -= k - (uint32_t)rc;
			break;
		}
	}
	return (int)sent;
}

static int send_stream(struct vsk_stack *s, struct vsk_sock *sk,
		       const struct vsk_msghdr *msg, struct vsk_wait *w)
{
	uint32_t total = clamp_int(vsock_iov_total(msg->iov, msg->iovlen));
	struct vsock_iov_pos ps;
	uint32_t sent = 0;
	int rc = 0;

	vsock_iov_start(&ps, msg->iov, msg->iovlen);
	for (;;) {
		rc = send_state(s, sk);
		if (rc) {
			return sent ? (int)sent : rc;
		}
		rc = stream_push(s, sk, &ps, total - sent);
		if (rc < 0 && rc != VSK_EAGAIN) {
			return sent ? (int)sent : rc;
		}
		if (rc > 0) {
			sent += (uint32_t)rc;
		}
		if (sent == total) {
			return (int)sent;
		}
		rc = vsk_wait_once(s, w);
		if (rc) {
			return sent ? (int)sent : rc;
		}
	}
}

static int send_seqpacket(struct vsk_stack *s, struct vsk_sock *sk,
			  const struct vsk_msghdr *msg, struct vsk_wait *w)
{
	int rc = 0;

	if (vsock_iov_total(msg->iov, msg->iovlen) > VSK_INT_MAX) {
		return VSK_EMSGSIZE;
	}
	for (;;) {
		rc = send_state(s, sk);
		if (rc) {
			return rc;
		}
		/* Whole message or VSK_EAGAIN (the proto asked for credit). */
		rc = vsock_sendv(s->proto, sk->conn, msg->iov, msg->iovlen);
		if (rc != VSK_EAGAIN) {
			return rc;
		}
		rc = vsk_wait_once(s, w);
		if (rc) {
			return rc;
		}
	}
}

int vsk_sendmsg(struct vsk_stack *s, int sd, const struct vsk_msghdr *msg,
		int flags)
{
	struct vsk_sock *sk = vsk_get(s, sd);
	struct vsk_wait w;

	if (!sk) {
		return VSK_EBADF;
	}
	if (flags & VSK_MSG_OOB) {
		return VSK_EOPNOTSUPP;
	}
	vsk_wait_begin(s, &w, sd, sk->sndtimeo_us,
		       sk->nonblock || (flags & VSK_MSG_DONTWAIT));
	if (sk->type == VSOCK_TYPE_SEQPACKET) {
		return send_seqpacket(s, sk, msg, &w);
	}
	return send_stream(s, sk, msg, &w);
}

int vsk_send(struct vsk_stack *s, int sd, const void *buf, size_t len,
	     int flags)
{
	struct vsock_iov iov = { .base = (void *)buf, .len = len };
	struct vsk_msghdr msg = { .iov = &iov, .iovlen = 1 };

	return vsk_sendmsg(s, sd, &msg, flags);
}

/*
 * Nothing queued: 1 to wait for more, else what recv() returns (0 at end
 * of stream, the pending error).
 */
static int recv_empty(struct vsk_stack *s, struct vsk_sock *sk)
{
	vsk_sync(s, sk);
	if (sk->so_error) {
		return vsk_take_error(sk);
	}
	if (vsock_conn_state(sk->conn) == VSOCK_ST_CLOSED ||
	    (vsock_conn_peer_shutdown(sk->conn) & VSOCK_SHUTDOWN_SEND) ||
	    (sk->shut & VSOCK_SHUTDOWN_RCV)) {
		return 0;
	}
	return 1;
}

/* Move queued bytes into @cu; bytes moved. */
static uint32_t stream_pull(struct vsk_stack *s, struct vsk_sock *sk,
			    struct vsock_iov_pos *ps, uint32_t left)
{
	uint32_t got = 0;

	while (got < left && vsock_conn_next_len(sk->conn)) {
		uint8_t *p = NULL;
		uint32_t k = vsock_iov_next(ps, left - got, &p);
		int rc = 0;

		if (!k) {
			break;
		}
		rc = vsock_recv(s->proto, sk->conn, p, k, NULL);
		if (rc < 0) {
			rc = 0;
		}
		/* Same element: give back what was not filled. */
		ps->off -= k - (uint32_t)rc;
		got += (uint32_t)rc;
		if ((uint32_t)rc < k) {
			break;
		}
	}
	return got;
}

static int recv_stream(struct vsk_stack *s, struct vsk_sock *sk,
		       struct vsk_msghdr *msg, int flags, struct vsk_wait *w)
{
	uint32_t total = clamp_int(vsock_iov_total(msg->iov, msg->iovlen));
	struct vsock_iov_pos ps;
	uint32_t copied = 0;
	int rc = 0;

	vsock_iov_start(&ps, msg->iov, msg->iovlen);
	for (;;) {
		if (vsock_conn_next_len(sk->conn)) {
			if (flags & VSK_MSG_PEEK) {
				return vsock_peekv(s->proto, sk->conn, msg->iov,
						   msg->iovlen, NULL);
			}
			copied += stream_pull(s, sk, &ps, total - copied);
			if (copied == total || !(flags & VSK_MSG_WAITALL)) {
				return (int)copied;
			}
		}
		rc = recv_empty(s, sk);
		if (rc != 1) {
			return copied ? (int)copied : rc;
		}
		rc = vsk_wait_once(s, w);
		if (rc) {
			return copied ? (int)copied : rc;
		}
	}
}

static int recv_seqpacket(struct vsk_stack *s, struct vsk_sock *sk,
			  struct vsk_msghdr *msg, int flags, struct vsk_wait *w)
{
	int rc = 0;

	for (;;) {
		if (vsock_conn_rx_avail(sk->conn)) {
			uint32_t len = vsock_conn_next_len(sk->conn);
			uint32_t fl = 0;

			if (flags & VSK_MSG_PEEK) {
				rc = vsock_peekv(s->proto, sk->conn, msg->iov,
						 msg->iovlen, &fl);
			} else {
				rc = vsock_recvv(s->proto, sk->conn, msg->iov,
						 msg->iovlen, &fl);
			}
			if (rc < 0) {
				return rc;
			}
			msg->flags |= (fl & VSOCK_MSG_EOR) ? VSK_MSG_EOR : 0;
			msg->flags |=
				(fl & VSOCK_MSG_TRUNC) ? VSK_MSG_TRUNC : 0;
			/* Linux: MSG_TRUNC asks for the real length. */
			return (flags & VSK_MSG_TRUNC) ? (int)len : rc;
		}
		rc = recv_empty(s, sk);
		if (rc != 1) {
			return rc;
		}
		rc = vsk_wait_once(s, w);
		if (rc) {
			return rc;
		}
	}
}

int vsk_recvmsg(struct vsk_stack *s, int sd, struct vsk_msghdr *msg, int flags)
{
	struct vsk_sock *sk = vsk_get(s, sd);
	struct vsk_wait w;

	if (!sk) {
		return VSK_EBADF;
	}
	msg->flags = 0;
	if (flags & VSK_MSG_OOB) {
		return VSK_EOPNOTSUPP;
	}
	vsk_sync(s, sk);
	if (sk->state != VSK_SS_CONNECTED) {
		return VSK_ENOTCONN;
	}
	/* Linux: after SHUT_RD, and for an empty buffer, 0 at once. */
	if ((sk->shut & VSOCK_SHUTDOWN_RCV) ||
	    !vsock_iov_total(msg->iov, msg->iovlen)) {
		return 0;
	}
	vsk_wait_begin(s, &w, sd, sk->rcvtimeo_us,
		       sk->nonblock || (flags & VSK_MSG_DONTWAIT));
	if (sk->type == VSOCK_TYPE_SEQPACKET) {
		return recv_seqpacket(s, sk, msg, flags, &w);
	}
	return recv_stream(s, sk, msg, flags, &w);
}

int vsk_recv(struct vsk_stack *s, int sd, void *buf, size_t len, int flags)
{
	struct vsock_iov iov = { .base = buf, .len = len };
	struct vsk_msghdr msg = { .iov = &iov, .iovlen = 1 };

	return vsk_recvmsg(s, sd, &msg, flags);
}
