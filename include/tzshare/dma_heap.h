/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Normal-world dma-buf heaps of a hosted VM (hosted/heap/, docs/heaps.md).
 *
 * A VM process owns its DRAM (mapped read/write at attach). The heaps carve
 * buffers out of a caller-given window of that DRAM, page granular, and
 * hand out "dma-buf fds": small non-negative integers in a table private
 * to one struct tzs_heaps. They are NOT kernel file descriptors: never
 * pass them to close(2), poll(2) or sendmsg(2).
 *
 * The heap decides how a buffer is given to the secure world (the upstream
 * dma-heap rule, architecture.md §3):
 *
 *   id  name                             buffers from        mmap  share
 *   0   system                           window              yes   SHARE
 *   1   ffa                              window              no    LEND
 *   2   protected,secure-video           pool, use case 1    no    SEND_SECURE
 *   3   protected,trusted-ui             pool, use case 2    no    SEND_SECURE
 *   4   protected,secure-video-record    pool, use case 3    no    SEND_SECURE
 *
 * Protected pools (heaps-mediator.md §2.3-2.4, the dynamic pool of the
 * Linux TEE protected heap): one per use case, created by the first
 * allocation: protected_pool_pages contiguous window pages are lent
 * (FFA_MEM_LEND, RW, clear flag, tag = use case id) to sp_id, and their
 * virtual range in this process is replaced by an anonymous PROT_NONE
 * mapping, so nothing of the memfd stays mapped while the pool is lent.
 * Buffers are carved from the pool. When the last buffer of a pool goes,
 * the pool is released: pool_release(), FFA_MEM_RECLAIM, the memfd mapped
 * back read/write, pages back to the window. With TZS_HEAPS_STATIC_POOLS
 * the three pools are lent at create and kept until destroy instead (the
 * static carve-out variant).
 *
 * Errors are negative errno values, as the Linux calls they mirror.
 * Thread safety: every call takes the one mutex of the heaps; buffer
 * objects stay valid while a reference is held. The heaps make FF-A calls
 * on the vCPU given at create (pool lend and reclaim, MEM_FD) from
 * whichever thread allocates or frees: give them a vCPU nobody else uses,
 * or serialise its users.
 */
#ifndef TZSHARE_DMA_HEAP_H
#define TZSHARE_DMA_HEAP_H

#include <stdbool.h>
#include <stdint.h>

#include <tzshare/conduit.h>

enum tzs_dma_heap_id {
	TZS_HEAP_SYSTEM = 0,
	TZS_HEAP_FFA = 1,
	TZS_HEAP_SECURE_VIDEO = 2,
	TZS_HEAP_TRUSTED_UI = 3,
	TZS_HEAP_SECURE_VIDEO_RECORD = 4,
	TZS_HEAP_COUNT = 5,
};

/* Use case ids (= FF-A tag of a pool), Linux enum tee_dma_heap_id. */
enum tzs_heap_use_case {
	TZS_USE_CASE_SECURE_VIDEO_PLAY = 1,
	TZS_USE_CASE_TRUSTED_UI = 2,
	TZS_USE_CASE_SECURE_VIDEO_RECORD = 3,
};

enum tzs_dma_heap_kind {
	TZS_DMA_HEAP_KIND_SYSTEM,
	TZS_DMA_HEAP_KIND_FFA,
	TZS_DMA_HEAP_KIND_PROTECTED,
};

/* How a buffer goes to the secure world; values are the kinds of the vsock
 * OP_SHMEM payload (architecture.md §3). */
enum tzs_dmabuf_share {
	TZS_DMABUF_SHARE = 0,
	TZS_DMABUF_LEND = 1,
	TZS_DMABUF_SEND_SECURE = 2,
};

/* Lend the three protected pools at create, keep them until destroy. */
#define TZS_HEAPS_STATIC_POOLS (1u << 0)

#define TZS_HEAPS_POOL_PAGES_DEFAULT 256u /* 1 MiB */
#define TZS_HEAPS_MAX_FDS_DEFAULT 1024u

struct tzs_heaps_opts {
	uint64_t mem_pa, mem_size; /* window of own DRAM, page aligned */
	/* Secure endpoint protected pools are lent to; 0: no protected
	 * backend (their names do not open: -ENOENT). */
	uint16_t sp_id;
	uint32_t protected_pool_pages; /* per use case; 0 = 256 (1 MiB) */
	uint32_t max_fds; /* size of the fd table; 0 = 1024 */
	uint32_t flags; /* TZS_HEAPS_* */
	/*
	 * Called before a protected pool is reclaimed (its last buffer is
	 * gone), so the user (the vsock layer) can undo what it did with the
	 * pool handle (e.g. AREA_UNSHARE). Optional. Returns 0, or nonzero =
	 * pool still in use: then the pool stays lent and the release is
	 * retried on the next free, tzs_heaps_trim() or destroy. Runs without
	 * the heaps' lock (it may call into the heaps, but must not free the
	 * heaps); allocations from that pool wait until it returns.
	 */
	int (*pool_release)(void *ctx, uint64_t handle);
	void *ctx;
};

struct tzs_heaps;
struct tzs_dmabuf;

/**
 * tzs_heaps_create() - heaps over window [mem_pa, mem_pa + mem_size) of
 * @vm's DRAM, FF-A calls on @v. The window must not hold anything else
 * the VM uses. Returns 0 with *out, -EINVAL (window not page aligned,
 * empty, outside the DRAM, holding RX/TX or too large for the allocator;
 * sp_id not a secure endpoint ID; pool size too large), -ENOMEM, or, with
 * TZS_HEAPS_STATIC_POOLS, the error of lending a pool (see alloc).
 */
int tzs_heaps_create(struct tzs_ep *vm, struct tzs_vcpu *v,
		     const struct tzs_heaps_opts *o, struct tzs_heaps **out);

/**
 * tzs_heaps_destroy() - close every fd, free every buffer (references
 * still held become invalid: stop their users first), release every pool.
 * A pool whose pool_release() refuses or whose reclaim fails stays lent
 * and its pages stay unmapped (the SPMC frees it when the VM goes).
 */
void tzs_heaps_destroy(struct tzs_heaps *h);

/**
 * tzs_heaps_trim() - retry releasing every protected pool without buffers
 * (a pool whose release failed earlier). 0, or the first error as for
 * tzs_dmabuf_put().
 */
int tzs_heaps_trim(struct tzs_heaps *h);

/** Heap id (>= 0, enum tzs_dma_heap_id) by name, or -ENOENT. */
int tzs_heap_open(struct tzs_heaps *h, const char *name);

/* DMA_HEAP_IOCTL_ALLOC argument (uapi struct dma_heap_allocation_data). */
struct tzs_dma_heap_allocation_data {
	uint64_t len;
	uint32_t fd; /* in: must be 0; out: the dma-buf fd */
	uint32_t fd_flags; /* O_CLOEXEC | O_ACCMODE bits */
	uint64_t heap_flags; /* none defined: must be 0 */
};
_Static_assert(sizeof(struct tzs_dma_heap_allocation_data) == 24,
	       "uapi struct dma_heap_allocation_data is 24 bytes");

/**
 * tzs_heap_ioctl_alloc() - DMA_HEAP_IOCTL_ALLOC on heap @heap. Checks in
 * the kernel's order: -EBADF (@heap not an open heap id), -EINVAL (fd not
 * 0, fd_flags outside O_CLOEXEC | O_ACCMODE, heap_flags not 0, len 0 after
 * rounding up to pages, also when the rounding wraps), then the heap:
 * -ENOMEM (window or pool full, len larger than a pool), -EMFILE (fd
 * table full), or the mapped FF-A error of lending a new pool (-EINVAL
 * invalid parameters, -EBUSY denied/busy/retry, -ENOMEM no memory, -EIO
 * anything else, SPMC gone included). Returns 0 with d->fd. System and ffa
 * buffers are zeroed; a new pool is lent with the clear flag.
 */
int tzs_heap_ioctl_alloc(struct tzs_heaps *h, int heap,
			 struct tzs_dma_heap_allocation_data *d);

/**
 * tzs_dmabuf_mmap() - mmap(NULL, len, prot, MAP_SHARED, fd, offset) on a
 * dma-buf: a pointer to buffer bytes [offset, offset + len). Checks:
 * -EINVAL (offset not page aligned), -EBADF, -EINVAL (len 0), -EACCES (fd
 * opened O_WRONLY, or PROT_WRITE on an O_RDONLY fd), -EINVAL (the heap has
 * no mmap: ffa and protected), -EINVAL (range beyond the buffer; len counts
 * in whole pages). Unlike a real mapping, the pointer holds no reference:
 * it is valid while the buffer lives (keep the fd or a reference).
 * Returns NULL with *err on failure.
 */
void *tzs_dmabuf_mmap(struct tzs_heaps *h, int fd, uint64_t offset,
		      uint64_t len, int prot, int *err);

/** close() on a dma-buf fd: drops the fd's reference. 0 or -EBADF; when
 * that was the last reference, errors of the pool release as for put. */
int tzs_dmabuf_close(struct tzs_heaps *h, int fd);

/**
 * tzs_dmabuf_get() - a reference to the buffer of @fd (dma_buf_get), or
 * NULL with *err = -EBADF (@err may be NULL). The buffer lives until the
 * last reference is gone, whether or not the fd is still open.
 */
struct tzs_dmabuf *tzs_dmabuf_get(struct tzs_heaps *h, int fd, int *err);

/**
 * tzs_dmabuf_put() - drop a reference. The last one frees the memory; if
 * that empties a protected pool the pool is released. Returns 0, or, with
 * the buffer freed all the same, the reason a pool stays lent: -EBUSY
 * (pool_release() refused, or the reclaim was denied: the SP still holds
 * the pool), -EIO (another FF-A error). Any other negative errno: the
 * pool was reclaimed but its memfd could not be mapped back, so its pages
 * stay out of the window for good. Every free retries every empty pool,
 * so the error may be another pool's.
 */
int tzs_dmabuf_put(struct tzs_heaps *h, struct tzs_dmabuf *buf);

struct tzs_dmabuf_info {
	int heap; /* enum tzs_dma_heap_id */
	const char *heap_name;
	enum tzs_dma_heap_kind kind;
	enum tzs_dmabuf_share share;
	uint32_t access; /* O_RDONLY / O_WRONLY / O_RDWR of the allocation */
	uint64_t pa; /* physical address, page aligned */
	uint64_t size; /* bytes, a page multiple */
	uint64_t page_count;
	/* Protected buffers only (else 0). */
	uint64_t pool_handle; /* FF-A handle of the lent pool */
	uint64_t pool_tag; /* = use case id */
	uint64_t pool_offset; /* byte offset of the buffer in the pool */
	uint64_t pool_pa;
	uint64_t pool_page_count;
};

void tzs_dmabuf_info(const struct tzs_dmabuf *buf,
		     struct tzs_dmabuf_info *info);

/**
 * tzs_dmabuf_set_busy() - the vsock layer's "offered" mark (the heaps only
 * keep it). Setting it on a busy buffer fails with -EBUSY and changes
 * nothing; clearing always succeeds. Returns 0 or -EBUSY.
 */
int tzs_dmabuf_set_busy(struct tzs_dmabuf *buf, bool busy);
bool tzs_dmabuf_busy(const struct tzs_dmabuf *buf);

/**
 * tzs_dmabuf_vaddr() - the VM kernel's view of the pages (dma_buf_vmap):
 * system and ffa buffers; NULL for protected ones. Applications use
 * tzs_dmabuf_mmap(), which ffa refuses; this path exists so that an in-VM
 * producer can fill an ffa buffer before it is lent.
 */
uint8_t *tzs_dmabuf_vaddr(const struct tzs_dmabuf *buf);

#endif /* TZSHARE_DMA_HEAP_H */
