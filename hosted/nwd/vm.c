// SPDX-License-Identifier: BSD-2-Clause
/*
 * Normal-world VM runtime: attach as a VM, the interrupt channel, and the
 * lender helpers (see <tzshare/nwd.h>).
 */
#include <tzshare/nwd.h>

#include <errno.h>
#include <string.h>

#include <tzshare/lib.h>

#define MAX_RECEIVERS 8

int tzs_vm_attach(int ctl_fd, const struct tzs_ep_opts *opts,
		  struct tzs_ep **out)
{
	struct tzs_ep *ep = NULL;
	int rc = tzs_ep_attach(ctl_fd, opts, &ep);

	if (rc) {
		return rc;
	}
	if (FFA_ID_IS_SECURE(tzs_ep_id(ep))) {
		tzs_ep_detach(ep);
		return -EPROTO;
	}
	*out = ep;
	return 0;
}

int tzs_vm_irq_fd(const struct tzs_ep *vm)
{
	return tzs_ep_ctl_fd(vm);
}

int tzs_vm_irq_wait(struct tzs_ep *vm, int timeout_ms, uint32_t *irq)
{
	uint8_t b[TZC_MSG_MAX];
	uint32_t type = 0;
	int rc = 0;

	for (;;) {
		rc = tzc_recv(tzs_ep_ctl_fd(vm), &type, b, sizeof(b), NULL,
			      timeout_ms);
		if (rc < 0) {
			return rc == -EPIPE || rc == -ETIMEDOUT ? rc : -EPIPE;
		}
		/* Nothing else travels this way; skip what we do not know. */
		if (type == TZC_MSG_IRQ && rc == TZC_IRQ_SIZE) {
			*irq = le32_get(b);
			return 0;
		}
	}
}

static int send_one_range(struct tzs_vcpu *v, enum ffa_mem_kind kind,
			  const uint16_t *receivers, uint32_t count,
			  uint8_t perms, uint64_t pa, uint64_t page_count,
			  uint64_t tag, uint32_t flags, uint64_t *handle)
{
	struct tzs_mem_receiver rcv[MAX_RECEIVERS];
	struct tzs_range range = { .pa = pa, .page_count = page_count };
	struct tzs_mem_send_args a;
	uint32_t i = 0;

	if (!count || count > MAX_RECEIVERS) {
		return FFA_INVALID_PARAMETERS;
	}
	for (i = 0; i < count; i++) {
		rcv[i].id = receivers[i];
		rcv[i].perms = perms;
	}
	memset(&a, 0, sizeof(a));
	a.kind = kind;
	a.receiver_count = count;
	a.receivers = rcv;
	a.range_count = 1;
	a.ranges = &range;
	a.tag = tag;
	a.flags = flags;
	return tzs_ep_mem_send(v, &a, handle);
}

int tzs_vm_mem_share(struct tzs_vcpu *v, const uint16_t *receivers,
		     uint32_t receiver_count, uint8_t perms, uint64_t pa,
		     uint64_t page_count, uint64_t tag, uint64_t *handle)
{
	return send_one_range(v, FFA_MEM_KIND_SHARE, receivers, receiver_count,
			      perms, pa, page_count, tag, 0, handle);
}

int tzs_vm_mem_lend(struct tzs_vcpu *v, const uint16_t *receivers,
		    uint32_t receiver_count, uint8_t perms, uint64_t pa,
		    uint64_t page_count, uint64_t tag, uint32_t flags,
		    uint64_t *handle)
{
	return send_one_range(v, FFA_MEM_KIND_LEND, receivers, receiver_count,
			      perms, pa, page_count, tag, flags, handle);
}

int tzs_vm_mem_donate(struct tzs_vcpu *v, uint16_t receiver, uint64_t pa,
		      uint64_t page_count, uint64_t tag, uint32_t flags,
		      uint64_t *handle)
{
	/* ffa.md §3.1: the donor specifies no access for the receiver. */
	return send_one_range(v, FFA_MEM_KIND_DONATE, &receiver, 1, 0, pa,
			      page_count, tag, flags, handle);
}
