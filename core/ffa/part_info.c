// SPDX-License-Identifier: BSD-2-Clause
/*
 * Partition information descriptors returned by FFA_PARTITION_INFO_GET in
 * the caller's RX buffer (ffa.md §2.9): ID u16 at 0, execution-context
 * count u16 at 2, properties u32 at 4 (8 bytes at v1.0), plus the UUID at
 * 8 (24 bytes at v1.1/v1.2).
 *
 * Current Hafnium returns 48-byte (v1.3 ALP2) descriptors to every v1.1+
 * caller (ffa.md §7 item 4), so the decoder accepts any size from 24 on
 * and ignores what follows the UUID; the caller steps by the size from w3.
 */
#include <tzshare/ffa.h>
#include <tzshare/lib.h>

#define PART_INFO_ID 0
#define PART_INFO_EXEC_COUNT 2
#define PART_INFO_PROPS 4
#define PART_INFO_UUID 8

static bool desc_size_known(size_t desc_size)
{
	return desc_size == FFA_PART_INFO_V1_0_SIZE ||
	       desc_size >= FFA_PART_INFO_SIZE;
}

size_t ffa_partition_info_encode(uint8_t *buf, size_t cap, size_t desc_size,
				 const struct ffa_partition_info *info)
{
	if (desc_size != FFA_PART_INFO_V1_0_SIZE &&
	    desc_size != FFA_PART_INFO_SIZE) {
		return 0;
	}
	if (cap < desc_size) {
		return 0;
	}
	le16_put(buf + PART_INFO_ID, info->id);
	le16_put(buf + PART_INFO_EXEC_COUNT, info->exec_count);
	le32_put(buf + PART_INFO_PROPS, info->props);
	if (desc_size == FFA_PART_INFO_SIZE) {
		tzs_memcpy(buf + PART_INFO_UUID, info->uuid, FFA_UUID_SIZE);
	}
	return desc_size;
}

/**
 * ffa_partition_info_decode() - decode one descriptor of @desc_size bytes.
 * Returns FFA_INVALID_PARAMETERS for a size that is neither 8 nor at least
 * 24, or when @len is shorter than @desc_size. An 8-byte descriptor has no
 * UUID; the nil UUID is reported.
 */
int ffa_partition_info_decode(const uint8_t *buf, size_t len, size_t desc_size,
			      struct ffa_partition_info *info)
{
	if (!desc_size_known(desc_size) || !tzs_range_ok(0, desc_size, len)) {
		return FFA_INVALID_PARAMETERS;
	}
	info->id = le16_get(buf + PART_INFO_ID);
	info->exec_count = le16_get(buf + PART_INFO_EXEC_COUNT);
	info->props = le32_get(buf + PART_INFO_PROPS);
	if (desc_size == FFA_PART_INFO_V1_0_SIZE) {
		tzs_memset(info->uuid, 0, FFA_UUID_SIZE);
	} else {
		tzs_memcpy(info->uuid, buf + PART_INFO_UUID, FFA_UUID_SIZE);
	}
	return FFA_OK;
}
