// SPDX-License-Identifier: BSD-2-Clause
/*
 * A virtio driver for the echo test device over the hosted FF-A bus: the
 * driver transport (struct vmsg_drvt) for the init sequence and resets, one
 * split virtqueue (struct virtq_drv) whose rings live in one page-aligned
 * block of VM DRAM shared as an area, and the two DMA modes of the bus.
 *
 * Request lifecycle: submit() takes a request slot and the buffers' bus
 * addresses (static: two bounce buffers from the pool, the source copied
 * in; dynamic: source and destination pages shared as two areas) and adds
 * a chain [readable src, writable dst]; kick() publishes the batch and
 * sends EVENT_AVAIL only when the device asked for one (EVENT_IDX); reap()
 * takes used chains (static: copies the bytes written back to dst;
 * dynamic: unshares both areas) and frees the slot. A reset (device, queue
 * or bus) drops every request in flight and frees what it held. Used-buffer
 * notifications stay disabled while we poll the used ring; reap() enables
 * them only when it has to wait.
 */
#include "vmsg_host_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_QUEUE_SIZE 256u
#define ECHO_QUEUE 0u
#define NO_SLOT UINT32_MAX

struct echo_slot {
	bool used;
	void *token;
	uint8_t *dst;
	uint32_t len;
	bool pooled; /* static: bounce buffers below */
	uint64_t pool_src; /* bus addresses */
	uint64_t pool_dst;
	uint8_t *bounce_dst; /* host pointer of pool_dst */
	bool src_shared; /* dynamic: areas below */
	bool dst_shared;
	uint16_t src_area;
	uint16_t dst_area;
	uint32_t next_free;
};

struct tzs_vmsg_echo {
	struct tzs_vmsg_bus *b;
	uint16_t dev_num;
	struct vmsg_drvt t;
	uint16_t want_size;
	uint16_t size;
	bool event_idx;
	struct virtq_drv vq;
	struct tzs_vmsg_dma ring;
	uint64_t ring_bus;
	uint16_t ring_area;
	bool ring_shared;
	bool stale; /* a bus RESET took the device's state and areas */
	void **tokens;
	uint16_t *chain_len;
	struct echo_slot *slots;
	uint32_t free_head;
	uint32_t inflight;
};

static void echo_event(void *ctx, const struct vmsg *ev);
static void echo_bus_reset(void *ctx);

static const struct vmsg_bus_driver_ops echo_bus_ops = {
	.event = echo_event,
	.bus_reset = echo_bus_reset,
};

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static uint16_t area_of(uint64_t bus_addr)
{
	return (uint16_t)(bus_addr >> VMSG_BUS_ADDR_AREA_SHIFT);
}

/* Ring block layout: descriptors, then avail (align 2), then used (4). */
static uint64_t used_off(uint16_t n)
{
	return align_up(virtq_desc_bytes(n) + virtq_avail_bytes(n) + 2, 4);
}

static uint64_t ring_bytes(uint16_t n)
{
	return used_off(n) + virtq_used_bytes(n) + 2;
}

static uint16_t pow2_floor(uint32_t v)
{
	uint16_t p = 1;

	while ((uint32_t)p * 2 <= v && p < 32768) {
		p = (uint16_t)(p * 2);
	}
	return p;
}

static void slots_reset(struct tzs_vmsg_echo *e)
{
	uint32_t i = 0;

	memset(e->slots, 0, sizeof(*e->slots) * e->want_size);
	for (i = 0; i < e->want_size; i++) {
		e->slots[i].next_free = i + 1 < e->want_size ? i + 1 : NO_SLOT;
	}
	e->free_head = 0;
	e->inflight = 0;
}

static void area_drop(struct tzs_vmsg_echo *e, bool *shared, uint16_t id)
{
	if (*shared) {
		vmsg_bus_area_drop(e->b, id);
	}
	*shared = false;
}

static void slot_release(struct tzs_vmsg_echo *e, struct echo_slot *s)
{
	if (s->pooled) {
		vmsg_bus_pool_free(e->b, s->pool_src);
		vmsg_bus_pool_free(e->b, s->pool_dst);
		s->pooled = false;
	}
	area_drop(e, &s->src_shared, s->src_area);
	area_drop(e, &s->dst_shared, s->dst_area);
	s->used = false;
	s->next_free = e->free_head;
	e->free_head = (uint32_t)(s - e->slots);
	e->inflight--;
}

/* A reset gave every chain back: free what the requests held. */
static void drop_inflight(struct tzs_vmsg_echo *e)
{
	uint32_t i = 0;

	for (i = 0; i < e->want_size; i++) {
		if (e->slots[i].used) {
			slot_release(e, &e->slots[i]);
		}
	}
	slots_reset(e);
}

static int ring_share(struct tzs_vmsg_echo *e)
{
	int rc = 0;

	if (e->ring_shared && tzs_vmsg_bus_area_live(e->b, e->ring_area)) {
		return VMSG_T_OK;
	}
	rc = tzs_vmsg_bus_area_share(e->b, e->ring.pa,
				     (uint32_t)(e->ring.len / TZS_PAGE_SIZE),
				     &e->ring_bus);
	if (rc == VMSG_T_OK) {
		e->ring_shared = true;
		e->ring_area = area_of(e->ring_bus);
	}
	return rc;
}

/* Fresh rings and the queue set up on the device (SET_VQUEUE). */
static int queue_setup(struct tzs_vmsg_echo *e)
{
	uint64_t uo = used_off(e->size);
	int rc = 0;

	memset(e->ring.va, 0, e->ring.len);
	rc = virtq_drv_init(&e->vq, e->size, e->ring.va, e->ring_bus,
			    e->ring.va + virtq_desc_bytes(e->size),
			    e->ring_bus + virtq_desc_bytes(e->size),
			    e->ring.va + uo, e->ring_bus + uo, e->event_idx,
			    false, e->tokens, e->chain_len);
	if (rc != VIRTQ_OK) {
		return VMSG_T_E_STATE;
	}
	/* We poll the used ring; reap() asks for notifications when it has
	 * to wait. */
	virtq_drv_disable_cb(&e->vq);
	return vmsg_drvt_queue_setup(&e->t, ECHO_QUEUE, e->size, e->ring_bus,
				     e->ring_bus + virtq_desc_bytes(e->size),
				     e->ring_bus + uo);
}

/* The whole init sequence (virtio-msg.md §1.2 "Init order"). */
static int dev_setup(struct tzs_vmsg_echo *e)
{
	uint64_t want =
		1ull << VIRTIO_F_VERSION_1 | 1ull << VIRTIO_F_ACCESS_PLATFORM |
		1ull << VIRTIO_F_EVENT_IDX | 1ull << VIRTIO_F_RING_RESET;
	uint32_t max = 0;
	int rc = vmsg_drvt_probe(&e->t);

	if (!rc) {
		rc = vmsg_drvt_negotiate(&e->t, want & e->t.device_features);
	}
	if (!rc) {
		rc = vmsg_drvt_queue_max(&e->t, ECHO_QUEUE, &max);
	}
	if (rc) {
		return rc;
	}
	if (!max) {
		return VMSG_T_E_PROTO;
	}
	e->event_idx = (e->t.driver_features >> VIRTIO_F_EVENT_IDX) & 1;
	e->size = pow2_floor(max < e->want_size ? max : e->want_size);
	rc = ring_share(e);
	if (!rc) {
		rc = queue_setup(e);
	}
	if (!rc) {
		rc = vmsg_drvt_driver_ok(&e->t);
	}
	if (!rc) {
		e->stale = false;
	}
	return rc;
}

int tzs_vmsg_echo_open(struct tzs_vmsg_bus *b, uint16_t dev_num,
		       uint16_t queue_size, struct tzs_vmsg_echo **out)
{
	struct tzs_vmsg_echo *e = calloc(1, sizeof(*e));
	uint16_t n = 0;
	int rc = 0;

	if (!e) {
		return VMSG_T_E_NOMEM;
	}
	n = pow2_floor(queue_size ? queue_size : DEFAULT_QUEUE_SIZE);
	e->b = b;
	e->dev_num = dev_num;
	e->want_size = n;
	e->tokens = calloc(n, sizeof(*e->tokens));
	e->chain_len = calloc(n, sizeof(*e->chain_len));
	e->slots = calloc(n, sizeof(*e->slots));
	if (!e->tokens || !e->chain_len || !e->slots ||
	    tzs_vmsg_dma_alloc(b, ring_bytes(n), &e->ring)) {
		rc = VMSG_T_E_NOMEM;
		goto out_free;
	}
	slots_reset(e);
	vmsg_drvt_init(&e->t, &b->drv_ops, b, dev_num);
	rc = dev_setup(e);
	if (rc) {
		goto out_reset;
	}
	vmsg_bus_attach_driver(b, dev_num, &echo_bus_ops, e);
	*out = e;
	return VMSG_T_OK;
out_reset:
	(void)vmsg_drvt_reset(&e->t);
	area_drop(e, &e->ring_shared, e->ring_area);
	tzs_vmsg_dma_free(b, &e->ring);
out_free:
	free(e->tokens);
	free(e->chain_len);
	free(e->slots);
	free(e);
	return rc;
}

void tzs_vmsg_echo_close(struct tzs_vmsg_echo *e)
{
	if (!e) {
		return;
	}
	vmsg_bus_attach_driver(e->b, e->dev_num, NULL, NULL);
	/* Status 0 makes the device let go of the rings and buffers. */
	(void)vmsg_drvt_reset(&e->t);
	drop_inflight(e);
	area_drop(e, &e->ring_shared, e->ring_area);
	tzs_vmsg_dma_free(e->b, &e->ring);
	free(e->tokens);
	free(e->chain_len);
	free(e->slots);
	free(e);
}

static int bufs_static(struct tzs_vmsg_echo *e, struct echo_slot *s,
		       const struct tzs_vmsg_echo_req *r, struct virtq_buf *out,
		       struct virtq_buf *in)
{
	struct tzs_vmsg_bus *b = e->b;
	uint8_t *bounce_src = NULL;

	if (vmsg_bus_pool_alloc(b, r->len, &bounce_src, &s->pool_src)) {
		return VMSG_T_E_NOMEM;
	}
	if (vmsg_bus_pool_alloc(b, r->len, &s->bounce_dst, &s->pool_dst)) {
		vmsg_bus_pool_free(b, s->pool_src);
		return VMSG_T_E_NOMEM;
	}
	s->pooled = true;
	memcpy(bounce_src, r->src, r->len);
	out->addr = s->pool_src;
	in->addr = s->pool_dst;
	return VMSG_T_OK;
}

/* The source is shared read-only: the device has no business writing it. */
static int bufs_dynamic(struct tzs_vmsg_echo *e, struct echo_slot *s,
			const struct tzs_vmsg_echo_req *r,
			struct virtq_buf *out, struct virtq_buf *in)
{
	int rc = vmsg_bus_dma_map(e->b, r->src_pa, r->len, false, &out->addr);

	if (rc) {
		return rc;
	}
	s->src_shared = true;
	s->src_area = area_of(out->addr);
	rc = vmsg_bus_dma_map(e->b, r->dst_pa, r->len, true, &in->addr);
	if (rc) {
		area_drop(e, &s->src_shared, s->src_area);
		return rc;
	}
	s->dst_shared = true;
	s->dst_area = area_of(in->addr);
	return VMSG_T_OK;
}

int tzs_vmsg_echo_submit(struct tzs_vmsg_echo *e,
			 const struct tzs_vmsg_echo_req *r)
{
	struct virtq_buf out = { 0 }, in = { 0 };
	struct echo_slot *s = NULL;
	int rc = 0;

	if (e->stale) {
		return VMSG_T_E_STATE;
	}
	if (!r->len || !r->src || !r->dst) {
		return -EINVAL;
	}
	if (e->free_head == NO_SLOT || e->vq.num_free < 2) {
		return VMSG_T_E_NOMEM;
	}
	s = &e->slots[e->free_head];
	e->free_head = s->next_free;
	e->inflight++;
	s->used = true;
	s->token = r->token;
	s->dst = r->dst;
	s->len = r->len;
	out.len = r->len;
	in.len = r->len;
	rc = tzs_vmsg_bus_dynamic(e->b) ? bufs_dynamic(e, s, r, &out, &in) :
					  bufs_static(e, s, r, &out, &in);
	if (!rc && virtq_drv_add(&e->vq, &out, 1, &in, 1, s) != VIRTQ_OK) {
		rc = VMSG_T_E_NOMEM;
	}
	if (rc) {
		slot_release(e, s);
	}
	return rc;
}

int tzs_vmsg_echo_kick(struct tzs_vmsg_echo *e)
{
	if (e->stale) {
		return VMSG_T_E_STATE;
	}
	if (!virtq_drv_publish(&e->vq)) {
		return VMSG_T_OK; /* the device is not waiting for one */
	}
	return vmsg_drvt_notify(&e->t, ECHO_QUEUE);
}

int tzs_vmsg_echo_notify(struct tzs_vmsg_echo *e)
{
	return vmsg_drvt_notify(&e->t, ECHO_QUEUE);
}

static void finish(struct tzs_vmsg_echo *e, struct echo_slot *s,
		   uint32_t written, void **token, uint32_t *len)
{
	/* The device reports what it wrote; never trust it past our buffer. */
	if (written > s->len) {
		written = s->len;
	}
	if (s->pooled) {
		memcpy(s->dst, s->bounce_dst, written);
	}
	*token = s->token;
	*len = written;
	slot_release(e, s);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int tzs_vmsg_echo_reap(struct tzs_vmsg_echo *e, void **token, uint32_t *len,
		       int timeout_ms)
{
	uint64_t deadline = 0, t = 0;
	struct echo_slot *s = NULL;
	uint32_t written = 0;
	int rc = 0;

	if (timeout_ms < 0) {
		timeout_ms = e->b->o.event_timeout_ms;
	}
	deadline = now_ms() + (uint64_t)timeout_ms;
	for (;;) {
		if (e->stale) {
			return VMSG_T_E_STATE;
		}
		s = virtq_drv_get_used(&e->vq, &written);
		if (s) {
			finish(e, s, written, token, len);
			return 1;
		}
		t = now_ms();
		if (!e->inflight || t >= deadline) {
			return 0;
		}
		/* Nothing used yet: ask for EVENT_USED, unless entries
		 * slipped in meanwhile, and wait for events. */
		if (!virtq_drv_enable_cb(&e->vq)) {
			virtq_drv_disable_cb(&e->vq);
			continue;
		}
		rc = tzs_vmsg_bus_events(e->b, (int)(deadline - t));
		virtq_drv_disable_cb(&e->vq);
		if (rc < 0) {
			return rc;
		}
	}
}

uint32_t tzs_vmsg_echo_inflight(const struct tzs_vmsg_echo *e)
{
	return e->inflight;
}

int tzs_vmsg_echo_reset(struct tzs_vmsg_echo *e)
{
	int rc = vmsg_drvt_reset(&e->t);

	drop_inflight(e);
	if (rc) {
		return rc;
	}
	return dev_setup(e);
}

int tzs_vmsg_echo_queue_reset(struct tzs_vmsg_echo *e)
{
	int rc = 0;

	if (e->stale) {
		return VMSG_T_E_STATE;
	}
	rc = vmsg_drvt_queue_reset(&e->t, ECHO_QUEUE);
	drop_inflight(e);
	if (rc) {
		return rc;
	}
	return queue_setup(e);
}

int tzs_vmsg_echo_status(struct tzs_vmsg_echo *e, uint32_t *status)
{
	struct vmsg req, resp;
	int rc = 0;

	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	req.hdr.msg_id = VMSG_GET_DEVICE_STATUS;
	req.hdr.dev_num = e->dev_num;
	rc = vmsg_bus_request(e->b, &req, &resp);
	if (!rc) {
		*status = resp.u.status;
	}
	return rc;
}

struct virtq_drv *tzs_vmsg_echo_vq(struct tzs_vmsg_echo *e)
{
	return &e->vq;
}

uint16_t tzs_vmsg_echo_ring_area(const struct tzs_vmsg_echo *e)
{
	return e->ring_area;
}

/* EVENT_USED needs nothing: reap polls the used ring first. EVENT_CONFIG
 * updates the transport's generation. */
static void echo_event(void *ctx, const struct vmsg *ev)
{
	struct tzs_vmsg_echo *e = ctx;

	(void)vmsg_drvt_event(&e->t, ev);
}

static void echo_bus_reset(void *ctx)
{
	struct tzs_vmsg_echo *e = ctx;
	uint32_t i = 0;

	/* Called with the bus lock held: the areas are gone on both sides,
	 * so only local resources are freed here. */
	for (i = 0; i < e->want_size; i++) {
		struct echo_slot *s = &e->slots[i];

		s->src_shared = false;
		s->dst_shared = false;
		if (s->pooled) {
			vmsg_bus_pool_free_locked(e->b, s->pool_src);
			vmsg_bus_pool_free_locked(e->b, s->pool_dst);
			s->pooled = false;
		}
	}
	slots_reset(e);
	e->ring_shared = false;
	e->stale = true;
}
