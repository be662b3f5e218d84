// SPDX-License-Identifier: BSD-2-Clause
/*
 * virtio-vsock driver over the hosted FF-A bus: set-up and lifecycle
 * (<tzshare/vsock_host.h>, data path in vm_vsock_io.c).
 *
 * Init follows vm_echo.c: GET_DEVICE_INFO (device 19, three queues),
 * features (VERSION_1, EVENT_IDX, STREAM, SEQPACKET as offered),
 * FEATURES_OK, guest_cid from config, GET_VQUEUE for each queue, then one
 * block of VM DRAM for every ring and buffer, shared once as one area,
 * SET_VQUEUE x3, DRIVER_OK, and every rx and event buffer posted. The
 * block is sized at open from the ring sizes; a reset sets the same rings
 * up again in it (and shares it again when a bus RESET took the area).
 * Used-buffer notifications stay off while poll() finds work; it turns
 * them on only to wait.
 */
#include "vm_vsock_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_QUEUE_SIZE 128u
#define DEFAULT_TX_BUFS 32u

static void vsock_event(void *ctx, const struct vmsg *ev);
static void vsock_bus_reset(void *ctx);

static const struct vmsg_bus_driver_ops vsock_bus_ops = {
	.event = vsock_event,
	.bus_reset = vsock_bus_reset,
};

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static uint16_t pow2_floor(uint32_t v)
{
	uint16_t p = 1;

	while ((uint32_t)p * 2 <= v && p < 32768) {
		p = (uint16_t)(p * 2);
	}
	return p;
}

/* Ring layout: descriptors, then avail (align 2), then used (align 4). */
static uint64_t used_off(uint16_t n)
{
	return align_up(virtq_desc_bytes(n) + virtq_avail_bytes(n) + 2, 4);
}

static uint64_t ring_bytes(uint16_t n)
{
	return used_off(n) + virtq_used_bytes(n) + 2;
}

/* Offsets of every part of the block; returns its size. */
static uint64_t layout(struct tzs_vsock_drv *d)
{
	uint64_t off = 0;
	uint32_t i = 0;

	for (i = 0; i < VSOCK_DRV_NQ; i++) {
		d->q[i].ring_off = off;
		off = align_up(off + ring_bytes(d->q[i].size), VSOCK_DRV_ALIGN);
	}
	d->rx_off = off;
	off += (uint64_t)d->rx_bufs * VSOCK_DRV_RX_STRIDE;
	d->tx_off = off;
	off += (uint64_t)d->tx_bufs * VSOCK_DRV_TX_STRIDE;
	d->ev_off = off;
	off += (uint64_t)VSOCK_DRV_EVENT_BUFS * VSOCK_DRV_EV_STRIDE;
	return off;
}

/* Ring sizes from the device's maxima; fixed once the block exists. */
static int sizes(struct tzs_vsock_drv *d, const uint32_t max[VSOCK_DRV_NQ])
{
	uint16_t want[VSOCK_DRV_NQ] = { d->want_size, d->want_size,
					VSOCK_DRV_EVENT_BUFS };
	uint32_t i = 0;

	for (i = 0; i < VSOCK_DRV_NQ; i++) {
		uint16_t n = 0;

		if (!max[i]) {
			return VMSG_T_E_PROTO;
		}
		n = pow2_floor(max[i] < want[i] ? max[i] : want[i]);
		if (d->mem.va && n != d->q[i].size) {
			/* The device shrank its queues since open. */
			return VMSG_T_E_PROTO;
		}
		d->q[i].size = n;
	}
	return VMSG_T_OK;
}

/* First set-up: size the buffers, allocate the block and bookkeeping. */
static int mem_alloc(struct tzs_vsock_drv *d)
{
	uint32_t i = 0;

	if (d->mem.va) {
		return VMSG_T_OK;
	}
	if (!d->rx_bufs || d->rx_bufs > d->q[VSOCK_VQ_RX].size) {
		d->rx_bufs = d->q[VSOCK_VQ_RX].size;
	}
	if (!d->tx_bufs) {
		d->tx_bufs = DEFAULT_TX_BUFS;
	}
	if (d->tx_bufs > d->q[VSOCK_VQ_TX].size) {
		d->tx_bufs = d->q[VSOCK_VQ_TX].size;
	}
	d->tx_free = calloc(d->tx_bufs, sizeof(*d->tx_free));
	for (i = 0; i < VSOCK_DRV_NQ; i++) {
		d->q[i].tokens = calloc(d->q[i].size, sizeof(void *));
		d->q[i].chain_len = calloc(d->q[i].size, sizeof(uint16_t));
		if (!d->q[i].tokens || !d->q[i].chain_len) {
			return -ENOMEM;
		}
	}
	if (!d->tx_free || tzs_vmsg_dma_alloc(d->b, layout(d), &d->mem)) {
		return -ENOMEM;
	}
	return VMSG_T_OK;
}

static int area_share(struct tzs_vsock_drv *d)
{
	int rc = 0;

	if (d->shared && tzs_vmsg_bus_area_live(d->b, d->area)) {
		return VMSG_T_OK;
	}
	rc = tzs_vmsg_bus_area_share(d->b, d->mem.pa,
				     (uint32_t)(d->mem.len / TZS_PAGE_SIZE),
				     &d->bus);
	if (rc == VMSG_T_OK) {
		d->shared = true;
		d->area = (uint16_t)(d->bus >> VMSG_BUS_ADDR_AREA_SHIFT);
	}
	return rc;
}

/* Fresh rings for queue @i, set up on the device (SET_VQUEUE). */
static int queue_setup(struct tzs_vsock_drv *d, uint32_t i)
{
	struct vsock_drv_q *q = &d->q[i];
	uint8_t *va = d->mem.va + q->ring_off;
	uint64_t bus = d->bus + q->ring_off;
	uint64_t avail = virtq_desc_bytes(q->size), used = used_off(q->size);

	memset(va, 0, ring_bytes(q->size));
	if (virtq_drv_init(&q->vq, q->size, va, bus, va + avail, bus + avail,
			   va + used, bus + used, d->event_idx, false,
			   q->tokens, q->chain_len) != VIRTQ_OK) {
		return VMSG_T_E_STATE;
	}
	q->dirty = false;
	/* poll() looks at the used rings; it asks for notifications only
	 * when it has to wait. */
	virtq_drv_disable_cb(&q->vq);
	return vmsg_drvt_queue_setup(&d->t, i, q->size, bus, bus + avail,
				     bus + used);
}

/* guest_cid: 0 is allowed (OP-TEE reports it), the rest reserved. */
static int read_cid(struct tzs_vsock_drv *d)
{
	uint8_t cfg[VSOCK_CONFIG_SIZE];
	uint32_t odd = 0;
	uint64_t cid = 0;
	int rc = 0;

	if (d->t.info.config_size < VSOCK_CONFIG_SIZE) {
		return VMSG_T_E_PROTO;
	}
	rc = vmsg_drvt_config_read(&d->t, 0, cfg, sizeof(cfg));
	if (rc) {
		return rc;
	}
	if (vsock_config_decode(cfg, sizeof(cfg), &cid, &odd) != VSOCK_OK ||
	    odd || cid == VSOCK_CID_LOCAL || cid == VSOCK_CID_HOST ||
	    cid == VSOCK_CID_ANY) {
		return VMSG_T_E_PROTO;
	}
	d->cid = cid;
	return VMSG_T_OK;
}

/*
 * GET_DEVICE_INFO alone first: vmsg_drvt_probe() resets the device, which
 * must not happen to a device that is not ours (another driver's).
 */
static int identify(struct tzs_vsock_drv *d)
{
	struct vmsg req, resp;
	int rc = 0;

	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	req.hdr.msg_id = VMSG_GET_DEVICE_INFO;
	req.hdr.dev_num = d->dev_num;
	rc = vmsg_bus_request(d->b, &req, &resp);
	if (rc) {
		return rc;
	}
	if (resp.u.dev_info.device_id != VSOCK_DEVICE_ID ||
	    resp.u.dev_info.max_vqs < VSOCK_DRV_NQ) {
		return -ENODEV;
	}
	return VMSG_T_OK;
}

static int negotiate(struct tzs_vsock_drv *d)
{
	uint64_t want = 1ull << VIRTIO_F_VERSION_1 |
			1ull << VIRTIO_F_EVENT_IDX | 1ull << VSOCK_F_STREAM |
			1ull << VSOCK_F_SEQPACKET;
	uint32_t max[VSOCK_DRV_NQ] = { 0 };
	uint32_t i = 0;
	int rc = identify(d);

	if (rc) {
		return rc;
	}
	d->touched = true;
	rc = vmsg_drvt_probe(&d->t);
	if (rc) {
		return rc;
	}
	if (d->t.info.device_id != VSOCK_DEVICE_ID ||
	    d->t.info.max_vqs < VSOCK_DRV_NQ) {
		return -ENODEV;
	}
	rc = vmsg_drvt_negotiate(&d->t, want & d->t.device_features);
	for (i = 0; !rc && i < VSOCK_DRV_NQ; i++) {
		rc = vmsg_drvt_queue_max(&d->t, i, &max[i]);
	}
	if (!rc) {
		rc = read_cid(d);
	}
	if (!rc) {
		rc = sizes(d, max);
	}
	d->event_idx = (d->t.driver_features >> VIRTIO_F_EVENT_IDX) & 1;
	return rc;
}

/* Every rx and event buffer goes to the device. */
static int post_all(struct tzs_vsock_drv *d)
{
	uint32_t i = 0;
	int rc = 0;

	for (i = 0; !rc && i < d->rx_bufs; i++) {
		rc = vsock_drv_post_rx(d, i);
	}
	for (i = 0; !rc && i < VSOCK_DRV_EVENT_BUFS && i < d->q[2].size; i++) {
		rc = vsock_drv_post_ev(d, i);
	}
	return rc ? VMSG_T_E_STATE : tzs_vsock_drv_kick(d);
}

/* The whole init sequence (also after a reset). */
static int dev_setup(struct tzs_vsock_drv *d)
{
	uint32_t i = 0;
	int rc = negotiate(d);

	if (!rc) {
		rc = mem_alloc(d);
	}
	if (!rc) {
		rc = area_share(d);
	}
	for (i = 0; !rc && i < VSOCK_DRV_NQ; i++) {
		rc = queue_setup(d, i);
	}
	if (rc) {
		return rc;
	}
	vsock_drv_tx_reset(d);
	rc = vmsg_drvt_driver_ok(&d->t);
	if (rc) {
		return rc;
	}
	d->stale = false;
	return post_all(d);
}

static void drv_free(struct tzs_vsock_drv *d)
{
	uint32_t i = 0;

	if (d->shared) {
		vmsg_bus_area_drop(d->b, d->area);
	}
	tzs_vmsg_dma_free(d->b, &d->mem);
	for (i = 0; i < VSOCK_DRV_NQ; i++) {
		free(d->q[i].tokens);
		free(d->q[i].chain_len);
	}
	free(d->tx_free);
	free(d);
}

int tzs_vsock_drv_open(struct tzs_vmsg_bus *b, uint16_t dev_num,
		       const struct tzs_vsock_drv_opts *o,
		       struct tzs_vsock_drv **out)
{
	struct tzs_vsock_drv *d = calloc(1, sizeof(*d));
	int rc = 0;

	if (!d) {
		return -ENOMEM;
	}
	d->b = b;
	d->dev_num = dev_num;
	d->want_size = pow2_floor(o && o->queue_size ? o->queue_size :
						       DEFAULT_QUEUE_SIZE);
	d->rx_bufs = o ? o->rx_bufs : 0;
	d->tx_bufs = o ? o->tx_bufs : 0;
	vmsg_drvt_init(&d->t, &b->drv_ops, b, dev_num);
	rc = dev_setup(d);
	if (rc) {
		/* Status 0 makes the device let go of what it holds. */
		if (d->touched) {
			(void)vmsg_drvt_reset(&d->t);
		}
		drv_free(d);
		return rc;
	}
	vmsg_bus_attach_driver(b, dev_num, &vsock_bus_ops, d);
	*out = d;
	return 0;
}

void tzs_vsock_drv_close(struct tzs_vsock_drv *d)
{
	if (!d) {
		return;
	}
	vmsg_bus_attach_driver(d->b, d->dev_num, NULL, NULL);
	(void)vmsg_drvt_reset(&d->t);
	drv_free(d);
}

int tzs_vsock_drv_reset(struct tzs_vsock_drv *d)
{
	int rc = vmsg_drvt_reset(&d->t);

	vsock_drv_tx_reset(d);
	if (rc) {
		return rc;
	}
	return dev_setup(d);
}

uint64_t tzs_vsock_drv_cid(const struct tzs_vsock_drv *d)
{
	return d->cid;
}

void tzs_vsock_drv_get_stats(const struct tzs_vsock_drv *d,
			     struct tzs_vsock_drv_stats *st)
{
	*st = d->stats;
}

struct virtq_drv *tzs_vsock_drv_vq(struct tzs_vsock_drv *d, uint32_t vq)
{
	return vq < VSOCK_DRV_NQ ? &d->q[vq].vq : NULL;
}

uint8_t *tzs_vsock_drv_host(struct tzs_vsock_drv *d, uint64_t bus_addr,
			    uint32_t len)
{
	uint64_t off = bus_addr - d->bus;

	if (bus_addr < d->bus || off > d->mem.len || len > d->mem.len - off) {
		return NULL;
	}
	return d->mem.va + off;
}

/* Bus callbacks, with the bus lock held. EVENT_USED needs nothing (poll()
 * looks at the used rings); EVENT_CONFIG may carry NEEDS_RESET. */
static void vsock_event(void *ctx, const struct vmsg *ev)
{
	struct tzs_vsock_drv *d = ctx;

	(void)vmsg_drvt_event(&d->t, ev);
}

static void vsock_bus_reset(void *ctx)
{
	struct tzs_vsock_drv *d = ctx;

	/* The area is gone on both sides; the block stays ours. */
	d->shared = false;
	d->stale = true;
}
