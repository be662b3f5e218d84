// SPDX-License-Identifier: BSD-2-Clause
/*
 * Buddy allocator (include/tzshare/buddy.h) as a complete binary tree over
 * the units, one byte per node in caller storage: node i has children 2i
 * and 2i + 1, the root (node 1) covers all leaves, a node of order k
 * covers 2^k units. Node values:
 *
 *   0        no free unit below (allocated, or past the end of the range)
 *   k + 1    the largest fully free aligned block below has order k; a
 *            node of order k is itself free iff its value is k + 1
 *   HEAD     first (largest) piece of an allocation
 *   TAIL     a further piece of the allocation that ends right before it
 *
 * Invariant: below a free node or a HEAD/TAIL node every node holds its
 * "fully free" value. Alloc only descends into nodes with room and the
 * repair walk only writes ancestors, so nothing below a live piece is ever
 * written; a free therefore finds exactly one marker at its offset, and an
 * offset inside an allocation finds none (refused, nothing changed).
 *
 * Why a tree instead of free lists: the metadata is plain bytes with no
 * links, so the caller can hand in any byte buffer, and the lowest fitting
 * block comes out first (deterministic placement).
 */
#include <tzshare/buddy.h>
#include <tzshare/lib.h>

#define NODE_HEAD 0xFFu
#define NODE_TAIL 0xFEu

static uint8_t avail(uint8_t v)
{
	return v >= NODE_TAIL ? 0 : v;
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* Smallest k with 2^k >= n (n >= 1). */
static unsigned int order_of(uint64_t n)
{
	unsigned int k = 0;

	while (k < 63 && (1ull << k) < n) {
		k++;
	}
	return k;
}

static uint64_t node_of(const struct tzs_buddy *b, uint64_t u, unsigned int k)
{
	return (b->leaves >> k) + (u >> k);
}

/* Value of a node of order k + 1 from its two children (of order k). */
static uint8_t combine(uint8_t l, uint8_t r, unsigned int k)
{
	l = avail(l);
	r = avail(r);
	if (l == k + 1 && r == k + 1) {
		return (uint8_t)(k + 2);
	}
	return l > r ? l : r;
}

/* Recompute the ancestors of node @i (order @k) after a write to it. */
static void fix_up(struct tzs_buddy *b, uint64_t i, unsigned int k)
{
	uint8_t v = 0;

	for (; i > 1; i >>= 1, k++) {
		v = combine(b->tree[i & ~1ull], b->tree[i | 1], k);
		if (b->tree[i >> 1] == v) {
			return; /* unchanged: so are the ones above */
		}
		b->tree[i >> 1] = v;
	}
}

size_t tzs_buddy_meta_bytes(uint64_t size, unsigned int min_shift)
{
	uint64_t units = 0;

	if (min_shift >= 32) {
		return 0;
	}
	units = size >> min_shift;
	if (!units || units > (1ull << TZS_BUDDY_MAX_ORDER)) {
		return 0;
	}
	if ((uint64_t)SIZE_MAX / 2 < (1ull << order_of(units))) {
		return 0;
	}
	return (size_t)(2ull << order_of(units));
}

void tzs_buddy_reset(struct tzs_buddy *b)
{
	uint64_t i = 0;
	unsigned int k = 0;

	for (i = 0; i < b->leaves; i++) {
		b->tree[b->leaves + i] = i < b->units ? 1 : 0;
	}
	/* Level by level upwards: nodes of order k + 1 are
	 * [leaves >> (k + 1), leaves >> k). */
	for (k = 0; k < b->depth; k++) {
		for (i = b->leaves >> (k + 1); i < b->leaves >> k; i++) {
			b->tree[i] =
				combine(b->tree[2 * i], b->tree[2 * i + 1], k);
		}
	}
	b->tree[0] = 0; /* unused */
	b->free_units = b->units;
}

int tzs_buddy_init(struct tzs_buddy *b, uint64_t size, unsigned int min_shift,
		   uint8_t *meta, size_t meta_len)
{
	size_t need = tzs_buddy_meta_bytes(size, min_shift);

	tzs_memset(b, 0, sizeof(*b));
	if (!need || !meta || meta_len < need) {
		return TZS_BUDDY_E_INVAL;
	}
	b->tree = meta;
	b->units = size >> min_shift;
	b->depth = order_of(b->units);
	b->leaves = 1ull << b->depth;
	b->min_shift = min_shift;
	tzs_buddy_reset(b);
	return TZS_BUDDY_OK;
}

/* Mark the n units at unit @u (inside a free block of order >= order_of(n)
 * aligned at u) as one allocation: HEAD for the largest piece, then TAIL. */
static void mark_pieces(struct tzs_buddy *b, uint64_t u, uint64_t n)
{
	uint8_t mark = NODE_HEAD;
	unsigned int j = order_of(n) + 1;
	uint64_t i = 0;

	while (j--) {
		if (!(n & (1ull << j))) {
			continue;
		}
		i = node_of(b, u, j);
		b->tree[i] = mark;
		fix_up(b, i, j);
		mark = NODE_TAIL;
		u += 1ull << j;
	}
}

int tzs_buddy_alloc(struct tzs_buddy *b, uint64_t len, uint64_t align,
		    uint64_t *off)
{
	uint64_t mask = (1ull << b->min_shift) - 1;
	uint64_t n = (len >> b->min_shift) + !!(len & mask);
	unsigned int k = 0, o = 0;
	uint64_t i = 1;

	if (!b->tree || !n || !is_pow2(align)) {
		return TZS_BUDDY_E_INVAL;
	}
	if (n > b->free_units) {
		return TZS_BUDDY_E_NOMEM;
	}
	k = order_of(n);
	if (align >> b->min_shift > 1) {
		unsigned int a = order_of(align >> b->min_shift);

		k = a > k ? a : k;
	}
	if (k > b->depth || avail(b->tree[1]) < k + 1) {
		return TZS_BUDDY_E_NOMEM;
	}
	/* Lowest block that fits: left child whenever it has room. */
	for (o = b->depth; o > k; o--) {
		i = avail(b->tree[2 * i]) >= k + 1 ? 2 * i : 2 * i + 1;
	}
	CHECK(b->tree[i] == k + 1);
	mark_pieces(b, (i - (b->leaves >> k)) << k, n);
	b->free_units -= n;
	*off = ((i - (b->leaves >> k)) << k) << b->min_shift;
	return TZS_BUDDY_OK;
}

/* Order of the node holding @mark at unit @u, among orders below @limit at
 * which u is aligned; -1 when there is none. */
static int find_mark(const struct tzs_buddy *b, uint64_t u, unsigned int limit,
		     uint8_t mark)
{
	unsigned int j = 0;

	for (j = 0; j < limit && !(u & ((1ull << j) - 1)); j++) {
		if (b->tree[node_of(b, u, j)] == mark) {
			return (int)j;
		}
	}
	return -1;
}

int tzs_buddy_free(struct tzs_buddy *b, uint64_t off, uint64_t len,
		   uint64_t *units)
{
	uint64_t mask = (1ull << b->min_shift) - 1;
	uint64_t u = off >> b->min_shift, n = 0, pos = 0, i = 0;
	int k = 0;
	unsigned int j = 0;

	if (!b->tree || (off & mask) || u >= b->units) {
		return TZS_BUDDY_E_INVAL;
	}
	k = find_mark(b, u, b->depth + 1, NODE_HEAD);
	if (k < 0) {
		return TZS_BUDDY_E_INVAL; /* not the start of an allocation */
	}
	/* Walk the pieces (strictly smaller orders) to learn the length. */
	for (pos = u; k >= 0;
	     k = find_mark(b, pos, (unsigned int)k, NODE_TAIL)) {
		n += 1ull << k;
		pos += 1ull << k;
		if (pos >= b->units) {
			break;
		}
	}
	if (len && (len >> b->min_shift) + !!(len & mask) != n) {
		return TZS_BUDDY_E_INVAL;
	}
	/* Same decomposition as mark_pieces: the binary digits of n. */
	for (pos = u, j = order_of(n) + 1; j--;) {
		if (!(n & (1ull << j))) {
			continue;
		}
		i = node_of(b, pos, j);
		b->tree[i] = (uint8_t)(j + 1);
		fix_up(b, i, j);
		pos += 1ull << j;
	}
	b->free_units += n;
	if (units) {
		*units = n;
	}
	return TZS_BUDDY_OK;
}
