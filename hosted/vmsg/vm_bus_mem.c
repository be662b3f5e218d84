// SPDX-License-Identifier: BSD-2-Clause
/*
 * VM side of the hosted FF-A bus, memory: areas (share with explicit
 * attributes, attach of a handle the caller owns, unshare, direct reclaim
 * when the device side is gone) and the DMA allocators (the VM DRAM
 * window, the static pool's bounce buffers, dynamic per-buffer areas).
 * Every entry takes the bus lock (vmsg_host_priv.h).
 */
#include "vmsg_host_priv.h"

#include <errno.h>
#include <string.h>

#include <tzshare/lib.h>

int tzs_vmsg_bus_area_share(struct tzs_vmsg_bus *b, uint64_t pa,
			    uint32_t page_count, uint64_t *bus_addr)
{
	return tzs_vmsg_bus_area_share_attrs(
		b, pa, page_count, VMSG_FFA_AREA_ATTRS_RW, bus_addr, NULL);
}

int tzs_vmsg_bus_area_share_attrs(struct tzs_vmsg_bus *b, uint64_t pa,
				  uint32_t page_count, uint32_t attrs,
				  uint64_t *bus_addr, uint64_t *handle)
{
	struct vmsg_ffa_frontend_area *a = NULL;
	int rc = 0;

	pthread_mutex_lock(&b->lock);
	rc = vmsg_ffa_frontend_area_share(&b->fe, pa, page_count, attrs,
					  bus_addr);
	if (rc == VMSG_T_OK && handle) {
		a = vmsg_ffa_frontend_area(
			&b->fe,
			(uint16_t)(*bus_addr >> VMSG_BUS_ADDR_AREA_SHIFT));
		*handle = a ? a->handle : 0;
	}
	pthread_mutex_unlock(&b->lock);
	return rc;
}

int tzs_vmsg_bus_area_attach(struct tzs_vmsg_bus *b, uint64_t handle,
			     uint64_t tag, uint64_t pa, uint32_t page_count,
			     uint32_t attrs, uint64_t *bus_addr)
{
	int rc = 0;

	pthread_mutex_lock(&b->lock);
	rc = vmsg_ffa_frontend_area_attach(&b->fe, handle, tag, pa, page_count,
					   attrs, bus_addr);
	pthread_mutex_unlock(&b->lock);
	return rc;
}

int tzs_vmsg_bus_area_unshare(struct tzs_vmsg_bus *b, uint16_t area_id)
{
	int rc = 0;

	pthread_mutex_lock(&b->lock);
	rc = vmsg_ffa_frontend_area_unshare(&b->fe, area_id);
	pthread_mutex_unlock(&b->lock);
	return rc;
}

void vmsg_bus_area_drop(struct tzs_vmsg_bus *b, uint16_t area_id)
{
	struct vmsg_ffa_frontend_area *a = NULL;

	pthread_mutex_lock(&b->lock);
	a = vmsg_ffa_frontend_area(&b->fe, area_id);
	/* BUSY leaves the area release-pending: the core reclaims it when
	 * AREA_RELEASE arrives, nothing more to do here. */
	if (a && a->used && !a->release_pending) {
		(void)vmsg_ffa_frontend_area_unshare(&b->fe, area_id);
	}
	pthread_mutex_unlock(&b->lock);
}

int tzs_vmsg_bus_area_reclaim(struct tzs_vmsg_bus *b, uint16_t area_id)
{
	struct vmsg_ffa_frontend_area *a = NULL;
	int rc = VMSG_T_E_STATE;

	pthread_mutex_lock(&b->lock);
	a = vmsg_ffa_frontend_area(&b->fe, area_id);
	if (a && a->used) {
		rc = VMSG_T_OK;
		/* The SPMC refuses while the SP still holds it: no harm. */
		if (!a->external) {
			rc = tzs_ep_mem_reclaim(b->v, a->handle, 0) == FFA_OK ?
				     VMSG_T_OK :
				     VMSG_T_E_BUS;
			b->stats.reclaims += rc == VMSG_T_OK;
		}
		if (rc == VMSG_T_OK) {
			memset(a, 0, sizeof(*a));
		}
	}
	pthread_mutex_unlock(&b->lock);
	return rc;
}

bool tzs_vmsg_bus_area_live(struct tzs_vmsg_bus *b, uint16_t area_id)
{
	bool live = false;

	pthread_mutex_lock(&b->lock);
	live = vmsg_ffa_frontend_area(&b->fe, area_id) != NULL;
	pthread_mutex_unlock(&b->lock);
	return live;
}

/* ---------------------------------------------------------------------- */
/* DMA memory                                                              */

int tzs_vmsg_dma_alloc(struct tzs_vmsg_bus *b, uint64_t len,
		       struct tzs_vmsg_dma *d)
{
	uint64_t off = 0;
	int rc = 0;

	pthread_mutex_lock(&b->lock);
	rc = tzs_buddy_alloc(&b->dram, len, 1, &off);
	pthread_mutex_unlock(&b->lock);
	if (rc != TZS_BUDDY_OK) {
		return -ENOMEM;
	}
	d->pa = b->win_pa + (uint64_t)off;
	d->va = b->win_va + off;
	d->len = (len + TZS_PAGE_SIZE - 1) & ~(uint64_t)(TZS_PAGE_SIZE - 1);
	return 0;
}

void tzs_vmsg_dma_free(struct tzs_vmsg_bus *b, struct tzs_vmsg_dma *d)
{
	if (!d->va) {
		return;
	}
	pthread_mutex_lock(&b->lock);
	/* Our own bookkeeping: a bad address is a bug of the caller. */
	CHECK(tzs_buddy_free(&b->dram, d->pa - b->win_pa, 0, NULL) ==
	      TZS_BUDDY_OK);
	pthread_mutex_unlock(&b->lock);
	memset(d, 0, sizeof(*d));
}

int vmsg_bus_pool_alloc(struct tzs_vmsg_bus *b, uint32_t len, uint8_t **host,
			uint64_t *bus_addr)
{
	uint64_t off = 0;
	int rc = TZS_BUDDY_E_NOMEM;

	pthread_mutex_lock(&b->lock);
	if (b->pool_shared) {
		rc = tzs_buddy_alloc(&b->pool, len, 1, &off);
	}
	pthread_mutex_unlock(&b->lock);
	if (rc != TZS_BUDDY_OK) {
		return VMSG_T_E_NOMEM;
	}
	*host = b->pool_mem.va + off;
	*bus_addr = b->pool_bus + (uint64_t)off;
	return VMSG_T_OK;
}

void vmsg_bus_pool_free_locked(struct tzs_vmsg_bus *b, uint64_t bus_addr)
{
	CHECK(tzs_buddy_free(&b->pool, bus_addr - b->pool_bus, 0, NULL) ==
	      TZS_BUDDY_OK);
}

void vmsg_bus_pool_free(struct tzs_vmsg_bus *b, uint64_t bus_addr)
{
	pthread_mutex_lock(&b->lock);
	vmsg_bus_pool_free_locked(b, bus_addr);
	pthread_mutex_unlock(&b->lock);
}

int vmsg_bus_dma_map(struct tzs_vmsg_bus *b, uint64_t pa, uint32_t len,
		     bool writable, uint64_t *bus_addr)
{
	uint32_t attrs = VMSG_FFA_AREA_ATTRS_RW;
	int rc = 0;

	if (!writable) {
		attrs &= ~VMSG_AREA_ATTR_WRITABLE;
	}
	pthread_mutex_lock(&b->lock);
	rc = vmsg_ffa_dma_map(&b->fe, pa, len, attrs, bus_addr);
	pthread_mutex_unlock(&b->lock);
	return rc;
}
