/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The SPMC core: a portable FF-A partition manager. It owns partitions,
 * their mailboxes and execution contexts, messaging, notifications and the
 * memory-transaction state machine. It never blocks and never calls the
 * host except through struct spmc_ops.
 *
 * Run model. The host hands every FF-A call to spmc_call() together with the
 * calling endpoint and vCPU. The core answers with zero or more frames, each
 * addressed to an (endpoint, vCPU) whose call is thereby completed:
 *  - a normal call completes the caller at once (one frame to the caller);
 *  - FFA_MSG_SEND_DIRECT_REQ from a VM parks the VM's vCPU and completes the
 *    SP context waiting in FFA_MSG_WAIT with the request frame; the SP's
 *    FFA_MSG_SEND_DIRECT_RESP later completes the VM with the response while
 *    the SP context goes back to waiting (no frame for the SP);
 *  - FFA_MSG_WAIT with nothing to deliver produces no frame: the context
 *    stays parked until something is delivered to it.
 * Asynchronous events for a normal-world VM (schedule-receiver interrupt,
 * notification pending) are reported as interrupts in the output.
 */
#ifndef TZSHARE_SPMC_H
#define TZSHARE_SPMC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tzshare/ffa.h>

#define SPMC_MAX_VCPUS 8
#define SPMC_MAX_UUIDS 4
#define SPMC_OUT_MAX_FRAMES 24
#define SPMC_OUT_MAX_IRQS 128 /* (VM, interrupt) pairs: 2 per partition */

struct spmc;

/** Host services the core needs; set once at spmc_create(). */
struct spmc_ops {
	void *(*alloc)(void *ctx, size_t len); /* zeroed memory or NULL */
	void (*free)(void *ctx, void *ptr);
	/*
	 * Host pointer for the physical range [pa, pa + len), which the core
	 * has checked lies inside one region added with spmc_mem_region_add().
	 */
	uint8_t *(*phys_to_virt)(void *ctx, uint64_t pa, uint64_t len);
	/* Optional: a rejection reason at verbose level (static string). */
	void (*log)(void *ctx, const char *msg);
};

/** Limits; zero fields take the defaults (Hafnium's, ffa.md §6). */
struct spmc_config {
	uint32_t max_mem_shares; /* live transactions, default 100 */
	uint32_t max_fragments; /* per transaction, default 20 */
	uint32_t max_borrowers; /* EMADs per transaction, default 2 */
	uint32_t rxtx_max_pages; /* default 16 (64 KiB) */
	uint64_t handle_secret; /* keys the handle tag (not guessable) */
	/*
	 * Per-sender quotas so one partition cannot exhaust the shared pool:
	 * live transactions (default max_mem_shares / 2, at least 1) and
	 * incomplete fragmented sends (default 4).
	 */
	uint32_t max_shares_per_sender;
	uint32_t max_partial_sends_per_sender;
	/*
	 * A normal-world hypervisor with this endpoint ID sits between the VMs
	 * and the SPMC (mediator): it may FFA_RX_ACQUIRE, issue hypervisor
	 * retrieve requests and name VMs in w1. Off by default: without a
	 * hypervisor, ID 0 is an ordinary VM (as Linux sees itself).
	 */
	bool has_hypervisor;
	uint16_t hypervisor_id;
};

/** A partition as the platform description declares it. */
struct spmc_partition_config {
	uint16_t id; /* bit 15 set = SP */
	uint16_t exec_count; /* execution contexts (vCPUs), 1..SPMC_MAX_VCPUS */
	uint32_t props; /* FFA_PART_PROP_* (for SPs; VMs: informational) */
	uint32_t uuid_count;
	uint8_t uuids[SPMC_MAX_UUIDS][FFA_UUID_SIZE];
};

enum spmc_mem_type {
	SPMC_MEM_NORMAL = 0,
	SPMC_MEM_DEVICE = 1,
};

/** A range of "physical" memory owned by one endpoint at boot. */
struct spmc_mem_region_config {
	uint64_t base; /* 4 KiB aligned */
	uint64_t page_count;
	uint16_t owner; /* endpoint ID */
	enum spmc_mem_type type;
	bool secure; /* secure PAS (SP memory) */
};

enum spmc_irq {
	SPMC_IRQ_SRI = 1, /* schedule-receiver interrupt */
	SPMC_IRQ_NOTIF_PENDING = 2, /* notification pending for the VM */
};

/** What one spmc_call() or spmc_partition_abort() produced. */
struct spmc_output {
	unsigned int frame_count;
	struct spmc_frame {
		uint16_t ep;
		uint16_t vcpu;
		struct ffa_regs regs;
	} frames[SPMC_OUT_MAX_FRAMES];
	unsigned int irq_count;
	struct spmc_irq_event {
		uint16_t vm;
		uint16_t irq; /* enum spmc_irq */
	} irqs[SPMC_OUT_MAX_IRQS];
};

struct spmc *spmc_create(const struct spmc_ops *ops, void *ctx,
			 const struct spmc_config *cfg);
void spmc_destroy(struct spmc *spmc);

/** Returns FFA_OK, FFA_INVALID_PARAMETERS (bad config) or FFA_NO_MEMORY. */
int spmc_partition_add(struct spmc *spmc,
		       const struct spmc_partition_config *cfg);
int spmc_mem_region_add(struct spmc *spmc,
			const struct spmc_mem_region_config *cfg);

/**
 * spmc_call() - handle one FF-A call from endpoint @caller on @vcpu.
 * @out is cleared first and receives the frames to deliver.
 */
void spmc_call(struct spmc *spmc, uint16_t caller, uint16_t vcpu,
	       const struct ffa_regs *in, struct spmc_output *out);

/**
 * spmc_partition_abort() - the partition's process died. Pending callers
 * blocked on it get FFA_ERROR(ABORTED); its retrieved memory is relinquished
 * on its behalf; its own transactions are reclaimed (deferred while a
 * borrower still holds them); partial fragmented sends are freed; its
 * mailbox is unmapped. The partition may later reconnect fresh.
 */
void spmc_partition_abort(struct spmc *spmc, uint16_t id,
			  struct spmc_output *out);

/**
 * spmc_vm_lifecycle() - a normal-world VM was created (its process
 * attached) or destroyed (its process died). SPs that asked for it
 * (FFA_PART_PROP_VM_CREATED / _DESTROYED) get the framework direct request
 * as soon as one of their contexts waits; their response is consumed here.
 */
void spmc_vm_lifecycle(struct spmc *spmc, uint16_t vm_id, bool created,
		       struct spmc_output *out);

/**
 * spmc_mem_access() - may endpoint @ep access every page of
 * [pa, pa + len)? Returns FFA_OK and the access it has (FFA_PERM_DATA_RO or
 * FFA_PERM_DATA_RW) or FFA_DENIED. The host uses this before handing a
 * borrower the backing memory object of a region.
 */
int spmc_mem_access(struct spmc *spmc, uint16_t ep, uint64_t pa, uint64_t len,
		    uint8_t *perm);

/** Counters for tests and traces. */
struct spmc_stats {
	uint32_t live_shares; /* share states in use */
	uint32_t calls;
	uint32_t rejected; /* calls answered with FFA_ERROR */
};
void spmc_stats_get(const struct spmc *spmc, struct spmc_stats *st);

/** Page owner as the state machine sees it (for tests), or 0xFFFF. */
uint16_t spmc_page_owner(const struct spmc *spmc, uint64_t pa);

#endif /* TZSHARE_SPMC_H */
