// SPDX-License-Identifier: BSD-2-Clause
/*
 * core/vmsg_ffa/backend*.c: the FF-A bus backend driven with raw messages
 * (encoded by the codec, answers decoded and checked field by field).
 */
#include "loop_fixture.h"

static struct vmsg version_msg(uint32_t bus_version, uint32_t rev,
			       uint32_t ffa_version)
{
	struct vmsg m = lp_bus_msg(VMSG_FFA_VERSION, 1);

	m.u.version.bus_version = bus_version;
	m.u.version.transport_revision = rev;
	m.u.version.ffa_version = ffa_version;
	return m;
}

/* Decode an answer with @profile; fails the test if undecodable. */
static struct vmsg answer(enum vmsg_profile profile, const uint8_t *buf,
			  size_t len)
{
	struct vmsg r;

	ASSERT_TRUE(len > 0);
	ASSERT_EQ(vmsg_decode(profile, buf, len, &r), VMSG_OK);
	return r;
}

/* Negotiate V2 with raw VERSION messages. */
static void negotiate_v2(struct loop *l)
{
	uint8_t resp[VMSG_MAX_SIZE];
	struct vmsg m = version_msg(VMSG_FFA_BUS_VERSION,
				    VMSG_TRANSPORT_REVISION, LP_FFA_VERSION);

	ASSERT_TRUE(lp_raw(l, VMSG_PROFILE_V2, &m, resp) > 0);
	ASSERT_TRUE(l->be.negotiated);
}

static void assert_error_answer(const uint8_t *buf, size_t len,
				uint16_t dev_num, uint16_t token, uint8_t orig)
{
	struct vmsg r = answer(VMSG_PROFILE_V2, buf, len);

	ASSERT_EQ(r.hdr.type, VMSG_TYPE_BUS | VMSG_TYPE_RESPONSE);
	ASSERT_EQ(r.hdr.msg_id, VMSG_FFA_ERROR);
	ASSERT_EQ(r.hdr.dev_num, dev_num);
	ASSERT_EQ(r.hdr.token, token);
	ASSERT_EQ(r.u.orig_msg_id, orig);
}

/* ---------------------------------------------------------------------- */
/* VERSION                                                                 */

TEST(version_v2_probe_answers_our_values_without_negotiating)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	uint8_t resp[VMSG_MAX_SIZE];
	struct vmsg m = version_msg(0, 0, 0x00010001), r;
	size_t n = 0;

	l->be.transport_features = VMSG_TRANSPORT_F_STRICT_CONFIG_GENERATION;
	n = lp_raw(l, VMSG_PROFILE_V2, &m, resp);
	ASSERT_EQ(n, VMSG_HDR_SIZE + 22);
	r = answer(VMSG_PROFILE_V2, resp, n);
	ASSERT_EQ(r.hdr.type, VMSG_TYPE_BUS | VMSG_TYPE_RESPONSE);
	ASSERT_EQ(r.hdr.token, 1);
	ASSERT_EQ(r.u.version.bus_version, VMSG_FFA_BUS_VERSION);
	ASSERT_EQ(r.u.version.transport_revision, VMSG_TRANSPORT_REVISION);
	ASSERT_EQ(r.u.version.ffa_version, VMSG_FFA_DEFAULT_FFA_VERSION);
	ASSERT_EQ(r.u.version.transport_features,
		  VMSG_TRANSPORT_F_STRICT_CONFIG_GENERATION);
	ASSERT_EQ(r.u.version.bus_features, LP_BUS_FEATURES);
	ASSERT_EQ(r.u.version.max_areas, VMSG_FFA_MAX_AREAS);
	ASSERT_FALSE(l->be.negotiated);
	ASSERT_EQ(l->be.peer_ffa_version, 0x00010001);
}

TEST(version_v2_echo_of_our_values_completes_negotiation)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);

	negotiate_v2(l);
	ASSERT_EQ(l->be.profile, VMSG_PROFILE_V2);
}

TEST(version_v2_echo_of_other_values_stays_unnegotiated)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	uint8_t resp[VMSG_MAX_SIZE];
	struct vmsg m = version_msg(0x00020000, 1, LP_FFA_VERSION);

	ASSERT_TRUE(lp_raw(l, VMSG_PROFILE_V2, &m, resp) > 0);
	ASSERT_FALSE(l->be.negotiated);
	m = version_msg(VMSG_FFA_BUS_VERSION, 2, LP_FFA_VERSION);
	ASSERT_TRUE(lp_raw(l, VMSG_PROFILE_V2, &m, resp) > 0);
	ASSERT_FALSE(l->be.negotiated);
}

TEST(version_v1_request_negotiates_the_pr28_profile_in_one_exchange)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	uint8_t resp[VMSG_MAX_SIZE];
	struct vmsg m = version_msg(VMSG_FFA_BUS_VERSION, 1, 0), r;
	size_t n = 0;

	l->be.transport_features = VMSG_TRANSPORT_F_STRICT_CONFIG_GENERATION;
	n = lp_raw(l, VMSG_PROFILE_PR28, &m, resp);
	ASSERT_EQ(n, VMSG_HDR_SIZE + 18);
	r = answer(VMSG_PROFILE_PR28, resp, n);
	ASSERT_EQ(r.u.version.bus_version, VMSG_FFA_BUS_VERSION);
	ASSERT_EQ(r.u.version.transport_features, 0);
	ASSERT_TRUE(l->be.negotiated);
	ASSERT_EQ(l->be.profile, VMSG_PROFILE_PR28);
}

TEST(a_new_probe_after_negotiation_starts_over)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	uint8_t resp[VMSG_MAX_SIZE];
	struct vmsg m = version_msg(0, 0, LP_FFA_VERSION);

	negotiate_v2(l);
	ASSERT_TRUE(lp_raw(l, VMSG_PROFILE_V2, &m, resp) > 0);
	ASSERT_FALSE(l->be.negotiated);
	m = lp_bus_msg(VMSG_BUS_PING, 9);
	assert_error_answer(resp, lp_raw(l, VMSG_PROFILE_V2, &m, resp), 0, 9,
			    VMSG_BUS_PING);
}

TEST(negotiation_sets_profile_and_strictness_of_every_device)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	struct lp_echo *a = lp_add_echo(l, 1);
	uint8_t resp[VMSG_MAX_SIZE];
	struct vmsg m = version_msg(VMSG_FFA_BUS_VERSION, 1, 0);

	ASSERT_TRUE(lp_raw(l, VMSG_PROFILE_PR28, &m, resp) > 0);
	ASSERT_EQ(a->devt.profile, VMSG_PROFILE_PR28);
	ASSERT_TRUE(a->devt.strict_generation);
	l->be.transport_features = 0;
	negotiate_v2(l);
	ASSERT_EQ(a->devt.profile, VMSG_PROFILE_V2);
	ASSERT_FALSE(a->devt.strict_generation);
	ASSERT_EQ(a->devt.max_msg_size, VMSG_FFA_DIRECT_MAX);
}

/* ---------------------------------------------------------------------- */
/* Before negotiation, malformed, misdirected                              */

TEST(requests_before_negotiation_get_error_naming_them)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	uint8_t resp[VMSG_MAX_SIZE];
	struct vmsg m = lp_bus_msg(VMSG_BUS_GET_DEVICES, 0x55);
	struct vmsg t;

	lp_add_echo(l, 1);
	m.u.devices.count = 8;
	assert_error_answer(resp, lp_raw(l, VMSG_PROFILE_V2, &m, resp), 0, 0x55,
			    VMSG_BUS_GET_DEVICES);
	m = lp_bus_msg(VMSG_FFA_EVENT_POLL, 0x56);
	assert_error_answer(resp, lp_raw(l, VMSG_PROFILE_V2, &m, resp), 0, 0x56,
			    VMSG_FFA_EVENT_POLL);
	memset(&t, 0, sizeof(t));
	t.hdr.msg_id = VMSG_GET_DEVICE_INFO;
	t.hdr.dev_num = 1;
	t.hdr.token = 0x57;
	assert_error_answer(resp, lp_raw(l, VMSG_PROFILE_V2, &t, resp), 1, 0x57,
			    VMSG_GET_DEVICE_INFO);
	ASSERT_EQ(l->be.stats.errors, 3);
	ASSERT_EQ(l->echo[1]->devt.stats.requests, 0);
}

TEST(events_before_negotiation_are_dropped_silently)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	uint8_t resp[VMSG_MAX_SIZE];
	struct vmsg t;

	lp_add_echo(l, 1);
	memset(&t, 0, sizeof(t));
	t.hdr.msg_id = VMSG_EVENT_AVAIL;
	t.hdr.dev_num = 1;
	ASSERT_EQ(lp_raw(l, VMSG_PROFILE_V2, &t, resp), 0);
	ASSERT_EQ(l->be.stats.dropped, 1);
}

TEST(reset_is_accepted_before_negotiation)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	uint8_t resp[VMSG_MAX_SIZE];
	struct vmsg m = lp_bus_msg(VMSG_FFA_RESET, 3), r;

	r = answer(VMSG_PROFILE_V2, resp, lp_raw(l, VMSG_PROFILE_V2, &m, resp));
	ASSERT_EQ(r.hdr.msg_id, VMSG_FFA_RESET);
	ASSERT_EQ(r.u.result, VMSG_FFA_RESULT_OK);
}

TEST(malformed_messages_are_dropped_without_answer)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	uint8_t resp[VMSG_MAX_SIZE];
	uint8_t msg[VMSG_MAX_SIZE];
	struct vmsg m = lp_bus_msg(VMSG_BUS_PING, 1);
	int n = 0;

	negotiate_v2(l);
	m.u.ping = 0x1234;
	n = vmsg_encode(VMSG_PROFILE_V2, &m, msg, sizeof(msg));
	ASSERT_TRUE(n == 12);
	/* Shorter than the header. */
	ASSERT_EQ(vmsg_ffa_backend_handle(&l->be, msg, 7, resp, sizeof(resp)),
		  0);
	/* msg_size larger than what arrived. */
	ASSERT_EQ(vmsg_ffa_backend_handle(&l->be, msg, 11, resp, sizeof(resp)),
		  0);
	/* Payload one byte short for PING. */
	le16_put(msg + 6, 11);
	ASSERT_EQ(vmsg_ffa_backend_handle(&l->be, msg, 12, resp, sizeof(resp)),
		  0);
	le16_put(msg + 6, 12);
	/* Reserved type bits. */
	msg[0] |= 0x80;
	ASSERT_EQ(vmsg_ffa_backend_handle(&l->be, msg, 12, resp, sizeof(resp)),
		  0);
	msg[0] = VMSG_TYPE_BUS;
	/* A bus message with a device number. */
	le16_put(msg + 2, 1);
	ASSERT_EQ(vmsg_ffa_backend_handle(&l->be, msg, 12, resp, sizeof(resp)),
		  0);
	le16_put(msg + 2, 0);
	/* A response (we send no requests). */
	msg[0] = VMSG_TYPE_BUS | VMSG_TYPE_RESPONSE;
	ASSERT_EQ(vmsg_ffa_backend_handle(&l->be, msg, 12, resp, sizeof(resp)),
		  0);
	/* Unknown bus message id. */
	msg[0] = VMSG_TYPE_BUS;
	msg[1] = 0x88;
	ASSERT_EQ(vmsg_ffa_backend_handle(&l->be, msg, 12, resp, sizeof(resp)),
		  0);
	ASSERT_EQ(l->be.stats.dropped, 7);
	ASSERT_EQ(l->be.stats.errors, 0);
	/* The intact message still works. */
	msg[1] = VMSG_BUS_PING;
	ASSERT_EQ(vmsg_ffa_backend_handle(&l->be, msg, 12, resp, sizeof(resp)),
		  12);
}

TEST(device_events_sent_to_the_device_side_are_dropped)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	uint8_t resp[VMSG_MAX_SIZE];
	struct vmsg m = lp_bus_msg(VMSG_BUS_EVENT_DEVICE, 0);

	negotiate_v2(l);
	m.u.event_device.dev_num = 3;
	m.u.event_device.state = VMSG_DEVICE_READY;
	ASSERT_EQ(lp_raw(l, VMSG_PROFILE_V2, &m, resp), 0);
	m = lp_bus_msg(VMSG_FFA_AREA_RELEASE, 0);
	ASSERT_EQ(lp_raw(l, VMSG_PROFILE_V2, &m, resp), 0);
	ASSERT_EQ(l->be.stats.dropped, 2);
	ASSERT_EQ(l->be.ev_count, 0);
}

TEST(transport_message_for_an_unknown_device_gets_error)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	uint8_t resp[VMSG_MAX_SIZE];
	struct vmsg t;

	negotiate_v2(l);
	memset(&t, 0, sizeof(t));
	t.hdr.msg_id = VMSG_GET_DEVICE_STATUS;
	t.hdr.dev_num = 5;
	t.hdr.token = 77;
	assert_error_answer(resp, lp_raw(l, VMSG_PROFILE_V2, &t, resp), 5, 77,
			    VMSG_GET_DEVICE_STATUS);
	t.hdr.dev_num = 0xFFFF;
	assert_error_answer(resp, lp_raw(l, VMSG_PROFILE_V2, &t, resp), 0xFFFF,
			    77, VMSG_GET_DEVICE_STATUS);
}

TEST(request_refused_by_the_device_gets_error_in_v2_and_nothing_in_pr28)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	struct lp_echo *e = lp_add_echo(l, 2);
	uint8_t resp[VMSG_MAX_SIZE];
	struct vmsg t, v1 = version_msg(VMSG_FFA_BUS_VERSION, 1, 0);

	negotiate_v2(l);
	memset(&t, 0, sizeof(t));
	t.hdr.msg_id = VMSG_GET_VQUEUE; /* before FEATURES_OK */
	t.hdr.dev_num = 2;
	t.hdr.token = 8;
	assert_error_answer(resp, lp_raw(l, VMSG_PROFILE_V2, &t, resp), 2, 8,
			    VMSG_GET_VQUEUE);
	ASSERT_TRUE(lp_raw(l, VMSG_PROFILE_PR28, &v1, resp) > 0);
	ASSERT_EQ(lp_raw(l, VMSG_PROFILE_PR28, &t, resp), 0);
	ASSERT_EQ(e->devt.stats.dropped, 2);
}

TEST(fifo_configure_is_refused_with_error)
{
	struct loop *l = lp_new(LP_BUS_FEATURES | VMSG_FFA_BUS_F_FIFO);
	uint8_t resp[VMSG_MAX_SIZE];
	struct vmsg m = lp_bus_msg(VMSG_FFA_FIFO_CONFIGURE, 4);

	negotiate_v2(l);
	m.u.fifo.handle = 1;
	m.u.fifo.page_count = 1;
	assert_error_answer(resp, lp_raw(l, VMSG_PROFILE_V2, &m, resp), 0, 4,
			    VMSG_FFA_FIFO_CONFIGURE);
}

/* ---------------------------------------------------------------------- */
/* GET_DEVICES, PING                                                       */

static struct vmsg get_devices(struct loop *l, uint16_t offset, uint16_t count)
{
	uint8_t resp[VMSG_MAX_SIZE];
	struct vmsg m = lp_bus_msg(VMSG_BUS_GET_DEVICES, 2);

	m.u.devices.offset = offset;
	m.u.devices.count = count;
	return answer(l->be.profile, resp, lp_raw(l, l->be.profile, &m, resp));
}

TEST(get_devices_returns_the_window_bitmap_and_next_window)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	struct vmsg r;

	lp_add_echo(l, 1);
	lp_add_echo(l, 2);
	lp_add_echo(l, 17);
	lp_add_echo(l, 43);
	negotiate_v2(l);
	r = get_devices(l, 0, 16);
	ASSERT_EQ(r.u.devices.offset, 0);
	ASSERT_EQ(r.u.devices.count, 16);
	ASSERT_EQ(r.u.devices.bitmap[0], 0x06);
	ASSERT_EQ(r.u.devices.bitmap[1], 0x00);
	ASSERT_EQ(r.u.devices.next_offset, 16);
	r = get_devices(l, 16, 16);
	ASSERT_EQ(r.u.devices.bitmap[0], 0x02);
	ASSERT_EQ(r.u.devices.next_offset, 40); /* empty windows skipped */
	r = get_devices(l, 40, 8);
	ASSERT_EQ(r.u.devices.bitmap[0], 0x08);
	ASSERT_EQ(r.u.devices.next_offset, 0);
}

TEST(get_devices_in_pr28_uses_the_pr28_field_order)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	uint8_t resp[VMSG_MAX_SIZE];
	struct vmsg v1 = version_msg(VMSG_FFA_BUS_VERSION, 1, 0);
	struct vmsg m = lp_bus_msg(VMSG_BUS_GET_DEVICES, 2);
	size_t n = 0;

	lp_add_echo(l, 9);
	lp_add_echo(l, 20);
	ASSERT_TRUE(lp_raw(l, VMSG_PROFILE_PR28, &v1, resp) > 0);
	m.u.devices.count = 16;
	n = lp_raw(l, VMSG_PROFILE_PR28, &m, resp);
	ASSERT_EQ(n, 8 + 6 + 2);
	ASSERT_EQ(le16_get(resp + 8), 0); /* offset */
	ASSERT_EQ(le16_get(resp + 10), 16); /* count */
	ASSERT_EQ(le16_get(resp + 12), 16); /* next_offset */
	ASSERT_EQ(resp[15], 0x02);
}

TEST(get_devices_offset_or_count_not_multiple_of_8_is_refused)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	uint8_t resp[VMSG_MAX_SIZE];
	struct vmsg m = lp_bus_msg(VMSG_BUS_GET_DEVICES, 6);

	negotiate_v2(l);
	m.u.devices.offset = 4;
	m.u.devices.count = 8;
	assert_error_answer(resp, lp_raw(l, VMSG_PROFILE_V2, &m, resp), 0, 6,
			    VMSG_BUS_GET_DEVICES);
	m.u.devices.offset = 0;
	m.u.devices.count = 12;
	assert_error_answer(resp, lp_raw(l, VMSG_PROFILE_V2, &m, resp), 0, 6,
			    VMSG_BUS_GET_DEVICES);
	m.u.devices.count = 0;
	assert_error_answer(resp, lp_raw(l, VMSG_PROFILE_V2, &m, resp), 0, 6,
			    VMSG_BUS_GET_DEVICES);
}

TEST(get_devices_window_is_clamped_to_what_a_message_holds)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	struct vmsg r;

	negotiate_v2(l);
	r = get_devices(l, 0, 2048);
	ASSERT_EQ(r.u.devices.count, VMSG_MAX_BITMAP * 8);
	l->be.max_msg_size = VMSG_MIN_MAX_SIZE; /* 30 bitmap bytes */
	r = get_devices(l, 0, 2048);
	ASSERT_EQ(r.u.devices.count, 240);
}

TEST(get_devices_past_the_last_device_number_is_empty)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	struct vmsg r;

	lp_add_echo(l, 3);
	negotiate_v2(l);
	r = get_devices(l, 0xFFF8, 8);
	ASSERT_EQ(r.u.devices.offset, 0xFFF8);
	ASSERT_EQ(r.u.devices.bitmap[0], 0);
	ASSERT_EQ(r.u.devices.next_offset, 0);
}

TEST(ping_echoes_its_data)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	uint8_t resp[VMSG_MAX_SIZE];
	struct vmsg m = lp_bus_msg(VMSG_BUS_PING, 0xBEEF), r;

	negotiate_v2(l);
	m.u.ping = 0xDEADBEEF;
	r = answer(VMSG_PROFILE_V2, resp, lp_raw(l, VMSG_PROFILE_V2, &m, resp));
	ASSERT_EQ(r.hdr.msg_id, VMSG_BUS_PING);
	ASSERT_EQ(r.hdr.token, 0xBEEF);
	ASSERT_EQ(r.u.ping, 0xDEADBEEF);
}

/* ---------------------------------------------------------------------- */
/* Events                                                                  */

static size_t poll_raw(struct loop *l, uint16_t token, uint8_t *resp)
{
	struct vmsg m = lp_bus_msg(VMSG_FFA_EVENT_POLL, token);

	return lp_raw(l, l->be.profile, &m, resp);
}

TEST(event_poll_with_nothing_pending_is_the_empty_response)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	uint8_t resp[VMSG_MAX_SIZE];
	struct vmsg r;

	negotiate_v2(l);
	r = answer(VMSG_PROFILE_V2, resp, poll_raw(l, 0x99, resp));
	ASSERT_EQ(r.hdr.type, VMSG_TYPE_BUS | VMSG_TYPE_RESPONSE);
	ASSERT_EQ(r.hdr.msg_id, VMSG_FFA_EVENT_POLL);
	ASSERT_EQ(r.hdr.token, 0x99);
	ASSERT_EQ(r.hdr.msg_size, VMSG_HDR_SIZE);
}

TEST(event_poll_returns_pending_events_oldest_first)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	uint8_t resp[VMSG_MAX_SIZE];
	struct vmsg r;

	negotiate_v2(l);
	lp_add_echo(l, 4);
	lp_add_echo(l, 6);
	ASSERT_EQ(vmsg_ffa_backend_remove(&l->be, 4), 0);
	ASSERT_EQ(vmsg_ffa_backend_pending(&l->be), 3);
	r = answer(VMSG_PROFILE_V2, resp, poll_raw(l, 1, resp));
	ASSERT_EQ(r.hdr.type, VMSG_TYPE_BUS);
	ASSERT_EQ(r.hdr.msg_id, VMSG_BUS_EVENT_DEVICE);
	ASSERT_EQ(r.hdr.token, 0);
	ASSERT_EQ(r.u.event_device.dev_num, 4);
	ASSERT_EQ(r.u.event_device.state, VMSG_DEVICE_READY);
	r = answer(VMSG_PROFILE_V2, resp, poll_raw(l, 2, resp));
	ASSERT_EQ(r.u.event_device.dev_num, 6);
	r = answer(VMSG_PROFILE_V2, resp, poll_raw(l, 3, resp));
	ASSERT_EQ(r.u.event_device.dev_num, 4);
	ASSERT_EQ(r.u.event_device.state, VMSG_DEVICE_REMOVED);
	r = answer(VMSG_PROFILE_V2, resp, poll_raw(l, 4, resp));
	ASSERT_EQ(r.hdr.msg_id, VMSG_FFA_EVENT_POLL);
}

TEST(devices_added_before_negotiation_queue_no_event)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);

	lp_add_echo(l, 4);
	ASSERT_EQ(vmsg_ffa_backend_remove(&l->be, 4), 0);
	ASSERT_EQ(vmsg_ffa_backend_pending(&l->be), 0);
}

TEST(add_and_remove_reject_bad_device_numbers)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	struct vdev_echo d;
	struct vmsg_devt t;

	vdev_echo_init(&d);
	lp_add_echo(l, 4);
	ASSERT_EQ(vmsg_ffa_backend_add(&l->be, 4, &d.dev, &t), -1);
	ASSERT_EQ(
		vmsg_ffa_backend_add(&l->be, VMSG_FFA_MAX_DEVICES, &d.dev, &t),
		-1);
	ASSERT_EQ(vmsg_ffa_backend_remove(&l->be, 5), -1);
	ASSERT_EQ(vmsg_ffa_backend_remove(&l->be, 0xFFFF), -1);
}

TEST(identical_pending_events_are_merged_and_a_full_queue_loses_events)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	struct vmsg ev;
	uint32_t i = 0;

	negotiate_v2(l);
	memset(&ev, 0, sizeof(ev));
	ev.hdr.msg_id = VMSG_EVENT_USED;
	ev.hdr.dev_num = 1;
	l->be.devt_bus.emit_event(&l->be, &ev);
	l->be.devt_bus.emit_event(&l->be, &ev);
	ASSERT_EQ(vmsg_ffa_backend_pending(&l->be), 1);
	ASSERT_EQ(l->be.stats.events_merged, 1);
	for (i = 1; i < VMSG_FFA_EVENT_QUEUE; i++) {
		ev.u.index = i;
		l->be.devt_bus.emit_event(&l->be, &ev);
	}
	ASSERT_EQ(vmsg_ffa_backend_pending(&l->be), VMSG_FFA_EVENT_QUEUE);
	ev.u.index = 1000;
	l->be.devt_bus.emit_event(&l->be, &ev);
	ASSERT_EQ(l->be.stats.events_lost, 1);
	ASSERT_EQ(vmsg_ffa_backend_pending(&l->be), VMSG_FFA_EVENT_QUEUE);
}

static uint16_t configure(struct loop *l, uint8_t method, uint16_t id)
{
	uint8_t resp[VMSG_MAX_SIZE];
	struct vmsg m = lp_bus_msg(VMSG_FFA_EVENT_CONFIGURE, 5), r;

	m.u.evcfg.method = method;
	m.u.evcfg.notify_id = id;
	r = answer(VMSG_PROFILE_V2, resp, lp_raw(l, VMSG_PROFILE_V2, &m, resp));
	ASSERT_EQ(r.hdr.msg_id, VMSG_FFA_EVENT_CONFIGURE);
	return r.u.result;
}

TEST(event_configure_accepts_poll_and_notif_refuses_indirect_and_fifo)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);

	negotiate_v2(l);
	ASSERT_EQ(configure(l, VMSG_EVENT_METHOD_NOTIF, 7), VMSG_FFA_RESULT_OK);
	ASSERT_EQ(l->be.event_method, VMSG_EVENT_METHOD_NOTIF);
	ASSERT_EQ(l->be.notify_id, 7);
	ASSERT_EQ(configure(l, VMSG_EVENT_METHOD_INDIRECT, 0),
		  VMSG_FFA_RESULT_ERROR);
	ASSERT_EQ(configure(l, VMSG_EVENT_METHOD_FIFO, 0),
		  VMSG_FFA_RESULT_ERROR);
	ASSERT_EQ(configure(l, 9, 0), VMSG_FFA_RESULT_ERROR);
	ASSERT_EQ(l->be.event_method, VMSG_EVENT_METHOD_NOTIF);
	ASSERT_EQ(configure(l, VMSG_EVENT_METHOD_POLL, 0), VMSG_FFA_RESULT_OK);
	ASSERT_EQ(l->be.event_method, VMSG_EVENT_METHOD_POLL);
}

TEST(event_configure_notif_is_refused_without_notif_tx)
{
	struct loop *l = lp_new(VMSG_FFA_BUS_F_DIRECT_RX);

	negotiate_v2(l);
	ASSERT_EQ(configure(l, VMSG_EVENT_METHOD_NOTIF, 7),
		  VMSG_FFA_RESULT_ERROR);
	ASSERT_EQ(l->be.event_method, VMSG_EVENT_METHOD_POLL);
}

TEST(notif_is_raised_when_the_queue_becomes_non_empty_only)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	uint8_t resp[VMSG_MAX_SIZE];

	negotiate_v2(l);
	lp_add_echo(l, 1); /* pending before NOTIF is chosen */
	ASSERT_EQ(l->notifies, 0);
	ASSERT_EQ(configure(l, VMSG_EVENT_METHOD_NOTIF, 12),
		  VMSG_FFA_RESULT_OK);
	ASSERT_EQ(l->notifies, 1);
	ASSERT_EQ(l->notify_id, 12);
	lp_add_echo(l, 2);
	ASSERT_EQ(l->notifies, 1); /* queue was not empty */
	ASSERT_TRUE(poll_raw(l, 1, resp) > 8);
	ASSERT_TRUE(poll_raw(l, 2, resp) > 8);
	lp_add_echo(l, 3);
	ASSERT_EQ(l->notifies, 2);
}

/* ---------------------------------------------------------------------- */
/* Areas                                                                   */

static uint16_t area_share(struct loop *l, uint16_t id, uint64_t handle,
			   uint32_t pages, uint32_t attrs)
{
	uint8_t resp[VMSG_MAX_SIZE];
	struct vmsg m = lp_bus_msg(VMSG_FFA_AREA_SHARE, 11), r;

	m.u.area.area_id = id;
	m.u.area.handle = handle;
	m.u.area.page_count = pages;
	m.u.area.attrs = attrs;
	r = answer(l->be.profile, resp, lp_raw(l, l->be.profile, &m, resp));
	ASSERT_EQ(r.u.area_result.area_id, id);
	return r.u.area_result.result;
}

static uint16_t area_unshare(struct loop *l, uint16_t id)
{
	uint8_t resp[VMSG_MAX_SIZE];
	struct vmsg m = lp_bus_msg(VMSG_FFA_AREA_UNSHARE, 12), r;

	m.u.area_result.area_id = id;
	r = answer(l->be.profile, resp, lp_raw(l, l->be.profile, &m, resp));
	ASSERT_EQ(r.u.area_result.area_id, id);
	return r.u.area_result.result;
}

/* A share of @pages arena pages; returns the handle. */
static uint64_t share_pages(struct loop *l, uint32_t pages, uint64_t *pa)
{
	uint64_t handle = 0;

	*pa = lp_pages_alloc(l, pages);
	ASSERT_EQ(lp_mem_share(l, *pa, pages, VMSG_FFA_AREA_ATTRS_RW, &handle),
		  VMSG_T_OK);
	return handle;
}

TEST(area_share_maps_the_handle_and_translate_resolves_inside_only)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	uint64_t pa = 0, h = 0;
	uint64_t base = vmsg_bus_addr(5, 0);

	negotiate_v2(l);
	h = share_pages(l, 2, &pa);
	ASSERT_EQ(area_share(l, 5, h, 2, VMSG_FFA_AREA_ATTRS_RW),
		  VMSG_FFA_RESULT_OK);
	ASSERT_EQ(l->maps, 1);
	ASSERT_TRUE(vmsg_ffa_backend_translate(&l->be, base, 8192, true) ==
		    lp_host(l, pa));
	ASSERT_TRUE(vmsg_ffa_backend_translate(&l->be, base + 8191, 1, true) ==
		    lp_host(l, pa) + 8191);
	ASSERT_TRUE(vmsg_ffa_backend_translate(&l->be, base + 8191, 2, false) ==
		    NULL);
	ASSERT_TRUE(vmsg_ffa_backend_translate(&l->be, base + 8192, 0, false) !=
		    NULL);
	ASSERT_TRUE(vmsg_ffa_backend_translate(&l->be, base + 1, UINT64_MAX,
					       false) == NULL);
	ASSERT_TRUE(vmsg_ffa_backend_translate(&l->be, vmsg_bus_addr(6, 0), 1,
					       false) == NULL);
	ASSERT_TRUE(vmsg_ffa_backend_translate(&l->be, base | (1ull << 47), 1,
					       false) == NULL);
}

TEST(area_share_with_a_duplicate_id_is_refused_and_the_first_kept)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	uint64_t pa = 0, pa2 = 0, h = 0, h2 = 0;

	negotiate_v2(l);
	h = share_pages(l, 1, &pa);
	h2 = share_pages(l, 1, &pa2);
	ASSERT_EQ(area_share(l, 5, h, 1, VMSG_FFA_AREA_ATTRS_RW),
		  VMSG_FFA_RESULT_OK);
	ASSERT_EQ(area_share(l, 5, h2, 1, VMSG_FFA_AREA_ATTRS_RW),
		  VMSG_FFA_RESULT_ERROR);
	ASSERT_TRUE(vmsg_ffa_backend_translate(&l->be, vmsg_bus_addr(5, 0), 1,
					       false) == lp_host(l, pa));
	ASSERT_EQ(l->maps, 1);
}

TEST(area_share_refused_for_zero_pages_failed_map_or_full_table)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	uint64_t pa = 0, h = 0;
	uint16_t i = 0;

	negotiate_v2(l);
	h = share_pages(l, 1, &pa);
	ASSERT_EQ(area_share(l, 1, h, 0, VMSG_FFA_AREA_ATTRS_RW),
		  VMSG_FFA_RESULT_ERROR);
	ASSERT_EQ(area_share(l, 1, h, 2, VMSG_FFA_AREA_ATTRS_RW),
		  VMSG_FFA_RESULT_ERROR); /* page count mismatch */
	ASSERT_EQ(area_share(l, 1, 0x1234, 1, VMSG_FFA_AREA_ATTRS_RW),
		  VMSG_FFA_RESULT_ERROR); /* unknown handle */
	l->fail_map = true;
	ASSERT_EQ(area_share(l, 1, h, 1, VMSG_FFA_AREA_ATTRS_RW),
		  VMSG_FFA_RESULT_ERROR);
	l->fail_map = false;
	ASSERT_TRUE(vmsg_ffa_backend_area(&l->be, 1) == NULL);
	for (i = 0; i < VMSG_FFA_MAX_AREAS; i++) {
		h = share_pages(l, 1, &pa);
		ASSERT_EQ(area_share(l, (uint16_t)(100 + i), h, 1,
				     VMSG_FFA_AREA_ATTRS_RW),
			  VMSG_FFA_RESULT_OK);
	}
	h = share_pages(l, 1, &pa);
	ASSERT_EQ(area_share(l, 1, h, 1, VMSG_FFA_AREA_ATTRS_RW),
		  VMSG_FFA_RESULT_ERROR);
	ASSERT_EQ(l->maps, VMSG_FFA_MAX_AREAS);
}

TEST(read_only_area_refuses_write_translation_in_v2_only)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	uint8_t resp[VMSG_MAX_SIZE];
	uint64_t pa = 0, h = 0;
	struct vmsg v1 = version_msg(VMSG_FFA_BUS_VERSION, 1, 0);

	negotiate_v2(l);
	h = share_pages(l, 1, &pa);
	ASSERT_EQ(area_share(l, 3, h, 1,
			     VMSG_FFA_AREA_ATTRS_RW & ~VMSG_AREA_ATTR_WRITABLE),
		  VMSG_FFA_RESULT_OK);
	ASSERT_TRUE(vmsg_ffa_backend_translate(&l->be, vmsg_bus_addr(3, 0), 4,
					       false) != NULL);
	ASSERT_TRUE(vmsg_ffa_backend_translate(&l->be, vmsg_bus_addr(3, 0), 4,
					       true) == NULL);
	/* v1 peers send attrs 0 for RW shares. */
	ASSERT_TRUE(lp_raw(l, VMSG_PROFILE_PR28, &v1, resp) > 0);
	h = share_pages(l, 1, &pa);
	ASSERT_EQ(area_share(l, 4, h, 1, 0), VMSG_FFA_RESULT_OK);
	ASSERT_TRUE(vmsg_ffa_backend_translate(&l->be, vmsg_bus_addr(4, 0), 4,
					       true) != NULL);
}

TEST(area_unshare_of_an_unknown_area_is_error)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);

	negotiate_v2(l);
	ASSERT_EQ(area_unshare(l, 9), VMSG_FFA_RESULT_ERROR);
}

TEST(area_unshare_of_an_idle_area_unmaps_it)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	uint64_t pa = 0, h = 0;

	negotiate_v2(l);
	h = share_pages(l, 1, &pa);
	ASSERT_EQ(area_share(l, 3, h, 1, VMSG_FFA_AREA_ATTRS_RW),
		  VMSG_FFA_RESULT_OK);
	ASSERT_EQ(area_unshare(l, 3), VMSG_FFA_RESULT_OK);
	ASSERT_EQ(l->unmaps, 1);
	ASSERT_TRUE(vmsg_ffa_backend_area(&l->be, 3) == NULL);
	ASSERT_EQ(lp_mem_reclaim(l, h), VMSG_T_OK);
	/* The id is free again. */
	h = share_pages(l, 1, &pa);
	ASSERT_EQ(area_share(l, 3, h, 1, VMSG_FFA_AREA_ATTRS_RW),
		  VMSG_FFA_RESULT_OK);
}

TEST(held_area_answers_busy_refuses_new_holds_and_releases_at_last_user)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	uint8_t resp[VMSG_MAX_SIZE];
	uint64_t pa = 0, h = 0;
	uint64_t a = vmsg_bus_addr(3, 64);
	struct vmsg r;

	negotiate_v2(l);
	h = share_pages(l, 1, &pa);
	ASSERT_EQ(area_share(l, 3, h, 1, VMSG_FFA_AREA_ATTRS_RW),
		  VMSG_FFA_RESULT_OK);
	ASSERT_TRUE(l->be.devt_bus.mem_hold(&l->be, a, 64));
	ASSERT_TRUE(l->be.devt_bus.mem_hold(&l->be, a, 64));
	ASSERT_FALSE(l->be.devt_bus.mem_hold(&l->be, a, 8192)); /* too long */
	ASSERT_EQ(area_unshare(l, 3), VMSG_FFA_RESULT_BUSY);
	ASSERT_EQ(area_unshare(l, 3), VMSG_FFA_RESULT_BUSY);
	ASSERT_FALSE(l->be.devt_bus.mem_hold(&l->be, a, 64));
	/* Holders still translate. */
	ASSERT_TRUE(vmsg_ffa_backend_translate(&l->be, a, 64, true) != NULL);
	l->be.devt_bus.mem_release(&l->be, a, 64);
	ASSERT_EQ(l->unmaps, 0);
	ASSERT_EQ(vmsg_ffa_backend_pending(&l->be), 0);
	l->be.devt_bus.mem_release(&l->be, a, 64);
	ASSERT_EQ(l->unmaps, 1);
	r = answer(VMSG_PROFILE_V2, resp, poll_raw(l, 1, resp));
	ASSERT_EQ(r.hdr.type, VMSG_TYPE_BUS);
	ASSERT_EQ(r.hdr.msg_id, VMSG_FFA_AREA_RELEASE);
	ASSERT_EQ(r.u.area_result.area_id, 3);
	ASSERT_EQ(lp_mem_reclaim(l, h), VMSG_T_OK);
}

TEST(mem_info_describes_the_area_a_range_lies_in_and_nothing_else)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	uint8_t resp[VMSG_MAX_SIZE];
	struct vmsg m = lp_bus_msg(VMSG_FFA_AREA_SHARE, 11), r;
	struct vmsg_devt_mem_info mi;
	uint64_t pa = 0, h = 0, h2 = 0;
	uint64_t a = vmsg_bus_addr(4, 0);
	uint32_t lend_ro = (VMSG_FFA_AREA_ATTRS_RW | VMSG_AREA_ATTR_LEND) &
			   ~VMSG_AREA_ATTR_WRITABLE;

	negotiate_v2(l);
	h = share_pages(l, 2, &pa);
	m.u.area.area_id = 4;
	m.u.area.handle = h;
	m.u.area.tag = 0x77;
	m.u.area.page_count = 2;
	m.u.area.attrs = lend_ro;
	r = answer(VMSG_PROFILE_V2, resp, lp_raw(l, VMSG_PROFILE_V2, &m, resp));
	ASSERT_EQ(r.u.area_result.result, VMSG_FFA_RESULT_OK);
	memset(&mi, 0xAA, sizeof(mi));
	ASSERT_TRUE(l->be.devt_bus.mem_info(&l->be, a + 100, 8092, &mi));
	ASSERT_EQ(mi.handle, h);
	ASSERT_EQ(mi.tag, 0x77);
	ASSERT_EQ(mi.attrs, lend_ro);
	ASSERT_FALSE(mi.writable);
	ASSERT_FALSE(mi.releasing);
	/* Outside the area, overflowing, an unknown area. */
	ASSERT_FALSE(l->be.devt_bus.mem_info(&l->be, a + 100, 8093, &mi));
	ASSERT_FALSE(l->be.devt_bus.mem_info(&l->be, a + 1, UINT64_MAX, &mi));
	ASSERT_FALSE(
		l->be.devt_bus.mem_info(&l->be, vmsg_bus_addr(5, 0), 1, &mi));
	/* A writable area; one held and asked back is releasing. */
	h2 = share_pages(l, 1, &pa);
	ASSERT_EQ(area_share(l, 5, h2, 1, VMSG_FFA_AREA_ATTRS_RW),
		  VMSG_FFA_RESULT_OK);
	ASSERT_TRUE(l->be.devt_bus.mem_hold(&l->be, vmsg_bus_addr(5, 0), 8));
	ASSERT_EQ(area_unshare(l, 5), VMSG_FFA_RESULT_BUSY);
	ASSERT_TRUE(
		l->be.devt_bus.mem_info(&l->be, vmsg_bus_addr(5, 0), 1, &mi));
	ASSERT_EQ(mi.handle, h2);
	ASSERT_EQ(mi.tag, 0);
	ASSERT_TRUE(mi.writable);
	ASSERT_TRUE(mi.releasing);
}

TEST(bus_reset_resets_devices_unmaps_areas_and_clears_events)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	uint8_t resp[VMSG_MAX_SIZE];
	struct vmsg m = lp_bus_msg(VMSG_FFA_RESET, 2), r;
	struct lp_echo *e = NULL;
	uint64_t pa = 0, h = 0;

	negotiate_v2(l);
	e = lp_add_echo(l, 1);
	e->devt.status = VIRTIO_STATUS_ACKNOWLEDGE;
	h = share_pages(l, 1, &pa);
	ASSERT_EQ(area_share(l, 3, h, 1, VMSG_FFA_AREA_ATTRS_RW),
		  VMSG_FFA_RESULT_OK);
	ASSERT_EQ(configure(l, VMSG_EVENT_METHOD_NOTIF, 1), VMSG_FFA_RESULT_OK);
	ASSERT_EQ(vmsg_ffa_backend_pending(&l->be), 1);
	r = answer(VMSG_PROFILE_V2, resp, lp_raw(l, VMSG_PROFILE_V2, &m, resp));
	ASSERT_EQ(r.u.result, VMSG_FFA_RESULT_OK);
	ASSERT_EQ(e->devt.status, 0);
	ASSERT_EQ(e->dev.stats.resets, 1);
	ASSERT_EQ(l->unmaps, 1);
	ASSERT_TRUE(vmsg_ffa_backend_area(&l->be, 3) == NULL);
	ASSERT_EQ(vmsg_ffa_backend_pending(&l->be), 0);
	ASSERT_EQ(l->be.event_method, VMSG_EVENT_METHOD_POLL);
	ASSERT_TRUE(l->be.negotiated);
	ASSERT_EQ(lp_mem_reclaim(l, h), VMSG_T_OK);
}

TEST(answer_that_does_not_fit_the_callers_buffer_is_dropped)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	uint8_t msg[VMSG_MAX_SIZE], resp[VMSG_MAX_SIZE];
	struct vmsg m = lp_bus_msg(VMSG_BUS_PING, 1);
	int n = 0;

	negotiate_v2(l);
	n = vmsg_encode(VMSG_PROFILE_V2, &m, msg, sizeof(msg));
	ASSERT_EQ(vmsg_ffa_backend_handle(&l->be, msg, (size_t)n, resp, 11), 0);
	ASSERT_EQ(l->be.stats.dropped, 1);
	ASSERT_EQ(vmsg_ffa_backend_handle(&l->be, msg, (size_t)n, resp, 12),
		  12);
}

TEST(event_poll_skips_an_event_larger_than_the_callers_buffer)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	uint8_t msg[VMSG_MAX_SIZE], resp[VMSG_MAX_SIZE];
	struct vmsg m = lp_bus_msg(VMSG_FFA_EVENT_POLL, 1), ev, r;
	int n = 0;

	negotiate_v2(l);
	memset(&ev, 0, sizeof(ev));
	ev.hdr.msg_id = VMSG_EVENT_CONFIG;
	ev.hdr.dev_num = 1;
	ev.u.config.length = 40;
	ev.u.config.data_len = 40;
	l->be.devt_bus.emit_event(&l->be, &ev); /* 8 + 16 + 40 bytes */
	lp_add_echo(l, 2); /* EVENT_DEVICE, 12 bytes */
	n = vmsg_encode(VMSG_PROFILE_V2, &m, msg, sizeof(msg));
	r = answer(VMSG_PROFILE_V2, resp,
		   vmsg_ffa_backend_handle(&l->be, msg, (size_t)n, resp, 32));
	ASSERT_EQ(r.hdr.msg_id, VMSG_BUS_EVENT_DEVICE);
	ASSERT_EQ(l->be.stats.events_lost, 1);
	ASSERT_EQ(vmsg_ffa_backend_pending(&l->be), 0);
}
