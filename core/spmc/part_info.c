// SPDX-License-Identifier: BSD-2-Clause
/*
 * Partition discovery: FFA_PARTITION_INFO_GET (descriptors in the caller's
 * RX buffer) and FFA_PARTITION_INFO_GET_REGS (descriptors in x3..x17).
 *
 * The SPMC reports secure partitions only: normal-world VMs are the
 * hypervisor's to describe. A partition with several UUIDs (services)
 * appears once per UUID for the nil UUID, and once (with the matching UUID)
 * for a specific one.
 */
#include "spmc_priv.h"

#define INFO_REGS_PER_CALL 5

/* Visit the n-th (partition, UUID) pair matching @uuid; false when none. */
static bool info_nth(struct spmc *spmc, const uint8_t uuid[FFA_UUID_SIZE],
		     uint32_t n, struct ffa_partition_info *info)
{
	bool nil = ffa_uuid_is_nil(uuid);
	uint32_t i = 0, u = 0, seen = 0;

	for (i = 0; i < spmc->part_count; i++) {
		const struct spmc_partition *p = &spmc->parts[i];

		if (!p->secure) {
			continue;
		}
		for (u = 0; u < p->uuid_count; u++) {
			if (!nil &&
			    tzs_memcmp(p->uuids[u], uuid, FFA_UUID_SIZE)) {
				continue;
			}
			if (seen++ != n) {
				continue;
			}
			info->id = p->id;
			info->exec_count = p->exec_count;
			info->props = p->props;
			tzs_memcpy(info->uuid, p->uuids[u], FFA_UUID_SIZE);
			return true;
		}
	}
	return false;
}

static uint32_t info_count(struct spmc *spmc, const uint8_t uuid[16])
{
	struct ffa_partition_info info;
	uint32_t n = 0;

	while (info_nth(spmc, uuid, n, &info)) {
		n++;
	}
	return n;
}

/* Properties a caller of @version may see (bits defined by its version). */
static uint32_t props_for_version(uint32_t props, uint32_t version)
{
	if (version < FFA_VERSION_1_1) {
		return props & 0x7u;
	}
	if (version < FFA_VERSION_1_2) {
		return props & 0x1FFu;
	}
	return props;
}

/**
 * spmc_partition_info_get() - FFA_PARTITION_INFO_GET(w1..w4 UUID, w5 flags).
 * Errors, in order: 1. flags other than bit0 (count only), or any flag from
 * a v1.0 caller -> INVALID_PARAMETERS; 2. no partition matches ->
 * INVALID_PARAMETERS; 3. (not count-only) no mailbox -> DENIED, RX still
 * owned by the caller -> BUSY; 4. descriptors do not fit RX -> NO_MEMORY.
 * Success: w2 = count, w3 = descriptor size (v1.1+; 0 for v1.0).
 */
void spmc_partition_info_get(struct spmc *spmc, struct spmc_partition *p,
			     const struct ffa_regs *in, struct ffa_regs *out)
{
	uint32_t version = spmc_caller_version(p);
	uint32_t flags = (uint32_t)in->x[5];
	size_t desc_size = version >= FFA_VERSION_1_1 ? FFA_PART_INFO_SIZE :
							FFA_PART_INFO_V1_0_SIZE;
	struct ffa_partition_info info;
	uint32_t w[4] = { (uint32_t)in->x[1], (uint32_t)in->x[2],
			  (uint32_t)in->x[3], (uint32_t)in->x[4] };
	uint8_t uuid[FFA_UUID_SIZE];
	uint32_t count = 0, i = 0;
	int rc = 0;

	ffa_uuid_from_w4(w, uuid);
	if ((flags & ~FFA_PARTITION_INFO_FLAG_COUNT_ONLY) ||
	    (flags && version < FFA_VERSION_1_1)) {
		ffa_regs_error(out, FFA_INVALID_PARAMETERS);
		return;
	}
	count = info_count(spmc, uuid);
	if (!count) {
		spmc_log(spmc, "PARTITION_INFO_GET: no such partition");
		ffa_regs_error(out, FFA_INVALID_PARAMETERS);
		return;
	}
	if (flags & FFA_PARTITION_INFO_FLAG_COUNT_ONLY) {
		ffa_regs_success(out, count, (uint32_t)desc_size);
		return;
	}
	if (!p->mb.mapped) {
		ffa_regs_error(out, FFA_DENIED);
		return;
	}
	if ((uint64_t)count * desc_size > p->mb.size) {
		ffa_regs_error(out, FFA_NO_MEMORY);
		return;
	}
	rc = spmc_rx_take(p);
	if (rc != FFA_OK) {
		ffa_regs_error(out, rc);
		return;
	}
	for (i = 0; i < count; i++) {
		CHECK(info_nth(spmc, uuid, i, &info));
		info.props = props_for_version(info.props, version);
		CHECK(ffa_partition_info_encode(p->mb.rx + i * desc_size,
						desc_size, desc_size, &info));
	}
	/* Never leak a previous message through the tail of RX. */
	tzs_memset(p->mb.rx + count * desc_size, 0,
		   p->mb.size - count * desc_size);
	ffa_regs_success(out, count,
			 version >= FFA_VERSION_1_1 ? (uint32_t)desc_size : 0);
}

/**
 * spmc_partition_info_get_regs() - FFA_PARTITION_INFO_GET_REGS (v1.2):
 * x1/x2 UUID, x3[15:0] start index, x3[31:16] UUID-info tag.
 * Errors: 1. caller older than v1.2 -> NOT_SUPPORTED; 2. non-zero tag (we
 * never hand one out) or x3[63:32] set -> INVALID_PARAMETERS; 3. no match
 * or start index past the last -> INVALID_PARAMETERS.
 * Success (FFA_SUCCESS_64): x2 = last index | current index << 16 |
 * tag << 32 | descriptor size << 48; x3.. three registers per descriptor.
 */
void spmc_partition_info_get_regs(struct spmc *spmc, struct spmc_partition *p,
				  const struct ffa_regs *in,
				  struct ffa_regs *out)
{
	uint64_t x[2] = { in->x[1], in->x[2] };
	uint32_t start = (uint32_t)(in->x[3] & 0xFFFFu);
	uint8_t uuid[FFA_UUID_SIZE];
	struct ffa_partition_info info;
	uint32_t count = 0, i = 0, cur = 0;
	uint64_t ux[2];

	if (spmc_caller_version(p) < FFA_VERSION_1_2) {
		ffa_regs_error(out, FFA_NOT_SUPPORTED);
		return;
	}
	if (in->x[3] >> 16) {
		ffa_regs_error(out, FFA_INVALID_PARAMETERS);
		return;
	}
	ffa_uuid_from_x2(x, uuid);
	count = info_count(spmc, uuid);
	if (!count || start >= count) {
		ffa_regs_error(out, FFA_INVALID_PARAMETERS);
		return;
	}
	ffa_regs_clear(out);
	out->x[0] = FFA_SUCCESS_64;
	for (i = 0; i < INFO_REGS_PER_CALL && start + i < count; i++) {
		cur = start + i;
		CHECK(info_nth(spmc, uuid, cur, &info));
		ffa_uuid_to_x2(info.uuid, ux);
		out->x[3 + 3 * i] = (uint64_t)info.id |
				    (uint64_t)info.exec_count << 16 |
				    (uint64_t)info.props << 32;
		out->x[4 + 3 * i] = ux[0];
		out->x[5 + 3 * i] = ux[1];
	}
	out->x[2] = (uint64_t)(count - 1) | (uint64_t)cur << 16 |
		    (uint64_t)FFA_PART_INFO_SIZE << 48;
}
