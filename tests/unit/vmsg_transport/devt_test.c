// SPDX-License-Identifier: BSD-2-Clause
/* core/vmsg_transport/devt.c: the device side of the virtio-msg transport. */
#include "devt_fixture.h"

/* ---------------------------------------------------------------------- */
/* Identity, routing, drop paths                                           */

TEST(get_device_info_reports_the_device_and_echoes_token)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	struct vmsg m = fx_req(VMSG_GET_DEVICE_INFO), r;

	ASSERT_TRUE(fx_handle(f, &m, &r));
	ASSERT_EQ(r.hdr.type, VMSG_TYPE_RESPONSE);
	ASSERT_EQ(r.hdr.msg_id, VMSG_GET_DEVICE_INFO);
	ASSERT_EQ(r.hdr.dev_num, FX_DEV);
	ASSERT_EQ(r.hdr.token, FX_TOKEN);
	ASSERT_EQ(r.u.dev_info.device_id, VDEV_ECHO_DEVICE_ID);
	ASSERT_EQ(r.u.dev_info.vendor_id, VDEV_ECHO_VENDOR_ID);
	ASSERT_EQ(r.u.dev_info.num_feature_bits, 64);
	ASSERT_EQ(r.u.dev_info.config_size, VDEV_ECHO_CONFIG_SIZE);
	ASSERT_EQ(r.u.dev_info.max_vqs, 1);
	ASSERT_EQ(r.u.dev_info.admin_vq_count, 0);
}

TEST(get_device_info_is_answered_in_failed_and_needs_reset_states)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	struct vmsg m = fx_req(VMSG_GET_DEVICE_INFO), r;

	ASSERT_EQ(
		fx_status(f, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_FAILED),
		VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_FAILED);
	ASSERT_TRUE(fx_handle(f, &m, &r));
	vmsg_devt_needs_reset(&f->t);
	ASSERT_TRUE(fx_handle(f, &m, &r));
	ASSERT_EQ(f->t.stats.dropped, 0);
}

TEST(message_for_another_device_number_is_dropped)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	struct vmsg m = fx_req(VMSG_GET_DEVICE_INFO), r;

	m.hdr.dev_num = FX_DEV + 1;
	ASSERT_FALSE(fx_handle(f, &m, &r));
	ASSERT_EQ(f->t.stats.dropped, 1);
}

TEST(response_and_bus_typed_messages_are_dropped)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	struct vmsg m = fx_req(VMSG_GET_DEVICE_STATUS), r;

	m.hdr.type = VMSG_TYPE_RESPONSE;
	ASSERT_FALSE(fx_handle(f, &m, &r));
	m.hdr.type = VMSG_TYPE_BUS;
	ASSERT_FALSE(fx_handle(f, &m, &r));
	m.hdr.type = 0x04; /* reserved type bit */
	ASSERT_FALSE(fx_handle(f, &m, &r));
	ASSERT_EQ(f->t.stats.dropped, 3);
}

TEST(unknown_request_ids_are_dropped_without_state_change)
{
	static const uint8_t ids[] = { 0x00, 0x01, 0x0D, 0x3F, 0x80, 0xBF };
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	struct vmsg r;
	size_t i = 0;

	for (i = 0; i < sizeof(ids); i++) {
		struct vmsg m = fx_req(ids[i]);

		ASSERT_FALSE(fx_handle(f, &m, &r));
	}
	ASSERT_EQ(f->t.stats.dropped, sizeof(ids));
	ASSERT_EQ(f->t.status, 0);
}

TEST(device_events_sent_by_the_driver_are_dropped)
{
	static const uint8_t ids[] = { VMSG_EVENT_CONFIG, VMSG_EVENT_USED, 0x43,
				       0xC0 };
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	struct vmsg r;
	size_t i = 0;

	for (i = 0; i < sizeof(ids); i++) {
		struct vmsg m = fx_req(ids[i]);

		ASSERT_FALSE(fx_handle(f, &m, &r));
	}
	ASSERT_EQ(f->t.stats.dropped, sizeof(ids));
}

/* ---------------------------------------------------------------------- */
/* Features                                                                */

TEST(feature_blocks_beyond_the_implemented_bits_read_zero)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	struct vmsg m = fx_req(VMSG_GET_DEVICE_FEATURES), r;

	m.u.features.block_index = 0;
	m.u.features.num_blocks = 4;
	ASSERT_TRUE(fx_handle(f, &m, &r));
	ASSERT_EQ(r.u.features.block_index, 0);
	ASSERT_EQ(r.u.features.num_blocks, 4);
	ASSERT_EQ(r.u.features.features[0], (uint32_t)VDEV_ECHO_FEATURES);
	ASSERT_EQ(r.u.features.features[1],
		  (uint32_t)(VDEV_ECHO_FEATURES >> 32));
	ASSERT_EQ(r.u.features.features[2], 0);
	ASSERT_EQ(r.u.features.features[3], 0);
	m.u.features.block_index = 0xFFFFFFFFu; /* far past, no wrap */
	m.u.features.num_blocks = 2;
	ASSERT_TRUE(fx_handle(f, &m, &r));
	ASSERT_EQ(r.u.features.features[0], 0);
	ASSERT_EQ(r.u.features.features[1], 0);
}

TEST(feature_read_too_large_for_the_bus_is_dropped)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	struct vmsg m = fx_req(VMSG_GET_DEVICE_FEATURES), r;

	m.u.features.num_blocks = VMSG_MAX_FEATURE_BLOCKS + 1;
	ASSERT_FALSE(fx_handle(f, &m, &r));
	f->t.max_msg_size = 44; /* 8 + 8 + 4 * 7 = 44 fits, 8 does not */
	m.u.features.num_blocks = 7;
	ASSERT_TRUE(fx_handle(f, &m, &r));
	m.u.features.num_blocks = 8;
	ASSERT_FALSE(fx_handle(f, &m, &r));
	ASSERT_EQ(f->t.stats.dropped, 2);
}

TEST(set_driver_features_before_driver_status_is_dropped)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);

	ASSERT_FALSE(fx_set_features(f, FX_FEATURES));
	ASSERT_EQ(fx_status(f, VIRTIO_STATUS_ACKNOWLEDGE),
		  VIRTIO_STATUS_ACKNOWLEDGE);
	ASSERT_FALSE(fx_set_features(f, FX_FEATURES));
	ASSERT_EQ(f->t.driver_features, 0);
	ASSERT_EQ(f->t.stats.dropped, 2);
}

TEST(set_driver_features_after_features_ok_is_dropped)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);

	fx_to_features_ok(f, FX_FEATURES);
	ASSERT_FALSE(fx_set_features(f, 1ull << VIRTIO_F_VERSION_1));
	ASSERT_EQ(f->t.driver_features, FX_FEATURES);
}

TEST(features_ok_is_cleared_for_a_feature_the_device_does_not_offer)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);

	ASSERT_EQ(fx_status(f, VIRTIO_STATUS_ACKNOWLEDGE),
		  VIRTIO_STATUS_ACKNOWLEDGE);
	ASSERT_EQ(fx_status(f, FX_S_AD), FX_S_AD);
	ASSERT_TRUE(fx_set_features(f, FX_FEATURES | (1ull << 5)));
	ASSERT_EQ(fx_status(f, FX_S_FOK), FX_S_AD);
	ASSERT_EQ(f->t.stats.refused, 1);
	/* The driver may retry with an acceptable set. */
	ASSERT_TRUE(fx_set_features(f, FX_FEATURES));
	ASSERT_EQ(fx_status(f, FX_S_FOK), FX_S_FOK);
}

TEST(features_ok_is_cleared_for_a_bit_beyond_63)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	struct vmsg m = fx_req(VMSG_SET_DRIVER_FEATURES), r;

	ASSERT_EQ(fx_status(f, VIRTIO_STATUS_ACKNOWLEDGE),
		  VIRTIO_STATUS_ACKNOWLEDGE);
	ASSERT_EQ(fx_status(f, FX_S_AD), FX_S_AD);
	ASSERT_TRUE(fx_set_features(f, FX_FEATURES));
	m.u.features.block_index = 2;
	m.u.features.num_blocks = 1;
	m.u.features.features[0] = 1; /* bit 64 */
	ASSERT_TRUE(fx_handle(f, &m, &r));
	ASSERT_EQ(fx_status(f, FX_S_FOK), FX_S_AD);
}

TEST(features_ok_is_cleared_without_version_1)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);

	ASSERT_EQ(fx_status(f, VIRTIO_STATUS_ACKNOWLEDGE),
		  VIRTIO_STATUS_ACKNOWLEDGE);
	ASSERT_EQ(fx_status(f, FX_S_AD), FX_S_AD);
	ASSERT_TRUE(fx_set_features(f, 1ull << VIRTIO_F_EVENT_IDX));
	ASSERT_EQ(fx_status(f, FX_S_FOK), FX_S_AD);
}

/* ---------------------------------------------------------------------- */
/* Status                                                                  */

TEST(status_write_clearing_a_bit_is_refused_unchanged)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);

	fx_to_features_ok(f, FX_FEATURES);
	ASSERT_EQ(fx_status(f, VIRTIO_STATUS_ACKNOWLEDGE), FX_S_FOK);
	ASSERT_EQ(f->t.status, FX_S_FOK);
	ASSERT_EQ(f->t.stats.refused, 1);
}

TEST(status_write_skipping_an_init_step_is_refused)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);

	ASSERT_EQ(fx_status(f, VIRTIO_STATUS_DRIVER), 0);
	ASSERT_EQ(fx_status(f, VIRTIO_STATUS_ACKNOWLEDGE |
				       VIRTIO_STATUS_FEATURES_OK),
		  0);
	ASSERT_EQ(fx_status(f, FX_S_AD | VIRTIO_STATUS_DRIVER_OK), 0);
	ASSERT_EQ(f->t.stats.refused, 3);
}

TEST(status_write_with_unknown_bits_is_refused)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);

	ASSERT_EQ(fx_status(f, VIRTIO_STATUS_ACKNOWLEDGE | 0x10), 0);
	ASSERT_EQ(fx_status(f, VIRTIO_STATUS_ACKNOWLEDGE | 0x100), 0);
	ASSERT_EQ(f->t.stats.refused, 2);
}

TEST(driver_cannot_set_needs_reset)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);

	ASSERT_EQ(fx_status(f, VIRTIO_STATUS_ACKNOWLEDGE |
				       VIRTIO_STATUS_NEEDS_RESET),
		  VIRTIO_STATUS_ACKNOWLEDGE);
}

TEST(get_device_status_reports_the_current_status)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	struct vmsg m = fx_req(VMSG_GET_DEVICE_STATUS), r;

	fx_to_features_ok(f, FX_FEATURES);
	ASSERT_TRUE(fx_handle(f, &m, &r));
	ASSERT_EQ(r.u.status, FX_S_FOK);
}

TEST(driver_ok_binds_queues_and_calls_nothing_else)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);

	fx_live(f);
	ASSERT_TRUE(f->t.vq[0].live);
	ASSERT_TRUE(vmsg_devt_queue(&f->t, 0) != NULL);
	ASSERT_TRUE(vmsg_devt_queue(&f->t, 1) == NULL);
	ASSERT_EQ(f->t.vq[0].q.num, FX_QSIZE);
	ASSERT_TRUE(f->t.vq[0].q.event_idx);
	ASSERT_EQ(f->n_events, 0);
}

/* ---------------------------------------------------------------------- */
/* Config                                                                  */

TEST(get_config_returns_bytes_and_generation)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	struct vmsg m = fx_req(VMSG_GET_CONFIG), r;

	le32_put(f->echo.dev.config, 0xCAFEF00D);
	m.u.config.offset = 0;
	m.u.config.length = 4;
	ASSERT_TRUE(fx_handle(f, &m, &r));
	ASSERT_EQ(r.u.config.generation, f->t.generation);
	ASSERT_EQ(r.u.config.offset, 0);
	ASSERT_EQ(r.u.config.length, 4);
	ASSERT_EQ(r.u.config.data_len, 4);
	ASSERT_EQ(le32_get(r.u.config.data), 0xCAFEF00D);
}

TEST(get_config_outside_the_config_space_is_dropped)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	struct vmsg m = fx_req(VMSG_GET_CONFIG), r;

	m.u.config.offset = 4;
	m.u.config.length = 5;
	ASSERT_FALSE(fx_handle(f, &m, &r));
	m.u.config.offset = 0xFFFFFFFFu; /* offset + length overflows */
	m.u.config.length = 2;
	ASSERT_FALSE(fx_handle(f, &m, &r));
	m.u.config.offset = 8;
	m.u.config.length = 0; /* empty read at the end is fine */
	ASSERT_TRUE(fx_handle(f, &m, &r));
	ASSERT_EQ(f->t.stats.dropped, 2);
}

TEST(get_config_larger_than_the_bus_message_is_dropped)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	struct vmsg m = fx_req(VMSG_GET_CONFIG), r;

	f->t.max_msg_size = 8 + 12 + 7;
	m.u.config.length = 8;
	ASSERT_FALSE(fx_handle(f, &m, &r));
	m.u.config.length = 7;
	ASSERT_TRUE(fx_handle(f, &m, &r));
}

static struct vmsg set_cfg(uint32_t gen, uint32_t off, uint32_t val)
{
	struct vmsg m = fx_req(VMSG_SET_CONFIG);

	m.u.config.generation = gen;
	m.u.config.offset = off;
	m.u.config.length = 4;
	m.u.config.data_len = 4;
	le32_put(m.u.config.data, val);
	return m;
}

TEST(set_config_before_features_ok_is_dropped)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	struct vmsg m = set_cfg(f->t.generation, VDEV_ECHO_CFG_FLAGS, 1), r;

	ASSERT_FALSE(fx_handle(f, &m, &r));
	ASSERT_EQ(f->echo.flags, 0);
}

TEST(set_config_applies_bumps_generation_and_echoes)
{
	struct fx *f = fx_new(VMSG_PROFILE_PR28);
	struct vmsg m, r;
	uint32_t gen = 0;

	fx_to_features_ok(f, FX_FEATURES);
	gen = f->t.generation;
	m = set_cfg(gen, VDEV_ECHO_CFG_FLAGS, VDEV_ECHO_F_UPPERCASE);
	ASSERT_TRUE(fx_handle(f, &m, &r));
	ASSERT_EQ(r.u.config.generation, gen + 1);
	ASSERT_EQ(r.u.config.offset, VDEV_ECHO_CFG_FLAGS);
	ASSERT_EQ(r.u.config.length, 4);
	ASSERT_EQ(r.u.config.data_len, 4);
	ASSERT_EQ(le32_get(r.u.config.data), VDEV_ECHO_F_UPPERCASE);
	ASSERT_EQ(f->echo.flags, VDEV_ECHO_F_UPPERCASE);
}

TEST(set_config_with_stale_generation_is_rejected_in_pr28)
{
	struct fx *f = fx_new(VMSG_PROFILE_PR28);
	struct vmsg m, r;
	uint32_t gen = 0;

	fx_to_features_ok(f, FX_FEATURES);
	gen = f->t.generation;
	m = set_cfg(gen - 1, VDEV_ECHO_CFG_FLAGS, 1);
	ASSERT_TRUE(fx_handle(f, &m, &r));
	ASSERT_EQ(r.u.config.length, 0);
	ASSERT_EQ(r.u.config.generation, gen);
	ASSERT_EQ(f->echo.flags, 0);
	ASSERT_EQ(f->t.generation, gen);
}

TEST(set_config_generation_is_not_checked_in_v2_without_strict)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	struct vmsg m, r;

	fx_to_features_ok(f, FX_FEATURES);
	m = set_cfg(0, VDEV_ECHO_CFG_FLAGS, 1); /* Linux v2 sends 0 */
	ASSERT_TRUE(fx_handle(f, &m, &r));
	ASSERT_EQ(r.u.config.length, 4);
	ASSERT_EQ(f->echo.flags, 1);
}

TEST(set_config_with_stale_generation_is_rejected_in_v2_when_strict)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	struct vmsg m, r;

	f->t.strict_generation = true;
	fx_to_features_ok(f, FX_FEATURES);
	m = set_cfg(f->t.generation + 1, VDEV_ECHO_CFG_FLAGS, 1);
	ASSERT_TRUE(fx_handle(f, &m, &r));
	ASSERT_EQ(r.u.config.length, 0);
	ASSERT_EQ(f->echo.flags, 0);
}

TEST(set_config_of_a_read_only_field_is_rejected)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	struct vmsg m, r;

	fx_to_features_ok(f, FX_FEATURES);
	m = set_cfg(f->t.generation, VDEV_ECHO_CFG_COUNT, 7);
	ASSERT_TRUE(fx_handle(f, &m, &r));
	ASSERT_EQ(r.u.config.length, 0);
	ASSERT_EQ(le32_get(f->echo.dev.config), 0);
	ASSERT_EQ(f->t.stats.refused, 1);
}

TEST(set_config_malformed_or_out_of_range_is_dropped)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	struct vmsg m, r;

	fx_to_features_ok(f, FX_FEATURES);
	m = set_cfg(f->t.generation, VDEV_ECHO_CFG_FLAGS, 1);
	m.u.config.data_len = 3; /* length says 4 */
	ASSERT_FALSE(fx_handle(f, &m, &r));
	m = set_cfg(f->t.generation, 6, 1); /* 6 + 4 > 8 */
	ASSERT_FALSE(fx_handle(f, &m, &r));
	ASSERT_EQ(f->t.stats.dropped, 2);
	ASSERT_EQ(f->echo.flags, 0);
}

TEST(config_change_emits_event_config_with_data_once_live)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	uint32_t gen = f->t.generation;

	f->echo.echo_count = 9;
	vdev_echo_publish_count(&f->echo);
	ASSERT_EQ(f->t.generation, gen + 1);
	ASSERT_EQ(f->n_events, 0); /* before DRIVER_OK: nothing sent */
	fx_live(f);
	f->echo.echo_count = 42;
	vdev_echo_publish_count(&f->echo);
	ASSERT_EQ(f->n_events, 1);
	ASSERT_EQ(f->events[0].hdr.msg_id, VMSG_EVENT_CONFIG);
	ASSERT_EQ(f->events[0].hdr.dev_num, FX_DEV);
	ASSERT_EQ(f->events[0].hdr.token, 0);
	ASSERT_EQ(f->events[0].u.config.device_status, FX_S_LIVE);
	ASSERT_EQ(f->events[0].u.config.generation, f->t.generation);
	ASSERT_EQ(f->events[0].u.config.offset, 0);
	ASSERT_EQ(f->events[0].u.config.length, 4);
	ASSERT_EQ(le32_get(f->events[0].u.config.data), 42);
}

TEST(config_change_too_large_for_the_bus_sends_length_zero)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);

	fx_live(f);
	f->t.max_msg_size = 8 + 16 + 3;
	vdev_echo_publish_count(&f->echo);
	ASSERT_EQ(f->n_events, 1);
	ASSERT_EQ(f->events[0].u.config.length, 0);
	ASSERT_EQ(f->events[0].u.config.data_len, 0);
	ASSERT_EQ(f->events[0].u.config.generation, f->t.generation);
}

/* ---------------------------------------------------------------------- */
/* Queues                                                                  */

TEST(get_vqueue_before_features_ok_is_dropped)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	struct vmsg m = fx_req(VMSG_GET_VQUEUE), r;

	ASSERT_FALSE(fx_handle(f, &m, &r));
	ASSERT_EQ(f->t.stats.dropped, 1);
}

TEST(get_vqueue_of_a_missing_queue_reports_max_size_zero)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	struct vmsg m = fx_req(VMSG_GET_VQUEUE), r;

	fx_to_features_ok(f, FX_FEATURES);
	m.u.index = 1;
	ASSERT_TRUE(fx_handle(f, &m, &r));
	ASSERT_EQ(r.u.vqueue.index, 1);
	ASSERT_EQ(r.u.vqueue.max_size, 0);
	m.u.index = 0;
	ASSERT_TRUE(fx_handle(f, &m, &r));
	ASSERT_EQ(r.u.vqueue.max_size, VDEV_ECHO_QUEUE_MAX);
	ASSERT_EQ(r.u.vqueue.size, 0);
	ASSERT_EQ(r.u.vqueue.flags, 0);
}

TEST(get_vqueue_reports_the_configured_rings_and_v2_enable_flag)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	struct vmsg m = fx_req(VMSG_GET_VQUEUE), r;

	fx_to_features_ok(f, FX_FEATURES);
	fx_queue(f, true);
	m.u.index = 0;
	ASSERT_TRUE(fx_handle(f, &m, &r));
	ASSERT_EQ(r.u.vqueue.size, FX_QSIZE);
	ASSERT_EQ(r.u.vqueue.flags, VMSG_VQUEUE_F_ENABLED);
	ASSERT_EQ(r.u.vqueue.desc_addr, FX_RW_BASE + FX_DESC_OFF);
	ASSERT_EQ(r.u.vqueue.driver_addr, FX_RW_BASE + FX_AVAIL_OFF);
	ASSERT_EQ(r.u.vqueue.device_addr, FX_RW_BASE + FX_USED_OFF);
}

TEST(set_vqueue_size_must_be_a_power_of_two_within_max)
{
	static const uint32_t bad[] = { 0, 3, 24, 512, 0x80000000u };
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	struct vmsg r;
	size_t i = 0;

	fx_to_features_ok(f, FX_FEATURES);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct vmsg m = fx_set_vqueue_msg(0, bad[i], FX_RW_BASE);

		ASSERT_FALSE(fx_handle(f, &m, &r));
	}
	ASSERT_EQ(f->t.stats.dropped, 5);
	ASSERT_EQ(f->t.vq[0].size, 0);
	ASSERT_EQ(f->holds, 0);
}

TEST(set_vqueue_of_a_missing_queue_is_dropped)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	struct vmsg m = fx_set_vqueue_msg(1, FX_QSIZE, FX_RW_BASE), r;

	fx_to_features_ok(f, FX_FEATURES);
	ASSERT_FALSE(fx_handle(f, &m, &r));
	m.u.vqueue.index = VMSG_MAX_QUEUES;
	ASSERT_FALSE(fx_handle(f, &m, &r));
}

TEST(set_vqueue_with_untranslatable_rings_is_dropped)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	struct vmsg m, r;

	fx_to_features_ok(f, FX_FEATURES);
	/* Unknown area. */
	m = fx_set_vqueue_msg(0, FX_QSIZE, 3ull << 48);
	ASSERT_FALSE(fx_handle(f, &m, &r));
	/* Device ring in read-only memory. */
	m = fx_set_vqueue_msg(0, FX_QSIZE, FX_RW_BASE);
	m.u.vqueue.device_addr = FX_RO_BASE + FX_USED_OFF;
	ASSERT_FALSE(fx_handle(f, &m, &r));
	/* Descriptor table running past the end of the memory. */
	m = fx_set_vqueue_msg(0, FX_QSIZE, FX_RW_BASE);
	m.u.vqueue.desc_addr = FX_RW_BASE + FX_MEM_SIZE - 16;
	ASSERT_FALSE(fx_handle(f, &m, &r));
	/* Misaligned rings. */
	m = fx_set_vqueue_msg(0, FX_QSIZE, FX_RW_BASE);
	m.u.vqueue.desc_addr += 8;
	ASSERT_FALSE(fx_handle(f, &m, &r));
	m = fx_set_vqueue_msg(0, FX_QSIZE, FX_RW_BASE);
	m.u.vqueue.driver_addr += 1;
	ASSERT_FALSE(fx_handle(f, &m, &r));
	m = fx_set_vqueue_msg(0, FX_QSIZE, FX_RW_BASE);
	m.u.vqueue.device_addr += 2;
	ASSERT_FALSE(fx_handle(f, &m, &r));
	ASSERT_EQ(f->t.stats.dropped, 6);
	ASSERT_EQ(f->t.vq[0].size, 0);
	ASSERT_EQ(f->holds, 0);
}

TEST(set_vqueue_read_only_desc_and_avail_rings_are_fine)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	struct vmsg m = fx_set_vqueue_msg(0, FX_QSIZE, FX_RO_BASE), r;

	fx_to_features_ok(f, FX_FEATURES);
	m.u.vqueue.device_addr = FX_RW_BASE + FX_USED_OFF;
	ASSERT_TRUE(fx_handle(f, &m, &r));
	ASSERT_EQ(f->holds, 3);
}

TEST(set_vqueue_is_dropped_when_the_bus_cannot_hold_the_rings)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	struct vmsg m = fx_set_vqueue_msg(0, FX_QSIZE, FX_RW_BASE), r;

	fx_to_features_ok(f, FX_FEATURES);
	f->refuse_hold = true;
	ASSERT_FALSE(fx_handle(f, &m, &r));
	ASSERT_EQ(f->t.vq[0].size, 0);
	ASSERT_EQ(f->holds, 0);
}

TEST(set_vqueue_with_unknown_v2_flags_is_dropped)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	struct vmsg m = fx_set_vqueue_msg(0, FX_QSIZE, FX_RW_BASE), r;

	fx_to_features_ok(f, FX_FEATURES);
	m.u.vqueue.flags = 0x3;
	ASSERT_FALSE(fx_handle(f, &m, &r));
	ASSERT_EQ(f->t.vq[0].size, 0);
}

TEST(set_vqueue_in_pr28_enables_whatever_the_reserved_word)
{
	struct fx *f = fx_new(VMSG_PROFILE_PR28);
	struct vmsg m = fx_set_vqueue_msg(0, FX_QSIZE, FX_RW_BASE), r;

	fx_to_features_ok(f, FX_FEATURES);
	m.u.vqueue.flags = 0;
	ASSERT_TRUE(fx_handle(f, &m, &r));
	ASSERT_TRUE(f->t.vq[0].enabled);
}

TEST(set_vqueue_again_before_driver_ok_releases_the_old_rings)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	struct vmsg m = fx_set_vqueue_msg(0, 8, FX_RW_BASE), r;

	fx_to_features_ok(f, FX_FEATURES);
	ASSERT_TRUE(fx_handle(f, &m, &r));
	ASSERT_EQ(f->holds, 3);
	m = fx_set_vqueue_msg(0, FX_QSIZE, FX_RW_BASE);
	ASSERT_TRUE(fx_handle(f, &m, &r));
	ASSERT_EQ(f->holds, 3);
	ASSERT_EQ(f->t.vq[0].size, FX_QSIZE);
}

TEST(set_vqueue_on_a_live_queue_is_dropped)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	struct vmsg m = fx_set_vqueue_msg(0, 8, FX_RW_BASE), r;

	fx_live(f);
	ASSERT_FALSE(fx_handle(f, &m, &r));
	ASSERT_EQ(f->t.vq[0].size, FX_QSIZE);
	ASSERT_EQ(fx_echo(f, "still", 5), 5);
}

TEST(driver_ok_with_a_ring_gone_sets_needs_reset)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);

	fx_to_features_ok(f, FX_FEATURES);
	fx_queue(f, true);
	/* The memory behind the rings disappears before DRIVER_OK. */
	f->t.vq[0].desc_addr = 5ull << 48;
	ASSERT_EQ(fx_status(f, FX_S_LIVE),
		  FX_S_FOK | VIRTIO_STATUS_NEEDS_RESET);
	ASSERT_FALSE(f->t.vq[0].live);
	f->t.vq[0].desc_addr = FX_RW_BASE + FX_DESC_OFF; /* for release */
}

TEST(event_avail_runs_the_device_and_used_event_follows_event_idx)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);

	fx_live(f);
	ASSERT_EQ(fx_echo(f, "hello", 5), 5);
	ASSERT_EQ(f->echo.stats.chains, 1);
	ASSERT_EQ(f->n_events, 1);
	ASSERT_EQ(f->events[0].hdr.msg_id, VMSG_EVENT_USED);
	ASSERT_EQ(f->events[0].u.index, 0);
	/* Driver turns used notifications off: no more EVENT_USED. */
	virtq_drv_disable_cb(&f->vq);
	ASSERT_EQ(fx_echo(f, "again", 5), 5);
	ASSERT_EQ(f->n_events, 1);
}

TEST(event_avail_in_wrong_state_or_for_a_missing_queue_is_dropped)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	struct vmsg m = fx_req(VMSG_EVENT_AVAIL), r;

	m.hdr.token = 0;
	fx_to_features_ok(f, FX_FEATURES);
	fx_queue(f, true);
	ASSERT_FALSE(fx_handle(f, &m, &r)); /* before DRIVER_OK */
	ASSERT_EQ(fx_status(f, FX_S_LIVE), FX_S_LIVE);
	m.u.avail.vq_index = 1;
	ASSERT_FALSE(fx_handle(f, &m, &r));
	ASSERT_EQ(f->t.stats.dropped, 2);
	ASSERT_EQ(f->echo.stats.notifies, 0);
}

TEST(device_reset_drops_queues_releases_holds_and_bumps_generation)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	uint32_t gen = 0;

	fx_live(f);
	ASSERT_EQ(fx_echo(f, "x", 1), 1);
	gen = f->t.generation;
	ASSERT_EQ(f->holds, 3);
	ASSERT_EQ(fx_status(f, 0), 0);
	ASSERT_EQ(f->holds, 0);
	ASSERT_FALSE(f->t.vq[0].live);
	ASSERT_EQ(f->t.vq[0].size, 0);
	ASSERT_EQ(f->t.driver_features, 0);
	ASSERT_EQ(f->t.generation, gen + 1);
	ASSERT_EQ(f->echo.stats.resets, 1);
	/* And the device comes back. */
	fx_live(f);
	ASSERT_EQ(fx_echo(f, "back", 4), 4);
}

TEST(reset_vqueue_without_ring_reset_is_dropped)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	struct vmsg m = fx_req(VMSG_RESET_VQUEUE), r;

	fx_to_features_ok(f, (1ull << VIRTIO_F_VERSION_1));
	fx_queue(f, false);
	ASSERT_EQ(fx_status(f, FX_S_LIVE), FX_S_LIVE);
	ASSERT_FALSE(fx_handle(f, &m, &r));
	ASSERT_TRUE(f->t.vq[0].live);
	ASSERT_EQ(f->echo.stats.queue_resets, 0);
}

TEST(reset_vqueue_then_set_vqueue_while_live_rebinds_the_queue)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	struct vmsg m = fx_req(VMSG_RESET_VQUEUE), r;

	fx_live(f);
	ASSERT_EQ(fx_echo(f, "one", 3), 3);
	m.u.index = 0;
	ASSERT_TRUE(fx_handle(f, &m, &r));
	ASSERT_EQ(r.hdr.msg_id, VMSG_RESET_VQUEUE);
	ASSERT_EQ(f->echo.stats.queue_resets, 1);
	ASSERT_EQ(f->holds, 0);
	ASSERT_FALSE(f->t.vq[0].live);
	fx_queue(f, true);
	ASSERT_TRUE(f->t.vq[0].live);
	ASSERT_EQ(fx_echo(f, "two", 3), 3);
}

TEST(reset_vqueue_of_a_missing_queue_is_dropped)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	struct vmsg m = fx_req(VMSG_RESET_VQUEUE), r;

	fx_live(f);
	m.u.index = 1;
	ASSERT_FALSE(fx_handle(f, &m, &r));
	ASSERT_TRUE(f->t.vq[0].live);
}

TEST(get_shm_reports_no_region)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	struct vmsg m = fx_req(VMSG_GET_SHM), r;

	m.u.index = 3;
	ASSERT_TRUE(fx_handle(f, &m, &r));
	ASSERT_EQ(r.u.shm.index, 3);
	ASSERT_EQ(r.u.shm.length, 0);
	ASSERT_EQ(r.u.shm.address, 0);
}

/* ---------------------------------------------------------------------- */
/* A broken ring                                                           */

TEST(corrupt_avail_ring_sets_needs_reset_and_emits_event_config)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	struct vmsg m, r;

	fx_live(f);
	ASSERT_EQ(fx_echo(f, "ok", 2), 2);
	f->n_events = 0;
	/* Publish a head index that is out of range. */
	le16_put(f->mem + FX_AVAIL_OFF + 4 + 2 * 1, 0x7FFF);
	le16_put(f->mem + FX_AVAIL_OFF + 2, 2);
	fx_kick(f);
	ASSERT_TRUE(f->t.vq[0].q.broken);
	ASSERT_EQ(f->t.vq[0].q.reject, VIRTQ_REJ_HEAD_RANGE);
	ASSERT_EQ(f->t.status, FX_S_LIVE | VIRTIO_STATUS_NEEDS_RESET);
	ASSERT_EQ(f->n_events, 1);
	ASSERT_EQ(f->events[0].hdr.msg_id, VMSG_EVENT_CONFIG);
	ASSERT_EQ(f->events[0].u.config.device_status,
		  FX_S_LIVE | VIRTIO_STATUS_NEEDS_RESET);
	/* From now on: writes and kicks dropped, status and reset work. */
	fx_kick(f);
	m = set_cfg(f->t.generation, VDEV_ECHO_CFG_FLAGS, 1);
	ASSERT_FALSE(fx_handle(f, &m, &r));
	ASSERT_EQ(f->echo.stats.notifies, 2);
	ASSERT_EQ(fx_status(f, FX_S_LIVE | VIRTIO_STATUS_FAILED),
		  FX_S_LIVE | VIRTIO_STATUS_FAILED | VIRTIO_STATUS_NEEDS_RESET);
	ASSERT_EQ(fx_status(f, 0), 0);
	fx_live(f);
	ASSERT_EQ(fx_echo(f, "fixed", 5), 5);
}

TEST(overlapping_readable_and_writable_buffers_are_copied_safely)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	struct virtq_buf out = { FX_RW_BASE + FX_BUF_OFF, 600 };
	struct virtq_buf in = { FX_RW_BASE + FX_BUF_OFF + 10, 600 };
	uint8_t expect[600];
	uint32_t len = 0;
	int i = 0;

	fx_live(f);
	for (i = 0; i < 600; i++) {
		f->mem[FX_BUF_OFF + i] = (uint8_t)i;
		expect[i] = (uint8_t)i;
	}
	ASSERT_EQ(virtq_drv_add(&f->vq, &out, 1, &in, 1, f), VIRTQ_OK);
	virtq_drv_publish(&f->vq);
	fx_kick(f);
	ASSERT_TRUE(virtq_drv_get_used(&f->vq, &len) == f);
	ASSERT_EQ(len, 600);
	/* Chunks of 256 went through the bounce buffer in order: the first
	 * 10 bytes of each chunk come from the source before it was hit. */
	ASSERT_MEM_EQ(f->mem + FX_BUF_OFF + 10, expect, 10);
}

TEST(set_driver_features_with_too_many_blocks_is_dropped)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);
	struct vmsg m = fx_req(VMSG_SET_DRIVER_FEATURES), r;

	ASSERT_EQ(fx_status(f, VIRTIO_STATUS_ACKNOWLEDGE),
		  VIRTIO_STATUS_ACKNOWLEDGE);
	ASSERT_EQ(fx_status(f, FX_S_AD), FX_S_AD);
	m.u.features.num_blocks = VMSG_MAX_FEATURE_BLOCKS + 1;
	m.u.features.features[0] = 1;
	ASSERT_FALSE(fx_handle(f, &m, &r));
	ASSERT_EQ(f->t.driver_features, 0);
}

TEST(status_zero_in_any_state_resets)
{
	struct fx *f = fx_new(VMSG_PROFILE_V2);

	fx_live(f);
	vmsg_devt_needs_reset(&f->t);
	ASSERT_EQ(fx_status(f, FX_S_LIVE | VIRTIO_STATUS_FAILED),
		  FX_S_LIVE | VIRTIO_STATUS_FAILED | VIRTIO_STATUS_NEEDS_RESET);
	ASSERT_EQ(fx_status(f, 0), 0);
	ASSERT_EQ(f->holds, 0);
	ASSERT_EQ(fx_status(f, 0), 0); /* reset of a reset device */
	ASSERT_EQ(f->echo.stats.resets, 2);
}
