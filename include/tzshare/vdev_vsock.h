/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * virtio-vsock device (ID 19) on the generic virtio-msg device model
 * (portable core; virtio-msg.md §4). The device is the secure side's end
 * of the transport: a struct vsock_proto with CID 2 (VSOCK_CID_HOST) that
 * talks to the driver VM, whose CID (guest_cid, config le64) is fixed at
 * registration.
 *
 * Queues: rx 0 (driver-writable buffers, device -> driver packets), tx 1
 * (driver-readable header + payload), event 2 (4-byte event buffers).
 * Features: VERSION_1, EVENT_IDX, STREAM, SEQPACKET.
 *
 * tx: the header of every chain is copied out of shared memory before it
 * is decoded (no TOCTOU); the payload of a one-buffer chain is copied once,
 * by the proto, straight into the connection's ring (nothing decides on
 * its bytes), a chain of several buffers is copied whole first. A chain
 * that is short, longer than
 * VDEV_VSOCK_PKT_MAX, or whose len does not match its bytes is dropped and
 * counted (stats.tx_bad), as is one whose src_cid is not guest_cid. The
 * chain is always returned (0 bytes written) so the driver can reuse it.
 *
 * rx: packets the proto emits go into the next rx chain; when none is
 * posted they wait in a bounded side queue (VDEV_VSOCK_SIDEQ packets) and
 * leave when the driver adds rx buffers (queue_notify on rx). tx is not
 * popped while the side queue lacks room for what a tx packet may cause
 * (VDEV_VSOCK_TX_RESERVE), so tx chains wait in their ring instead of
 * replies being lost; rx is always processed (virtio-msg.md §4).
 *
 * Services: the secure side runs a small table of services
 * (struct vdev_vsock_service), each listening on (port, type) and owning
 * the connections the device accepted for it. OP_SHMEM (architecture.md
 * §3) on a service's connection is validated by the device against the
 * area it names, held on the bus and handed to the service as a device
 * pointer (struct vdev_vsock_offer); docs/virtio-msg.md "vsock shared
 * memory (device side)" lists the checks.
 *
 * Secure sockets: secure code also gets the socket API of
 * <tzshare/vsock_socket.h> at CID 2 on the same proto (vdev_vsock_stack()),
 * non-blocking only, driven by tasks (struct vdev_vsock_task) the device
 * runs after the services; see "Secure sockets" below.
 *
 * Sizes: the driver may send RW payloads up to VDEV_VSOCK_PAYLOAD_MAX; the
 * device sends at most VDEV_VSOCK_RX_PAYLOAD_MAX per packet. struct
 * vdev_vsock holds a VDEV_VSOCK_RX_LEN receive buffer per connection slot
 * (several MiB): allocate it on the heap or statically.
 */
#ifndef TZSHARE_VDEV_VSOCK_H
#define TZSHARE_VDEV_VSOCK_H

#include <stdbool.h>
#include <stdint.h>

#include <tzshare/vmsg_transport.h>
#include <tzshare/vsock.h>
#include <tzshare/vsock_conn.h>
#include <tzshare/vsock_socket.h>

#define VDEV_VSOCK_QUEUE_MAX 256u
#define VDEV_VSOCK_NUM_QUEUES 3u
/* Largest RW payload the driver may send (one tx chain, copied whole). */
#define VDEV_VSOCK_PAYLOAD_MAX 65536u
#define VDEV_VSOCK_PKT_MAX (VSOCK_HDR_SIZE + VDEV_VSOCK_PAYLOAD_MAX)
/*
 * Largest RW payload the device sends (the proto splits to this), so every
 * device -> driver packet fits an rx buffer of VDEV_VSOCK_RX_PKT_MAX bytes
 * (Linux posts 4 KiB + header). The driver must post rx chains at least
 * that large: smaller ones come back empty (stats.rx_small).
 */
#define VDEV_VSOCK_RX_PAYLOAD_MAX 4096u
#define VDEV_VSOCK_RX_PKT_MAX (VSOCK_HDR_SIZE + VDEV_VSOCK_RX_PAYLOAD_MAX)
#define VDEV_VSOCK_SIDEQ 16u
/* Side-queue slots one tx packet may need (RESPONSE/RST, credit, echo). */
#define VDEV_VSOCK_TX_RESERVE 4u
/* Connection slots of the secure side: 64 echo children, 16 of the other
 * services, their listeners, 16 secure sockets, connections closing. */
#define VDEV_VSOCK_CONNS 112u
#define VDEV_VSOCK_SOCKS 24u /* secure socket descriptors */
#define VDEV_VSOCK_TASKS 4u /* secure socket code the device runs */
/* Per-connection receive buffer: Linux's default vsock buffer size, so a
 * sender may have several 64 KiB packets in flight per kick. */
#define VDEV_VSOCK_RX_LEN 262144u
#define VDEV_VSOCK_DEFAULT_CID 3u

#define VDEV_VSOCK_FEATURES                                            \
	((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_F_EVENT_IDX) | \
	 (1ull << VSOCK_F_STREAM) | (1ull << VSOCK_F_SEQPACKET))

/* Ports of the secure services (STREAM). */
#define VDEV_VSOCK_PORT_ECHO 5000u
#define VDEV_VSOCK_PORT_READER 5001u
#define VDEV_VSOCK_PORT_TRANSFORM 5002u
#define VDEV_VSOCK_PORT_SINK 5003u
#define VDEV_VSOCK_PORT_SINK_SUM 5004u
#define VDEV_VSOCK_PORT_COPIER 5006u

#define VDEV_VSOCK_SERVICES 8u /* services one device runs */
#define VDEV_VSOCK_SHM_OFFERS 8u /* live offers per connection */
#define VDEV_VSOCK_SHM_SIZE_MAX (128u << 20) /* largest offer, bytes */

struct vdev_vsock;

/* A live OP_SHMEM offer, as the device accepted it. */
struct vdev_vsock_offer {
	struct vsock_shmem desc; /* as offered (subop OFFER) */
	uint8_t *mem; /* device pointer to desc.size bytes of driver memory */
	bool writable; /* desc.flags has VSOCK_SHMEM_F_WRITABLE */
};

/*
 * What a service does. Every callback gets the service's ctx and runs in
 * the device's context (one call at a time); none may close @c (use
 * vdev_vsock_conn_close() from @ready only).
 * @accepted: optional; @c is now the service's (0), or negative to refuse
 *	it (the device closes it).
 * @ready: after each packet from the driver, rx refills and ticks, for
 *	each connection the service owns: read, send, retry what waited for
 *	credit. May call vdev_vsock_conn_close().
 * @offer: optional (no offer callback: every OFFER is rejected); a
 *	validated offer on @c, memory held until @revoke. 0 takes it, a
 *	negative value rejects it (OFFER_REJECT). May send on @c.
 * @revoke: optional; the offer ends (REVOKE, the connection closing, a
 *	reset): stop using o->mem before returning.
 * @closed: optional; @c left the service (peer reset or close, reset,
 *	vdev_vsock_conn_close()): forget it. Its offers were revoked first.
 */
struct vdev_vsock_service_ops {
	int (*accepted)(struct vdev_vsock *v, void *ctx, struct vsock_conn *c);
	void (*ready)(struct vdev_vsock *v, void *ctx, struct vsock_conn *c);
	int (*offer)(struct vdev_vsock *v, void *ctx, struct vsock_conn *c,
		     const struct vdev_vsock_offer *o);
	void (*revoke)(struct vdev_vsock *v, void *ctx, struct vsock_conn *c,
		       const struct vdev_vsock_offer *o);
	void (*closed)(struct vdev_vsock *v, void *ctx, struct vsock_conn *c);
};

/* One service: the caller fills the first block, the device the rest. */
struct vdev_vsock_service {
	uint32_t port;
	uint16_t type; /* VSOCK_TYPE_* */
	uint32_t max_conns; /* connections it owns at once (>= 1) */
	const struct vdev_vsock_service_ops *ops;
	void *ctx;
	struct vsock_conn *listener;
	uint32_t conns; /* connections it owns now */
};

/* Rejected OFFERs by reason, in the order the device checks them. */
struct vdev_vsock_shm_stats {
	uint64_t offers; /* accepted */
	uint64_t rejects; /* OFFER_REJECT sent, every reason */
	uint64_t revokes; /* REVOKE_DONE sent */
	uint64_t auto_revoked; /* revoked by close or reset, no reply */
	uint64_t revoke_unknown; /* REVOKE naming no live offer */
	uint64_t bad_subop; /* REVOKE_DONE / OFFER_REJECT from the driver */
	uint64_t reply_lost; /* reply the side queue refused (see .c) */
	uint64_t no_service; /* no service owns the conn / takes offers */
	uint64_t dup_id; /* offer_id already live on the connection */
	uint64_t limit; /* VDEV_VSOCK_SHM_OFFERS live on the connection */
	uint64_t bad_flags; /* flag bits beyond VSOCK_SHMEM_F_MASK */
	uint64_t empty; /* size 0 */
	uint64_t too_big; /* size > VDEV_VSOCK_SHM_SIZE_MAX */
	uint64_t no_mem_info; /* the bus cannot describe its memory */
	uint64_t bad_range; /* not inside one mapped area */
	uint64_t releasing; /* the area's unshare is pending */
	uint64_t bad_handle; /* ffa_handle is not the area's */
	uint64_t bad_kind; /* kind does not match the area's share type */
	uint64_t bad_tag; /* SEND_SECURE: tag 0 or not the area's */
	uint64_t not_writable; /* WRITABLE asked of a read-only area */
	uint64_t refused; /* the service's offer callback said no */
};

struct vdev_vsock_offer_slot {
	bool used;
	struct vdev_vsock_offer o;
};

/*
 * Secure socket code: @run is called (with @ctx) after the services'
 * ready callbacks, i.e. after each packet from the driver, rx refill, tick
 * and reset, so non-blocking sockets make progress. It may make any
 * vsk_* call on vdev_vsock_stack().
 */
struct vdev_vsock_task {
	void (*run)(struct vdev_vsock *v, void *ctx);
	void *ctx;
};

struct vdev_vsock_sideq_ent {
	uint32_t len; /* header + payload bytes in pkt */
	uint8_t pkt[VDEV_VSOCK_RX_PKT_MAX];
};

struct vdev_vsock {
	struct vmsg_device dev;
	uint64_t guest_cid;
	uint64_t now_ms; /* the caller's clock, for the proto */
	struct vsock_proto proto; /* the secure side, CID 2 */
	struct vsock_conn conns[VDEV_VSOCK_CONNS];
	uint8_t rx_mem[VDEV_VSOCK_CONNS * VDEV_VSOCK_RX_LEN];
	bool event_pending; /* TRANSPORT_RESET waits for an event buffer */
	struct vdev_vsock_service *services[VDEV_VSOCK_SERVICES];
	uint8_t owner[VDEV_VSOCK_CONNS]; /* service index + 1; 0: none */
	struct vdev_vsock_offer_slot offers[VDEV_VSOCK_CONNS]
					   [VDEV_VSOCK_SHM_OFFERS];
	struct vdev_vsock_shm_stats shm_stats;
	/* Secure sockets on proto (vdev_vsock_stack()) and their tasks. */
	struct vsk_stack stack;
	struct vsk_sock socks[VDEV_VSOCK_SOCKS];
	struct vdev_vsock_task *tasks[VDEV_VSOCK_TASKS];
	/* Side queue of encoded packets, FIFO. */
	uint32_t sq_head, sq_count;
	struct vdev_vsock_sideq_ent sq[VDEV_VSOCK_SIDEQ];
	uint8_t tx_buf[VDEV_VSOCK_PKT_MAX]; /* copy of one tx chain */
	uint64_t inflight[VDEV_VSOCK_NUM_QUEUES][VDEV_VSOCK_QUEUE_MAX];
	struct vdev_vsock_stats {
		uint64_t tx_pkts; /* handed to the proto */
		uint64_t tx_bad; /* malformed chains, dropped */
		uint64_t tx_bad_cid; /* src_cid != guest_cid, dropped */
		uint64_t rx_pkts; /* delivered into rx chains */
		uint64_t rx_small; /* rx chains too small, returned empty */
		uint64_t sideq_full; /* packets refused: side queue full */
		uint64_t events; /* TRANSPORT_RESET events delivered */
		uint64_t resets; /* device resets */
		uint64_t broken; /* a queue went broken */
	} stats;
};

/** Set up identity, features, config (guest_cid) and the CID 2 proto. */
void vdev_vsock_init(struct vdev_vsock *v, uint64_t guest_cid);

/** Run proto timeouts at @now_ms (also updates v->now_ms). */
void vdev_vsock_tick(struct vdev_vsock *v, uint64_t now_ms);

/**
 * The secure side lost its connections (e.g. it restarted): every
 * connection is reset without RSTs, queued packets are dropped and a
 * TRANSPORT_RESET event goes into the event queue (now, or when the driver
 * next adds an event buffer).
 */
void vdev_vsock_transport_reset(struct vdev_vsock *v);

/** Deliver side-queued packets into posted rx chains. */
void vdev_vsock_flush(struct vdev_vsock *v);

/**
 * Register @s (caller storage, kept until the device goes away): listen on
 * (s->port, s->type) with a backlog of s->max_conns. VSOCK_EINVAL for
 * missing ops or max_conns 0, VSOCK_ENOBUFS when VDEV_VSOCK_SERVICES are
 * registered, else vsock_listen()'s error.
 */
int vdev_vsock_service_add(struct vdev_vsock *v, struct vdev_vsock_service *s);

/**
 * A service ends connection @c it owns: its live offers are revoked
 * (revoke callback, hold released, no reply), closed() runs, then
 * vsock_close(). @c is invalid afterwards.
 */
void vdev_vsock_conn_close(struct vdev_vsock *v, struct vsock_conn *c);

/*
 * Secure sockets (core/vdev/vsock_sock.c). vdev_vsock_stack() is a
 * struct vsk_stack at CID 2 wrapping the device's proto (vsk_stack_wrap()):
 * no wait op, so every call is non-blocking (VSK_EAGAIN, connect
 * VSK_EINPROGRESS; poll with timeout 0), the device's clock (now_ms), up
 * to VDEV_VSOCK_SOCKS descriptors. Secure code calls it from a task
 * (vdev_vsock_task_add()) or whenever the device is not running (the
 * caller serialises, like every device call). Its packets follow the
 * device's rules:
 *  - Everything goes through the side queue, in order, into rx chains the
 *    driver posted; nothing blocks and tx is only popped with
 *    VDEV_VSOCK_TX_RESERVE side slots free, as for the services.
 *  - RW packets of secure sockets keep VDEV_VSOCK_TX_RESERVE slots of
 *    vdev_vsock_tx_room() free for control packets: a STREAM send stops
 *    there (VSK_EAGAIN or a short count), a SEQPACKET message waits whole
 *    (VSK_EAGAIN) until it fits, so no message is cut in half. POLLOUT
 *    shows credit only; such a send is retried in the next task run.
 *  - A control packet the side queue refuses: a connect's REQUEST fails
 *    the call with VSK_EAGAIN (try again later); a CREDIT_UPDATE (recv),
 *    SHUTDOWN (shutdown, close) or RST is lost (proto stats.tx_errors).
 *    So check vdev_vsock_tx_room() > 0 before recv, shutdown and close.
 *  - OP_SHMEM on a secure socket's connection is checked like any other
 *    and answered OFFER_REJECT (shm_stats.no_service): secure sockets take
 *    no offers. Binding a service's port is VSK_EADDRINUSE.
 * Device reset and TRANSPORT_RESET end every socket's connection
 * (VSK_ECONNRESET).
 */
struct vsk_stack *vdev_vsock_stack(struct vdev_vsock *v);

/*
 * Packets the device takes now: free side-queue slots (after delivering
 * what fits), plus the rx chains the driver posted when the side queue is
 * empty (a hint read from the ring).
 */
uint32_t vdev_vsock_tx_room(struct vdev_vsock *v);

/*
 * Run @t (caller storage, kept until the device goes away) after each
 * batch. VSOCK_EINVAL without t->run, VSOCK_ENOBUFS when VDEV_VSOCK_TASKS
 * are registered.
 */
int vdev_vsock_task_add(struct vdev_vsock *v, struct vdev_vsock_task *t);

/**
 * Echo service on the secure side: listens on (@port, @type) and sends
 * back what each accepted connection receives. Install with
 * vdev_vsock_echo_attach() (core/vdev/vsock_echo.c). It serves
 * VDEV_VSOCK_ECHO_CHILDREN connections at once.
 */
#define VDEV_VSOCK_ECHO_CHILDREN 64u
#define VDEV_VSOCK_ECHO_BUF 65536u /* bytes one echo read takes */
struct vdev_vsock_echo {
	struct vdev_vsock_service svc;
	struct vsock_conn *listener;
	uint16_t type;
	struct vdev_vsock_echo_child {
		struct vsock_conn *c;
		uint32_t len, off; /* pending echo bytes in buf */
		uint32_t flags; /* SEQPACKET message flags of buf */
		uint8_t buf[VDEV_VSOCK_ECHO_BUF];
	} child[VDEV_VSOCK_ECHO_CHILDREN];
	uint64_t echoed; /* bytes sent back */
};

int vdev_vsock_echo_attach(struct vdev_vsock *v, struct vdev_vsock_echo *e,
			   uint32_t port, uint16_t type);

/**
 * Shared-memory services (STREAM): on OFFER they copy the buffer out in
 * chunks (nothing they decide on is read twice) and answer on the
 * connection with a record of VDEV_VSOCK_SHM_RECORD bytes:
 *   0 offer_id le64, 8 size le64, 16 fnv32 le32, 20 kind le32
 * fnv32 = 32-bit FNV-1a (offset basis 0x811c9dc5, prime 0x01000193) over
 * the buffer's bytes. They are done with the memory when the offer
 * callback returns, so REVOKE is simply acknowledged. Records that find no
 * credit wait (VDEV_VSOCK_SHM_OFFERS per connection; an offer beyond that
 * is refused) and go out on the next ready call. @log (optional) gets one
 * line per offer, e.g.
 *   shmem reader: offer 1 SHARE 4096 bytes: "Hello World!"
 * with the buffer's leading text up to the first NUL (at most
 * VDEV_VSOCK_SHM_LOG_TEXT bytes; '"', '\' and bytes outside 0x20..0x7e
 * escaped as \", \\, \xNN).
 *
 * reader (core/vdev/shm_reader.c): reads SHARE / LEND / SEND_SECURE
 * offers, read-only or writable.
 * transform (core/vdev/shm_transform.c): uppercases the ASCII letters of
 * a WRITABLE offer in place (the whole buffer) and answers with the record
 * of the result; a read-only offer is refused (OFFER_REJECT).
 */
#define VDEV_VSOCK_SHM_RECORD 24u
#define VDEV_VSOCK_SHM_SVC_CONNS 4u
#define VDEV_VSOCK_SHM_LOG_TEXT 64u
#define VDEV_VSOCK_SHM_CHUNK 256u
#define VDEV_VSOCK_SHM_LINE 384u

typedef void (*vdev_vsock_log_fn)(void *ctx, const char *line);

struct vdev_vsock_shm_svc {
	struct vdev_vsock_service svc;
	const char *name; /* "reader", "transform": for the log */
	vdev_vsock_log_fn log;
	void *log_ctx;
	struct vdev_vsock_shm_conn {
		struct vsock_conn *c;
		uint32_t head, count; /* records waiting for credit */
		uint32_t off; /* bytes of the head record sent */
		uint8_t rec[VDEV_VSOCK_SHM_OFFERS][VDEV_VSOCK_SHM_RECORD];
	} conn[VDEV_VSOCK_SHM_SVC_CONNS];
	uint8_t chunk[VDEV_VSOCK_SHM_CHUNK]; /* copy of the buffer */
	char line[VDEV_VSOCK_SHM_LINE];
	uint64_t offers; /* offers handled */
	uint64_t bytes; /* buffer bytes read */
	uint64_t records; /* records sent whole */
};

int vdev_vsock_reader_attach(struct vdev_vsock *v, struct vdev_vsock_shm_svc *s,
			     uint32_t port, vdev_vsock_log_fn log,
			     void *log_ctx);
int vdev_vsock_transform_attach(struct vdev_vsock *v,
				struct vdev_vsock_shm_svc *s, uint32_t port,
				vdev_vsock_log_fn log, void *log_ctx);
/*
 * copier (core/vdev/shm_copier.c): takes a private copy of any offer (the
 * whole buffer, chunk by chunk) and answers with a record whose fnv32 is 0;
 * no log line. The zero-copy side of the copy benchmarks.
 */
int vdev_vsock_copier_attach(struct vdev_vsock *v, struct vdev_vsock_shm_svc *s,
			     uint32_t port);

/*
 * Sink services (core/vdev/vsock_sink.c), STREAM: frames of an le64 length
 * then that many bytes, each answered with a VDEV_VSOCK_SHM_RECORD record
 * (offer_id 0, size = frame length, fnv32 over the frame when @checksum
 * else 0, kind VDEV_VSOCK_SINK_KIND). The copy path of the benchmarks.
 */
#define VDEV_VSOCK_SINK_CONNS 4u
#define VDEV_VSOCK_SINK_KIND 0xFFFFFFFFu

struct vdev_vsock_sink {
	struct vdev_vsock_service svc;
	bool checksum;
	struct vdev_vsock_sink_conn {
		struct vsock_conn *c;
		uint8_t hdr[8];
		uint32_t hdr_got;
		uint64_t frame_len, left;
		uint32_t fnv;
		uint8_t rec[VDEV_VSOCK_SHM_RECORD];
		uint32_t rec_len, rec_off;
	} conn[VDEV_VSOCK_SINK_CONNS];
	uint8_t buf[4096];
	uint64_t bytes;
	uint64_t frames;
};

int vdev_vsock_sink_attach(struct vdev_vsock *v, struct vdev_vsock_sink *s,
			   uint32_t port, bool checksum);

/*
 * Secure client (core/vdev/vsock_client.c): a task that, once started,
 * connects @conns STREAM secure sockets from CID 2 to (guest CID, @port),
 * all at once, sends @bytes bytes on each (byte i of connection k is
 * vdev_vsock_client_byte(k, i)), expects the same bytes back (the driver
 * side runs an echo server), checks them as they come and closes. A
 * connection ends ok (all bytes back, in order) or failed with an error:
 * VSK_ECONNRESET (refused: nobody listens; or reset), VSK_ETIMEDOUT
 * (connect timeout, or VDEV_VSOCK_CLIENT_IDLE_MS without progress),
 * VDEV_VSOCK_CLIENT_EBADMSG (a byte differs, or more came back than was
 * sent), VDEV_VSOCK_CLIENT_ENODATA (the peer ended the stream early), or
 * another VSK_E* of a socket call (VSK_EMFILE, VSK_ENOBUFS: no descriptor
 * or slot). The run is done when every connection ended and was closed.
 * It follows the secure socket rules above (closes and receives only with
 * side-queue room). The device must run (kicks, ticks) for it to progress.
 */
#define VDEV_VSOCK_CLIENT_CONNS 16u
#define VDEV_VSOCK_CLIENT_BYTES_MAX (16u << 20)
#define VDEV_VSOCK_CLIENT_IDLE_MS 30000u
#define VDEV_VSOCK_CLIENT_EBADMSG (-74)
#define VDEV_VSOCK_CLIENT_ENODATA (-61)

enum vdev_vsock_client_state {
	VDEV_VSOCK_CLIENT_IDLE = 0, /* never started */
	VDEV_VSOCK_CLIENT_RUNNING,
	VDEV_VSOCK_CLIENT_DONE,
};

struct vdev_vsock_client_result {
	uint32_t state; /* enum vdev_vsock_client_state */
	uint32_t conns; /* asked for */
	uint32_t bytes; /* per connection */
	uint32_t port;
	uint32_t ok; /* every byte came back right */
	uint32_t failed; /* ended with an error */
	int first_error; /* of the first failed connection; 0 if none */
	/* failed connections by error */
	uint32_t resets; /* VSK_ECONNRESET */
	uint32_t timeouts; /* VSK_ETIMEDOUT */
	uint32_t bad_data; /* VDEV_VSOCK_CLIENT_EBADMSG */
	uint32_t short_data; /* VDEV_VSOCK_CLIENT_ENODATA */
	uint32_t other; /* anything else */
	uint64_t bytes_checked; /* echoed bytes found right, all connections */
};

struct vdev_vsock_client {
	struct vdev_vsock_task task;
	struct vdev_vsock *v;
	uint32_t cursor; /* connection the next run starts with */
	struct vdev_vsock_client_conn {
		int sd; /* -1: none (never opened, or closed) */
		uint8_t phase;
		int err; /* how it ended */
		uint32_t sent, got;
		uint64_t last_ms; /* last progress, device clock */
	} c[VDEV_VSOCK_CLIENT_CONNS];
	uint8_t buf[VDEV_VSOCK_RX_PAYLOAD_MAX];
	struct vdev_vsock_client_result res;
};

/* Register @cl's task on @v (idle until started); vdev_vsock_task_add(). */
int vdev_vsock_client_attach(struct vdev_vsock *v,
			     struct vdev_vsock_client *cl);
/*
 * Start a run (the previous result is dropped): sockets open and connects
 * go out now. VSOCK_EINVAL for @conns 0 or beyond VDEV_VSOCK_CLIENT_CONNS,
 * @bytes beyond VDEV_VSOCK_CLIENT_BYTES_MAX or @port VSK_PORT_ANY;
 * VSOCK_EAGAIN while a run is in progress.
 */
int vdev_vsock_client_start(struct vdev_vsock_client *cl, uint32_t port,
			    uint32_t conns, uint32_t bytes);
uint8_t vdev_vsock_client_byte(uint32_t conn, uint32_t i);

/* 32-bit FNV-1a: continue @h (start with VDEV_VSOCK_FNV32_INIT). */
#define VDEV_VSOCK_FNV32_INIT 0x811c9dc5u
uint32_t vdev_vsock_fnv32(uint32_t h, const uint8_t *p, uint32_t n);

#endif /* TZSHARE_VDEV_VSOCK_H */
