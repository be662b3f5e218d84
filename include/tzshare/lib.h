/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Freestanding helpers shared by every portable core: explicit little-endian
 * accessors for wire formats and checked arithmetic for sizes and offsets.
 *
 * Wire formats are never read by casting shared memory to a struct: a field
 * is fetched with leNN_get() at an explicit offset, after the caller checked
 * that the offset plus the width lies inside the buffer.
 */
#ifndef TZSHARE_LIB_H
#define TZSHARE_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TZS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define TZS_PAGE_SIZE 4096u
#define TZS_PAGE_SHIFT 12

static inline uint16_t le16_get(const uint8_t *p)
{
	return (uint16_t)(p[0] | (uint16_t)p[1] << 8);
}

static inline uint32_t le32_get(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t le64_get(const uint8_t *p)
{
	return (uint64_t)le32_get(p) | (uint64_t)le32_get(p + 4) << 32;
}

static inline void le16_put(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void le32_put(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline void le64_put(uint8_t *p, uint64_t v)
{
	le32_put(p, (uint32_t)v);
	le32_put(p + 4, (uint32_t)(v >> 32));
}

/* Returns true (and leaves *res undefined) when a + b overflows. */
static inline bool ovf_add(uint64_t a, uint64_t b, uint64_t *res)
{
	return __builtin_add_overflow(a, b, res);
}

/* Returns true (and leaves *res undefined) when a * b overflows. */
static inline bool ovf_mul(uint64_t a, uint64_t b, uint64_t *res)
{
	return __builtin_mul_overflow(a, b, res);
}

/* True when [off, off + len) lies inside a buffer of buf_len bytes. */
static inline bool tzs_range_ok(uint64_t off, uint64_t len, uint64_t buf_len)
{
	uint64_t end = 0;

	if (ovf_add(off, len, &end)) {
		return false;
	}
	return end <= buf_len;
}

static inline bool tzs_is_zero(const uint8_t *p, size_t len)
{
	size_t i = 0;

	for (i = 0; i < len; i++) {
		if (p[i]) {
			return false;
		}
	}
	return true;
}

/*
 * Freestanding byte helpers: the cores may not include <string.h>. The
 * compiler turns these into the same code as the libc calls.
 */
static inline void tzs_memcpy(void *dst, const void *src, size_t len)
{
	__builtin_memcpy(dst, src, len);
}

static inline void tzs_memset(void *dst, int c, size_t len)
{
	__builtin_memset(dst, c, len);
}

static inline int tzs_memcmp(const void *a, const void *b, size_t len)
{
	return __builtin_memcmp(a, b, len);
}

/*
 * Our own invariants (never peer input) abort in every build. The core has
 * no abort(), so it traps.
 */
#define CHECK(x)                          \
	do {                              \
		if (!(x)) {               \
			__builtin_trap(); \
		}                         \
	} while (0)

/* A defensive branch that cannot be taken; kept visible for coverage. */
#define NEVER(x) __builtin_expect(!!(x), 0)

#endif /* TZSHARE_LIB_H */
