// SPDX-License-Identifier: BSD-2-Clause
/*
 * FF-A v1.2 notifications (DEN0077A ch. 10; ABI rows in ffa.md §1.4):
 * bitmaps, bindings, pending state, NOTIFICATION_INFO_GET and framework
 * notifications. Hafnium ("Hf": src/api.c, src/vm.c,
 * src/ffa/spmc/notifications.c) decides where the spec leaves room.
 *
 * Lifecycle of a receiver's state (struct spmc_notif in its partition):
 *  - Enabled: an SP that advertises FFA_PART_PROP_NOTIF_RECV, from boot (Hf
 *    reads the manifest); a VM between NOTIFICATION_BITMAP_CREATE and
 *    NOTIFICATION_BITMAP_DESTROY (DESTROY is DENIED while anything is
 *    pending and drops every binding). Any call naming a receiver that is
 *    not enabled is DENIED.
 *  - BIND ties each of the 64 bits to one sender, global or per-vCPU; a bit
 *    already bound (to anyone) is DENIED. UNBIND unties bits bound to that
 *    sender and drops their pending state.
 *  - SET makes bound bits pending, split by sender world (pending_from_sp,
 *    pending_from_vm; per-vCPU variants) and raises the schedule-receiver
 *    interrupt (SRI) in the normal world, plus "notification pending" to a
 *    VM receiver.
 *  - INFO_GET lists receivers with pending bits it has not listed yet and
 *    records them in info_reported_*; GET returns and clears the selected
 *    bitmaps (global + the caller's vCPU), which also trims info_reported_*.
 *  - The SPMC itself pends framework bits (RX buffer full, MSG_SEND2).
 *
 * The SPMC handles notifications where at least one side is an SP; VM to
 * VM notifications are the hypervisor's business (INVALID_PARAMETERS).
 * Notifications came with FF-A v1.1: a v1.0 caller gets NOT_SUPPORTED.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tzshare/ffa.h>
#include <tzshare/lib.h>
#include <tzshare/spmc.h>

#include "spmc_priv.h"

/* Flags (w2) of BIND and SET. */
#define NOTIF_FLAG_PER_VCPU (1u << 0)
/* SET only. */
#define NOTIF_FLAG_DELAY_SRI (1u << 1)
#define NOTIF_SET_VCPU_SHIFT 16
#define NOTIF_SET_FLAGS_MASK (NOTIF_FLAG_PER_VCPU | NOTIF_FLAG_DELAY_SRI)

/* Flags (w2) of GET: which bitmaps to return. */
#define NOTIF_GET_SP (1u << 0)
#define NOTIF_GET_VM (1u << 1)
#define NOTIF_GET_SPM (1u << 2)
#define NOTIF_GET_HYP (1u << 3)
#define NOTIF_GET_FLAGS_MASK 0xFu

/* INFO_GET result (w2) layout, ffa.md §1.4. */
#define INFO_MORE_PENDING (1u << 0)
#define INFO_LIST_COUNT_SHIFT 7
#define INFO_LIST_SIZE_SHIFT 12
#define INFO_MAX_IDS_32 10u
#define INFO_MAX_IDS_64 20u
#define INFO_MAX_VCPUS_PER_LIST 3u

static uint16_t id_hi(uint64_t w)
{
	return (uint16_t)((uint32_t)w >> 16);
}

static uint16_t id_lo(uint64_t w)
{
	return (uint16_t)w;
}

static uint64_t bitmap_of(const struct ffa_regs *in)
{
	return (uint64_t)(uint32_t)in->x[3] | (uint64_t)(uint32_t)in->x[4]
						      << 32;
}

static bool is_sp(const struct spmc_partition *p)
{
	return FFA_ID_IS_SECURE(p->id);
}

static void reject(const struct spmc *spmc, struct ffa_regs *out, int err,
		   const char *why)
{
	spmc_log(spmc, why);
	ffa_regs_error(out, err);
}

/* Notification ABIs exist from FF-A v1.1 on (Hf: v1.0 -> NOT_SUPPORTED). */
static bool version_too_old(const struct spmc_partition *p)
{
	return spmc_caller_version(p) < FFA_VERSION_1_1;
}

/* May @p receive notifications now? (see the lifecycle above) */
static bool notif_enabled(const struct spmc_partition *p)
{
	if (is_sp(p)) {
		return (p->props & FFA_PART_PROP_NOTIF_RECV) != 0;
	}
	return p->notif.bitmap_created;
}

/* vCPUs a receiver's per-vCPU state covers: SP contexts, or what the VM
 * declared at BITMAP_CREATE (Hf sets vm->vcpu_count from it). */
static unsigned int notif_vcpu_count(const struct spmc_partition *p)
{
	unsigned int n = is_sp(p) ? p->exec_count : p->notif.bitmap_vcpu_count;

	if (NEVER(n > SPMC_MAX_VCPUS)) {
		n = SPMC_MAX_VCPUS;
	}
	return n;
}

static uint64_t vcpu_pending(const struct spmc_notif *n, unsigned int v)
{
	return n->pending_vcpu_from_sp[v] | n->pending_vcpu_from_vm[v];
}

static bool anything_pending(const struct spmc_notif *n)
{
	unsigned int v = 0;

	if (n->pending_from_sp || n->pending_from_vm || n->fw_pending_spm) {
		return true;
	}
	for (v = 0; v < SPMC_MAX_VCPUS; v++) {
		if (vcpu_pending(n, v)) {
			return true;
		}
	}
	return false;
}

/* Keep "listed by INFO_GET" a subset of "pending" after bits were cleared,
 * so that a bit set again later is listed again (Hf clears
 * info_get_retrieved together with pending). */
static void reported_trim(struct spmc_notif *n)
{
	unsigned int v = 0;

	n->info_reported_global &= n->pending_from_sp | n->pending_from_vm;
	n->info_reported_fw &= n->fw_pending_spm;
	for (v = 0; v < SPMC_MAX_VCPUS; v++) {
		n->info_reported_vcpu[v] &= vcpu_pending(n, v);
	}
}

/*
 * Bits about to become pending that were not pending are news for INFO_GET.
 * Dropping them from info_reported_* here (rather than relying on every
 * path that clears pending state to trim) keeps them listable even after
 * RX_RELEASE or an abort cleared pending bits behind notif.c's back.
 */
static void mark_new(struct spmc_notif *n, bool per_vcpu, unsigned int v,
		     uint64_t bits)
{
	if (per_vcpu) {
		n->info_reported_vcpu[v] &= ~(bits & ~vcpu_pending(n, v));
	} else {
		n->info_reported_global &=
			~(bits & ~(n->pending_from_sp | n->pending_from_vm));
	}
}

static bool global_unreported(const struct spmc_notif *n)
{
	uint64_t g = n->pending_from_sp | n->pending_from_vm;

	return (g & ~n->info_reported_global) != 0 ||
	       (n->fw_pending_spm & ~n->info_reported_fw) != 0;
}

static bool vcpu_unreported(const struct spmc_notif *n, unsigned int v)
{
	return (vcpu_pending(n, v) & ~n->info_reported_vcpu[v]) != 0;
}

static bool partition_unreported(const struct spmc_partition *p)
{
	unsigned int v = 0;

	if (global_unreported(&p->notif)) {
		return true;
	}
	for (v = 0; v < notif_vcpu_count(p); v++) {
		if (vcpu_unreported(&p->notif, v)) {
			return true;
		}
	}
	return false;
}

/* ---------------------------------------------------------------------- */
/* Interrupts to the normal world                                          */

/* Append an interrupt once per call. The output has room for
 * SPMC_OUT_MAX_IRQS, which holds both interrupts for every partition. */
static void irq_raise(struct spmc_output *out, uint16_t vm, uint16_t irq)
{
	/* spmc_out_irq() merges repeats; the output holds every pair. */
	if (out) {
		spmc_out_irq(out, vm, irq);
	}
}

/*
 * The SRI goes to whoever runs the receivers' scheduler and calls INFO_GET:
 * the hypervisor when there is one; otherwise every VM that created its
 * notification bitmap (each runs an FF-A driver). No bitmap, no SRI.
 */
static void sri_raise(struct spmc *spmc, struct spmc_output *out)
{
	unsigned int i = 0;

	if (spmc->cfg.has_hypervisor) {
		irq_raise(out, spmc->cfg.hypervisor_id, SPMC_IRQ_SRI);
		return;
	}
	for (i = 0; i < SPMC_MAX_PARTITIONS; i++) {
		const struct spmc_partition *q = &spmc->parts[i];

		if (q->used && !is_sp(q) && q->notif.bitmap_created) {
			irq_raise(out, q->id, SPMC_IRQ_SRI);
		}
	}
}

/* Signal that @r has new pending bits. A VM receiver also gets its
 * "notification pending" interrupt at once; only the SRI can be delayed. */
static void pending_signal(struct spmc *spmc, struct spmc_partition *r,
			   bool delay_sri, struct spmc_output *out)
{
	if (!is_sp(r)) {
		irq_raise(out, r->id, SPMC_IRQ_NOTIF_PENDING);
	}
	if (!delay_sri) {
		sri_raise(spmc, out);
	}
}

void spmc_notif_sri_flush(struct spmc *spmc, struct spmc_partition *p,
			  struct spmc_output *out)
{
	if (!p->notif.sri_delayed) {
		return;
	}
	p->notif.sri_delayed = false;
	sri_raise(spmc, out);
}

void spmc_notif_framework_pend(struct spmc *spmc, struct spmc_partition *p,
			       uint32_t bits, bool delay_sri,
			       struct spmc_output *out)
{
	/*
	 * Hf pends framework notifications only for receivers that take
	 * notifications (api_ffa_msg_send2); one without a bitmap finds its
	 * message by reading RX.
	 */
	if (!notif_enabled(p) || bits == 0) {
		return;
	}
	p->notif.info_reported_fw &= ~(bits & ~p->notif.fw_pending_spm);
	p->notif.fw_pending_spm |= bits;
	pending_signal(spmc, p, delay_sri, out);
}

/* ---------------------------------------------------------------------- */
/* BITMAP_CREATE / BITMAP_DESTROY                                          */

/**
 * bitmap_target() - the VM whose bitmap @p may create or destroy.
 * Errors, in order:
 *  1. NOT_SUPPORTED: v1.0 caller, an SP caller (SPs always have their
 *     bitmap), or a VM other than the hypervisor when there is one (Hf).
 *  2. INVALID_PARAMETERS: w1 is not a 16-bit VM ID, names a VM other than
 *     the caller (no hypervisor), or names no known VM.
 */
static int bitmap_target(struct spmc *spmc, struct spmc_partition *p,
			 const struct ffa_regs *in, struct spmc_partition **vm)
{
	uint32_t w1 = (uint32_t)in->x[1];

	*vm = NULL;
	if (version_too_old(p) || is_sp(p)) {
		spmc_log(spmc, "notif bitmap: SP or v1.0 caller");
		return FFA_NOT_SUPPORTED;
	}
	/* Hf: with a hypervisor only it creates/destroys VM bitmaps. */
	if (spmc->cfg.has_hypervisor && p->id != spmc->cfg.hypervisor_id) {
		spmc_log(spmc, "notif bitmap: only the hypervisor may call");
		return FFA_NOT_SUPPORTED;
	}
	if (w1 > 0xFFFFu || FFA_ID_IS_SECURE(w1)) {
		spmc_log(spmc, "notif bitmap: w1 is not a VM ID");
		return FFA_INVALID_PARAMETERS;
	}
	/* Without a hypervisor each VM speaks for itself only. */
	if (!spmc->cfg.has_hypervisor && w1 != p->id) {
		spmc_log(spmc, "notif bitmap: VM may only name itself");
		return FFA_INVALID_PARAMETERS;
	}
	*vm = spmc_partition_find(spmc, (uint16_t)w1);
	if (!*vm) {
		spmc_log(spmc, "notif bitmap: unknown VM");
		return FFA_INVALID_PARAMETERS;
	}
	return FFA_OK;
}

/**
 * spmc_notif_bitmap_create() - FFA_NOTIFICATION_BITMAP_CREATE(w1 VM ID,
 * w2 vCPU count). Errors: those of bitmap_target(), then
 *  1. INVALID_PARAMETERS: vCPU count 0 or above SPMC_MAX_VCPUS;
 *  2. DENIED: the bitmap exists already (Hf).
 */
void spmc_notif_bitmap_create(struct spmc *spmc, struct spmc_partition *p,
			      const struct ffa_regs *in, struct ffa_regs *out)
{
	struct spmc_partition *vm = NULL;
	uint32_t vcpu_count = (uint32_t)in->x[2];
	int rc = bitmap_target(spmc, p, in, &vm);

	if (rc) {
		ffa_regs_error(out, rc);
		return;
	}
	if (vcpu_count == 0 || vcpu_count > SPMC_MAX_VCPUS) {
		reject(spmc, out, FFA_INVALID_PARAMETERS,
		       "notif bitmap create: bad vCPU count");
		return;
	}
	if (vm->notif.bitmap_created) {
		reject(spmc, out, FFA_DENIED,
		       "notif bitmap create: already created");
		return;
	}
	tzs_memset(&vm->notif, 0, sizeof(vm->notif));
	vm->notif.bitmap_created = true;
	vm->notif.bitmap_vcpu_count = (uint16_t)vcpu_count;
	ffa_regs_success(out, 0, 0);
}

/**
 * spmc_notif_bitmap_destroy() - FFA_NOTIFICATION_BITMAP_DESTROY(w1 VM ID).
 * Errors: those of bitmap_target(), then DENIED when the bitmap does not
 * exist or notifications are still pending (Hf). Bindings are dropped.
 */
void spmc_notif_bitmap_destroy(struct spmc *spmc, struct spmc_partition *p,
			       const struct ffa_regs *in, struct ffa_regs *out)
{
	struct spmc_partition *vm = NULL;
	int rc = bitmap_target(spmc, p, in, &vm);

	if (rc) {
		ffa_regs_error(out, rc);
		return;
	}
	if (!vm->notif.bitmap_created) {
		reject(spmc, out, FFA_DENIED,
		       "notif bitmap destroy: not created");
		return;
	}
	if (anything_pending(&vm->notif)) {
		reject(spmc, out, FFA_DENIED,
		       "notif bitmap destroy: notifications pending");
		return;
	}
	tzs_memset(&vm->notif, 0, sizeof(vm->notif));
	ffa_regs_success(out, 0, 0);
}

/* ---------------------------------------------------------------------- */
/* BIND / UNBIND                                                           */

/**
 * binding_receiver() - checks shared by BIND and UNBIND (w1 = sender <<
 * 16 | receiver). Errors, in order:
 *  1. INVALID_PARAMETERS: the caller is not the receiver; sender ==
 *     receiver; (BIND) unknown sender; both sides VMs; empty bitmap;
 *  2. DENIED: the receiver has notifications disabled.
 */
static int binding_receiver(struct spmc *spmc, struct spmc_partition *p,
			    const struct ffa_regs *in, bool is_bind)
{
	uint16_t sender = id_hi(in->x[1]);
	uint16_t receiver = id_lo(in->x[1]);
	struct spmc_partition *s = NULL;

	/* Hf: the caller must be the receiver. */
	if (receiver != p->id) {
		spmc_log(spmc, "notif bind: caller is not the receiver");
		return FFA_INVALID_PARAMETERS;
	}
	if (sender == receiver) {
		spmc_log(spmc, "notif bind: sender is the receiver");
		return FFA_INVALID_PARAMETERS;
	}
	/* Hf checks the sender exists on BIND only: UNBIND of a vanished
	 * sender's bits must stay possible. */
	s = spmc_partition_find(spmc, sender);
	if (is_bind && !s) {
		spmc_log(spmc, "notif bind: unknown sender");
		return FFA_INVALID_PARAMETERS;
	}
	if (!FFA_ID_IS_SECURE(sender) && !is_sp(p)) {
		spmc_log(spmc, "notif bind: VM to VM is not the SPMC's");
		return FFA_INVALID_PARAMETERS;
	}
	if (bitmap_of(in) == 0) {
		spmc_log(spmc, "notif bind: empty bitmap");
		return FFA_INVALID_PARAMETERS;
	}
	if (!notif_enabled(p)) {
		spmc_log(spmc, "notif bind: receiver has no bitmap");
		return FFA_DENIED;
	}
	return FFA_OK;
}

/**
 * spmc_notif_bind() - FFA_NOTIFICATION_BIND. Errors: NOT_SUPPORTED for a
 * v1.0 caller; INVALID_PARAMETERS for flags other than bit 0 (Hf checks
 * flags first); binding_receiver(); DENIED when any bit is already bound
 * (to any sender, Hf).
 */
void spmc_notif_bind(struct spmc *spmc, struct spmc_partition *p,
		     const struct ffa_regs *in, struct ffa_regs *out)
{
	uint32_t flags = (uint32_t)in->x[2];
	uint64_t bits = bitmap_of(in);
	struct spmc_notif *n = &p->notif;
	unsigned int i = 0;
	int rc = 0;

	if (version_too_old(p)) {
		reject(spmc, out, FFA_NOT_SUPPORTED, "notif bind: v1.0 caller");
		return;
	}
	if (flags & ~NOTIF_FLAG_PER_VCPU) {
		reject(spmc, out, FFA_INVALID_PARAMETERS,
		       "notif bind: flags MBZ");
		return;
	}
	rc = binding_receiver(spmc, p, in, true);
	if (rc) {
		ffa_regs_error(out, rc);
		return;
	}
	if (n->bound_mask & bits) {
		reject(spmc, out, FFA_DENIED, "notif bind: bit already bound");
		return;
	}
	for (i = 0; i < 64; i++) {
		if (bits & (1ull << i)) {
			n->bound_sender[i] = id_hi(in->x[1]);
		}
	}
	n->bound_mask |= bits;
	if (flags & NOTIF_FLAG_PER_VCPU) {
		n->per_vcpu_mask |= bits;
	} else {
		n->per_vcpu_mask &= ~bits;
	}
	ffa_regs_success(out, 0, 0);
}

/* True when every bit of @bits is bound to @sender. */
static bool bound_to(const struct spmc_notif *n, uint64_t bits, uint16_t sender)
{
	unsigned int i = 0;

	if ((n->bound_mask & bits) != bits) {
		return false;
	}
	for (i = 0; i < 64; i++) {
		if ((bits & (1ull << i)) && n->bound_sender[i] != sender) {
			return false;
		}
	}
	return true;
}

/**
 * spmc_notif_unbind() - FFA_NOTIFICATION_UNBIND. Errors: NOT_SUPPORTED
 * for a v1.0 caller; INVALID_PARAMETERS when w2 (MBZ) is set;
 * binding_receiver(); DENIED when a bit is not bound to that sender. Pending state of the
 * unbound bits is dropped (Hf instead refuses with DENIED while they are
 * pending; we follow the task brief so a receiver can always revoke).
 */
void spmc_notif_unbind(struct spmc *spmc, struct spmc_partition *p,
		       const struct ffa_regs *in, struct ffa_regs *out)
{
	uint64_t bits = bitmap_of(in);
	struct spmc_notif *n = &p->notif;
	unsigned int v = 0;
	int rc = 0;

	if (version_too_old(p)) {
		reject(spmc, out, FFA_NOT_SUPPORTED,
		       "notif unbind: v1.0 caller");
		return;
	}
	if ((uint32_t)in->x[2] != 0) {
		reject(spmc, out, FFA_INVALID_PARAMETERS,
		       "notif unbind: w2 MBZ");
		return;
	}
	rc = binding_receiver(spmc, p, in, false);
	if (rc) {
		ffa_regs_error(out, rc);
		return;
	}
	if (!bound_to(n, bits, id_hi(in->x[1]))) {
		reject(spmc, out, FFA_DENIED,
		       "notif unbind: bit not bound to that sender");
		return;
	}
	n->bound_mask &= ~bits;
	n->per_vcpu_mask &= ~bits;
	n->pending_from_sp &= ~bits;
	n->pending_from_vm &= ~bits;
	for (v = 0; v < SPMC_MAX_VCPUS; v++) {
		n->pending_vcpu_from_sp[v] &= ~bits;
		n->pending_vcpu_from_vm[v] &= ~bits;
	}
	reported_trim(n);
	ffa_regs_success(out, 0, 0);
}

/* ---------------------------------------------------------------------- */
/* SET                                                                     */

/**
 * set_validate() - FFA_NOTIFICATION_SET checks (Hf api_ffa_notification_set
 * order). Errors:
 *  1. NOT_SUPPORTED: v1.0 caller;
 *  2. INVALID_PARAMETERS: flags MBZ bits; global with a vCPU ID; sender
 *     (w1[31:16]) is not the caller; receiver is the sender, unknown, or
 *     both are VMs; empty bitmap; delay-SRI from a VM (secure instance
 *     only, Hf);
 *  3. DENIED: receiver has notifications disabled; a bit not bound to this
 *     sender, or bound with the other per-vCPU setting (Hf);
 *  4. INVALID_PARAMETERS: per-vCPU vCPU ID beyond the receiver's vCPUs.
 */
static int set_validate(struct spmc *spmc, struct spmc_partition *p,
			const struct ffa_regs *in, struct spmc_partition **rp)
{
	uint32_t flags = (uint32_t)in->x[2];
	uint16_t receiver = id_lo(in->x[1]);
	uint16_t vcpu = (uint16_t)(flags >> NOTIF_SET_VCPU_SHIFT);
	bool per_vcpu = (flags & NOTIF_FLAG_PER_VCPU) != 0;
	uint64_t bits = bitmap_of(in);
	struct spmc_partition *r = NULL;

	*rp = NULL;
	if (version_too_old(p)) {
		spmc_log(spmc, "notif set: v1.0 caller");
		return FFA_NOT_SUPPORTED;
	}
	if (flags & ~(NOTIF_SET_FLAGS_MASK | 0xFFFF0000u)) {
		spmc_log(spmc, "notif set: flags MBZ");
		return FFA_INVALID_PARAMETERS;
	}
	/* Global notifications must not name a vCPU (Hf). */
	if (!per_vcpu && vcpu != 0) {
		spmc_log(spmc, "notif set: vCPU ID with global flag");
		return FFA_INVALID_PARAMETERS;
	}
	if (id_hi(in->x[1]) != p->id) {
		spmc_log(spmc, "notif set: caller is not the sender");
		return FFA_INVALID_PARAMETERS;
	}
	if (receiver == p->id) {
		spmc_log(spmc, "notif set: sender targets itself");
		return FFA_INVALID_PARAMETERS;
	}
	r = spmc_partition_find(spmc, receiver);
	if (!r) {
		spmc_log(spmc, "notif set: unknown receiver");
		return FFA_INVALID_PARAMETERS;
	}
	if (!is_sp(p) && !is_sp(r)) {
		spmc_log(spmc, "notif set: VM to VM is not the SPMC's");
		return FFA_INVALID_PARAMETERS;
	}
	if (bits == 0) {
		spmc_log(spmc, "notif set: empty bitmap");
		return FFA_INVALID_PARAMETERS;
	}
	if ((flags & NOTIF_FLAG_DELAY_SRI) && !is_sp(p)) {
		spmc_log(spmc, "notif set: delay SRI from a VM");
		return FFA_INVALID_PARAMETERS;
	}
	if (!notif_enabled(r)) {
		spmc_log(spmc, "notif set: receiver has no bitmap");
		return FFA_DENIED;
	}
	if (!bound_to(&r->notif, bits, p->id)) {
		spmc_log(spmc, "notif set: bit not bound to the sender");
		return FFA_DENIED;
	}
	if (per_vcpu ? (r->notif.per_vcpu_mask & bits) != bits :
		       (r->notif.per_vcpu_mask & bits) != 0) {
		spmc_log(spmc, "notif set: per-vCPU flag differs from bind");
		return FFA_DENIED;
	}
	if (per_vcpu && vcpu >= notif_vcpu_count(r)) {
		spmc_log(spmc, "notif set: vCPU ID out of range");
		return FFA_INVALID_PARAMETERS;
	}
	*rp = r;
	return FFA_OK;
}

void spmc_notif_set(struct spmc *spmc, struct spmc_partition *p,
		    const struct ffa_regs *in, struct ffa_regs *ret,
		    struct spmc_output *out)
{
	uint32_t flags = (uint32_t)in->x[2];
	uint16_t vcpu = (uint16_t)(flags >> NOTIF_SET_VCPU_SHIFT);
	bool delay = (flags & NOTIF_FLAG_DELAY_SRI) != 0;
	uint64_t bits = bitmap_of(in);
	struct spmc_partition *r = NULL;
	struct spmc_notif *n = NULL;
	int rc = set_validate(spmc, p, in, &r);

	if (rc) {
		ffa_regs_error(ret, rc);
		return;
	}
	n = &r->notif;
	mark_new(n, (flags & NOTIF_FLAG_PER_VCPU) != 0, vcpu, bits);
	if (flags & NOTIF_FLAG_PER_VCPU) {
		if (is_sp(p)) {
			n->pending_vcpu_from_sp[vcpu] |= bits;
		} else {
			n->pending_vcpu_from_vm[vcpu] |= bits;
		}
	} else if (is_sp(p)) {
		n->pending_from_sp |= bits;
	} else {
		n->pending_from_vm |= bits;
	}
	/* Hf remembers a delayed SRI and raises it when the SP leaves. */
	if (delay) {
		p->notif.sri_delayed = true;
	}
	pending_signal(spmc, r, delay, out);
	ffa_regs_success(ret, 0, 0);
}

/* ---------------------------------------------------------------------- */
/* GET                                                                     */

/**
 * spmc_notif_get() - FFA_NOTIFICATION_GET(w1 = vCPU << 16 | receiver,
 * w2 bitmaps). Errors:
 *  1. NOT_SUPPORTED: v1.0 caller;
 *  2. INVALID_PARAMETERS: w2[31:4] set (Hf); the caller is not the
 *     receiver;
 *  3. DENIED: the receiver has notifications disabled (no bitmap);
 *  4. INVALID_PARAMETERS: vCPU ID beyond the receiver's vCPUs (Hf).
 * The VM and hypervisor-framework bitmaps of a VM receiver are always 0
 * here (no VM to VM notifications in the SPMC). Hf refuses those flags for
 * VM receivers; Linux guests (vm_id != 0) always pass them, so we answer.
 */
void spmc_notif_get(struct spmc *spmc, struct spmc_partition *p,
		    const struct ffa_regs *in, struct ffa_regs *out)
{
	uint32_t flags = (uint32_t)in->x[2];
	uint16_t vcpu = id_hi(in->x[1]);
	struct spmc_notif *n = &p->notif;
	uint64_t from_sp = 0;
	uint64_t from_vm = 0;
	uint32_t fw = 0;

	if (version_too_old(p)) {
		reject(spmc, out, FFA_NOT_SUPPORTED, "notif get: v1.0 caller");
		return;
	}
	if (flags & ~NOTIF_GET_FLAGS_MASK) {
		reject(spmc, out, FFA_INVALID_PARAMETERS,
		       "notif get: flags MBZ");
		return;
	}
	if (id_lo(in->x[1]) != p->id) {
		reject(spmc, out, FFA_INVALID_PARAMETERS,
		       "notif get: caller is not the receiver");
		return;
	}
	if (!notif_enabled(p)) {
		reject(spmc, out, FFA_DENIED, "notif get: no bitmap");
		return;
	}
	if (vcpu >= notif_vcpu_count(p)) {
		reject(spmc, out, FFA_INVALID_PARAMETERS,
		       "notif get: vCPU ID out of range");
		return;
	}
	if (flags & NOTIF_GET_SP) {
		from_sp = n->pending_from_sp | n->pending_vcpu_from_sp[vcpu];
		n->pending_from_sp = 0;
		n->pending_vcpu_from_sp[vcpu] = 0;
	}
	if (flags & NOTIF_GET_VM) {
		from_vm = n->pending_from_vm | n->pending_vcpu_from_vm[vcpu];
		n->pending_from_vm = 0;
		n->pending_vcpu_from_vm[vcpu] = 0;
	}
	if (flags & NOTIF_GET_SPM) {
		fw = n->fw_pending_spm;
		n->fw_pending_spm = 0;
	}
	reported_trim(n);
	ffa_regs_success(out, (uint32_t)from_sp, (uint32_t)(from_sp >> 32));
	out->x[4] = (uint32_t)from_vm;
	out->x[5] = (uint32_t)(from_vm >> 32);
	out->x[6] = fw;
	/* w7: hypervisor framework bitmap; the SPMC never pends it. */
	out->x[7] = 0;
}

/* ---------------------------------------------------------------------- */
/* INFO_GET                                                                */

struct info_list {
	uint16_t ids[INFO_MAX_IDS_64];
	uint32_t id_count;
	uint32_t id_max;
	uint8_t list_size[INFO_MAX_IDS_64]; /* vCPU IDs in each list */
	uint32_t list_count;
};

static void list_start(struct info_list *l, uint16_t id)
{
	l->ids[l->id_count++] = id;
	l->list_size[l->list_count++] = 0;
}

/*
 * Add @p's unlisted pending state to @l; false when @l ran out of room.
 * Global bits (partition and framework) give a list holding just the ID;
 * per-vCPU bits append the vCPU IDs to that list, at most three per list,
 * a new list (ID again) starting when one fills (Hf
 * vm_insert_notification_info_list). Only what fits is marked listed.
 */
static bool info_add(struct info_list *l, struct spmc_partition *p)
{
	struct spmc_notif *n = &p->notif;
	unsigned int count = notif_vcpu_count(p);
	bool open = false; /* the last list is @p's and has room */
	unsigned int v = 0;

	if (global_unreported(n)) {
		if (l->id_count == l->id_max) {
			return false;
		}
		list_start(l, p->id);
		open = true;
		n->info_reported_global =
			n->pending_from_sp | n->pending_from_vm;
		n->info_reported_fw = n->fw_pending_spm;
	}
	for (v = 0; v < count; v++) {
		if (!vcpu_unreported(n, v)) {
			continue;
		}
		if (!open) {
			/* A new list needs the ID and this vCPU ID. */
			if (l->id_max - l->id_count < 2) {
				return false;
			}
			list_start(l, p->id);
		} else if (l->id_count == l->id_max) {
			return false;
		}
		l->ids[l->id_count++] = (uint16_t)v;
		l->list_size[l->list_count - 1]++;
		open = l->list_size[l->list_count - 1] <
		       INFO_MAX_VCPUS_PER_LIST;
		n->info_reported_vcpu[v] = vcpu_pending(n, v);
	}
	return true;
}

/**
 * spmc_notif_info_get() - FFA_NOTIFICATION_INFO_GET_32/64: which endpoints
 * (and vCPUs) the normal-world scheduler should run. Errors:
 *  1. NOT_SUPPORTED: v1.0 caller; an SP caller; with a hypervisor, anyone
 *     but the hypervisor (Hf: only the primary scheduler);
 *  2. NO_DATA: nothing pending that was not listed before.
 * Success: w2 bit0 more pending, [11:7] list count, two bits per list from
 * bit 12 = its vCPU ID count; 16-bit IDs packed from w3 (2 per register at
 * SMC32, 10 at most; 4 per register at SMC64, 20 at most).
 */
void spmc_notif_info_get(struct spmc *spmc, struct spmc_partition *p,
			 const struct ffa_regs *in, struct ffa_regs *out)
{
	bool is64 = FFA_FID_IS_SMC64(in->x[0]);
	unsigned int per_reg = is64 ? 4 : 2;
	struct info_list l = { 0 };
	uint64_t w2 = 0;
	unsigned int i = 0;

	if (version_too_old(p) || is_sp(p) ||
	    (spmc->cfg.has_hypervisor && p->id != spmc->cfg.hypervisor_id)) {
		reject(spmc, out, FFA_NOT_SUPPORTED,
		       "notif info get: caller is not the NWd scheduler");
		return;
	}
	l.id_max = is64 ? INFO_MAX_IDS_64 : INFO_MAX_IDS_32;
	for (i = 0; i < SPMC_MAX_PARTITIONS; i++) {
		struct spmc_partition *q = &spmc->parts[i];

		if (q->used && !info_add(&l, q)) {
			break;
		}
	}
	if (l.id_count == 0) {
		reject(spmc, out, FFA_NO_DATA, "notif info get: nothing new");
		return;
	}
	for (i = 0; i < SPMC_MAX_PARTITIONS; i++) {
		const struct spmc_partition *q = &spmc->parts[i];

		if (q->used && partition_unreported(q)) {
			w2 |= INFO_MORE_PENDING;
			break;
		}
	}
	w2 |= (uint64_t)l.list_count << INFO_LIST_COUNT_SHIFT;
	for (i = 0; i < l.list_count; i++) {
		w2 |= (uint64_t)l.list_size[i]
		      << (INFO_LIST_SIZE_SHIFT + 2 * i);
	}
	ffa_regs_clear(out);
	out->x[0] = is64 ? FFA_SUCCESS_64 : FFA_SUCCESS_32;
	out->x[2] = w2;
	for (i = 0; i < l.id_count; i++) {
		out->x[3 + i / per_reg] |= (uint64_t)l.ids[i]
					   << (16 * (i % per_reg));
	}
}
