// SPDX-License-Identifier: BSD-2-Clause
/*
 * SP side of the virtio-msg FF-A bus (device role): the backend core
 * (core/vmsg_ffa) with its host operations, one backend per driver VM.
 *
 * Lifecycle: a driver's backend is created by its first message (bus or
 * control) with the echo device at dev_num 1 and a virtio-vsock device at
 * dev_num 2 (guest CID 2 + VM id; echo, shared-memory reader and
 * transform, and sink services on ports 5000-5004, and the secure client
 * started by VSOCK_CLIENT), and lives
 * until the program
 * ends (tzs_vmsg_sp_destroy() after tzs_sp_main()). Devices come and go with
 * the ADD / REMOVE control commands (the core queues EVENT_DEVICE). Areas:
 * AREA_SHARE retrieves the handle (owner = the driver VM) and keeps the
 * mapping until AREA_UNSHARE / RESET relinquish it. A VM that dies is not
 * noticed here (no VM-destroyed framework message is asked for): its
 * backend stays, and the SPMC relinquishes nothing on our behalf until we
 * do (docs/virtio-msg.md, limits).
 *
 * Threads: every execution context may serve the bus. The cores are not
 * thread-safe, so s->lock serialises every entry (direct request, run hook,
 * control command); s->cur names the context whose vCPU the core's host
 * operations (retrieve, relinquish, notification) must call on.
 *
 * Time: the SP has no timer. Every entry first ticks every vsock device
 * with the monotonic clock (once per millisecond at most), so connect and
 * close timeouts run while any driver talks to the SP (a waiting driver
 * polls at least every 100 ms).
 */
#include "vmsg_host_priv.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <tzshare/ffa.h>
#include <tzshare/platform.h>
#include <tzshare/vdev_echo.h>
#include <tzshare/vdev_vsock.h>
#include <tzshare/vsock_host.h>

#define NOTIF_GET_FROM_SPM (1u << 2)
#define FW_NOTIF_RX_FULL (1u << 0)
#define SEND2_TRIES 16
#define DEFAULT_DEV_NUM 1u

/* What the driver side is told to expect from the device. */
_Static_assert(VDEV_VSOCK_RX_PKT_MAX <= TZS_VSOCK_RX_BUF_SIZE,
	       "device packets must fit the driver's rx buffers");
_Static_assert(VDEV_VSOCK_PAYLOAD_MAX >= TZS_VSOCK_PAYLOAD_MAX,
	       "the device must take the driver's largest packet");
_Static_assert(TZS_VSOCK_PORT_ECHO == VDEV_VSOCK_PORT_ECHO &&
		       TZS_VSOCK_PORT_READER == VDEV_VSOCK_PORT_READER &&
		       TZS_VSOCK_PORT_TRANSFORM == VDEV_VSOCK_PORT_TRANSFORM &&
		       TZS_VSOCK_PORT_SINK == VDEV_VSOCK_PORT_SINK &&
		       TZS_VSOCK_PORT_SINK_SUM == VDEV_VSOCK_PORT_SINK_SUM &&
		       TZS_VSOCK_PORT_COPIER == VDEV_VSOCK_PORT_COPIER,
	       "service ports");

/* What we advertise in VERSION: both carriages, notifications to the
 * driver. */
#define SP_BUS_FEATURES                                          \
	(VMSG_FFA_BUS_F_DIRECT_RX | VMSG_FFA_BUS_F_INDIRECT_RX | \
	 VMSG_FFA_BUS_F_INDIRECT_TX | VMSG_FFA_BUS_F_NOTIF_TX)

/* The secure services of a vsock device (<tzshare/vsock_host.h> ports). */
struct sp_vsock_svcs {
	struct vdev_vsock_echo echo;
	struct vdev_vsock_echo echo_seq;
	struct vdev_vsock_shm_svc reader;
	struct vdev_vsock_shm_svc transform;
	struct vdev_vsock_shm_svc copier;
	struct vdev_vsock_sink sink;
	struct vdev_vsock_sink sink_sum;
	struct vdev_vsock_client client; /* VSOCK_CLIENT */
};

struct sp_dev {
	uint32_t kind;
	struct vdev_echo echo;
	/* TZS_VMSG_DEV_VSOCK: several MiB each, on the heap. */
	struct vdev_vsock *vsock;
	struct sp_vsock_svcs *svcs;
	struct vmsg_devt t;
};

struct sp_drv {
	struct tzs_vmsg_sp *s;
	uint16_t vm_id;
	struct vmsg_ffa_backend be;
	struct sp_dev *devs[VMSG_FFA_MAX_DEVICES];
};

struct tzs_vmsg_sp {
	pthread_mutex_t lock; /* guards everything below and the cores */
	struct tzs_ep *ep;
	struct tzs_vcpu *cur; /* the serving context, while lock is held */
	struct sp_drv *drv[TZS_VMSG_SP_MAX_DRIVERS];
};

/* ---------------------------------------------------------------------- */
/* Backend host operations (called by the core under s->lock)              */

static enum ffa_mem_kind attrs_kind(uint32_t attrs)
{
	switch (attrs & VMSG_AREA_ATTR_TYPE_MASK) {
	case 1:
		return FFA_MEM_KIND_LEND;
	case 2:
		return FFA_MEM_KIND_DONATE;
	default:
		return FFA_MEM_KIND_SHARE;
	}
}

static uint8_t *op_area_map(void *ctx, uint64_t handle, uint64_t tag,
			    uint32_t page_count, uint32_t attrs)
{
	struct sp_drv *d = ctx;
	struct tzs_mem_retrieve_args a;
	struct tzs_mem_map *m = NULL;
	int rc = 0;

	memset(&a, 0, sizeof(a));
	a.handle = handle;
	a.owner = d->vm_id;
	a.tag = tag;
	a.kind = attrs_kind(attrs);
	a.perms = attrs & VMSG_AREA_ATTR_WRITABLE ? FFA_PERM_DATA_RW :
						    FFA_PERM_DATA_RO;
	/* A single-borrower LEND / DONATE names the instruction access; a
	 * SHARE leaves it unspecified (ffa.md §3.1). */
	if (a.kind != FFA_MEM_KIND_SHARE) {
		a.perms |= FFA_PERM_INSTR_NX;
	}
	rc = tzs_ep_mem_retrieve(d->s->cur, &a, &m);
	if (rc != FFA_OK) {
		tzs_sp_log(d->s->ep, "vmsg: retrieve 0x%llx: %s",
			   (unsigned long long)handle, ffa_error_name(rc));
		return NULL;
	}
	if (m->page_count != page_count) {
		/* AREA_SHARE named a size the transaction does not have. */
		tzs_sp_log(d->s->ep, "vmsg: area of %u pages, handle has %llu",
			   page_count, (unsigned long long)m->page_count);
		tzs_ep_mem_relinquish(d->s->cur, m, 0);
		return NULL;
	}
	return m->va;
}

static void op_area_unmap(void *ctx, uint8_t *va, uint32_t page_count,
			  uint64_t handle)
{
	struct sp_drv *d = ctx;
	struct tzs_mem_map *m = tzs_ep_mem_find(d->s->ep, handle);
	int rc = 0;

	(void)va;
	(void)page_count;
	if (!m) {
		return;
	}
	/* Unmaps whatever the answer (a donation we own cannot be
	 * relinquished, but the mapping goes all the same). */
	rc = tzs_ep_mem_relinquish(d->s->cur, m, 0);
	if (rc != FFA_OK) {
		tzs_sp_log(d->s->ep, "vmsg: relinquish 0x%llx: %s",
			   (unsigned long long)handle, ffa_error_name(rc));
	}
}

static void op_notify(void *ctx, uint16_t notify_id)
{
	struct sp_drv *d = ctx;
	uint64_t bit = 1ull << (notify_id & 63);
	struct ffa_regs r;

	r = tzs_vcpu_call8(d->s->cur, FFA_NOTIFICATION_SET,
			   (uint32_t)tzs_ep_id(d->s->ep) << 16 | d->vm_id, 0,
			   (uint32_t)bit, (uint32_t)(bit >> 32), 0, 0, 0);
	if ((uint32_t)r.x[0] == FFA_ERROR) {
		tzs_sp_log(d->s->ep, "vmsg: notification to 0x%x: %s", d->vm_id,
			   ffa_error_name(ffa_regs_error_code(&r)));
	}
}

static const struct vmsg_ffa_backend_ops be_ops = {
	.area_map = op_area_map,
	.area_unmap = op_area_unmap,
	.notify = op_notify,
};

/* ---------------------------------------------------------------------- */
/* Drivers and devices                                                     */

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void dev_free(struct sp_dev *dev)
{
	if (dev) {
		free(dev->vsock);
		free(dev->svcs);
		free(dev);
	}
}

/* The shared-memory services print one line per offer (the demo shows it). */
static void svc_log(void *ctx, const char *line)
{
	struct sp_drv *d = ctx;

	tzs_sp_print(d->s->ep, "vsock 0x%x: %s", d->vm_id, line);
}

static int svcs_attach(struct sp_drv *d, struct vdev_vsock *v,
		       struct sp_vsock_svcs *sv)
{
	int rc = vdev_vsock_echo_attach(v, &sv->echo, TZS_VSOCK_PORT_ECHO,
					VSOCK_TYPE_STREAM);

	if (!rc) {
		rc = vdev_vsock_echo_attach(v, &sv->echo_seq,
					    TZS_VSOCK_PORT_ECHO_SEQ,
					    VSOCK_TYPE_SEQPACKET);
	}
	if (!rc) {
		rc = vdev_vsock_reader_attach(
			v, &sv->reader, TZS_VSOCK_PORT_READER, svc_log, d);
	}
	if (!rc) {
		rc = vdev_vsock_transform_attach(v, &sv->transform,
						 TZS_VSOCK_PORT_TRANSFORM,
						 svc_log, d);
	}
	if (!rc) {
		rc = vdev_vsock_copier_attach(v, &sv->copier,
					      TZS_VSOCK_PORT_COPIER);
	}
	if (!rc) {
		rc = vdev_vsock_sink_attach(v, &sv->sink, TZS_VSOCK_PORT_SINK,
					    false);
	}
	if (!rc) {
		rc = vdev_vsock_sink_attach(v, &sv->sink_sum,
					    TZS_VSOCK_PORT_SINK_SUM, true);
	}
	if (!rc) {
		rc = vdev_vsock_client_attach(v, &sv->client);
	}
	return rc;
}

/* A vsock device for driver @d: its CID names the VM, services attached. */
static int vsock_new(struct sp_drv *d, struct sp_dev *dev)
{
	dev->vsock = malloc(sizeof(*dev->vsock));
	dev->svcs = calloc(1, sizeof(*dev->svcs));
	if (!dev->vsock || !dev->svcs) {
		return FFA_NO_MEMORY;
	}
	vdev_vsock_init(dev->vsock, TZS_VSOCK_CID(d->vm_id));
	dev->vsock->now_ms = now_ms();
	if (svcs_attach(d, dev->vsock, dev->svcs) != VSOCK_OK) {
		return FFA_NO_MEMORY;
	}
	return FFA_OK;
}

static int dev_add(struct sp_drv *d, uint16_t dev_num, uint32_t kind)
{
	struct vmsg_device *vdev = NULL;
	struct sp_dev *dev = NULL;
	int rc = FFA_OK;

	if (!dev_num || dev_num >= VMSG_FFA_MAX_DEVICES ||
	    (kind != TZS_VMSG_DEV_ECHO && kind != TZS_VMSG_DEV_VSOCK)) {
		return FFA_INVALID_PARAMETERS;
	}
	if (d->devs[dev_num]) {
		return FFA_DENIED;
	}
	dev = calloc(1, sizeof(*dev));
	if (!dev) {
		return FFA_NO_MEMORY;
	}
	dev->kind = kind;
	if (kind == TZS_VMSG_DEV_VSOCK) {
		rc = vsock_new(d, dev);
		vdev = dev->vsock ? &dev->vsock->dev : NULL;
	} else {
		vdev_echo_init(&dev->echo);
		vdev = &dev->echo.dev;
	}
	if (rc == FFA_OK &&
	    vmsg_ffa_backend_add(&d->be, dev_num, vdev, &dev->t)) {
		rc = FFA_DENIED;
	}
	if (rc != FFA_OK) {
		dev_free(dev);
		return rc;
	}
	d->devs[dev_num] = dev;
	return FFA_OK;
}

static int dev_remove(struct sp_drv *d, uint16_t dev_num)
{
	if (!dev_num || dev_num >= VMSG_FFA_MAX_DEVICES) {
		return FFA_INVALID_PARAMETERS;
	}
	if (!d->devs[dev_num] || vmsg_ffa_backend_remove(&d->be, dev_num)) {
		return FFA_DENIED;
	}
	dev_free(d->devs[dev_num]);
	d->devs[dev_num] = NULL;
	return FFA_OK;
}

static void drv_free(struct sp_drv *d)
{
	unsigned int j = 0;

	for (j = 0; j < VMSG_FFA_MAX_DEVICES; j++) {
		dev_free(d->devs[j]);
	}
	free(d);
}

/* The backend of driver @vm_id, created on first use. */
static struct sp_drv *drv_get(struct tzs_vmsg_sp *s, uint16_t vm_id)
{
	struct sp_drv *d = NULL;
	unsigned int i = 0, free_slot = TZS_VMSG_SP_MAX_DRIVERS;

	for (i = 0; i < TZS_VMSG_SP_MAX_DRIVERS; i++) {
		if (s->drv[i] && s->drv[i]->vm_id == vm_id) {
			return s->drv[i];
		}
		if (!s->drv[i] && free_slot == TZS_VMSG_SP_MAX_DRIVERS) {
			free_slot = i;
		}
	}
	if (free_slot == TZS_VMSG_SP_MAX_DRIVERS) {
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		return NULL;
	}
	d->s = s;
	d->vm_id = vm_id;
	vmsg_ffa_backend_init(&d->be, &be_ops, d, SP_BUS_FEATURES);
	if (dev_add(d, DEFAULT_DEV_NUM, TZS_VMSG_DEV_ECHO) != FFA_OK ||
	    dev_add(d, TZS_VSOCK_DEV_NUM, TZS_VMSG_DEV_VSOCK) != FFA_OK) {
		drv_free(d);
		return NULL;
	}
	s->drv[free_slot] = d;
	return d;
}

struct tzs_vmsg_sp *tzs_vmsg_sp_create(void)
{
	struct tzs_vmsg_sp *s = calloc(1, sizeof(*s));

	if (s) {
		pthread_mutex_init(&s->lock, NULL);
	}
	return s;
}

void tzs_vmsg_sp_destroy(struct tzs_vmsg_sp *s)
{
	unsigned int i = 0;

	if (!s) {
		return;
	}
	for (i = 0; i < TZS_VMSG_SP_MAX_DRIVERS; i++) {
		if (s->drv[i]) {
			drv_free(s->drv[i]);
		}
	}
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* Proto timeouts of every vsock device; what they emit may raise a
 * notification, so s->cur must be set. */
static void tick(struct tzs_vmsg_sp *s)
{
	uint64_t t = now_ms();
	unsigned int i = 0, j = 0;

	for (i = 0; i < TZS_VMSG_SP_MAX_DRIVERS; i++) {
		for (j = 0; s->drv[i] && j < VMSG_FFA_MAX_DEVICES; j++) {
			struct sp_dev *dev = s->drv[i]->devs[j];

			if (dev && dev->vsock && dev->vsock->now_ms != t) {
				vdev_vsock_tick(dev->vsock, t);
			}
		}
	}
}

static void enter(struct tzs_vmsg_sp *s, struct tzs_ep *ep, struct tzs_vcpu *v)
{
	pthread_mutex_lock(&s->lock);
	s->ep = ep;
	s->cur = v;
	tick(s);
}

static void leave(struct tzs_vmsg_sp *s)
{
	s->cur = NULL;
	pthread_mutex_unlock(&s->lock);
}

/* ---------------------------------------------------------------------- */
/* Carriages                                                               */

void tzs_vmsg_sp_direct(const struct tzs_sp_req *req, struct ffa_regs *resp,
			void *arg)
{
	struct tzs_vmsg_sp *s = arg;
	uint8_t msg[VMSG_FFA_DIRECT_MAX], out[VMSG_FFA_DIRECT_MAX];
	struct sp_drv *d = NULL;
	size_t n = 0;

	/* x4..x17 verbatim, byte 0 = LSB of x4 (virtio-msg.md §2.2); the
	 * response goes back the same way, zero padded. An empty response
	 * (event, dropped message) is an all-zero payload. */
	vmsg_host_regs_to_bytes(&req->in->x[4], msg, sizeof(msg));
	enter(s, req->ep, req->vcpu);
	d = drv_get(s, req->sender);
	if (d) {
		n = vmsg_ffa_backend_handle(&d->be, msg, sizeof(msg), out,
					    sizeof(out));
	}
	leave(s);
	vmsg_host_bytes_to_regs(out, n, &resp->x[4], VMSG_HOST_DIRECT_REGS);
}

/* Is an indirect message waiting in RX? The SPMC pends the "RX buffer
 * full" framework notification for us on FFA_MSG_SEND2. */
static bool rx_full(struct tzs_vcpu *v, uint16_t self, unsigned int ctx)
{
	struct ffa_regs r = tzs_vcpu_call8(v, FFA_NOTIFICATION_GET,
					   (uint32_t)ctx << 16 | self,
					   NOTIF_GET_FROM_SPM, 0, 0, 0, 0, 0);

	if ((uint32_t)r.x[0] == FFA_ERROR) {
		/* No notifications (manifest without notif): look at RX. */
		return true;
	}
	return ((uint32_t)r.x[6] & FW_NOTIF_RX_FULL) != 0;
}

static void reply_send2(struct tzs_vmsg_sp *s, uint16_t to, const uint8_t *msg,
			size_t len)
{
	unsigned int i = 0;
	int rc = 0;

	for (i = 0; i < SEND2_TRIES; i++) {
		rc = vmsg_host_send2(s->cur, tzs_ep_id(s->ep), to, msg, len);
		if (rc != FFA_BUSY) {
			break;
		}
		usleep(100); /* the driver still reads its previous message */
	}
	if (rc != FFA_OK) {
		tzs_sp_log(s->ep, "vmsg: reply to 0x%x: %s", to,
			   ffa_error_name(rc));
	}
}

void tzs_vmsg_sp_run(struct tzs_ep *ep, struct tzs_vcpu *vcpu, unsigned int ctx,
		     void *arg)
{
	struct tzs_vmsg_sp *s = arg;
	uint8_t msg[VMSG_MAX_SIZE], out[VMSG_MAX_SIZE];
	struct sp_drv *d = NULL;
	uint16_t sender = 0;
	bool foreign = false;
	size_t len = 0, n = 0;

	enter(s, ep, vcpu);
	if (!rx_full(vcpu, tzs_ep_id(ep), ctx) ||
	    vmsg_host_rx_take(vcpu, tzs_ep_id(ep), 0, msg, sizeof(msg), &len,
			      &sender, &foreign) != 1 ||
	    foreign) {
		goto out_leave;
	}
	d = drv_get(s, sender);
	if (d) {
		n = vmsg_ffa_backend_handle(&d->be, msg, len, out, sizeof(out));
	}
	if (n) {
		reply_send2(s, sender, out, n);
	}
out_leave:
	leave(s);
}

/* ---------------------------------------------------------------------- */
/* Control commands                                                        */

static uint64_t ring_violations(const struct sp_dev *dev)
{
	uint64_t n =
		dev->vsock ? dev->vsock->stats.broken : dev->echo.stats.broken;
	unsigned int q = 0;

	for (q = 0; q < VMSG_MAX_QUEUES; q++) {
		n += dev->t.vq[q].q.stats.rejected;
	}
	return n;
}

static void stats_bus(struct sp_drv *d, uint64_t dev_num, struct ffa_regs *resp)
{
	uint64_t maps = 0;
	unsigned int i = 0;

	for (i = 0; i < VMSG_FFA_MAX_AREAS; i++) {
		maps += d->be.areas[i].used;
	}
	resp->x[4] = d->be.stats.messages;
	resp->x[5] = d->be.stats.dropped;
	resp->x[6] = maps;
	if (dev_num < VMSG_FFA_MAX_DEVICES && d->devs[dev_num]) {
		resp->x[7] = ring_violations(d->devs[dev_num]);
	}
}

static void stats_vsock(const struct vdev_vsock *v,
			const struct sp_vsock_svcs *sv, uint64_t page,
			struct ffa_regs *resp)
{
	uint64_t x[4] = { 0 };
	unsigned int i = 0;

	if (page == TZS_VMSG_STATS_VSOCK_TX) {
		x[0] = v->stats.tx_pkts;
		x[1] = v->stats.tx_bad;
		x[2] = v->stats.tx_bad_cid;
		x[3] = v->stats.rx_pkts;
	} else if (page == TZS_VMSG_STATS_VSOCK_RX) {
		x[0] = v->stats.rx_small;
		x[1] = v->stats.sideq_full;
		x[2] = v->stats.events;
		x[3] = v->stats.resets;
	} else {
		x[0] = v->proto.stats.rx_dropped;
		x[1] = v->proto.stats.rst_sent;
		x[2] = v->proto.stats.tx_errors;
		x[3] = sv->echo.echoed;
	}
	for (i = 0; i < 4; i++) {
		resp->x[4 + i] = x[i];
	}
}

/* The vsock device at @dev_num, or an FF-A error. */
static int vsock_dev(struct sp_drv *d, uint64_t dev_num, struct sp_dev **out)
{
	if (!dev_num || dev_num >= VMSG_FFA_MAX_DEVICES) {
		return FFA_INVALID_PARAMETERS;
	}
	if (!d->devs[dev_num] || !d->devs[dev_num]->vsock) {
		return FFA_DENIED;
	}
	*out = d->devs[dev_num];
	return FFA_OK;
}

static int cmd_stats(struct sp_drv *d, uint64_t dev_num, uint64_t page,
		     struct ffa_regs *resp)
{
	struct sp_dev *dev = NULL;
	int rc = 0;

	if (page == TZS_VMSG_STATS_BUS) {
		stats_bus(d, dev_num, resp);
		return FFA_OK;
	}
	if (page > TZS_VMSG_STATS_VSOCK_PROTO) {
		return FFA_INVALID_PARAMETERS;
	}
	rc = vsock_dev(d, dev_num, &dev);
	if (rc == FFA_OK) {
		stats_vsock(dev->vsock, dev->svcs, page, resp);
	}
	return rc;
}

static int cmd_vsock_reset(struct sp_drv *d, uint64_t dev_num)
{
	struct sp_dev *dev = NULL;
	int rc = vsock_dev(d, dev_num, &dev);

	if (rc == FFA_OK) {
		vdev_vsock_transport_reset(dev->vsock);
	}
	return rc;
}

/* dev_num 0 names the default vsock device. */
static uint64_t vsock_dev_num(uint64_t dev_num)
{
	return dev_num ? dev_num : TZS_VSOCK_DEV_NUM;
}

static int cmd_client(struct sp_drv *d, const uint64_t *x)
{
	struct sp_dev *dev = NULL;
	int rc = FFA_OK;

	if (x[4] > UINT32_MAX || x[5] > UINT32_MAX || x[6] > UINT32_MAX) {
		return FFA_INVALID_PARAMETERS;
	}
	rc = vsock_dev(d, vsock_dev_num(x[7]), &dev);
	if (rc != FFA_OK) {
		return rc;
	}
	rc = vdev_vsock_client_start(&dev->svcs->client, (uint32_t)x[4],
				     (uint32_t)x[5], (uint32_t)x[6]);
	if (rc == VSOCK_EAGAIN) {
		return FFA_BUSY;
	}
	return rc ? FFA_INVALID_PARAMETERS : FFA_OK;
}

static int cmd_client_result(struct sp_drv *d, uint64_t dev_num, uint64_t page,
			     struct ffa_regs *resp)
{
	const struct vdev_vsock_client_result *r = NULL;
	struct sp_dev *dev = NULL;
	uint64_t x[4] = { 0 };
	unsigned int i = 0;
	int rc = vsock_dev(d, vsock_dev_num(dev_num), &dev);

	if (rc != FFA_OK) {
		return rc;
	}
	r = &dev->svcs->client.res;
	if (page == TZS_VMSG_CLIENT_SUMMARY) {
		x[0] = r->state;
		x[1] = r->ok;
		x[2] = r->failed;
		x[3] = (uint64_t) - (int64_t)r->first_error;
	} else if (page == TZS_VMSG_CLIENT_ERRORS) {
		x[0] = r->resets;
		x[1] = r->timeouts;
		x[2] = r->bad_data;
		x[3] = r->short_data;
	} else if (page == TZS_VMSG_CLIENT_TOTALS) {
		x[0] = r->other;
		x[1] = r->bytes_checked;
		x[2] = r->conns;
		x[3] = r->bytes;
	} else {
		return FFA_INVALID_PARAMETERS;
	}
	for (i = 0; i < 4; i++) {
		resp->x[4 + i] = x[i];
	}
	return FFA_OK;
}

void tzs_vmsg_sp_control(const struct tzs_sp_req *req, struct ffa_regs *resp,
			 void *arg)
{
	struct tzs_vmsg_sp *s = arg;
	uint64_t cmd = req->in->x[3];
	struct sp_drv *d = NULL;
	int rc = FFA_OK;

	if (cmd == TZS_VMSG_CMD_CRASH) {
		abort();
	}
	if (cmd == TZS_VMSG_CMD_GETPID) {
		resp->x[3] = FFA_OK;
		resp->x[4] = (uint64_t)getpid();
		return;
	}
	enter(s, req->ep, req->vcpu);
	d = drv_get(s, req->sender);
	if (!d) {
		rc = FFA_NO_MEMORY;
	} else if (cmd == TZS_VMSG_CMD_ADD) {
		rc = dev_add(d, (uint16_t)req->in->x[4],
			     (uint32_t)req->in->x[5]);
	} else if (cmd == TZS_VMSG_CMD_REMOVE) {
		rc = dev_remove(d, (uint16_t)req->in->x[4]);
	} else if (cmd == TZS_VMSG_CMD_STATS) {
		rc = cmd_stats(d, req->in->x[4], req->in->x[5], resp);
	} else if (cmd == TZS_VMSG_CMD_VSOCK_RESET) {
		rc = cmd_vsock_reset(d, req->in->x[4]);
	} else if (cmd == TZS_VMSG_CMD_VSOCK_CLIENT) {
		rc = cmd_client(d, req->in->x);
	} else if (cmd == TZS_VMSG_CMD_VSOCK_CLIENT_RESULT) {
		rc = cmd_client_result(d, req->in->x[4], req->in->x[5], resp);
	} else {
		rc = FFA_NOT_SUPPORTED;
	}
	leave(s);
	resp->x[3] = (uint32_t)rc;
}
