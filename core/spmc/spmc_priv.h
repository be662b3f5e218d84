/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SPMC core internals shared by the files of core/spmc/. One job per file:
 *   spmc.c          creation, partitions, call dispatch, abort
 *   setup.c         FFA_VERSION, FFA_FEATURES, ID_GET, SPM_ID_GET
 *   rxtx.c          RXTX_MAP/UNMAP, RX_RELEASE, RX_ACQUIRE, RX ownership
 *   part_info.c     PARTITION_INFO_GET and PARTITION_INFO_GET_REGS
 *   direct_msg.c    DIRECT_REQ/RESP (+2), MSG_WAIT, RUN, YIELD, framework
 *   indirect_msg.c  MSG_SEND2
 *   notif.c         notifications
 *   mem_*.c         memory transactions (mem_priv.h)
 *
 * Nothing here is thread safe: the host serialises calls into one struct
 * spmc (the hosted SPMC runs one event loop).
 */
#ifndef SPMC_PRIV_H
#define SPMC_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tzshare/ffa.h>
#include <tzshare/lib.h>
#include <tzshare/spmc.h>

#define SPMC_MAX_PARTITIONS 64
#define SPMC_DEFAULT_MAX_SHARES 100
#define SPMC_DEFAULT_MAX_FRAGMENTS 20
#define SPMC_DEFAULT_MAX_BORROWERS 2
#define SPMC_DEFAULT_RXTX_MAX_PAGES 16

/*
 * Execution context states (FF-A v1.2 §"run-time model"):
 *   OFF      SP context not started yet; VM context not seen yet.
 *   RUNNING  executing; its next call is expected.
 *   WAITING  in FFA_MSG_WAIT (or after a direct response): may receive.
 *   BLOCKED  sent a direct request or FFA_RUN; waits for the answer.
 *   PREEMPTED called FFA_YIELD; resumed by FFA_RUN.
 *   ABORTED  its process died.
 */
enum spmc_vcpu_state {
	SPMC_VCPU_OFF = 0,
	SPMC_VCPU_RUNNING,
	SPMC_VCPU_WAITING,
	SPMC_VCPU_BLOCKED,
	SPMC_VCPU_PREEMPTED,
	SPMC_VCPU_ABORTED,
};

/* Why an SP context is running on behalf of someone. */
enum spmc_serve_kind {
	SPMC_SERVE_NONE = 0,
	SPMC_SERVE_DIRECT_REQ, /* answer with DIRECT_RESP */
	SPMC_SERVE_DIRECT_REQ2, /* answer with DIRECT_RESP2 */
	SPMC_SERVE_FRAMEWORK, /* SPMC-originated framework message */
	SPMC_SERVE_RUN, /* FFA_RUN: MSG_WAIT/YIELD answer the runner */
};

struct spmc_vcpu {
	enum spmc_vcpu_state state;
	/* Set while the context serves a client (SP contexts). */
	enum spmc_serve_kind serve;
	uint16_t client_ep;
	uint16_t client_vcpu;
	bool client_gone; /* the requester aborted */
	/* Whose pending call the next answer completes: the requester, or
	 * after FFA_YIELD the endpoint that resumed it with FFA_RUN. */
	bool waiter_valid;
	uint16_t waiter_ep;
	uint16_t waiter_vcpu;
	uint32_t fw_msg; /* framework message type being served */
};

/* RX buffer ownership (FF-A v1.1 §"buffer ownership"). */
enum spmc_rx_state {
	SPMC_RX_EMPTY = 0, /* producer (SPMC) may write */
	SPMC_RX_FULL, /* consumer owns it until FFA_RX_RELEASE */
	SPMC_RX_ACQUIRED, /* hypervisor acquired it (FFA_RX_ACQUIRE) */
};

struct spmc_mailbox {
	bool mapped;
	uint64_t tx_pa;
	uint64_t rx_pa;
	uint32_t page_count;
	uint32_t size; /* bytes = page_count * 4K */
	uint8_t *tx; /* host pointers from ops->phys_to_virt */
	uint8_t *rx;
	enum spmc_rx_state rx_state;
	uint16_t rx_writer; /* sender of the message in RX (MSG_SEND2) */
};

/* Notification state of one receiver (ffa.md §1.4, FF-A v1.2 §10). */
struct spmc_notif {
	bool bitmap_created; /* SPs: always; VMs: NOTIFICATION_BITMAP_CREATE */
	uint16_t bitmap_vcpu_count;
	uint64_t bound_mask; /* bits bound to some sender */
	uint64_t per_vcpu_mask; /* bits bound as per-vCPU */
	uint16_t bound_sender[64];
	uint64_t pending_from_sp; /* global, set by SPs */
	uint64_t pending_from_vm; /* global, set by VMs */
	uint64_t pending_vcpu_from_sp[SPMC_MAX_VCPUS];
	uint64_t pending_vcpu_from_vm[SPMC_MAX_VCPUS];
	uint32_t fw_pending_spm; /* SPMC framework bitmap (bit0 RX full) */
	bool info_reported; /* already listed by INFO_GET */
	/*
	 * notif.c: pending bits already listed by INFO_GET (Hf
	 * info_get_retrieved); a receiver is listed again only for bits that
	 * became pending after that. GET and UNBIND trim them.
	 */
	uint64_t info_reported_global; /* pending_from_sp|vm bits listed */
	uint32_t info_reported_fw; /* fw_pending_spm bits listed */
	uint64_t info_reported_vcpu[SPMC_MAX_VCPUS];
	/* notif.c: this SP set a notification with "delay SRI" (Hf). */
	bool sri_delayed;
};

#define SPMC_FW_NOTIF_RX_FULL (1u << 0)

struct spmc_partition {
	bool used;
	uint16_t id;
	bool secure;
	uint16_t exec_count;
	uint32_t props;
	uint32_t uuid_count;
	uint8_t uuids[SPMC_MAX_UUIDS][FFA_UUID_SIZE];

	/* FFA_VERSION: negotiated per partition, locked by any other call. */
	uint32_t version;
	bool version_set;
	bool version_locked;

	struct spmc_mailbox mb;
	/* Memory transactions this partition sent: quotas (mem_send.c). */
	uint32_t mem_shares;
	uint32_t mem_partial_sends;
	struct spmc_vcpu vcpu[SPMC_MAX_VCPUS];
	struct spmc_notif notif;

	/* Framework messages (VM created/destroyed) not yet delivered. */
	uint32_t fw_pending_count;
	struct {
		uint32_t msg;
		uint16_t vm_id;
	} fw_pending[8];
};

struct spmc_mem; /* mem_priv.h */

struct spmc {
	const struct spmc_ops *ops;
	void *ctx;
	struct spmc_config cfg;
	struct spmc_partition parts[SPMC_MAX_PARTITIONS];
	uint32_t part_count;
	struct spmc_mem *mem;
	struct spmc_stats stats;
};

/* ---- spmc.c ---------------------------------------------------------- */

struct spmc_partition *spmc_partition_find(struct spmc *spmc, uint16_t id);
void spmc_log(const struct spmc *spmc, const char *msg);
void *spmc_alloc(const struct spmc *spmc, size_t len);
void spmc_free(const struct spmc *spmc, void *ptr);

/* Empty @out. Only the counts: clearing ~3.6 KiB of frames per call is
 * measurable on the direct-request round trip. */
static inline void spmc_out_reset(struct spmc_output *out)
{
	out->frame_count = 0;
	out->irq_count = 0;
}

/* Append a frame completing (ep, vcpu). */
void spmc_out_frame(struct spmc_output *out, uint16_t ep, uint16_t vcpu,
		    const struct ffa_regs *regs);
/* Append an FFA_ERROR frame for (ep, vcpu). */
void spmc_out_error(struct spmc_output *out, uint16_t ep, uint16_t vcpu,
		    int err);
void spmc_out_irq(struct spmc_output *out, uint16_t vm, uint16_t irq);

/* Caller version helpers. */
static inline uint32_t spmc_caller_version(const struct spmc_partition *p)
{
	return p->version_set ? p->version : FFA_VERSION_1_0;
}

/* ---- rxtx.c ---------------------------------------------------------- */

/*
 * The SPMC as producer takes the RX buffer of @p: FFA_OK, or FFA_BUSY when
 * the partition still owns it. On success the buffer is FULL (owned by the
 * partition) and the caller must write it before returning.
 */
int spmc_rx_take(struct spmc_partition *p);
/* The partition hands RX back (RX_RELEASE, MSG_WAIT): the SPMC may write it
 * again and the "RX buffer full" notification no longer applies. */
void spmc_rx_give_back(struct spmc_partition *p);

/* ---- setup.c / rxtx.c / part_info.c / direct_msg.c / indirect_msg.c /
 *      notif.c: one handler per ABI, each fills @out. ------------------- */

void spmc_version(struct spmc *spmc, struct spmc_partition *p,
		  const struct ffa_regs *in, struct ffa_regs *out);
void spmc_features(struct spmc *spmc, struct spmc_partition *p,
		   const struct ffa_regs *in, struct ffa_regs *out);
void spmc_rxtx_map(struct spmc *spmc, struct spmc_partition *p,
		   const struct ffa_regs *in, struct ffa_regs *out);
void spmc_rxtx_unmap(struct spmc *spmc, struct spmc_partition *p,
		     const struct ffa_regs *in, struct ffa_regs *out);
void spmc_rx_release(struct spmc *spmc, struct spmc_partition *p,
		     const struct ffa_regs *in, struct ffa_regs *out);
void spmc_rx_acquire(struct spmc *spmc, struct spmc_partition *p,
		     const struct ffa_regs *in, struct ffa_regs *out);
void spmc_partition_info_get(struct spmc *spmc, struct spmc_partition *p,
			     const struct ffa_regs *in, struct ffa_regs *out);
void spmc_partition_info_get_regs(struct spmc *spmc, struct spmc_partition *p,
				  const struct ffa_regs *in,
				  struct ffa_regs *out);

/* Direct messaging and the run model may complete other contexts. */
void spmc_direct_req(struct spmc *spmc, struct spmc_partition *p, uint16_t vcpu,
		     const struct ffa_regs *in, struct spmc_output *out);
void spmc_direct_resp(struct spmc *spmc, struct spmc_partition *p,
		      uint16_t vcpu, const struct ffa_regs *in,
		      struct spmc_output *out);
void spmc_msg_wait(struct spmc *spmc, struct spmc_partition *p, uint16_t vcpu,
		   const struct ffa_regs *in, struct spmc_output *out);
void spmc_run(struct spmc *spmc, struct spmc_partition *p, uint16_t vcpu,
	      const struct ffa_regs *in, struct spmc_output *out);
void spmc_yield(struct spmc *spmc, struct spmc_partition *p, uint16_t vcpu,
		const struct ffa_regs *in, struct spmc_output *out);
/* Deliver queued framework messages to @p's waiting contexts. */
void spmc_framework_flush(struct spmc *spmc, struct spmc_partition *p,
			  struct spmc_output *out);
/* Queue a VM created/destroyed message for subscribed SPs (appends). */
void spmc_framework_vm_event(struct spmc *spmc, uint16_t vm_id, bool created,
			     struct spmc_output *out);
/* Fail every context blocked on @dead (it aborted). */
void spmc_direct_abort(struct spmc *spmc, struct spmc_partition *dead,
		       struct spmc_output *out);

void spmc_msg_send2(struct spmc *spmc, struct spmc_partition *p,
		    const struct ffa_regs *in, struct ffa_regs *ret,
		    struct spmc_output *out);

void spmc_notif_bitmap_create(struct spmc *spmc, struct spmc_partition *p,
			      const struct ffa_regs *in, struct ffa_regs *out);
void spmc_notif_bitmap_destroy(struct spmc *spmc, struct spmc_partition *p,
			       const struct ffa_regs *in, struct ffa_regs *out);
void spmc_notif_bind(struct spmc *spmc, struct spmc_partition *p,
		     const struct ffa_regs *in, struct ffa_regs *out);
void spmc_notif_unbind(struct spmc *spmc, struct spmc_partition *p,
		       const struct ffa_regs *in, struct ffa_regs *out);
void spmc_notif_set(struct spmc *spmc, struct spmc_partition *p,
		    const struct ffa_regs *in, struct ffa_regs *ret,
		    struct spmc_output *out);
void spmc_notif_get(struct spmc *spmc, struct spmc_partition *p,
		    const struct ffa_regs *in, struct ffa_regs *out);
void spmc_notif_info_get(struct spmc *spmc, struct spmc_partition *p,
			 const struct ffa_regs *in, struct ffa_regs *out);
/* Pend a framework notification (e.g. RX full) and raise SRI if needed. */
void spmc_notif_framework_pend(struct spmc *spmc, struct spmc_partition *p,
			       uint32_t bits, bool delay_sri,
			       struct spmc_output *out);
/*
 * Raise the schedule-receiver interrupt an SP delayed (NOTIFICATION_SET or
 * MSG_SEND2 with the delay-SRI flag). Call when SP @p hands the CPU back to
 * the normal world (MSG_WAIT, DIRECT_RESP); no-op if nothing was delayed.
 */
void spmc_notif_sri_flush(struct spmc *spmc, struct spmc_partition *p,
			  struct spmc_output *out);

/* ---- mem_*.c (memory transactions; see mem_priv.h) -------------------- */

/* RX/TX pages: claimed at RXTX_MAP (one region, owned RW, in no
 * transaction), released at unmap / abort. */
bool spmc_mem_mailbox_claim(struct spmc *spmc, uint16_t ep, uint64_t pa,
			    uint64_t page_count);
void spmc_mem_mailbox_release(struct spmc *spmc, uint64_t pa,
			      uint64_t page_count);
/* Forget the mailbox of @p (unmap, abort). */
void spmc_mailbox_unmap(struct spmc *spmc, struct spmc_partition *p);

int spmc_mem_init(struct spmc *spmc);
void spmc_mem_fini(struct spmc *spmc);
/* FFA_MEM_SHARE/LEND/DONATE (32/64): @fid selects the kind. */
void spmc_mem_send(struct spmc *spmc, struct spmc_partition *p, uint32_t fid,
		   const struct ffa_regs *in, struct ffa_regs *out);
void spmc_mem_frag_tx(struct spmc *spmc, struct spmc_partition *p,
		      const struct ffa_regs *in, struct ffa_regs *out);
void spmc_mem_frag_rx(struct spmc *spmc, struct spmc_partition *p,
		      const struct ffa_regs *in, struct ffa_regs *out);
void spmc_mem_retrieve_req(struct spmc *spmc, struct spmc_partition *p,
			   const struct ffa_regs *in, struct ffa_regs *out);
void spmc_mem_relinquish(struct spmc *spmc, struct spmc_partition *p,
			 const struct ffa_regs *in, struct ffa_regs *out);
void spmc_mem_reclaim(struct spmc *spmc, struct spmc_partition *p,
		      const struct ffa_regs *in, struct ffa_regs *out);
/* Relinquish what @p borrowed, reclaim (or defer) what it owns, free its
 * partial sends. */
void spmc_mem_partition_abort(struct spmc *spmc, struct spmc_partition *p);
/* True when every page of [pa, pa + page_count * 4K) is normal memory owned
 * by @ep in Owner-EA state (used by RXTX_MAP). */
bool spmc_mem_owned_exclusive(struct spmc *spmc, uint16_t ep, uint64_t pa,
			      uint64_t page_count);

#endif /* SPMC_PRIV_H */
