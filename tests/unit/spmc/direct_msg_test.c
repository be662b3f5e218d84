// SPDX-License-Identifier: BSD-2-Clause
/* Tests of core/spmc/direct_msg.c: direct messages and the run model. */
#include <tzshare/ffa.h>
#include <tzshare/spmc.h>

#include "spmc_fixture.h"
#include "test.h"

static struct fx fx;

static struct ffa_regs call_v(uint16_t ep, uint16_t vcpu, uint64_t x0,
			      uint64_t x1, uint64_t x2, uint64_t x3)
{
	struct ffa_regs in;

	memset(&in, 0, sizeof(in));
	in.x[0] = x0;
	in.x[1] = x1;
	in.x[2] = x2;
	in.x[3] = x3;
	in.x[4] = 0x1111;
	in.x[7] = 0x7777;
	return fx_call_regs(&fx, ep, vcpu, &in);
}

static uint64_t pair(uint16_t src, uint16_t dst)
{
	return (uint64_t)src << 16 | dst;
}

static void setup(void)
{
	fx_init(&fx, NULL);
	fx_boot_sps(&fx);
}

/* FF-A run model: REQ parks the VM, reaches the waiting SP, RESP returns. */
TEST(direct_req_reaches_waiting_sp_and_resp_completes_vm)
{
	const struct ffa_regs *f = NULL;
	struct ffa_regs r;

	setup();
	r = call_v(FX_VM1, 0, FFA_MSG_SEND_DIRECT_REQ_64, pair(FX_VM1, FX_SP1),
		   0, 0xABCD);
	ASSERT_EQ(r.x[0], 0); /* the VM stays blocked */
	f = fx_frame_for(&fx, FX_SP1, 0);
	ASSERT_TRUE(f != NULL);
	ASSERT_EQ(f->x[0], FFA_MSG_SEND_DIRECT_REQ_64);
	ASSERT_EQ(f->x[1], pair(FX_VM1, FX_SP1));
	ASSERT_EQ(f->x[3], 0xABCD);
	ASSERT_EQ(f->x[7], 0x7777);
	r = call_v(FX_SP1, 0, FFA_MSG_SEND_DIRECT_RESP_64, pair(FX_SP1, FX_VM1),
		   0, 0x4242);
	ASSERT_EQ(r.x[0], 0); /* the SP is parked again */
	f = fx_frame_for(&fx, FX_VM1, 0);
	ASSERT_TRUE(f != NULL);
	ASSERT_EQ(f->x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	ASSERT_EQ(f->x[3], 0x4242);
	fx_fini(&fx);
}

/* The VM's vCPU n is served by the SP's context n (MP SP). */
TEST(direct_req_uses_context_of_callers_vcpu)
{
	setup();
	call_v(FX_VM1, 1, FFA_MSG_SEND_DIRECT_REQ_32, pair(FX_VM1, FX_SP1), 0,
	       1);
	ASSERT_TRUE(fx_frame_for(&fx, FX_SP1, 1) != NULL);
	/* vCPU 0 still gets through on context 0. */
	call_v(FX_VM1, 0, FFA_MSG_SEND_DIRECT_REQ_32, pair(FX_VM1, FX_SP1), 0,
	       2);
	ASSERT_TRUE(fx_frame_for(&fx, FX_SP1, 0) != NULL);
	fx_fini(&fx);
}

/* Hafnium: the receiver's context is busy -> BUSY. */
TEST(direct_req_to_busy_context_is_busy)
{
	struct ffa_regs r;

	setup();
	call_v(FX_VM1, 0, FFA_MSG_SEND_DIRECT_REQ_32, pair(FX_VM1, FX_SP2), 0,
	       1);
	r = call_v(FX_VM2, 0, FFA_MSG_SEND_DIRECT_REQ_32, pair(FX_VM2, FX_SP2),
		   0, 1);
	ASSERT_FFA_ERROR(&r, FFA_BUSY);
	fx_fini(&fx);
}

/* An SP that has not reached FFA_MSG_WAIT yet cannot take requests. */
TEST(direct_req_before_sp_boot_is_busy)
{
	struct ffa_regs r;

	fx_init(&fx, NULL);
	r = call_v(FX_VM1, 0, FFA_MSG_SEND_DIRECT_REQ_32, pair(FX_VM1, FX_SP1),
		   0, 1);
	ASSERT_FFA_ERROR(&r, FFA_BUSY);
	fx_fini(&fx);
}

TEST(direct_req_with_spoofed_sender_is_invalid)
{
	struct ffa_regs r;

	setup();
	r = call_v(FX_VM1, 0, FFA_MSG_SEND_DIRECT_REQ_32, pair(FX_VM2, FX_SP1),
		   0, 1);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	ASSERT_TRUE(fx_frame_for(&fx, FX_SP1, 0) == NULL);
	fx_fini(&fx);
}

TEST(direct_req_to_self_is_invalid)
{
	struct ffa_regs r;

	setup();
	r = call_v(FX_SP1, 0, FFA_MSG_SEND_DIRECT_REQ_32, pair(FX_SP1, FX_SP1),
		   0, 1);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	fx_fini(&fx);
}

/* VM-to-VM is the hypervisor's business; SPs may not request VMs. */
TEST(direct_req_to_vm_or_unknown_is_invalid)
{
	struct ffa_regs r;

	setup();
	r = call_v(FX_VM1, 0, FFA_MSG_SEND_DIRECT_REQ_32, pair(FX_VM1, FX_VM2),
		   0, 1);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = call_v(FX_VM1, 0, FFA_MSG_SEND_DIRECT_REQ_32, pair(FX_VM1, 0x8077),
		   0, 1);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	fx_fini(&fx);
}

/* ffa.md §6: DIRECT_REQ w2 MBZ for partition messages. */
TEST(direct_req_with_nonzero_w2_is_invalid)
{
	struct ffa_regs r;

	setup();
	r = call_v(FX_VM1, 0, FFA_MSG_SEND_DIRECT_REQ_32, pair(FX_VM1, FX_SP1),
		   1u << 31 | 4, 1);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	fx_fini(&fx);
}

TEST(direct_req_to_sp_without_receive_property_is_denied)
{
	struct spmc_partition_config pc = { .id = 0x8003, .exec_count = 1 };
	struct ffa_regs r;

	fx_init(&fx, NULL);
	pc.props = FFA_PART_PROP_DIRECT_REQ_SEND;
	ASSERT_EQ(spmc_partition_add(fx.spmc, &pc), FFA_OK);
	call_v(0x8003, 0, FFA_MSG_WAIT, 0, 0, 0);
	r = call_v(FX_VM1, 0, FFA_MSG_SEND_DIRECT_REQ_32, pair(FX_VM1, 0x8003),
		   0, 1);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	r = call_v(FX_VM1, 0, FFA_MSG_SEND_DIRECT_REQ2, pair(FX_VM1, 0x8003), 0,
		   0);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	fx_fini(&fx);
}

/* Hafnium: an SP without the send property cannot send requests. */
TEST(direct_req_from_sp_without_send_property_is_denied)
{
	struct spmc_partition_config pc = { .id = 0x8003, .exec_count = 1 };
	struct ffa_regs r;

	setup();
	pc.props = FFA_PART_PROP_DIRECT_REQ_RECV;
	ASSERT_EQ(spmc_partition_add(fx.spmc, &pc), FFA_OK);
	r = call_v(0x8003, 0, FFA_MSG_SEND_DIRECT_REQ_32, pair(0x8003, FX_SP1),
		   0, 1);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	fx_fini(&fx);
}

TEST(direct_req2_routes_by_uuid)
{
	const struct ffa_regs *f = NULL;
	struct ffa_regs in;
	uint64_t ux[2];

	setup();
	ffa_uuid_to_x2(FX_UUID_B, ux);
	memset(&in, 0, sizeof(in));
	in.x[0] = FFA_MSG_SEND_DIRECT_REQ2;
	in.x[1] = pair(FX_VM1, FX_SP2);
	in.x[2] = ux[0];
	in.x[3] = ux[1];
	in.x[17] = 0x1717;
	fx_call_regs(&fx, FX_VM1, 0, &in);
	f = fx_frame_for(&fx, FX_SP2, 0);
	ASSERT_TRUE(f != NULL);
	ASSERT_EQ(f->x[17], 0x1717);
	ASSERT_EQ(f->x[2], ux[0]);
	fx_fini(&fx);
}

TEST(direct_req2_with_uuid_not_offered_is_invalid)
{
	struct ffa_regs r;
	uint64_t ux[2];

	setup();
	ffa_uuid_to_x2(FX_UUID_A, ux); /* SP1's, not SP2's */
	r = call_v(FX_VM1, 0, FFA_MSG_SEND_DIRECT_REQ2, pair(FX_VM1, FX_SP2),
		   ux[0], ux[1]);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	fx_fini(&fx);
}

TEST(direct_req2_from_v1_1_caller_is_not_supported)
{
	struct fx_opts o = { .version = FFA_VERSION_1_1 };
	struct ffa_regs r;

	fx_init(&fx, &o);
	fx_boot_sps(&fx);
	r = call_v(FX_VM1, 0, FFA_MSG_SEND_DIRECT_REQ2, pair(FX_VM1, FX_SP1), 0,
		   0);
	ASSERT_FFA_ERROR(&r, FFA_NOT_SUPPORTED);
	fx_fini(&fx);
}

/* ffa.md §6: RESP2 answers REQ2; the relayer forces x2/x3 to zero. */
TEST(direct_resp2_zeroes_uuid_registers)
{
	const struct ffa_regs *f = NULL;
	struct ffa_regs r;

	setup();
	call_v(FX_VM1, 0, FFA_MSG_SEND_DIRECT_REQ2, pair(FX_VM1, FX_SP1), 0, 0);
	r = call_v(FX_SP1, 0, FFA_MSG_SEND_DIRECT_RESP_64, pair(FX_SP1, FX_VM1),
		   0, 0);
	ASSERT_FFA_ERROR(&r, FFA_DENIED); /* RESP does not answer REQ2 */
	call_v(FX_SP1, 0, FFA_MSG_SEND_DIRECT_RESP2, pair(FX_SP1, FX_VM1),
	       0xAAAA, 0xBBBB);
	f = fx_frame_for(&fx, FX_VM1, 0);
	ASSERT_TRUE(f != NULL);
	ASSERT_EQ(f->x[0], FFA_MSG_SEND_DIRECT_RESP2);
	ASSERT_EQ(f->x[2], 0);
	ASSERT_EQ(f->x[3], 0);
	ASSERT_EQ(f->x[4], 0x1111);
	fx_fini(&fx);
}

TEST(direct_resp_without_request_is_denied)
{
	struct ffa_regs r;

	setup();
	r = call_v(FX_SP1, 0, FFA_MSG_SEND_DIRECT_RESP_32, pair(FX_SP1, FX_VM1),
		   0, 0);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	r = call_v(FX_VM1, 0, FFA_MSG_SEND_DIRECT_RESP_32, pair(FX_VM1, FX_SP1),
		   0, 0);
	ASSERT_FFA_ERROR(&r, FFA_NOT_SUPPORTED);
	fx_fini(&fx);
}

TEST(direct_resp_to_wrong_endpoint_is_invalid)
{
	struct ffa_regs r;

	setup();
	call_v(FX_VM1, 0, FFA_MSG_SEND_DIRECT_REQ_32, pair(FX_VM1, FX_SP1), 0,
	       1);
	r = call_v(FX_SP1, 0, FFA_MSG_SEND_DIRECT_RESP_32, pair(FX_SP1, FX_VM2),
		   0, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = call_v(FX_SP1, 0, FFA_MSG_SEND_DIRECT_RESP_32, pair(FX_SP1, FX_VM1),
		   5, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS); /* w2 MBZ */
	/* The right answer still goes through. */
	call_v(FX_SP1, 0, FFA_MSG_SEND_DIRECT_RESP_32, pair(FX_SP1, FX_VM1), 0,
	       9);
	ASSERT_EQ(fx_frame_for(&fx, FX_VM1, 0)->x[3], 9);
	fx_fini(&fx);
}

TEST(msg_wait_while_owing_response_is_denied)
{
	struct ffa_regs r;

	setup();
	call_v(FX_VM1, 0, FFA_MSG_SEND_DIRECT_REQ_32, pair(FX_VM1, FX_SP1), 0,
	       1);
	r = call_v(FX_SP1, 0, FFA_MSG_WAIT, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	fx_fini(&fx);
}

TEST(msg_wait_from_vm_is_not_supported)
{
	struct ffa_regs r;

	setup();
	r = call_v(FX_VM1, 0, FFA_MSG_WAIT, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_NOT_SUPPORTED);
	fx_fini(&fx);
}

TEST(msg_wait_with_reserved_flags_is_invalid)
{
	struct ffa_regs r;

	fx_init(&fx, NULL);
	r = call_v(FX_SP1, 0, FFA_MSG_WAIT, 0, 0x2, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	fx_fini(&fx);
}

/* v1.2: MSG_WAIT releases RX unless w2 bit0 asks to retain it. */
TEST(msg_wait_releases_rx_unless_retained)
{
	struct ffa_regs r;

	fx_init(&fx, NULL);
	r = fx_call(&fx, FX_SP1, FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	call_v(FX_SP1, 0, FFA_MSG_WAIT, 0, 1, 0); /* retain */
	r = fx_call_regs(&fx, FX_SP1, 1,
			 &(struct ffa_regs){ .x = { FFA_RX_RELEASE } });
	ASSERT_FFA_SUCCESS(&r);
	r = fx_call_regs(&fx, FX_SP1, 1,
			 &(struct ffa_regs){ .x = { FFA_PARTITION_INFO_GET } });
	ASSERT_FFA_SUCCESS(&r);
	call_v(FX_SP1, 1, FFA_MSG_WAIT, 0, 0, 0); /* releases */
	r = fx_call(&fx, FX_VM1, FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);
	/* RX is the SPMC's again: a release now is DENIED. */
	call_v(FX_VM1, 0, FFA_MSG_SEND_DIRECT_REQ_32, pair(FX_VM1, FX_SP1), 0,
	       1);
	r = call_v(FX_SP1, 0, FFA_RX_RELEASE, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	fx_fini(&fx);
}

/* SP-to-SP requests block the sender's context until the response. */
TEST(sp_to_sp_request_blocks_sender_until_response)
{
	const struct ffa_regs *f = NULL;
	struct ffa_regs r;

	setup();
	call_v(FX_VM1, 0, FFA_MSG_SEND_DIRECT_REQ_32, pair(FX_VM1, FX_SP1), 0,
	       1);
	r = call_v(FX_SP1, 0, FFA_MSG_SEND_DIRECT_REQ_32, pair(FX_SP1, FX_SP2),
		   0, 2);
	ASSERT_EQ(r.x[0], 0);
	ASSERT_TRUE(fx_frame_for(&fx, FX_SP2, 0) != NULL);
	/* SP2 asking SP1 back finds SP1's context blocked -> BUSY. */
	r = call_v(FX_SP2, 0, FFA_MSG_SEND_DIRECT_REQ_32, pair(FX_SP2, FX_SP1),
		   0, 3);
	ASSERT_FFA_ERROR(&r, FFA_BUSY);
	call_v(FX_SP2, 0, FFA_MSG_SEND_DIRECT_RESP_32, pair(FX_SP2, FX_SP1), 0,
	       4);
	f = fx_frame_for(&fx, FX_SP1, 0);
	ASSERT_TRUE(f != NULL);
	ASSERT_EQ(f->x[3], 4);
	/* SP1 still owes the VM its answer. */
	call_v(FX_SP1, 0, FFA_MSG_SEND_DIRECT_RESP_32, pair(FX_SP1, FX_VM1), 0,
	       5);
	ASSERT_EQ(fx_frame_for(&fx, FX_VM1, 0)->x[3], 5);
	fx_fini(&fx);
}

/* FFA_RUN of a waiting SP context: MSG_WAIT returns FFA_RUN to the SP,
 * and the SP's next MSG_WAIT completes the runner with FFA_MSG_WAIT. */
TEST(run_of_waiting_sp_returns_on_msg_wait)
{
	const struct ffa_regs *f = NULL;

	setup();
	call_v(FX_VM1, 0, FFA_RUN, pair(FX_SP1, 1), 0, 0);
	f = fx_frame_for(&fx, FX_SP1, 1);
	ASSERT_TRUE(f != NULL);
	ASSERT_EQ(f->x[0], FFA_RUN);
	call_v(FX_SP1, 1, FFA_MSG_WAIT, 0, 0, 0);
	f = fx_frame_for(&fx, FX_VM1, 0);
	ASSERT_TRUE(f != NULL);
	ASSERT_EQ(f->x[0], FFA_MSG_WAIT);
	ASSERT_EQ(f->x[1], pair(FX_SP1, 1));
	fx_fini(&fx);
}

TEST(run_rejects_bad_targets_and_callers)
{
	struct ffa_regs r;

	setup();
	r = call_v(FX_VM1, 0, FFA_RUN, pair(FX_SP2, 1), 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS); /* SP2 has 1 context */
	r = call_v(FX_VM1, 0, FFA_RUN, pair(FX_VM2, 0), 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = call_v(FX_SP1, 0, FFA_RUN, pair(FX_SP2, 0), 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_NOT_SUPPORTED);
	call_v(FX_VM1, 0, FFA_MSG_SEND_DIRECT_REQ_32, pair(FX_VM1, FX_SP2), 0,
	       1);
	r = call_v(FX_VM2, 0, FFA_RUN, pair(FX_SP2, 0), 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_BUSY);
	fx_fini(&fx);
}

/* Hafnium: a v1.2 FFA_RUN with non-zero x8..x17 is invalid. */
TEST(run_with_nonzero_extended_registers_is_invalid)
{
	struct ffa_regs in = { .x = { FFA_RUN, (uint64_t)FX_SP1 << 16 } };
	struct ffa_regs r;

	setup();
	in.x[9] = 1;
	r = fx_call_regs(&fx, FX_VM1, 0, &in);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	fx_fini(&fx);
}

/* YIELD during a direct request: the VM sees FFA_YIELD, resumes with
 * FFA_RUN, and the SP's response then completes the FFA_RUN. */
TEST(yield_during_request_is_resumed_by_run)
{
	const struct ffa_regs *f = NULL;
	struct ffa_regs r;

	setup();
	call_v(FX_VM1, 0, FFA_MSG_SEND_DIRECT_REQ_32, pair(FX_VM1, FX_SP2), 0,
	       1);
	r = call_v(FX_SP2, 0, FFA_YIELD, 0, 10, 0);
	ASSERT_EQ(r.x[0], 0);
	f = fx_frame_for(&fx, FX_VM1, 0);
	ASSERT_TRUE(f != NULL);
	ASSERT_EQ(f->x[0], FFA_YIELD);
	ASSERT_EQ(f->x[1], pair(FX_SP2, 0));
	ASSERT_EQ(f->x[2], 10);
	/* Another request meanwhile: the context is preempted -> BUSY. */
	r = call_v(FX_VM2, 0, FFA_MSG_SEND_DIRECT_REQ_32, pair(FX_VM2, FX_SP2),
		   0, 1);
	ASSERT_FFA_ERROR(&r, FFA_BUSY);
	call_v(FX_VM1, 0, FFA_RUN, pair(FX_SP2, 0), 0, 0);
	f = fx_frame_for(&fx, FX_SP2, 0);
	ASSERT_TRUE(f != NULL);
	ASSERT_EQ(f->x[0], FFA_SUCCESS_32);
	call_v(FX_SP2, 0, FFA_MSG_SEND_DIRECT_RESP_32, pair(FX_SP2, FX_VM1), 0,
	       77);
	f = fx_frame_for(&fx, FX_VM1, 0);
	ASSERT_TRUE(f != NULL);
	ASSERT_EQ(f->x[0], FFA_MSG_SEND_DIRECT_RESP_32);
	ASSERT_EQ(f->x[3], 77);
	fx_fini(&fx);
}

TEST(yield_without_client_is_denied)
{
	struct ffa_regs r;

	setup();
	r = call_v(FX_SP1, 0, FFA_YIELD, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	r = call_v(FX_VM1, 0, FFA_YIELD, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_NOT_SUPPORTED);
	fx_fini(&fx);
}

/* A dead SP never leaves its caller hanging: ABORTED, now and later. */
TEST(abort_of_sp_fails_blocked_caller_with_aborted)
{
	struct spmc_output out;
	struct ffa_regs r;

	setup();
	call_v(FX_VM1, 0, FFA_MSG_SEND_DIRECT_REQ_32, pair(FX_VM1, FX_SP2), 0,
	       1);
	spmc_partition_abort(fx.spmc, FX_SP2, &out);
	ASSERT_EQ(out.frame_count, 1);
	ASSERT_EQ(out.frames[0].ep, FX_VM1);
	ASSERT_FFA_ERROR(&out.frames[0].regs, FFA_ABORTED);
	r = call_v(FX_VM1, 0, FFA_MSG_SEND_DIRECT_REQ_32, pair(FX_VM1, FX_SP2),
		   0, 1);
	ASSERT_FFA_ERROR(&r, FFA_ABORTED);
	fx_fini(&fx);
}

/* A dead VM's pending answer is dropped; the SP serves others after. */
TEST(abort_of_client_drops_response_and_sp_keeps_serving)
{
	struct spmc_output out;
	struct ffa_regs r;

	setup();
	call_v(FX_VM2, 0, FFA_MSG_SEND_DIRECT_REQ_32, pair(FX_VM2, FX_SP2), 0,
	       1);
	spmc_partition_abort(fx.spmc, FX_VM2, &out);
	r = call_v(FX_SP2, 0, FFA_MSG_SEND_DIRECT_RESP_32, pair(FX_SP2, FX_VM2),
		   0, 1);
	ASSERT_EQ(fx.out.frame_count, 0);
	call_v(FX_VM1, 0, FFA_MSG_SEND_DIRECT_REQ_32, pair(FX_VM1, FX_SP2), 0,
	       2);
	ASSERT_TRUE(fx_frame_for(&fx, FX_SP2, 0) != NULL);
	(void)r;
	fx_fini(&fx);
}

/* Framework messages: VM created/destroyed reach SPs that asked. */
TEST(vm_lifecycle_framework_message_reaches_subscribed_sp)
{
	struct spmc_partition_config pc = { .id = 0x8003, .exec_count = 1 };
	struct spmc_output out;
	const struct ffa_regs *f = NULL;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	pc.props = FFA_PART_PROP_DIRECT_REQ_RECV | FFA_PART_PROP_VM_CREATED |
		   FFA_PART_PROP_VM_DESTROYED;
	ASSERT_EQ(spmc_partition_add(fx.spmc, &pc), FFA_OK);
	/* Queued while the SP boots; delivered when it first waits. */
	spmc_vm_lifecycle(fx.spmc, FX_VM2, true, &out);
	ASSERT_EQ(out.frame_count, 0);
	call_v(0x8003, 0, FFA_MSG_WAIT, 0, 0, 0);
	f = fx_frame_for(&fx, 0x8003, 0);
	ASSERT_TRUE(f != NULL);
	ASSERT_EQ(f->x[0], FFA_MSG_SEND_DIRECT_REQ_32);
	ASSERT_EQ(f->x[1], pair(FFA_SPMC_ID, 0x8003));
	ASSERT_EQ(f->x[2], (1u << 31) | 4);
	ASSERT_EQ(f->x[5], FX_VM2);
	/* A wrong framework response type is refused. */
	r = call_v(0x8003, 0, FFA_MSG_SEND_DIRECT_RESP_32,
		   pair(0x8003, FFA_SPMC_ID), (1u << 31) | 7, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = call_v(0x8003, 0, FFA_MSG_SEND_DIRECT_RESP_32,
		   pair(0x8003, FFA_SPMC_ID), (1u << 31) | 5, 0);
	ASSERT_EQ(fx.out.frame_count, 0); /* consumed by the SPMC */
	/* Destroy is delivered at once to the waiting context. */
	spmc_vm_lifecycle(fx.spmc, FX_VM2, false, &out);
	ASSERT_EQ(out.frame_count, 1);
	ASSERT_EQ(out.frames[0].regs.x[2], (1u << 31) | 6);
	/* SP1 did not ask for these messages. */
	spmc_vm_lifecycle(fx.spmc, FX_VM1, true, &out);
	ASSERT_EQ(out.frame_count, 0);
	(void)r;
	fx_fini(&fx);
}

/* An SRI the SP delayed while serving is raised when it responds. */
TEST(delayed_sri_is_raised_when_sp_responds)
{
	struct ffa_regs r;

	setup();
	r = fx_call(&fx, FX_VM1, FFA_NOTIFICATION_BITMAP_CREATE, FX_VM1, 2, 0,
		    0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	/* SP1 (receiver) binds bit 0 to sender SP2. */
	r = fx_call(&fx, FX_SP1, FFA_NOTIFICATION_BIND, pair(FX_SP2, FX_SP1), 0,
		    1, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	call_v(FX_VM1, 0, FFA_MSG_SEND_DIRECT_REQ_32, pair(FX_VM1, FX_SP2), 0,
	       1);
	r = fx_call(&fx, FX_SP2, FFA_NOTIFICATION_SET, pair(FX_SP2, FX_SP1),
		    0x2, 1, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(fx.out.irq_count, 0);
	call_v(FX_SP2, 0, FFA_MSG_SEND_DIRECT_RESP_32, pair(FX_SP2, FX_VM1), 0,
	       0);
	ASSERT_TRUE(fx_has_irq(&fx, FX_VM1, SPMC_IRQ_SRI));
	fx_fini(&fx);
}

/* A yielded request belongs to its requester: another VM's FFA_RUN is
 * DENIED (it would otherwise receive VM 1's answer); VM 1 resumes it, from
 * another vCPU even, and gets the response there. */
TEST(only_the_requester_resumes_a_yielded_request)
{
	const struct ffa_regs *f = NULL;
	struct ffa_regs r;

	setup();
	call_v(FX_VM1, 0, FFA_MSG_SEND_DIRECT_REQ_64, pair(FX_VM1, FX_SP2), 0,
	       0x1111);
	call_v(FX_SP2, 0, FFA_YIELD, 0, 0, 0);
	r = call_v(FX_VM2, 0, FFA_RUN, pair(FX_SP2, 0), 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	ASSERT_TRUE(fx_frame_for(&fx, FX_SP2, 0) == NULL);
	call_v(FX_VM1, 1, FFA_RUN, pair(FX_SP2, 0), 0, 0);
	ASSERT_TRUE(fx_frame_for(&fx, FX_SP2, 0) != NULL);
	call_v(FX_SP2, 0, FFA_MSG_SEND_DIRECT_RESP_64, pair(FX_SP2, FX_VM1), 0,
	       0x2222);
	f = fx_frame_for(&fx, FX_VM1, 1);
	ASSERT_TRUE(f != NULL);
	ASSERT_EQ(f->x[3], 0x2222);
	fx_fini(&fx);
}

/* When the requester of a yielded request died, any NWd scheduler may run
 * the context to completion, but never receives the dead VM's answer. */
TEST(yielded_request_of_dead_vm_completes_runner_without_its_answer)
{
	struct spmc_output out;
	const struct ffa_regs *f = NULL;

	setup();
	call_v(FX_VM2, 0, FFA_MSG_SEND_DIRECT_REQ_64, pair(FX_VM2, FX_SP2), 0,
	       1);
	call_v(FX_SP2, 0, FFA_YIELD, 0, 0, 0);
	spmc_partition_abort(fx.spmc, FX_VM2, &out);
	call_v(FX_VM1, 0, FFA_RUN, pair(FX_SP2, 0), 0, 0);
	ASSERT_TRUE(fx_frame_for(&fx, FX_SP2, 0) != NULL);
	call_v(FX_SP2, 0, FFA_MSG_SEND_DIRECT_RESP_64, pair(FX_SP2, FX_VM2), 0,
	       0x5EC2E7);
	f = fx_frame_for(&fx, FX_VM1, 0);
	ASSERT_TRUE(f != NULL);
	ASSERT_EQ(f->x[0], FFA_MSG_WAIT);
	ASSERT_EQ(f->x[3], 0);
	fx_fini(&fx);
}

/* More subscribed SPs than an output holds frames: messages stay queued
 * and go out with later calls; nothing traps. */
TEST(framework_messages_beyond_output_capacity_stay_queued)
{
	struct spmc_output out;
	struct ffa_regs r;
	unsigned int i = 0, delivered = 0;

	fx_init(&fx, NULL);
	for (i = 0; i < 30; i++) {
		struct spmc_partition_config pc = {
			.id = (uint16_t)(0x8010 + i), .exec_count = 1
		};

		pc.props = FFA_PART_PROP_DIRECT_REQ_RECV |
			   FFA_PART_PROP_VM_DESTROYED;
		ASSERT_EQ(spmc_partition_add(fx.spmc, &pc), FFA_OK);
		call_v(pc.id, 0, FFA_MSG_WAIT, 0, 0, 0);
	}
	spmc_partition_abort(fx.spmc, FX_VM2, &out);
	delivered = out.frame_count;
	ASSERT_TRUE(delivered < 30);
	r = fx_call(&fx, FX_VM1, FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	for (i = 0; i < fx.out.frame_count; i++) {
		delivered += fx.out.frames[i].ep != FX_VM1;
	}
	ASSERT_EQ(delivered, 30);
	fx_fini(&fx);
}
