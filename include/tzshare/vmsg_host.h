/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * virtio-msg over the FF-A bus on the hosted platform: the glue between the
 * portable cores (<tzshare/vmsg_ffa_bus.h>, <tzshare/vmsg_transport.h>,
 * <tzshare/virtq.h>) and the partition runtimes (<tzshare/sp.h>,
 * <tzshare/nwd.h>). docs/virtio-msg.md describes the whole path.
 *
 * SP side (device role, "backend host"): one struct tzs_vmsg_sp per SP
 * program. It serves DIRECT_REQ2 to TZS_UUID_VIRTIO_MSG_BUS (direct
 * carriage, x4..x17), indirect messages found in RX when a context is run
 * with FFA_RUN (FFA_MSG_SEND2 carriage, answered with FFA_MSG_SEND2), and
 * control commands over DIRECT_REQ_64 (device hotplug, statistics). It keeps
 * one bus backend per driver VM (the sender), created on its first message
 * with an echo device at dev_num 1 and a virtio-vsock device at dev_num 2
 * (<tzshare/vsock_host.h>). The cores are not thread-safe and the SP
 * has several execution contexts: one mutex serialises everything.
 *
 * VM side (driver role): struct tzs_vmsg_bus wraps the frontend core with
 * a carriage (direct or indirect), FF-A memory sharing of VM DRAM, event
 * delivery (FF-A notification then EVENT_POLL drain, or EVENT_POLL alone)
 * and a DMA allocator over a window of VM DRAM in one of two modes chosen
 * at open:
 *   static   one pool area shared once at open; buffers are bounced
 *            through it (one copy each way, no FF-A call per buffer);
 *   dynamic  every buffer is shared on demand as its own area and
 *            unshared after use (zero copy, FF-A calls per buffer).
 * struct tzs_vmsg_echo is a small virtio driver for the echo test device
 * built on struct vmsg_drvt and struct virtq_drv. Every bus function takes
 * the bus lock; one bus may be used from several threads.
 *
 * Errors: negative enum vmsg_t_error (VMSG_T_E_BUS when the carriage or an
 * FF-A call failed; tzs_vmsg_bus_last_ffa_error() tells which), or
 * negative errno where noted.
 */
#ifndef TZSHARE_VMSG_HOST_H
#define TZSHARE_VMSG_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tzshare/conduit.h>
#include <tzshare/sp.h>
#include <tzshare/virtq.h>
#include <tzshare/vmsg.h>
#include <tzshare/vmsg_ffa_bus.h>
#include <tzshare/vmsg_transport.h>

/* ---------------------------------------------------------------------- */
/* SP side                                                                 */

/*
 * Control commands (DIRECT_REQ_64, x3 = command; response x3 = status as
 * enum ffa_error, results from x4). They act on the backend of the VM that
 * sends them (created if needed).
 *   ADD      x4 dev_num, x5 device kind (TZS_VMSG_DEV_*)
 *            -> device added, EVENT_DEVICE READY queued for the driver
 *   REMOVE   x4 dev_num -> EVENT_DEVICE REMOVED queued
 *   STATS    x4 dev_num, x5 page:
 *            page 0 (TZS_VMSG_STATS_BUS) -> x4 bus messages, x5 bus drops,
 *              x6 areas mapped, x7 ring violations seen by the device's
 *              queues (0 when there is no such device);
 *            pages of a virtio-vsock device (struct vdev_vsock_stats):
 *            VSOCK_TX    -> x4 tx_pkts, x5 tx_bad, x6 tx_bad_cid, x7 rx_pkts
 *            VSOCK_RX    -> x4 rx_small, x5 sideq_full, x6 events, x7 resets
 *            VSOCK_PROTO -> x4 proto rx_dropped, x5 rst_sent, x6 tx_errors,
 *                           x7 bytes the echo service sent back
 *   GETPID   -> x4 process ID
 *   CRASH    -> abort(): no response
 *   VSOCK_RESET x4 dev_num -> the vsock device's secure side loses every
 *            connection and sends TRANSPORT_RESET (vdev_vsock_transport_reset)
 *   VSOCK_CLIENT x4 port, x5 connections (1..16), x6 bytes each
 *            (<= 16 MiB), x7 dev_num (0: TZS_VSOCK_DEV_NUM)
 *            -> the device's secure client starts (vdev_vsock_client_start):
 *            connections from CID 2 to the calling VM's CID and @port, each
 *            sending a pattern and expecting it echoed back. It moves
 *            whenever the VM talks to the SP (kicks, rx refills, any
 *            call: each ticks the devices). BUSY while a run is going on.
 *   VSOCK_CLIENT_RESULT x4 dev_num (0: TZS_VSOCK_DEV_NUM), x5 page:
 *            page 0 -> x4 state (0 idle, 1 running, 2 done), x5 ok,
 *              x6 failed, x7 first error as a positive errno (0: none)
 *            page 1 -> failed by error: x4 ECONNRESET, x5 ETIMEDOUT,
 *              x6 EBADMSG (bytes differ), x7 ENODATA (stream ended early)
 *            page 2 -> x4 other errors, x5 bytes checked, x6 connections
 *              asked, x7 bytes each
 * Errors: INVALID_PARAMETERS (dev_num 0 or out of range, unknown kind or
 * page, a client request out of range), DENIED (slot taken / empty, not a
 * vsock device), BUSY (client running), NO_MEMORY.
 */
#define TZS_VMSG_CMD_ADD 0x564D0001u
#define TZS_VMSG_CMD_REMOVE 0x564D0002u
#define TZS_VMSG_CMD_STATS 0x564D0003u
#define TZS_VMSG_CMD_GETPID 0x564D0004u
#define TZS_VMSG_CMD_CRASH 0x564D0005u
#define TZS_VMSG_CMD_VSOCK_RESET 0x564D0006u
#define TZS_VMSG_CMD_VSOCK_CLIENT 0x564D0007u
#define TZS_VMSG_CMD_VSOCK_CLIENT_RESULT 0x564D0008u
#define TZS_VMSG_CMD_FIRST TZS_VMSG_CMD_ADD
#define TZS_VMSG_CMD_LAST TZS_VMSG_CMD_VSOCK_CLIENT_RESULT

#define TZS_VMSG_DEV_ECHO 1u
#define TZS_VMSG_DEV_VSOCK 2u /* <tzshare/vsock_host.h> */

#define TZS_VMSG_STATS_BUS 0u
#define TZS_VMSG_STATS_VSOCK_TX 1u
#define TZS_VMSG_STATS_VSOCK_RX 2u
#define TZS_VMSG_STATS_VSOCK_PROTO 3u

#define TZS_VMSG_CLIENT_SUMMARY 0u
#define TZS_VMSG_CLIENT_ERRORS 1u
#define TZS_VMSG_CLIENT_TOTALS 2u

/* Driver VMs one SP serves (one bus backend each). */
#define TZS_VMSG_SP_MAX_DRIVERS 4

struct tzs_vmsg_sp;

/** New backend host (no partition yet: it learns it from requests). */
struct tzs_vmsg_sp *tzs_vmsg_sp_create(void);
/**
 * tzs_vmsg_sp_destroy() - free everything. Call after tzs_sp_main()
 * returned: mappings went with the endpoint, nothing is relinquished.
 */
void tzs_vmsg_sp_destroy(struct tzs_vmsg_sp *s);

/* Service entry points; @arg is the struct tzs_vmsg_sp. */
/** DIRECT_REQ2 to the bus UUID: x4..x17 carry one message each way. */
void tzs_vmsg_sp_direct(const struct tzs_sp_req *req, struct ffa_regs *resp,
			void *arg);
/** Run hook: drain bus messages from RX, answer with FFA_MSG_SEND2. */
void tzs_vmsg_sp_run(struct tzs_ep *ep, struct tzs_vcpu *vcpu, unsigned int ctx,
		     void *arg);
/** DIRECT_REQ_64 commands TZS_VMSG_CMD_*. */
void tzs_vmsg_sp_control(const struct tzs_sp_req *req, struct ffa_regs *resp,
			 void *arg);

/* ---------------------------------------------------------------------- */
/* VM side: the bus                                                        */

struct tzs_vmsg_bus_opts {
	uint16_t sp_id; /* 0: discover by TZS_UUID_VIRTIO_MSG_BUS */
	bool indirect; /* FFA_MSG_SEND2 carriage; else DIRECT_REQ2 */
	bool dynamic; /* dynamic DMA; else a static pool */
	bool poll_events; /* EVENT_CONFIGURE POLL; else NOTIF */
	uint16_t notify_id; /* NOTIF bit (0..63) */
	uint32_t pool_page_count; /* static pool; 0 = 1024 (4 MiB) */
	/* VM DRAM the bus may allocate from; 0/0 = the DRAM below the top
	 * 1 MiB (mailboxes). Page aligned. */
	uint64_t mem_pa;
	uint64_t mem_size;
	unsigned int vcpu; /* vCPU index the bus calls on */
	int event_timeout_ms; /* default wait for events; 0 = 5000 */
};

struct tzs_vmsg_bus;

/** Counters, mostly for benchmarks and tests. */
struct tzs_vmsg_bus_stats {
	uint64_t xfers; /* messages carried */
	uint64_t xfer_errors;
	uint64_t busy_retries; /* SEND2 / RUN answered BUSY */
	uint64_t irqs; /* interrupts taken */
	uint64_t polls; /* EVENT_POLL drains */
	uint64_t shares; /* FF-A shares made (areas) */
	uint64_t reclaims;
	uint64_t hotplug_events;
};

/**
 * tzs_vmsg_bus_open() - find the SP (partition info by the bus UUID unless
 * opts->sp_id), negotiate VERSION, configure events (bitmap create + bind
 * for NOTIF), enumerate devices, and in static mode share the pool.
 * Returns 0 or a negative vmsg_t_error / errno.
 */
int tzs_vmsg_bus_open(struct tzs_ep *vm, const struct tzs_vmsg_bus_opts *o,
		      struct tzs_vmsg_bus **out);
/**
 * tzs_vmsg_bus_close() - unshare every area left (reclaiming directly when
 * the device side is gone), unbind the notification, free. Drivers must be
 * closed first.
 */
void tzs_vmsg_bus_close(struct tzs_vmsg_bus *b);

uint16_t tzs_vmsg_bus_sp_id(const struct tzs_vmsg_bus *b);
bool tzs_vmsg_bus_dynamic(const struct tzs_vmsg_bus *b);
bool tzs_vmsg_bus_present(struct tzs_vmsg_bus *b, uint16_t dev_num);
int tzs_vmsg_bus_enumerate(struct tzs_vmsg_bus *b);
int tzs_vmsg_bus_ping(struct tzs_vmsg_bus *b, uint32_t data);
/** Bus RESET: every device reset, areas dropped on both sides. */
int tzs_vmsg_bus_reset(struct tzs_vmsg_bus *b);
/**
 * tzs_vmsg_bus_events() - take interrupts / poll and drain device events
 * (hotplug, EVENT_USED, EVENT_CONFIG, AREA_RELEASE), waiting up to
 * @timeout_ms (< 0: the bus default) for the first. Returns the number of
 * events handled (0 on timeout) or a negative error.
 */
int tzs_vmsg_bus_events(struct tzs_vmsg_bus *b, int timeout_ms);
/** Next hotplug event seen (EVENT_DEVICE): 0, or -EAGAIN when none. */
int tzs_vmsg_bus_hotplug(struct tzs_vmsg_bus *b, uint16_t *dev_num,
			 uint16_t *state);
/** Share [pa, pa + page_count pages) as an area; *bus_addr = id << 48. */
int tzs_vmsg_bus_area_share(struct tzs_vmsg_bus *b, uint64_t pa,
			    uint32_t page_count, uint64_t *bus_addr);
/**
 * The same with explicit VMSG_AREA_ATTR_* @attrs (bits 1:0: share / lend;
 * WRITABLE); *handle (may be NULL) = the FF-A handle of the transaction.
 */
int tzs_vmsg_bus_area_share_attrs(struct tzs_vmsg_bus *b, uint64_t pa,
				  uint32_t page_count, uint32_t attrs,
				  uint64_t *bus_addr, uint64_t *handle);
/** AREA_SHARE of a transaction the caller owns (vmsg_ffa_frontend_area_attach):
 * unsharing never reclaims it. */
int tzs_vmsg_bus_area_attach(struct tzs_vmsg_bus *b, uint64_t handle,
			     uint64_t tag, uint64_t pa, uint32_t page_count,
			     uint32_t attrs, uint64_t *bus_addr);
/** AREA_UNSHARE + reclaim; VMSG_T_E_STATE when the device said BUSY. */
int tzs_vmsg_bus_area_unshare(struct tzs_vmsg_bus *b, uint16_t area_id);
/**
 * tzs_vmsg_bus_area_reclaim() - the device side is gone (an unshare failed
 * with VMSG_T_E_BUS): reclaim area @area_id directly, as close does (the
 * SPMC relinquished a dead SP's retrievals), and forget it; an attached
 * handle is only forgotten. VMSG_T_OK, VMSG_T_E_STATE no such area,
 * VMSG_T_E_BUS the SPMC refused (the SP still holds it: the area stays).
 */
int tzs_vmsg_bus_area_reclaim(struct tzs_vmsg_bus *b, uint16_t area_id);
/** Is the area still ours to reclaim (shared or release pending)? */
bool tzs_vmsg_bus_area_live(struct tzs_vmsg_bus *b, uint16_t area_id);
/** Last FF-A error a carriage or memory call returned (FFA_OK if none). */
int tzs_vmsg_bus_last_ffa_error(struct tzs_vmsg_bus *b);
void tzs_vmsg_bus_get_stats(struct tzs_vmsg_bus *b,
			    struct tzs_vmsg_bus_stats *st);
/** Direct access to the frontend core (hold no other bus call meanwhile). */
struct vmsg_ffa_frontend *tzs_vmsg_bus_frontend(struct tzs_vmsg_bus *b);

/** DMA memory: page-aligned VM DRAM from the bus's window. */
struct tzs_vmsg_dma {
	uint8_t *va;
	uint64_t pa;
	uint64_t len; /* rounded up to pages */
};
int tzs_vmsg_dma_alloc(struct tzs_vmsg_bus *b, uint64_t len,
		       struct tzs_vmsg_dma *d);
void tzs_vmsg_dma_free(struct tzs_vmsg_bus *b, struct tzs_vmsg_dma *d);

/* ---------------------------------------------------------------------- */
/* VM side: the echo device driver                                         */

/*
 * The echo device (dev_num 1 by default) copies what a chain's readable
 * buffer holds into its writable buffer and reports the bytes written.
 * A request names a source and a destination in VM DRAM (any address
 * inside a tzs_vmsg_dma allocation). Static mode bounces both through the
 * pool; dynamic mode shares the source (read-only use) and destination as
 * two areas and unshares them when the chain completes.
 */
struct tzs_vmsg_echo;

struct tzs_vmsg_echo_req {
	uint64_t src_pa;
	uint8_t *src; /* host pointer of src_pa */
	uint64_t dst_pa;
	uint8_t *dst;
	uint32_t len;
	void *token;
};

/**
 * tzs_vmsg_echo_open() - probe device @dev_num, negotiate (VERSION_1,
 * ACCESS_PLATFORM, EVENT_IDX, RING_RESET as offered), set up its queue
 * with @queue_size entries (0 = 256, capped at the device's maximum) in a
 * ring area, DRIVER_OK.
 */
int tzs_vmsg_echo_open(struct tzs_vmsg_bus *b, uint16_t dev_num,
		       uint16_t queue_size, struct tzs_vmsg_echo **out);
/** Reset the device and release every resource; in-flight requests are
 * dropped. */
void tzs_vmsg_echo_close(struct tzs_vmsg_echo *e);

/**
 * tzs_vmsg_echo_submit() - add one request (not visible before kick).
 * Returns 0, VMSG_T_E_NOMEM when the ring, the pool or the area table is
 * full (reap first), or an error of the dynamic share.
 */
int tzs_vmsg_echo_submit(struct tzs_vmsg_echo *e,
			 const struct tzs_vmsg_echo_req *r);
/** Publish what was added; EVENT_AVAIL only if the device wants one. */
int tzs_vmsg_echo_kick(struct tzs_vmsg_echo *e);
/**
 * tzs_vmsg_echo_reap() - next completed request: its token and the bytes
 * the device wrote (copied back to dst in static mode). Polls the used
 * ring first; when empty, waits for events up to @timeout_ms (< 0: the bus
 * default; 0: do not wait). Returns 1 with a completion, 0 on timeout, or a
 * negative error (device gone, queue broken, bus failure).
 */
int tzs_vmsg_echo_reap(struct tzs_vmsg_echo *e, void **token, uint32_t *len,
		       int timeout_ms);
/** Requests submitted and not reaped. */
uint32_t tzs_vmsg_echo_inflight(const struct tzs_vmsg_echo *e);

/** Device reset (status 0) then the whole init again; in-flight requests
 * are dropped (their resources freed). */
int tzs_vmsg_echo_reset(struct tzs_vmsg_echo *e);
/** RESET_VQUEUE of the queue then set it up again (in-flight dropped). */
int tzs_vmsg_echo_queue_reset(struct tzs_vmsg_echo *e);
/** GET_DEVICE_STATUS. */
int tzs_vmsg_echo_status(struct tzs_vmsg_echo *e, uint32_t *status);

/* For tests that misbehave on purpose. */
struct virtq_drv *tzs_vmsg_echo_vq(struct tzs_vmsg_echo *e);
uint16_t tzs_vmsg_echo_ring_area(const struct tzs_vmsg_echo *e);
/** EVENT_AVAIL now, whatever the device asked. */
int tzs_vmsg_echo_notify(struct tzs_vmsg_echo *e);

#endif /* TZSHARE_VMSG_HOST_H */
