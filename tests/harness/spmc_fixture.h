/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SPMC unit-test fixture: one struct spmc with host ops backed by an
 * anonymous mapping that stands in for physical memory.
 *
 * Default platform (fx_init(fx, NULL)):
 *   VM 0x0001   NS normal memory  0x80000000 .. 0x90000000 (256 MiB)
 *   VM 0x0002   NS normal memory  0x90000000 .. 0x91000000 (16 MiB)
 *   SP 0x8001   secure memory     0x10000000 .. 0x11000000, 2 vCPUs
 *   SP 0x8002   secure memory     0x11000000 .. 0x12000000, 1 vCPU
 *   device      NS device memory  0x09000000 .. 0x09010000 owned by VM 1
 * Every partition negotiated FF-A v1.2 and has a 1-page RX/TX mailbox mapped
 * at the top of its memory (TX at top - 2 pages, RX at top - 1 page) unless
 * opts say otherwise. SPs advertise direct req/req2 receive+send, indirect
 * messaging and notifications; SP 0x8001 has UUID FX_UUID_A (and
 * FX_UUID_SHARED), SP 0x8002 FX_UUID_B (and FX_UUID_SHARED).
 *
 * opts.extra_vm0 adds endpoint 0x0000 next to VM 0x0001, owning nothing but
 * its mailbox (TX FX_VM0_TX_PA, RX FX_VM0_RX_PA). With cfg.has_hypervisor
 * and cfg.hypervisor_id 0 it is the normal-world hypervisor beside an owner
 * VM 0x0001 (e.g. for hypervisor retrieve requests).
 */
#ifndef TZS_SPMC_FIXTURE_H
#define TZS_SPMC_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include <tzshare/ffa.h>
#include <tzshare/spmc.h>

#define FX_VM1 0x0001
#define FX_VM2 0x0002
#define FX_SP1 0x8001
#define FX_SP2 0x8002
#define FX_VM1_BASE 0x80000000ull
#define FX_VM1_SIZE 0x10000000ull
#define FX_VM2_BASE 0x90000000ull
#define FX_VM2_SIZE 0x01000000ull
#define FX_SP1_BASE 0x10000000ull
#define FX_SP2_BASE 0x11000000ull
#define FX_SP_SIZE 0x01000000ull
#define FX_DEV_BASE 0x09000000ull
#define FX_DEV_SIZE 0x00010000ull
#define FX_VM0_BASE 0x12000000ull /* opts.extra_vm0: mailbox only */
#define FX_VM0_SIZE 0x00002000ull
#define FX_VM0_TX_PA FX_VM0_BASE
#define FX_VM0_RX_PA (FX_VM0_BASE + 0x1000ull)

extern const uint8_t FX_UUID_A[16];
extern const uint8_t FX_UUID_B[16];
extern const uint8_t FX_UUID_SHARED[16];

struct fx_opts {
	struct spmc_config cfg; /* zero = defaults */
	uint32_t version; /* version every partition negotiates; 0 = v1.2 */
	bool no_mailboxes; /* do not map RX/TX */
	bool vm0_instead_of_vm1; /* VM 1's memory belongs to VM 0x0000 */
	/* Also add VM 0x0000 owning only its mailbox (see above); not with
	 * vm0_instead_of_vm1. */
	bool extra_vm0;
};

struct fx {
	struct spmc *spmc;
	uint8_t *mem; /* host mapping of [0, FX_PHYS_END) */
	uint64_t mem_len;
	struct spmc_output out; /* of the last call */
	uint16_t vm1; /* FX_VM1, or 0 with vm0_instead_of_vm1 */
	bool extra_vm0; /* opts.extra_vm0: fx_tx/fx_rx(0) are its mailbox */
};

void fx_init(struct fx *fx, const struct fx_opts *opts);
void fx_fini(struct fx *fx);

/* Host pointer for a physical address of the fixture's memory. */
uint8_t *fx_pa(struct fx *fx, uint64_t pa);
/* Mailbox addresses of the default platform (not of opts.extra_vm0's VM 0:
 * that one is at FX_VM0_TX_PA / FX_VM0_RX_PA; fx_tx/fx_rx know it). */
uint64_t fx_tx_pa(uint16_t ep);
uint64_t fx_rx_pa(uint16_t ep);
uint8_t *fx_tx(struct fx *fx, uint16_t ep);
uint8_t *fx_rx(struct fx *fx, uint16_t ep);

/*
 * Make a call and return the frame that completes the caller (vCPU 0 unless
 * fx_call_vcpu). When the call completes nobody (e.g. a parked MSG_WAIT),
 * returns a frame with x0 = 0. fx->out keeps every frame.
 */
struct ffa_regs fx_call(struct fx *fx, uint16_t caller, uint64_t x0,
			uint64_t x1, uint64_t x2, uint64_t x3, uint64_t x4,
			uint64_t x5, uint64_t x6, uint64_t x7);
struct ffa_regs fx_call_regs(struct fx *fx, uint16_t caller, uint16_t vcpu,
			     const struct ffa_regs *in);
/* The frame fx->out holds for (ep, vcpu), or NULL. */
const struct ffa_regs *fx_frame_for(const struct fx *fx, uint16_t ep,
				    uint16_t vcpu);

/* fx->out holds interrupt @irq for VM @vm. */
bool fx_has_irq(const struct fx *fx, uint16_t vm, uint16_t irq);

/* Park every SP context in FFA_MSG_WAIT (as after SP boot). */
void fx_boot_sps(struct fx *fx);

#endif /* TZS_SPMC_FIXTURE_H */
