// SPDX-License-Identifier: BSD-2-Clause
/*
 * "tzshare echo" test device (include/tzshare/vdev_echo.h).
 *
 * Every chain is popped, copied and pushed inside queue_notify(), so the
 * device never keeps a pointer into driver memory across calls: reset and
 * queue reset have nothing to drop but counters.
 */
#include <tzshare/lib.h>
#include <tzshare/vdev_echo.h>

/* Copy through a local bounce buffer: a hostile driver may make readable
 * and writable buffers overlap, and overlapping memcpy is undefined. */
#define ECHO_BOUNCE 256u
/* Chains handled per EVENT_AVAIL before giving the driver its turn. */
#define ECHO_BUDGET 1024u

static struct vdev_echo *to_echo(struct vmsg_device *dev)
{
	return dev->priv;
}

static void transform(const struct vdev_echo *e, uint8_t *p, uint32_t n)
{
	uint32_t i = 0;

	if (!(e->flags & VDEV_ECHO_F_UPPERCASE)) {
		return;
	}
	for (i = 0; i < n; i++) {
		if (p[i] >= 'a' && p[i] <= 'z') {
			p[i] = (uint8_t)(p[i] - 'a' + 'A');
		}
	}
}

struct cursor {
	const struct virtq_iov *iov;
	uint16_t n;
	uint16_t i;
	uint32_t off;
};

/* Largest run available at the cursor (0 at the end). */
static uint32_t cursor_run(struct cursor *c)
{
	while (c->i < c->n && c->off == c->iov[c->i].len) {
		c->i++;
		c->off = 0;
	}
	if (c->i == c->n) {
		return 0;
	}
	return c->iov[c->i].len - c->off;
}

static uint32_t min3(uint32_t a, uint32_t b, uint32_t c)
{
	uint32_t m = a < b ? a : b;

	return m < c ? m : c;
}

static uint32_t echo_chain(const struct vdev_echo *e,
			   const struct virtq_chain *ch)
{
	struct cursor src = { ch->iov, ch->n_out, 0, 0 };
	struct cursor dst = { ch->iov + ch->n_out, ch->n_in, 0, 0 };
	uint8_t bounce[ECHO_BOUNCE];
	uint32_t written = 0;

	for (;;) {
		uint32_t n =
			min3(cursor_run(&src), cursor_run(&dst), ECHO_BOUNCE);

		if (!n) {
			return written;
		}
		tzs_memcpy(bounce, src.iov[src.i].ptr + src.off, n);
		transform(e, bounce, n);
		tzs_memcpy(dst.iov[dst.i].ptr + dst.off, bounce, n);
		src.off += n;
		dst.off += n;
		written += n;
	}
}

static void echo_notify(struct vmsg_device *dev, uint32_t vq)
{
	struct vdev_echo *e = to_echo(dev);
	struct virtq_dev *q = vmsg_devt_queue(dev->t, vq);
	struct virtq_chain ch;
	uint32_t budget = ECHO_BUDGET;
	uint32_t written = 0;
	int rc = 0;

	e->stats.notifies++;
	if (!q || vq != VDEV_ECHO_QUEUE_REQ) {
		return;
	}
	while (budget--) {
		rc = virtq_dev_pop(q, &ch);
		if (rc == VIRTQ_E_EMPTY) {
			/* Ask for the next kick; chains published before the
			 * driver could see that are ours to take now. */
			if (!virtq_dev_enable_notify(q)) {
				break;
			}
			continue;
		}
		if (rc != VIRTQ_OK) {
			e->stats.broken++;
			break;
		}
		written = echo_chain(e, &ch);
		if (virtq_dev_push(q, ch.head, written) != VIRTQ_OK) {
			e->stats.broken++;
			break;
		}
		e->echo_count++;
		e->stats.chains++;
		e->stats.bytes += written;
	}
	vmsg_devt_used(dev->t, vq);
}

static void echo_reset(struct vmsg_device *dev, int32_t vq)
{
	struct vdev_echo *e = to_echo(dev);

	if (vq >= 0) {
		e->stats.queue_resets++;
		return;
	}
	e->stats.resets++;
	e->echo_count = 0;
	e->flags = 0;
	tzs_memset(dev->config, 0, VDEV_ECHO_CONFIG_SIZE);
}

static bool echo_config_write(struct vmsg_device *dev, uint32_t offset,
			      const uint8_t *data, uint32_t len)
{
	struct vdev_echo *e = to_echo(dev);

	/* Only the whole flags word is writable. */
	if (offset != VDEV_ECHO_CFG_FLAGS || len != 4) {
		return false;
	}
	e->flags = le32_get(data);
	le32_put(dev->config + VDEV_ECHO_CFG_FLAGS, e->flags);
	return true;
}

static const struct vmsg_device_ops echo_ops = {
	.queue_notify = echo_notify,
	.reset = echo_reset,
	.config_write = echo_config_write,
};

void vdev_echo_init(struct vdev_echo *e)
{
	static const uint8_t uuid[16] = { 't', 'z', 's', 'h', 'a', 'r',
					  'e', '-', 'e', 'c', 'h', 'o' };

	tzs_memset(e, 0, sizeof(*e));
	e->dev.device_id = VDEV_ECHO_DEVICE_ID;
	e->dev.vendor_id = VDEV_ECHO_VENDOR_ID;
	tzs_memcpy(e->dev.uuid, uuid, sizeof(uuid));
	e->dev.features = VDEV_ECHO_FEATURES;
	e->dev.config_size = VDEV_ECHO_CONFIG_SIZE;
	e->dev.num_queues = 1;
	e->dev.queue_max_size[VDEV_ECHO_QUEUE_REQ] = VDEV_ECHO_QUEUE_MAX;
	e->dev.inflight[VDEV_ECHO_QUEUE_REQ] = e->inflight;
	e->dev.ops = &echo_ops;
	e->dev.priv = e;
}

void vdev_echo_publish_count(struct vdev_echo *e)
{
	CHECK(e->dev.t);
	le32_put(e->dev.config + VDEV_ECHO_CFG_COUNT, e->echo_count);
	vmsg_devt_config_changed(e->dev.t, VDEV_ECHO_CFG_COUNT, 4);
}
