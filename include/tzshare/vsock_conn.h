/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * virtio-vsock protocol core (portable): connection table, state machine
 * (core/vsock/conn.c) and credit flow control (core/vsock/credit.c), both
 * directions, following virtio-msg.md §4 and Linux virtio_transport_common.
 *
 * The core works on decoded packets (struct vsock_pkt); the wire codec turns
 * 44-byte headers into these. Nothing is allocated: the caller hands
 * vsock_proto_init() an array of connection slots and one receive buffer
 * per slot. The core is not thread-safe (the caller serialises) and has no
 * clock: timeouts run from vsock_proto_tick(now_ms).
 *
 * Packets leave through ops->send_pkt(), which must not call back into the
 * core. A control packet (RESPONSE, RST, SHUTDOWN, CREDIT_*) it refuses is
 * counted in stats.tx_errors and lost, so the caller should queue them in a
 * side buffer (virtio-msg.md §4: never block rx on a full tx queue). An RW
 * packet it refuses makes vsock_send() stop with what it sent so far.
 */
#ifndef TZSHARE_VSOCK_CONN_H
#define TZSHARE_VSOCK_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tzshare/vsock.h>

/* Errors of this layer: negative, errno-like, no <errno.h> in the core. */
#define VSOCK_OK 0
#define VSOCK_EAGAIN (-11)
#define VSOCK_EINVAL (-22)
#define VSOCK_EPIPE (-32)
#define VSOCK_EADDRINUSE (-98)
#define VSOCK_ENOBUFS (-105)
#define VSOCK_EISCONN (-106)
#define VSOCK_ENOTCONN (-107)
#define VSOCK_ETIMEDOUT (-110)
#define VSOCK_ECONNREFUSED (-111)
#define VSOCK_ECONNRESET (-104)
#define VSOCK_EMSGSIZE (-90)
#define VSOCK_EPROTO (-71)

/* Header values (ops, types, flags) come from the packet codec. */
#define VSOCK_SHUTDOWN_BOTH VSOCK_SHUTDOWN_MASK

/* vsock_recv() *msg_flags for SEQPACKET. */
#define VSOCK_MSG_EOR 1u /* the message carried EOR */
#define VSOCK_MSG_TRUNC 2u /* the message was longer than the buffer */

/* Linux: a socket still in active close is reset after 8 s. */
#define VSOCK_CLOSE_TIMEOUT_MS 8000u
#define VSOCK_CONNECT_TIMEOUT_MS 2000u
/* Default largest RW payload (Linux VIRTIO_VSOCK_MAX_PKT_BUF_SIZE). */
#define VSOCK_MAX_PKT_LEN 65536u
/*
 * SEQPACKET message boundaries kept per connection. A peer that has more
 * complete-but-unread messages queued than this is reset (a bound Linux
 * does not have; it only bounds bytes).
 */
#define VSOCK_SEQ_MAX_MSGS 64u
#define VSOCK_EPHEMERAL_FIRST 49152u

/** A decoded packet: header fields plus the payload (len bytes). */
struct vsock_pkt {
	uint64_t src_cid;
	uint64_t dst_cid;
	uint32_t src_port;
	uint32_t dst_port;
	uint32_t len; /* header len: payload bytes */
	uint16_t type;
	uint16_t op;
	uint32_t flags;
	uint32_t buf_alloc;
	uint32_t fwd_cnt;
	const uint8_t *payload;
	uint32_t payload_len; /* bytes at payload; must equal len */
};

/* The packet a decoded header and its payload (h->len bytes) make. */
struct vsock_pkt vsock_pkt_from_hdr(const struct vsock_hdr *h,
				    const uint8_t *payload);

enum vsock_state {
	VSOCK_ST_FREE = 0, /* slot unused */
	VSOCK_ST_LISTEN,
	VSOCK_ST_SYN_SENT,
	VSOCK_ST_ESTABLISHED,
	VSOCK_ST_CLOSING, /* active close: SHUTDOWN sent, waiting for RST */
	VSOCK_ST_CLOSED, /* no more traffic; slot kept until vsock_close() */
};

/* Socket notifications (ops->notify). */
enum vsock_event {
	VSOCK_EV_CONNECTED = 1, /* SYN_SENT -> ESTABLISHED */
	VSOCK_EV_READABLE, /* data (or a complete message) arrived */
	VSOCK_EV_WRITABLE, /* send credit grew from too little to some */
	VSOCK_EV_RESET, /* now CLOSED; vsock_conn_error() says why */
	VSOCK_EV_PEER_SHUTDOWN, /* peer_shutdown gained a bit */
	VSOCK_EV_ACCEPT, /* listener: a child waits in vsock_accept() */
};

/**
 * One connection or listener. Callers treat it as opaque and reach it
 * through vsock_conn_*(); it is public only so storage can be provided.
 */
struct vsock_conn {
	uint8_t state; /* enum vsock_state */
	uint8_t type; /* VSOCK_TYPE_* */
	uint8_t peer_shutdown; /* sticky VSOCK_SHUTDOWN_* from the peer */
	uint8_t local_shutdown; /* sticky VSOCK_SHUTDOWN_* we sent */
	bool orphan; /* user closed it; the core frees the slot */
	bool credit_req_sent; /* CREDIT_REQUEST out, no answer yet */
	bool want_writable; /* a send hit zero credit */
	bool peer_blocked; /* peer sent CREDIT_REQUEST; update on next read */
	bool has_deadline;
	uint32_t local_port;
	uint32_t peer_port;
	uint64_t peer_cid;
	int error; /* sticky VSOCK_E* that closed it, 0 for a clean close */
	uint64_t deadline_ms; /* connect or close timeout */

	/* Listener: backlog; child: parent slot until accepted. */
	uint32_t backlog;
	uint32_t pending; /* children not yet accepted */
	int32_t parent; /* slot index of the listener, -1 when none */
	uint32_t accept_seq; /* FIFO order in the accept queue */

	/* Receive side: our buffer and counters (free-running u32). */
	uint8_t *rx_buf;
	uint32_t rx_size; /* ring length: the slot's whole buffer */
	uint32_t buf_alloc; /* advertised receive space (<= rx_size) */
	/*
	 * Largest buf_alloc we ever sent on this connection: after a shrink
	 * the peer may still fill what it heard before, so that is the
	 * limit a credit violation is judged by.
	 */
	uint32_t rx_limit;
	uint32_t last_buf_alloc; /* buf_alloc in our last packet */
	uint32_t rx_cnt; /* bytes received */
	uint32_t fwd_cnt; /* bytes consumed by the socket */
	uint32_t last_fwd_cnt; /* fwd_cnt the peer last heard of */
	uint32_t rx_off; /* ring offset of the byte at fwd_cnt */
	/* SEQPACKET: rx_cnt at each EOM, with its EOR flag, oldest first. */
	uint32_t msg_end[VSOCK_SEQ_MAX_MSGS];
	uint8_t msg_eor[VSOCK_SEQ_MAX_MSGS];
	uint32_t msg_head;
	uint32_t msg_count;

	/* Send side: what the peer advertised and what we sent. */
	uint32_t peer_buf_alloc;
	uint32_t peer_fwd_cnt;
	uint32_t tx_cnt;
};

struct vsock_proto_ops {
	/* Emit one packet (payload valid for the call only); 0 or VSOCK_E*. */
	int (*send_pkt)(void *ctx, const struct vsock_pkt *pkt);
	/* Tell the socket layer about @c; never called for orphans. */
	void (*notify)(void *ctx, struct vsock_conn *c, enum vsock_event ev);
	/*
	 * OP_SHMEM (architecture.md §3) arrived on established @c, payload
	 * decoded and checked by vsock_shmem_decode(). Optional: without it
	 * OP_SHMEM is dropped and counted. May call vsock_send_shmem().
	 */
	void (*shmem)(void *ctx, struct vsock_conn *c,
		      const struct vsock_shmem *m);
	/*
	 * Optional: how many more RW packets of @c the transport takes now.
	 * The data path sends no more than that: a STREAM send stops there
	 * (VSOCK_EAGAIN when nothing went), a SEQPACKET message needing more
	 * packets waits whole (VSOCK_EAGAIN), so a bounded transport queue
	 * never cuts a message in half. Unlike missing credit this sends no
	 * CREDIT_REQUEST and no VSOCK_EV_WRITABLE follows: the caller tries
	 * again once the transport drained. NULL: only send_pkt limits.
	 */
	uint32_t (*tx_room)(void *ctx, const struct vsock_conn *c);
};

struct vsock_stats {
	uint64_t rx_dropped; /* malformed, wrong CID, unexpected op */
	uint64_t rx_hostile; /* credit violations: dropped and reset */
	uint64_t rst_sent;
	uint64_t tx_errors; /* control packets send_pkt refused */
	uint64_t shmem_bad; /* OP_SHMEM with a malformed payload, dropped */
};

/** One endpoint (one CID). */
struct vsock_proto {
	uint64_t cid;
	const struct vsock_proto_ops *ops;
	void *ctx;
	struct vsock_conn *conns;
	uint32_t conn_count;
	uint8_t *rx_mem; /* slot i's receive buffer at i * rx_len */
	uint32_t rx_len;
	uint32_t max_pkt_len; /* largest RW payload we emit */
	uint32_t connect_timeout_ms; /* for the next vsock_connect() */
	uint32_t next_port; /* next ephemeral port to try */
	uint32_t accept_seq;
	struct vsock_stats stats;
};

/*
 * Endpoint with @conn_count slots; slot i receives into
 * rx_mem[i * rx_len, (i + 1) * rx_len) and advertises buf_alloc = rx_len.
 * VSOCK_EINVAL for a reserved CID (1, 0xFFFFFFFF; 0 is allowed: OP-TEE's NS
 * CID), no slots, rx_len 0 or above 2^31 - 1, or missing ops.
 */
int vsock_proto_init(struct vsock_proto *p, uint64_t cid,
		     const struct vsock_proto_ops *ops, void *ctx,
		     struct vsock_conn *conns, uint32_t conn_count,
		     uint8_t *rx_mem, uint32_t rx_len);

/* Handle one received packet. Never fails: bad packets are counted. */
void vsock_proto_rx(struct vsock_proto *p, const struct vsock_pkt *pkt,
		    uint64_t now_ms);

/* Run connect and close timeouts that expired at @now_ms. */
void vsock_proto_tick(struct vsock_proto *p, uint64_t now_ms);

/*
 * Earliest pending connect or close deadline in *@when_ms; false when none
 * (nothing for vsock_proto_tick() to do until more traffic).
 */
bool vsock_proto_next_deadline(const struct vsock_proto *p, uint64_t *when_ms);

/* TRANSPORT_RESET event: every connection CLOSED with ECONNRESET, no RSTs. */
void vsock_proto_transport_reset(struct vsock_proto *p);

/*
 * Client: REQUEST from @local_port (0 = pick an ephemeral one) and SYN_SENT
 * until RESPONSE (VSOCK_EV_CONNECTED), RST (ECONNRESET) or the timeout
 * (ETIMEDOUT, p->connect_timeout_ms: VSOCK_CONNECT_TIMEOUT_MS by default). VSOCK_EINVAL bad type, VSOCK_EADDRINUSE tuple in use,
 * VSOCK_ENOBUFS no free slot.
 */
int vsock_connect(struct vsock_proto *p, uint32_t local_port, uint64_t peer_cid,
		  uint32_t peer_port, uint16_t type, uint64_t now_ms,
		  struct vsock_conn **out);

/* Listen on (@port, @type) with @backlog (>= 1) unaccepted children. */
int vsock_listen(struct vsock_proto *p, uint32_t port, uint16_t type,
		 uint32_t backlog, struct vsock_conn **out);

/* A listener's backlog (>= 1, else VSOCK_EINVAL; VSOCK_EINVAL if not one). */
int vsock_set_backlog(struct vsock_conn *listener, uint32_t backlog);

/* Children of @listener waiting for vsock_accept(). */
uint32_t vsock_conn_pending(const struct vsock_conn *listener);

/* Oldest established child of @listener, or VSOCK_EAGAIN. */
int vsock_accept(struct vsock_proto *p, struct vsock_conn *listener,
		 struct vsock_conn **out);

/*
 * Send up to @len bytes; returns bytes sent (> 0, maybe fewer than @len for
 * STREAM), VSOCK_EAGAIN without credit, VSOCK_EPIPE after either side shut
 * sending down or a close, VSOCK_ENOTCONN before ESTABLISHED. SEQPACKET
 * sends a whole message or nothing (EOM|EOR on the last packet);
 * VSOCK_EMSGSIZE when @len exceeds the peer's buf_alloc.
 */
int vsock_send(struct vsock_proto *p, struct vsock_conn *c, const void *buf,
	       uint32_t len);

/*
 * Receive into @buf; returns bytes copied, 0 at end of stream, VSOCK_EAGAIN
 * when nothing is queued yet, VSOCK_ENOTCONN while connecting, and once
 * CLOSED and drained the sticky error (ECONNRESET, ETIMEDOUT, EPROTO; 0
 * after an orderly close).
 * SEQPACKET returns one message; what does not fit is dropped and
 * VSOCK_MSG_TRUNC set in *msg_flags (may be NULL).
 */
int vsock_recv(struct vsock_proto *p, struct vsock_conn *c, void *buf,
	       uint32_t len, uint32_t *msg_flags);

/*
 * MSG_PEEK: what vsock_recv() would return, without consuming it (no
 * credit update either). Same return values.
 */
int vsock_peek(struct vsock_proto *p, struct vsock_conn *c, void *buf,
	       uint32_t len, uint32_t *msg_flags);

/* Scatter-gather element, like struct iovec. */
struct vsock_iov {
	void *base;
	size_t len;
};

/* Sum of the lengths of @iov[0..@n), UINT64_MAX if that overflows. */
uint64_t vsock_iov_total(const struct vsock_iov *iov, uint32_t n);

/*
 * vsock_send(), vsock_recv() and vsock_peek() on @iovcnt buffers: a STREAM
 * send takes them in order, a SEQPACKET message is all of them together
 * (VSOCK_EMSGSIZE beyond the peer's buf_alloc), and a receive fills them
 * in order. Packets never span two buffers.
 */
int vsock_sendv(struct vsock_proto *p, struct vsock_conn *c,
		const struct vsock_iov *iov, uint32_t iovcnt);
int vsock_recvv(struct vsock_proto *p, struct vsock_conn *c,
		const struct vsock_iov *iov, uint32_t iovcnt,
		uint32_t *msg_flags);
int vsock_peekv(struct vsock_proto *p, struct vsock_conn *c,
		const struct vsock_iov *iov, uint32_t iovcnt,
		uint32_t *msg_flags);

/*
 * OP_SHMEM with payload @m on established @c (VSOCK_ENOTCONN otherwise,
 * VSOCK_EINVAL for a payload the codec refuses, or send_pkt's error). It
 * carries no stream bytes, so it needs no credit.
 */
int vsock_send_shmem(struct vsock_proto *p, struct vsock_conn *c,
		     const struct vsock_shmem *m);

/*
 * SO_VM_SOCKETS_BUFFER_SIZE: advertise @size bytes of receive space
 * (clamped to the slot's buffer, p->rx_len, as Linux clamps to its
 * maximum); VSOCK_EINVAL for 0. Allowed at any time: queued data stays
 * where it is (the ring spans the whole slot buffer). A listener passes
 * it on to the connections it accepts; an established connection tells
 * the peer with CREDIT_UPDATE, a connecting one once RESPONSE arrives.
 * Data the peer sent under a larger earlier size is still accepted.
 * Returns the size now in effect.
 */
int vsock_set_buf_size(struct vsock_proto *p, struct vsock_conn *c,
		       uint32_t size);

/* Send SHUTDOWN with @how (VSOCK_SHUTDOWN_*) added to what we shut. */
int vsock_shutdown(struct vsock_proto *p, struct vsock_conn *c, uint32_t how);

/*
 * Release @c; the handle is invalid afterwards. ESTABLISHED: SHUTDOWN(both)
 * and wait for the peer's RST up to VSOCK_CLOSE_TIMEOUT_MS, then RST.
 * Listener: resets its unaccepted children.
 */
void vsock_close(struct vsock_proto *p, struct vsock_conn *c, uint64_t now_ms);

enum vsock_state vsock_conn_state(const struct vsock_conn *c);
int vsock_conn_error(const struct vsock_conn *c);
/* Bytes queued for vsock_recv() (STREAM) or complete messages (SEQPACKET). */
uint32_t vsock_conn_rx_avail(const struct vsock_conn *c);
/*
 * Bytes the next vsock_recv() could return at most: STREAM all queued
 * bytes, SEQPACKET the length of the oldest complete message (0 if none).
 */
uint32_t vsock_conn_next_len(const struct vsock_conn *c);
uint32_t vsock_conn_local_port(const struct vsock_conn *c);
uint64_t vsock_conn_peer_cid(const struct vsock_conn *c);
uint32_t vsock_conn_peer_port(const struct vsock_conn *c);
/* VSOCK_SHUTDOWN_* the peer announced (sticky). */
uint32_t vsock_conn_peer_shutdown(const struct vsock_conn *c);

/*
 * Credit accounting (core/vsock/credit.c), all u32 wrapping. The receive
 * ring is @buf_alloc bytes at @rx_buf, which is also the first advertised
 * size and limit.
 */
void vsock_credit_init(struct vsock_conn *c, uint8_t *rx_buf,
		       uint32_t buf_alloc);
/* Bytes we may send now: peer_buf_alloc - (tx_cnt - peer_fwd_cnt), >= 0. */
uint32_t vsock_credit_tx_space(const struct vsock_conn *c);
/*
 * Take the peer's buf_alloc/fwd_cnt. VSOCK_EPROTO (nothing changed) when
 * buf_alloc is 0 or fwd_cnt moves backwards or past tx_cnt.
 */
int vsock_credit_peer_update(struct vsock_conn *c, uint32_t buf_alloc,
			     uint32_t fwd_cnt);
/* Bytes queued and not yet consumed. */
uint32_t vsock_credit_rx_used(const struct vsock_conn *c);
/* Whether @len more bytes fit in what we advertised (rx_limit). */
bool vsock_credit_rx_fits(const struct vsock_conn *c, uint32_t len);
/* Queue @len bytes (caller checked vsock_credit_rx_fits()). */
void vsock_credit_rx_put(struct vsock_conn *c, const uint8_t *data,
			 uint32_t len);
/* Copy queued bytes [@off, @off + @len) to @buf without consuming them. */
void vsock_credit_rx_peek(const struct vsock_conn *c, uint32_t off,
			  uint8_t *buf, uint32_t len);
/* Consume @len queued bytes, copying them to @buf unless it is NULL. */
void vsock_credit_rx_get(struct vsock_conn *c, uint8_t *buf, uint32_t len);
/*
 * A CREDIT_UPDATE is due: the peer believes less than half the buffer is
 * free while at least half really is.
 */
bool vsock_credit_update_due(const struct vsock_conn *c);

#endif /* TZSHARE_VSOCK_CONN_H */
