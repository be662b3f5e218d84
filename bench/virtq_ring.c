// SPDX-License-Identifier: BSD-2-Clause
/*
 * Split-virtqueue cost in one process (core/virtq, no IPC): the driver adds
 * batches of 32 chains of one readable buffer, publishes once, the device
 * pops each, copies the buffer out into its own memory and pushes it back,
 * the driver collects. For 64 B, 4 KiB and 64 KiB buffers, in ns per chain,
 * against the floor measured in the same run: memcpy of the same bytes
 * from the same buffers (what the device's copy alone costs). Best of
 * REPS runs each.
 *
 * Also notifications per chain with EVENT_IDX and a sleeping peer: a
 * publish of 64 chains vs a publish per chain (driver kicks), and the
 * device's used-buffer notifications likewise.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <tzshare/lib.h>
#include <tzshare/virtq.h>

#include "bench_util.h"

#define NUM 256u
#define BATCH 32u
#define NBUF 64u
#define REPS 5u
#define AREA_SHIFT 48

enum { A_DESC = 1, A_AVAIL, A_USED, A_DATA, A_COUNT };

struct bench_q {
	uint8_t *base[A_COUNT];
	uint64_t len[A_COUNT];
	struct virtq_mem_ops ops;
	struct virtq_drv drv;
	struct virtq_dev dev;
	void *tokens[NUM];
	uint16_t chain_len[NUM];
	uint64_t inflight[NUM];
};

static uint64_t bus(unsigned int id, uint64_t off)
{
	return (uint64_t)id << AREA_SHIFT | off;
}

static uint8_t *b_translate(void *ctx, uint64_t addr, uint64_t len, bool write)
{
	struct bench_q *q = ctx;
	uint64_t id = addr >> AREA_SHIFT;
	uint64_t off = addr & ((1ull << AREA_SHIFT) - 1u);

	(void)write;
	if (!id || id >= A_COUNT || !tzs_range_ok(off, len, q->len[id])) {
		return NULL;
	}
	return q->base[id] + off;
}

static void *xalloc(size_t len)
{
	void *p = NULL;

	if (posix_memalign(&p, 64, len ? len : 1)) {
		perror("posix_memalign");
		exit(1);
	}
	memset(p, 0, len);
	return p;
}

static struct bench_q *q_new(uint64_t data_len, bool event_idx)
{
	struct bench_q *q = xalloc(sizeof(*q));
	unsigned int i = 0;

	q->len[A_DESC] = virtq_desc_bytes(NUM);
	q->len[A_AVAIL] = virtq_avail_bytes(NUM);
	q->len[A_USED] = virtq_used_bytes(NUM);
	q->len[A_DATA] = data_len;
	for (i = 1; i < A_COUNT; i++) {
		q->base[i] = xalloc(q->len[i]);
	}
	q->ops.translate = b_translate;
	if (virtq_drv_init(&q->drv, NUM, q->base[A_DESC], bus(A_DESC, 0),
			   q->base[A_AVAIL], bus(A_AVAIL, 0), q->base[A_USED],
			   bus(A_USED, 0), event_idx, false, q->tokens,
			   q->chain_len) ||
	    virtq_dev_init(&q->dev, NUM, bus(A_DESC, 0), bus(A_AVAIL, 0),
			   bus(A_USED, 0), event_idx, false, &q->ops, q)) {
		fprintf(stderr, "virtq init failed\n");
		exit(1);
	}
	virtq_dev_set_inflight(&q->dev, q->inflight);
	return q;
}

static void q_free(struct bench_q *q)
{
	unsigned int i = 0;

	for (i = 1; i < A_COUNT; i++) {
		free(q->base[i]);
	}
	free(q);
}

static void die(const char *what)
{
	fprintf(stderr, "virtq_ring: %s\n", what);
	exit(1);
}

/* Device: everything available, copied out into @dst, pushed back. */
static void device_drain(struct bench_q *q, uint8_t *dst)
{
	struct virtq_chain c;
	int rc = 0;

	while ((rc = virtq_dev_pop(&q->dev, &c)) == VIRTQ_OK) {
		memcpy(dst, c.iov[0].ptr, c.iov[0].len);
		if (virtq_dev_push(&q->dev, c.head, 0) != VIRTQ_OK) {
			die("push");
		}
	}
	if (rc != VIRTQ_E_EMPTY) {
		die("pop");
	}
}

/* ns per chain for @chains chains of one @size-byte readable buffer. */
static double ring_ns(uint32_t size, uint32_t chains)
{
	struct bench_q *q = q_new((uint64_t)size * NBUF, true);
	uint8_t *dst = xalloc(size);
	uint32_t done = 0, i = 0, k = 0;
	uint64_t t0 = 0, t1 = 0;
	uint32_t len = 0;

	memset(q->base[A_DATA], 0x3C, (size_t)size * NBUF);
	t0 = bench_now_ns();
	while (done < chains) {
		for (k = 0; k < BATCH; k++, i++) {
			struct virtq_buf b = {
				bus(A_DATA, (uint64_t)(i % NBUF) * size), size
			};

			if (virtq_drv_add(&q->drv, &b, 1, NULL, 0,
					  (void *)(uintptr_t)(i + 1))) {
				die("add");
			}
		}
		virtq_drv_publish(&q->drv);
		device_drain(q, dst);
		virtq_dev_notify_needed(&q->dev);
		while (virtq_drv_get_used(&q->drv, &len)) {
			done++;
		}
	}
	t1 = bench_now_ns();
	if (dst[size - 1] != 0x3C) {
		die("copy");
	}
	free(dst);
	q_free(q);
	return (double)(t1 - t0) / chains;
}

/* The floor: the device's copy alone, same buffers, same order. */
static double memcpy_ns(uint32_t size, uint32_t chains)
{
	uint8_t *src = xalloc((size_t)size * NBUF);
	uint8_t *dst = xalloc(size);
	uint64_t t0 = 0, t1 = 0;
	uint32_t i = 0;

	memset(src, 0x3C, (size_t)size * NBUF);
	t0 = bench_now_ns();
	for (i = 0; i < chains; i++) {
		memcpy(dst, src + (size_t)(i % NBUF) * size, size);
		/* Keep the copy: the compiler may not drop it. */
		__asm__ volatile("" : : "r"(dst) : "memory");
	}
	t1 = bench_now_ns();
	free(src);
	free(dst);
	return (double)(t1 - t0) / chains;
}

static void bench_size(const char *name, uint32_t size, uint32_t chains)
{
	double best = 0, floor_ns = 0;
	unsigned int r = 0;

	for (r = 0; r < REPS; r++) {
		double v = ring_ns(size, chains);
		double b = memcpy_ns(size, chains);

		if (!r || v < best) {
			best = v;
		}
		if (!r || b < floor_ns) {
			floor_ns = b;
		}
	}
	bench_line(name, best, floor_ns, "ns/chain");
}

/*
 * Notifications with a sleeping peer (one thread plays both): the driver
 * publishes every @batch chains and kicks only when told to; a kicked
 * device drains, returns used buffers, notifies when told to and goes back
 * to sleep through enable_notify(); the driver collects, re-enables
 * callbacks. Returns kicks per chain, *irqs gets notifications per chain.
 */
static double notify_per_chain(unsigned int batch, uint32_t chains,
			       double *irqs)
{
	struct bench_q *q = q_new(64u * NBUF, true);
	uint8_t dst[64];
	uint32_t i = 0, done = 0;
	uint32_t len = 0;
	uint64_t kicks = 0, irq = 0;
	unsigned int k = 0;
	bool dev_awake = false;

	while (done < chains) {
		for (k = 0; k < batch; k++, i++) {
			struct virtq_buf b = { bus(A_DATA, (i % NBUF) * 64u),
					       64 };

			if (virtq_drv_add(&q->drv, &b, 1, NULL, 0,
					  (void *)(uintptr_t)(i + 1))) {
				die("add");
			}
		}
		if (virtq_drv_publish(&q->drv)) {
			kicks++;
			dev_awake = true;
		}
		while (dev_awake) {
			virtq_dev_disable_notify(&q->dev);
			device_drain(q, dst);
			if (virtq_dev_notify_needed(&q->dev)) {
				irq++;
			}
			dev_awake = virtq_dev_enable_notify(&q->dev);
		}
		virtq_drv_disable_cb(&q->drv);
		while (virtq_drv_get_used(&q->drv, &len)) {
			done++;
		}
		if (!virtq_drv_enable_cb(&q->drv)) {
			die("used entries after drain");
		}
	}
	q_free(q);
	*irqs = (double)irq / chains;
	return (double)kicks / chains;
}

int main(void)
{
	double kb = 0, k1 = 0, ib = 0, i1 = 0;

	bench_size("virtq_ring_64B", 64, 2000000);
	bench_size("virtq_ring_4KiB", 4096, 400000);
	bench_size("virtq_ring_64KiB", 65536, 40000);
	kb = notify_per_chain(64, 640000, &ib);
	k1 = notify_per_chain(1, 640000, &i1);
	bench_line("virtq_kicks_per_chain_event_idx_batch64", kb, k1,
		   "kicks/chain");
	bench_line("virtq_irqs_per_chain_event_idx_batch64", ib, i1,
		   "irqs/chain");
	return 0;
}
