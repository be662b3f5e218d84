/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Portable AF_VSOCK-like socket layer on struct vsock_proto (core/vsock/
 * socket*.c; docs/vsock.md). The same code runs in the normal-world VM,
 * where threads block in calls, and in a secure partition, where a service
 * drives non-blocking sockets from a callback.
 *
 * Storage is the caller's: a socket table (a descriptor is an index into
 * it), connection slots and receive memory for the proto. The layer is not
 * thread-safe: a threaded host serialises every vsk_* call and
 * vsk_stack_rx() with one lock, which ops->wait drops while it sleeps.
 *
 * Blocking: a call that must wait loops { check; ops->wait(ctx, ms) } until
 * its condition holds or its timeout passes. ops->wait pumps the transport
 * (vsk_stack_rx()) and returns when something may have changed or after
 * @timeout_ms (-1: no limit). Without ops->wait (or with VSK_NONBLOCK /
 * VSK_MSG_DONTWAIT) nothing blocks: VSK_EAGAIN, or VSK_EINPROGRESS for
 * connect. A socket closed while another call waits on it makes that call
 * return VSK_EBADF.
 *
 * Errors are negative Linux errno values. Connection errors (reset,
 * timeout, protocol violation) become the socket's pending error, reported
 * once, TCP-like, by the next send(), recv() (after the queued data),
 * connect() or SO_ERROR; afterwards recv() returns 0 and send() VSK_EPIPE.
 * Linux virtio vsock reports a peer's RST on an established connection as
 * plain end of stream: here it is VSK_ECONNRESET once (docs/vsock.md).
 */
#ifndef TZSHARE_VSOCK_SOCKET_H
#define TZSHARE_VSOCK_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tzshare/vsock_conn.h>

/* Negative Linux errno values (asserted in tests/unit/vsock/socket_test.c). */
#define VSK_EBADF (-9)
#define VSK_EAGAIN (-11)
#define VSK_EINVAL (-22)
#define VSK_EMFILE (-24)
#define VSK_EPIPE (-32)
#define VSK_EDOM (-33)
#define VSK_ERANGE (-34)
#define VSK_EPROTO (-71)
#define VSK_EMSGSIZE (-90)
#define VSK_ENOPROTOOPT (-92)
#define VSK_ESOCKTNOSUPPORT (-94)
#define VSK_EOPNOTSUPP (-95)
#define VSK_EADDRINUSE (-98)
#define VSK_EADDRNOTAVAIL (-99)
#define VSK_ECONNRESET (-104)
#define VSK_ENOBUFS (-105)
#define VSK_EISCONN (-106)
#define VSK_ENOTCONN (-107)
#define VSK_ETIMEDOUT (-110)
#define VSK_EALREADY (-114)
#define VSK_EINPROGRESS (-115)

/* Addresses (struct sockaddr_vm): VMADDR_CID_ANY, VMADDR_PORT_ANY. */
#define VSK_CID_ANY 0xffffffffu
#define VSK_PORT_ANY 0xffffffffu

/* vsk_socket() and vsk_accept() flags (SOCK_NONBLOCK). */
#define VSK_NONBLOCK 0x800

/* send/recv flags, Linux MSG_* values. */
#define VSK_MSG_OOB 0x1 /* refused: VSK_EOPNOTSUPP */
#define VSK_MSG_PEEK 0x2
#define VSK_MSG_TRUNC 0x20 /* recv: return a message's real length */
#define VSK_MSG_DONTWAIT 0x40
#define VSK_MSG_EOR 0x80
#define VSK_MSG_WAITALL 0x100
#define VSK_MSG_NOSIGNAL 0x4000 /* accepted; there are no signals */

#define VSK_SHUT_RD 0
#define VSK_SHUT_WR 1
#define VSK_SHUT_RDWR 2

/* poll events, Linux values. */
#define VSK_POLLIN 0x1
#define VSK_POLLOUT 0x4
#define VSK_POLLERR 0x8
#define VSK_POLLHUP 0x10
#define VSK_POLLNVAL 0x20
#define VSK_POLLRDHUP 0x2000

/* Option levels and names (asm-generic/socket.h, linux/vm_sockets.h). */
#define VSK_SOL_SOCKET 1
#define VSK_SO_TYPE 3
#define VSK_SO_ERROR 4
#define VSK_SO_RCVTIMEO 20 /* SO_RCVTIMEO_OLD: 64-bit timeval */
#define VSK_SO_SNDTIMEO 21
#define VSK_SO_RCVTIMEO_NEW 66 /* same struct here */
#define VSK_SO_SNDTIMEO_NEW 67
#define VSK_AF_VSOCK 40 /* the level Linux uses for the options below */
#define VSK_SOL_VSOCK 287 /* also accepted */
#define VSK_SO_VM_SOCKETS_BUFFER_SIZE 0 /* u64 */
#define VSK_SO_VM_SOCKETS_BUFFER_MIN_SIZE 1 /* u64 */
#define VSK_SO_VM_SOCKETS_BUFFER_MAX_SIZE 2 /* u64 */
#define VSK_SO_VM_SOCKETS_CONNECT_TIMEOUT 6 /* _OLD: 64-bit timeval */
#define VSK_SO_VM_SOCKETS_CONNECT_TIMEOUT_NEW 8

/* Linux defaults (af_vsock.c). */
#define VSK_DEFAULT_BUFFER_SIZE 262144u
#define VSK_DEFAULT_BUFFER_MIN_SIZE 128u
#define VSK_DEFAULT_BUFFER_MAX_SIZE 262144u

/* struct timeval of a 64-bit Linux (and struct __kernel_sock_timeval). */
struct vsk_timeval {
	int64_t tv_sec;
	int64_t tv_usec;
};

struct vsk_pollfd {
	int sd; /* negative: ignored, revents 0 */
	int16_t events;
	int16_t revents;
};

struct vsk_msghdr {
	const struct vsock_iov *iov;
	uint32_t iovlen;
	int flags; /* recvmsg out: VSK_MSG_EOR, VSK_MSG_TRUNC */
};

struct vsk_ops {
	/* The transport, as vsock_proto_ops.send_pkt. Required. */
	int (*send_pkt)(void *ctx, const struct vsock_pkt *pkt);
	/*
	 * Block until something may have changed or @timeout_ms passed (-1:
	 * no limit); the host pumps the transport inside and may drop its
	 * own lock while sleeping. 0, or a negative VSK_E* that the blocked
	 * call returns (device gone: VSK_ECONNRESET). NULL: this stack never
	 * blocks.
	 */
	int (*wait)(void *ctx, int timeout_ms);
	/* Monotonic milliseconds. Required. */
	uint64_t (*now_ms)(void *ctx);
	/*
	 * A local call (close, shutdown) may have ended another caller's
	 * wait: wake the waiters. Optional.
	 */
	void (*wake)(void *ctx);
	/*
	 * OP_SHMEM on the connection of socket @sd (from
	 * vsock_proto_ops.shmem), decoded and checked. Optional. May call
	 * vsk_send_shmem().
	 */
	void (*shmem)(void *ctx, int sd, const struct vsock_shmem *m);
};

/* Socket states (struct vsk_sock.state). */
enum vsk_sock_state {
	VSK_SS_FREE = 0,
	VSK_SS_UNCONNECTED, /* new, bound, or after a failed connect */
	VSK_SS_CONNECTING,
	VSK_SS_CONNECTED, /* also after the connection closed */
	VSK_SS_LISTENING,
};

#define VSK_TIMEO_INF UINT64_MAX

/* One socket; public only so storage can be provided. */
struct vsk_sock {
	uint8_t state; /* enum vsk_sock_state */
	uint8_t type; /* VSOCK_TYPE_STREAM or VSOCK_TYPE_SEQPACKET */
	uint8_t shut; /* VSOCK_SHUTDOWN_* from vsk_shutdown() */
	bool nonblock;
	bool bound; /* has a local address (bind() is VSK_EINVAL) */
	bool owns_port; /* bind()/autobind: the port is taken */
	bool closed_seen; /* the connection's end became so_error */
	uint32_t gen; /* bumped by close: waiting calls notice */
	uint32_t local_cid; /* as bound: VSK_CID_ANY or ours */
	uint32_t local_port;
	uint32_t peer_cid;
	uint32_t peer_port;
	int so_error; /* pending error, 0 or VSK_E* */
	struct vsock_conn *conn; /* connection or listener, NULL if none */
	uint64_t rcvtimeo_us; /* VSK_TIMEO_INF: no limit */
	uint64_t sndtimeo_us;
	uint64_t connect_timeout_us;
	uint64_t buf_size, buf_min, buf_max;
};

struct vsk_stack {
	struct vsock_proto *proto; /* &own, or the one vsk_stack_wrap() got */
	struct vsock_proto own;
	const struct vsk_ops *ops;
	void *ctx;
	struct vsk_sock *socks;
	uint32_t sock_count;
	uint32_t next_port; /* next ephemeral port to try */
};

/*
 * Stack with CID @cid, @sock_count sockets and the proto's storage
 * (vsock_proto_init(): @conn_count slots of @rx_len receive bytes each;
 * give more slots than sockets, as closed connections linger up to
 * VSOCK_CLOSE_TIMEOUT_MS). VSK_EINVAL for missing ops (send_pkt, now_ms)
 * or storage, more than INT_MAX sockets, or what vsock_proto_init()
 * refuses.
 */
int vsk_stack_init(struct vsk_stack *s, uint64_t cid, const struct vsk_ops *ops,
		   void *ctx, struct vsk_sock *socks, uint32_t sock_count,
		   struct vsock_conn *conns, uint32_t conn_count,
		   uint8_t *rx_mem, uint32_t rx_len);
/*
 * Sockets on a proto someone else owns (a device's endpoint that also
 * serves connections of its own, like the secure side's services). The
 * owner keeps the proto's ops: packets leave through its send_pkt
 * (@ops->send_pkt is not used and may be NULL), OP_SHMEM goes to its
 * shmem op (@ops->shmem is not used), and its notify op must pass every
 * event on to vsk_stack_notify(). The owner also feeds the proto
 * (vsock_proto_rx(), _tick(), _transport_reset()). Connections the sockets
 * did not make (the owner's listeners and their children) are the owner's
 * alone: no socket ever reaches them, and binding a port an owner's
 * listener holds is VSK_EADDRINUSE. VSK_EINVAL without @p, @ops,
 * ops->now_ms, @socks or @sock_count, or more than INT_MAX sockets.
 */
int vsk_stack_wrap(struct vsk_stack *s, struct vsock_proto *p,
		   const struct vsk_ops *ops, void *ctx, struct vsk_sock *socks,
		   uint32_t sock_count);
/* What the proto's notify op tells a wrapped stack (vsk_stack_wrap()). */
void vsk_stack_notify(struct vsk_stack *s, struct vsock_conn *c,
		      enum vsock_event ev);
/* Whether @c is the connection (or listener) of an open socket of @s. */
bool vsk_stack_owns(struct vsk_stack *s, const struct vsock_conn *c);
/* A packet from the transport (the host calls this, e.g. inside wait). */
void vsk_stack_rx(struct vsk_stack *s, const struct vsock_pkt *pkt);
/* Run expired connect/close timeouts; call it now and then when idle. */
void vsk_stack_tick(struct vsk_stack *s);
/* Transport reset event: every connection fails with VSK_ECONNRESET. */
void vsk_stack_transport_reset(struct vsk_stack *s);

/*
 * New socket: @type VSOCK_TYPE_STREAM or VSOCK_TYPE_SEQPACKET (the header
 * values, which SO_TYPE returns too), anything else
 * VSK_ESOCKTNOSUPPORT; @flags 0 or VSK_NONBLOCK (else VSK_EINVAL).
 * Returns the descriptor, VSK_EMFILE when the table is full.
 */
int vsk_socket(struct vsk_stack *s, int type, int flags);
int vsk_set_nonblock(struct vsk_stack *s, int sd, bool on);

/*
 * @cid VSK_CID_ANY or ours (else VSK_EADDRNOTAVAIL); @port VSK_PORT_ANY
 * picks a free ephemeral one (VSK_EADDRNOTAVAIL when none). VSK_EINVAL
 * when already bound (connect binds implicitly), VSK_EADDRINUSE when
 * another socket holds the port (any type, like Linux).
 */
int vsk_bind(struct vsk_stack *s, int sd, uint32_t cid, uint32_t port);

/*
 * Listen on the bound port. VSK_EINVAL unbound, connecting or connected;
 * listening again changes the backlog. @backlog 0 means 1, negative (or
 * more than the proto has slots) means all slots. VSK_ENOBUFS when the
 * proto has no free slot.
 */
int vsk_listen(struct vsk_stack *s, int sd, int backlog);

/*
 * Next established connection: its descriptor (@flags: VSK_NONBLOCK for
 * it), peer address in *@peer_cid / *@peer_port (may be NULL). Waits per
 * the listener's mode and SO_RCVTIMEO (VSK_EAGAIN). VSK_EINVAL not
 * listening or unknown flags, VSK_EMFILE when the table is full.
 */
int vsk_accept(struct vsk_stack *s, int sd, int flags, uint32_t *peer_cid,
	       uint32_t *peer_port);

/*
 * Connect to (@cid, @port); binds an ephemeral port first if unbound.
 * Blocking: 0 when established, VSK_ECONNRESET when refused (RST),
 * VSK_ETIMEDOUT after SO_VM_SOCKETS_CONNECT_TIMEOUT (2 s). Non-blocking:
 * VSK_EINPROGRESS, then poll for VSK_POLLOUT and read SO_ERROR; another
 * connect() meanwhile is VSK_EALREADY, and after a failure returns the
 * failure once. VSK_EISCONN connected, VSK_EINVAL listening or @cid /
 * @port ANY, VSK_EADDRINUSE tuple in use, VSK_ENOBUFS no proto slot.
 */
int vsk_connect(struct vsk_stack *s, int sd, uint32_t cid, uint32_t port);

/*
 * Send; returns bytes sent. STREAM blocks until everything is sent (or
 * returns what was sent when the timeout, an error or non-blocking mode
 * stops it); SEQPACKET sends one whole message or nothing (VSK_EMSGSIZE
 * beyond the peer's buffer). VSK_EPIPE after our SHUT_WR, the peer's
 * SHUT_RD or the connection's end (after its error was reported),
 * VSK_ENOTCONN when not connected, VSK_EAGAIN (SO_SNDTIMEO,
 * non-blocking), VSK_EOPNOTSUPP for VSK_MSG_OOB. Flags:
 * VSK_MSG_DONTWAIT; VSK_MSG_EOR and VSK_MSG_NOSIGNAL are accepted.
 */
int vsk_send(struct vsk_stack *s, int sd, const void *buf, size_t len,
	     int flags);
int vsk_sendmsg(struct vsk_stack *s, int sd, const struct vsk_msghdr *msg,
		int flags);

/*
 * Receive; returns bytes copied, 0 at end of stream (peer shut or closed,
 * our SHUT_RD, or a zero-length buffer). STREAM returns what is queued
 * (VSK_MSG_WAITALL: waits for the whole buffer unless end of stream, an
 * error or the timeout comes first); SEQPACKET returns one message,
 * msg->flags VSK_MSG_EOR and VSK_MSG_TRUNC when it did not fit (with
 * VSK_MSG_TRUNC in @flags the message's full length is returned).
 * VSK_MSG_PEEK leaves the data queued. VSK_ENOTCONN when not connected,
 * VSK_EAGAIN (SO_RCVTIMEO, non-blocking), VSK_EOPNOTSUPP for VSK_MSG_OOB.
 */
int vsk_recv(struct vsk_stack *s, int sd, void *buf, size_t len, int flags);
int vsk_recvmsg(struct vsk_stack *s, int sd, struct vsk_msghdr *msg, int flags);

/*
 * @how VSK_SHUT_RD, _WR or _RDWR (else VSK_EINVAL); VSK_ENOTCONN unless
 * connected.
 */
int vsk_shutdown(struct vsk_stack *s, int sd, int how);

/* Release @sd; the connection closes in the background. VSK_EBADF. */
int vsk_close(struct vsk_stack *s, int sd);

/*
 * Wait until one of @n entries has events (revents: what is asked plus
 * VSK_POLLERR, VSK_POLLHUP, VSK_POLLNVAL for a bad descriptor) or
 * @timeout_ms passes (-1: no limit). Returns the number of entries with
 * revents, 0 on timeout, or the wait op's error.
 */
int vsk_poll(struct vsk_stack *s, struct vsk_pollfd *fds, uint32_t n,
	     int timeout_ms);
/* Every VSK_POLL* bit that holds for @sd now (VSK_POLLNVAL if bad). */
int vsk_poll_mask(struct vsk_stack *s, int sd);

/*
 * Options (see docs/vsock.md for the list). *@len is the room at @val on
 * entry (VSK_EINVAL when too small) and the size written on return.
 * VSK_ENOPROTOOPT for an unknown level or name.
 */
int vsk_setsockopt(struct vsk_stack *s, int sd, int level, int name,
		   const void *val, uint32_t len);
int vsk_getsockopt(struct vsk_stack *s, int sd, int level, int name, void *val,
		   uint32_t *len);

/*
 * Local address: (VSK_CID_ANY, VSK_PORT_ANY) unbound, the bound CID
 * otherwise (ours once connecting or connected).
 */
int vsk_getsockname(struct vsk_stack *s, int sd, uint32_t *cid, uint32_t *port);
/* Peer address; VSK_ENOTCONN unless connected. */
int vsk_getpeername(struct vsk_stack *s, int sd, uint32_t *cid, uint32_t *port);

/* The connection (or listener) behind @sd; NULL if none or bad. */
struct vsock_conn *vsk_conn(struct vsk_stack *s, int sd);
/*
 * OP_SHMEM with @m on @sd's connection (also after a shutdown: a REVOKE
 * must still go out). VSK_EBADF, VSK_ENOTCONN not connected, VSK_EPIPE
 * connection closed, VSK_EINVAL for a payload the codec refuses.
 */
int vsk_send_shmem(struct vsk_stack *s, int sd, const struct vsock_shmem *m);

#endif /* TZSHARE_VSOCK_SOCKET_H */
