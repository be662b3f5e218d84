// SPDX-License-Identifier: BSD-2-Clause
/*
 * Bootstrap memory map used only until the memory-transaction module
 * (core/spmc/mem_*.c) is in the tree: regions and ownership, no
 * transactions (every memory ABI answers NOT_SUPPORTED). The Makefile drops
 * this file as soon as core/spmc/mem_send.c exists.
 */
#include "spmc_priv.h"

#define BOOT_MAX_REGIONS 16

struct spmc_mem {
	uint32_t count;
	struct spmc_mem_region_config regions[BOOT_MAX_REGIONS];
};

int spmc_mem_init(struct spmc *spmc)
{
	spmc->mem = spmc_alloc(spmc, sizeof(*spmc->mem));
	return spmc->mem ? FFA_OK : FFA_NO_MEMORY;
}

void spmc_mem_fini(struct spmc *spmc)
{
	spmc_free(spmc, spmc->mem);
}

int spmc_mem_region_add(struct spmc *spmc,
			const struct spmc_mem_region_config *cfg)
{
	if (spmc->mem->count == BOOT_MAX_REGIONS) {
		return FFA_NO_MEMORY;
	}
	spmc->mem->regions[spmc->mem->count++] = *cfg;
	return FFA_OK;
}

static const struct spmc_mem_region_config *region_of(const struct spmc *spmc,
						      uint64_t pa)
{
	uint32_t i = 0;

	for (i = 0; i < spmc->mem->count; i++) {
		const struct spmc_mem_region_config *r = &spmc->mem->regions[i];

		if (pa >= r->base && pa - r->base < r->page_count * 4096) {
			return r;
		}
	}
	return NULL;
}

bool spmc_mem_owned_exclusive(struct spmc *spmc, uint16_t ep, uint64_t pa,
			      uint64_t page_count)
{
	const struct spmc_mem_region_config *r = region_of(spmc, pa);

	return r && r->owner == ep && r->type == SPMC_MEM_NORMAL &&
	       pa + page_count * 4096 <= r->base + r->page_count * 4096;
}

int spmc_mem_access(struct spmc *spmc, uint16_t ep, uint64_t pa, uint64_t len,
		    uint8_t *perm)
{
	if (!spmc_mem_owned_exclusive(spmc, ep, pa, (len + 4095) / 4096)) {
		return FFA_DENIED;
	}
	*perm = FFA_PERM_DATA_RW;
	return FFA_OK;
}

uint16_t spmc_page_owner(const struct spmc *spmc, uint64_t pa)
{
	const struct spmc_mem_region_config *r = region_of(spmc, pa);

	return r ? r->owner : 0xFFFFu;
}

static void not_supported(struct ffa_regs *out)
{
	ffa_regs_error(out, FFA_NOT_SUPPORTED);
}

void spmc_mem_send(struct spmc *spmc, struct spmc_partition *p, uint32_t fid,
		   const struct ffa_regs *in, struct ffa_regs *out)
{
	(void)spmc, (void)p, (void)fid, (void)in;
	not_supported(out);
}

void spmc_mem_frag_tx(struct spmc *spmc, struct spmc_partition *p,
		      const struct ffa_regs *in, struct ffa_regs *out)
{
	(void)spmc, (void)p, (void)in;
	not_supported(out);
}

void spmc_mem_frag_rx(struct spmc *spmc, struct spmc_partition *p,
		      const struct ffa_regs *in, struct ffa_regs *out)
{
	(void)spmc, (void)p, (void)in;
	not_supported(out);
}

void spmc_mem_retrieve_req(struct spmc *spmc, struct spmc_partition *p,
			   const struct ffa_regs *in, struct ffa_regs *out)
{
	(void)spmc, (void)p, (void)in;
	not_supported(out);
}

void spmc_mem_relinquish(struct spmc *spmc, struct spmc_partition *p,
			 const struct ffa_regs *in, struct ffa_regs *out)
{
	(void)spmc, (void)p, (void)in;
	not_supported(out);
}

void spmc_mem_reclaim(struct spmc *spmc, struct spmc_partition *p,
		      const struct ffa_regs *in, struct ffa_regs *out)
{
	(void)spmc, (void)p, (void)in;
	not_supported(out);
}

void spmc_mem_partition_abort(struct spmc *spmc, struct spmc_partition *p)
{
	(void)spmc, (void)p;
}
