/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * In-process FF-A bus loopback: the frontend's xfer hands every message to
 * vmsg_ffa_backend_handle() (the "loopback carriage", with hooks to tamper
 * with requests and answers), and a fake FF-A memory layer joins the two:
 * the driver memory is one arena, mem_share records (pa, pages) under a
 * fresh handle, the backend's area_map resolves that handle to the arena
 * and mem_reclaim is denied while the backend still maps it (as the SPMC
 * denies MEM_RECLAIM while a borrower holds the memory).
 *
 * Echo devices (struct lp_echo) carry both sides: the device object and
 * its transport in the backend, the driver transport and virtqueue in the
 * frontend. Rings and buffers come from the static DMA pool or, in dynamic
 * mode, from arena pages shared one area per buffer.
 */
#ifndef TZS_LOOP_FIXTURE_H
#define TZS_LOOP_FIXTURE_H

#include "test.h"

#include <tzshare/lib.h>
#include <tzshare/vdev_echo.h>
#include <tzshare/virtq.h>
#include <tzshare/vmsg.h>
#include <tzshare/vmsg_ffa_bus.h>
#include <tzshare/vmsg_transport.h>

#define LP_PAGES 1024u /* 4 MiB of driver memory */
#define LP_PA_BASE 0x80000000ull
#define LP_MAX_SHARES 256
#define LP_MAX_DEVS VMSG_FFA_MAX_DEVICES
#define LP_MAX_EVENTS 512
#define LP_QSIZE 64u
#define LP_POOL_PAGES 64u
#define LP_POOL_UNIT 64u
#define LP_FFA_VERSION 0x00010002u
#define LP_BUS_FEATURES (VMSG_FFA_BUS_F_DIRECT_RX | VMSG_FFA_BUS_F_NOTIF_TX)
#define LP_FEATURES                                                    \
	((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_F_EVENT_IDX) | \
	 (1ull << VIRTIO_F_RING_RESET))

enum lp_mode { LP_STATIC, LP_DYNAMIC };

struct lp_share {
	bool used;
	bool mapped;
	uint64_t handle;
	uint64_t pa;
	uint32_t pages;
	uint32_t attrs;
};

struct loop;

struct lp_echo {
	uint16_t dev_num;
	enum lp_mode mode;
	struct vdev_echo dev;
	struct vmsg_devt devt;
	struct vmsg_drvt drvt;
	struct virtq_drv vq;
	void *tokens[LP_QSIZE];
	uint16_t chain_len[LP_QSIZE];
	uint16_t qsize;
	uint8_t *ring;
	uint64_t ring_pa; /* dynamic mode */
	uint64_t ring_bus;
	uint32_t ring_len;
	uint64_t used_events;
	uint64_t config_events;
	uint64_t ready_events;
	uint64_t removed_events;
};

typedef void (*lp_tamper)(struct loop *l, uint8_t *buf, size_t *len);

struct loop {
	uint8_t *arena;
	uint8_t page_used[LP_PAGES];
	struct lp_share shares[LP_MAX_SHARES];
	uint64_t next_handle;
	struct vmsg_ffa_backend be;
	struct vmsg_ffa_frontend fe;
	struct vmsg_ffa_frontend_ops fops;
	struct vmsg_ffa_backend_ops bops;
	/* Carriage. */
	bool link_down;
	lp_tamper tamper_req;
	lp_tamper tamper_resp;
	int tamper_arg;
	uint64_t xfers;
	uint16_t last_token;
	/* Fake FF-A. */
	bool fail_map;
	unsigned int shares_made, maps, unmaps, reclaims, reclaims_denied;
	unsigned int notifies;
	uint16_t notify_id;
	/* The host driver layer. */
	struct vmsg events[LP_MAX_EVENTS];
	unsigned int n_events;
	struct lp_echo *echo[LP_MAX_DEVS];
	/* Static DMA pool. */
	struct vmsg_ffa_dma_pool pool;
	/* Buddy metadata: two bytes per unit (a power of 2 here). */
	uint8_t pool_map[2u * LP_POOL_PAGES * 4096u / LP_POOL_UNIT];
	uint64_t pool_pa;
};

/* ---------------------------------------------------------------------- */
/* Driver memory                                                           */

static inline uint8_t *lp_host(struct loop *l, uint64_t pa)
{
	return l->arena + (pa - LP_PA_BASE);
}

static inline uint64_t lp_pages_alloc(struct loop *l, uint32_t n)
{
	uint32_t i = 0, j = 0;

	for (i = 0; i + n <= LP_PAGES; i++) {
		for (j = 0; j < n && !l->page_used[i + j]; j++) {
		}
		if (j == n) {
			memset(l->page_used + i, 1, n);
			memset(l->arena + (size_t)i * 4096u, 0,
			       (size_t)n * 4096u);
			return LP_PA_BASE + (uint64_t)i * 4096u;
		}
	}
	test_fail(__FILE__, __LINE__, "driver memory exhausted");
}

static inline void lp_pages_free(struct loop *l, uint64_t pa, uint32_t n)
{
	memset(l->page_used + (pa - LP_PA_BASE) / 4096u, 0, n);
}

/* ---------------------------------------------------------------------- */
/* Fake FF-A                                                               */

static inline struct lp_share *lp_share_find(struct loop *l, uint64_t handle)
{
	int i = 0;

	for (i = 0; i < LP_MAX_SHARES; i++) {
		if (l->shares[i].used && l->shares[i].handle == handle) {
			return &l->shares[i];
		}
	}
	return NULL;
}

static inline unsigned int lp_live_shares(struct loop *l)
{
	unsigned int n = 0;
	int i = 0;

	for (i = 0; i < LP_MAX_SHARES; i++) {
		n += l->shares[i].used;
	}
	return n;
}

static inline int lp_mem_share(void *ctx, uint64_t pa, uint32_t pages,
			       uint32_t attrs, uint64_t *handle)
{
	struct loop *l = ctx;
	int i = 0;

	if (pa < LP_PA_BASE || (pa & 4095u) || pages == 0 ||
	    (pa - LP_PA_BASE) / 4096u + pages > LP_PAGES) {
		return VMSG_T_E_BUS;
	}
	for (i = 0; i < LP_MAX_SHARES; i++) {
		if (!l->shares[i].used) {
			break;
		}
	}
	if (i == LP_MAX_SHARES) {
		return VMSG_T_E_NOMEM;
	}
	l->shares[i].used = true;
	l->shares[i].mapped = false;
	l->shares[i].handle = (1ull << 63) | ++l->next_handle;
	l->shares[i].pa = pa;
	l->shares[i].pages = pages;
	l->shares[i].attrs = attrs;
	l->shares_made++;
	*handle = l->shares[i].handle;
	return VMSG_T_OK;
}

static inline int lp_mem_reclaim(void *ctx, uint64_t handle)
{
	struct loop *l = ctx;
	struct lp_share *s = lp_share_find(l, handle);

	if (!s) {
		return VMSG_T_E_BUS;
	}
	if (s->mapped) {
		l->reclaims_denied++;
		return VMSG_T_E_BUS;
	}
	s->used = false;
	l->reclaims++;
	return VMSG_T_OK;
}

static inline uint8_t *lp_area_map(void *ctx, uint64_t handle, uint64_t tag,
				   uint32_t pages, uint32_t attrs)
{
	struct loop *l = ctx;
	struct lp_share *s = lp_share_find(l, handle);

	(void)tag;
	(void)attrs;
	if (l->fail_map || !s || s->mapped || s->pages != pages) {
		return NULL;
	}
	s->mapped = true;
	l->maps++;
	return lp_host(l, s->pa);
}

static inline void lp_area_unmap(void *ctx, uint8_t *va, uint32_t pages,
				 uint64_t handle)
{
	struct loop *l = ctx;
	struct lp_share *s = lp_share_find(l, handle);

	if (!s || !s->mapped || lp_host(l, s->pa) != va || s->pages != pages) {
		test_fail(__FILE__, __LINE__, "unmap of something not mapped");
	}
	s->mapped = false;
	l->unmaps++;
}

static inline void lp_notify(void *ctx, uint16_t id)
{
	struct loop *l = ctx;

	l->notifies++;
	l->notify_id = id;
}

/* ---------------------------------------------------------------------- */
/* Carriage and the host driver layer                                      */

static inline int lp_xfer(void *ctx, const uint8_t *msg, size_t len,
			  uint8_t *resp, size_t cap, size_t *resp_len)
{
	struct loop *l = ctx;
	uint8_t buf[VMSG_MAX_SIZE];

	if (l->link_down) {
		return VMSG_T_E_BUS;
	}
	if (len > sizeof(buf)) {
		test_fail(__FILE__, __LINE__, "frontend sent %zu bytes", len);
	}
	memcpy(buf, msg, len);
	l->xfers++;
	l->last_token = le16_get(buf + 4);
	if (l->tamper_req) {
		l->tamper_req(l, buf, &len);
	}
	*resp_len = vmsg_ffa_backend_handle(&l->be, buf, len, resp, cap);
	if (l->tamper_resp) {
		l->tamper_resp(l, resp, resp_len);
	}
	return VMSG_T_OK;
}

static inline void lp_device_event(void *ctx, const struct vmsg *ev)
{
	struct loop *l = ctx;
	struct lp_echo *e = NULL;
	uint16_t dev = ev->hdr.dev_num;

	if (l->n_events < LP_MAX_EVENTS) {
		l->events[l->n_events] = *ev;
	}
	l->n_events++;
	if (ev->hdr.type & VMSG_TYPE_BUS) {
		dev = ev->u.event_device.dev_num;
		if (dev < LP_MAX_DEVS && l->echo[dev]) {
			if (ev->u.event_device.state == VMSG_DEVICE_READY) {
				l->echo[dev]->ready_events++;
			} else {
				l->echo[dev]->removed_events++;
			}
		}
		return;
	}
	if (dev >= LP_MAX_DEVS || !l->echo[dev]) {
		return;
	}
	e = l->echo[dev];
	if (vmsg_drvt_event(&e->drvt, ev) >= 0) {
		e->used_events++;
	} else if (ev->hdr.msg_id == VMSG_EVENT_CONFIG) {
		e->config_events++;
	}
}

static inline struct loop *lp_new(uint32_t bus_features)
{
	struct loop *l = calloc(1, sizeof(*l));

	ASSERT_TRUE(l);
	l->arena = aligned_alloc(4096, (size_t)LP_PAGES * 4096u);
	ASSERT_TRUE(l->arena);
	memset(l->arena, 0, (size_t)LP_PAGES * 4096u);
	l->fops.xfer = lp_xfer;
	l->fops.mem_share = lp_mem_share;
	l->fops.mem_reclaim = lp_mem_reclaim;
	l->fops.device_event = lp_device_event;
	l->bops.area_map = lp_area_map;
	l->bops.area_unmap = lp_area_unmap;
	l->bops.notify = lp_notify;
	vmsg_ffa_backend_init(&l->be, &l->bops, l, bus_features);
	vmsg_ffa_frontend_init(&l->fe, &l->fops, l, LP_FFA_VERSION);
	return l;
}

/* VERSION, GET_DEVICES, EVENT_CONFIGURE(POLL). */
static inline void lp_connect(struct loop *l)
{
	ASSERT_EQ(vmsg_ffa_frontend_version(&l->fe), VMSG_T_OK);
	ASSERT_EQ(vmsg_ffa_frontend_enumerate(&l->fe), VMSG_T_OK);
	ASSERT_EQ(vmsg_ffa_frontend_configure_events(&l->fe, false, 0),
		  VMSG_T_OK);
}

static inline int lp_poll(struct loop *l)
{
	return vmsg_ffa_frontend_poll(&l->fe, 1024);
}

/* ---------------------------------------------------------------------- */
/* Echo devices                                                            */

static inline struct lp_echo *lp_add_echo(struct loop *l, uint16_t dev_num)
{
	struct lp_echo *e = calloc(1, sizeof(*e));

	ASSERT_TRUE(e);
	e->dev_num = dev_num;
	vdev_echo_init(&e->dev);
	ASSERT_EQ(vmsg_ffa_backend_add(&l->be, dev_num, &e->dev.dev, &e->devt),
		  0);
	l->echo[dev_num] = e;
	return e;
}

static inline void lp_pool_up(struct loop *l)
{
	l->pool_pa = lp_pages_alloc(l, LP_POOL_PAGES);
	ASSERT_EQ(vmsg_ffa_dma_pool_init(&l->pool, lp_host(l, l->pool_pa),
					 l->pool_pa, LP_POOL_PAGES,
					 LP_POOL_UNIT, l->pool_map,
					 sizeof(l->pool_map)),
		  VMSG_T_OK);
	ASSERT_EQ(vmsg_ffa_dma_pool_share(&l->fe, &l->pool), VMSG_T_OK);
}

/* Ring layout: desc at 0, avail after it, used 4-aligned after that. */
static inline uint32_t lp_avail_off(uint16_t n)
{
	return 16u * n;
}

static inline uint32_t lp_used_off(uint16_t n)
{
	return (16u * n + 6u + 2u * n + 3u) & ~3u;
}

static inline uint32_t lp_ring_len(uint16_t n)
{
	return lp_used_off(n) + 6u + 8u * n;
}

/* Driver-side buffer of @len bytes (device-writable or not). */
struct lp_buf {
	uint8_t *host;
	uint64_t bus;
	uint64_t pa;
	uint32_t len;
	uint32_t pages;
};

static inline void lp_buf_get(struct loop *l, enum lp_mode mode, uint32_t len,
			      bool writable, struct lp_buf *b)
{
	memset(b, 0, sizeof(*b));
	b->len = len;
	if (mode == LP_STATIC) {
		ASSERT_EQ(vmsg_ffa_dma_pool_alloc(&l->pool, len, 16, &b->host,
						  &b->bus),
			  VMSG_T_OK);
		return;
	}
	b->pages = (len + 4095u) / 4096u;
	b->pa = lp_pages_alloc(l, b->pages);
	b->host = lp_host(l, b->pa);
	ASSERT_EQ(vmsg_ffa_dma_map(&l->fe, b->pa, len,
				   writable ? VMSG_FFA_AREA_ATTRS_RW :
					      VMSG_FFA_AREA_ATTRS_RW &
						      ~VMSG_AREA_ATTR_WRITABLE,
				   &b->bus),
		  VMSG_T_OK);
}

static inline void lp_buf_put(struct loop *l, enum lp_mode mode,
			      struct lp_buf *b)
{
	if (mode == LP_STATIC) {
		ASSERT_EQ(vmsg_ffa_dma_pool_free(&l->pool, b->bus, b->len),
			  VMSG_T_OK);
		return;
	}
	ASSERT_EQ(vmsg_ffa_dma_unmap(&l->fe, b->bus), VMSG_T_OK);
	lp_pages_free(l, b->pa, b->pages);
}

/* Rings for @e (pool or own area) + virtq_drv_init. */
static inline void lp_rings(struct loop *l, struct lp_echo *e, uint16_t n,
			    uint64_t features)
{
	uint64_t bus = 0;

	e->qsize = n;
	e->ring_len = lp_ring_len(n);
	if (e->mode == LP_STATIC) {
		ASSERT_EQ(vmsg_ffa_dma_pool_alloc(&l->pool, e->ring_len, 16,
						  &e->ring, &bus),
			  VMSG_T_OK);
	} else {
		e->ring_pa = lp_pages_alloc(l, (e->ring_len + 4095u) / 4096u);
		e->ring = lp_host(l, e->ring_pa);
		ASSERT_EQ(vmsg_ffa_dma_map(&l->fe, e->ring_pa, e->ring_len,
					   VMSG_FFA_AREA_ATTRS_RW, &bus),
			  VMSG_T_OK);
	}
	e->ring_bus = bus;
	ASSERT_EQ(virtq_drv_init(&e->vq, n, e->ring, bus,
				 e->ring + lp_avail_off(n),
				 bus + lp_avail_off(n),
				 e->ring + lp_used_off(n), bus + lp_used_off(n),
				 (features >> VIRTIO_F_EVENT_IDX) & 1u,
				 (features >> VIRTIO_F_INDIRECT_DESC) & 1u,
				 e->tokens, e->chain_len),
		  VIRTQ_OK);
}

static inline void lp_queue_setup(struct lp_echo *e)
{
	ASSERT_EQ(vmsg_drvt_queue_setup(&e->drvt, 0, e->qsize, e->ring_bus,
					e->ring_bus + lp_avail_off(e->qsize),
					e->ring_bus + lp_used_off(e->qsize)),
		  VMSG_T_OK);
}

/* The full init sequence of an echo device from the driver side. */
static inline void lp_echo_up(struct loop *l, struct lp_echo *e,
			      enum lp_mode mode, uint64_t features)
{
	uint32_t max = 0;

	e->mode = mode;
	vmsg_drvt_init(&e->drvt, &l->fe.drv_bus, &l->fe, e->dev_num);
	ASSERT_EQ(vmsg_drvt_probe(&e->drvt), VMSG_T_OK);
	ASSERT_EQ(e->drvt.info.device_id, VDEV_ECHO_DEVICE_ID);
	ASSERT_EQ(vmsg_drvt_negotiate(&e->drvt, features), VMSG_T_OK);
	ASSERT_EQ(vmsg_drvt_queue_max(&e->drvt, 0, &max), VMSG_T_OK);
	ASSERT_TRUE(max >= LP_QSIZE);
	lp_rings(l, e, LP_QSIZE, features);
	lp_queue_setup(e);
	ASSERT_EQ(vmsg_drvt_driver_ok(&e->drvt), VMSG_T_OK);
}

/* Post one chain (already filled) and kick when the device wants it. */
static inline void lp_post(struct loop *l, struct lp_echo *e,
			   const struct virtq_buf *out, unsigned int out_n,
			   const struct virtq_buf *in, unsigned int in_n,
			   void *token)
{
	(void)l;
	ASSERT_EQ(virtq_drv_add(&e->vq, out, out_n, in, in_n, token), VIRTQ_OK);
	if (virtq_drv_publish(&e->vq)) {
		ASSERT_EQ(vmsg_drvt_notify(&e->drvt, 0), VMSG_T_OK);
	}
}

/* One message through the echo device; returns the bytes echoed. */
static inline uint32_t lp_echo_msg(struct loop *l, struct lp_echo *e,
				   const void *msg, uint32_t n)
{
	struct lp_buf out, in;
	struct virtq_buf vo, vi;
	uint32_t len = 0;
	void *tok = NULL;

	lp_buf_get(l, e->mode, n, false, &out);
	lp_buf_get(l, e->mode, n, true, &in);
	memcpy(out.host, msg, n);
	vo.addr = out.bus;
	vo.len = n;
	vi.addr = in.bus;
	vi.len = n;
	lp_post(l, e, &vo, 1, &vi, 1, &out);
	ASSERT_TRUE(lp_poll(l) >= 0);
	tok = virtq_drv_get_used(&e->vq, &len);
	ASSERT_TRUE(tok == &out);
	ASSERT_EQ(len, n);
	ASSERT_MEM_EQ(in.host, msg, n);
	lp_buf_put(l, e->mode, &out);
	lp_buf_put(l, e->mode, &in);
	return len;
}

/* Bus-level raw exchange with the backend (no frontend involved). */
static inline size_t lp_raw(struct loop *l, enum vmsg_profile profile,
			    const struct vmsg *m, uint8_t *resp)
{
	uint8_t buf[VMSG_MAX_SIZE];
	int n = vmsg_encode(profile, m, buf, sizeof(buf));

	ASSERT_TRUE(n > 0);
	return vmsg_ffa_backend_handle(&l->be, buf, (size_t)n, resp,
				       VMSG_MAX_SIZE);
}

static inline struct vmsg lp_bus_msg(uint8_t msg_id, uint16_t token)
{
	struct vmsg m;

	memset(&m, 0, sizeof(m));
	m.hdr.type = VMSG_TYPE_BUS;
	m.hdr.msg_id = msg_id;
	m.hdr.token = token;
	return m;
}

#endif /* TZS_LOOP_FIXTURE_H */
