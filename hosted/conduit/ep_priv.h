/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Partition-side runtime internals (ep.c: attach, vCPUs, calls; ep_mem.c:
 * memory transactions).
 *
 * Lock order: ep->lock, then ep->mb_lock, then ep->mem_lock. A vCPU is
 * owned by one thread at a time and needs no lock of its own.
 */
#ifndef EP_PRIV_H
#define EP_PRIV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <tzshare/conduit.h>
#include <tzshare/spmc.h>

#define EP_FD_CACHE_MAX 16
#define EP_STASH_MAX 8 /* RX contents moved aside (tzs_ep_rx_stash_take) */

struct tzs_vcpu {
	struct tzs_ep *ep;
	unsigned int idx;
	int fd;
	bool broken; /* the SPMC is gone: every call is FFA_ERROR(ABORTED) */
};

/* A retrieved transaction: the public view plus what unmapping needs. */
struct ep_map {
	struct tzs_mem_map pub;
	struct tzs_range *ranges;
	size_t win_len;
	struct ep_map *next;
};

/* A transaction this endpoint sent, until reclaimed. */
struct ep_send {
	uint64_t handle;
	enum ffa_mem_kind kind;
	uint32_t range_count;
	struct tzs_range *ranges;
	struct ep_send *next;
};

/* The memfd of one region of someone's memory, fetched once. */
struct ep_region_fd {
	uint64_t base;
	uint64_t size;
	int fd;
	bool rw;
};

struct tzs_ep {
	int ctl_fd;
	uint16_t id;
	uint16_t exec_count;
	uint32_t version;

	/* Own DRAM, mapped read/write at attach. */
	int mem_fd;
	uint64_t mem_base;
	uint64_t mem_size;
	uint8_t *mem_va;

	/* RX/TX at the top of the DRAM. */
	uint32_t mb_size;
	uint8_t *tx;
	uint8_t *rx;

	pthread_mutex_t lock; /* guards vcpu[] */
	struct tzs_vcpu *vcpu[SPMC_MAX_VCPUS];

	pthread_mutex_t mb_lock; /* guards RX/TX contents and ownership, and
				  * the stash */
	uint32_t stash_count;
	uint32_t stash_dropped;
	uint8_t *stash[EP_STASH_MAX]; /* mb_size bytes each, oldest first */

	pthread_mutex_t mem_lock; /* guards maps, sends, fds[] */
	struct ep_map *maps;
	struct ep_send *sends;
	uint32_t fd_count;
	struct ep_region_fd fds[EP_FD_CACHE_MAX];
};

/* ep.c */
int ep_request(struct tzs_vcpu *v, uint32_t type, const void *payload,
	       size_t len, uint32_t resp_type, void *resp, size_t resp_len,
	       int *fd);

/* Copy RX into the stash (mailbox lock held); the caller releases RX. */
void ep_rx_stash(struct tzs_ep *ep);

/* ep_mem.c */
void ep_mem_fini(struct tzs_ep *ep);

#endif /* EP_PRIV_H */
