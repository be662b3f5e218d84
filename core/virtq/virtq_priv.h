/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Split-ring layout (virtio 1.x §2.7, virtio-msg.md §4) and the accessors
 * both sides use for the fields the other side reads concurrently.
 *
 *   descriptor (16 B, table align 16): addr u64 @0, len u32 @8,
 *                                      flags u16 @12, next u16 @14
 *   avail (align 2): flags u16 @0, idx u16 @2, ring[num] u16 @4,
 *                    used_event u16 @4 + 2 * num
 *   used  (align 4): flags u16 @0, idx u16 @2, ring[num] {id u32, len u32}
 *                    @4, avail_event u16 @4 + 8 * num
 */
#ifndef TZSHARE_CORE_VIRTQ_PRIV_H
#define TZSHARE_CORE_VIRTQ_PRIV_H

#include <stdint.h>

#include <tzshare/lib.h>
#include <tzshare/virtq.h>

#define VQ_DESC_ADDR 0u
#define VQ_DESC_LEN 8u
#define VQ_DESC_FLAGS 12u
#define VQ_DESC_NEXT 14u

#define VQ_RING_FLAGS 0u
#define VQ_RING_IDX 2u
#define VQ_RING_ENTRIES 4u
#define VQ_USED_ELEM_SIZE 8u

_Static_assert(VIRTQ_DESC_SIZE == 16, "virtio 1.x §2.7.5 struct virtq_desc");
_Static_assert(VQ_USED_ELEM_SIZE == 8,
	       "virtio 1.x §2.7.8 struct virtq_used_elem");

/*
 * While its side has notifications off under EVENT_IDX, the event index is
 * parked half the index space away from the last consumed index: the other
 * side's window [old, new) never runs more than num (<= 32768) past it, so
 * virtq_need_event() stays false (Linux writes a fixed 0, which a long run
 * eventually crosses).
 */
#define VQ_EVENT_PARK 0x8000u

/*
 * The ring index/flags/event fields are little-endian u16 at 2-aligned
 * offsets of 2/4-aligned rings, shared with a concurrent peer (possibly
 * another process through a memfd mapping): access them with 16-bit
 * atomics so neither side ever sees a torn value. may_alias because the
 * same bytes are written as bytes elsewhere (ring set-up).
 */
typedef uint16_t __attribute__((may_alias)) vq_u16_alias;

static inline uint16_t vq_le16_cpu(uint16_t v)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return __builtin_bswap16(v);
#else
	return v;
#endif
}

static inline uint16_t vq_load16(const uint8_t *p)
{
	return vq_le16_cpu(__atomic_load_n(
		(const vq_u16_alias *)(const void *)p, __ATOMIC_RELAXED));
}

static inline void vq_store16(uint8_t *p, uint16_t v)
{
	__atomic_store_n((vq_u16_alias *)(void *)p, vq_le16_cpu(v),
			 __ATOMIC_RELAXED);
}

static inline uint64_t vq_used_event_off(uint16_t num)
{
	return VQ_RING_ENTRIES + 2ull * num;
}

static inline uint64_t vq_avail_event_off(uint16_t num)
{
	return VQ_RING_ENTRIES + (uint64_t)VQ_USED_ELEM_SIZE * num;
}

static inline bool vq_num_ok(uint16_t num)
{
	return num && !(num & (num - 1u)) && num <= VIRTQ_MAX_SIZE;
}

#endif /* TZSHARE_CORE_VIRTQ_PRIV_H */
