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
 * tx: every chain is copied out of shared memory first (no TOCTOU), then
 * decoded with vsock_pkt_decode(); a chain that is short, longer than
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
 * Sizes: the driver may send RW payloads up to VDEV_VSOCK_PAYLOAD_MAX; the
 * device sends at most VDEV_VSOCK_RX_PAYLOAD_MAX per packet. struct
 * vdev_vsock holds a VDEV_VSOCK_RX_LEN receive buffer per connection slot
 * (several MiB): allocate it on the heap.
 */
#ifndef TZSHARE_VDEV_VSOCK_H
#define TZSHARE_VDEV_VSOCK_H

#include <stdbool.h>
#include <stdint.h>

#include <tzshare/vmsg_transport.h>
#include <tzshare/vsock.h>
#include <tzshare/vsock_conn.h>

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
/* Connection slots of the secure side: 64 echo children, listeners, and
 * connections closing. */
#define VDEV_VSOCK_CONNS 80u
#define VDEV_VSOCK_RX_LEN 65536u /* per-connection receive buffer */
#define VDEV_VSOCK_DEFAULT_CID 3u

#define VDEV_VSOCK_FEATURES                                            \
	((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_F_EVENT_IDX) | \
	 (1ull << VSOCK_F_STREAM) | (1ull << VSOCK_F_SEQPACKET))

struct vdev_vsock;

/* Called after each batch of packets from the driver (and rx refills). */
typedef void (*vdev_vsock_service_fn)(struct vdev_vsock *v, void *ctx);

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
	vdev_vsock_service_fn service;
	void *service_ctx;
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
 * Echo service on the secure side: listens on (@port, @type) and sends
 * back what each accepted connection receives. Install with
 * vdev_vsock_echo_attach(); it runs as the device's service hook. It
 * serves VDEV_VSOCK_ECHO_CHILDREN connections at once (as many more may
 * wait in the listen backlog).
 */
#define VDEV_VSOCK_ECHO_CHILDREN 64u
struct vdev_vsock_echo {
	struct vsock_conn *listener;
	uint16_t type;
	struct vdev_vsock_echo_child {
		struct vsock_conn *c;
		uint32_t len, off; /* pending echo bytes in buf */
		uint32_t flags; /* SEQPACKET message flags of buf */
		uint8_t buf[VDEV_VSOCK_RX_LEN];
	} child[VDEV_VSOCK_ECHO_CHILDREN];
	uint64_t echoed; /* bytes sent back */
};

int vdev_vsock_echo_attach(struct vdev_vsock *v, struct vdev_vsock_echo *e,
			   uint32_t port, uint16_t type);
void vdev_vsock_echo_service(struct vdev_vsock *v, void *ctx);

#endif /* TZSHARE_VDEV_VSOCK_H */
