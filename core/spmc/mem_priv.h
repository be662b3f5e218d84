/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Memory-transaction state of the SPMC (FFA_MEM_SHARE/LEND/DONATE, RETRIEVE,
 * RELINQUISH, RECLAIM, FRAG_TX/FRAG_RX). One job per file:
 *   mem_region.c      physical regions and per-page metadata, ownership
 *                     queries, init/fini
 *   mem_handle.c      share-state pool and handle allocation/lookup
 *   mem_send.c        SHARE/LEND/DONATE validation and completion
 *   mem_frag.c        FRAG_TX (send continuation), FRAG_RX (retrieve
 *                     continuation)
 *   mem_retrieve.c    RETRIEVE_REQ validation and response building
 *   mem_relinquish.c  RELINQUISH
 *   mem_reclaim.c     RECLAIM and the release of a transaction's pages
 *   mem_abort.c       cleanup when a partition dies
 *
 * Model (ffa.md §3.1). Every 4 KiB page of a region has one owner and at
 * most one live transaction (the share-state slot that holds it). The
 * ownership states of the spec map onto that metadata as follows:
 *   Owner-EA   page.share == 0, page.owner == ep
 *   Owner-SA   page.share != 0 and the transaction is a SHARE
 *   Owner-NA   page.share != 0 and the transaction is a LEND or DONATE
 *   !Owner-xA  the borrower's entry in the share state: retrieved (complete
 *              retrieve, not relinquished) with its granted permissions
 * Pages are marked only when a send completes; an incomplete (fragmented)
 * send owns no pages.
 *
 * Share-state lifecycle (mem_handle.c allocates and frees):
 *   FREE -> [first fragment valid] -> SENDING (incomplete: the constituents
 *   received so far, copied out of TX into the range table) -> [last
 *   fragment valid] -> COMPLETE -> [reclaim, or
 *   DONATE fully retrieved, or deferred reclaim finished] -> FREE.
 *   SENDING -> FREE on any completion failure, MAX_FRAGMENTS, or sender
 *   abort. COMPLETE + sender abort with borrowers holding -> pending
 *   reclaim: retrieves are DENIED and the last relinquish frees it.
 */
#ifndef SPMC_MEM_PRIV_H
#define SPMC_MEM_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tzshare/ffa.h>
#include <tzshare/lib.h>
#include <tzshare/spmc.h>

#include "spmc_priv.h"

/* Physical regions handed to spmc_mem_region_add() (fixed table). */
#define SPMC_MEM_MAX_REGIONS 64

/*
 * Handle layout (ffa.md §2.7): bit 63 = 0 (SPMC allocator), bits
 * [SPMC_MEM_SLOT_BITS-1:0] = slot index, bits [62:SPMC_MEM_SLOT_BITS] = a tag
 * mixed from cfg.handle_secret, the slot and the slot's generation, so a
 * handle is not guessable from the slot and a recycled slot rejects its
 * stale handles.
 */
#define SPMC_MEM_SLOT_BITS 20
#define SPMC_MEM_MAX_SLOTS (1u << SPMC_MEM_SLOT_BITS)

/** Metadata of one 4 KiB page (8 bytes; one array per region). */
struct spmc_mem_page {
	uint32_t share; /* slot index + 1 of the live transaction, or 0 */
	uint16_t owner; /* endpoint ID */
	uint8_t owner_perm; /* FFA_PERM_DATA_RW or _RO: owner's own access */
	uint8_t flags; /* SPMC_PAGE_MAILBOX */
};

/* The page is part of a mapped RX/TX buffer: the SPMC writes it, so it may
 * not be shared, lent or donated while mapped. */
#define SPMC_PAGE_MAILBOX 0x1u

struct spmc_mem_region {
	uint64_t base;
	uint64_t page_count;
	enum spmc_mem_type type;
	bool secure;
	struct spmc_mem_page *pages; /* page_count entries */
};

/** A normalised address range of a transaction (PA, 4 KiB pages). */
struct spmc_mem_range {
	uint64_t base;
	uint32_t page_count;
};

/** Progress of a retrieve response delivered in several fragments. */
struct spmc_mem_resp {
	bool active; /* first fragment sent, more to come */
	uint32_t total_len; /* w1 of FFA_MEM_RETRIEVE_RESP */
	uint32_t sent_len; /* bytes delivered so far: expected FRAG_RX w3 */
	uint32_t next_range; /* index of the next constituent to deliver */
};

/** One borrower (EMAD) of a transaction. */
struct spmc_mem_borrower {
	uint16_t id;
	uint8_t perms; /* as sent: data access, instruction access 0 */
	uint8_t emad_flags;
	uint64_t impdef[2]; /* v1.2 EMADs; zero otherwise */
	bool retrieved; /* completed retrieve, not relinquished */
	uint8_t granted; /* permissions granted by the last retrieve */
	uint32_t retrieve_count; /* completed retrieves so far (ever) */
	bool clear_on_relinquish; /* zero when the last borrower lets go */
	struct spmc_mem_resp resp; /* fragmented retrieve response */
};

/** A memory transaction (FF-A "share state"). */
struct spmc_mem_share {
	bool used;
	bool complete; /* all fragments received and pages marked */
	bool pending_reclaim; /* sender died while borrowers held the pages */
	bool accounted; /* counted in the sender's live-share quota */
	bool accounted_partial; /* counted as an incomplete send */
	enum ffa_mem_kind kind;
	uint32_t generation; /* bumped on free: invalidates stale handles */
	uint64_t handle;

	/* From the sender's descriptor. */
	uint16_t sender;
	uint16_t attributes;
	uint32_t flags; /* send flags (bit0 clear, bit1 time slicing) */
	uint64_t tag;
	uint32_t emad_size; /* 16 (v1.0/v1.1 descriptor) or 32 (v1.2) */
	uint32_t borrower_count;
	struct spmc_mem_borrower *borrowers; /* cfg.max_borrowers entries */

	/*
	 * Constituents, copied out of TX as fragments arrive and normalised
	 * (a range continuing the previous one is merged into it).
	 */
	struct spmc_mem_range *ranges;
	uint32_t range_count;
	uint32_t range_cap;
	uint64_t page_count; /* sum of the constituents' page counts */
	uint8_t orig_perm; /* sender's page access before the send */
	enum spmc_mem_type mem_type; /* uniform over all pages */
	bool mem_secure; /* uniform over all pages */

	/* Progress of the send (no raw descriptor bytes are kept). */
	uint32_t total_len; /* w1 of the first fragment */
	uint32_t recv_len; /* bytes received so far */
	uint32_t frag_count;
	uint32_t cons_count; /* composite constituent count */
	uint32_t comp_page_count; /* composite total page count */
	int deferred_rc; /* first bad constituent: reported at completion */

	/* Hypervisor retrieve request (ffa.md §6) in progress. */
	struct spmc_mem_resp hyp_resp;
};

struct spmc_mem {
	struct spmc_mem_region regions[SPMC_MEM_MAX_REGIONS]; /* by base */
	uint32_t region_count;

	struct spmc_mem_share *shares; /* cfg.max_mem_shares slots */
	struct spmc_mem_borrower *borrower_pool;
	uint32_t share_count;
	uint32_t max_borrowers;
	uint32_t *free_slots; /* stack of free slot indices */
	uint32_t free_count;
};

/* ---- mem_region.c ----------------------------------------------------- */

/** A run of pages inside one region. */
struct spmc_mem_span {
	struct spmc_mem_region *region;
	struct spmc_mem_page *pages;
	uint64_t pa;
	uint64_t page_count;
};

struct spmc_mem_region *spmc_mem_region_find(struct spmc_mem *mem, uint64_t pa);
/*
 * The longest run of at most @page_count pages starting at @pa inside one
 * region. Returns false when @pa lies in no region.
 */
bool spmc_mem_span_get(struct spmc_mem *mem, uint64_t pa, uint64_t page_count,
		       struct spmc_mem_span *span);
/*
 * Write @slot (share-state index + 1, or 0) into every page of @share's
 * ranges and, unless @owner is NULL, its owner and owner_perm too. All
 * pages lie in regions (checked at send).
 */
void spmc_mem_share_mark(struct spmc *spmc, const struct spmc_mem_share *share,
			 uint32_t slot, const struct spmc_mem_page *owner);
/* Zero the pages of @share (all of them lie in regions: checked at send). */
void spmc_mem_share_zero(struct spmc *spmc, struct spmc_mem_share *share);

/* ---- mem_handle.c ----------------------------------------------------- */

int spmc_mem_pool_init(struct spmc *spmc);
void spmc_mem_pool_fini(struct spmc *spmc);
/* Take a free slot (handle assigned) or NULL when the pool is exhausted. */
struct spmc_mem_share *spmc_mem_share_alloc(struct spmc *spmc,
					    enum ffa_mem_kind kind);
/* Release the slot and everything it holds. Pages must be unmarked. */
void spmc_mem_share_free(struct spmc *spmc, struct spmc_mem_share *share);
/* The share state of @handle, or NULL (unknown, stale, foreign). */
struct spmc_mem_share *spmc_mem_share_lookup(struct spmc *spmc,
					     uint64_t handle);
uint32_t spmc_mem_share_index(const struct spmc *spmc,
			      const struct spmc_mem_share *share);
struct spmc_mem_borrower *spmc_mem_borrower_find(struct spmc_mem_share *share,
						 uint16_t id);

/* ---- mem_send.c ------------------------------------------------------- */

/* Largest descriptor fragment the caller may put in its TX buffer. */
uint32_t spmc_mem_tx_limit(const struct spmc_partition *p);
/*
 * Header checks shared by send and retrieve (ffa.md §3.3 send step 4):
 * MBZ fields, EMAD size/offset valid for the caller's @version, EMAD count
 * within cfg.max_borrowers and the EMAD array inside @frag_len. Returns the
 * end of the EMAD array in *emad_end.
 */
int spmc_mem_check_layout(struct spmc *spmc, uint32_t version,
			  const struct ffa_mtd *mtd, uint32_t frag_len,
			  uint32_t *emad_end);
/* Hafnium's attribute rule: Normal-WB or Device-nGnRnE, inner shareable
 * (DENIED), reserved type (INVALID_PARAMETERS). */
int spmc_mem_attributes_validate(struct spmc *spmc, uint16_t attributes);

/*
 * Copy the @len bytes of whole constituents at @src (the private copy of
 * the first fragment, or the caller's TX for FRAG_TX: each constituent is
 * read exactly once) into the range table. A malformed constituent is
 * remembered in deferred_rc and reported at completion, as Hafnium checks
 * constituents only then. Returns FFA_NO_MEMORY (nothing appended) when
 * the table cannot grow.
 */
int spmc_mem_send_append(struct spmc *spmc, struct spmc_mem_share *share,
			 const uint8_t *src, uint32_t len);
/*
 * Validate the complete transaction and commit it (step 13 of ffa.md
 * §3.3). On failure the share state is freed. Fills @out with
 * FFA_SUCCESS(handle) or the error.
 */
void spmc_mem_send_complete(struct spmc *spmc, struct spmc_mem_share *share,
			    struct ffa_regs *out);

/* ---- mem_retrieve.c --------------------------------------------------- */

/*
 * Write the next fragment of the response tracked by @resp (the constituents
 * from resp->next_range on) into @rx (@cap bytes). Returns the length.
 */
uint32_t spmc_mem_resp_write_next(const struct spmc_mem_share *share,
				  struct spmc_mem_resp *resp, uint8_t *rx,
				  uint32_t cap);
/* The borrower finished a retrieve (last fragment delivered). May free a
 * DONATE share state. */
void spmc_mem_retrieve_done(struct spmc *spmc, struct spmc_mem_share *share,
			    struct spmc_mem_borrower *b);

/* ---- mem_relinquish.c ------------------------------------------------- */

/*
 * @b lets go of the pages (relinquish, or abort on its behalf). Applies the
 * zero-after-relinquish rule and finishes a pending reclaim. May free the
 * share state.
 */
void spmc_mem_borrower_release(struct spmc *spmc, struct spmc_mem_share *share,
			       struct spmc_mem_borrower *b);
/* True while any borrower holds or is retrieving the pages. */
bool spmc_mem_share_held(const struct spmc_mem_share *share);

/* ---- mem_reclaim.c ---------------------------------------------------- */

/* Return every page of a complete transaction to its owner and free the
 * share state. */
void spmc_mem_share_restore(struct spmc *spmc, struct spmc_mem_share *share);

#endif /* SPMC_MEM_PRIV_H */
