// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests of core/spmc/notif.c: FF-A v1.2 notifications (ffa.md §1.4
 * rows NOTIFICATION_*; rules in notif.c's header comment). Each case names
 * the rule it checks and asserts the exact error code or resulting state;
 * pending state is observed through FFA_NOTIFICATION_GET and INFO_GET.
 */
#include <string.h>

#include <tzshare/ffa.h>
#include <tzshare/spmc.h>

#include "../../../core/spmc/spmc_priv.h"
#include "spmc_fixture.h"
#include "test.h"

#define IDS(hi, lo) (((uint32_t)(hi) << 16) | (uint32_t)(lo))
#define PER_VCPU 1u
#define DELAY_SRI 2u
#define SET_VCPU(v) ((uint32_t)(v) << 16)
#define GET_SP 1u
#define GET_VM 2u
#define GET_SPM 4u
#define GET_HYP 8u
#define GET_ALL 0xFu
#define FX_SP3 0x8003

/* The call succeeds (FFA_SUCCESS). */
#define OK(call)                              \
	do {                                  \
		struct ffa_regs ok_ = (call); \
		ASSERT_FFA_SUCCESS(&ok_);     \
	} while (0)

static struct ffa_regs create(struct fx *fx, uint16_t caller, uint16_t vm,
			      uint32_t vcpus)
{
	return fx_call(fx, caller, FFA_NOTIFICATION_BITMAP_CREATE, vm, vcpus, 0,
		       0, 0, 0, 0);
}

static struct ffa_regs destroy(struct fx *fx, uint16_t caller, uint16_t vm)
{
	return fx_call(fx, caller, FFA_NOTIFICATION_BITMAP_DESTROY, vm, 0, 0, 0,
		       0, 0, 0);
}

static struct ffa_regs bind(struct fx *fx, uint16_t receiver, uint16_t sender,
			    uint32_t flags, uint64_t bits)
{
	return fx_call(fx, receiver, FFA_NOTIFICATION_BIND,
		       IDS(sender, receiver), flags, (uint32_t)bits,
		       (uint32_t)(bits >> 32), 0, 0, 0);
}

static struct ffa_regs unbind(struct fx *fx, uint16_t receiver, uint16_t sender,
			      uint64_t bits)
{
	return fx_call(fx, receiver, FFA_NOTIFICATION_UNBIND,
		       IDS(sender, receiver), 0, (uint32_t)bits,
		       (uint32_t)(bits >> 32), 0, 0, 0);
}

static struct ffa_regs set(struct fx *fx, uint16_t sender, uint16_t receiver,
			   uint32_t flags, uint64_t bits)
{
	return fx_call(fx, sender, FFA_NOTIFICATION_SET, IDS(sender, receiver),
		       flags, (uint32_t)bits, (uint32_t)(bits >> 32), 0, 0, 0);
}

static struct ffa_regs get(struct fx *fx, uint16_t receiver, uint16_t vcpu,
			   uint32_t flags)
{
	return fx_call(fx, receiver, FFA_NOTIFICATION_GET, IDS(vcpu, receiver),
		       flags, 0, 0, 0, 0, 0);
}

static struct ffa_regs info_get(struct fx *fx, uint16_t caller, bool is64)
{
	return fx_call(fx, caller,
		       is64 ? FFA_NOTIFICATION_INFO_GET_64 :
			      FFA_NOTIFICATION_INFO_GET_32,
		       0, 0, 0, 0, 0, 0, 0);
}

static uint64_t sp_bits(const struct ffa_regs *r)
{
	return (uint64_t)(uint32_t)r->x[2] | (uint64_t)(uint32_t)r->x[3] << 32;
}

static uint64_t vm_bits(const struct ffa_regs *r)
{
	return (uint64_t)(uint32_t)r->x[4] | (uint64_t)(uint32_t)r->x[5] << 32;
}

/* Pending bits of @receiver (vCPU @vcpu) as GET returns them: SP | VM. */
static uint64_t take_pending(struct fx *fx, uint16_t receiver, uint16_t vcpu)
{
	struct ffa_regs r = get(fx, receiver, vcpu, GET_SP | GET_VM);

	ASSERT_FFA_SUCCESS(&r);
	return sp_bits(&r) | vm_bits(&r);
}

/* 16-bit ID @i of an INFO_GET result (@per_reg IDs per register). */
static uint16_t info_id(const struct ffa_regs *r, unsigned int i,
			unsigned int per_reg)
{
	return (uint16_t)(r->x[3 + i / per_reg] >> (16 * (i % per_reg)));
}

static void init_hyp(struct fx *fx)
{
	struct fx_opts o;

	memset(&o, 0, sizeof(o));
	o.cfg.has_hypervisor = true;
	o.cfg.hypervisor_id = 0;
	o.vm0_instead_of_vm1 = true;
	fx_init(fx, &o);
}

/* An extra SP without the notification and indirect-messaging
 * properties, negotiated at v1.2, no mailbox. */
static void add_plain_sp(struct fx *fx)
{
	struct spmc_partition_config pc;
	struct ffa_regs r;

	memset(&pc, 0, sizeof(pc));
	pc.id = FX_SP3;
	pc.exec_count = 1;
	pc.props = FFA_PART_PROP_DIRECT_REQ_RECV | FFA_PART_PROP_AARCH64;
	ASSERT_EQ(spmc_partition_add(fx->spmc, &pc), FFA_OK);
	r = fx_call(fx, FX_SP3, FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0);
	ASSERT_EQ(r.x[0], FFA_VERSION_1_2);
}

/* Pend the RX-full framework notification for @id into a cleared fx->out. */
static void pend_rx_full(struct fx *fx, uint16_t id, bool delay_sri)
{
	struct spmc_partition *p = spmc_partition_find(fx->spmc, id);

	ASSERT_TRUE(p != NULL);
	memset(&fx->out, 0, sizeof(fx->out));
	spmc_notif_framework_pend(fx->spmc, p, SPMC_FW_NOTIF_RX_FULL, delay_sri,
				  &fx->out);
}

/* ---------------------------------------------------------------------- */
/* BITMAP_CREATE / DESTROY                                                 */

/* A VM creates its own bitmap; it can then be bound to. */
TEST(bitmap_create_own_vm_enables_binding)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	r = create(&fx, FX_VM1, FX_VM1, 2);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(r.x[2], 0);
	r = bind(&fx, FX_VM1, FX_SP1, 0, 1);
	ASSERT_FFA_SUCCESS(&r);
	fx_fini(&fx);
}

/* Hf: creating an existing bitmap is DENIED. */
TEST(bitmap_create_twice_is_denied)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	OK(create(&fx, FX_VM1, FX_VM1, 2));
	OK(bind(&fx, FX_VM1, FX_SP1, 0, 4));
	r = create(&fx, FX_VM1, FX_VM1, 2);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	/* The existing bitmap and its binding survive. */
	OK(set(&fx, FX_SP1, FX_VM1, 0, 4));
	fx_fini(&fx);
}

/* Without a hypervisor a VM may only name itself. */
TEST(bitmap_create_for_other_vm_without_hypervisor_is_invalid)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	r = create(&fx, FX_VM1, FX_VM2, 2);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = bind(&fx, FX_VM2, FX_SP1, 0, 1);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	fx_fini(&fx);
}

/* SPs always have their bitmap: the ABI is not for them. */
TEST(bitmap_create_from_sp_is_not_supported)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	r = create(&fx, FX_SP1, FX_SP1, 1);
	ASSERT_FFA_ERROR(&r, FFA_NOT_SUPPORTED);
	r = destroy(&fx, FX_SP1, FX_SP1);
	ASSERT_FFA_ERROR(&r, FFA_NOT_SUPPORTED);
	fx_fini(&fx);
}

TEST(bitmap_create_with_zero_vcpus_is_invalid)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	r = create(&fx, FX_VM1, FX_VM1, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = bind(&fx, FX_VM1, FX_SP1, 0, 1);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	fx_fini(&fx);
}

TEST(bitmap_create_with_more_than_max_vcpus_is_invalid)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	r = create(&fx, FX_VM1, FX_VM1, SPMC_MAX_VCPUS + 1);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = create(&fx, FX_VM1, FX_VM1, SPMC_MAX_VCPUS);
	ASSERT_FFA_SUCCESS(&r);
	fx_fini(&fx);
}

/* Notifications arrived with v1.1: a v1.0 caller has no such ABI. */
TEST(bitmap_create_from_v1_0_caller_is_not_supported)
{
	struct fx fx;
	struct fx_opts o;
	struct ffa_regs r;

	memset(&o, 0, sizeof(o));
	o.version = FFA_VERSION_1_0;
	fx_init(&fx, &o);
	r = create(&fx, FX_VM1, FX_VM1, 1);
	ASSERT_FFA_ERROR(&r, FFA_NOT_SUPPORTED);
	fx_fini(&fx);
}

/* With a hypervisor, it creates bitmaps for any known VM. */
TEST(bitmap_create_by_hypervisor_for_guest_succeeds)
{
	struct fx fx;
	struct ffa_regs r;

	init_hyp(&fx);
	r = create(&fx, 0, FX_VM2, 2);
	ASSERT_FFA_SUCCESS(&r);
	r = bind(&fx, FX_VM2, FX_SP1, 0, 1);
	ASSERT_FFA_SUCCESS(&r);
	fx_fini(&fx);
}

/* Hf: with a hypervisor a guest may not call the ABI itself. */
TEST(bitmap_create_by_guest_with_hypervisor_is_not_supported)
{
	struct fx fx;
	struct ffa_regs r;

	init_hyp(&fx);
	r = create(&fx, FX_VM2, FX_VM2, 2);
	ASSERT_FFA_ERROR(&r, FFA_NOT_SUPPORTED);
	fx_fini(&fx);
}

TEST(bitmap_create_for_unknown_vm_is_invalid)
{
	struct fx fx;
	struct ffa_regs r;

	init_hyp(&fx);
	r = create(&fx, 0, 0x0042, 2);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	fx_fini(&fx);
}

/* w1 must name a VM: an SP ID is not one. */
TEST(bitmap_create_naming_sp_is_invalid)
{
	struct fx fx;
	struct ffa_regs r;

	init_hyp(&fx);
	r = create(&fx, 0, FX_SP1, 2);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	fx_fini(&fx);
}

TEST(bitmap_destroy_without_create_is_denied)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	r = destroy(&fx, FX_VM1, FX_VM1);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	fx_fini(&fx);
}

/* Hf: destroying a bitmap with pending notifications is DENIED. */
TEST(bitmap_destroy_with_pending_is_denied)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	OK(create(&fx, FX_VM1, FX_VM1, 2));
	OK(bind(&fx, FX_VM1, FX_SP1, 0, 2));
	OK(set(&fx, FX_SP1, FX_VM1, 0, 2));
	r = destroy(&fx, FX_VM1, FX_VM1);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	ASSERT_EQ(take_pending(&fx, FX_VM1, 0), 2);
	r = destroy(&fx, FX_VM1, FX_VM1);
	ASSERT_FFA_SUCCESS(&r);
	fx_fini(&fx);
}

/* Destroy drops the bitmap and every binding of the VM. */
TEST(bitmap_destroy_drops_bindings)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	OK(create(&fx, FX_VM1, FX_VM1, 2));
	OK(bind(&fx, FX_VM1, FX_SP1, 0, 1));
	OK(destroy(&fx, FX_VM1, FX_VM1));
	r = set(&fx, FX_SP1, FX_VM1, 0, 1);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	OK(create(&fx, FX_VM1, FX_VM1, 2));
	r = set(&fx, FX_SP1, FX_VM1, 0, 1);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	fx_fini(&fx);
}

/* ---------------------------------------------------------------------- */
/* BIND / UNBIND                                                           */

/* Hf: the caller must be the receiver named in w1[15:0]. */
TEST(bind_by_other_than_receiver_is_invalid)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	r = fx_call(&fx, FX_SP1, FFA_NOTIFICATION_BIND, IDS(FX_SP1, FX_SP2), 0,
		    1, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = set(&fx, FX_SP1, FX_SP2, 0, 1);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	fx_fini(&fx);
}

TEST(bind_sender_equal_to_receiver_is_invalid)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	r = bind(&fx, FX_SP1, FX_SP1, 0, 1);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	fx_fini(&fx);
}

TEST(bind_unknown_sender_is_invalid)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	r = bind(&fx, FX_SP1, 0x8077, 0, 1);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	fx_fini(&fx);
}

/* The SPMC handles notifications with an SP on at least one side. */
TEST(bind_vm_to_vm_is_invalid)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	OK(create(&fx, FX_VM1, FX_VM1, 2));
	r = bind(&fx, FX_VM1, FX_VM2, 0, 1);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	fx_fini(&fx);
}

TEST(bind_empty_bitmap_is_invalid)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	r = bind(&fx, FX_SP1, FX_SP2, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	fx_fini(&fx);
}

/* w2 bits other than bit0 (per-vCPU) MBZ. */
TEST(bind_reserved_flags_are_invalid)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	r = bind(&fx, FX_SP1, FX_SP2, 2, 1);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = set(&fx, FX_SP2, FX_SP1, 0, 1);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	fx_fini(&fx);
}

TEST(bind_to_vm_without_bitmap_is_denied)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	r = bind(&fx, FX_VM1, FX_SP1, 0, 1);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	fx_fini(&fx);
}

/* An SP that does not advertise "receives notifications" has none. */
TEST(bind_to_sp_without_notification_property_is_denied)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	add_plain_sp(&fx);
	r = bind(&fx, FX_SP3, FX_SP1, 0, 1);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	fx_fini(&fx);
}

/* Hf: a bit already bound, to any sender, cannot be bound again. */
TEST(bind_already_bound_bit_is_denied)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	OK(bind(&fx, FX_SP1, FX_SP2, 0, 0x3));
	r = bind(&fx, FX_SP1, FX_VM1, 0, 0x6);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	r = bind(&fx, FX_SP1, FX_SP2, 0, 0x1);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	/* Nothing changed: bit 2 is still free, bit 1 still SP2's. */
	r = set(&fx, FX_VM1, FX_SP1, 0, 0x4);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	OK(set(&fx, FX_SP2, FX_SP1, 0, 0x2));
	fx_fini(&fx);
}

/* Bits 32..63 travel in w4. */
TEST(bind_high_bits_use_w4)
{
	struct fx fx;

	fx_init(&fx, NULL);
	OK(bind(&fx, FX_SP1, FX_SP2, 0, 1ull << 63));
	OK(set(&fx, FX_SP2, FX_SP1, 0, 1ull << 63));
	ASSERT_EQ(take_pending(&fx, FX_SP1, 0), 1ull << 63);
	fx_fini(&fx);
}

TEST(unbind_bits_of_other_sender_is_denied)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	OK(bind(&fx, FX_SP1, FX_SP2, 0, 1));
	r = unbind(&fx, FX_SP1, FX_VM1, 1);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	/* Partly bound to the sender is not enough either. */
	r = unbind(&fx, FX_SP1, FX_SP2, 3);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	OK(set(&fx, FX_SP2, FX_SP1, 0, 1));
	fx_fini(&fx);
}

/* UNBIND w2 MBZ. */
TEST(unbind_with_flags_is_invalid)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	OK(bind(&fx, FX_SP1, FX_SP2, 0, 1));
	r = fx_call(&fx, FX_SP1, FFA_NOTIFICATION_UNBIND, IDS(FX_SP2, FX_SP1),
		    1, 1, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	OK(set(&fx, FX_SP2, FX_SP1, 0, 1));
	fx_fini(&fx);
}

/* Unbinding drops the bits' pending state, then SET is refused. */
TEST(unbind_clears_pending_and_revokes_set)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	OK(bind(&fx, FX_SP1, FX_SP2, 0, 3));
	OK(set(&fx, FX_SP2, FX_SP1, 0, 3));
	r = unbind(&fx, FX_SP1, FX_SP2, 1);
	ASSERT_FFA_SUCCESS(&r);
	r = set(&fx, FX_SP2, FX_SP1, 0, 1);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	ASSERT_EQ(take_pending(&fx, FX_SP1, 0), 2);
	/* The bit is free again for another sender. */
	OK(bind(&fx, FX_SP1, FX_VM1, 0, 1));
	fx_fini(&fx);
}

/* ---------------------------------------------------------------------- */
/* SET                                                                     */

/* SP -> SP: pending from SPs; the SRI goes to VMs with a bitmap. */
TEST(set_sp_to_sp_pends_and_raises_sri)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	OK(create(&fx, FX_VM1, FX_VM1, 2));
	OK(bind(&fx, FX_SP1, FX_SP2, 0, 0x10));
	r = set(&fx, FX_SP2, FX_SP1, 0, 0x10);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(fx.out.irq_count, 1);
	ASSERT_TRUE(fx_has_irq(&fx, FX_VM1, SPMC_IRQ_SRI));
	r = get(&fx, FX_SP1, 0, GET_ALL);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(sp_bits(&r), 0x10);
	ASSERT_EQ(vm_bits(&r), 0);
	fx_fini(&fx);
}

/* SP -> VM: SRI to the scheduler(s) plus "notification pending". */
TEST(set_sp_to_vm_raises_sri_and_notification_pending)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	OK(create(&fx, FX_VM1, FX_VM1, 2));
	OK(create(&fx, FX_VM2, FX_VM2, 1));
	OK(bind(&fx, FX_VM2, FX_SP1, 0, 1));
	r = set(&fx, FX_SP1, FX_VM2, 0, 1);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(fx.out.irq_count, 3);
	ASSERT_TRUE(fx_has_irq(&fx, FX_VM1, SPMC_IRQ_SRI));
	ASSERT_TRUE(fx_has_irq(&fx, FX_VM2, SPMC_IRQ_SRI));
	ASSERT_TRUE(fx_has_irq(&fx, FX_VM2, SPMC_IRQ_NOTIF_PENDING));
	ASSERT_EQ(take_pending(&fx, FX_VM2, 0), 1);
	fx_fini(&fx);
}

/* With a hypervisor the SRI goes to it only. */
TEST(set_with_hypervisor_raises_sri_at_hypervisor)
{
	struct fx fx;
	struct ffa_regs r;

	init_hyp(&fx);
	OK(bind(&fx, FX_SP1, FX_SP2, 0, 1));
	r = set(&fx, FX_SP2, FX_SP1, 0, 1);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(fx.out.irq_count, 1);
	ASSERT_TRUE(fx_has_irq(&fx, 0, SPMC_IRQ_SRI));
	fx_fini(&fx);
}

/* Nobody created a bitmap: nobody runs the scheduler, no SRI. */
TEST(set_without_scheduler_raises_no_sri)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	OK(bind(&fx, FX_SP1, FX_VM1, 0, 1));
	r = set(&fx, FX_VM1, FX_SP1, 0, 1);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(fx.out.irq_count, 0);
	ASSERT_EQ(take_pending(&fx, FX_SP1, 0), 1);
	fx_fini(&fx);
}

/* Hf: the caller must be the sender named in w1[31:16]. */
TEST(set_by_other_than_sender_is_invalid)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	OK(bind(&fx, FX_SP1, FX_SP2, 0, 1));
	r = fx_call(&fx, FX_VM1, FFA_NOTIFICATION_SET, IDS(FX_SP2, FX_SP1), 0,
		    1, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	ASSERT_EQ(take_pending(&fx, FX_SP1, 0), 0);
	fx_fini(&fx);
}

TEST(set_to_self_is_invalid)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	r = set(&fx, FX_SP1, FX_SP1, 0, 1);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	fx_fini(&fx);
}

TEST(set_to_unknown_receiver_is_invalid)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	r = set(&fx, FX_SP1, 0x8055, 0, 1);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	fx_fini(&fx);
}

TEST(set_vm_to_vm_is_invalid)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	OK(create(&fx, FX_VM2, FX_VM2, 1));
	r = set(&fx, FX_VM1, FX_VM2, 0, 1);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	fx_fini(&fx);
}

TEST(set_empty_bitmap_is_invalid)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	OK(bind(&fx, FX_SP1, FX_SP2, 0, 1));
	r = set(&fx, FX_SP2, FX_SP1, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	fx_fini(&fx);
}

/* w2[15:2] MBZ. */
TEST(set_reserved_flags_are_invalid)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	OK(bind(&fx, FX_SP1, FX_SP2, 0, 1));
	r = set(&fx, FX_SP2, FX_SP1, 1u << 4, 1);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	ASSERT_EQ(take_pending(&fx, FX_SP1, 0), 0);
	fx_fini(&fx);
}

/* Each bit must be bound to this sender; nothing is pended otherwise. */
TEST(set_unbound_bit_is_denied)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	OK(create(&fx, FX_VM1, FX_VM1, 2));
	OK(bind(&fx, FX_SP1, FX_SP2, 0, 1));
	r = set(&fx, FX_SP2, FX_SP1, 0, 3);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	ASSERT_EQ(fx.out.irq_count, 0);
	ASSERT_EQ(take_pending(&fx, FX_SP1, 0), 0);
	fx_fini(&fx);
}

/* A bit bound to another sender is DENIED to this one. */
TEST(set_bit_bound_to_other_sender_is_denied)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	OK(bind(&fx, FX_SP1, FX_SP2, 0, 1));
	r = set(&fx, FX_VM1, FX_SP1, 0, 1);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	ASSERT_EQ(take_pending(&fx, FX_SP1, 0), 0);
	fx_fini(&fx);
}

/* Hf: the per-vCPU flag of SET must match the binding. */
TEST(set_per_vcpu_flag_differing_from_binding_is_denied)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	OK(bind(&fx, FX_SP1, FX_SP2, 0, 1));
	OK(bind(&fx, FX_SP1, FX_VM1, PER_VCPU, 2));
	r = set(&fx, FX_SP2, FX_SP1, PER_VCPU, 1);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	r = set(&fx, FX_VM1, FX_SP1, 0, 2);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	ASSERT_EQ(take_pending(&fx, FX_SP1, 0), 0);
	ASSERT_EQ(take_pending(&fx, FX_SP1, 1), 0);
	fx_fini(&fx);
}

/* The vCPU ID of a per-vCPU SET must be one of the receiver's. */
TEST(set_per_vcpu_beyond_receiver_vcpus_is_invalid)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	OK(bind(&fx, FX_SP1, FX_SP2, PER_VCPU, 1));
	r = set(&fx, FX_SP2, FX_SP1, PER_VCPU | SET_VCPU(2), 1);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = set(&fx, FX_SP2, FX_SP1, PER_VCPU | SET_VCPU(1), 1);
	ASSERT_FFA_SUCCESS(&r);
	fx_fini(&fx);
}

/* Hf: a global SET must not name a vCPU. */
TEST(set_global_with_vcpu_id_is_invalid)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	OK(bind(&fx, FX_SP1, FX_SP2, 0, 1));
	r = set(&fx, FX_SP2, FX_SP1, SET_VCPU(1), 1);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	ASSERT_EQ(take_pending(&fx, FX_SP1, 0), 0);
	fx_fini(&fx);
}

/* Hf: delay SRI applies only at the secure virtual instance. */
TEST(set_delay_sri_from_vm_is_invalid)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	OK(bind(&fx, FX_SP1, FX_VM1, 0, 1));
	r = set(&fx, FX_VM1, FX_SP1, DELAY_SRI, 1);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	ASSERT_EQ(take_pending(&fx, FX_SP1, 0), 0);
	fx_fini(&fx);
}

/* Delay SRI: pended now, SRI raised once when the SP flushes it. */
TEST(set_delay_sri_from_sp_defers_sri_until_flush)
{
	struct fx fx;
	struct spmc_partition *sp2 = NULL;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	OK(create(&fx, FX_VM1, FX_VM1, 2));
	OK(bind(&fx, FX_SP1, FX_SP2, 0, 1));
	r = set(&fx, FX_SP2, FX_SP1, DELAY_SRI, 1);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(fx.out.irq_count, 0);
	sp2 = spmc_partition_find(fx.spmc, FX_SP2);
	ASSERT_TRUE(sp2 != NULL);
	memset(&fx.out, 0, sizeof(fx.out));
	spmc_notif_sri_flush(fx.spmc, sp2, &fx.out);
	ASSERT_EQ(fx.out.irq_count, 1);
	ASSERT_TRUE(fx_has_irq(&fx, FX_VM1, SPMC_IRQ_SRI));
	memset(&fx.out, 0, sizeof(fx.out));
	spmc_notif_sri_flush(fx.spmc, sp2, &fx.out);
	ASSERT_EQ(fx.out.irq_count, 0);
	ASSERT_EQ(take_pending(&fx, FX_SP1, 0), 1);
	fx_fini(&fx);
}

/* Delay SRI to a VM receiver: its own "pending" interrupt is not delayed. */
TEST(set_delay_sri_to_vm_still_signals_receiver)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	OK(create(&fx, FX_VM1, FX_VM1, 2));
	OK(bind(&fx, FX_VM1, FX_SP1, 0, 1));
	r = set(&fx, FX_SP1, FX_VM1, DELAY_SRI, 1);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(fx.out.irq_count, 1);
	ASSERT_TRUE(fx_has_irq(&fx, FX_VM1, SPMC_IRQ_NOTIF_PENDING));
	fx_fini(&fx);
}

TEST(set_to_vm_without_bitmap_is_denied)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	r = set(&fx, FX_SP1, FX_VM2, 0, 1);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	ASSERT_EQ(fx.out.irq_count, 0);
	fx_fini(&fx);
}

/* Pending bits accumulate, split by sender world (GET w2/w3 vs w4/w5). */
TEST(set_accumulates_by_sender_world)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	OK(bind(&fx, FX_SP1, FX_SP2, 0, 0x0000000100000001ull));
	OK(bind(&fx, FX_SP1, FX_VM1, 0, 0x0000010000000100ull));
	OK(set(&fx, FX_SP2, FX_SP1, 0, 1));
	OK(set(&fx, FX_SP2, FX_SP1, 0, 0x0000000100000000ull));
	OK(set(&fx, FX_VM1, FX_SP1, 0, 0x0000010000000100ull));
	r = get(&fx, FX_SP1, 0, GET_SP | GET_VM);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(r.x[0], FFA_SUCCESS_32);
	ASSERT_EQ(r.x[2], 0x00000001);
	ASSERT_EQ(r.x[3], 0x00000001);
	ASSERT_EQ(r.x[4], 0x00000100);
	ASSERT_EQ(r.x[5], 0x00000100);
	ASSERT_EQ(r.x[6], 0);
	ASSERT_EQ(r.x[7], 0);
	fx_fini(&fx);
}

/* ---------------------------------------------------------------------- */
/* GET                                                                     */

/* Only the selected bitmaps are returned, and only they are cleared. */
TEST(get_returns_and_clears_selected_bitmaps_only)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	OK(bind(&fx, FX_SP1, FX_SP2, 0, 1));
	OK(bind(&fx, FX_SP1, FX_VM1, 0, 2));
	OK(set(&fx, FX_SP2, FX_SP1, 0, 1));
	OK(set(&fx, FX_VM1, FX_SP1, 0, 2));
	r = get(&fx, FX_SP1, 0, GET_SP);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(sp_bits(&r), 1);
	ASSERT_EQ(vm_bits(&r), 0);
	r = get(&fx, FX_SP1, 0, GET_SP | GET_VM);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(sp_bits(&r), 0);
	ASSERT_EQ(vm_bits(&r), 2);
	ASSERT_EQ(take_pending(&fx, FX_SP1, 0), 0);
	fx_fini(&fx);
}

/* GET returns global bits plus the per-vCPU bits of the named vCPU. */
TEST(get_returns_per_vcpu_bits_of_named_vcpu_only)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	OK(bind(&fx, FX_SP1, FX_SP2, PER_VCPU, 0x6));
	OK(bind(&fx, FX_SP1, FX_SP2, 0, 1));
	OK(set(&fx, FX_SP2, FX_SP1, PER_VCPU | SET_VCPU(1), 0x2));
	OK(set(&fx, FX_SP2, FX_SP1, PER_VCPU, 0x4));
	OK(set(&fx, FX_SP2, FX_SP1, 0, 1));
	r = get(&fx, FX_SP1, 1, GET_SP);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(sp_bits(&r), 0x3);
	r = get(&fx, FX_SP1, 0, GET_SP);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(sp_bits(&r), 0x4);
	fx_fini(&fx);
}

/* Hf: the caller must be the receiver named in w1[15:0]. */
TEST(get_by_other_than_receiver_is_invalid)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	OK(bind(&fx, FX_SP1, FX_SP2, 0, 1));
	OK(set(&fx, FX_SP2, FX_SP1, 0, 1));
	r = fx_call(&fx, FX_SP2, FFA_NOTIFICATION_GET, IDS(0, FX_SP1), GET_SP,
		    0, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	ASSERT_EQ(take_pending(&fx, FX_SP1, 0), 1);
	fx_fini(&fx);
}

/* Hf: a vCPU ID beyond the receiver's vCPUs is INVALID_PARAMETERS. */
TEST(get_vcpu_beyond_receiver_vcpus_is_invalid)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	r = get(&fx, FX_SP2, 1, GET_SP);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	OK(create(&fx, FX_VM1, FX_VM1, 3));
	r = get(&fx, FX_VM1, 3, GET_SP);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = get(&fx, FX_VM1, 2, GET_SP);
	ASSERT_FFA_SUCCESS(&r);
	fx_fini(&fx);
}

/* Hf: GET w2[31:4] MBZ. */
TEST(get_reserved_flags_are_invalid)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	r = get(&fx, FX_SP1, 0, 0x10 | GET_SP);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	fx_fini(&fx);
}

TEST(get_by_vm_without_bitmap_is_denied)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	r = get(&fx, FX_VM1, 0, GET_SP);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	fx_fini(&fx);
}

/* A VM's VM and hypervisor-framework bitmaps are empty at the SPMC but
 * asking for them is answered (Linux guests always ask). */
TEST(get_vm_bitmaps_of_vm_receiver_are_zero)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	OK(create(&fx, FX_VM1, FX_VM1, 2));
	OK(bind(&fx, FX_VM1, FX_SP1, 0, 8));
	OK(set(&fx, FX_SP1, FX_VM1, 0, 8));
	r = get(&fx, FX_VM1, 1, GET_ALL);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(sp_bits(&r), 8);
	ASSERT_EQ(vm_bits(&r), 0);
	ASSERT_EQ(r.x[6], 0);
	ASSERT_EQ(r.x[7], 0);
	fx_fini(&fx);
}

TEST(get_from_v1_0_caller_is_not_supported)
{
	struct fx fx;
	struct fx_opts o;
	struct ffa_regs r;

	memset(&o, 0, sizeof(o));
	o.version = FFA_VERSION_1_0;
	fx_init(&fx, &o);
	r = get(&fx, FX_SP1, 0, GET_SP);
	ASSERT_FFA_ERROR(&r, FFA_NOT_SUPPORTED);
	r = bind(&fx, FX_SP1, FX_SP2, 0, 1);
	ASSERT_FFA_ERROR(&r, FFA_NOT_SUPPORTED);
	r = set(&fx, FX_SP2, FX_SP1, 0, 1);
	ASSERT_FFA_ERROR(&r, FFA_NOT_SUPPORTED);
	r = info_get(&fx, FX_VM1, false);
	ASSERT_FFA_ERROR(&r, FFA_NOT_SUPPORTED);
	fx_fini(&fx);
}

/* ---------------------------------------------------------------------- */
/* INFO_GET                                                                */

TEST(info_get_with_nothing_pending_is_no_data)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	r = info_get(&fx, FX_VM1, false);
	ASSERT_FFA_ERROR(&r, FFA_NO_DATA);
	r = info_get(&fx, FX_VM1, true);
	ASSERT_FFA_ERROR(&r, FFA_NO_DATA);
	fx_fini(&fx);
}

/* INFO_GET serves the normal-world scheduler only. */
TEST(info_get_from_sp_is_not_supported)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	r = info_get(&fx, FX_SP1, false);
	ASSERT_FFA_ERROR(&r, FFA_NOT_SUPPORTED);
	fx_fini(&fx);
}

/* Hf: with a hypervisor only it (the primary scheduler) may ask. */
TEST(info_get_from_guest_with_hypervisor_is_not_supported)
{
	struct fx fx;
	struct ffa_regs r;

	init_hyp(&fx);
	OK(bind(&fx, FX_SP1, FX_SP2, 0, 1));
	OK(set(&fx, FX_SP2, FX_SP1, 0, 1));
	r = info_get(&fx, FX_VM2, false);
	ASSERT_FFA_ERROR(&r, FFA_NOT_SUPPORTED);
	r = info_get(&fx, 0, false);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(r.x[3], FX_SP1);
	fx_fini(&fx);
}

/* Global pending bits: one list holding the ID and no vCPU IDs. */
TEST(info_get_lists_global_receiver_without_vcpus)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	OK(bind(&fx, FX_SP2, FX_SP1, 0, 1));
	OK(set(&fx, FX_SP1, FX_SP2, 0, 1));
	r = info_get(&fx, FX_VM1, false);
	ASSERT_EQ(r.x[0], FFA_SUCCESS_32);
	ASSERT_EQ(r.x[2], 1u << 7);
	ASSERT_EQ(r.x[3], FX_SP2);
	ASSERT_EQ(r.x[4], 0);
	fx_fini(&fx);
}

/* Per-vCPU pending bits: the list carries the vCPU ID. */
TEST(info_get_lists_per_vcpu_receiver_with_vcpu_id)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	OK(bind(&fx, FX_SP1, FX_VM2, PER_VCPU, 1));
	OK(set(&fx, FX_VM2, FX_SP1, PER_VCPU | SET_VCPU(1), 1));
	r = info_get(&fx, FX_VM1, false);
	ASSERT_EQ(r.x[0], FFA_SUCCESS_32);
	ASSERT_EQ(r.x[2], (1u << 7) | (1u << 12));
	ASSERT_EQ(r.x[3], IDS(1, FX_SP1));
	fx_fini(&fx);
}

/* Global and per-vCPU bits of one receiver share its list. */
TEST(info_get_global_and_per_vcpu_share_one_list)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	OK(bind(&fx, FX_SP1, FX_SP2, 0, 1));
	OK(bind(&fx, FX_SP1, FX_SP2, PER_VCPU, 2));
	OK(set(&fx, FX_SP2, FX_SP1, 0, 1));
	OK(set(&fx, FX_SP2, FX_SP1, PER_VCPU | SET_VCPU(0), 2));
	OK(set(&fx, FX_SP2, FX_SP1, PER_VCPU | SET_VCPU(1), 2));
	r = info_get(&fx, FX_VM1, false);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(r.x[2], (1u << 7) | (2u << 12));
	ASSERT_EQ(r.x[3], IDS(0, FX_SP1));
	ASSERT_EQ(r.x[4], 1);
	fx_fini(&fx);
}

/* Each receiver is listed once per new pending bit (Hf
 * info_get_retrieved): a repeat SET of a listed bit is not news, a GET
 * followed by a SET is. */
TEST(info_get_lists_each_pending_bit_once)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	OK(bind(&fx, FX_SP1, FX_SP2, 0, 3));
	OK(set(&fx, FX_SP2, FX_SP1, 0, 1));
	OK(info_get(&fx, FX_VM1, false));
	r = info_get(&fx, FX_VM1, false);
	ASSERT_FFA_ERROR(&r, FFA_NO_DATA);
	OK(set(&fx, FX_SP2, FX_SP1, 0, 1));
	r = info_get(&fx, FX_VM1, false);
	ASSERT_FFA_ERROR(&r, FFA_NO_DATA);
	OK(set(&fx, FX_SP2, FX_SP1, 0, 2));
	r = info_get(&fx, FX_VM1, false);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(r.x[3], FX_SP1);
	ASSERT_EQ(take_pending(&fx, FX_SP1, 0), 3);
	OK(set(&fx, FX_SP2, FX_SP1, 0, 1));
	r = info_get(&fx, FX_VM1, false);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(r.x[3], FX_SP1);
	fx_fini(&fx);
}

/* Make VM @vm (bitmap of @n vCPUs) have per-vCPU bits on every vCPU. */
static void pend_all_vcpus(struct fx *fx, uint16_t vm, unsigned int n)
{
	unsigned int v = 0;

	OK(create(fx, vm, vm, n));
	OK(bind(fx, vm, FX_SP1, PER_VCPU, 1));
	for (v = 0; v < n; v++) {
		OK(set(fx, FX_SP1, vm, PER_VCPU | SET_VCPU(v), 1));
	}
}

/* At most three vCPU IDs per list; a fourth starts a new list. */
TEST(info_get_splits_more_than_three_vcpus)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	pend_all_vcpus(&fx, FX_VM1, 5);
	r = info_get(&fx, FX_VM1, false);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(r.x[2], (2u << 7) | (3u << 12) | (2u << 14));
	ASSERT_EQ(r.x[3], IDS(0, FX_VM1));
	ASSERT_EQ(r.x[4], IDS(2, 1));
	ASSERT_EQ(r.x[5], IDS(3, FX_VM1));
	ASSERT_EQ(r.x[6], 4);
	ASSERT_EQ(r.x[7], 0);
	fx_fini(&fx);
}

/* 11 IDs needed, 10 fit at SMC32: "more pending" set, the rest follows
 * in the next call. */
TEST(info_get_32_sets_more_pending_beyond_ten_ids)
{
	static const uint16_t first[10] = { FX_VM1, 0, 1, 2,	  FX_VM1,
					    3,	    4, 5, FX_VM1, 6 };
	struct fx fx;
	struct ffa_regs r;
	unsigned int i = 0;

	fx_init(&fx, NULL);
	pend_all_vcpus(&fx, FX_VM1, 8);
	r = info_get(&fx, FX_VM1, false);
	ASSERT_EQ(r.x[0], FFA_SUCCESS_32);
	ASSERT_EQ(r.x[2],
		  1u | (3u << 7) | (3u << 12) | (3u << 14) | (1u << 16));
	for (i = 0; i < 10; i++) {
		ASSERT_EQ(info_id(&r, i, 2), first[i]);
	}
	ASSERT_EQ(r.x[7] >> 32, 0);
	r = info_get(&fx, FX_VM1, false);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(r.x[2], (1u << 7) | (1u << 12));
	ASSERT_EQ(r.x[3], IDS(7, FX_VM1));
	r = info_get(&fx, FX_VM1, false);
	ASSERT_FFA_ERROR(&r, FFA_NO_DATA);
	fx_fini(&fx);
}

/* The SMC64 variant packs four IDs per register, 20 in all. */
TEST(info_get_64_holds_twenty_ids)
{
	struct fx fx;
	struct ffa_regs r;
	unsigned int i = 0;

	fx_init(&fx, NULL);
	pend_all_vcpus(&fx, FX_VM1, 8);
	r = info_get(&fx, FX_VM1, true);
	ASSERT_EQ(r.x[0], FFA_SUCCESS_64);
	ASSERT_EQ(r.x[2], (3u << 7) | (3u << 12) | (3u << 14) | (2u << 16));
	ASSERT_EQ(r.x[3], 0x0002000100000001ull);
	ASSERT_EQ(info_id(&r, 10, 4), 7);
	ASSERT_EQ(r.x[5] >> 48, 0);

	/* Two such VMs need 22 IDs: 19 fit (a new list needs two slots). */
	fx_fini(&fx);
	fx_init(&fx, NULL);
	pend_all_vcpus(&fx, FX_VM1, 8);
	pend_all_vcpus(&fx, FX_VM2, 8);
	r = info_get(&fx, FX_VM1, true);
	ASSERT_EQ(r.x[0], FFA_SUCCESS_64);
	ASSERT_EQ(r.x[2] & 1, 1);
	ASSERT_EQ((r.x[2] >> 7) & 0x1F, 5);
	for (i = 0; i < 5; i++) {
		ASSERT_EQ((r.x[2] >> (12 + 2 * i)) & 3, i == 2 ? 2 : 3);
	}
	ASSERT_EQ(info_id(&r, 11, 4), FX_VM2);
	ASSERT_EQ(info_id(&r, 18, 4), 5);
	ASSERT_EQ(info_id(&r, 19, 4), 0);
	r = info_get(&fx, FX_VM1, true);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(r.x[2], (1u << 7) | (2u << 12));
	ASSERT_EQ(r.x[3], ((uint64_t)7 << 32) | IDS(6, FX_VM2));
	fx_fini(&fx);
}

/* Several receivers, in partition order. */
TEST(info_get_lists_every_receiver)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	OK(create(&fx, FX_VM1, FX_VM1, 1));
	OK(bind(&fx, FX_VM1, FX_SP1, 0, 1));
	OK(bind(&fx, FX_SP2, FX_SP1, 0, 1));
	OK(set(&fx, FX_SP1, FX_SP2, 0, 1));
	OK(set(&fx, FX_SP1, FX_VM1, 0, 1));
	r = info_get(&fx, FX_VM1, false);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(r.x[2], 2u << 7);
	ASSERT_EQ(r.x[3], IDS(FX_SP2, FX_VM1));
	fx_fini(&fx);
}

/* A pending framework bit (RX full) lists its receiver too. */
TEST(info_get_lists_framework_notification)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	pend_rx_full(&fx, FX_SP1, false);
	r = info_get(&fx, FX_VM1, false);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(r.x[2], 1u << 7);
	ASSERT_EQ(r.x[3], FX_SP1);
	r = get(&fx, FX_SP1, 0, GET_SPM);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(r.x[6], SPMC_FW_NOTIF_RX_FULL);
	r = get(&fx, FX_SP1, 0, GET_SPM);
	ASSERT_EQ(r.x[6], 0);
	fx_fini(&fx);
}

/* ---------------------------------------------------------------------- */
/* Framework notifications                                                 */

/* RX full for a VM: SRI to the schedulers and "pending" to the VM. */
TEST(framework_pend_for_vm_raises_sri_and_notification_pending)
{
	struct fx fx;

	fx_init(&fx, NULL);
	OK(create(&fx, FX_VM1, FX_VM1, 1));
	OK(create(&fx, FX_VM2, FX_VM2, 1));
	pend_rx_full(&fx, FX_VM2, false);
	ASSERT_EQ(fx.out.irq_count, 3);
	ASSERT_TRUE(fx_has_irq(&fx, FX_VM2, SPMC_IRQ_NOTIF_PENDING));
	ASSERT_TRUE(fx_has_irq(&fx, FX_VM1, SPMC_IRQ_SRI));
	ASSERT_TRUE(fx_has_irq(&fx, FX_VM2, SPMC_IRQ_SRI));
	pend_rx_full(&fx, FX_VM2, true);
	ASSERT_EQ(fx.out.irq_count, 1);
	ASSERT_TRUE(fx_has_irq(&fx, FX_VM2, SPMC_IRQ_NOTIF_PENDING));
	fx_fini(&fx);
}

/* A VM without bitmap takes no notifications: nothing is pended. */
TEST(framework_pend_for_vm_without_bitmap_does_nothing)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	OK(create(&fx, FX_VM1, FX_VM1, 1));
	pend_rx_full(&fx, FX_VM2, false);
	ASSERT_EQ(fx.out.irq_count, 0);
	r = info_get(&fx, FX_VM1, false);
	ASSERT_FFA_ERROR(&r, FFA_NO_DATA);
	fx_fini(&fx);
}

/* A re-attached VM starts with fresh notification state. */
TEST(reattached_vm_creates_its_bitmap_again_without_old_bindings)
{
	static struct fx fx;
	struct spmc_output out;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	r = fx_call(&fx, FX_VM2, FFA_NOTIFICATION_BITMAP_CREATE, FX_VM2, 1, 0,
		    0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	r = fx_call(&fx, FX_VM2, FFA_NOTIFICATION_BIND,
		    (uint32_t)FX_SP1 << 16 | FX_VM2, 0, 1, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	spmc_partition_abort(fx.spmc, FX_VM2, &out);
	r = fx_call(&fx, FX_VM2, FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0,
		    0);
	/* No bitmap yet: SP 1 cannot notify the new VM 2. */
	r = fx_call(&fx, FX_SP1, FFA_NOTIFICATION_SET,
		    (uint32_t)FX_SP1 << 16 | FX_VM2, 0, 1, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	r = fx_call(&fx, FX_VM2, FFA_NOTIFICATION_BITMAP_CREATE, FX_VM2, 1, 0,
		    0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	/* The old binding is gone: bit 0 can be bound afresh. */
	r = fx_call(&fx, FX_VM2, FFA_NOTIFICATION_BIND,
		    (uint32_t)FX_SP1 << 16 | FX_VM2, 0, 1, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	fx_fini(&fx);
}
