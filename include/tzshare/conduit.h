/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The call conduit of the hosted platform: how a partition process (VM or
 * SP) talks to tzshare-spmc, and the partition-side runtime built on it.
 *
 * Channels. Every partition has one control socket, created by whoever
 * starts it (tzshare-spmc for SPs, the launcher for VMs) and bound to its
 * partition ID: identity is the channel, a message never names its sender.
 * Each vCPU (a thread) has its own connection, an AF_UNIX SOCK_SEQPACKET
 * socketpair made by the partition; one end is handed to the SPMC over the
 * control socket (TZC_MSG_ATTACH with SCM_RIGHTS) and answered on the new
 * connection itself (TZC_MSG_ATTACH_RESP).
 *
 * Messages. One message per SEQPACKET record, little-endian, never cast:
 *
 *   header   0 u32 type, 4 u32 payload length (= record length - 8)
 *
 *   type                 dir   channel  payload                       fd
 *   1  CALL              P->S  vCPU     x0..x17 (18 x u64, 144 bytes)  -
 *   2  RESULT            S->P  vCPU     x0..x17                        -
 *   3  MEM_FD            P->S  vCPU     u64 pa, u64 len                -
 *   4  MEM_FD_RESP       S->P  vCPU     i32 status, u32 perm,          memfd
 *                                       u64 region base, u64 size     (ok)
 *   5  STATS             P->S  vCPU     (none)                         -
 *   6  STATS_RESP        S->P  vCPU     u32 live_shares, u32 calls,    -
 *                                       u32 rejected, u32 alive parts
 *   7  PAGE_OWNER        P->S  vCPU     u64 pa                         -
 *   8  PAGE_OWNER_RESP   S->P  vCPU     u32 owner (0xFFFF: none), u32 0 -
 *   9  ERROR             S->P  vCPU     i32 status, u32 offending type -
 *   16 ATTACH            P->S  control  u32 vCPU index, u32 MBZ        vCPU
 *   17 ATTACH_RESP       S->P  vCPU     i32 status, u16 ID,            own
 *                                       u16 exec count, u64 mem base,  DRAM
 *                                       u64 mem size                  (ok)
 *   18 IRQ               S->P  control  u32 irq (enum spmc_irq), u32 0 -
 *
 * A vCPU connection is strictly request/response: CALL is answered by
 * exactly one RESULT, possibly much later (a parked FFA_MSG_WAIT, a direct
 * request in flight). A platform request (MEM_FD, STATS, PAGE_OWNER) is only
 * valid while no call is outstanding. A malformed CALL is answered with an
 * FFA_ERROR frame, an unknown or malformed platform message with ERROR; a
 * message while a call is outstanding, or garbage on the control socket,
 * closes the partition (it is aborted as if it had died). Status fields
 * carry enum ffa_error values.
 */
#ifndef TZSHARE_CONDUIT_H
#define TZSHARE_CONDUIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tzshare/ffa.h>

#define TZC_HDR_SIZE 8
#define TZC_FRAME_SIZE (FFA_REG_COUNT * 8)
#define TZC_MSG_MAX 256 /* largest record either side sends or accepts */

_Static_assert(TZC_FRAME_SIZE == 144, "SMCCC v1.2 x0..x17 register frame");

enum tzc_msg_type {
	TZC_MSG_CALL = 1,
	TZC_MSG_RESULT = 2,
	TZC_MSG_MEM_FD = 3,
	TZC_MSG_MEM_FD_RESP = 4,
	TZC_MSG_STATS = 5,
	TZC_MSG_STATS_RESP = 6,
	TZC_MSG_PAGE_OWNER = 7,
	TZC_MSG_PAGE_OWNER_RESP = 8,
	TZC_MSG_ERROR = 9,
	TZC_MSG_ATTACH = 16,
	TZC_MSG_ATTACH_RESP = 17,
	TZC_MSG_IRQ = 18,
};

/* Payload sizes, one per message type. */
#define TZC_MEM_FD_SIZE 16
#define TZC_MEM_FD_RESP_SIZE 24
#define TZC_STATS_RESP_SIZE 16
#define TZC_PAGE_OWNER_SIZE 8
#define TZC_PAGE_OWNER_RESP_SIZE 8
#define TZC_ERROR_SIZE 8
#define TZC_ATTACH_SIZE 8
#define TZC_ATTACH_RESP_SIZE 24
#define TZC_IRQ_SIZE 8

/* ---------------------------------------------------------------------- */
/* Wire helpers (hosted/conduit/conduit.c)                                 */

void tzc_frame_encode(uint8_t *buf, const struct ffa_regs *regs);
void tzc_frame_decode(const uint8_t *buf, struct ffa_regs *regs);

/**
 * tzc_send() - send one message of @type with @len payload bytes and, when
 * @fd >= 0, one file descriptor. Never raises SIGPIPE. Returns 0 or a
 * negative errno (-EPIPE when the peer is gone).
 */
int tzc_send(int sock, uint32_t type, const void *payload, size_t len, int fd);

/**
 * tzc_recv() - receive one message. Returns the payload length (>= 0) with
 * *type set, or a negative errno: -EPIPE when the peer closed, -EPROTO for
 * a record shorter than the header or whose length field disagrees,
 * -EMSGSIZE when it exceeds @cap (*type is still set when the record held
 * a header, so a server can answer the right way). When @fd is not NULL it receives a passed
 * descriptor or -1; descriptors nobody asked for are closed.
 * @timeout_ms < 0 waits forever; on expiry returns -ETIMEDOUT.
 */
int tzc_recv(int sock, uint32_t *type, void *payload, size_t cap, int *fd,
	     int timeout_ms);

/**
 * tzc_send_nowait() / tzc_recv_nowait() - the same with MSG_DONTWAIT: never
 * block, whatever O_NONBLOCK says (a peer sharing the open file description
 * can clear that flag). -EAGAIN when the record does not fit / none is
 * there. tzshare-spmc uses only these on partition sockets.
 */
int tzc_send_nowait(int sock, uint32_t type, const void *payload, size_t len,
		    int fd);
int tzc_recv_nowait(int sock, uint32_t *type, void *payload, size_t cap,
		    int *fd);

/* ---------------------------------------------------------------------- */
/* Partition-side runtime (hosted/conduit/ep.c, ep_mem.c)                  */

struct tzs_ep; /* an attached partition (VM or SP) */
struct tzs_vcpu; /* one vCPU connection; used by one thread at a time */

struct tzs_ep_opts {
	uint32_t version; /* FFA_VERSION to negotiate; 0 = v1.2 */
	uint32_t mailbox_pages; /* RX and TX size in 4K pages; 0 = 1 */
	bool no_mailbox; /* skip FFA_RXTX_MAP */
	int attach_timeout_ms; /* 0 = 30 s (the SPMC holds VMs while SPs boot) */
};

/**
 * tzs_ep_attach() - attach to the SPMC over control socket @ctl_fd (owned
 * by the endpoint from now on, also on failure): attach vCPU 0, map the
 * partition's own DRAM, negotiate the FF-A version and map RX/TX at the
 * top of the DRAM (TX = top - 2 * mailbox, RX = top - mailbox). First
 * makes the process non-dumpable (PR_SET_DUMPABLE 0), so other processes
 * of its uid cannot reach its memfds through /proc (hosted.md §5).
 * Returns 0 or a negative errno (-EPIPE: SPMC gone, -EPROTO: refused).
 */
int tzs_ep_attach(int ctl_fd, const struct tzs_ep_opts *opts,
		  struct tzs_ep **out);

/**
 * tzs_ep_detach() - unmap everything and close every connection: the SPMC
 * treats the partition as dead (spmc_partition_abort()).
 */
void tzs_ep_detach(struct tzs_ep *ep);

uint16_t tzs_ep_id(const struct tzs_ep *ep);
uint16_t tzs_ep_exec_count(const struct tzs_ep *ep);
uint32_t tzs_ep_version(const struct tzs_ep *ep);
int tzs_ep_ctl_fd(const struct tzs_ep *ep);

/** vCPU @idx, attached on first use. NULL if @idx is out of range or the
 * SPMC refused. */
struct tzs_vcpu *tzs_ep_vcpu(struct tzs_ep *ep, unsigned int idx);
unsigned int tzs_vcpu_index(const struct tzs_vcpu *v);
struct tzs_ep *tzs_vcpu_ep(const struct tzs_vcpu *v);

/* Own DRAM, mapped read/write at attach. */
uint64_t tzs_ep_mem_base(const struct tzs_ep *ep);
uint64_t tzs_ep_mem_size(const struct tzs_ep *ep);
/** Host pointer for own [pa, pa + len), or NULL outside the DRAM. */
uint8_t *tzs_ep_pa(const struct tzs_ep *ep, uint64_t pa, uint64_t len);

/*
 * RX/TX mailbox. Calls that use it (partition info, memory transactions,
 * MSG_SEND2) must hold the mailbox lock; the helpers below take it.
 */
uint8_t *tzs_ep_tx(const struct tzs_ep *ep);
uint8_t *tzs_ep_rx(const struct tzs_ep *ep);
uint32_t tzs_ep_mailbox_size(const struct tzs_ep *ep);
void tzs_ep_mailbox_lock(struct tzs_ep *ep);
void tzs_ep_mailbox_unlock(struct tzs_ep *ep);

/**
 * tzs_ep_rx_stash_take() - RX contents the runtime had to move out of the
 * way to finish a sequence: an indirect message (FFA_MSG_SEND2) that lands
 * in RX between FFA_RX_RELEASE and FFA_MEM_FRAG_RX of a fragmented
 * retrieve makes FRAG_RX BUSY, so the runtime copies RX here, releases it
 * and asks again (RX-full notification included: the release clears it).
 * Whoever consumes indirect messages looks here too. Copies up to @cap
 * bytes of the oldest entry (a whole mailbox as it was) into @buf and drops
 * it; returns its length, 0 when the stash is empty. The stash keeps the
 * newest 8. Call with the mailbox lock held.
 */
size_t tzs_ep_rx_stash_take(struct tzs_ep *ep, void *buf, size_t cap);

/**
 * tzs_vcpu_call() - one FF-A call. Blocks until the SPMC completes it.
 * Returns 0, or -EPIPE when the SPMC is gone (then @out is
 * FFA_ERROR(ABORTED) and every later call fails the same way).
 */
int tzs_vcpu_call(struct tzs_vcpu *v, const struct ffa_regs *in,
		  struct ffa_regs *out);
/** Convenience: a call with x0..x7 (rest zero); returns the result frame. */
struct ffa_regs tzs_vcpu_call8(struct tzs_vcpu *v, uint64_t x0, uint64_t x1,
			       uint64_t x2, uint64_t x3, uint64_t x4,
			       uint64_t x5, uint64_t x6, uint64_t x7);

/**
 * tzs_vcpu_direct_req() - FFA_MSG_SEND_DIRECT_REQ_64 to @dst with x3..x7 =
 * @args[0..4]; on a DIRECT_RESP @ret[0..4] = x3..x7. Returns FFA_OK or the
 * FF-A error (an unexpected answer is FFA_ABORTED).
 */
int tzs_vcpu_direct_req(struct tzs_vcpu *v, uint16_t dst,
			const uint64_t args[5], uint64_t ret[5]);
/** FFA_MSG_SEND_DIRECT_REQ2 to @dst/@uuid; x4..x17 = @args[0..13]. */
int tzs_vcpu_direct_req2(struct tzs_vcpu *v, uint16_t dst,
			 const uint8_t uuid[FFA_UUID_SIZE],
			 const uint64_t args[14], uint64_t ret[14]);

/**
 * tzs_vcpu_partition_info() - FFA_PARTITION_INFO_GET for @uuid (NULL: all)
 * into @info[0..cap); *count = number the SPMC reported. Releases RX.
 * Returns FFA_OK or the FF-A error.
 */
int tzs_vcpu_partition_info(struct tzs_vcpu *v, const uint8_t *uuid,
			    struct ffa_partition_info *info, uint32_t cap,
			    uint32_t *count);

/* Platform requests (not FF-A; see the message table above). */
struct tzs_host_stats {
	uint32_t live_shares;
	uint32_t calls;
	uint32_t rejected;
	uint32_t partitions_alive;
};
int tzs_vcpu_stats(struct tzs_vcpu *v, struct tzs_host_stats *st);
/** Owner of the page at @pa as the SPMC's state machine sees it. */
int tzs_vcpu_page_owner(struct tzs_vcpu *v, uint64_t pa, uint16_t *owner);

/** What MEM_FD answers: the region holding the asked range. */
struct tzs_mem_fd {
	int fd; /* the region's memfd (read-only for RO access) */
	uint8_t perm; /* FFA_PERM_DATA_RO or FFA_PERM_DATA_RW */
	uint64_t base; /* physical base of the region (file offset 0) */
	uint64_t size;
};
/**
 * tzs_vcpu_mem_fd() - MEM_FD(@pa, @len): the memfd of the region, if the
 * SPMC says this partition may access every page of the range. Returns
 * FFA_OK (the caller owns out->fd), the SPMC's FF-A status, or FFA_ABORTED
 * when the conduit failed. The retrieve path uses and caches it.
 */
int tzs_vcpu_mem_fd(struct tzs_vcpu *v, uint64_t pa, uint64_t len,
		    struct tzs_mem_fd *out);

/* ---------------------------------------------------------------------- */
/* Memory transactions                                                     */

struct tzs_range {
	uint64_t pa; /* 4K aligned */
	uint64_t page_count;
};

struct tzs_mem_receiver {
	uint16_t id;
	uint8_t perms; /* FFA_PERM_* as the sender grants them */
};

struct tzs_mem_send_args {
	enum ffa_mem_kind kind;
	uint32_t receiver_count;
	const struct tzs_mem_receiver *receivers;
	uint32_t range_count;
	const struct tzs_range *ranges; /* own DRAM */
	uint64_t tag;
	uint32_t flags; /* FFA_MEM_FLAG_CLEAR / TIME_SLICE */
	bool custom_attributes; /* else: SHARE and multi-borrower LEND use
				 * Normal WB IS (0x2F), LEND to one borrower
				 * and DONATE use 0 (ffa.md §3.1) */
	uint16_t attributes;
};

/**
 * tzs_ep_mem_send() - FFA_MEM_SHARE/LEND/DONATE of own DRAM. The
 * descriptor is built in a heap buffer and sent through TX in fragments of
 * at most the TX size (whole constituents per fragment). On LEND/DONATE
 * success the endpoint's own mapping of the ranges becomes PROT_NONE.
 * Returns FFA_OK with *handle, or the FF-A error (FFA_NO_MEMORY for a local
 * allocation failure, FFA_ABORTED when the SPMC is gone).
 */
int tzs_ep_mem_send(struct tzs_vcpu *v, const struct tzs_mem_send_args *a,
		    uint64_t *handle);

/**
 * tzs_ep_mem_reclaim() - FFA_MEM_RECLAIM(@handle, @flags). On success of a
 * LEND (or a DONATE nobody retrieved) the own mapping is read/write again.
 */
int tzs_ep_mem_reclaim(struct tzs_vcpu *v, uint64_t handle, uint32_t flags);

struct tzs_mem_retrieve_args {
	uint64_t handle;
	uint16_t owner;
	uint64_t tag;
	enum ffa_mem_kind kind; /* 0: type bits left unspecified */
	uint8_t perms; /* requested; 0 = data RW, plus NX for LEND/DONATE */
	uint32_t flags; /* extra retrieve flags, e.g. BYPASS_BORROWER_CHECK */
	uint16_t attributes; /* 0 = not specified */
};

/** A retrieved transaction, mapped contiguously at @va. Read-only view. */
struct tzs_mem_map {
	uint64_t handle;
	uint16_t owner;
	uint32_t flags; /* response flags (bit 0: zeroed, type bits) */
	uint8_t perms; /* granted */
	uint64_t page_count;
	uint8_t *va; /* page_count * 4K bytes, constituents in order */
	uint32_t range_count;
	const struct tzs_range *ranges;
};

/**
 * tzs_ep_mem_retrieve() - FFA_MEM_RETRIEVE_REQ (+ FFA_MEM_FRAG_RX for a
 * fragmented response), then map every granted range MAP_SHARED |
 * MAP_POPULATE with the granted protection (memfd of each region fetched
 * once and cached). On a local mapping failure the transaction is
 * relinquished again and FFA_ABORTED returned.
 */
int tzs_ep_mem_retrieve(struct tzs_vcpu *v,
			const struct tzs_mem_retrieve_args *a,
			struct tzs_mem_map **out);

/**
 * tzs_ep_mem_relinquish() - munmap @m, then FFA_MEM_RELINQUISH. @m is
 * freed whatever the result. Returns FFA_OK or the FF-A error.
 */
int tzs_ep_mem_relinquish(struct tzs_vcpu *v, struct tzs_mem_map *m,
			  uint32_t flags);

/** Drop the mapping without relinquishing (a donation now owned). */
void tzs_ep_mem_unmap(struct tzs_ep *ep, struct tzs_mem_map *m);

/** Mapped transaction with @handle, or NULL. */
struct tzs_mem_map *tzs_ep_mem_find(struct tzs_ep *ep, uint64_t handle);
/** Number of mapped transactions and their pages. */
void tzs_ep_mem_count(struct tzs_ep *ep, uint32_t *maps, uint64_t *pages);

#endif /* TZSHARE_CONDUIT_H */
