// SPDX-License-Identifier: BSD-2-Clause
/*
 * Direct messaging and the run model (FF-A v1.2 ch. 15 and §8):
 * FFA_MSG_SEND_DIRECT_REQ/RESP (32/64), REQ2/RESP2, FFA_MSG_WAIT, FFA_RUN,
 * FFA_YIELD and the SPMC's own framework messages (VM created/destroyed).
 *
 * Each execution context (struct spmc_vcpu) has a state (see spmc_priv.h)
 * and, while an SP context works for somebody, a "serve" record naming the
 * client whose call its answer completes:
 *   DIRECT_REQ[2]: client blocked in the request; DIRECT_RESP[2] completes
 *                  it and parks the SP context in WAITING.
 *   RUN:           client blocked in FFA_RUN; FFA_MSG_WAIT completes it
 *                  with FFA_MSG_WAIT.
 *   FRAMEWORK:     the SPMC itself is the client; the response is consumed.
 * FFA_YIELD hands the CPU back to the client with FFA_YIELD; the context is
 * PREEMPTED until a normal-world FFA_RUN resumes it, and the runner becomes
 * the client (so a later DIRECT_RESP completes the runner's FFA_RUN).
 * A context receives only while WAITING; anything else gets BUSY.
 */
#include "spmc_priv.h"

#define FW_MSG_FLAG (1u << 31)
#define FW_MSG_TYPE_MASK 0xFFu
#define FW_VM_CREATED_REQ 0x4u
#define FW_VM_DESTROYED_REQ 0x6u

static bool fid_is_req2(uint32_t fid)
{
	return fid == FFA_MSG_SEND_DIRECT_REQ2 ||
	       fid == FFA_MSG_SEND_DIRECT_RESP2;
}

/* Which SP context serves a request made on the caller's vCPU. */
static uint16_t target_context(const struct spmc_partition *t, uint16_t vcpu)
{
	return t->exec_count == 1 ? 0 : (uint16_t)(vcpu % t->exec_count);
}

static bool has_uuid(const struct spmc_partition *t, const uint8_t *uuid)
{
	uint32_t i = 0;

	if (ffa_uuid_is_nil(uuid)) {
		return true;
	}
	for (i = 0; i < t->uuid_count; i++) {
		if (!tzs_memcmp(t->uuids[i], uuid, FFA_UUID_SIZE)) {
			return true;
		}
	}
	return false;
}

/* What the runner of a context sees when it goes back to waiting. */
static void msg_wait_frame(struct ffa_regs *r, uint16_t sp, uint16_t vcpu)
{
	ffa_regs_clear(r);
	r->x[0] = FFA_MSG_WAIT;
	r->x[1] = (uint32_t)sp << 16 | vcpu;
}

static void serve_begin(struct spmc_vcpu *v, enum spmc_serve_kind kind,
			uint16_t client_ep, uint16_t client_vcpu)
{
	v->state = SPMC_VCPU_RUNNING;
	v->serve = kind;
	v->client_ep = client_ep;
	v->client_vcpu = client_vcpu;
	v->client_gone = false;
	v->waiter_valid = true;
	v->waiter_ep = client_ep;
	v->waiter_vcpu = client_vcpu;
}

/* Complete the waiter of @v with @regs, unless it went away meanwhile. */
static void complete_client(struct spmc *spmc, struct spmc_vcpu *v,
			    const struct ffa_regs *regs,
			    struct spmc_output *out)
{
	struct spmc_partition *c = NULL;

	if (!v->waiter_valid || v->serve == SPMC_SERVE_FRAMEWORK) {
		return;
	}
	v->waiter_valid = false;
	c = spmc_partition_find(spmc, v->waiter_ep);
	if (NEVER(!c)) {
		return;
	}
	c->vcpu[v->waiter_vcpu].state = SPMC_VCPU_RUNNING;
	spmc_out_frame(out, v->waiter_ep, v->waiter_vcpu, regs);
}

/**
 * direct_req_validate() - checks of FFA_MSG_SEND_DIRECT_REQ[2], in order:
 * 1. REQ2 from a caller older than v1.2 -> NOT_SUPPORTED;
 * 2. sender in w1 is not the caller, or receiver == sender ->
 *    INVALID_PARAMETERS;
 * 3. receiver unknown or not an SP (VM-to-VM is the hypervisor's business;
 *    SPs may not send requests to VMs) -> INVALID_PARAMETERS;
 * 4. REQ with w2 != 0: framework messages come from the SPMC only, and
 *    partition messages have w2 MBZ -> INVALID_PARAMETERS;
 * 5. REQ2 with a UUID the receiver does not offer -> INVALID_PARAMETERS;
 * 6. receiver cannot receive this kind, or an SP sender cannot send it ->
 *    DENIED (Hafnium's property checks).
 */
static int direct_req_validate(struct spmc *spmc, struct spmc_partition *p,
			       const struct ffa_regs *in,
			       struct spmc_partition **target)
{
	uint32_t fid = (uint32_t)in->x[0];
	bool req2 = fid_is_req2(fid);
	uint16_t src = (uint16_t)(in->x[1] >> 16);
	uint16_t dst = (uint16_t)in->x[1];
	uint32_t recv_bit = req2 ? FFA_PART_PROP_DIRECT_REQ2_RECV :
				   FFA_PART_PROP_DIRECT_REQ_RECV;
	uint32_t send_bit = req2 ? FFA_PART_PROP_DIRECT_REQ2_SEND :
				   FFA_PART_PROP_DIRECT_REQ_SEND;
	struct spmc_partition *t = NULL;
	uint8_t uuid[FFA_UUID_SIZE];
	uint64_t ux[2] = { in->x[2], in->x[3] };

	if (req2 && spmc_caller_version(p) < FFA_VERSION_1_2) {
		return FFA_NOT_SUPPORTED;
	}
	if (src != p->id || dst == src || (in->x[1] >> 32)) {
		spmc_log(spmc, "DIRECT_REQ: bad sender/receiver");
		return FFA_INVALID_PARAMETERS;
	}
	t = spmc_partition_find(spmc, dst);
	if (!t || !t->secure) {
		spmc_log(spmc, "DIRECT_REQ: receiver is not an SP");
		return FFA_INVALID_PARAMETERS;
	}
	if (!req2 && (uint32_t)in->x[2]) {
		spmc_log(spmc, "DIRECT_REQ: w2 MBZ for partition messages");
		return FFA_INVALID_PARAMETERS;
	}
	if (req2) {
		ffa_uuid_from_x2(ux, uuid);
		if (!has_uuid(t, uuid)) {
			spmc_log(spmc, "DIRECT_REQ2: UUID not offered");
			return FFA_INVALID_PARAMETERS;
		}
	}
	if (!(t->props & recv_bit) || (p->secure && !(p->props & send_bit))) {
		spmc_log(spmc, "DIRECT_REQ: partition properties deny it");
		return FFA_DENIED;
	}
	*target = t;
	return FFA_OK;
}

void spmc_direct_req(struct spmc *spmc, struct spmc_partition *p, uint16_t vcpu,
		     const struct ffa_regs *in, struct spmc_output *out)
{
	struct spmc_partition *t = NULL;
	struct spmc_vcpu *tv = NULL;
	uint16_t ec = 0;
	int rc = direct_req_validate(spmc, p, in, &t);

	if (rc != FFA_OK) {
		spmc_out_error(out, p->id, vcpu, rc);
		return;
	}
	ec = target_context(t, vcpu);
	tv = &t->vcpu[ec];
	if (tv->state == SPMC_VCPU_ABORTED) {
		spmc_out_error(out, p->id, vcpu, FFA_ABORTED);
		return;
	}
	if (tv->state != SPMC_VCPU_WAITING) {
		spmc_out_error(out, p->id, vcpu, FFA_BUSY);
		return;
	}
	serve_begin(tv,
		    fid_is_req2((uint32_t)in->x[0]) ? SPMC_SERVE_DIRECT_REQ2 :
						      SPMC_SERVE_DIRECT_REQ,
		    p->id, vcpu);
	p->vcpu[vcpu].state = SPMC_VCPU_BLOCKED;
	spmc_out_frame(out, t->id, ec, in);
}

/**
 * direct_resp_validate() - checks of FFA_MSG_SEND_DIRECT_RESP[2]:
 * 1. caller is not an SP -> NOT_SUPPORTED;
 * 2. the context serves no request, or answers REQ2 with RESP (or the
 *    reverse) -> DENIED;
 * 3. sender is not the caller or receiver is not the client ->
 *    INVALID_PARAMETERS;
 * 4. RESP w2 must be 0 for partition messages, and name the matching
 *    framework response for framework messages -> INVALID_PARAMETERS.
 */
static int direct_resp_validate(struct spmc *spmc, struct spmc_partition *p,
				const struct spmc_vcpu *v,
				const struct ffa_regs *in)
{
	bool resp2 = fid_is_req2((uint32_t)in->x[0]);
	uint16_t src = (uint16_t)(in->x[1] >> 16);
	uint16_t dst = (uint16_t)in->x[1];
	uint32_t w2 = (uint32_t)in->x[2];

	if (!p->secure) {
		return FFA_NOT_SUPPORTED;
	}
	if (v->serve != SPMC_SERVE_DIRECT_REQ &&
	    v->serve != SPMC_SERVE_DIRECT_REQ2 &&
	    v->serve != SPMC_SERVE_FRAMEWORK) {
		spmc_log(spmc, "DIRECT_RESP: no request to answer");
		return FFA_DENIED;
	}
	if (resp2 != (v->serve == SPMC_SERVE_DIRECT_REQ2)) {
		spmc_log(spmc,
			 "DIRECT_RESP: RESP/RESP2 does not match request");
		return FFA_DENIED;
	}
	if (src != p->id || dst != v->client_ep || (in->x[1] >> 32)) {
		spmc_log(spmc, "DIRECT_RESP: bad sender/receiver");
		return FFA_INVALID_PARAMETERS;
	}
	if (v->serve == SPMC_SERVE_FRAMEWORK) {
		if (w2 != (FW_MSG_FLAG | (v->fw_msg + 1))) {
			return FFA_INVALID_PARAMETERS;
		}
	} else if (!resp2 && w2) {
		return FFA_INVALID_PARAMETERS;
	}
	return FFA_OK;
}

/*
 * The SP hands the CPU back (direct response, MSG_WAIT): the context waits
 * again, and a schedule-receiver interrupt it delayed while it ran is raised
 * now (FF-A v1.2 §10.7, delay SRI flag) and queued framework messages
 * reach the now waiting context.
 */
static void back_to_waiting(struct spmc *spmc, struct spmc_partition *p,
			    struct spmc_vcpu *v, struct spmc_output *out)
{
	v->serve = SPMC_SERVE_NONE;
	v->state = SPMC_VCPU_WAITING;
	spmc_notif_sri_flush(spmc, p, out);
	spmc_framework_flush(spmc, p, out);
}

void spmc_direct_resp(struct spmc *spmc, struct spmc_partition *p,
		      uint16_t vcpu, const struct ffa_regs *in,
		      struct spmc_output *out)
{
	struct spmc_vcpu *v = &p->vcpu[vcpu];
	struct ffa_regs resp = *in;
	int rc = direct_resp_validate(spmc, p, v, in);

	if (rc != FFA_OK) {
		spmc_out_error(out, p->id, vcpu, rc);
		return;
	}
	if (v->serve == SPMC_SERVE_DIRECT_REQ2) {
		/* FF-A v1.2: x2/x3 of RESP2 are MBZ; the relayer forces 0. */
		resp.x[2] = 0;
		resp.x[3] = 0;
	}
	if (v->client_gone) {
		/* The requester died; whoever resumed the context learns only
		 * that it went back to waiting, never the dead VM's answer. */
		msg_wait_frame(&resp, p->id, vcpu);
	}
	complete_client(spmc, v, &resp, out);
	back_to_waiting(spmc, p, v, out);
}

/**
 * spmc_msg_wait() - FFA_MSG_WAIT(w2 bit0: retain RX ownership, v1.2).
 * Errors: 1. caller is a VM -> NOT_SUPPORTED; 2. flag bits other than bit0
 * (any bit before v1.2) -> INVALID_PARAMETERS; 3. the context still owes a
 * direct response -> DENIED.
 * Parks the context (no frame) unless something is delivered at once. A
 * context run by FFA_RUN completes its runner with FFA_MSG_WAIT.
 */
void spmc_msg_wait(struct spmc *spmc, struct spmc_partition *p, uint16_t vcpu,
		   const struct ffa_regs *in, struct spmc_output *out)
{
	struct spmc_vcpu *v = &p->vcpu[vcpu];
	uint32_t flags = (uint32_t)in->x[2];
	uint32_t allowed = spmc_caller_version(p) >= FFA_VERSION_1_2 ? 1u : 0u;
	struct ffa_regs r;

	if (!p->secure) {
		spmc_out_error(out, p->id, vcpu, FFA_NOT_SUPPORTED);
		return;
	}
	if (flags & ~allowed) {
		spmc_out_error(out, p->id, vcpu, FFA_INVALID_PARAMETERS);
		return;
	}
	if (v->serve == SPMC_SERVE_DIRECT_REQ ||
	    v->serve == SPMC_SERVE_DIRECT_REQ2 ||
	    v->serve == SPMC_SERVE_FRAMEWORK) {
		spmc_log(spmc, "MSG_WAIT: a direct response is owed");
		spmc_out_error(out, p->id, vcpu, FFA_DENIED);
		return;
	}
	/* FF-A v1.1+: MSG_WAIT releases RX unless told to retain it. */
	if (!(flags & 1u) && p->mb.rx_state == SPMC_RX_FULL) {
		spmc_rx_give_back(p);
	}
	if (v->serve == SPMC_SERVE_RUN) {
		msg_wait_frame(&r, p->id, vcpu);
		complete_client(spmc, v, &r, out);
	}
	back_to_waiting(spmc, p, v, out);
}

/**
 * spmc_run() - FFA_RUN(w1[31:16] SP ID, w1[15:0] context).
 * Errors: 1. caller is an SP -> NOT_SUPPORTED; 2. v1.2 caller with
 * non-zero x8..x17 -> INVALID_PARAMETERS (Hafnium); 3. target unknown, not
 * an SP or no such context -> INVALID_PARAMETERS; 4. target aborted ->
 * ABORTED; 5. target neither waiting nor preempted -> BUSY.
 */
void spmc_run(struct spmc *spmc, struct spmc_partition *p, uint16_t vcpu,
	      const struct ffa_regs *in, struct spmc_output *out)
{
	uint16_t tid = (uint16_t)(in->x[1] >> 16);
	uint16_t ec = (uint16_t)in->x[1];
	struct spmc_partition *t = NULL;
	struct spmc_vcpu *tv = NULL;
	struct ffa_regs r;
	unsigned int i = 0;

	if (p->secure) {
		spmc_out_error(out, p->id, vcpu, FFA_NOT_SUPPORTED);
		return;
	}
	for (i = 8; i < FFA_REG_COUNT; i++) {
		if (spmc_caller_version(p) >= FFA_VERSION_1_2 && in->x[i]) {
			spmc_out_error(out, p->id, vcpu,
				       FFA_INVALID_PARAMETERS);
			return;
		}
	}
	t = spmc_partition_find(spmc, tid);
	if (!t || !t->secure || ec >= t->exec_count) {
		spmc_out_error(out, p->id, vcpu, FFA_INVALID_PARAMETERS);
		return;
	}
	tv = &t->vcpu[ec];
	ffa_regs_clear(&r);
	if (tv->state == SPMC_VCPU_ABORTED) {
		spmc_out_error(out, p->id, vcpu, FFA_ABORTED);
		return;
	}
	if (tv->state == SPMC_VCPU_PREEMPTED) {
		/*
		 * Resume: FFA_YIELD returns success and the runner waits for
		 * the answer. A yielded direct request belongs to its
		 * requester: nobody else may take it over (it would receive
		 * another VM's response); anyone may once the requester died.
		 */
		if ((tv->serve == SPMC_SERVE_DIRECT_REQ ||
		     tv->serve == SPMC_SERVE_DIRECT_REQ2) &&
		    !tv->client_gone && tv->client_ep != p->id) {
			spmc_log(spmc, "RUN: preempted request is not yours");
			spmc_out_error(out, p->id, vcpu, FFA_DENIED);
			return;
		}
		tv->state = SPMC_VCPU_RUNNING;
		tv->waiter_valid = true;
		tv->waiter_ep = p->id;
		tv->waiter_vcpu = vcpu;
		r.x[0] = FFA_SUCCESS_32;
	} else if (tv->state == SPMC_VCPU_WAITING) {
		serve_begin(tv, SPMC_SERVE_RUN, p->id, vcpu);
		r.x[0] = FFA_RUN;
		r.x[1] = (uint32_t)t->id << 16 | ec;
	} else {
		spmc_out_error(out, p->id, vcpu, FFA_BUSY);
		return;
	}
	p->vcpu[vcpu].state = SPMC_VCPU_BLOCKED;
	spmc_out_frame(out, t->id, ec, &r);
}

/**
 * spmc_yield() - FFA_YIELD(w2/w3 timeout): give the CPU back to the client.
 * Errors: 1. caller is a VM -> NOT_SUPPORTED; 2. the context runs for
 * nobody in the normal world (boot, framework message) -> DENIED.
 */
void spmc_yield(struct spmc *spmc, struct spmc_partition *p, uint16_t vcpu,
		const struct ffa_regs *in, struct spmc_output *out)
{
	struct spmc_vcpu *v = &p->vcpu[vcpu];
	struct ffa_regs r;

	if (!p->secure) {
		spmc_out_error(out, p->id, vcpu, FFA_NOT_SUPPORTED);
		return;
	}
	if (v->serve == SPMC_SERVE_NONE || v->serve == SPMC_SERVE_FRAMEWORK) {
		spmc_log(spmc, "YIELD: nobody to yield to");
		spmc_out_error(out, p->id, vcpu, FFA_DENIED);
		return;
	}
	ffa_regs_clear(&r);
	r.x[0] = FFA_YIELD;
	r.x[1] = (uint32_t)p->id << 16 | vcpu;
	r.x[2] = (uint32_t)in->x[2];
	r.x[3] = (uint32_t)in->x[3];
	complete_client(spmc, v, &r, out);
	spmc_notif_sri_flush(spmc, p, out);
	v->state = SPMC_VCPU_PREEMPTED;
}

void spmc_framework_flush(struct spmc *spmc, struct spmc_partition *p,
			  struct spmc_output *out)
{
	uint16_t ec = 0;
	uint32_t i = 0;
	struct ffa_regs r;

	(void)spmc;
	/* Leave messages queued when the output is full: spmc_call() flushes
	 * again at its end, so a waiting context still gets them. */
	for (ec = 0; ec < p->exec_count && p->fw_pending_count &&
		     out->frame_count < SPMC_OUT_MAX_FRAMES;
	     ec++) {
		struct spmc_vcpu *v = &p->vcpu[ec];

		if (v->state != SPMC_VCPU_WAITING) {
			continue;
		}
		ffa_regs_clear(&r);
		r.x[0] = FFA_MSG_SEND_DIRECT_REQ_32;
		r.x[1] = (uint32_t)FFA_SPMC_ID << 16 | p->id;
		r.x[2] = FW_MSG_FLAG | p->fw_pending[0].msg;
		r.x[5] = p->fw_pending[0].vm_id;
		serve_begin(v, SPMC_SERVE_FRAMEWORK, FFA_SPMC_ID, 0);
		v->fw_msg = p->fw_pending[0].msg;
		for (i = 1; i < p->fw_pending_count; i++) {
			p->fw_pending[i - 1] = p->fw_pending[i];
		}
		p->fw_pending_count--;
		spmc_out_frame(out, p->id, ec, &r);
	}
}

void spmc_vm_lifecycle(struct spmc *spmc, uint16_t vm_id, bool created,
		       struct spmc_output *out)
{
	spmc_out_reset(out);
	spmc_framework_vm_event(spmc, vm_id, created, out);
}

void spmc_framework_vm_event(struct spmc *spmc, uint16_t vm_id, bool created,
			     struct spmc_output *out)
{
	uint32_t bit =
		created ? FFA_PART_PROP_VM_CREATED : FFA_PART_PROP_VM_DESTROYED;
	uint32_t i = 0;

	for (i = 0; i < spmc->part_count; i++) {
		struct spmc_partition *p = &spmc->parts[i];

		if (!p->secure || !(p->props & bit)) {
			continue;
		}
		if (p->fw_pending_count == TZS_ARRAY_SIZE(p->fw_pending)) {
			spmc_log(spmc, "framework message queue full");
			continue;
		}
		p->fw_pending[p->fw_pending_count].msg =
			created ? FW_VM_CREATED_REQ : FW_VM_DESTROYED_REQ;
		p->fw_pending[p->fw_pending_count].vm_id = vm_id;
		p->fw_pending_count++;
		spmc_framework_flush(spmc, p, out);
	}
}

void spmc_direct_abort(struct spmc *spmc, struct spmc_partition *dead,
		       struct spmc_output *out)
{
	uint32_t i = 0;
	uint16_t ec = 0;

	for (i = 0; i < spmc->part_count; i++) {
		struct spmc_partition *q = &spmc->parts[i];

		for (ec = 0; ec < q->exec_count; ec++) {
			struct spmc_vcpu *v = &q->vcpu[ec];
			struct spmc_partition *c = NULL;

			if (v->serve == SPMC_SERVE_NONE ||
			    v->serve == SPMC_SERVE_FRAMEWORK) {
				continue;
			}
			if (v->client_ep == dead->id) {
				v->client_gone = true;
			}
			if (v->waiter_valid && v->waiter_ep == dead->id) {
				v->waiter_valid = false;
			}
			if (q != dead || !v->waiter_valid) {
				continue;
			}
			/* The dead SP owed an answer: fail its waiter. */
			v->waiter_valid = false;
			c = spmc_partition_find(spmc, v->waiter_ep);
			if (c && c->vcpu[v->waiter_vcpu].state ==
					 SPMC_VCPU_BLOCKED) {
				c->vcpu[v->waiter_vcpu].state =
					SPMC_VCPU_RUNNING;
				spmc_out_error(out, v->waiter_ep,
					       v->waiter_vcpu, FFA_ABORTED);
			}
		}
	}
}
