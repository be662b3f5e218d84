// SPDX-License-Identifier: BSD-2-Clause
/*
 * FFA_MEM_RELINQUISH descriptor in the caller's TX buffer (ffa.md §2.8):
 * handle u64 at 0, flags u32 at 8, endpoint count u32 at 12, then the
 * endpoint IDs (u16 each) from 16. The layout is the same at every version.
 */
#include <tzshare/ffa.h>
#include <tzshare/lib.h>

#define RELINQUISH_HANDLE 0
#define RELINQUISH_FLAGS 8
#define RELINQUISH_ENDPOINT_COUNT 12
#define RELINQUISH_ENDPOINTS 16
#define RELINQUISH_ENDPOINTS_MAX \
	TZS_ARRAY_SIZE(((struct ffa_relinquish *)0)->endpoints)

/* Bytes taken by a descriptor listing @count endpoints (no overflow). */
static bool relinquish_len(uint64_t count, uint64_t *len)
{
	uint64_t ids_len = 0;

	return !ovf_mul(count, sizeof(uint16_t), &ids_len) &&
	       !ovf_add(FFA_RELINQUISH_HDR_SIZE, ids_len, len);
}

/**
 * ffa_relinquish_decode() - decode the descriptor. The whole endpoint list
 * must lie inside @len, though only the first 8 IDs are kept (the count is
 * reported as sent so that a validator can reject counts other than 1).
 */
int ffa_relinquish_decode(const uint8_t *buf, size_t len,
			  struct ffa_relinquish *rel)
{
	uint64_t need = 0;
	uint32_t count = 0;
	uint32_t i = 0;

	if (!tzs_range_ok(0, FFA_RELINQUISH_HDR_SIZE, len)) {
		return FFA_INVALID_PARAMETERS;
	}
	count = le32_get(buf + RELINQUISH_ENDPOINT_COUNT);
	if (!relinquish_len(count, &need) || !tzs_range_ok(0, need, len)) {
		return FFA_INVALID_PARAMETERS;
	}
	rel->handle = le64_get(buf + RELINQUISH_HANDLE);
	rel->flags = le32_get(buf + RELINQUISH_FLAGS);
	rel->endpoint_count = count;
	for (i = 0; i < RELINQUISH_ENDPOINTS_MAX; i++) {
		rel->endpoints[i] =
			i < count ?
				le16_get(buf + RELINQUISH_ENDPOINTS + 2 * i) :
				0;
	}
	return FFA_OK;
}

/**
 * ffa_relinquish_encode() - write 16 + 2 * count bytes. Returns 0 when the
 * count exceeds the 8 IDs the struct can carry or @cap is too small.
 */
size_t ffa_relinquish_encode(uint8_t *buf, size_t cap,
			     const struct ffa_relinquish *rel)
{
	uint64_t len = 0;
	uint32_t i = 0;

	if (rel->endpoint_count > RELINQUISH_ENDPOINTS_MAX ||
	    !relinquish_len(rel->endpoint_count, &len) || len > cap) {
		return 0;
	}
	le64_put(buf + RELINQUISH_HANDLE, rel->handle);
	le32_put(buf + RELINQUISH_FLAGS, rel->flags);
	le32_put(buf + RELINQUISH_ENDPOINT_COUNT, rel->endpoint_count);
	for (i = 0; i < rel->endpoint_count; i++) {
		le16_put(buf + RELINQUISH_ENDPOINTS + 2 * i, rel->endpoints[i]);
	}
	return (size_t)len;
}
