/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * virtio-vsock across the hosted virtio-msg FF-A bus (docs/virtio-msg.md,
 * "virtio-vsock").
 *
 * SP side: tzshare-sp gives every driver VM's bus backend a virtio-vsock
 * device (core/vdev/vsock_dev.c) at TZS_VSOCK_DEV_NUM whose guest CID is
 * TZS_VSOCK_CID(VM partition id); its secure side (CID 2) runs the
 * services below (echo on TZS_VSOCK_PORT_ECHO, ...). More can be
 * hot-added with the control command ADD kind TZS_VMSG_DEV_VSOCK
 * (<tzshare/vmsg_host.h>).
 *
 * VM side: struct tzs_vsock_drv is the transport half of a virtio-vsock
 * driver: it moves encoded packets between the virtqueues and a caller
 * that runs the protocol (a struct vsock_proto at the driver's CID,
 * <tzshare/vsock_conn.h>): send() queues a packet on tx, kick() publishes,
 * poll() hands received packets and events to callbacks.
 *
 * Memory: the three rings and every rx, tx and event buffer come from one
 * tzs_vmsg_dma allocation shared once as one area at open, so the data
 * path makes no FF-A memory call in either bus DMA mode; it costs one bus
 * message per kick that the device asked for (EVENT_IDX) and one per wait.
 *
 * Sizes: a tx buffer holds a header and up to TZS_VSOCK_PAYLOAD_MAX bytes
 * of payload (one descriptor per packet); rx buffers are
 * TZS_VSOCK_RX_BUF_SIZE bytes, what the device's largest packet needs
 * (it never sends more than TZS_VSOCK_RX_PAYLOAD_MAX per packet).
 *
 * Threads: a driver is not thread-safe: the caller serialises every call
 * on it (the socket layer above holds a lock). Bus calls take the bus lock
 * inside, so other drivers of the same bus may run on other threads.
 * poll()'s callbacks may call send() (a protocol answering a packet), but
 * not poll(), kick(), reset() or close().
 *
 * Errors: VSOCK_* (<tzshare/vsock_conn.h>) from send(); negative
 * enum vmsg_t_error from the others (VMSG_T_E_STATE after a bus RESET or
 * when the device needs a reset, VMSG_T_E_PROTO when it broke the ring
 * protocol, VMSG_T_E_BUS when the carriage failed), or -ENODEV / -ENOMEM.
 */
#ifndef TZSHARE_VSOCK_HOST_H
#define TZSHARE_VSOCK_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include <tzshare/vmsg_host.h>
#include <tzshare/vsock.h>
#include <tzshare/vsock_conn.h>

/* The device every driver VM finds on the bus, and its guest CID. */
#define TZS_VSOCK_DEV_NUM 2u
#define TZS_VSOCK_CID_BASE 2u
#define TZS_VSOCK_CID(vm_id) (TZS_VSOCK_CID_BASE + (uint64_t)(vm_id))

/* Services of the secure side (CID 2), STREAM (<tzshare/vdev_vsock.h>). */
#define TZS_VSOCK_PORT_ECHO 5000u /* sends back what it receives */
#define TZS_VSOCK_PORT_READER 5001u /* OP_SHMEM offers: reads, records */
#define TZS_VSOCK_PORT_TRANSFORM 5002u /* writable offers: uppercases */
#define TZS_VSOCK_PORT_SINK 5003u /* frames in, one record each */
#define TZS_VSOCK_PORT_SINK_SUM 5004u /* the same with FNV-1a */
#define TZS_VSOCK_PORT_ECHO_SEQ 5005u /* SEQPACKET echo: message by message */
#define TZS_VSOCK_PORT_COPIER 5006u /* offers: private copy, record, no sum */

/* Largest payload the driver sends in one packet. */
#define TZS_VSOCK_PAYLOAD_MAX 65536u
#define TZS_VSOCK_TX_BUF_SIZE (VSOCK_HDR_SIZE + TZS_VSOCK_PAYLOAD_MAX)
/* Largest payload the device sends in one packet; rx buffer size. */
#define TZS_VSOCK_RX_PAYLOAD_MAX 4096u
#define TZS_VSOCK_RX_BUF_SIZE (VSOCK_HDR_SIZE + TZS_VSOCK_RX_PAYLOAD_MAX)

struct tzs_vsock_drv;

struct tzs_vsock_drv_opts {
	uint16_t queue_size; /* rx and tx rings; 0 = 128 (capped by device) */
	uint32_t rx_bufs; /* rx buffers posted; 0 = the rx ring size */
	uint32_t tx_bufs; /* tx buffers; 0 = 32 (at most the tx ring size) */
};

struct tzs_vsock_drv_stats {
	uint64_t tx_pkts; /* packets queued by send() */
	uint64_t tx_bytes; /* their payload bytes */
	uint64_t tx_nobufs; /* send() refused: no tx buffer or slot */
	uint64_t rx_pkts; /* packets handed to cb->rx */
	uint64_t rx_bytes;
	uint64_t rx_bad; /* malformed rx buffers, dropped */
	uint64_t events; /* TRANSPORT_RESET handed to cb->reset */
	uint64_t events_bad; /* malformed or unknown events, dropped */
	uint64_t notifies; /* EVENT_AVAIL sent */
	uint64_t waits; /* poll() waited for bus events */
};

/**
 * tzs_vsock_drv_open() - probe device @dev_num (virtio-vsock, 3 queues),
 * negotiate VERSION_1, EVENT_IDX, STREAM and SEQPACKET as offered, read
 * guest_cid from config (VMSG_T_E_PROTO when reserved: 1, 2, ANY or upper
 * bits set), allocate and share the memory, set up rx, tx and event
 * queues, DRIVER_OK, post every rx and event buffer. @o may be NULL.
 * Returns 0, -ENODEV (not a vsock device), -ENOMEM, or a vmsg_t_error.
 */
int tzs_vsock_drv_open(struct tzs_vmsg_bus *b, uint16_t dev_num,
		       const struct tzs_vsock_drv_opts *o,
		       struct tzs_vsock_drv **out);
/** Device reset (the device lets go of the area), unshare, free. */
void tzs_vsock_drv_close(struct tzs_vsock_drv *d);
/** guest_cid read from config at open (or the last reset). */
uint64_t tzs_vsock_drv_cid(const struct tzs_vsock_drv *d);

/**
 * tzs_vsock_drv_send() - encode @pkt's header and copy its payload into a
 * free tx buffer and add it to the tx ring; not visible to the device
 * before kick() (or poll()). Returns VSOCK_OK, VSOCK_ENOBUFS when no tx
 * buffer or ring slot is free (poll() reclaims them; retry after), or
 * VSOCK_EMSGSIZE when the payload exceeds TZS_VSOCK_PAYLOAD_MAX,
 * VSOCK_EINVAL when payload_len != len or an op the codec refuses, or
 * VMSG_T_E_STATE when the driver is stale (bus RESET) or the device needs
 * a reset.
 */
int tzs_vsock_drv_send(struct tzs_vsock_drv *d, const struct vsock_pkt *pkt);

/**
 * tzs_vsock_drv_kick() - publish what send() added and rx buffers poll()
 * gave back; EVENT_AVAIL only for a queue whose device asked for one.
 */
int tzs_vsock_drv_kick(struct tzs_vsock_drv *d);

struct tzs_vsock_drv_cb {
	/* One received packet; @pkt and its payload are valid for the call. */
	void (*rx)(void *ctx, const struct vsock_pkt *pkt);
	/* TRANSPORT_RESET: the device side lost every connection. */
	void (*reset)(void *ctx);
	void *ctx;
};

/**
 * tzs_vsock_drv_poll() - reclaim used tx buffers; copy each used rx buffer
 * out of shared memory, give the buffer back and hand the decoded packet
 * to cb->rx (malformed ones are dropped and counted); handle the event
 * queue (TRANSPORT_RESET -> cb->reset); then kick. When there was nothing,
 * waits for device events up to @timeout_ms (0: do not wait, < 0: the
 * bus default) and looks again. Returns the number of packets, events and
 * tx buffers handled (0 on timeout), or a negative error: VMSG_T_E_STATE
 * (stale, device needs a reset), VMSG_T_E_PROTO (the device returned a bad
 * used entry: the queue is broken), -ENODEV (the device was removed), or
 * a bus error.
 */
int tzs_vsock_drv_poll(struct tzs_vsock_drv *d,
		       const struct tzs_vsock_drv_cb *cb, int timeout_ms);

/**
 * tzs_vsock_drv_arm() - ask for EVENT_USED on the rx and event queues (and
 * on tx while buffers are out), for a caller that sleeps on the VM's
 * interrupts itself rather than in poll(). Returns false when entries
 * arrived meanwhile (poll before sleeping). poll() with a timeout turns
 * the notifications off again when it returns.
 */
bool tzs_vsock_drv_arm(struct tzs_vsock_drv *d);

/**
 * tzs_vsock_drv_reset() - device reset (status 0) and the whole init again
 * on the same memory (shared again after a bus RESET); packets in flight
 * are dropped and the caller's connections should be reset.
 */
int tzs_vsock_drv_reset(struct tzs_vsock_drv *d);

void tzs_vsock_drv_get_stats(const struct tzs_vsock_drv *d,
			     struct tzs_vsock_drv_stats *st);

/* For tests that misbehave on purpose. */
/** Queue @len raw bytes as one tx packet (no encoding, no checks). */
int tzs_vsock_drv_send_raw(struct tzs_vsock_drv *d, const uint8_t *bytes,
			   uint32_t len);
/** Driver queue VSOCK_VQ_RX, _TX or _EVENT. */
struct virtq_drv *tzs_vsock_drv_vq(struct tzs_vsock_drv *d, uint32_t vq);
/** Host pointer of a bus address inside the driver's area, or NULL. */
uint8_t *tzs_vsock_drv_host(struct tzs_vsock_drv *d, uint64_t bus_addr,
			    uint32_t len);

#endif /* TZSHARE_VSOCK_HOST_H */
