/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Normal-world VM runtime ("FF-A driver") of the hosted platform. A VM is
 * a process holding a control socket from the launcher (see
 * <tzshare/platform.h>); it attaches with tzs_vm_attach() and then uses the
 * partition runtime of <tzshare/conduit.h>: calls on its vCPUs, partition
 * discovery, direct messages, memory transactions. On top of that:
 *  - interrupts: the schedule-receiver and notification-pending interrupts
 *    the SPMC raises for this VM arrive on the control socket; poll
 *    tzs_vm_irq_fd() and read them with tzs_vm_irq_wait();
 *  - lender helpers for SHARE/LEND/DONATE of its own DRAM.
 */
#ifndef TZSHARE_NWD_H
#define TZSHARE_NWD_H

#include <stdint.h>

#include <tzshare/conduit.h>
#include <tzshare/ffa.h>

/**
 * tzs_vm_attach() - attach as the VM bound to @ctl_fd (taken over). As
 * tzs_ep_attach(), and fails with -EPROTO if the partition is an SP.
 */
int tzs_vm_attach(int ctl_fd, const struct tzs_ep_opts *opts,
		  struct tzs_ep **out);

/** The descriptor to poll for interrupts (readable = one pending). */
int tzs_vm_irq_fd(const struct tzs_ep *vm);

/**
 * tzs_vm_irq_wait() - take one interrupt (enum spmc_irq) into *irq, waiting
 * up to @timeout_ms (< 0: forever). Returns 0, -ETIMEDOUT, or -EPIPE when
 * the SPMC is gone. Only one thread may wait at a time.
 */
int tzs_vm_irq_wait(struct tzs_ep *vm, int timeout_ms, uint32_t *irq);

/*
 * Lender helpers for one contiguous range of own DRAM to one or more
 * receivers, each granted @perms. Returns FFA_OK with *handle or the FF-A
 * error (see tzs_ep_mem_send()).
 */
int tzs_vm_mem_share(struct tzs_vcpu *v, const uint16_t *receivers,
		     uint32_t receiver_count, uint8_t perms, uint64_t pa,
		     uint64_t page_count, uint64_t tag, uint64_t *handle);
int tzs_vm_mem_lend(struct tzs_vcpu *v, const uint16_t *receivers,
		    uint32_t receiver_count, uint8_t perms, uint64_t pa,
		    uint64_t page_count, uint64_t tag, uint32_t flags,
		    uint64_t *handle);
/* DONATE: one receiver, which takes ownership on retrieval. */
int tzs_vm_mem_donate(struct tzs_vcpu *v, uint16_t receiver, uint64_t pa,
		      uint64_t page_count, uint64_t tag, uint32_t flags,
		      uint64_t *handle);

#endif /* TZSHARE_NWD_H */
