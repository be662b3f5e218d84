/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private state of the dma-buf heaps (include/tzshare/dma_heap.h):
 * heaps.c owns the window, the fd table and the buffers; pool.c owns the
 * protected pools.
 */
#ifndef TZS_HEAP_PRIV_H
#define TZS_HEAP_PRIV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <tzshare/buddy.h>
#include <tzshare/dma_heap.h>

#define HEAP_POOL_COUNT 3

enum pool_state {
	POOL_NONE, /* no pool: pages in the window */
	POOL_LENT, /* lent to the SP, buffers carved from it */
	POOL_RELEASING, /* pool_release() runs without the lock */
};

struct heap_pool {
	enum pool_state state;
	uint64_t use_case; /* also the FF-A tag */
	uint64_t pa;
	uint64_t handle;
	uint64_t buffers; /* live buffers carved from it */
	struct tzs_buddy alloc; /* over the pool's pages */
	uint8_t *meta;
};

struct tzs_dmabuf {
	struct tzs_heaps *h;
	int heap;
	uint32_t access; /* O_ACCMODE bits */
	uint64_t pa;
	uint64_t size;
	uint64_t refs;
	bool busy;
	struct tzs_dmabuf *prev, *next; /* every live buffer */
};

struct tzs_heaps {
	pthread_mutex_t lock;
	pthread_cond_t pool_idle; /* a pool left POOL_RELEASING */
	struct tzs_ep *vm;
	struct tzs_vcpu *v;
	struct tzs_heaps_opts o;
	struct tzs_buddy window;
	uint8_t *window_meta;
	struct heap_pool pools[HEAP_POOL_COUNT];
	struct tzs_dmabuf **fds;
	uint32_t fd_cap; /* slots allocated; grows to o.max_fds */
	struct tzs_dmabuf *bufs;
};

static inline bool heap_is_protected(int heap)
{
	return heap >= TZS_HEAP_SECURE_VIDEO && heap < TZS_HEAP_COUNT;
}

static inline struct heap_pool *heap_pool_of(struct tzs_heaps *h, int heap)
{
	return &h->pools[heap - TZS_HEAP_SECURE_VIDEO];
}

/* pool.c; all with h->lock held (pool_release() drops it for its call). */
int heap_pools_init(struct tzs_heaps *h);
void heap_pools_fini(struct tzs_heaps *h);
int heap_pool_alloc(struct tzs_heaps *h, struct heap_pool *p, uint64_t len,
		    uint64_t *pa);
void heap_pool_free(struct tzs_heaps *h, struct heap_pool *p, uint64_t pa);
int heap_pool_lend(struct tzs_heaps *h, struct heap_pool *p);
int heap_pool_release(struct tzs_heaps *h, struct heap_pool *p);
int heap_pools_trim(struct tzs_heaps *h);
void heap_pools_destroy(struct tzs_heaps *h);
int heap_ffa_errno(int ffa);

#endif /* TZS_HEAP_PRIV_H */
