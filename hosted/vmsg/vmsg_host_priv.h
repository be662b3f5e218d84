/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internals of the hosted virtio-msg glue (hosted/vmsg/): the carriage
 * helpers both roles share, and the VM-side bus object the drivers (echo,
 * vsock) reach into.
 *
 * Lock order (VM side): bus->lock, then the endpoint's mailbox lock. The
 * bus lock guards the frontend core, the allocators, the hotplug queue and
 * the driver table; a driver is used by one thread at a time and takes
 * the bus lock for every bus call it makes.
 */
#ifndef VMSG_HOST_PRIV_H
#define VMSG_HOST_PRIV_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tzshare/buddy.h>
#include <tzshare/lib.h>
#include <tzshare/vmsg_host.h>

/* ---------------------------------------------------------------------- */
/* carriage.c                                                              */

/* Bytes a direct request carries: x4..x16 (x17 stays zero). */
#define VMSG_HOST_DIRECT_REGS 14

void vmsg_host_regs_to_bytes(const uint64_t *x, uint8_t *buf, size_t len);
void vmsg_host_bytes_to_regs(const uint8_t *buf, size_t len, uint64_t *x,
			     unsigned int nregs);
/** msg_size of the message at @buf if it is plausible (8..@len), else 0. */
size_t vmsg_host_msg_len(const uint8_t *buf, size_t len);

/**
 * vmsg_host_send2() - FFA_MSG_SEND2 of @len bytes from @self to @dst with
 * the v1.2 header naming the bus UUID. Takes the mailbox lock. Returns the
 * FF-A status.
 */
int vmsg_host_send2(struct tzs_vcpu *v, uint16_t self, uint16_t dst,
		    const uint8_t *msg, size_t len);

/**
 * vmsg_host_rx_take() - if RX holds an indirect message to @self (from
 * @from, or anyone when 0) whose header passes the checks, copy its payload
 * out, clear the header and FFA_RX_RELEASE. Takes the mailbox lock.
 * Returns 1 with *len / *sender (and *foreign when the header names a UUID
 * other than the bus), 0 when RX holds no such message, or -1 when a
 * message was there but malformed (dropped and released).
 */
int vmsg_host_rx_take(struct tzs_vcpu *v, uint16_t self, uint16_t from,
		      uint8_t *buf, size_t cap, size_t *len, uint16_t *sender,
		      bool *foreign);

/** Zero the header area of RX (under the mailbox lock). */
void vmsg_host_rx_clear(struct tzs_ep *ep);

/* ---------------------------------------------------------------------- */
/* vm_bus.c, used by vm_echo.c                                             */

#define VMSG_HOST_HOTPLUG_QUEUE 64

/*
 * What the bus tells the driver bound to a device (vm_echo.c, the vsock
 * driver in hosted/vsock/); both called with the bus lock held.
 *  event      an event for the device (EVENT_CONFIG, EVENT_USED)
 *  bus_reset  a bus RESET took the device's state and every area on both
 *             sides: free local resources only, make no bus call
 */
struct vmsg_bus_driver_ops {
	void (*event)(void *ctx, const struct vmsg *ev);
	void (*bus_reset)(void *ctx);
};

struct tzs_vmsg_bus {
	struct tzs_ep *vm;
	struct tzs_vcpu *v;
	uint16_t vm_id;
	uint16_t sp_id;
	uint16_t sp_exec_count;
	struct tzs_vmsg_bus_opts o;

	pthread_mutex_t lock; /* guards everything below */
	struct vmsg_ffa_frontend fe;
	struct vmsg_drv_bus_ops drv_ops; /* fe.drv_bus under the lock */
	int last_ffa;
	bool bitmap_created;
	bool notif_bound;
	unsigned int run_ctx; /* SP context FFA_RUN tries first */

	uint64_t win_pa; /* DMA window of VM DRAM */
	uint8_t *win_va;
	uint64_t win_size;
	struct tzs_buddy dram; /* 4 KiB units; metadata in dram_meta */
	uint8_t *dram_meta;

	/*
	 * Static mode: the pool's pages, its area, and a buddy allocator of
	 * bounce buffers (the core's, as vmsg_ffa_dma_pool uses; kept here
	 * rather than a vmsg_ffa_dma_pool because the bus frees by address
	 * alone).
	 */
	struct tzs_vmsg_dma pool_mem;
	uint64_t pool_bus;
	uint16_t pool_area;
	bool pool_shared;
	struct tzs_buddy pool;
	uint8_t *pool_meta;

	struct {
		uint16_t dev_num;
		uint16_t state;
	} hp[VMSG_HOST_HOTPLUG_QUEUE];
	unsigned int hp_head;
	unsigned int hp_count;

	struct vmsg_bus_driver {
		const struct vmsg_bus_driver_ops *ops;
		void *ctx;
	} drv[VMSG_FFA_MAX_DEVICES];
	struct tzs_vmsg_bus_stats stats;
};

/* Bounce memory of the static pool (bus lock taken inside). */
int vmsg_bus_pool_alloc(struct tzs_vmsg_bus *b, uint32_t len, uint8_t **host,
			uint64_t *bus_addr);
void vmsg_bus_pool_free(struct tzs_vmsg_bus *b, uint64_t bus_addr);
/* The same with the bus lock held (bus reset). */
void vmsg_bus_pool_free_locked(struct tzs_vmsg_bus *b, uint64_t bus_addr);
/* Dynamic mode: share the pages of [pa, pa + len) as an area (bus lock
 * taken inside); the device may write it only if @writable. */
int vmsg_bus_dma_map(struct tzs_vmsg_bus *b, uint64_t pa, uint32_t len,
		     bool writable, uint64_t *bus_addr);
/* Unshare an area unless it already waits for its AREA_RELEASE. */
void vmsg_bus_area_drop(struct tzs_vmsg_bus *b, uint16_t area_id);
/* Bind (@ops non-NULL) or unbind the driver of @dev_num. */
void vmsg_bus_attach_driver(struct tzs_vmsg_bus *b, uint16_t dev_num,
			    const struct vmsg_bus_driver_ops *ops, void *ctx);
/** One transport request under the bus lock (for requests vmsg_drvt has
 * no call for, e.g. GET_DEVICE_STATUS). */
int vmsg_bus_request(struct tzs_vmsg_bus *b, struct vmsg *req,
		     struct vmsg *resp);

#endif /* VMSG_HOST_PRIV_H */
