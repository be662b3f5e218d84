// SPDX-License-Identifier: BSD-2-Clause
/*
 * End to end, in one process: echo devices behind the FF-A bus backend,
 * driven by the driver transport over the frontend, with real virtqueues
 * (driver side in the "driver memory" arena, device side through the
 * backend's area translation), in the static and dynamic DMA modes.
 */
#include "loop_fixture.h"

static void drop_v2_version(struct loop *l, uint8_t *buf, size_t *len)
{
	(void)l;
	(void)len;
	if (buf[1] == VMSG_FFA_VERSION && le16_get(buf + 6) == 20) {
		buf[1] = 0x88;
	}
}

static struct loop *lp_static_with(uint16_t dev, struct lp_echo **e)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);

	*e = lp_add_echo(l, dev);
	lp_connect(l);
	lp_pool_up(l);
	lp_echo_up(l, *e, LP_STATIC, LP_FEATURES);
	return l;
}

/* Give the rings back (the queue must be gone on the device side). */
static void lp_rings_put(struct loop *l, struct lp_echo *e)
{
	if (e->mode == LP_STATIC) {
		ASSERT_EQ(vmsg_ffa_dma_pool_free(&l->pool, e->ring_bus,
						 e->ring_len),
			  VMSG_T_OK);
		return;
	}
	ASSERT_EQ(vmsg_ffa_dma_unmap(&l->fe, e->ring_bus), VMSG_T_OK);
	lp_pages_free(l, e->ring_pa, (e->ring_len + 4095u) / 4096u);
}

/* Add chains of one pool buffer each without kicking the device. */
static void post_silently(struct loop *l, struct lp_echo *e, int n,
			  struct lp_buf *bufs)
{
	int i = 0;

	for (i = 0; i < n; i++) {
		struct virtq_buf b;

		lp_buf_get(l, LP_STATIC, 32, true, &bufs[i]);
		b.addr = bufs[i].bus;
		b.len = 32;
		ASSERT_EQ(virtq_drv_add(&e->vq, &b, 1, &b, 1, &bufs[i]),
			  VIRTQ_OK);
	}
	virtq_drv_publish(&e->vq);
}

static struct vdev_echo *dev_of(struct lp_echo *e)
{
	return &e->dev;
}

/* ---------------------------------------------------------------------- */
/* Bring-up and data                                                       */

TEST(echo_full_init_sequence_over_the_ffa_bus)
{
	struct lp_echo *e = NULL;
	struct loop *l = lp_static_with(1, &e);
	struct vmsg_ffa_area *a =
		vmsg_ffa_backend_area(&l->be, l->pool.area_id);

	ASSERT_EQ(e->drvt.status,
		  VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
			  VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
	ASSERT_EQ(e->devt.status, e->drvt.status);
	ASSERT_EQ(e->devt.driver_features, LP_FEATURES);
	ASSERT_TRUE(e->devt.vq[0].live);
	ASSERT_EQ(e->devt.vq[0].size, LP_QSIZE);
	ASSERT_TRUE(a != NULL);
	ASSERT_EQ(a->users, 3); /* the three rings live in the pool */
	ASSERT_EQ(l->fe.stats.bad_responses, 0);
	ASSERT_EQ(l->be.stats.dropped + l->be.stats.errors, 0);
}

TEST(echo_round_trips_in_static_mode_make_no_memory_calls)
{
	struct lp_echo *e = NULL;
	struct loop *l = lp_static_with(1, &e);
	uint8_t msg[2000];
	unsigned int shares = l->shares_made;
	uint32_t i = 0, j = 0;

	for (i = 1; i <= 100; i++) {
		uint32_t n = (i * 37) % 1999 + 1;

		for (j = 0; j < n; j++) {
			msg[j] = (uint8_t)(i + j);
		}
		ASSERT_EQ(lp_echo_msg(l, e, msg, n), n);
	}
	ASSERT_EQ(l->shares_made, shares);
	ASSERT_EQ(l->maps, 1);
	ASSERT_EQ(dev_of(e)->stats.chains, 100);
	ASSERT_EQ(e->used_events, 100);
	ASSERT_EQ(l->pool.used_units,
		  (e->ring_len + LP_POOL_UNIT - 1) / LP_POOL_UNIT);
}

TEST(echo_round_trips_in_dynamic_mode_share_each_buffer)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	struct lp_echo *e = lp_add_echo(l, 2);
	uint8_t msg[5000];
	uint32_t i = 0;

	lp_connect(l);
	lp_echo_up(l, e, LP_DYNAMIC, LP_FEATURES);
	ASSERT_EQ(lp_live_shares(l), 1); /* the rings' area */
	for (i = 1; i <= 30; i++) {
		uint32_t n = i * 157;

		memset(msg, (int)i, n);
		ASSERT_EQ(lp_echo_msg(l, e, msg, n), n);
	}
	ASSERT_EQ(l->shares_made, 1 + 2 * 30);
	ASSERT_EQ(l->maps, l->unmaps + 1);
	ASSERT_EQ(lp_live_shares(l), 1);
	ASSERT_EQ(l->reclaims, 2 * 30);
	ASSERT_EQ(l->reclaims_denied, 0);
}

TEST(echo_runs_over_the_pr28_profile_after_v1_fallback)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	struct lp_echo *e = lp_add_echo(l, 3);
	uint8_t flags[4] = { 0, 0, 0, 0 };

	l->tamper_req = drop_v2_version;
	lp_connect(l);
	l->tamper_req = NULL;
	ASSERT_EQ(l->fe.profile, VMSG_PROFILE_PR28);
	lp_pool_up(l);
	lp_echo_up(l, e, LP_STATIC, LP_FEATURES);
	ASSERT_EQ(lp_echo_msg(l, e, "pr28 profile", 12), 12);
	/* PR28 checks the config generation the driver tracked. */
	ASSERT_EQ(vmsg_drvt_config_read(&e->drvt, 0, flags, 4), VMSG_T_OK);
	ASSERT_EQ(
		vmsg_drvt_config_write(&e->drvt, VDEV_ECHO_CFG_FLAGS, flags, 4),
		VMSG_T_OK);
	ASSERT_EQ(e->devt.stats.refused, 0);
}

TEST(chains_gather_readable_and_scatter_into_writable_buffers)
{
	struct lp_echo *e = NULL;
	struct loop *l = lp_static_with(1, &e);
	struct lp_buf o[3], w[2];
	struct virtq_buf vo[3], vi[2];
	static const char *parts[3] = { "abc", "defg", "hijklmnop" };
	uint32_t len = 0;
	int i = 0;

	for (i = 0; i < 3; i++) {
		lp_buf_get(l, LP_STATIC, (uint32_t)strlen(parts[i]), false,
			   &o[i]);
		memcpy(o[i].host, parts[i], strlen(parts[i]));
		vo[i].addr = o[i].bus;
		vo[i].len = (uint32_t)strlen(parts[i]);
	}
	lp_buf_get(l, LP_STATIC, 5, true, &w[0]);
	lp_buf_get(l, LP_STATIC, 6, true, &w[1]);
	vi[0].addr = w[0].bus;
	vi[0].len = 5;
	vi[1].addr = w[1].bus;
	vi[1].len = 6;
	lp_post(l, e, vo, 3, vi, 2, e);
	ASSERT_TRUE(lp_poll(l) >= 1);
	ASSERT_TRUE(virtq_drv_get_used(&e->vq, &len) == e);
	ASSERT_EQ(len, 11); /* 16 readable bytes, 11 writable */
	ASSERT_MEM_EQ(w[0].host, "abcde", 5);
	ASSERT_MEM_EQ(w[1].host, "fghijk", 6);
}

TEST(indirect_descriptor_tables_work_through_the_pool)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	struct lp_echo *e = lp_add_echo(l, 1);
	uint64_t features = LP_FEATURES | (1ull << VIRTIO_F_INDIRECT_DESC);
	uint8_t *pool_host = NULL;
	uint64_t pool_bus = 0;
	struct lp_buf o[2], w;
	struct virtq_buf vo[2], vi;
	uint32_t len = 0;

	lp_connect(l);
	lp_pool_up(l);
	lp_echo_up(l, e, LP_STATIC, features);
	ASSERT_TRUE(e->devt.vq[0].q.indirect);
	ASSERT_EQ(vmsg_ffa_dma_pool_alloc(&l->pool, LP_QSIZE * 64u, 16,
					  &pool_host, &pool_bus),
		  VMSG_T_OK);
	ASSERT_EQ(virtq_drv_set_indirect_pool(&e->vq, pool_host, pool_bus,
					      LP_QSIZE * 64u),
		  VIRTQ_OK);
	lp_buf_get(l, LP_STATIC, 4, false, &o[0]);
	lp_buf_get(l, LP_STATIC, 4, false, &o[1]);
	lp_buf_get(l, LP_STATIC, 8, true, &w);
	memcpy(o[0].host, "indi", 4);
	memcpy(o[1].host, "rect", 4);
	vo[0].addr = o[0].bus;
	vo[0].len = 4;
	vo[1].addr = o[1].bus;
	vo[1].len = 4;
	vi.addr = w.bus;
	vi.len = 8;
	lp_post(l, e, vo, 2, &vi, 1, e);
	ASSERT_EQ(e->vq.stats.indirect, 1);
	ASSERT_TRUE(lp_poll(l) >= 1);
	ASSERT_TRUE(virtq_drv_get_used(&e->vq, &len) == e);
	ASSERT_EQ(len, 8);
	ASSERT_MEM_EQ(w.host, "indirect", 8);
}

TEST(notif_mode_raises_one_notification_per_burst)
{
	struct lp_echo *e = NULL;
	struct loop *l = lp_static_with(1, &e);
	struct lp_buf b[5];
	uint32_t len = 0;
	int burst = 0, i = 0;

	ASSERT_EQ(vmsg_ffa_frontend_configure_events(&l->fe, true, 4),
		  VMSG_T_OK);
	ASSERT_EQ(l->fe.event_method, VMSG_EVENT_METHOD_NOTIF);
	for (burst = 1; burst <= 2; burst++) {
		for (i = 0; i < 5; i++) {
			struct virtq_buf v;

			lp_buf_get(l, LP_STATIC, 16, true, &b[i]);
			v.addr = b[i].bus;
			v.len = 16;
			lp_post(l, e, &v, 1, &v, 1, &b[i]);
		}
		ASSERT_EQ(l->notifies, (unsigned int)burst);
		ASSERT_EQ(l->notify_id, 4);
		ASSERT_TRUE(lp_poll(l) >= 1);
		for (i = 0; i < 5; i++) {
			ASSERT_TRUE(virtq_drv_get_used(&e->vq, &len) == &b[i]);
			lp_buf_put(l, LP_STATIC, &b[i]);
		}
	}
}

/* ---------------------------------------------------------------------- */
/* Config                                                                  */

TEST(config_change_reaches_the_driver_through_event_poll)
{
	struct lp_echo *e = NULL;
	struct loop *l = lp_static_with(1, &e);
	uint8_t cfg[8];

	ASSERT_EQ(lp_echo_msg(l, e, "a", 1), 1);
	ASSERT_EQ(lp_echo_msg(l, e, "b", 1), 1);
	ASSERT_EQ(lp_echo_msg(l, e, "c", 1), 1);
	vdev_echo_publish_count(dev_of(e));
	ASSERT_EQ(lp_poll(l), 1);
	ASSERT_EQ(e->config_events, 1);
	ASSERT_TRUE(e->drvt.config_changed);
	ASSERT_EQ(e->drvt.generation, e->devt.generation);
	ASSERT_EQ(l->events[l->n_events - 1].u.config.length, 4);
	ASSERT_EQ(le32_get(l->events[l->n_events - 1].u.config.data), 3);
	ASSERT_EQ(vmsg_drvt_config_read(&e->drvt, 0, cfg, 8), VMSG_T_OK);
	ASSERT_EQ(le32_get(cfg), 3);
	ASSERT_EQ(le32_get(cfg + 4), 0);
}

TEST(driver_config_write_changes_what_the_device_does)
{
	struct lp_echo *e = NULL;
	struct loop *l = lp_static_with(1, &e);
	uint8_t flags[4] = { VDEV_ECHO_F_UPPERCASE, 0, 0, 0 };
	struct lp_buf o, w;
	struct virtq_buf vo, vi;
	uint32_t len = 0;

	ASSERT_EQ(
		vmsg_drvt_config_write(&e->drvt, VDEV_ECHO_CFG_FLAGS, flags, 4),
		VMSG_T_OK);
	lp_buf_get(l, LP_STATIC, 12, false, &o);
	lp_buf_get(l, LP_STATIC, 12, true, &w);
	memcpy(o.host, "Hello World!", 12);
	vo.addr = o.bus;
	vo.len = 12;
	vi.addr = w.bus;
	vi.len = 12;
	lp_post(l, e, &vo, 1, &vi, 1, e);
	ASSERT_TRUE(virtq_drv_get_used(&e->vq, &len) == e);
	ASSERT_MEM_EQ(w.host, "HELLO WORLD!", 12);
	/* The count word stays read-only. */
	ASSERT_EQ(
		vmsg_drvt_config_write(&e->drvt, VDEV_ECHO_CFG_COUNT, flags, 4),
		VMSG_T_E_REFUSED);
}

TEST(strict_config_generation_is_negotiated_and_enforced_in_v2)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	struct lp_echo *e = lp_add_echo(l, 1);
	uint8_t flags[4] = { VDEV_ECHO_F_UPPERCASE, 0, 0, 0 };
	uint8_t cfg[8];

	l->be.transport_features = VMSG_TRANSPORT_F_STRICT_CONFIG_GENERATION;
	lp_connect(l);
	ASSERT_EQ(l->fe.profile, VMSG_PROFILE_V2);
	ASSERT_TRUE(l->fe.drv_bus.strict_generation);
	ASSERT_TRUE(e->devt.strict_generation);
	lp_pool_up(l);
	lp_echo_up(l, e, LP_STATIC, LP_FEATURES);
	ASSERT_EQ(vmsg_drvt_config_read(&e->drvt, 0, cfg, 8), VMSG_T_OK);
	/* The device changes its config; the driver has not looked yet. */
	vdev_echo_publish_count(dev_of(e));
	ASSERT_EQ(
		vmsg_drvt_config_write(&e->drvt, VDEV_ECHO_CFG_FLAGS, flags, 4),
		VMSG_T_E_REFUSED);
	ASSERT_EQ(dev_of(e)->flags, 0);
	/* The refusal carried the new generation: the retry applies. */
	ASSERT_EQ(
		vmsg_drvt_config_write(&e->drvt, VDEV_ECHO_CFG_FLAGS, flags, 4),
		VMSG_T_OK);
	ASSERT_EQ(dev_of(e)->flags, VDEV_ECHO_F_UPPERCASE);
}

/* ---------------------------------------------------------------------- */
/* Hotplug, many devices                                                   */

TEST(hotplug_add_and_remove_while_another_device_runs)
{
	struct lp_echo *a = NULL;
	struct loop *l = lp_static_with(1, &a);
	struct vmsg_ffa_area *pool =
		vmsg_ffa_backend_area(&l->be, l->pool.area_id);
	struct lp_echo *b = lp_add_echo(l, 30);

	ASSERT_EQ(lp_poll(l), 1);
	ASSERT_EQ(b->ready_events, 1);
	ASSERT_TRUE(vmsg_ffa_frontend_present(&l->fe, 30));
	lp_echo_up(l, b, LP_STATIC, LP_FEATURES);
	ASSERT_EQ(pool->users, 6);
	ASSERT_EQ(lp_echo_msg(l, a, "to a", 4), 4);
	ASSERT_EQ(lp_echo_msg(l, b, "to b", 4), 4);
	ASSERT_EQ(vmsg_ffa_backend_remove(&l->be, 30), 0);
	ASSERT_EQ(pool->users, 3); /* b's rings let go */
	ASSERT_EQ(dev_of(b)->stats.resets, 2); /* probe + removal */
	ASSERT_TRUE(lp_poll(l) >= 1);
	ASSERT_EQ(b->removed_events, 1);
	ASSERT_FALSE(vmsg_ffa_frontend_present(&l->fe, 30));
	ASSERT_EQ(vmsg_drvt_driver_ok(&b->drvt), VMSG_T_E_REFUSED);
	ASSERT_EQ(lp_echo_msg(l, a, "a still", 7), 7);
	/* The same device number comes back. */
	lp_rings_put(l, b);
	ASSERT_EQ(vmsg_ffa_backend_add(&l->be, 30, &b->dev.dev, &b->devt), 0);
	ASSERT_EQ(lp_poll(l), 1);
	ASSERT_EQ(b->ready_events, 2);
	lp_echo_up(l, b, LP_STATIC, LP_FEATURES);
	ASSERT_EQ(lp_echo_msg(l, b, "b again", 7), 7);
}

TEST(more_than_16_devices_enumerate_and_all_echo)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	struct lp_echo *e[40];
	char msg[16];
	int i = 0;

	for (i = 0; i < 40; i++) {
		e[i] = lp_add_echo(l, (uint16_t)(i + 10));
	}
	l->fe.window = 8;
	lp_connect(l);
	for (i = 0; i < VMSG_FFA_MAX_DEVICES; i++) {
		ASSERT_EQ(vmsg_ffa_frontend_present(&l->fe, (uint16_t)i),
			  i >= 10 && i < 50);
	}
	lp_pool_up(l);
	for (i = 0; i < 40; i++) {
		lp_echo_up(l, e[i], LP_STATIC, LP_FEATURES);
	}
	for (i = 0; i < 40; i++) {
		int n = snprintf(msg, sizeof(msg), "device %d", i + 10);

		ASSERT_EQ(lp_echo_msg(l, e[i], msg, (uint32_t)n), (uint32_t)n);
		ASSERT_EQ(dev_of(e[i])->stats.chains, 1);
	}
}

/* ---------------------------------------------------------------------- */
/* Resets                                                                  */

TEST(device_reset_mid_traffic_then_reinit_and_traffic_again)
{
	struct lp_echo *e = NULL;
	struct loop *l = lp_static_with(1, &e);
	struct lp_buf b[3];
	uint32_t gen = 0;
	int n = 0;

	ASSERT_EQ(lp_echo_msg(l, e, "before", 6), 6);
	post_silently(l, e, 3, b);
	gen = e->devt.generation;
	ASSERT_EQ(vmsg_drvt_reset(&e->drvt), VMSG_T_OK);
	ASSERT_EQ(e->devt.status, 0);
	ASSERT_FALSE(e->devt.vq[0].live);
	ASSERT_TRUE(e->devt.generation > gen);
	/* The driver takes its chains back: none was used. */
	while (virtq_drv_detach_unused(&e->vq)) {
		n++;
	}
	ASSERT_EQ(n, 3);
	lp_rings_put(l, e);
	lp_echo_up(l, e, LP_STATIC, LP_FEATURES);
	ASSERT_EQ(lp_echo_msg(l, e, "after", 5), 5);
	ASSERT_EQ(dev_of(e)->stats.chains, 1 + 1);
}

TEST(queue_reset_mid_traffic_then_reinit_and_traffic_again)
{
	struct lp_echo *e = NULL;
	struct loop *l = lp_static_with(1, &e);
	struct lp_buf b[2];
	int n = 0;

	ASSERT_EQ(lp_echo_msg(l, e, "before", 6), 6);
	post_silently(l, e, 2, b);
	ASSERT_EQ(vmsg_drvt_queue_reset(&e->drvt, 0), VMSG_T_OK);
	ASSERT_EQ(dev_of(e)->stats.queue_resets, 1);
	ASSERT_FALSE(e->devt.vq[0].live);
	ASSERT_EQ(e->devt.status & VIRTIO_STATUS_DRIVER_OK,
		  VIRTIO_STATUS_DRIVER_OK);
	while (virtq_drv_detach_unused(&e->vq)) {
		n++;
	}
	ASSERT_EQ(n, 2);
	/* Same ring memory, fresh queue. */
	ASSERT_EQ(virtq_drv_init(&e->vq, e->qsize, e->ring, e->ring_bus,
				 e->ring + lp_avail_off(e->qsize),
				 e->ring_bus + lp_avail_off(e->qsize),
				 e->ring + lp_used_off(e->qsize),
				 e->ring_bus + lp_used_off(e->qsize), true,
				 false, e->tokens, e->chain_len),
		  VIRTQ_OK);
	lp_queue_setup(e);
	ASSERT_TRUE(e->devt.vq[0].live);
	ASSERT_EQ(lp_echo_msg(l, e, "after", 5), 5);
}

TEST(bus_reset_releases_everything_and_the_driver_starts_over)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	struct lp_echo *e = lp_add_echo(l, 1);

	lp_connect(l);
	lp_echo_up(l, e, LP_DYNAMIC, LP_FEATURES);
	ASSERT_EQ(lp_echo_msg(l, e, "one", 3), 3);
	ASSERT_EQ(vmsg_ffa_frontend_reset(&l->fe), VMSG_T_OK);
	ASSERT_EQ(lp_live_shares(l), 0);
	ASSERT_EQ(e->devt.status, 0);
	ASSERT_EQ(dev_of(e)->stats.resets, 2);
	lp_pages_free(l, e->ring_pa, (e->ring_len + 4095u) / 4096u);
	/* Negotiation survives; the driver enumerates and starts over. */
	ASSERT_EQ(vmsg_ffa_frontend_enumerate(&l->fe), VMSG_T_OK);
	ASSERT_TRUE(vmsg_ffa_frontend_present(&l->fe, 1));
	lp_echo_up(l, e, LP_DYNAMIC, LP_FEATURES);
	ASSERT_EQ(lp_echo_msg(l, e, "two", 3), 3);
}

/* ---------------------------------------------------------------------- */
/* Area release after BUSY                                                 */

static uint16_t ring_area(struct lp_echo *e)
{
	return (uint16_t)(e->ring_bus >> VMSG_BUS_ADDR_AREA_SHIFT);
}

TEST(area_unshare_is_busy_while_rings_live_and_released_after_reset)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	struct lp_echo *e = lp_add_echo(l, 1);
	uint16_t id = 0;

	lp_connect(l);
	lp_echo_up(l, e, LP_DYNAMIC, LP_FEATURES);
	id = ring_area(e);
	ASSERT_EQ(vmsg_ffa_frontend_area_unshare(&l->fe, id), VMSG_T_E_STATE);
	ASSERT_TRUE(vmsg_ffa_frontend_area(&l->fe, id)->release_pending);
	ASSERT_TRUE(vmsg_ffa_backend_area(&l->be, id)->unshare_pending);
	ASSERT_EQ(l->unmaps, 0);
	/* The device keeps running on the pending area meanwhile. */
	ASSERT_EQ(lp_echo_msg(l, e, "still", 5), 5);
	ASSERT_EQ(vmsg_drvt_reset(&e->drvt), VMSG_T_OK);
	ASSERT_TRUE(vmsg_ffa_backend_area(&l->be, id) == NULL);
	ASSERT_EQ(lp_poll(l), 1); /* AREA_RELEASE */
	ASSERT_TRUE(vmsg_ffa_frontend_area(&l->fe, id) == NULL);
	ASSERT_EQ(lp_live_shares(l), 0);
	ASSERT_EQ(l->reclaims_denied, 0);
}

TEST(area_release_follows_a_queue_reset)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	struct lp_echo *e = lp_add_echo(l, 1);
	uint16_t id = 0;

	lp_connect(l);
	lp_echo_up(l, e, LP_DYNAMIC, LP_FEATURES);
	id = ring_area(e);
	ASSERT_EQ(vmsg_ffa_frontend_area_unshare(&l->fe, id), VMSG_T_E_STATE);
	ASSERT_EQ(vmsg_drvt_queue_reset(&e->drvt, 0), VMSG_T_OK);
	ASSERT_EQ(lp_poll(l), 1);
	ASSERT_TRUE(vmsg_ffa_frontend_area(&l->fe, id) == NULL);
	ASSERT_EQ(lp_live_shares(l), 0);
}

TEST(area_release_follows_the_removal_of_the_device)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	struct lp_echo *e = lp_add_echo(l, 1);
	uint16_t id = 0;

	lp_connect(l);
	lp_echo_up(l, e, LP_DYNAMIC, LP_FEATURES);
	id = ring_area(e);
	ASSERT_EQ(vmsg_ffa_frontend_area_unshare(&l->fe, id), VMSG_T_E_STATE);
	ASSERT_EQ(vmsg_ffa_backend_remove(&l->be, 1), 0);
	ASSERT_EQ(lp_poll(l), 2); /* AREA_RELEASE, EVENT_DEVICE REMOVED */
	ASSERT_TRUE(vmsg_ffa_frontend_area(&l->fe, id) == NULL);
	ASSERT_EQ(e->removed_events, 1);
}

TEST(static_pool_unshare_waits_for_every_queue_in_it)
{
	struct lp_echo *a = NULL;
	struct loop *l = lp_static_with(1, &a);
	struct lp_echo *b = lp_add_echo(l, 2);
	uint16_t id = l->pool.area_id;

	ASSERT_EQ(lp_poll(l), 1);
	lp_echo_up(l, b, LP_STATIC, LP_FEATURES);
	ASSERT_EQ(vmsg_ffa_dma_pool_unshare(&l->fe, &l->pool), VMSG_T_E_STATE);
	ASSERT_FALSE(l->pool.shared);
	ASSERT_EQ(vmsg_drvt_reset(&a->drvt), VMSG_T_OK);
	ASSERT_EQ(lp_poll(l), 0); /* b still holds it */
	ASSERT_TRUE(vmsg_ffa_frontend_area(&l->fe, id) != NULL);
	ASSERT_EQ(vmsg_drvt_reset(&b->drvt), VMSG_T_OK);
	ASSERT_EQ(lp_poll(l), 1);
	ASSERT_TRUE(vmsg_ffa_frontend_area(&l->fe, id) == NULL);
	ASSERT_EQ(lp_live_shares(l), 0);
}

TEST(queue_cannot_be_set_up_again_in_a_released_area)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	struct lp_echo *e = lp_add_echo(l, 1);
	uint16_t id = 0;

	lp_connect(l);
	lp_echo_up(l, e, LP_DYNAMIC, LP_FEATURES);
	id = ring_area(e);
	ASSERT_EQ(vmsg_ffa_frontend_area_unshare(&l->fe, id), VMSG_T_E_STATE);
	ASSERT_EQ(vmsg_drvt_queue_reset(&e->drvt, 0), VMSG_T_OK);
	/* AREA_RELEASE not polled yet: the driver tries to reuse the rings.
	 * The area is gone on the device side, so the queue is refused. */
	ASSERT_EQ(vmsg_drvt_queue_setup(&e->drvt, 0, e->qsize, e->ring_bus,
					e->ring_bus + lp_avail_off(e->qsize),
					e->ring_bus + lp_used_off(e->qsize)),
		  VMSG_T_E_REFUSED);
	ASSERT_EQ(e->devt.vq[0].size, 0);
}

TEST(set_vqueue_with_rings_outside_shared_memory_is_refused)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	struct lp_echo *e = lp_add_echo(l, 1);

	lp_connect(l);
	vmsg_drvt_init(&e->drvt, &l->fe.drv_bus, &l->fe, 1);
	ASSERT_EQ(vmsg_drvt_probe(&e->drvt), VMSG_T_OK);
	ASSERT_EQ(vmsg_drvt_negotiate(&e->drvt, LP_FEATURES), VMSG_T_OK);
	ASSERT_EQ(vmsg_drvt_queue_setup(&e->drvt, 0, 16, vmsg_bus_addr(9, 0),
					vmsg_bus_addr(9, 4096),
					vmsg_bus_addr(9, 8192)),
		  VMSG_T_E_REFUSED);
	ASSERT_EQ(l->fe.stats.errors, 1);
	ASSERT_EQ(e->devt.stats.dropped, 1);
}

/* ---------------------------------------------------------------------- */
/* A hostile driver                                                        */

/* Make descriptor 0 a self-loop and publish it as a chain head. */
static void corrupt_with_loop(struct lp_echo *e)
{
	uint8_t *d = e->ring;
	uint16_t idx = le16_get(e->ring + lp_avail_off(e->qsize) + 2);

	le64_put(d, e->ring_bus); /* any translatable address */
	le32_put(d + 8, 16);
	le16_put(d + 12, VIRTQ_DESC_F_NEXT);
	le16_put(d + 14, 0);
	le16_put(e->ring + lp_avail_off(e->qsize) + 4 + 2 * (idx % e->qsize),
		 0);
	le16_put(e->ring + lp_avail_off(e->qsize) + 2, (uint16_t)(idx + 1));
}

TEST(corrupt_ring_breaks_one_device_while_another_keeps_working)
{
	struct lp_echo *a = NULL;
	struct loop *l = lp_static_with(1, &a);
	struct lp_echo *b = lp_add_echo(l, 2);

	ASSERT_EQ(lp_poll(l), 1);
	lp_echo_up(l, b, LP_STATIC, LP_FEATURES);
	ASSERT_EQ(lp_echo_msg(l, a, "a", 1), 1);
	corrupt_with_loop(a);
	ASSERT_EQ(vmsg_drvt_notify(&a->drvt, 0), VMSG_T_OK);
	ASSERT_TRUE(a->devt.vq[0].q.broken);
	ASSERT_EQ(a->devt.vq[0].q.reject, VIRTQ_REJ_CHAIN_LOOP);
	ASSERT_EQ(dev_of(a)->stats.broken, 1);
	ASSERT_TRUE(lp_poll(l) >= 1);
	ASSERT_EQ(a->drvt.status & VIRTIO_STATUS_NEEDS_RESET,
		  VIRTIO_STATUS_NEEDS_RESET);
	/* Further kicks are dropped; b is untouched. */
	ASSERT_EQ(vmsg_drvt_notify(&a->drvt, 0), VMSG_T_OK);
	ASSERT_EQ(dev_of(a)->stats.notifies, 2);
	ASSERT_EQ(lp_echo_msg(l, b, "b works", 7), 7);
	ASSERT_EQ(b->devt.status & VIRTIO_STATUS_NEEDS_RESET, 0);
	/* a recovers by reset. */
	ASSERT_EQ(vmsg_drvt_reset(&a->drvt), VMSG_T_OK);
	lp_rings_put(l, a);
	lp_echo_up(l, a, LP_STATIC, LP_FEATURES);
	ASSERT_EQ(lp_echo_msg(l, a, "a again", 7), 7);
}

TEST(descriptor_outside_every_area_breaks_only_its_queue)
{
	struct lp_echo *e = NULL;
	struct loop *l = lp_static_with(1, &e);
	struct virtq_buf bad = { vmsg_bus_addr(0x7777, 0), 64 };

	ASSERT_EQ(virtq_drv_add(&e->vq, &bad, 1, NULL, 0, e), VIRTQ_OK);
	virtq_drv_publish(&e->vq);
	ASSERT_EQ(vmsg_drvt_notify(&e->drvt, 0), VMSG_T_OK);
	ASSERT_TRUE(e->devt.vq[0].q.broken);
	ASSERT_EQ(e->devt.vq[0].q.reject, VIRTQ_REJ_TRANSLATE);
	ASSERT_EQ(e->devt.status & VIRTIO_STATUS_NEEDS_RESET,
		  VIRTIO_STATUS_NEEDS_RESET);
	ASSERT_EQ(dev_of(e)->stats.chains, 0);
	ASSERT_EQ(lp_poll(l), 1);
	ASSERT_EQ(e->config_events, 1);
	ASSERT_EQ(e->drvt.status & VIRTIO_STATUS_NEEDS_RESET,
		  VIRTIO_STATUS_NEEDS_RESET);
}

TEST(writable_buffer_in_a_read_only_area_breaks_the_queue)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	struct lp_echo *e = lp_add_echo(l, 1);
	struct lp_buf o, w;
	struct virtq_buf vo, vi;

	lp_connect(l);
	lp_echo_up(l, e, LP_DYNAMIC, LP_FEATURES);
	lp_buf_get(l, LP_DYNAMIC, 8, false, &o);
	lp_buf_get(l, LP_DYNAMIC, 8, false, &w); /* shared read-only */
	vo.addr = o.bus;
	vo.len = 8;
	vi.addr = w.bus;
	vi.len = 8;
	lp_post(l, e, &vo, 1, &vi, 1, e);
	ASSERT_TRUE(e->devt.vq[0].q.broken);
	ASSERT_EQ(e->devt.vq[0].q.reject, VIRTQ_REJ_TRANSLATE);
	ASSERT_TRUE(tzs_is_zero(w.host, 8));
}

TEST(buffer_area_unshared_while_available_breaks_the_queue_safely)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	struct lp_echo *e = lp_add_echo(l, 1);
	struct lp_buf b;
	struct virtq_buf v;

	lp_connect(l);
	lp_echo_up(l, e, LP_DYNAMIC, LP_FEATURES);
	lp_buf_get(l, LP_DYNAMIC, 64, true, &b);
	v.addr = b.bus;
	v.len = 64;
	ASSERT_EQ(virtq_drv_add(&e->vq, &v, 1, &v, 1, e), VIRTQ_OK);
	virtq_drv_publish(&e->vq);
	/* Buffers are not holds: the unshare goes through at once. */
	ASSERT_EQ(vmsg_ffa_dma_unmap(&l->fe, b.bus), VMSG_T_OK);
	ASSERT_EQ(vmsg_drvt_notify(&e->drvt, 0), VMSG_T_OK);
	ASSERT_TRUE(e->devt.vq[0].q.broken);
	ASSERT_EQ(e->devt.vq[0].q.reject, VIRTQ_REJ_TRANSLATE);
	ASSERT_EQ(dev_of(e)->stats.chains, 0);
}
