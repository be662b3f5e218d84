/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Buddy allocator over a range of offsets [0, size), in units of
 * 1 << min_shift bytes (core/lib/buddy.c). Portable: the caller provides
 * the metadata storage (tzs_buddy_meta_bytes() bytes), nothing global.
 *
 * An allocation of n units takes a naturally aligned block of the next
 * power of two >= n (and >= the requested alignment) but only keeps n units
 * of it: the tail goes back as free blocks, so non-power-of-2 sizes waste
 * nothing (but that whole block must be free: a range of 5 units has no
 * 5-unit allocation). Placement is the lowest fitting block. Alloc and free cost
 * O(log units) (O(log^2) for the pieces of a non-power-of-2 size).
 *
 * Frees are checked against the metadata: an offset that is not the start
 * of a live allocation, a double free or a wrong length is refused and
 * changes nothing. Not thread-safe: the caller serialises.
 */
#ifndef TZSHARE_BUDDY_H
#define TZSHARE_BUDDY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TZS_BUDDY_OK 0
#define TZS_BUDDY_E_INVAL (-1) /* bad arguments, bad or double free */
#define TZS_BUDDY_E_NOMEM (-2) /* no free block fits */

/* Orders 0..31: at most 2^31 units (node values stay below the markers). */
#define TZS_BUDDY_MAX_ORDER 31u

struct tzs_buddy {
	uint8_t *tree; /* caller storage: heap-ordered tree, node 1 = root */
	uint64_t units; /* managed units */
	uint64_t leaves; /* units rounded up to a power of 2 */
	uint64_t free_units;
	unsigned int depth; /* log2(leaves): order of the root */
	unsigned int min_shift;
};

/* Metadata bytes for [0, size) in 1 << min_shift units: two bytes per unit
 * rounded up to a power of 2. 0 when no allocator fits (no whole unit,
 * more than 2^31 units, min_shift >= 32). */
size_t tzs_buddy_meta_bytes(uint64_t size, unsigned int min_shift);

/* Everything free. TZS_BUDDY_E_INVAL when @meta_len is short or the
 * geometry is refused by tzs_buddy_meta_bytes(). */
int tzs_buddy_init(struct tzs_buddy *b, uint64_t size, unsigned int min_shift,
		   uint8_t *meta, size_t meta_len);

/* Forget every allocation (everything free again). */
void tzs_buddy_reset(struct tzs_buddy *b);

/* @len bytes (> 0) at an offset aligned to @align (a power of 2; blocks are
 * at least unit aligned). *off is the byte offset. */
int tzs_buddy_alloc(struct tzs_buddy *b, uint64_t len, uint64_t align,
		    uint64_t *off);

/* Give back the allocation starting at byte @off. @len 0 frees whatever was
 * allocated there; otherwise it must round to the allocated unit count.
 * *units (optional) receives the units freed. */
int tzs_buddy_free(struct tzs_buddy *b, uint64_t off, uint64_t len,
		   uint64_t *units);

#endif /* TZSHARE_BUDDY_H */
