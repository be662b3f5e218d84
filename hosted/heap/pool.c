// SPDX-License-Identifier: BSD-2-Clause
/*
 * Protected pools of the dma-buf heaps: one per use case, lent to the
 * secure endpoint as a whole (tag = use case) and carved into buffers.
 *
 * While a pool is lent, its virtual range in this process maps nothing of
 * the DRAM memfd: the runtime's PROT_NONE after FFA_MEM_LEND would still
 * leave the memfd mapped (one mprotect away), so the range is replaced by
 * anonymous PROT_NONE memory, as a hypervisor would drop the stage-2
 * entries. After FFA_MEM_RECLAIM the memfd goes back at the same address.
 */
#include "heap_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <tzshare/ffa.h>
#include <tzshare/lib.h>
#include <tzshare/nwd.h>

int heap_ffa_errno(int ffa)
{
	switch (ffa) {
	case FFA_OK:
		return 0;
	case FFA_INVALID_PARAMETERS:
		return -EINVAL;
	case FFA_NO_MEMORY:
		return -ENOMEM;
	case FFA_BUSY:
	case FFA_DENIED:
	case FFA_RETRY:
		return -EBUSY;
	default:
		return -EIO;
	}
}

static uint64_t pool_len(const struct tzs_heaps *h)
{
	return (uint64_t)h->o.protected_pool_pages << TZS_PAGE_SHIFT;
}

int heap_pools_init(struct tzs_heaps *h)
{
	size_t meta_len = tzs_buddy_meta_bytes(pool_len(h), TZS_PAGE_SHIFT);
	unsigned int i = 0;

	if (!meta_len) {
		return -EINVAL;
	}
	for (i = 0; i < HEAP_POOL_COUNT; i++) {
		struct heap_pool *p = &h->pools[i];

		p->use_case = i + TZS_USE_CASE_SECURE_VIDEO_PLAY;
		p->meta = calloc(1, meta_len);
		if (!p->meta) {
			return -ENOMEM;
		}
		CHECK(tzs_buddy_init(&p->alloc, pool_len(h), TZS_PAGE_SHIFT,
				     p->meta, meta_len) == TZS_BUDDY_OK);
	}
	return 0;
}

void heap_pools_fini(struct tzs_heaps *h)
{
	unsigned int i = 0;

	for (i = 0; i < HEAP_POOL_COUNT; i++) {
		free(h->pools[i].meta);
		h->pools[i].meta = NULL;
	}
}

static uint8_t *pool_va(struct tzs_heaps *h, const struct heap_pool *p)
{
	uint8_t *va = tzs_ep_pa(h->vm, p->pa, pool_len(h));

	/* The window was checked against the DRAM at create. */
	CHECK(va != NULL);
	return va;
}

/*
 * Map the DRAM memfd back over a reclaimed pool and return its pages to
 * the window. On failure the pages stay allocated in the window (they
 * are not usable) and the pool is gone all the same.
 */
static int pool_restore(struct tzs_heaps *h, struct heap_pool *p)
{
	uint64_t len = pool_len(h), end = 0;
	struct tzs_mem_fd mfd;
	void *m = NULL;
	int rc = 0;

	p->state = POOL_NONE;
	rc = tzs_vcpu_mem_fd(h->v, p->pa, len, &mfd);
	if (rc) {
		return heap_ffa_errno(rc);
	}
	if (mfd.perm != FFA_PERM_DATA_RW || p->pa < mfd.base ||
	    ovf_add(p->pa, len, &end) || end - mfd.base > mfd.size) {
		close(mfd.fd);
		return -EIO;
	}
	m = mmap(pool_va(h, p), len, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, mfd.fd, (off_t)(p->pa - mfd.base));
	rc = m == MAP_FAILED ? -errno : 0;
	close(mfd.fd);
	if (rc) {
		return rc;
	}
	CHECK(tzs_buddy_free(&h->window, p->pa - h->o.mem_pa, len, NULL) ==
	      TZS_BUDDY_OK);
	return 0;
}

/* Replace the pool's range with anonymous PROT_NONE memory. */
static int pool_hide(struct tzs_heaps *h, struct heap_pool *p)
{
	void *m = mmap(pool_va(h, p), pool_len(h), PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE,
		       -1, 0);

	return m == MAP_FAILED ? -errno : 0;
}

int heap_pool_lend(struct tzs_heaps *h, struct heap_pool *p)
{
	uint64_t len = pool_len(h), off = 0;
	int rc = 0;

	if (tzs_buddy_alloc(&h->window, len, TZS_PAGE_SIZE, &off)) {
		return -ENOMEM;
	}
	p->pa = h->o.mem_pa + off;
	rc = tzs_vm_mem_lend(h->v, &h->o.sp_id, 1, FFA_PERM_DATA_RW, p->pa,
			     h->o.protected_pool_pages, p->use_case,
			     FFA_MEM_FLAG_CLEAR, &p->handle);
	if (rc) {
		CHECK(tzs_buddy_free(&h->window, off, len, NULL) ==
		      TZS_BUDDY_OK);
		return heap_ffa_errno(rc);
	}
	p->state = POOL_LENT;
	p->buffers = 0;
	tzs_buddy_reset(&p->alloc);
	rc = pool_hide(h, p);
	if (rc) {
		/* Nothing retrieved it yet: the reclaim cannot be denied. */
		if (tzs_ep_mem_reclaim(h->v, p->handle, 0) == FFA_OK) {
			(void)pool_restore(h, p);
		}
		p->state = POOL_NONE;
	}
	return rc;
}

int heap_pool_release(struct tzs_heaps *h, struct heap_pool *p)
{
	int rc = 0;

	CHECK(p->state == POOL_LENT && !p->buffers);
	if (h->o.pool_release) {
		/* Unlocked: the callback may call into the heaps, and its own
		 * locks may be held by threads waiting for ours. */
		p->state = POOL_RELEASING;
		pthread_mutex_unlock(&h->lock);
		rc = h->o.pool_release(h->o.ctx, p->handle);
		pthread_mutex_lock(&h->lock);
		p->state = POOL_LENT;
		pthread_cond_broadcast(&h->pool_idle);
		if (rc) {
			return -EBUSY;
		}
	}
	rc = tzs_ep_mem_reclaim(h->v, p->handle, 0);
	if (rc) {
		return heap_ffa_errno(rc);
	}
	return pool_restore(h, p);
}

int heap_pool_alloc(struct tzs_heaps *h, struct heap_pool *p, uint64_t len,
		    uint64_t *pa)
{
	uint64_t off = 0;

	if (len > pool_len(h)) {
		return -ENOMEM;
	}
	while (p->state == POOL_RELEASING) {
		pthread_cond_wait(&h->pool_idle, &h->lock);
	}
	if (p->state == POOL_NONE) {
		int rc = heap_pool_lend(h, p);

		if (rc) {
			return rc;
		}
	}
	if (tzs_buddy_alloc(&p->alloc, len, TZS_PAGE_SIZE, &off)) {
		/* A pool lent just now that cannot hold this (a size that is
		 * not a power of two) is not kept for nothing. */
		if (!p->buffers && !(h->o.flags & TZS_HEAPS_STATIC_POOLS)) {
			(void)heap_pool_release(h, p);
		}
		return -ENOMEM;
	}
	p->buffers++;
	*pa = p->pa + off;
	return 0;
}

void heap_pool_free(struct tzs_heaps *h, struct heap_pool *p, uint64_t pa)
{
	(void)h;
	CHECK(p->state == POOL_LENT && p->buffers > 0);
	CHECK(tzs_buddy_free(&p->alloc, pa - p->pa, 0, NULL) == TZS_BUDDY_OK);
	p->buffers--;
}

int heap_pools_trim(struct tzs_heaps *h)
{
	unsigned int i = 0;
	int first = 0;

	if (h->o.flags & TZS_HEAPS_STATIC_POOLS) {
		return 0; /* static pools live until destroy */
	}
	for (i = 0; i < HEAP_POOL_COUNT; i++) {
		struct heap_pool *p = &h->pools[i];
		int rc = 0;

		if (p->state != POOL_LENT || p->buffers) {
			continue;
		}
		rc = heap_pool_release(h, p);
		if (rc && !first) {
			first = rc;
		}
	}
	return first;
}

void heap_pools_destroy(struct tzs_heaps *h)
{
	unsigned int i = 0;

	for (i = 0; i < HEAP_POOL_COUNT; i++) {
		struct heap_pool *p = &h->pools[i];

		if (p->state == POOL_LENT && !p->buffers) {
			(void)heap_pool_release(h, p);
		}
	}
}
