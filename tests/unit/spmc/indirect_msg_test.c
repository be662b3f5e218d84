// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests of core/spmc/indirect_msg.c: FFA_MSG_SEND2 (ffa.md §2.10,
 * §7 item 7). Each case names the rule it checks and asserts the exact
 * error code, the receiver's RX contents and ownership, and the
 * notifications and interrupts that follow.
 */
#include <string.h>

#include <tzshare/ffa.h>
#include <tzshare/spmc.h>

#include "../../../core/spmc/spmc_priv.h"
#include "spmc_fixture.h"
#include "test.h"

#define IDS(hi, lo) (((uint32_t)(hi) << 16) | (uint32_t)(lo))
#define DELAY_SRI 2u
#define GET_SPM 4u
#define FX_SP3 0x8003
#define HDR12 FFA_MSG_SEND2_HDR_V1_2_SIZE
#define HDR11 FFA_MSG_SEND2_HDR_V1_1_SIZE

#define OK(call)                              \
	do {                                  \
		struct ffa_regs ok_ = (call); \
		ASSERT_FFA_SUCCESS(&ok_);     \
	} while (0)

static uint8_t pattern(uint32_t i)
{
	return (uint8_t)(i * 7 + 3);
}

/*
 * Write a message into @from's TX: a @hdr_size header naming @from ->
 * @to, payload at @offset of @size pattern bytes (as far as TX holds).
 */
static void put_msg(struct fx *fx, uint16_t from, uint16_t to, size_t hdr_size,
		    uint32_t offset, uint32_t size)
{
	uint8_t *tx = fx_tx(fx, from);
	struct ffa_msg_send2_hdr h;
	uint32_t i = 0;

	memset(&h, 0, sizeof(h));
	h.payload_offset = offset;
	h.receiver = to;
	h.sender = from;
	h.payload_size = size;
	memcpy(h.uuid, FX_UUID_SHARED, 16);
	memset(tx, 0xEE, 4096);
	ASSERT_EQ(ffa_msg_send2_hdr_encode(tx, 4096, hdr_size, &h), hdr_size);
	for (i = 0; i < size && (uint64_t)offset + i < 4096; i++) {
		tx[offset + i] = pattern(i);
	}
}

static struct ffa_regs send2(struct fx *fx, uint16_t caller, uint32_t w1,
			     uint32_t flags)
{
	return fx_call(fx, caller, FFA_MSG_SEND2, w1, flags, 0, 0, 0, 0, 0);
}

static struct ffa_regs rx_release(struct fx *fx, uint16_t ep)
{
	return fx_call(fx, ep, FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0);
}

static struct spmc_partition *part(struct fx *fx, uint16_t id)
{
	struct spmc_partition *p = spmc_partition_find(fx->spmc, id);

	ASSERT_TRUE(p != NULL);
	return p;
}

/* RX of @ep holds exactly the message in @from's TX of @total bytes. */
static void assert_rx_holds(struct fx *fx, uint16_t ep, uint16_t from,
			    uint32_t total)
{
	uint8_t *rx = fx_rx(fx, ep);

	ASSERT_MEM_EQ(rx, fx_tx(fx, from), total);
	ASSERT_TRUE(tzs_is_zero(rx + total, 4096 - total));
	ASSERT_EQ(part(fx, ep)->mb.rx_state, SPMC_RX_FULL);
	ASSERT_EQ(part(fx, ep)->mb.rx_writer, from);
}

static uint32_t spm_bits(struct fx *fx, uint16_t ep)
{
	struct ffa_regs r = fx_call(fx, ep, FFA_NOTIFICATION_GET, IDS(0, ep),
				    GET_SPM, 0, 0, 0, 0, 0);

	ASSERT_FFA_SUCCESS(&r);
	return (uint32_t)r.x[6];
}

static void init_version(struct fx *fx, uint32_t version)
{
	struct fx_opts o;

	memset(&o, 0, sizeof(o));
	o.version = version;
	fx_init(fx, &o);
}

/* ---------------------------------------------------------------------- */
/* Delivery                                                                */

/* SP -> SP: message copied verbatim, the rest of RX zeroed, RX full
 * owned by the receiver, "RX buffer full" pended for it. */
TEST(send2_sp_to_sp_delivers_into_receiver_rx)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	memset(fx_rx(&fx, FX_SP2), 0xAA, 4096);
	put_msg(&fx, FX_SP1, FX_SP2, HDR12, HDR12, 100);
	r = send2(&fx, FX_SP1, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(r.x[0], FFA_SUCCESS_32);
	ASSERT_EQ(r.x[2], 0);
	assert_rx_holds(&fx, FX_SP2, FX_SP1, HDR12 + 100);
	ASSERT_EQ(fx_rx(&fx, FX_SP2)[HDR12 + 99], pattern(99));
	ASSERT_EQ(spm_bits(&fx, FX_SP2), SPMC_FW_NOTIF_RX_FULL);
	fx_fini(&fx);
}

/* VM -> SP, and the SRI goes to the VMs running a scheduler. */
TEST(send2_vm_to_sp_pends_rx_full_and_raises_sri)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	r = fx_call(&fx, FX_VM1, FFA_NOTIFICATION_BITMAP_CREATE, FX_VM1, 1, 0,
		    0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	put_msg(&fx, FX_VM1, FX_SP1, HDR12, 64, 16);
	r = send2(&fx, FX_VM1, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(fx.out.irq_count, 1);
	ASSERT_TRUE(fx_has_irq(&fx, FX_VM1, SPMC_IRQ_SRI));
	assert_rx_holds(&fx, FX_SP1, FX_VM1, 64 + 16);
	ASSERT_EQ(spm_bits(&fx, FX_SP1), SPMC_FW_NOTIF_RX_FULL);
	fx_fini(&fx);
}

/* SP -> VM with a bitmap: SRI plus "notification pending" to the VM. */
TEST(send2_sp_to_vm_signals_vm)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	r = fx_call(&fx, FX_VM2, FFA_NOTIFICATION_BITMAP_CREATE, FX_VM2, 1, 0,
		    0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	put_msg(&fx, FX_SP2, FX_VM2, HDR12, HDR12, 8);
	r = send2(&fx, FX_SP2, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(fx.out.irq_count, 2);
	ASSERT_TRUE(fx_has_irq(&fx, FX_VM2, SPMC_IRQ_SRI));
	ASSERT_TRUE(fx_has_irq(&fx, FX_VM2, SPMC_IRQ_NOTIF_PENDING));
	assert_rx_holds(&fx, FX_VM2, FX_SP2, HDR12 + 8);
	ASSERT_EQ(spm_bits(&fx, FX_VM2), SPMC_FW_NOTIF_RX_FULL);
	fx_fini(&fx);
}

/* A VM without bitmap still gets the message, but no notification. */
TEST(send2_to_vm_without_bitmap_delivers_without_notification)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	put_msg(&fx, FX_SP1, FX_VM2, HDR12, HDR12, 8);
	r = send2(&fx, FX_SP1, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(fx.out.irq_count, 0);
	assert_rx_holds(&fx, FX_VM2, FX_SP1, HDR12 + 8);
	fx_fini(&fx);
}

/* RX belongs to the receiver until RX_RELEASE: a second message is BUSY
 * and leaves the first intact; after the release it is delivered. */
TEST(send2_before_rx_release_is_busy)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	put_msg(&fx, FX_SP1, FX_SP2, HDR12, HDR12, 10);
	OK(send2(&fx, FX_SP1, 0, 0));
	put_msg(&fx, FX_VM1, FX_SP2, HDR12, HDR12, 20);
	r = send2(&fx, FX_VM1, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_BUSY);
	ASSERT_EQ(le16_get(fx_rx(&fx, FX_SP2) + 14), FX_SP1);
	ASSERT_EQ(part(&fx, FX_SP2)->mb.rx_writer, FX_SP1);
	OK(rx_release(&fx, FX_SP2));
	r = send2(&fx, FX_VM1, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	assert_rx_holds(&fx, FX_SP2, FX_VM1, HDR12 + 20);
	fx_fini(&fx);
}

/* The message may fill the receiver's RX exactly. */
TEST(send2_filling_rx_exactly_succeeds)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	put_msg(&fx, FX_SP1, FX_SP2, HDR12, HDR12, 4096 - HDR12);
	r = send2(&fx, FX_SP1, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	assert_rx_holds(&fx, FX_SP2, FX_SP1, 4096);
	fx_fini(&fx);
}

/* ffa.md §7 item 7: a v1.1 sender may write the 20-byte header (Hf)... */
TEST(send2_v1_1_sender_with_20_byte_header_succeeds)
{
	struct fx fx;
	struct ffa_regs r;

	init_version(&fx, FFA_VERSION_1_1);
	put_msg(&fx, FX_SP1, FX_SP2, HDR11, HDR11, 12);
	r = send2(&fx, FX_SP1, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	assert_rx_holds(&fx, FX_SP2, FX_SP1, HDR11 + 12);
	fx_fini(&fx);
}

/* ... or the 40-byte one (Linux); the payload offset tells. */
TEST(send2_v1_1_sender_with_40_byte_header_succeeds)
{
	struct fx fx;
	struct ffa_regs r;

	init_version(&fx, FFA_VERSION_1_1);
	put_msg(&fx, FX_VM1, FX_SP1, HDR12, HDR12, 12);
	r = send2(&fx, FX_VM1, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	assert_rx_holds(&fx, FX_SP1, FX_VM1, HDR12 + 12);
	ASSERT_MEM_EQ(fx_rx(&fx, FX_SP1) + 24, FX_UUID_SHARED, 16);
	fx_fini(&fx);
}

/* Delay SRI from an SP: no SRI now, raised once on flush. */
TEST(send2_delay_sri_from_sp_defers_sri)
{
	struct fx fx;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	OK(fx_call(&fx, FX_VM1, FFA_NOTIFICATION_BITMAP_CREATE, FX_VM1, 1, 0, 0,
		   0, 0, 0));
	put_msg(&fx, FX_SP1, FX_SP2, HDR12, HDR12, 4);
	r = send2(&fx, FX_SP1, 0, DELAY_SRI);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(fx.out.irq_count, 0);
	memset(&fx.out, 0, sizeof(fx.out));
	spmc_notif_sri_flush(fx.spmc, part(&fx, FX_SP1), &fx.out);
	ASSERT_EQ(fx.out.irq_count, 1);
	ASSERT_TRUE(fx_has_irq(&fx, FX_VM1, SPMC_IRQ_SRI));
	fx_fini(&fx);
}

/* With a hypervisor it may relay for a VM naming it in w1[31:16]; the
 * message comes from that VM's TX. */
TEST(send2_by_hypervisor_on_behalf_of_vm_succeeds)
{
	struct fx fx;
	struct fx_opts o;
	struct ffa_regs r;

	memset(&o, 0, sizeof(o));
	o.cfg.has_hypervisor = true;
	o.vm0_instead_of_vm1 = true;
	fx_init(&fx, &o);
	put_msg(&fx, FX_VM2, FX_SP1, HDR12, HDR12, 6);
	r = send2(&fx, 0, IDS(FX_VM2, 0), 0);
	ASSERT_FFA_SUCCESS(&r);
	assert_rx_holds(&fx, FX_SP1, FX_VM2, HDR12 + 6);
	fx_fini(&fx);
}

/* ---------------------------------------------------------------------- */
/* Rejections: each leaves the receiver's RX untouched and EMPTY.          */

static void assert_rx_untouched(struct fx *fx, uint16_t ep)
{
	uint8_t *rx = fx_rx(fx, ep);
	uint32_t i = 0;

	ASSERT_EQ(part(fx, ep)->mb.rx_state, SPMC_RX_EMPTY);
	for (i = 0; i < 4096; i++) {
		if (rx[i] != 0x5A) {
			test_fail(__FILE__, __LINE__, "RX byte %u changed", i);
		}
	}
	ASSERT_EQ(fx->out.irq_count, 0);
}

/* Fixture with every RX filled with 0x5A and VM1's bitmap created (so
 * a wrongly raised SRI would show). */
static void init_rejecting(struct fx *fx, const struct fx_opts *o)
{
	fx_init(fx, o);
	OK(fx_call(fx, fx->vm1, FFA_NOTIFICATION_BITMAP_CREATE, fx->vm1, 1, 0,
		   0, 0, 0, 0));
	memset(fx_rx(fx, FX_SP1), 0x5A, 4096);
	memset(fx_rx(fx, FX_SP2), 0x5A, 4096);
	memset(fx_rx(fx, FX_VM2), 0x5A, 4096);
}

/* MSG_SEND2 from @caller fails with @err and @receiver's RX stays as it was. */
static void send2_rejected(struct fx *fx, uint16_t caller, uint32_t w1,
			   uint32_t flags, int err, uint16_t receiver)
{
	struct ffa_regs r = send2(fx, caller, w1, flags);

	ASSERT_FFA_ERROR(&r, err);
	assert_rx_untouched(fx, receiver);
}

/* Hf: no MSG_SEND2 at v1.0. */
TEST(send2_from_v1_0_caller_is_not_supported)
{
	struct fx fx;
	struct fx_opts o;

	memset(&o, 0, sizeof(o));
	o.version = FFA_VERSION_1_0;
	fx_init(&fx, &o);
	memset(fx_rx(&fx, FX_SP2), 0x5A, 4096);
	put_msg(&fx, FX_SP1, FX_SP2, HDR12, HDR12, 4);
	send2_rejected(&fx, FX_SP1, 0, 0, FFA_NOT_SUPPORTED, FX_SP2);
	fx_fini(&fx);
}

/* ffa.md §2.10: no TX buffer -> DENIED. */
TEST(send2_without_tx_buffer_is_denied)
{
	struct fx fx;

	init_rejecting(&fx, NULL);
	OK(fx_call(&fx, FX_SP1, FFA_RXTX_UNMAP, 0, 0, 0, 0, 0, 0, 0));
	put_msg(&fx, FX_SP1, FX_SP2, HDR12, HDR12, 4);
	send2_rejected(&fx, FX_SP1, 0, 0, FFA_DENIED, FX_SP2);
	fx_fini(&fx);
}

/* Hf: w1 (sender VM ID) is for the hypervisor only. */
TEST(send2_w1_without_hypervisor_is_invalid)
{
	struct fx fx;
	struct ffa_regs r;

	init_rejecting(&fx, NULL);
	put_msg(&fx, FX_VM2, FX_SP2, HDR12, HDR12, 4);
	r = send2(&fx, FX_VM1, IDS(FX_VM2, 0), 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	assert_rx_untouched(&fx, FX_SP2);
	fx_fini(&fx);
}

/* w2 bits other than bit1 (delay SRI) MBZ. */
TEST(send2_reserved_flags_are_invalid)
{
	struct fx fx;

	init_rejecting(&fx, NULL);
	put_msg(&fx, FX_SP1, FX_SP2, HDR12, HDR12, 4);
	send2_rejected(&fx, FX_SP1, 0, 1, FFA_INVALID_PARAMETERS, FX_SP2);
	fx_fini(&fx);
}

/* Hf: delay SRI only at the secure virtual instance. */
TEST(send2_delay_sri_from_vm_is_invalid)
{
	struct fx fx;

	init_rejecting(&fx, NULL);
	put_msg(&fx, FX_VM1, FX_SP2, HDR12, HDR12, 4);
	send2_rejected(&fx, FX_VM1, 0, DELAY_SRI, FFA_INVALID_PARAMETERS,
		       FX_SP2);
	fx_fini(&fx);
}

/* ffa.md §2.10: header sender != caller -> INVALID_PARAMETERS. */
TEST(send2_header_sender_not_caller_is_invalid)
{
	struct fx fx;

	init_rejecting(&fx, NULL);
	put_msg(&fx, FX_SP1, FX_SP2, HDR12, HDR12, 4);
	le16_put(fx_tx(&fx, FX_SP1) + 14, FX_VM1);
	send2_rejected(&fx, FX_SP1, 0, 0, FFA_INVALID_PARAMETERS, FX_SP2);
	fx_fini(&fx);
}

/* ffa.md §2.10: receiver == sender -> INVALID_PARAMETERS. */
TEST(send2_to_self_is_invalid)
{
	struct fx fx;

	init_rejecting(&fx, NULL);
	put_msg(&fx, FX_SP1, FX_SP1, HDR12, HDR12, 4);
	send2_rejected(&fx, FX_SP1, 0, 0, FFA_INVALID_PARAMETERS, FX_SP1);
	fx_fini(&fx);
}

TEST(send2_to_unknown_receiver_is_invalid)
{
	struct fx fx;
	struct ffa_regs r;

	init_rejecting(&fx, NULL);
	put_msg(&fx, FX_SP1, 0x8066, HDR12, HDR12, 4);
	r = send2(&fx, FX_SP1, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	ASSERT_EQ(fx.out.irq_count, 0);
	fx_fini(&fx);
}

/* VM -> VM is the hypervisor's job. */
TEST(send2_vm_to_vm_is_invalid)
{
	struct fx fx;

	init_rejecting(&fx, NULL);
	put_msg(&fx, FX_VM1, FX_VM2, HDR12, HDR12, 4);
	send2_rejected(&fx, FX_VM1, 0, 0, FFA_INVALID_PARAMETERS, FX_VM2);
	fx_fini(&fx);
}

/* Hf: an SP receiver must advertise indirect messaging -> else DENIED. */
TEST(send2_to_sp_without_indirect_messaging_is_denied)
{
	struct fx fx;
	struct spmc_partition_config pc;
	struct ffa_regs r;

	init_rejecting(&fx, NULL);
	memset(&pc, 0, sizeof(pc));
	pc.id = FX_SP3;
	pc.exec_count = 1;
	pc.props = FFA_PART_PROP_DIRECT_REQ_RECV | FFA_PART_PROP_NOTIF_RECV;
	ASSERT_EQ(spmc_partition_add(fx.spmc, &pc), FFA_OK);
	r = fx_call(&fx, FX_SP3, FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0,
		    0);
	put_msg(&fx, FX_SP1, FX_SP3, HDR12, HDR12, 4);
	r = send2(&fx, FX_SP1, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	ASSERT_EQ(fx.out.irq_count, 0);
	fx_fini(&fx);
}

/* A receiver without RX buffer cannot take messages: DENIED (Hf: BUSY). */
TEST(send2_to_receiver_without_rx_is_denied)
{
	struct fx fx;
	struct ffa_regs r;

	init_rejecting(&fx, NULL);
	OK(fx_call(&fx, FX_SP2, FFA_RXTX_UNMAP, 0, 0, 0, 0, 0, 0, 0));
	put_msg(&fx, FX_SP1, FX_SP2, HDR12, HDR12, 4);
	r = send2(&fx, FX_SP1, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	ASSERT_EQ(fx.out.irq_count, 0);
	fx_fini(&fx);
}

/* Hf: a v1.2 sender's payload must start after its 40-byte header. */
TEST(send2_payload_overlapping_header_is_invalid)
{
	struct fx fx;

	init_rejecting(&fx, NULL);
	put_msg(&fx, FX_SP1, FX_SP2, HDR11, HDR11, 4);
	send2_rejected(&fx, FX_SP1, 0, 0, FFA_INVALID_PARAMETERS, FX_SP2);
	fx_fini(&fx);
}

/* A v1.1 sender's payload must start after the 20-byte header. */
TEST(send2_v1_1_payload_inside_header_is_invalid)
{
	struct fx fx;

	init_version(&fx, FFA_VERSION_1_1);
	memset(fx_rx(&fx, FX_SP2), 0x5A, 4096);
	put_msg(&fx, FX_SP1, FX_SP2, HDR11, HDR11, 4);
	le32_put(fx_tx(&fx, FX_SP1) + 8, HDR11 - 1);
	send2_rejected(&fx, FX_SP1, 0, 0, FFA_INVALID_PARAMETERS, FX_SP2);
	fx_fini(&fx);
}

/* ffa.md §2.10: offset + size overflowing -> INVALID_PARAMETERS. */
TEST(send2_offset_plus_size_overflow_is_invalid)
{
	struct fx fx;

	init_rejecting(&fx, NULL);
	put_msg(&fx, FX_SP1, FX_SP2, HDR12, 0xFFFFFFF0u, 0x20);
	send2_rejected(&fx, FX_SP1, 0, 0, FFA_INVALID_PARAMETERS, FX_SP2);
	fx_fini(&fx);
}

/* One byte more than RX (and TX) holds -> INVALID_PARAMETERS. */
TEST(send2_larger_than_rx_is_invalid)
{
	struct fx fx;

	init_rejecting(&fx, NULL);
	put_msg(&fx, FX_SP1, FX_SP2, HDR12, HDR12, 4096 - HDR12 + 1);
	send2_rejected(&fx, FX_SP1, 0, 0, FFA_INVALID_PARAMETERS, FX_SP2);
	fx_fini(&fx);
}

/* The message must also fit the receiver's RX when the sender's TX is
 * bigger: SP1 remaps a 2-page mailbox, SP2 keeps one page. */
TEST(send2_fitting_tx_but_not_receiver_rx_is_invalid)
{
	struct fx fx;
	struct ffa_regs r;
	uint64_t tx = FX_SP1_BASE + 0x100000;

	init_rejecting(&fx, NULL);
	OK(fx_call(&fx, FX_SP1, FFA_RXTX_UNMAP, 0, 0, 0, 0, 0, 0, 0));
	OK(fx_call(&fx, FX_SP1, FFA_RXTX_MAP_64, tx, tx + 0x2000, 2, 0, 0, 0,
		   0));
	memset(fx_pa(&fx, tx), 0, 8192);
	put_msg(&fx, FX_SP1, FX_SP2, HDR12, HDR12, 8);
	memcpy(fx_pa(&fx, tx), fx_tx(&fx, FX_SP1), HDR12);
	le32_put(fx_pa(&fx, tx) + 16, 4096);
	send2_rejected(&fx, FX_SP1, 0, 0, FFA_INVALID_PARAMETERS, FX_SP2);
	/* The same message of 4096 - 40 bytes fits. */
	le32_put(fx_pa(&fx, tx) + 16, 4096 - HDR12);
	r = send2(&fx, FX_SP1, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	fx_fini(&fx);
}

/* A rejected message leaves RX free: the next valid one is delivered. */
TEST(send2_after_rejected_message_succeeds)
{
	struct fx fx;
	struct ffa_regs r;

	init_rejecting(&fx, NULL);
	put_msg(&fx, FX_SP1, FX_SP2, HDR12, HDR12, 4096);
	r = send2(&fx, FX_SP1, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	put_msg(&fx, FX_SP1, FX_SP2, HDR12, HDR12, 4);
	r = send2(&fx, FX_SP1, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	assert_rx_holds(&fx, FX_SP2, FX_SP1, HDR12 + 4);
	fx_fini(&fx);
}
