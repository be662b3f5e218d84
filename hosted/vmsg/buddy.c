// SPDX-License-Identifier: BSD-2-Clause
/*
 * Buddy allocator over a range of offsets [0, size), in units of
 * 1 << min_shift bytes. The VM side uses one for its DRAM window (4 KiB
 * units: rings, DMA buffers, the static pool) and one for the static pool
 * (64-byte units: bounce buffers). O(log n) allocation and free; blocks are
 * naturally aligned to their size, so a ring block meets any virtqueue
 * alignment and a bounce buffer never straddles more pages than needed.
 *
 * Per unit: order[] holds the order of the block starting there (or
 * BUDDY_NONE), with BUDDY_FREE set while it is on a free list; next[] /
 * prev[] link the free lists. Not thread-safe: the bus lock guards it.
 */
#include "vmsg_host_priv.h"

#include <stdlib.h>
#include <string.h>

#define BUDDY_NONE 0xFFu
#define BUDDY_FREE 0x80u
#define BUDDY_END UINT32_MAX

static void list_push(struct vmsg_buddy *b, uint32_t u, unsigned int k)
{
	b->order[u] = (uint8_t)(k | BUDDY_FREE);
	b->prev[u] = BUDDY_END;
	b->next[u] = b->head[k];
	if (b->head[k] != BUDDY_END) {
		b->prev[b->head[k]] = u;
	}
	b->head[k] = u;
}

static void list_del(struct vmsg_buddy *b, uint32_t u, unsigned int k)
{
	if (b->prev[u] != BUDDY_END) {
		b->next[b->prev[u]] = b->next[u];
	} else {
		b->head[k] = b->next[u];
	}
	if (b->next[u] != BUDDY_END) {
		b->prev[b->next[u]] = b->prev[u];
	}
	b->order[u] = (uint8_t)k;
}

int vmsg_buddy_init(struct vmsg_buddy *b, uint64_t size, unsigned int min_shift)
{
	uint64_t units = size >> min_shift;
	uint32_t u = 0;
	unsigned int k = 0;

	memset(b, 0, sizeof(*b));
	if (!units || units >= BUDDY_END) {
		return -1;
	}
	b->units = (uint32_t)units;
	b->min_shift = min_shift;
	b->order = malloc(units);
	b->next = malloc(units * sizeof(uint32_t));
	b->prev = malloc(units * sizeof(uint32_t));
	if (!b->order || !b->next || !b->prev) {
		vmsg_buddy_fini(b);
		return -1;
	}
	memset(b->order, BUDDY_NONE, units);
	for (k = 0; k < VMSG_BUDDY_ORDERS; k++) {
		b->head[k] = BUDDY_END;
	}
	/* Carve the range into maximal naturally aligned blocks. */
	while (u < b->units) {
		k = 0;
		while (k + 1 < VMSG_BUDDY_ORDERS &&
		       !(u & ((1u << (k + 1)) - 1)) &&
		       (uint64_t)u + (1u << (k + 1)) <= b->units) {
			k++;
		}
		list_push(b, u, k);
		u += 1u << k;
	}
	b->free_units = b->units;
	return 0;
}

void vmsg_buddy_fini(struct vmsg_buddy *b)
{
	free(b->order);
	free(b->next);
	free(b->prev);
	memset(b, 0, sizeof(*b));
}

int64_t vmsg_buddy_alloc(struct vmsg_buddy *b, uint64_t len)
{
	uint64_t want = (len + (1ull << b->min_shift) - 1) >> b->min_shift;
	unsigned int k = 0, j = 0;
	uint32_t u = 0;

	if (!len || !b->units) {
		return -1;
	}
	while (k < VMSG_BUDDY_ORDERS && (1ull << k) < want) {
		k++;
	}
	for (j = k; j < VMSG_BUDDY_ORDERS && b->head[j] == BUDDY_END; j++) {
	}
	if (j >= VMSG_BUDDY_ORDERS) {
		return -1;
	}
	u = b->head[j];
	list_del(b, u, j);
	while (j > k) {
		j--;
		list_push(b, u + (1u << j), j);
	}
	b->order[u] = (uint8_t)k;
	b->free_units -= 1u << k;
	return (int64_t)((uint64_t)u << b->min_shift);
}

void vmsg_buddy_free(struct vmsg_buddy *b, uint64_t off)
{
	uint64_t u64 = off >> b->min_shift;
	uint32_t u = (uint32_t)u64, buddy = 0;
	unsigned int k = 0;

	/* Our own bookkeeping: a bad offset is a bug of the caller. */
	CHECK(u64 < b->units && b->order[u] != BUDDY_NONE &&
	      !(b->order[u] & BUDDY_FREE));
	k = b->order[u];
	b->free_units += 1u << k;
	while (k + 1 < VMSG_BUDDY_ORDERS) {
		buddy = u ^ (1u << k);
		if ((uint64_t)buddy + (1u << k) > b->units ||
		    b->order[buddy] != (uint8_t)(k | BUDDY_FREE)) {
			break;
		}
		list_del(b, buddy, k);
		b->order[buddy] = BUDDY_NONE;
		b->order[u] = BUDDY_NONE;
		u = u < buddy ? u : buddy;
		k++;
	}
	list_push(b, u, k);
}
