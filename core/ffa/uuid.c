// SPDX-License-Identifier: BSD-2-Clause
/*
 * UUIDs in FF-A registers (ffa.md §2.9). A UUID is kept as its 16 bytes in
 * RFC 4122 order. In registers it travels as those bytes read little-endian:
 * four u32 words for FFA_PARTITION_INFO_GET (w1 = bytes 0..3) and two u64
 * for DIRECT_REQ2 and PARTITION_INFO_GET_REGS (x2 = bytes 0..7). Both Linux
 * and Hafnium pack it this way (testdata README, item 10).
 */
#include <tzshare/ffa.h>
#include <tzshare/lib.h>

void ffa_uuid_to_w4(const uint8_t uuid[FFA_UUID_SIZE], uint32_t w[4])
{
	unsigned int i = 0;

	for (i = 0; i < 4; i++) {
		w[i] = le32_get(uuid + 4 * i);
	}
}

void ffa_uuid_from_w4(const uint32_t w[4], uint8_t uuid[FFA_UUID_SIZE])
{
	unsigned int i = 0;

	for (i = 0; i < 4; i++) {
		le32_put(uuid + 4 * i, w[i]);
	}
}

void ffa_uuid_to_x2(const uint8_t uuid[FFA_UUID_SIZE], uint64_t x[2])
{
	x[0] = le64_get(uuid);
	x[1] = le64_get(uuid + 8);
}

void ffa_uuid_from_x2(const uint64_t x[2], uint8_t uuid[FFA_UUID_SIZE])
{
	le64_put(uuid, x[0]);
	le64_put(uuid + 8, x[1]);
}

bool ffa_uuid_is_nil(const uint8_t uuid[FFA_UUID_SIZE])
{
	return tzs_is_zero(uuid, FFA_UUID_SIZE);
}
