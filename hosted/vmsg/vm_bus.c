// SPDX-License-Identifier: BSD-2-Clause
/*
 * VM side of the virtio-msg FF-A bus (driver role): the frontend core
 * (core/vmsg_ffa) with its host operations.
 *
 * Lifecycle: tzs_vmsg_bus_open() discovers the SP, negotiates VERSION,
 * configures events, enumerates devices and (static mode) shares the pool;
 * drivers (vm_echo.c, hosted/vsock/) attach per device; tzs_vmsg_bus_close() unshares and
 * reclaims everything still shared. When the SP dies every carriage call
 * fails with VMSG_T_E_BUS (FFA_ERROR(ABORTED) underneath) and close
 * reclaims directly: the SPMC relinquished the dead SP's retrievals.
 *
 * Carriage:
 *  - direct: FFA_MSG_SEND_DIRECT_REQ2 to the bus UUID, synchronous.
 *  - indirect: FFA_MSG_SEND2 into the SP's RX, then FFA_RUN of an SP
 *    context. Simplification (docs/virtio-msg.md): a real normal-world
 *    scheduler would learn from the schedule-receiver interrupt and
 *    FFA_NOTIFICATION_INFO_GET that the SP has a message to read; the bus
 *    knows it just sent one and runs the SP at once, saving an interrupt
 *    and a call. The SP answers with FFA_MSG_SEND2 before it parks again
 *    (FFA_MSG_WAIT completes our FFA_RUN), so the response is in our RX
 *    when FFA_RUN returns; we copy it out and FFA_RX_RELEASE.
 * Events: EVENT_CONFIGURE NOTIF (the SP sets FF-A notification notify_id,
 * which reaches us as an interrupt on the control socket; then
 * FFA_NOTIFICATION_GET and an EVENT_POLL drain), or POLL (EVENT_POLL
 * only). Either way an EVENT_POLL runs at least every 100 ms while someone
 * waits, so a lost interrupt delays an event but never loses it.
 */
#include "vmsg_host_priv.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tzshare/nwd.h>
#include <tzshare/platform.h>

#define MAILBOX_RESERVE (1ull << 20) /* top of DRAM: RX/TX */
#define DEFAULT_POOL_PAGES 1024u
#define DEFAULT_EVENT_TIMEOUT_MS 5000
#define POLL_SLICE_MS 100
#define RUN_TRIES 20000
#define SEND2_TRIES 2000
#define IRQ_DRAIN_MAX 1024
#define POOL_MIN_SHIFT 6 /* 64-byte bounce granules: a cache line */
#define NOTIF_GET_FROM_SP 1u

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void sleep_us(long us)
{
	struct timespec ts = { .tv_sec = us / 1000000,
			       .tv_nsec = (us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
	}
}

static bool is_success(const struct ffa_regs *r)
{
	return (uint32_t)r->x[0] == FFA_SUCCESS_32 ||
	       (uint32_t)r->x[0] == FFA_SUCCESS_64;
}

static int ffa_status(const struct ffa_regs *r)
{
	if (is_success(r)) {
		return FFA_OK;
	}
	return (uint32_t)r->x[0] == FFA_ERROR ? ffa_regs_error_code(r) :
						FFA_ABORTED;
}

static int bus_fail(struct tzs_vmsg_bus *b, int ffa_err)
{
	b->last_ffa = ffa_err;
	b->stats.xfer_errors++;
	return VMSG_T_E_BUS;
}

/* ---------------------------------------------------------------------- */
/* Carriage                                                                */

static int xfer_direct(struct tzs_vmsg_bus *b, const uint8_t *msg, size_t len,
		       uint8_t *resp, size_t cap, size_t *resp_len)
{
	uint64_t args[VMSG_HOST_DIRECT_REGS], ret[VMSG_HOST_DIRECT_REGS];
	uint8_t rb[VMSG_FFA_DIRECT_MAX];
	size_t n = 0;
	int rc = 0;

	if (len > VMSG_FFA_DIRECT_MAX) {
		return VMSG_T_E_BUS;
	}
	vmsg_host_bytes_to_regs(msg, len, args, VMSG_HOST_DIRECT_REGS);
	rc = tzs_vcpu_direct_req2(b->v, b->sp_id, TZS_UUID_VIRTIO_MSG_BUS, args,
				  ret);
	if (rc != FFA_OK) {
		return bus_fail(b, rc);
	}
	vmsg_host_regs_to_bytes(ret, rb, sizeof(rb));
	n = vmsg_host_msg_len(rb, sizeof(rb));
	if (n > cap) {
		n = 0;
	}
	memcpy(resp, rb, n);
	*resp_len = n;
	return VMSG_T_OK;
}

/*
 * FFA_RUN an SP context until one takes the CPU and parks again (FFA_MSG_WAIT
 * completes our FFA_RUN). A context busy with another client answers BUSY:
 * try the next one, and back off once all were tried.
 */
static int run_sp(struct tzs_vmsg_bus *b)
{
	unsigned int i = 0, ctx = 0;
	struct ffa_regs r;
	int rc = 0;

	for (i = 0; i < RUN_TRIES; i++) {
		ctx = (b->run_ctx + i) % b->sp_exec_count;
		r = tzs_vcpu_call8(b->v, FFA_RUN,
				   (uint32_t)b->sp_id << 16 | ctx, 0, 0, 0, 0,
				   0, 0);
		if ((uint32_t)r.x[0] == FFA_MSG_WAIT) {
			return FFA_OK;
		}
		if ((uint32_t)r.x[0] == FFA_YIELD) {
			continue; /* it gave the CPU back early: run it on */
		}
		rc = ffa_status(&r);
		if (rc != FFA_BUSY) {
			return rc == FFA_OK ? FFA_ABORTED : rc;
		}
		b->stats.busy_retries++;
		if (i >= b->sp_exec_count) {
			sleep_us(100);
		}
	}
	return FFA_BUSY;
}

static int xfer_indirect(struct tzs_vmsg_bus *b, const uint8_t *msg, size_t len,
			 uint8_t *resp, size_t cap, size_t *resp_len)
{
	bool event = len >= 2 && vmsg_id_is_event(msg[1]);
	uint8_t rb[VMSG_MAX_SIZE];
	uint16_t sender = 0;
	bool foreign = false;
	unsigned int i = 0;
	size_t n = 0;
	int rc = 0, got = 0;

	for (i = 0; i < SEND2_TRIES; i++) {
		rc = vmsg_host_send2(b->v, b->vm_id, b->sp_id, msg, len);
		if (rc != FFA_BUSY) {
			break;
		}
		/* The SP's RX holds someone's message: let it drain. */
		b->stats.busy_retries++;
		rc = run_sp(b);
		if (rc != FFA_OK && rc != FFA_BUSY) {
			return bus_fail(b, rc);
		}
		sleep_us(100);
	}
	if (rc != FFA_OK) {
		return bus_fail(b, rc);
	}
	rc = run_sp(b);
	if (rc != FFA_OK) {
		return bus_fail(b, rc);
	}
	*resp_len = 0;
	got = vmsg_host_rx_take(b->v, b->vm_id, b->sp_id, rb, sizeof(rb), &n,
				&sender, &foreign);
	if (event) {
		return VMSG_T_OK;
	}
	if (got != 1 || foreign || n > cap) {
		/* The SP dropped the request: no response will come. */
		b->stats.xfer_errors++;
		return VMSG_T_E_TIMEOUT;
	}
	memcpy(resp, rb, n);
	*resp_len = n;
	return VMSG_T_OK;
}

static int op_xfer(void *ctx, const uint8_t *msg, size_t len, uint8_t *resp,
		   size_t cap, size_t *resp_len)
{
	struct tzs_vmsg_bus *b = ctx;

	b->stats.xfers++;
	*resp_len = 0;
	return b->o.indirect ? xfer_indirect(b, msg, len, resp, cap, resp_len) :
			       xfer_direct(b, msg, len, resp, cap, resp_len);
}

/* ---------------------------------------------------------------------- */
/* Memory and events                                                       */

static int op_mem_share(void *ctx, uint64_t pa, uint32_t page_count,
			uint32_t attrs, uint64_t *handle)
{
	struct tzs_vmsg_bus *b = ctx;
	uint8_t perms = attrs & VMSG_AREA_ATTR_WRITABLE ? FFA_PERM_DATA_RW :
							  FFA_PERM_DATA_RO;
	int rc = 0;

	switch (attrs & VMSG_AREA_ATTR_TYPE_MASK) {
	case 0:
		rc = tzs_vm_mem_share(b->v, &b->sp_id, 1, perms, pa, page_count,
				      0, handle);
		break;
	case 1:
		rc = tzs_vm_mem_lend(b->v, &b->sp_id, 1, perms, pa, page_count,
				     0, 0, handle);
		break;
	default:
		/* A donated area could never come back: not offered. */
		rc = FFA_NOT_SUPPORTED;
		break;
	}
	if (rc != FFA_OK) {
		return bus_fail(b, rc);
	}
	b->stats.shares++;
	return VMSG_T_OK;
}

static int op_mem_reclaim(void *ctx, uint64_t handle)
{
	struct tzs_vmsg_bus *b = ctx;
	int rc = tzs_ep_mem_reclaim(b->v, handle, 0);

	if (rc != FFA_OK) {
		return bus_fail(b, rc);
	}
	b->stats.reclaims++;
	return VMSG_T_OK;
}

static void op_device_event(void *ctx, const struct vmsg *ev)
{
	struct tzs_vmsg_bus *b = ctx;
	unsigned int slot = 0;

	if ((ev->hdr.type & VMSG_TYPE_BUS) &&
	    ev->hdr.msg_id == VMSG_BUS_EVENT_DEVICE) {
		b->stats.hotplug_events++;
		if (b->hp_count == VMSG_HOST_HOTPLUG_QUEUE) {
			return; /* the test reading them fell behind */
		}
		slot = (b->hp_head + b->hp_count) % VMSG_HOST_HOTPLUG_QUEUE;
		b->hp[slot].dev_num = ev->u.event_device.dev_num;
		b->hp[slot].state = ev->u.event_device.state;
		b->hp_count++;
		return;
	}
	if (!(ev->hdr.type & VMSG_TYPE_BUS) &&
	    ev->hdr.dev_num < VMSG_FFA_MAX_DEVICES &&
	    b->drv[ev->hdr.dev_num].ops) {
		b->drv[ev->hdr.dev_num].ops->event(b->drv[ev->hdr.dev_num].ctx,
						   ev);
	}
}

static const struct vmsg_ffa_frontend_ops fe_ops = {
	.xfer = op_xfer,
	.mem_share = op_mem_share,
	.mem_reclaim = op_mem_reclaim,
	.device_event = op_device_event,
};

/* The transport's bus calls, taken under the bus lock. */
static int drv_request(void *ctx, struct vmsg *req, struct vmsg *resp)
{
	struct tzs_vmsg_bus *b = ctx;
	int rc = 0;

	pthread_mutex_lock(&b->lock);
	rc = b->fe.drv_bus.request(&b->fe, req, resp);
	pthread_mutex_unlock(&b->lock);
	return rc;
}

static int drv_event(void *ctx, struct vmsg *ev)
{
	struct tzs_vmsg_bus *b = ctx;
	int rc = 0;

	pthread_mutex_lock(&b->lock);
	rc = b->fe.drv_bus.event(&b->fe, ev);
	pthread_mutex_unlock(&b->lock);
	return rc;
}

int vmsg_bus_request(struct tzs_vmsg_bus *b, struct vmsg *req,
		     struct vmsg *resp)
{
	return drv_request(b, req, resp);
}

/* ---------------------------------------------------------------------- */
/* Open / close                                                            */

static int find_sp(struct tzs_vmsg_bus *b)
{
	struct ffa_partition_info info[4];
	uint32_t count = 0, i = 0;
	int rc = tzs_vcpu_partition_info(b->v, TZS_UUID_VIRTIO_MSG_BUS, info, 4,
					 &count);

	if (rc != FFA_OK) {
		b->last_ffa = rc;
		return -ENODEV;
	}
	for (i = 0; i < count && i < 4; i++) {
		if (!b->o.sp_id || info[i].id == b->o.sp_id) {
			b->sp_id = info[i].id;
			b->sp_exec_count = info[i].exec_count;
			break;
		}
	}
	if (!b->sp_id || !b->sp_exec_count) {
		return -ENODEV;
	}
	if (b->o.indirect ? !(info[i].props & FFA_PART_PROP_INDIRECT_MSG) :
			    !(info[i].props & FFA_PART_PROP_DIRECT_REQ2_RECV)) {
		return -ENOTSUP;
	}
	return 0;
}

/* A core buddy allocator over [0, size) with its metadata on the heap. */
static int buddy_new(struct tzs_buddy *a, uint8_t **meta, uint64_t size,
		     unsigned int min_shift)
{
	size_t n = tzs_buddy_meta_bytes(size, min_shift);

	*meta = n ? malloc(n) : NULL;
	if (!*meta) {
		return -ENOMEM;
	}
	if (tzs_buddy_init(a, size, min_shift, *meta, n) != TZS_BUDDY_OK) {
		free(*meta);
		*meta = NULL;
		return -ENOMEM;
	}
	return 0;
}

static void buddy_delete(struct tzs_buddy *a, uint8_t **meta)
{
	free(*meta);
	*meta = NULL;
	memset(a, 0, sizeof(*a));
}

static int window_init(struct tzs_vmsg_bus *b)
{
	uint64_t base = tzs_ep_mem_base(b->vm), size = tzs_ep_mem_size(b->vm);

	b->win_pa = b->o.mem_pa;
	b->win_size = b->o.mem_size;
	if (!b->win_pa && !b->win_size) {
		if (size <= 2 * MAILBOX_RESERVE) {
			return -ENOMEM;
		}
		b->win_pa = base;
		b->win_size = size - MAILBOX_RESERVE;
	}
	if ((b->win_pa | b->win_size) & (TZS_PAGE_SIZE - 1)) {
		return -EINVAL;
	}
	b->win_va = tzs_ep_pa(b->vm, b->win_pa, b->win_size);
	if (!b->win_va || b->win_size < TZS_PAGE_SIZE) {
		return -EINVAL;
	}
	return buddy_new(&b->dram, &b->dram_meta, b->win_size, TZS_PAGE_SHIFT);
}

/* NOTIF needs our notification bitmap and notify_id bound to the SP. */
static bool notif_setup(struct tzs_vmsg_bus *b)
{
	struct ffa_regs r;
	uint64_t bit = 1ull << (b->o.notify_id & 63);

	r = tzs_vcpu_call8(b->v, FFA_NOTIFICATION_BITMAP_CREATE, b->vm_id,
			   tzs_ep_exec_count(b->vm), 0, 0, 0, 0, 0);
	if (is_success(&r)) {
		b->bitmap_created = true;
	} else if (ffa_regs_error_code(&r) != FFA_DENIED) {
		return false; /* DENIED: someone created it already */
	}
	r = tzs_vcpu_call8(b->v, FFA_NOTIFICATION_BIND,
			   (uint32_t)b->sp_id << 16 | b->vm_id, 0,
			   (uint32_t)bit, (uint32_t)(bit >> 32), 0, 0, 0);
	b->notif_bound = is_success(&r);
	return b->notif_bound;
}

static void notif_teardown(struct tzs_vmsg_bus *b)
{
	uint64_t bit = 1ull << (b->o.notify_id & 63);

	if (b->notif_bound) {
		tzs_vcpu_call8(b->v, FFA_NOTIFICATION_UNBIND,
			       (uint32_t)b->sp_id << 16 | b->vm_id, 0,
			       (uint32_t)bit, (uint32_t)(bit >> 32), 0, 0, 0);
		b->notif_bound = false;
	}
	if (b->bitmap_created) {
		tzs_vcpu_call8(b->v, FFA_NOTIFICATION_BITMAP_DESTROY, b->vm_id,
			       0, 0, 0, 0, 0, 0);
		b->bitmap_created = false;
	}
}

/*
 * The static pool: pages of the DMA window shared once as one area, with
 * the retention hint (virtio-msg.md §2.3: "keep" for pool areas).
 */
static int pool_share(struct tzs_vmsg_bus *b)
{
	int rc = vmsg_ffa_frontend_area_share(
		&b->fe, b->pool_mem.pa, (uint32_t)(b->pool_mem.len >> 12),
		VMSG_FFA_AREA_ATTRS_RW | VMSG_AREA_ATTR_RETAIN, &b->pool_bus);

	b->pool_shared = rc == VMSG_T_OK;
	if (b->pool_shared) {
		b->pool_area =
			(uint16_t)(b->pool_bus >> VMSG_BUS_ADDR_AREA_SHIFT);
	}
	return rc;
}

static int pool_init(struct tzs_vmsg_bus *b)
{
	uint32_t pages = b->o.pool_page_count ? b->o.pool_page_count :
						DEFAULT_POOL_PAGES;
	uint64_t off = 0;

	if (tzs_buddy_alloc(&b->dram, (uint64_t)pages << 12, 1, &off) !=
	    TZS_BUDDY_OK) {
		return VMSG_T_E_NOMEM;
	}
	b->pool_mem.pa = b->win_pa + (uint64_t)off;
	b->pool_mem.va = b->win_va + off;
	b->pool_mem.len = (uint64_t)pages << 12;
	if (buddy_new(&b->pool, &b->pool_meta, b->pool_mem.len,
		      POOL_MIN_SHIFT)) {
		return VMSG_T_E_NOMEM;
	}
	return pool_share(b);
}

static int bus_bringup(struct tzs_vmsg_bus *b)
{
	bool notif = false;
	int rc = 0;

	vmsg_ffa_frontend_init(&b->fe, &fe_ops, b, tzs_ep_version(b->vm));
	rc = vmsg_ffa_frontend_version(&b->fe);
	if (rc) {
		return rc;
	}
	notif = !b->o.poll_events && notif_setup(b);
	rc = vmsg_ffa_frontend_configure_events(&b->fe, notif, b->o.notify_id);
	if (rc && notif) {
		/* Fall back to polling (virtio-msg.md §2.2). */
		notif_teardown(b);
		rc = vmsg_ffa_frontend_configure_events(&b->fe, false, 0);
	}
	if (rc) {
		return rc;
	}
	rc = vmsg_ffa_frontend_enumerate(&b->fe);
	if (rc) {
		return rc;
	}
	return b->o.dynamic ? VMSG_T_OK : pool_init(b);
}

int tzs_vmsg_bus_open(struct tzs_ep *vm, const struct tzs_vmsg_bus_opts *o,
		      struct tzs_vmsg_bus **out)
{
	struct tzs_vmsg_bus *b = calloc(1, sizeof(*b));
	int rc = 0;

	if (!b) {
		return -ENOMEM;
	}
	if (o) {
		b->o = *o;
	}
	if (!b->o.event_timeout_ms) {
		b->o.event_timeout_ms = DEFAULT_EVENT_TIMEOUT_MS;
	}
	b->vm = vm;
	b->vm_id = tzs_ep_id(vm);
	b->v = tzs_ep_vcpu(vm, b->o.vcpu);
	pthread_mutex_init(&b->lock, NULL);
	b->drv_ops.request = drv_request;
	b->drv_ops.event = drv_event;
	if (!b->v) {
		rc = -EINVAL;
		goto out_free;
	}
	b->run_ctx = b->o.vcpu;
	rc = find_sp(b);
	if (!rc) {
		rc = window_init(b);
	}
	if (rc) {
		goto out_free;
	}
	if (b->o.indirect) {
		/* Partition discovery left descriptors in RX: never let them
		 * pass for a message header. */
		tzs_ep_mailbox_lock(vm);
		vmsg_host_rx_clear(vm);
		tzs_ep_mailbox_unlock(vm);
	}
	pthread_mutex_lock(&b->lock);
	rc = bus_bringup(b);
	b->drv_ops.max_msg_size = b->fe.drv_bus.max_msg_size;
	pthread_mutex_unlock(&b->lock);
	if (rc) {
		tzs_vmsg_bus_close(b);
		return rc;
	}
	*out = b;
	return 0;
out_free:
	pthread_mutex_destroy(&b->lock);
	buddy_delete(&b->dram, &b->dram_meta);
	free(b);
	return rc;
}

/* Unshare every area still ours; reclaim directly when the device side is
 * gone or refuses (the SPMC answers DENIED while the SP still holds it). */
static void areas_drop(struct tzs_vmsg_bus *b)
{
	unsigned int i = 0;

	for (i = 0; i < VMSG_FFA_MAX_AREAS; i++) {
		struct vmsg_ffa_frontend_area *a = &b->fe.areas[i];
		int rc = 0;

		if (!a->used) {
			continue;
		}
		rc = a->release_pending ?
			     VMSG_T_E_STATE :
			     vmsg_ffa_frontend_area_unshare(&b->fe, a->id);
		if (rc != VMSG_T_OK && a->used &&
		    tzs_ep_mem_reclaim(b->v, a->handle, 0) == FFA_OK) {
			b->stats.reclaims++;
			a->used = false;
		}
	}
}

void tzs_vmsg_bus_close(struct tzs_vmsg_bus *b)
{
	if (!b) {
		return;
	}
	pthread_mutex_lock(&b->lock);
	areas_drop(b);
	notif_teardown(b);
	pthread_mutex_unlock(&b->lock);
	buddy_delete(&b->pool, &b->pool_meta);
	buddy_delete(&b->dram, &b->dram_meta);
	pthread_mutex_destroy(&b->lock);
	free(b);
}

/* ---------------------------------------------------------------------- */
/* Bus operations                                                          */

uint16_t tzs_vmsg_bus_sp_id(const struct tzs_vmsg_bus *b)
{
	return b->sp_id;
}

bool tzs_vmsg_bus_dynamic(const struct tzs_vmsg_bus *b)
{
	return b->o.dynamic;
}

bool tzs_vmsg_bus_present(struct tzs_vmsg_bus *b, uint16_t dev_num)
{
	bool p = false;

	pthread_mutex_lock(&b->lock);
	p = vmsg_ffa_frontend_present(&b->fe, dev_num);
	pthread_mutex_unlock(&b->lock);
	return p;
}

int tzs_vmsg_bus_enumerate(struct tzs_vmsg_bus *b)
{
	int rc = 0;

	pthread_mutex_lock(&b->lock);
	rc = vmsg_ffa_frontend_enumerate(&b->fe);
	pthread_mutex_unlock(&b->lock);
	return rc;
}

int tzs_vmsg_bus_ping(struct tzs_vmsg_bus *b, uint32_t data)
{
	int rc = 0;

	pthread_mutex_lock(&b->lock);
	rc = vmsg_ffa_frontend_ping(&b->fe, data);
	pthread_mutex_unlock(&b->lock);
	return rc;
}

int tzs_vmsg_bus_reset(struct tzs_vmsg_bus *b)
{
	unsigned int i = 0;
	int rc = 0;

	pthread_mutex_lock(&b->lock);
	rc = vmsg_ffa_frontend_reset(&b->fe);
	/* Drivers must set their devices up again: their areas are gone. */
	for (i = 0; i < VMSG_FFA_MAX_DEVICES; i++) {
		if (b->drv[i].ops) {
			b->drv[i].ops->bus_reset(b->drv[i].ctx);
		}
	}
	if (rc == VMSG_T_OK && b->pool_shared &&
	    !vmsg_ffa_frontend_area(&b->fe, b->pool_area)) {
		/* The pool area went with the reset (the drivers gave their
		 * bounce buffers back above): share it again. */
		rc = pool_share(b);
	}
	pthread_mutex_unlock(&b->lock);
	return rc;
}

/* Take every queued interrupt; true when one came. */
static int irqs_take(struct tzs_vmsg_bus *b, bool *any)
{
	uint32_t irq = 0;
	unsigned int i = 0;
	int rc = 0;

	*any = false;
	for (i = 0; i < IRQ_DRAIN_MAX; i++) {
		rc = tzs_vm_irq_wait(b->vm, 0, &irq);
		if (rc == -ETIMEDOUT) {
			return 0;
		}
		if (rc) {
			return bus_fail(b, FFA_ABORTED);
		}
		b->stats.irqs++;
		*any = true;
	}
	return 0;
}

/* Drain EVENT_POLL until the device has nothing more. */
static int poll_drain(struct tzs_vmsg_bus *b)
{
	int n = 0, total = 0;

	b->stats.polls++;
	do {
		n = vmsg_ffa_frontend_poll(&b->fe, 64);
		if (n < 0) {
			return n;
		}
		total += n;
	} while (n == 64);
	return total;
}

/* One round: interrupts, then notifications, then EVENT_POLL if needed. */
static int events_round(struct tzs_vmsg_bus *b, bool force)
{
	uint64_t bit = 1ull << (b->o.notify_id & 63);
	struct ffa_regs r;
	bool any = false;
	int rc = 0;

	if (b->fe.event_method == VMSG_EVENT_METHOD_NOTIF) {
		rc = irqs_take(b, &any);
		if (rc) {
			return rc;
		}
		if (any) {
			r = tzs_vcpu_call8(
				b->v, FFA_NOTIFICATION_GET,
				(uint32_t)tzs_vcpu_index(b->v) << 16 | b->vm_id,
				NOTIF_GET_FROM_SP, 0, 0, 0, 0, 0);
			if (is_success(&r) &&
			    ((uint64_t)(uint32_t)r.x[2] |
			     (uint64_t)(uint32_t)r.x[3] << 32) &
				    bit) {
				force = true;
			}
		}
	} else {
		force = true;
	}
	return force ? poll_drain(b) : 0;
}

int tzs_vmsg_bus_events(struct tzs_vmsg_bus *b, int timeout_ms)
{
	uint64_t deadline = 0, next_force = 0, t = 0;
	struct pollfd pfd;
	int rc = 0, wait = 0;
	bool force = true;

	if (timeout_ms < 0) {
		timeout_ms = b->o.event_timeout_ms;
	}
	deadline = now_ms() + (uint64_t)timeout_ms;
	for (;;) {
		t = now_ms();
		if (t >= next_force) {
			force = true;
			next_force = t + POLL_SLICE_MS;
		}
		pthread_mutex_lock(&b->lock);
		rc = events_round(b, force);
		pthread_mutex_unlock(&b->lock);
		force = false;
		if (rc != 0) {
			return rc;
		}
		t = now_ms();
		if (t >= deadline) {
			return 0;
		}
		wait = (int)(deadline - t < POLL_SLICE_MS ? deadline - t :
							    POLL_SLICE_MS);
		if (b->fe.event_method == VMSG_EVENT_METHOD_NOTIF) {
			pfd.fd = tzs_vm_irq_fd(b->vm);
			pfd.events = POLLIN;
			pfd.revents = 0;
			(void)poll(&pfd, 1, wait);
		} else {
			/* POLL method: the device cannot tell us; look again
			 * soon (1 ms), not spinning on a core we share. */
			sleep_us(1000);
		}
	}
}

int tzs_vmsg_bus_hotplug(struct tzs_vmsg_bus *b, uint16_t *dev_num,
			 uint16_t *state)
{
	int rc = -EAGAIN;

	pthread_mutex_lock(&b->lock);
	if (b->hp_count) {
		*dev_num = b->hp[b->hp_head].dev_num;
		*state = b->hp[b->hp_head].state;
		b->hp_head = (b->hp_head + 1) % VMSG_HOST_HOTPLUG_QUEUE;
		b->hp_count--;
		rc = 0;
	}
	pthread_mutex_unlock(&b->lock);
	return rc;
}

int tzs_vmsg_bus_last_ffa_error(struct tzs_vmsg_bus *b)
{
	int rc = 0;

	pthread_mutex_lock(&b->lock);
	rc = b->last_ffa;
	pthread_mutex_unlock(&b->lock);
	return rc;
}

void tzs_vmsg_bus_get_stats(struct tzs_vmsg_bus *b,
			    struct tzs_vmsg_bus_stats *st)
{
	pthread_mutex_lock(&b->lock);
	*st = b->stats;
	pthread_mutex_unlock(&b->lock);
}

struct vmsg_ffa_frontend *tzs_vmsg_bus_frontend(struct tzs_vmsg_bus *b)
{
	return &b->fe;
}

/* ---------------------------------------------------------------------- */
/* DMA memory                                                              */

void vmsg_bus_attach_driver(struct tzs_vmsg_bus *b, uint16_t dev_num,
			    const struct vmsg_bus_driver_ops *ops, void *ctx)
{
	pthread_mutex_lock(&b->lock);
	if (dev_num < VMSG_FFA_MAX_DEVICES) {
		b->drv[dev_num].ops = ops;
		b->drv[dev_num].ctx = ops ? ctx : NULL;
	}
	pthread_mutex_unlock(&b->lock);
}
