// SPDX-License-Identifier: BSD-2-Clause
/*
 * core/vmsg_transport/drvt.c: the driver side, run against the device side
 * through a direct in-process bus (requests handed to vmsg_devt_handle,
 * tokens assigned here), with hooks that corrupt answers.
 */
#include "devt_fixture.h"

#define BIG_CONFIG 200u

struct dbus {
	struct fx *f;
	struct vmsg_drv_bus_ops ops;
	uint16_t token;
	/* Hooks. */
	bool lose_answers;
	int corrupt; /* 1 msg_id, 2 dev_num, 3 type */
	bool strip_features_ok;
	int bump_config_after; /* requests left before a config change */
	uint64_t requests;
	uint32_t last_set_config_gen;
};

static int dbus_request(void *ctx, struct vmsg *req, struct vmsg *resp)
{
	struct dbus *b = ctx;

	b->requests++;
	req->hdr.token = ++b->token;
	if (req->hdr.msg_id == VMSG_SET_CONFIG) {
		b->last_set_config_gen = req->u.config.generation;
	}
	if (!vmsg_devt_handle(&b->f->t, req, resp) || b->lose_answers) {
		return VMSG_T_E_TIMEOUT;
	}
	if (resp->hdr.token != req->hdr.token) {
		test_fail(__FILE__, __LINE__, "device lost the token");
	}
	if (b->corrupt == 1) {
		resp->hdr.msg_id ^= 1;
	} else if (b->corrupt == 2) {
		resp->hdr.dev_num++;
	} else if (b->corrupt == 3) {
		resp->hdr.type |= VMSG_TYPE_BUS;
	}
	if (b->strip_features_ok && req->hdr.msg_id == VMSG_SET_DEVICE_STATUS) {
		resp->u.status &= ~VIRTIO_STATUS_FEATURES_OK;
	}
	if (b->bump_config_after > 0 && --b->bump_config_after == 0) {
		b->f->echo.dev.config[BIG_CONFIG - 1] ^= 0xFF;
		vmsg_devt_config_changed(&b->f->t, BIG_CONFIG - 1, 1);
	}
	return VMSG_T_OK;
}

static int dbus_event(void *ctx, struct vmsg *ev)
{
	struct dbus *b = ctx;
	struct vmsg resp;

	ev->hdr.token = 0;
	if (vmsg_devt_handle(&b->f->t, ev, &resp)) {
		test_fail(__FILE__, __LINE__, "event answered");
	}
	return VMSG_T_OK;
}

static struct dbus *dbus_new(enum vmsg_profile profile, uint32_t max_msg)
{
	struct dbus *b = calloc(1, sizeof(*b));

	ASSERT_TRUE(b);
	b->f = fx_new(profile);
	b->ops.request = dbus_request;
	b->ops.event = dbus_event;
	b->ops.max_msg_size = max_msg;
	b->ops.strict_generation = profile == VMSG_PROFILE_PR28;
	b->f->t.max_msg_size = max_msg ? max_msg : VMSG_MIN_MAX_SIZE;
	return b;
}

/* A device with a large, fully writable config space. */
static bool big_write(struct vmsg_device *dev, uint32_t off,
		      const uint8_t *data, uint32_t len)
{
	memcpy(dev->config + off, data, len);
	return true;
}

static void make_big_config(struct fx *f)
{
	static struct vmsg_device_ops ops;
	uint32_t i = 0;

	ops = *f->echo.dev.ops;
	ops.config_write = big_write;
	f->echo.dev.ops = &ops;
	f->echo.dev.config_size = BIG_CONFIG;
	for (i = 0; i < BIG_CONFIG; i++) {
		f->echo.dev.config[i] = (uint8_t)(i * 7);
	}
}

static void drv_init(struct dbus *b, struct vmsg_drvt *t)
{
	vmsg_drvt_init(t, &b->ops, b, FX_DEV);
}

/* probe + negotiate + queue 0 + DRIVER_OK. */
static void drv_bring_up(struct dbus *b, struct vmsg_drvt *t)
{
	uint32_t max = 0;
	struct fx *f = b->f;

	ASSERT_EQ(vmsg_drvt_probe(t), VMSG_T_OK);
	ASSERT_EQ(vmsg_drvt_negotiate(t, FX_FEATURES), VMSG_T_OK);
	ASSERT_EQ(vmsg_drvt_queue_max(t, 0, &max), VMSG_T_OK);
	ASSERT_EQ(max, VDEV_ECHO_QUEUE_MAX);
	ASSERT_EQ(virtq_drv_init(&f->vq, FX_QSIZE, f->mem + FX_DESC_OFF,
				 FX_RW_BASE + FX_DESC_OFF,
				 f->mem + FX_AVAIL_OFF,
				 FX_RW_BASE + FX_AVAIL_OFF,
				 f->mem + FX_USED_OFF, FX_RW_BASE + FX_USED_OFF,
				 true, false, f->tokens, f->chain_len),
		  VIRTQ_OK);
	ASSERT_EQ(vmsg_drvt_queue_setup(
			  t, 0, FX_QSIZE, FX_RW_BASE + FX_DESC_OFF,
			  FX_RW_BASE + FX_AVAIL_OFF, FX_RW_BASE + FX_USED_OFF),
		  VMSG_T_OK);
	ASSERT_EQ(vmsg_drvt_driver_ok(t), VMSG_T_OK);
}

TEST(probe_resets_and_reads_identity_and_features)
{
	struct dbus *b = dbus_new(VMSG_PROFILE_V2, VMSG_FFA_DIRECT_MAX);
	struct vmsg_drvt t;

	drv_init(b, &t);
	b->f->t.status =
		VIRTIO_STATUS_ACKNOWLEDGE; /* left by a previous driver */
	ASSERT_EQ(vmsg_drvt_probe(&t), VMSG_T_OK);
	ASSERT_EQ(t.info.device_id, VDEV_ECHO_DEVICE_ID);
	ASSERT_EQ(t.info.vendor_id, VDEV_ECHO_VENDOR_ID);
	ASSERT_EQ(t.device_features, VDEV_ECHO_FEATURES);
	ASSERT_EQ(t.status, FX_S_AD);
	ASSERT_EQ(b->f->t.status, FX_S_AD);
	ASSERT_EQ(b->f->echo.stats.resets, 1);
}

TEST(full_init_sequence_then_echo_traffic)
{
	struct dbus *b = dbus_new(VMSG_PROFILE_V2, VMSG_FFA_DIRECT_MAX);
	struct vmsg_drvt t;
	struct fx *f = b->f;
	uint32_t len = 0;
	struct virtq_buf out = { FX_RW_BASE + FX_BUF_OFF, 11 };
	struct virtq_buf in = { FX_RW_BASE + FX_BUF_OFF + 0x1000, 32 };

	drv_init(b, &t);
	drv_bring_up(b, &t);
	ASSERT_EQ(t.status, FX_S_LIVE);
	ASSERT_EQ(t.driver_features, FX_FEATURES);
	memcpy(f->mem + FX_BUF_OFF, "hello world", 11);
	ASSERT_EQ(virtq_drv_add(&f->vq, &out, 1, &in, 1, &t), VIRTQ_OK);
	ASSERT_TRUE(virtq_drv_publish(&f->vq));
	ASSERT_EQ(vmsg_drvt_notify(&t, 0), VMSG_T_OK);
	ASSERT_TRUE(virtq_drv_get_used(&f->vq, &len) == &t);
	ASSERT_EQ(len, 11);
	ASSERT_MEM_EQ(f->mem + FX_BUF_OFF + 0x1000, "hello world", 11);
	ASSERT_EQ(t.stats.events_sent, 1);
}

TEST(negotiate_masks_features_the_device_does_not_offer)
{
	struct dbus *b = dbus_new(VMSG_PROFILE_V2, VMSG_FFA_DIRECT_MAX);
	struct vmsg_drvt t;

	drv_init(b, &t);
	ASSERT_EQ(vmsg_drvt_probe(&t), VMSG_T_OK);
	ASSERT_EQ(vmsg_drvt_negotiate(&t,
				      FX_FEATURES | (1ull << 3) | (1ull << 63)),
		  VMSG_T_OK);
	ASSERT_EQ(t.driver_features, FX_FEATURES);
	ASSERT_EQ(b->f->t.driver_features, FX_FEATURES);
}

TEST(negotiate_fails_when_the_device_clears_features_ok)
{
	struct dbus *b = dbus_new(VMSG_PROFILE_V2, VMSG_FFA_DIRECT_MAX);
	struct vmsg_drvt t;

	drv_init(b, &t);
	ASSERT_EQ(vmsg_drvt_probe(&t), VMSG_T_OK);
	b->strip_features_ok = true;
	ASSERT_EQ(vmsg_drvt_negotiate(&t, FX_FEATURES), VMSG_T_E_REFUSED);
	ASSERT_EQ(t.status & VIRTIO_STATUS_FEATURES_OK, 0);
}

TEST(negotiate_without_version_1_is_refused_by_the_device)
{
	struct dbus *b = dbus_new(VMSG_PROFILE_V2, VMSG_FFA_DIRECT_MAX);
	struct vmsg_drvt t;

	drv_init(b, &t);
	ASSERT_EQ(vmsg_drvt_probe(&t), VMSG_T_OK);
	ASSERT_EQ(vmsg_drvt_negotiate(&t, 1ull << VIRTIO_F_EVENT_IDX),
		  VMSG_T_E_REFUSED);
	ASSERT_EQ(b->f->t.status, FX_S_AD);
}

TEST(answer_with_wrong_msg_id_dev_num_or_type_is_a_protocol_error)
{
	struct dbus *b = dbus_new(VMSG_PROFILE_V2, VMSG_FFA_DIRECT_MAX);
	struct vmsg_drvt t;
	uint8_t buf[4];
	int c = 0;

	drv_init(b, &t);
	for (c = 1; c <= 3; c++) {
		b->corrupt = c;
		ASSERT_EQ(vmsg_drvt_config_read(&t, 0, buf, 4), VMSG_T_E_PROTO);
	}
}

TEST(bus_timeout_surfaces_unchanged)
{
	struct dbus *b = dbus_new(VMSG_PROFILE_V2, VMSG_FFA_DIRECT_MAX);
	struct vmsg_drvt t;

	drv_init(b, &t);
	b->lose_answers = true;
	ASSERT_EQ(vmsg_drvt_probe(&t), VMSG_T_E_TIMEOUT);
}

TEST(queue_setup_with_bad_rings_gets_no_answer)
{
	struct dbus *b = dbus_new(VMSG_PROFILE_V2, VMSG_FFA_DIRECT_MAX);
	struct vmsg_drvt t;

	drv_init(b, &t);
	ASSERT_EQ(vmsg_drvt_probe(&t), VMSG_T_OK);
	ASSERT_EQ(vmsg_drvt_negotiate(&t, FX_FEATURES), VMSG_T_OK);
	ASSERT_EQ(vmsg_drvt_queue_setup(&t, 0, FX_QSIZE, 9ull << 48,
					FX_RW_BASE + FX_AVAIL_OFF,
					FX_RW_BASE + FX_USED_OFF),
		  VMSG_T_E_TIMEOUT);
	ASSERT_EQ(b->f->t.vq[0].size, 0);
}

TEST(config_read_is_split_to_fit_the_bus)
{
	struct dbus *b = dbus_new(VMSG_PROFILE_V2, VMSG_MIN_MAX_SIZE);
	struct vmsg_drvt t;
	uint8_t buf[BIG_CONFIG];
	uint64_t before = 0;

	make_big_config(b->f);
	drv_init(b, &t);
	before = b->requests;
	ASSERT_EQ(vmsg_drvt_config_read(&t, 0, buf, BIG_CONFIG), VMSG_T_OK);
	ASSERT_MEM_EQ(buf, b->f->echo.dev.config, BIG_CONFIG);
	/* 44-byte messages carry 24 config bytes: 200 bytes take 9. */
	ASSERT_EQ(b->requests - before, 9);
	ASSERT_EQ(t.generation, b->f->t.generation);
}

TEST(config_read_retries_when_the_generation_moves_midway)
{
	struct dbus *b = dbus_new(VMSG_PROFILE_V2, VMSG_MIN_MAX_SIZE);
	struct vmsg_drvt t;
	uint8_t buf[BIG_CONFIG];

	make_big_config(b->f);
	drv_init(b, &t);
	b->bump_config_after = 3; /* during the first pass */
	ASSERT_EQ(vmsg_drvt_config_read(&t, 0, buf, BIG_CONFIG), VMSG_T_OK);
	ASSERT_EQ(b->requests, 18);
	/* The second pass saw the changed last byte. */
	ASSERT_MEM_EQ(buf, b->f->echo.dev.config, BIG_CONFIG);
}

TEST(config_read_of_zero_bytes_refreshes_the_generation)
{
	struct dbus *b = dbus_new(VMSG_PROFILE_V2, VMSG_FFA_DIRECT_MAX);
	struct vmsg_drvt t;
	uint8_t buf[1];

	drv_init(b, &t);
	b->f->t.generation = 77;
	ASSERT_EQ(vmsg_drvt_config_read(&t, 0, buf, 0), VMSG_T_OK);
	ASSERT_EQ(t.generation, 77);
}

TEST(config_write_is_split_and_tracks_the_generation)
{
	struct dbus *b = dbus_new(VMSG_PROFILE_PR28, VMSG_MIN_MAX_SIZE);
	struct vmsg_drvt t;
	uint8_t data[60];
	uint8_t back[60];
	uint32_t i = 0;

	make_big_config(b->f);
	drv_init(b, &t);
	ASSERT_EQ(vmsg_drvt_probe(&t), VMSG_T_OK);
	ASSERT_EQ(vmsg_drvt_negotiate(&t, FX_FEATURES), VMSG_T_OK);
	ASSERT_EQ(vmsg_drvt_config_read(&t, 0, back, 1), VMSG_T_OK);
	for (i = 0; i < sizeof(data); i++) {
		data[i] = (uint8_t)(0xA0 + i);
	}
	/* PR28 checks the generation on every chunk: each SET_CONFIG
	 * answer's new generation must be used for the next one. */
	ASSERT_EQ(vmsg_drvt_config_write(&t, 10, data, sizeof(data)),
		  VMSG_T_OK);
	ASSERT_MEM_EQ(b->f->echo.dev.config + 10, data, sizeof(data));
	ASSERT_EQ(t.generation, b->f->t.generation);
}

TEST(config_write_with_stale_generation_is_refused_then_succeeds)
{
	struct dbus *b = dbus_new(VMSG_PROFILE_PR28, VMSG_FFA_DIRECT_MAX);
	struct vmsg_drvt t;
	uint8_t flags[4] = { 1, 0, 0, 0 };

	drv_init(b, &t);
	drv_bring_up(b, &t);
	vdev_echo_publish_count(&b->f->echo); /* device moves on */
	ASSERT_EQ(vmsg_drvt_config_write(&t, VDEV_ECHO_CFG_FLAGS, flags, 4),
		  VMSG_T_E_REFUSED);
	ASSERT_EQ(t.generation, b->f->t.generation);
	ASSERT_EQ(b->f->echo.flags, 0);
	ASSERT_EQ(vmsg_drvt_config_write(&t, VDEV_ECHO_CFG_FLAGS, flags, 4),
		  VMSG_T_OK);
	ASSERT_EQ(b->f->echo.flags, 1);
}

TEST(events_route_used_config_and_needs_reset)
{
	struct dbus *b = dbus_new(VMSG_PROFILE_V2, VMSG_FFA_DIRECT_MAX);
	struct vmsg_drvt t;
	struct vmsg ev;

	drv_init(b, &t);
	drv_bring_up(b, &t);
	memset(&ev, 0, sizeof(ev));
	ev.hdr.msg_id = VMSG_EVENT_USED;
	ev.hdr.dev_num = FX_DEV;
	ev.u.index = 0;
	ASSERT_EQ(vmsg_drvt_event(&t, &ev), 0);
	ev.hdr.dev_num = FX_DEV + 1;
	ASSERT_EQ(vmsg_drvt_event(&t, &ev), -1);
	ev.hdr.dev_num = FX_DEV;
	ev.hdr.msg_id = VMSG_EVENT_CONFIG;
	ev.u.config.generation = 1234;
	ev.u.config.device_status = FX_S_LIVE | VIRTIO_STATUS_NEEDS_RESET;
	ASSERT_EQ(vmsg_drvt_event(&t, &ev), -1);
	ASSERT_TRUE(t.config_changed);
	ASSERT_EQ(t.generation, 1234);
	ASSERT_EQ(t.status & VIRTIO_STATUS_NEEDS_RESET,
		  VIRTIO_STATUS_NEEDS_RESET);
	ASSERT_EQ(t.stats.config_events, 1);
}

TEST(reset_and_queue_reset_then_run_again)
{
	struct dbus *b = dbus_new(VMSG_PROFILE_V2, VMSG_FFA_DIRECT_MAX);
	struct vmsg_drvt t;
	struct fx *f = b->f;

	drv_init(b, &t);
	drv_bring_up(b, &t);
	ASSERT_EQ(fx_echo(f, "a", 1), 1);
	ASSERT_EQ(vmsg_drvt_queue_reset(&t, 0), VMSG_T_OK);
	ASSERT_FALSE(f->t.vq[0].live);
	ASSERT_EQ(virtq_drv_init(&f->vq, FX_QSIZE, f->mem + FX_DESC_OFF,
				 FX_RW_BASE + FX_DESC_OFF,
				 f->mem + FX_AVAIL_OFF,
				 FX_RW_BASE + FX_AVAIL_OFF,
				 f->mem + FX_USED_OFF, FX_RW_BASE + FX_USED_OFF,
				 true, false, f->tokens, f->chain_len),
		  VIRTQ_OK);
	ASSERT_EQ(vmsg_drvt_queue_setup(
			  &t, 0, FX_QSIZE, FX_RW_BASE + FX_DESC_OFF,
			  FX_RW_BASE + FX_AVAIL_OFF, FX_RW_BASE + FX_USED_OFF),
		  VMSG_T_OK);
	ASSERT_EQ(fx_echo(f, "b", 1), 1);
	ASSERT_EQ(vmsg_drvt_reset(&t), VMSG_T_OK);
	ASSERT_EQ(t.status, 0);
	ASSERT_EQ(f->t.status, 0);
	drv_bring_up(b, &t);
	ASSERT_EQ(fx_echo(f, "c", 1), 1);
}

TEST(get_shm_reads_an_empty_region)
{
	struct dbus *b = dbus_new(VMSG_PROFILE_PR28, VMSG_FFA_DIRECT_MAX);
	struct vmsg_drvt t;
	uint64_t addr = 1, len = 1;

	drv_init(b, &t);
	ASSERT_EQ(vmsg_drvt_get_shm(&t, 0, &addr, &len), VMSG_T_OK);
	ASSERT_EQ(addr, 0);
	ASSERT_EQ(len, 0);
}

TEST(config_write_sends_generation_zero_in_v2_unless_strict)
{
	struct dbus *b = dbus_new(VMSG_PROFILE_V2, VMSG_FFA_DIRECT_MAX);
	struct vmsg_drvt t;
	uint8_t flags[4] = { 1, 0, 0, 0 };
	uint8_t cfg[4];

	drv_init(b, &t);
	drv_bring_up(b, &t);
	ASSERT_EQ(vmsg_drvt_config_read(&t, 0, cfg, 4), VMSG_T_OK);
	ASSERT_TRUE(t.generation != 0);
	ASSERT_EQ(vmsg_drvt_config_write(&t, VDEV_ECHO_CFG_FLAGS, flags, 4),
		  VMSG_T_OK);
	ASSERT_EQ(b->last_set_config_gen, 0);
	b->ops.strict_generation = true;
	b->f->t.strict_generation = true;
	ASSERT_EQ(vmsg_drvt_config_write(&t, VDEV_ECHO_CFG_FLAGS, flags, 4),
		  VMSG_T_OK);
	ASSERT_EQ(b->last_set_config_gen, b->f->t.generation - 1);
}
