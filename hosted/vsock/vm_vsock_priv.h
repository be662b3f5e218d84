/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internals of the virtio-vsock driver (<tzshare/vsock_host.h>): set-up and
 * lifecycle in vm_vsock.c, the data path in vm_vsock_io.c.
 *
 * Memory: one tzs_vmsg_dma block shared as one area, laid out as
 *   [rx ring][tx ring][event ring][rx bufs][tx bufs][event bufs]
 * each part 64-byte aligned, buffers at fixed strides. Buffer i of a kind
 * is named by token i + 1 in its queue (tokens must not be NULL).
 */
#ifndef VM_VSOCK_PRIV_H
#define VM_VSOCK_PRIV_H

#include "../vmsg/vmsg_host_priv.h"

#include <tzshare/vsock_host.h>

#define VSOCK_DRV_NQ 3u /* rx, tx, event */
#define VSOCK_DRV_EVENT_BUFS 8u
#define VSOCK_DRV_ALIGN 64u

struct vsock_drv_q {
	struct virtq_drv vq;
	uint16_t size;
	uint64_t ring_off; /* in the block */
	void **tokens;
	uint16_t *chain_len;
	bool dirty; /* added since the last publish */
};

struct tzs_vsock_drv {
	struct tzs_vmsg_bus *b;
	uint16_t dev_num;
	struct vmsg_drvt t;
	uint16_t want_size; /* rx / tx ring size asked for */
	uint32_t rx_bufs;
	uint32_t tx_bufs;
	bool event_idx;
	bool touched; /* probe found a vsock device: we changed its status */
	uint64_t cid;
	struct vsock_drv_q q[VSOCK_DRV_NQ];

	/* The block and its area. */
	struct tzs_vmsg_dma mem;
	uint64_t rx_off, tx_off, ev_off; /* buffer arrays in the block */
	uint64_t bus; /* bus address of the block */
	uint16_t area;
	bool shared;
	bool stale; /* a bus RESET took the device's state and the area */

	/* tx buffers not in flight: a stack of indices. */
	uint32_t *tx_free;
	uint32_t tx_nfree;

	/* Private copy of one rx buffer: decoded only after the copy. */
	uint8_t rx_copy[TZS_VSOCK_RX_BUF_SIZE];
	struct tzs_vsock_drv_stats stats;
};

/* Strides of the buffer arrays (64-byte aligned slots). */
#define VSOCK_DRV_RX_STRIDE \
	((TZS_VSOCK_RX_BUF_SIZE + VSOCK_DRV_ALIGN - 1) & ~(VSOCK_DRV_ALIGN - 1))
#define VSOCK_DRV_TX_STRIDE \
	((TZS_VSOCK_TX_BUF_SIZE + VSOCK_DRV_ALIGN - 1) & ~(VSOCK_DRV_ALIGN - 1))
#define VSOCK_DRV_EV_STRIDE VSOCK_DRV_ALIGN

static inline uint64_t vsock_drv_rx_off(const struct tzs_vsock_drv *d,
					uint32_t i)
{
	return d->rx_off + (uint64_t)i * VSOCK_DRV_RX_STRIDE;
}

static inline uint64_t vsock_drv_tx_off(const struct tzs_vsock_drv *d,
					uint32_t i)
{
	return d->tx_off + (uint64_t)i * VSOCK_DRV_TX_STRIDE;
}

static inline uint64_t vsock_drv_ev_off(const struct tzs_vsock_drv *d,
					uint32_t i)
{
	return d->ev_off + (uint64_t)i * VSOCK_DRV_EV_STRIDE;
}

static inline void *vsock_drv_token(uint32_t i)
{
	return (void *)(uintptr_t)(i + 1);
}

static inline uint32_t vsock_drv_index(void *token)
{
	return (uint32_t)((uintptr_t)token - 1);
}

/* vm_vsock_io.c: post rx buffer / event buffer @i (not published). */
int vsock_drv_post_rx(struct tzs_vsock_drv *d, uint32_t i);
int vsock_drv_post_ev(struct tzs_vsock_drv *d, uint32_t i);
/* Every tx buffer free again (a reset took what was in flight). */
void vsock_drv_tx_reset(struct tzs_vsock_drv *d);

#endif /* VM_VSOCK_PRIV_H */
