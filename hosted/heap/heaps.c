// SPDX-License-Identifier: BSD-2-Clause
/*
 * dma-buf heaps of a hosted VM (include/tzshare/dma_heap.h): heap names,
 * DMA_HEAP_IOCTL_ALLOC checks, the fd table and the refcounted buffers.
 * System and ffa buffers come straight from the window (a buddy allocator
 * in pages); protected ones from the pools of pool.c.
 */
#include "heap_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <tzshare/ffa.h>
#include <tzshare/lib.h>

#define FD_TABLE_MIN 16u
#define VALID_FD_FLAGS ((uint32_t)(O_CLOEXEC | O_ACCMODE))

static const char *const heap_names[TZS_HEAP_COUNT] = {
	[TZS_HEAP_SYSTEM] = "system",
	[TZS_HEAP_FFA] = "ffa",
	[TZS_HEAP_SECURE_VIDEO] = "protected,secure-video",
	[TZS_HEAP_TRUSTED_UI] = "protected,trusted-ui",
	[TZS_HEAP_SECURE_VIDEO_RECORD] = "protected,secure-video-record",
};

/* A heap id that names a heap these heaps have (protected ones need an
 * SP to lend pools to). */
static bool heap_valid(const struct tzs_heaps *h, int heap)
{
	if (heap < 0 || heap >= TZS_HEAP_COUNT) {
		return false;
	}
	return !heap_is_protected(heap) || h->o.sp_id;
}

/* True when the window holds a page of RX/TX (top of the DRAM). */
static bool overlaps_mailbox(struct tzs_ep *vm, const struct tzs_heaps_opts *o)
{
	const uint8_t *tx = tzs_ep_tx(vm);
	const uint8_t *base = tzs_ep_pa(vm, tzs_ep_mem_base(vm), 1);
	uint64_t tx_pa = 0;

	if (!tx) {
		return false;
	}
	tx_pa = tzs_ep_mem_base(vm) + (uint64_t)(tx - base);
	return o->mem_pa + o->mem_size > tx_pa &&
	       o->mem_pa < tx_pa + 2ull * tzs_ep_mailbox_size(vm);
}

static int check_opts(struct tzs_ep *vm, const struct tzs_heaps_opts *o)
{
	if (!o->mem_size || (o->mem_pa | o->mem_size) & (TZS_PAGE_SIZE - 1) ||
	    !tzs_ep_pa(vm, o->mem_pa, o->mem_size) || overlaps_mailbox(vm, o)) {
		return -EINVAL;
	}
	if (o->sp_id && !FFA_ID_IS_SECURE(o->sp_id)) {
		return -EINVAL;
	}
	if (o->flags & ~TZS_HEAPS_STATIC_POOLS) {
		return -EINVAL;
	}
	if ((o->flags & TZS_HEAPS_STATIC_POOLS) && !o->sp_id) {
		return -EINVAL;
	}
	return 0;
}

static void heaps_free(struct tzs_heaps *h)
{
	heap_pools_fini(h);
	free(h->window_meta);
	free(h->fds);
	pthread_cond_destroy(&h->pool_idle);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

static int heaps_init(struct tzs_heaps *h)
{
	size_t meta_len = tzs_buddy_meta_bytes(h->o.mem_size, TZS_PAGE_SHIFT);

	if (!meta_len) {
		return -EINVAL;
	}
	h->window_meta = calloc(1, meta_len);
	if (!h->window_meta) {
		return -ENOMEM;
	}
	CHECK(tzs_buddy_init(&h->window, h->o.mem_size, TZS_PAGE_SHIFT,
			     h->window_meta, meta_len) == TZS_BUDDY_OK);
	return heap_pools_init(h);
}

static int lend_static_pools(struct tzs_heaps *h)
{
	unsigned int i = 0;
	int rc = 0;

	for (i = 0; i < HEAP_POOL_COUNT; i++) {
		rc = heap_pool_lend(h, &h->pools[i]);
		if (rc) {
			heap_pools_destroy(h);
			return rc;
		}
	}
	return 0;
}

int tzs_heaps_create(struct tzs_ep *vm, struct tzs_vcpu *v,
		     const struct tzs_heaps_opts *o, struct tzs_heaps **out)
{
	struct tzs_heaps *h = NULL;
	int rc = 0;

	if (!vm || !v || !o || !out) {
		return -EINVAL;
	}
	rc = check_opts(vm, o);
	if (rc) {
		return rc;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		return -ENOMEM;
	}
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->pool_idle, NULL);
	h->vm = vm;
	h->v = v;
	h->o = *o;
	if (!h->o.protected_pool_pages) {
		h->o.protected_pool_pages = TZS_HEAPS_POOL_PAGES_DEFAULT;
	}
	if (!h->o.max_fds) {
		h->o.max_fds = TZS_HEAPS_MAX_FDS_DEFAULT;
	}
	rc = heaps_init(h);
	if (!rc && (h->o.flags & TZS_HEAPS_STATIC_POOLS)) {
		pthread_mutex_lock(&h->lock);
		rc = lend_static_pools(h);
		pthread_mutex_unlock(&h->lock);
	}
	if (rc) {
		heaps_free(h);
		return rc;
	}
	*out = h;
	return 0;
}

static void buf_unlink(struct tzs_heaps *h, struct tzs_dmabuf *b)
{
	if (b->prev) {
		b->prev->next = b->next;
	} else {
		h->bufs = b->next;
	}
	if (b->next) {
		b->next->prev = b->prev;
	}
}

/* Give the memory back; the pools are the caller's business. */
static void buf_free(struct tzs_heaps *h, struct tzs_dmabuf *b)
{
	buf_unlink(h, b);
	if (heap_is_protected(b->heap)) {
		heap_pool_free(h, heap_pool_of(h, b->heap), b->pa);
	} else {
		CHECK(tzs_buddy_free(&h->window, b->pa - h->o.mem_pa, 0,
				     NULL) == TZS_BUDDY_OK);
	}
	free(b);
}

/* Drop one reference; the last frees the buffer and retries every idle
 * pool (the freed one and those whose release failed before). */
static int buf_drop(struct tzs_heaps *h, struct tzs_dmabuf *b)
{
	CHECK(b->refs > 0);
	if (--b->refs) {
		return 0;
	}
	buf_free(h, b);
	return heap_pools_trim(h);
}

void tzs_heaps_destroy(struct tzs_heaps *h)
{
	if (!h) {
		return;
	}
	pthread_mutex_lock(&h->lock);
	while (h->bufs) {
		buf_free(h, h->bufs);
	}
	heap_pools_destroy(h);
	pthread_mutex_unlock(&h->lock);
	heaps_free(h);
}

int tzs_heaps_trim(struct tzs_heaps *h)
{
	int rc = 0;

	pthread_mutex_lock(&h->lock);
	rc = heap_pools_trim(h);
	pthread_mutex_unlock(&h->lock);
	return rc;
}

int tzs_heap_open(struct tzs_heaps *h, const char *name)
{
	int i = 0;

	if (!name) {
		return -ENOENT;
	}
	for (i = 0; i < TZS_HEAP_COUNT; i++) {
		if (!strcmp(name, heap_names[i]) && heap_valid(h, i)) {
			return i;
		}
	}
	return -ENOENT;
}

/* ---------------------------------------------------------------------- */
/* fd table                                                                */

static struct tzs_dmabuf *fd_lookup(const struct tzs_heaps *h, int fd)
{
	if (fd < 0 || (uint32_t)fd >= h->fd_cap) {
		return NULL;
	}
	return h->fds[fd];
}

/* Lowest free fd, as the kernel hands them out; the table grows on
 * demand up to max_fds. */
static int fd_reserve(struct tzs_heaps *h)
{
	struct tzs_dmabuf **n = NULL;
	uint32_t i = 0, cap = 0;

	for (i = 0; i < h->fd_cap; i++) {
		if (!h->fds[i]) {
			return (int)i;
		}
	}
	if (h->fd_cap >= h->o.max_fds) {
		return -EMFILE;
	}
	cap = h->fd_cap ? h->fd_cap * 2 : FD_TABLE_MIN;
	if (cap > h->o.max_fds) {
		cap = h->o.max_fds;
	}
	n = realloc(h->fds, cap * sizeof(*n));
	if (!n) {
		return -ENOMEM;
	}
	memset(n + h->fd_cap, 0, (cap - h->fd_cap) * sizeof(*n));
	h->fds = n;
	i = h->fd_cap;
	h->fd_cap = cap;
	return (int)i;
}

/* ---------------------------------------------------------------------- */
/* Allocation                                                              */

static int check_alloc(const struct tzs_dma_heap_allocation_data *d,
		       uint64_t *len)
{
	if (d->fd || (d->fd_flags & ~VALID_FD_FLAGS) || d->heap_flags) {
		return -EINVAL;
	}
	/* PAGE_ALIGN: a length within a page of the top wraps to 0. */
	*len = (d->len + TZS_PAGE_SIZE - 1) & ~(uint64_t)(TZS_PAGE_SIZE - 1);
	return *len ? 0 : -EINVAL;
}

static int window_alloc(struct tzs_heaps *h, uint64_t len, uint64_t *pa)
{
	uint64_t off = 0;

	if (tzs_buddy_alloc(&h->window, len, TZS_PAGE_SIZE, &off)) {
		return -ENOMEM;
	}
	*pa = h->o.mem_pa + off;
	/* As the system heap does: no stale data of an earlier user. */
	memset(tzs_ep_pa(h->vm, *pa, len), 0, len);
	return 0;
}

static int alloc_locked(struct tzs_heaps *h, int heap, uint64_t len,
			struct tzs_dmabuf *b)
{
	int fd = fd_reserve(h), rc = 0;

	if (fd < 0) {
		return fd;
	}
	if (heap_is_protected(heap)) {
		rc = heap_pool_alloc(h, heap_pool_of(h, heap), len, &b->pa);
		/* The pool may have dropped the lock: take a fresh slot. */
		fd = rc ? fd : fd_reserve(h);
		if (!rc && fd < 0) {
			heap_pool_free(h, heap_pool_of(h, heap), b->pa);
			(void)heap_pools_trim(h);
			rc = fd;
		}
	} else {
		rc = window_alloc(h, len, &b->pa);
	}
	if (rc) {
		return rc;
	}
	b->next = h->bufs;
	if (h->bufs) {
		h->bufs->prev = b;
	}
	h->bufs = b;
	h->fds[fd] = b;
	return fd;
}

int tzs_heap_ioctl_alloc(struct tzs_heaps *h, int heap,
			 struct tzs_dma_heap_allocation_data *d)
{
	struct tzs_dmabuf *b = NULL;
	uint64_t len = 0;
	int rc = 0;

	if (!heap_valid(h, heap)) {
		return -EBADF;
	}
	if (!d) {
		return -EFAULT;
	}
	rc = check_alloc(d, &len);
	if (rc) {
		return rc;
	}
	b = calloc(1, sizeof(*b));
	if (!b) {
		return -ENOMEM;
	}
	b->h = h;
	b->heap = heap;
	b->access = d->fd_flags & O_ACCMODE;
	b->size = len;
	b->refs = 1;
	pthread_mutex_lock(&h->lock);
	rc = alloc_locked(h, heap, len, b);
	pthread_mutex_unlock(&h->lock);
	if (rc < 0) {
		free(b);
		return rc;
	}
	d->fd = (uint32_t)rc;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* fd operations and references                                            */

static bool readable(uint32_t access)
{
	return access == O_RDONLY || access == O_RDWR;
}

static bool writable(uint32_t access)
{
	return access == O_WRONLY || access == O_RDWR;
}

static int check_mmap(const struct tzs_dmabuf *b, uint64_t offset, uint64_t len,
		      int prot)
{
	uint64_t pages_len = 0;

	if (!len) {
		return -EINVAL;
	}
	if (!readable(b->access) ||
	    ((prot & PROT_WRITE) && !writable(b->access))) {
		return -EACCES;
	}
	if (b->heap != TZS_HEAP_SYSTEM) {
		return -EINVAL; /* no mmap op: ffa and protected */
	}
	if (ovf_add(len, TZS_PAGE_SIZE - 1, &pages_len)) {
		return -EINVAL;
	}
	pages_len &= ~(uint64_t)(TZS_PAGE_SIZE - 1);
	return tzs_range_ok(offset, pages_len, b->size) ? 0 : -EINVAL;
}

void *tzs_dmabuf_mmap(struct tzs_heaps *h, int fd, uint64_t offset,
		      uint64_t len, int prot, int *err)
{
	struct tzs_dmabuf *b = NULL;
	uint8_t *p = NULL;
	int rc = 0;

	if (offset & (TZS_PAGE_SIZE - 1)) {
		*err = -EINVAL;
		return NULL;
	}
	pthread_mutex_lock(&h->lock);
	b = fd_lookup(h, fd);
	rc = b ? check_mmap(b, offset, len, prot) : -EBADF;
	if (!rc) {
		p = tzs_ep_pa(h->vm, b->pa + offset, len);
	}
	pthread_mutex_unlock(&h->lock);
	*err = rc;
	return p;
}

int tzs_dmabuf_close(struct tzs_heaps *h, int fd)
{
	struct tzs_dmabuf *b = NULL;
	int rc = 0;

	pthread_mutex_lock(&h->lock);
	b = fd_lookup(h, fd);
	if (b) {
		h->fds[fd] = NULL;
		rc = buf_drop(h, b);
	} else {
		rc = -EBADF;
	}
	pthread_mutex_unlock(&h->lock);
	return rc;
}

struct tzs_dmabuf *tzs_dmabuf_get(struct tzs_heaps *h, int fd, int *err)
{
	struct tzs_dmabuf *b = NULL;

	pthread_mutex_lock(&h->lock);
	b = fd_lookup(h, fd);
	if (b) {
		b->refs++;
	}
	pthread_mutex_unlock(&h->lock);
	if (err) {
		*err = b ? 0 : -EBADF;
	}
	return b;
}

int tzs_dmabuf_put(struct tzs_heaps *h, struct tzs_dmabuf *buf)
{
	int rc = 0;

	if (!buf) {
		return -EINVAL;
	}
	pthread_mutex_lock(&h->lock);
	rc = buf_drop(h, buf);
	pthread_mutex_unlock(&h->lock);
	return rc;
}

/* ---------------------------------------------------------------------- */
/* Buffer properties                                                       */

static enum tzs_dma_heap_kind heap_kind(int heap)
{
	if (heap == TZS_HEAP_SYSTEM) {
		return TZS_DMA_HEAP_KIND_SYSTEM;
	}
	return heap == TZS_HEAP_FFA ? TZS_DMA_HEAP_KIND_FFA :
				      TZS_DMA_HEAP_KIND_PROTECTED;
}

/* The heap decides how its buffers travel (architecture.md §3). */
static enum tzs_dmabuf_share heap_share(int heap)
{
	if (heap == TZS_HEAP_SYSTEM) {
		return TZS_DMABUF_SHARE;
	}
	return heap == TZS_HEAP_FFA ? TZS_DMABUF_LEND : TZS_DMABUF_SEND_SECURE;
}

void tzs_dmabuf_info(const struct tzs_dmabuf *buf, struct tzs_dmabuf_info *info)
{
	struct tzs_heaps *h = buf->h;
	const struct heap_pool *p = NULL;

	memset(info, 0, sizeof(*info));
	info->heap = buf->heap;
	info->heap_name = heap_names[buf->heap];
	info->kind = heap_kind(buf->heap);
	info->share = heap_share(buf->heap);
	info->access = buf->access;
	info->pa = buf->pa;
	info->size = buf->size;
	info->page_count = buf->size >> TZS_PAGE_SHIFT;
	if (!heap_is_protected(buf->heap)) {
		return;
	}
	pthread_mutex_lock(&h->lock);
	p = heap_pool_of(h, buf->heap);
	info->pool_handle = p->handle;
	info->pool_tag = p->use_case;
	info->pool_offset = buf->pa - p->pa;
	info->pool_pa = p->pa;
	info->pool_page_count = h->o.protected_pool_pages;
	pthread_mutex_unlock(&h->lock);
}

int tzs_dmabuf_set_busy(struct tzs_dmabuf *buf, bool busy)
{
	struct tzs_heaps *h = buf->h;
	int rc = 0;

	pthread_mutex_lock(&h->lock);
	if (busy && buf->busy) {
		rc = -EBUSY;
	} else {
		buf->busy = busy;
	}
	pthread_mutex_unlock(&h->lock);
	return rc;
}

bool tzs_dmabuf_busy(const struct tzs_dmabuf *buf)
{
	struct tzs_heaps *h = buf->h;
	bool busy = false;

	pthread_mutex_lock(&h->lock);
	busy = buf->busy;
	pthread_mutex_unlock(&h->lock);
	return busy;
}

uint8_t *tzs_dmabuf_vaddr(const struct tzs_dmabuf *buf)
{
	if (heap_is_protected(buf->heap)) {
		return NULL;
	}
	return tzs_ep_pa(buf->h->vm, buf->pa, buf->size);
}
