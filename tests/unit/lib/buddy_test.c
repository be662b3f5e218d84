// SPDX-License-Identifier: BSD-2-Clause
/*
 * core/lib/buddy.c: placement, merging, exhaustion, alignment, sizes that
 * are not powers of 2, and frees that must be refused without changing
 * anything. Offsets are in bytes; U is the unit.
 */
#include <string.h>

#include <tzshare/buddy.h>

#include "test.h"

#define SHIFT 6u
#define U (1ull << SHIFT)
#define UNITS 16u

struct fx {
	struct tzs_buddy b;
	uint8_t meta[2 * UNITS];
};

static void fx_init(struct fx *f, uint64_t units)
{
	memset(f, 0, sizeof(*f));
	ASSERT_EQ(tzs_buddy_init(&f->b, units * U, SHIFT, f->meta,
				 sizeof(f->meta)),
		  TZS_BUDDY_OK);
}

static uint64_t get(struct fx *f, uint64_t len, uint64_t align)
{
	uint64_t off = UINT64_MAX;

	ASSERT_EQ(tzs_buddy_alloc(&f->b, len, align, &off), TZS_BUDDY_OK);
	return off;
}

static void put(struct fx *f, uint64_t off, uint64_t len)
{
	ASSERT_EQ(tzs_buddy_free(&f->b, off, len, NULL), TZS_BUDDY_OK);
}

static void assert_nomem(struct fx *f, uint64_t len, uint64_t align)
{
	uint64_t off = 77;

	ASSERT_EQ(tzs_buddy_alloc(&f->b, len, align, &off), TZS_BUDDY_E_NOMEM);
	ASSERT_EQ(off, 77); /* untouched */
}

TEST(meta_bytes_is_two_per_unit_rounded_to_a_power_of_2)
{
	ASSERT_EQ(tzs_buddy_meta_bytes(UNITS * U, SHIFT), 2 * UNITS);
	ASSERT_EQ(tzs_buddy_meta_bytes(3 * U, SHIFT), 8);
	ASSERT_EQ(tzs_buddy_meta_bytes(3 * U + 5, SHIFT), 8); /* whole units */
	ASSERT_EQ(tzs_buddy_meta_bytes(1, 0), 2);
	ASSERT_EQ(tzs_buddy_meta_bytes(U - 1, SHIFT), 0); /* no whole unit */
	ASSERT_EQ(tzs_buddy_meta_bytes(((1ull << 31) + 1) << 12, 12), 0);
	ASSERT_EQ(tzs_buddy_meta_bytes(1ull << 40, 32), 0);
}

TEST(init_refuses_short_metadata_and_empty_ranges)
{
	struct tzs_buddy b;
	uint8_t meta[2 * UNITS];

	ASSERT_EQ(tzs_buddy_init(&b, UNITS * U, SHIFT, meta, sizeof(meta) - 1),
		  TZS_BUDDY_E_INVAL);
	ASSERT_EQ(tzs_buddy_init(&b, UNITS * U, SHIFT, NULL, sizeof(meta)),
		  TZS_BUDDY_E_INVAL);
	ASSERT_EQ(tzs_buddy_init(&b, U - 1, SHIFT, meta, sizeof(meta)),
		  TZS_BUDDY_E_INVAL);
	ASSERT_EQ(tzs_buddy_init(&b, UNITS * U, SHIFT, meta, sizeof(meta)),
		  TZS_BUDDY_OK);
	ASSERT_EQ(b.free_units, UNITS);
}

TEST(alloc_takes_the_lowest_block_and_free_merges_buddies)
{
	struct fx f;
	uint64_t i = 0;

	fx_init(&f, UNITS);
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(get(&f, 1, 1), i * U);
	}
	ASSERT_EQ(f.b.free_units, UNITS - 4);
	assert_nomem(&f, UNITS * U, 1); /* the root is split */
	for (i = 0; i < 4; i++) {
		put(&f, i * U, U);
	}
	ASSERT_EQ(f.b.free_units, UNITS);
	ASSERT_EQ(get(&f, UNITS * U, 1), 0); /* merged back whole */
}

TEST(alloc_reports_exhaustion_and_reuses_a_freed_hole)
{
	struct fx f;
	uint64_t i = 0;

	fx_init(&f, UNITS);
	for (i = 0; i < UNITS; i++) {
		ASSERT_EQ(get(&f, 1, 1), i * U);
	}
	ASSERT_EQ(f.b.free_units, 0);
	assert_nomem(&f, 1, 1);
	put(&f, 9 * U, 1);
	assert_nomem(&f, 2 * U, 1);
	ASSERT_EQ(get(&f, U, 1), 9 * U);
	assert_nomem(&f, 1, 1);
	assert_nomem(&f, (UNITS + 1) * U, 1); /* bigger than the range */
	assert_nomem(&f, UINT64_MAX, 1);
}

TEST(alloc_honours_alignment_above_the_unit)
{
	struct fx f;
	uint64_t off = 0;

	fx_init(&f, UNITS);
	ASSERT_EQ(get(&f, 1, 1), 0);
	ASSERT_EQ(get(&f, 1, 8 * U), 8 * U);
	ASSERT_EQ(get(&f, 1, 4 * U), 4 * U);
	ASSERT_EQ(get(&f, 1, 16), U); /* below a unit: unit aligned */
	assert_nomem(&f, 1, 32 * U); /* no block that aligned */
	ASSERT_EQ(tzs_buddy_alloc(&f.b, 1, 0, &off), TZS_BUDDY_E_INVAL);
	ASSERT_EQ(tzs_buddy_alloc(&f.b, 1, 3 * U, &off), TZS_BUDDY_E_INVAL);
	ASSERT_EQ(tzs_buddy_alloc(&f.b, 0, 1, &off), TZS_BUDDY_E_INVAL);
	ASSERT_EQ(f.b.free_units, UNITS - 4);
}

TEST(non_power_of_2_sizes_keep_only_their_units)
{
	struct fx f;
	uint64_t n = 0;

	fx_init(&f, UNITS);
	ASSERT_EQ(get(&f, 3 * U - 10, 1), 0); /* 3 units of a 4-unit block */
	ASSERT_EQ(get(&f, 1, 1), 3 * U); /* the tail went back */
	ASSERT_EQ(get(&f, 7 * U, 1), 8 * U);
	ASSERT_EQ(get(&f, 2 * U, 1), 4 * U);
	ASSERT_EQ(get(&f, 2 * U, 1), 6 * U);
	ASSERT_EQ(get(&f, 1, 1), 15 * U); /* the 7-unit block's tail */
	ASSERT_EQ(f.b.free_units, 0);
	assert_nomem(&f, 1, 1);
	ASSERT_EQ(tzs_buddy_free(&f.b, 8 * U, 0, &n), TZS_BUDDY_OK);
	ASSERT_EQ(n, 7); /* length 0: the whole allocation */
	put(&f, 0, 3 * U);
	put(&f, 3 * U, U);
	put(&f, 15 * U, U);
	put(&f, 4 * U, 2 * U);
	put(&f, 6 * U, 2 * U);
	ASSERT_EQ(f.b.free_units, UNITS);
	ASSERT_EQ(get(&f, UNITS * U, 1), 0);
}

TEST(non_power_of_2_ranges_never_hand_out_the_missing_units)
{
	struct fx f;

	fx_init(&f, 5);
	ASSERT_EQ(f.b.free_units, 5);
	ASSERT_EQ(get(&f, 4 * U, 1), 0);
	ASSERT_EQ(get(&f, U, 1), 4 * U);
	assert_nomem(&f, 1, 1);
	ASSERT_EQ(tzs_buddy_free(&f.b, 5 * U, U, NULL), TZS_BUDDY_E_INVAL);
	ASSERT_EQ(tzs_buddy_free(&f.b, 7 * U, U, NULL), TZS_BUDDY_E_INVAL);
	put(&f, 4 * U, U);
	put(&f, 0, 4 * U);
	/* Whole blocks only: 5 units is no naturally aligned block here. */
	assert_nomem(&f, 5 * U, 1);
	ASSERT_EQ(f.b.free_units, 5);
}

TEST(free_refuses_double_foreign_and_wrong_length_frees_unchanged)
{
	struct fx f;
	uint8_t before[sizeof(f.meta)];

	fx_init(&f, UNITS);
	ASSERT_EQ(get(&f, 2 * U, 1), 0);
	ASSERT_EQ(get(&f, U, 1), 2 * U);
	ASSERT_EQ(get(&f, 3 * U, 1), 4 * U);
	memcpy(before, f.meta, sizeof(before));
	ASSERT_EQ(tzs_buddy_free(&f.b, U, U, NULL),
		  TZS_BUDDY_E_INVAL); /* inside an allocation */
	ASSERT_EQ(tzs_buddy_free(&f.b, 5 * U, 0, NULL),
		  TZS_BUDDY_E_INVAL); /* inside the 3-unit one */
	ASSERT_EQ(tzs_buddy_free(&f.b, 8, 8, NULL),
		  TZS_BUDDY_E_INVAL); /* not a unit boundary */
	ASSERT_EQ(tzs_buddy_free(&f.b, 12 * U, U, NULL),
		  TZS_BUDDY_E_INVAL); /* never allocated */
	ASSERT_EQ(tzs_buddy_free(&f.b, UNITS * U, U, NULL),
		  TZS_BUDDY_E_INVAL); /* past the range */
	ASSERT_EQ(tzs_buddy_free(&f.b, UINT64_MAX & ~(U - 1), U, NULL),
		  TZS_BUDDY_E_INVAL);
	ASSERT_EQ(tzs_buddy_free(&f.b, 0, 3 * U, NULL),
		  TZS_BUDDY_E_INVAL); /* would span two allocations */
	ASSERT_EQ(tzs_buddy_free(&f.b, 4 * U, 2 * U, NULL),
		  TZS_BUDDY_E_INVAL); /* shorter than the allocation */
	ASSERT_EQ(tzs_buddy_free(&f.b, 4 * U, 4 * U, NULL),
		  TZS_BUDDY_E_INVAL); /* longer than the allocation */
	ASSERT_MEM_EQ(f.meta, before, sizeof(before));
	ASSERT_EQ(f.b.free_units, UNITS - 6);
	put(&f, 0, 2 * U);
	ASSERT_EQ(tzs_buddy_free(&f.b, 0, 2 * U, NULL),
		  TZS_BUDDY_E_INVAL); /* double free */
	ASSERT_EQ(f.b.free_units, UNITS - 4);
	ASSERT_EQ(get(&f, 2 * U, 1), 0); /* the freed block, nothing else */
	ASSERT_EQ(get(&f, 4 * U, 1), 8 * U);
	ASSERT_EQ(get(&f, 4 * U, 1), 12 * U);
	assert_nomem(&f, 2 * U, 1); /* units 3 and 7 are free, not buddies */
	ASSERT_EQ(f.b.free_units, 2);
}

TEST(reset_forgets_every_allocation)
{
	struct fx f;

	fx_init(&f, UNITS);
	ASSERT_EQ(get(&f, 5 * U, 1), 0);
	tzs_buddy_reset(&f.b);
	ASSERT_EQ(f.b.free_units, UNITS);
	ASSERT_EQ(tzs_buddy_free(&f.b, 0, 0, NULL), TZS_BUDDY_E_INVAL);
	ASSERT_EQ(get(&f, UNITS * U, 1), 0);
}

TEST(unused_allocator_refuses_everything)
{
	struct tzs_buddy b;
	uint64_t off = 0;

	memset(&b, 0, sizeof(b));
	ASSERT_EQ(tzs_buddy_alloc(&b, 1, 1, &off), TZS_BUDDY_E_INVAL);
	ASSERT_EQ(tzs_buddy_free(&b, 0, 0, NULL), TZS_BUDDY_E_INVAL);
}

/*
 * A long deterministic mix of sizes, alignments and frees against a model
 * of which units are in use: no overlap, alignment kept, counts exact, and
 * everything merges back into one block at the end.
 */
#define MIX_UNITS 1000u
#define MIX_SLOTS 64u

static uint32_t mix_rand(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

static void mix_mark(uint8_t *used, uint64_t off, uint64_t len, uint8_t v)
{
	uint64_t u = 0;

	for (u = off / U; u < (off + len + U - 1) / U; u++) {
		ASSERT_EQ(used[u], !v); /* no overlap, no double release */
		used[u] = v;
	}
}

TEST(mixed_allocations_never_overlap_and_all_merge_back)
{
	static uint8_t meta[2048];
	static uint8_t used[MIX_UNITS];
	uint64_t off[MIX_SLOTS], len[MIX_SLOTS], live = 0, align = 0;
	struct tzs_buddy b;
	uint32_t seed = 12345, step = 0, s = 0, oks = 0;
	int rc = 0;

	memset(off, 0xFF, sizeof(off));
	ASSERT_EQ(tzs_buddy_init(&b, MIX_UNITS * U, SHIFT, meta, sizeof(meta)),
		  TZS_BUDDY_OK);
	for (step = 0; step < 20000; step++) {
		s = mix_rand(&seed) % MIX_SLOTS;
		if (off[s] != UINT64_MAX) {
			ASSERT_EQ(tzs_buddy_free(&b, off[s], len[s], NULL),
				  TZS_BUDDY_OK);
			mix_mark(used, off[s], len[s], 0);
			live -= (len[s] + U - 1) / U;
			off[s] = UINT64_MAX;
			continue;
		}
		len[s] = 1 + mix_rand(&seed) % (40 * U);
		align = 1ull << (mix_rand(&seed) % 12);
		rc = tzs_buddy_alloc(&b, len[s], align, &off[s]);
		if (rc == TZS_BUDDY_E_NOMEM) {
			off[s] = UINT64_MAX;
			continue;
		}
		ASSERT_EQ(rc, TZS_BUDDY_OK);
		ASSERT_EQ(off[s] % (align > U ? align : U), 0);
		ASSERT_TRUE(off[s] + len[s] <= MIX_UNITS * U);
		mix_mark(used, off[s], len[s], 1);
		live += (len[s] + U - 1) / U;
		ASSERT_EQ(b.free_units, MIX_UNITS - live);
		oks++;
	}
	ASSERT_TRUE(oks > 1000); /* the mix did exercise the allocator */
	for (s = 0; s < MIX_SLOTS; s++) {
		if (off[s] != UINT64_MAX) {
			ASSERT_EQ(tzs_buddy_free(&b, off[s], 0, NULL),
				  TZS_BUDDY_OK);
		}
	}
	ASSERT_EQ(b.free_units, MIX_UNITS);
	ASSERT_EQ(tzs_buddy_alloc(&b, 512 * U, 1, &off[0]), TZS_BUDDY_OK);
	ASSERT_EQ(off[0], 0); /* [0, 512) merged back into one block */
}
