// SPDX-License-Identifier: BSD-2-Clause
#include "spmc_fixture.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "test.h"

#define FX_PHYS_END 0x91000000ull

const uint8_t FX_UUID_A[16] = {
	0xa1, 0x1a, 0x00, 0x01, 0x11, 0x22, 0x33, 0x44,
	0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x01
};
const uint8_t FX_UUID_B[16] = {
	0xb2, 0x2b, 0x00, 0x02, 0x11, 0x22, 0x33, 0x44,
	0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x02
};
const uint8_t FX_UUID_SHARED[16] = { 0xc6, 0x60, 0x28, 0xb5, 0x24, 0x98,
				     0x4a, 0xa1, 0x9d, 0xe7, 0x77, 0xda,
				     0x61, 0x22, 0xab, 0xf0 };

static void *fx_alloc(void *ctx, size_t len)
{
	(void)ctx;
	return calloc(1, len);
}

static void fx_free(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}

static uint8_t *fx_phys_to_virt(void *ctx, uint64_t pa, uint64_t len)
{
	struct fx *fx = ctx;

	static const uint64_t regions[][2] = {
		{ FX_VM1_BASE, FX_VM1_SIZE }, { FX_VM2_BASE, FX_VM2_SIZE },
		{ FX_SP1_BASE, FX_SP_SIZE },  { FX_SP2_BASE, FX_SP_SIZE },
		{ FX_DEV_BASE, FX_DEV_SIZE }, { FX_VM0_BASE, FX_VM0_SIZE },
	};
	unsigned int i = 0;

	if (pa + len > fx->mem_len || pa + len < pa) {
		test_fail(__FILE__, __LINE__, "phys_to_virt out of range");
	}
	/* The core promises the host a range inside one region (a hosted
	 * SPMC maps each region as its own object). */
	for (i = 0; i < sizeof(regions) / sizeof(regions[0]); i++) {
		if (pa >= regions[i][0] &&
		    pa + len <= regions[i][0] + regions[i][1]) {
			return fx->mem + pa;
		}
	}
	test_fail(__FILE__, __LINE__, "phys_to_virt range spans regions");
}

static void fx_log(void *ctx, const char *msg)
{
	(void)ctx;
	if (getenv("TZS_TEST_VERBOSE")) {
		fprintf(stderr, "  spmc: %s\n", msg);
	}
}

static const struct spmc_ops fx_ops = {
	.alloc = fx_alloc,
	.free = fx_free,
	.phys_to_virt = fx_phys_to_virt,
	.log = fx_log,
};

static uint64_t fx_top(uint16_t ep)
{
	switch (ep) {
	case FX_SP1:
		return FX_SP1_BASE + FX_SP_SIZE;
	case FX_SP2:
		return FX_SP2_BASE + FX_SP_SIZE;
	case FX_VM2:
		return FX_VM2_BASE + FX_VM2_SIZE;
	default:
		return FX_VM1_BASE + FX_VM1_SIZE;
	}
}

uint64_t fx_tx_pa(uint16_t ep)
{
	return fx_top(ep) - 2 * 4096;
}

uint64_t fx_rx_pa(uint16_t ep)
{
	return fx_top(ep) - 4096;
}

uint8_t *fx_pa(struct fx *fx, uint64_t pa)
{
	return fx->mem + pa;
}

static uint64_t mb_tx_pa(const struct fx *fx, uint16_t ep)
{
	return fx->extra_vm0 && ep == 0x0000 ? FX_VM0_TX_PA : fx_tx_pa(ep);
}

static uint64_t mb_rx_pa(const struct fx *fx, uint16_t ep)
{
	return fx->extra_vm0 && ep == 0x0000 ? FX_VM0_RX_PA : fx_rx_pa(ep);
}

uint8_t *fx_tx(struct fx *fx, uint16_t ep)
{
	return fx_pa(fx, mb_tx_pa(fx, ep));
}

uint8_t *fx_rx(struct fx *fx, uint16_t ep)
{
	return fx_pa(fx, mb_rx_pa(fx, ep));
}

static void add_sp(struct fx *fx, uint16_t id, uint16_t ecs,
		   const uint8_t *uuid, uint64_t base)
{
	struct spmc_partition_config pc;
	struct spmc_mem_region_config rc;

	memset(&pc, 0, sizeof(pc));
	pc.id = id;
	pc.exec_count = ecs;
	pc.props = FFA_PART_PROP_DIRECT_REQ_RECV |
		   FFA_PART_PROP_DIRECT_REQ_SEND | FFA_PART_PROP_INDIRECT_MSG |
		   FFA_PART_PROP_NOTIF_RECV | FFA_PART_PROP_AARCH64 |
		   FFA_PART_PROP_DIRECT_REQ2_RECV |
		   FFA_PART_PROP_DIRECT_REQ2_SEND;
	pc.uuid_count = 2;
	memcpy(pc.uuids[0], uuid, 16);
	memcpy(pc.uuids[1], FX_UUID_SHARED, 16);
	ASSERT_EQ(spmc_partition_add(fx->spmc, &pc), FFA_OK);
	memset(&rc, 0, sizeof(rc));
	rc.base = base;
	rc.page_count = FX_SP_SIZE / 4096;
	rc.owner = id;
	rc.secure = true;
	ASSERT_EQ(spmc_mem_region_add(fx->spmc, &rc), FFA_OK);
}

static void add_vm(struct fx *fx, uint16_t id, uint64_t base, uint64_t size)
{
	struct spmc_partition_config pc;
	struct spmc_mem_region_config rc;

	memset(&pc, 0, sizeof(pc));
	pc.id = id;
	pc.exec_count = 2;
	pc.props = FFA_PART_PROP_DIRECT_REQ_SEND | FFA_PART_PROP_INDIRECT_MSG |
		   FFA_PART_PROP_NOTIF_RECV | FFA_PART_PROP_AARCH64 |
		   FFA_PART_PROP_DIRECT_REQ2_SEND;
	ASSERT_EQ(spmc_partition_add(fx->spmc, &pc), FFA_OK);
	memset(&rc, 0, sizeof(rc));
	rc.base = base;
	rc.page_count = size / 4096;
	rc.owner = id;
	ASSERT_EQ(spmc_mem_region_add(fx->spmc, &rc), FFA_OK);
}

static void negotiate(struct fx *fx, uint16_t ep, uint32_t version,
		      bool mailbox)
{
	struct ffa_regs r;

	r = fx_call(fx, ep, FFA_VERSION, version, 0, 0, 0, 0, 0, 0);
	ASSERT_TRUE((uint32_t)r.x[0] != 0xFFFFFFFFu);
	if (!mailbox) {
		return;
	}
	r = fx_call(fx, ep, FFA_RXTX_MAP_64, mb_tx_pa(fx, ep), mb_rx_pa(fx, ep),
		    1, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
}

void fx_init(struct fx *fx, const struct fx_opts *opts)
{
	static const struct fx_opts defaults;
	struct spmc_mem_region_config rc;
	uint32_t version = 0;

	if (!opts) {
		opts = &defaults;
	}
	memset(fx, 0, sizeof(*fx));
	fx->mem_len = FX_PHYS_END;
	fx->mem = mmap(NULL, fx->mem_len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_TRUE(fx->mem != MAP_FAILED);
	fx->spmc = spmc_create(&fx_ops, fx, &opts->cfg);
	ASSERT_TRUE(fx->spmc != NULL);
	fx->vm1 = opts->vm0_instead_of_vm1 ? 0x0000 : FX_VM1;
	add_vm(fx, fx->vm1, FX_VM1_BASE, FX_VM1_SIZE);
	add_vm(fx, FX_VM2, FX_VM2_BASE, FX_VM2_SIZE);
	if (opts->extra_vm0) {
		/* VM 0 would otherwise alias VM 1's range (vm0_instead_of_vm1). */
		ASSERT_FALSE(opts->vm0_instead_of_vm1);
		fx->extra_vm0 = true;
		add_vm(fx, 0x0000, FX_VM0_BASE, FX_VM0_SIZE);
	}
	add_sp(fx, FX_SP1, 2, FX_UUID_A, FX_SP1_BASE);
	add_sp(fx, FX_SP2, 1, FX_UUID_B, FX_SP2_BASE);
	memset(&rc, 0, sizeof(rc));
	rc.base = FX_DEV_BASE;
	rc.page_count = FX_DEV_SIZE / 4096;
	rc.owner = fx->vm1;
	rc.type = SPMC_MEM_DEVICE;
	ASSERT_EQ(spmc_mem_region_add(fx->spmc, &rc), FFA_OK);

	version = opts->version ? opts->version : FFA_VERSION_1_2;
	negotiate(fx, fx->vm1, version, !opts->no_mailboxes);
	negotiate(fx, FX_VM2, version, !opts->no_mailboxes);
	if (fx->extra_vm0) {
		negotiate(fx, 0x0000, version, !opts->no_mailboxes);
	}
	negotiate(fx, FX_SP1, version, !opts->no_mailboxes);
	negotiate(fx, FX_SP2, version, !opts->no_mailboxes);
}

void fx_fini(struct fx *fx)
{
	spmc_destroy(fx->spmc);
	munmap(fx->mem, fx->mem_len);
}

const struct ffa_regs *fx_frame_for(const struct fx *fx, uint16_t ep,
				    uint16_t vcpu)
{
	unsigned int i = 0;

	for (i = 0; i < fx->out.frame_count; i++) {
		if (fx->out.frames[i].ep == ep &&
		    fx->out.frames[i].vcpu == vcpu) {
			return &fx->out.frames[i].regs;
		}
	}
	return NULL;
}

bool fx_has_irq(const struct fx *fx, uint16_t vm, uint16_t irq)
{
	unsigned int i = 0;

	for (i = 0; i < fx->out.irq_count; i++) {
		if (fx->out.irqs[i].vm == vm && fx->out.irqs[i].irq == irq) {
			return true;
		}
	}
	return false;
}

struct ffa_regs fx_call_regs(struct fx *fx, uint16_t caller, uint16_t vcpu,
			     const struct ffa_regs *in)
{
	const struct ffa_regs *r = NULL;
	struct ffa_regs none;

	spmc_call(fx->spmc, caller, vcpu, in, &fx->out);
	r = fx_frame_for(fx, caller, vcpu);
	if (r) {
		return *r;
	}
	memset(&none, 0, sizeof(none));
	return none;
}

struct ffa_regs fx_call(struct fx *fx, uint16_t caller, uint64_t x0,
			uint64_t x1, uint64_t x2, uint64_t x3, uint64_t x4,
			uint64_t x5, uint64_t x6, uint64_t x7)
{
	/* x8..x17 zero */
	struct ffa_regs in = { .x = { x0, x1, x2, x3, x4, x5, x6, x7 } };

	return fx_call_regs(fx, caller, 0, &in);
}

void fx_boot_sps(struct fx *fx)
{
	uint16_t v = 0;

	for (v = 0; v < 2; v++) {
		fx_call_regs(fx, FX_SP1, v,
			     &(struct ffa_regs){ .x = { FFA_MSG_WAIT } });
	}
	fx_call_regs(fx, FX_SP2, 0,
		     &(struct ffa_regs){ .x = { FFA_MSG_WAIT } });
}
