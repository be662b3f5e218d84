// SPDX-License-Identifier: BSD-2-Clause
/*
 * core/vmsg_ffa/frontend*.c: the FF-A bus frontend against the backend
 * over the loopback carriage, with tampering hooks for the failure paths.
 */
#include "loop_fixture.h"

/* Tamper hooks ---------------------------------------------------------- */

/* Ignore 12-byte (v2) VERSION requests: a v1-only device. */
static void drop_v2_version(struct loop *l, uint8_t *buf, size_t *len)
{
	(void)l;
	(void)len;
	if (buf[1] == VMSG_FFA_VERSION && le16_get(buf + 6) == 20) {
		buf[1] = 0x88; /* unknown id: dropped, no answer */
	}
}

static void drop_all_version(struct loop *l, uint8_t *buf, size_t *len)
{
	(void)l;
	(void)len;
	if (buf[1] == VMSG_FFA_VERSION) {
		buf[1] = 0x88;
	}
}

static uint16_t seen_tokens[16];
static unsigned int n_seen;

static void record_token(struct loop *l, uint8_t *buf, size_t *len)
{
	(void)l;
	(void)len;
	if (n_seen < 16) {
		seen_tokens[n_seen++] = le16_get(buf + 4);
	}
}

/* tamper_arg selects the header field to corrupt in the answer. */
static void corrupt_answer(struct loop *l, uint8_t *buf, size_t *len)
{
	if (*len < VMSG_HDR_SIZE) {
		return;
	}
	switch (l->tamper_arg) {
	case 1: /* token */
		le16_put(buf + 4, (uint16_t)(le16_get(buf + 4) + 1));
		break;
	case 2: /* dev_num */
		le16_put(buf + 2, (uint16_t)(le16_get(buf + 2) + 1));
		break;
	case 3: /* msg_id */
		buf[1] ^= 0x01;
		break;
	case 4: /* truncate below its msg_size */
		*len = VMSG_HDR_SIZE + 1;
		break;
	case 5: /* no answer */
		*len = 0;
		break;
	case 6: /* PING data */
		buf[VMSG_HDR_SIZE] ^= 0xFF;
		break;
	case 7: /* GET_DEVICES next_offset inside the window returned */
		if (buf[1] == VMSG_BUS_GET_DEVICES) {
			le16_put(buf + 10, 8);
		}
		break;
	case 8: /* GET_DEVICES answered for another offset */
		if (buf[1] == VMSG_BUS_GET_DEVICES) {
			le16_put(buf + 8, 64);
		}
		break;
	}
}

/* ---------------------------------------------------------------------- */

TEST(version_negotiates_v2_with_a_v2_backend)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);

	ASSERT_EQ(vmsg_ffa_frontend_version(&l->fe), VMSG_T_OK);
	ASSERT_TRUE(l->fe.negotiated);
	ASSERT_EQ(l->fe.profile, VMSG_PROFILE_V2);
	ASSERT_EQ(l->fe.peer_ffa_version, VMSG_FFA_DEFAULT_FFA_VERSION);
	ASSERT_EQ(l->fe.peer_bus_features, LP_BUS_FEATURES);
	ASSERT_EQ(l->fe.peer_max_areas, VMSG_FFA_MAX_AREAS);
	ASSERT_EQ(l->be.peer_ffa_version, LP_FFA_VERSION);
	ASSERT_EQ(l->xfers, 2); /* probe + echo */
}

TEST(version_falls_back_to_v1_when_the_v2_probe_gets_no_answer)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);

	l->tamper_req = drop_v2_version;
	ASSERT_EQ(vmsg_ffa_frontend_version(&l->fe), VMSG_T_OK);
	ASSERT_EQ(l->fe.profile, VMSG_PROFILE_PR28);
	ASSERT_EQ(l->be.profile, VMSG_PROFILE_PR28);
	ASSERT_TRUE(l->be.negotiated);
}

TEST(version_fails_when_no_generation_is_answered)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);

	l->tamper_req = drop_all_version;
	ASSERT_EQ(vmsg_ffa_frontend_version(&l->fe), VMSG_T_E_TIMEOUT);
	ASSERT_FALSE(l->fe.negotiated);
}

TEST(version_over_a_dead_link_fails_without_fallback)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);

	l->link_down = true;
	ASSERT_EQ(vmsg_ffa_frontend_version(&l->fe), VMSG_T_E_BUS);
	ASSERT_FALSE(l->fe.negotiated);
}

TEST(bus_calls_before_version_are_refused_locally)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	struct vmsg_drvt t;
	uint64_t bus = 0;

	vmsg_drvt_init(&t, &l->fe.drv_bus, &l->fe, 1);
	ASSERT_EQ(vmsg_ffa_frontend_enumerate(&l->fe), VMSG_T_E_STATE);
	ASSERT_EQ(vmsg_ffa_frontend_ping(&l->fe, 1), VMSG_T_E_STATE);
	ASSERT_EQ(vmsg_ffa_frontend_poll(&l->fe, 1), VMSG_T_E_STATE);
	ASSERT_EQ(vmsg_ffa_frontend_configure_events(&l->fe, false, 0),
		  VMSG_T_E_STATE);
	ASSERT_EQ(vmsg_ffa_frontend_area_share(&l->fe, LP_PA_BASE, 1,
					       VMSG_FFA_AREA_ATTRS_RW, &bus),
		  VMSG_T_E_STATE);
	ASSERT_EQ(vmsg_drvt_probe(&t), VMSG_T_E_STATE);
	ASSERT_EQ(l->xfers, 0);
}

TEST(tokens_are_non_zero_and_wrap_past_zero)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);

	lp_connect(l);
	n_seen = 0;
	l->tamper_req = record_token;
	l->fe.next_token = 0xFFFE;
	ASSERT_EQ(vmsg_ffa_frontend_ping(&l->fe, 1), VMSG_T_OK);
	ASSERT_EQ(vmsg_ffa_frontend_ping(&l->fe, 2), VMSG_T_OK);
	ASSERT_EQ(vmsg_ffa_frontend_ping(&l->fe, 3), VMSG_T_OK);
	ASSERT_EQ(n_seen, 3);
	ASSERT_EQ(seen_tokens[0], 0xFFFE);
	ASSERT_EQ(seen_tokens[1], 0xFFFF);
	ASSERT_EQ(seen_tokens[2], 1);
}

TEST(events_carry_token_zero)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	struct lp_echo *e = lp_add_echo(l, 1);

	lp_connect(l);
	lp_pool_up(l);
	lp_echo_up(l, e, LP_STATIC, LP_FEATURES);
	ASSERT_EQ(vmsg_drvt_notify(&e->drvt, 0), VMSG_T_OK);
	ASSERT_EQ(l->last_token, 0);
	ASSERT_EQ(l->fe.stats.bad_responses, 0);
}

TEST(answer_with_a_mismatched_token_is_rejected_and_counted)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);

	lp_connect(l);
	l->tamper_resp = corrupt_answer;
	l->tamper_arg = 1;
	ASSERT_EQ(vmsg_ffa_frontend_ping(&l->fe, 5), VMSG_T_E_PROTO);
	ASSERT_EQ(l->fe.stats.bad_responses, 1);
}

TEST(transport_answer_with_a_mismatched_dev_num_is_rejected)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	struct vmsg_drvt t;

	lp_add_echo(l, 1);
	lp_connect(l);
	vmsg_drvt_init(&t, &l->fe.drv_bus, &l->fe, 1);
	l->tamper_resp = corrupt_answer;
	l->tamper_arg = 2;
	ASSERT_EQ(vmsg_drvt_probe(&t), VMSG_T_E_PROTO);
	ASSERT_EQ(l->fe.stats.bad_responses, 1);
}

TEST(answer_with_another_msg_id_is_rejected)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);

	lp_connect(l);
	l->tamper_resp = corrupt_answer;
	l->tamper_arg = 3;
	ASSERT_EQ(vmsg_ffa_frontend_ping(&l->fe, 5), VMSG_T_E_PROTO);
	ASSERT_EQ(l->fe.stats.bad_responses, 1);
}

TEST(undecodable_answer_is_rejected)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);

	lp_connect(l);
	l->tamper_resp = corrupt_answer;
	l->tamper_arg = 4;
	ASSERT_EQ(vmsg_ffa_frontend_ping(&l->fe, 5), VMSG_T_E_PROTO);
	ASSERT_EQ(l->fe.stats.bad_responses, 1);
}

TEST(no_answer_is_a_timeout_and_a_dead_link_a_bus_error)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);

	lp_connect(l);
	l->tamper_resp = corrupt_answer;
	l->tamper_arg = 5;
	ASSERT_EQ(vmsg_ffa_frontend_ping(&l->fe, 5), VMSG_T_E_TIMEOUT);
	l->tamper_resp = NULL;
	l->link_down = true;
	ASSERT_EQ(vmsg_ffa_frontend_ping(&l->fe, 5), VMSG_T_E_BUS);
}

TEST(ping_with_altered_data_is_a_protocol_error)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);

	lp_connect(l);
	ASSERT_EQ(vmsg_ffa_frontend_ping(&l->fe, 0x01020304), VMSG_T_OK);
	l->tamper_resp = corrupt_answer;
	l->tamper_arg = 6;
	ASSERT_EQ(vmsg_ffa_frontend_ping(&l->fe, 0x01020304), VMSG_T_E_PROTO);
}

TEST(error_answer_fails_the_request_as_refused)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	struct vmsg_drvt t;

	lp_connect(l);
	vmsg_drvt_init(&t, &l->fe.drv_bus, &l->fe, 7); /* no device 7 */
	ASSERT_EQ(vmsg_drvt_probe(&t), VMSG_T_E_REFUSED);
	ASSERT_EQ(l->fe.stats.errors, 1);
	ASSERT_EQ(l->fe.stats.bad_responses, 0);
}

TEST(enumerate_walks_windows_and_finds_more_than_16_devices)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	uint16_t d = 0;
	unsigned int found = 0;

	for (d = 0; d < 40; d++) {
		lp_add_echo(l, (uint16_t)(d + (d >= 20 ? 20 : 0)));
	}
	ASSERT_EQ(vmsg_ffa_frontend_version(&l->fe), VMSG_T_OK);
	l->fe.window = 16;
	ASSERT_EQ(vmsg_ffa_frontend_enumerate(&l->fe), VMSG_T_OK);
	for (d = 0; d < VMSG_FFA_MAX_DEVICES; d++) {
		bool want = d < 20 || (d >= 40 && d < 60);

		ASSERT_EQ(vmsg_ffa_frontend_present(&l->fe, d), want);
		found += want;
	}
	ASSERT_EQ(found, 40);
	/* Windows 0, 16, (32 skipped: 40 is in window 40) 40, 56. */
	ASSERT_EQ(l->xfers, 2 + 4);
}

TEST(enumerate_in_pr28_reads_the_pr28_field_order)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);

	lp_add_echo(l, 3);
	lp_add_echo(l, 33);
	l->tamper_req = drop_v2_version;
	ASSERT_EQ(vmsg_ffa_frontend_version(&l->fe), VMSG_T_OK);
	l->tamper_req = NULL;
	ASSERT_EQ(vmsg_ffa_frontend_enumerate(&l->fe), VMSG_T_OK);
	ASSERT_TRUE(vmsg_ffa_frontend_present(&l->fe, 3));
	ASSERT_TRUE(vmsg_ffa_frontend_present(&l->fe, 33));
	ASSERT_FALSE(vmsg_ffa_frontend_present(&l->fe, 4));
}

TEST(enumerate_rejects_a_window_that_does_not_advance_or_moved)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);

	lp_add_echo(l, 50);
	ASSERT_EQ(vmsg_ffa_frontend_version(&l->fe), VMSG_T_OK);
	l->tamper_resp = corrupt_answer;
	l->tamper_arg = 7;
	ASSERT_EQ(vmsg_ffa_frontend_enumerate(&l->fe), VMSG_T_E_PROTO);
	l->tamper_arg = 8;
	ASSERT_EQ(vmsg_ffa_frontend_enumerate(&l->fe), VMSG_T_E_PROTO);
	ASSERT_EQ(l->fe.stats.bad_responses, 2);
}

TEST(configure_events_prefers_notif_and_falls_back_to_poll)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	struct loop *p = lp_new(VMSG_FFA_BUS_F_DIRECT_RX);

	ASSERT_EQ(vmsg_ffa_frontend_version(&l->fe), VMSG_T_OK);
	ASSERT_EQ(vmsg_ffa_frontend_configure_events(&l->fe, true, 3),
		  VMSG_T_OK);
	ASSERT_EQ(l->fe.event_method, VMSG_EVENT_METHOD_NOTIF);
	ASSERT_EQ(l->be.notify_id, 3);
	ASSERT_EQ(vmsg_ffa_frontend_version(&p->fe), VMSG_T_OK);
	ASSERT_EQ(vmsg_ffa_frontend_configure_events(&p->fe, true, 3),
		  VMSG_T_OK);
	ASSERT_EQ(p->fe.event_method, VMSG_EVENT_METHOD_POLL);
	ASSERT_EQ(p->be.event_method, VMSG_EVENT_METHOD_POLL);
}

TEST(poll_drains_hotplug_events_and_updates_present)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);

	lp_add_echo(l, 1);
	lp_connect(l);
	ASSERT_TRUE(vmsg_ffa_frontend_present(&l->fe, 1));
	lp_add_echo(l, 9);
	ASSERT_EQ(vmsg_ffa_backend_remove(&l->be, 1), 0);
	ASSERT_EQ(lp_poll(l), 2);
	ASSERT_TRUE(vmsg_ffa_frontend_present(&l->fe, 9));
	ASSERT_FALSE(vmsg_ffa_frontend_present(&l->fe, 1));
	ASSERT_EQ(l->n_events, 2);
	ASSERT_EQ(l->events[0].u.event_device.state, VMSG_DEVICE_READY);
	ASSERT_EQ(l->events[1].u.event_device.state, VMSG_DEVICE_REMOVED);
	ASSERT_EQ(lp_poll(l), 0);
}

TEST(poll_stops_at_max_events)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);

	lp_connect(l);
	lp_add_echo(l, 1);
	lp_add_echo(l, 2);
	lp_add_echo(l, 3);
	ASSERT_EQ(vmsg_ffa_frontend_poll(&l->fe, 2), 2);
	ASSERT_EQ(vmsg_ffa_backend_pending(&l->be), 1);
	ASSERT_EQ(lp_poll(l), 1);
}

TEST(area_share_failure_on_the_device_reclaims_the_memory)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	uint64_t pa = 0, bus = 0;

	lp_connect(l);
	pa = lp_pages_alloc(l, 2);
	l->fail_map = true;
	ASSERT_EQ(vmsg_ffa_frontend_area_share(&l->fe, pa, 2,
					       VMSG_FFA_AREA_ATTRS_RW, &bus),
		  VMSG_T_E_REFUSED);
	ASSERT_EQ(l->shares_made, 1);
	ASSERT_EQ(l->reclaims, 1);
	ASSERT_EQ(lp_live_shares(l), 0);
}

TEST(area_share_and_unshare_reclaim_when_idle)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	uint64_t pa = 0, bus = 0;
	uint16_t id = 0;

	lp_connect(l);
	pa = lp_pages_alloc(l, 2);
	ASSERT_EQ(vmsg_ffa_frontend_area_share(&l->fe, pa, 2,
					       VMSG_FFA_AREA_ATTRS_RW, &bus),
		  VMSG_T_OK);
	id = (uint16_t)(bus >> 48);
	ASSERT_TRUE(id != 0);
	ASSERT_EQ(bus & VMSG_BUS_ADDR_OFFSET_MASK, 0);
	ASSERT_TRUE(vmsg_ffa_backend_translate(&l->be, bus + 100, 4, true) ==
		    lp_host(l, pa) + 100);
	ASSERT_EQ(vmsg_ffa_frontend_area_unshare(&l->fe, id), VMSG_T_OK);
	ASSERT_TRUE(vmsg_ffa_frontend_area(&l->fe, id) == NULL);
	ASSERT_EQ(lp_live_shares(l), 0);
	ASSERT_EQ(vmsg_ffa_frontend_area_unshare(&l->fe, id), VMSG_T_E_STATE);
}

TEST(area_ids_rotate_and_skip_zero)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	uint64_t pa = 0, bus = 0;

	lp_connect(l);
	pa = lp_pages_alloc(l, 1);
	l->fe.next_area_id = 0xFFFF;
	ASSERT_EQ(vmsg_ffa_frontend_area_share(&l->fe, pa, 1,
					       VMSG_FFA_AREA_ATTRS_RW, &bus),
		  VMSG_T_OK);
	ASSERT_EQ(bus >> 48, 0xFFFF);
	ASSERT_EQ(vmsg_ffa_frontend_area_share(&l->fe, pa, 1,
					       VMSG_FFA_AREA_ATTRS_RW, &bus),
		  VMSG_T_OK);
	ASSERT_EQ(bus >> 48, 1);
}

TEST(area_release_for_an_area_not_pending_is_ignored)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	uint64_t pa = 0, bus = 0;

	lp_connect(l);
	pa = lp_pages_alloc(l, 1);
	ASSERT_EQ(vmsg_ffa_frontend_area_share(&l->fe, pa, 1,
					       VMSG_FFA_AREA_ATTRS_RW, &bus),
		  VMSG_T_OK);
	{
		struct vmsg ev;

		memset(&ev, 0, sizeof(ev));
		ev.hdr.type = VMSG_TYPE_BUS;
		ev.hdr.msg_id = VMSG_FFA_AREA_RELEASE;
		ev.u.area_result.area_id = (uint16_t)(bus >> 48);
		l->be.devt_bus.emit_event(&l->be, &ev);
		ev.u.area_result.area_id = 999;
		l->be.devt_bus.emit_event(&l->be, &ev);
	}
	ASSERT_EQ(lp_poll(l), 2);
	ASSERT_EQ(l->fe.stats.bad_events, 2);
	ASSERT_TRUE(vmsg_ffa_frontend_area(&l->fe, (uint16_t)(bus >> 48)) !=
		    NULL);
	ASSERT_EQ(l->reclaims, 0);
}

TEST(unexpected_events_are_counted_and_skipped)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	struct vmsg ev;

	lp_connect(l);
	memset(&ev, 0, sizeof(ev));
	ev.hdr.msg_id = VMSG_EVENT_AVAIL; /* a driver event, from the device */
	ev.hdr.dev_num = 1;
	l->be.devt_bus.emit_event(&l->be, &ev);
	ASSERT_EQ(lp_poll(l), 1);
	ASSERT_EQ(l->fe.stats.bad_events, 1);
	ASSERT_EQ(l->n_events, 0);
}

TEST(reset_reclaims_every_area)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	uint64_t pa = 0, bus = 0;
	int i = 0;

	lp_connect(l);
	for (i = 0; i < 3; i++) {
		pa = lp_pages_alloc(l, 1);
		ASSERT_EQ(vmsg_ffa_frontend_area_share(
				  &l->fe, pa, 1, VMSG_FFA_AREA_ATTRS_RW, &bus),
			  VMSG_T_OK);
	}
	ASSERT_EQ(lp_live_shares(l), 3);
	ASSERT_EQ(vmsg_ffa_frontend_reset(&l->fe), VMSG_T_OK);
	ASSERT_EQ(lp_live_shares(l), 0);
	ASSERT_EQ(l->unmaps, 3);
	ASSERT_TRUE(vmsg_ffa_frontend_area(&l->fe, (uint16_t)(bus >> 48)) ==
		    NULL);
}

TEST(area_unshare_of_an_area_the_device_forgot_is_refused)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	uint8_t resp[VMSG_MAX_SIZE];
	struct vmsg reset = lp_bus_msg(VMSG_FFA_RESET, 1);
	uint64_t pa = 0, bus = 0;
	uint16_t id = 0;

	lp_connect(l);
	pa = lp_pages_alloc(l, 1);
	ASSERT_EQ(vmsg_ffa_frontend_area_share(&l->fe, pa, 1,
					       VMSG_FFA_AREA_ATTRS_RW, &bus),
		  VMSG_T_OK);
	id = (uint16_t)(bus >> 48);
	/* Someone else reset the bus behind the frontend's back. */
	ASSERT_TRUE(lp_raw(l, VMSG_PROFILE_V2, &reset, resp) > 0);
	ASSERT_EQ(vmsg_ffa_frontend_area_unshare(&l->fe, id), VMSG_T_E_REFUSED);
	ASSERT_TRUE(vmsg_ffa_frontend_area(&l->fe, id) != NULL);
}

/* The device claims OK for an UNSHARE it answered BUSY. */
static void busy_to_ok(struct loop *l, uint8_t *buf, size_t *len)
{
	(void)l;
	if (*len == 12 && buf[1] == VMSG_FFA_AREA_UNSHARE &&
	    le16_get(buf + 10) == VMSG_FFA_RESULT_BUSY) {
		le16_put(buf + 10, VMSG_FFA_RESULT_OK);
	}
}

TEST(reclaim_denied_after_a_lying_unshare_keeps_the_area_pending)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	struct lp_echo *e = lp_add_echo(l, 1);
	uint16_t id = 0;

	lp_connect(l);
	lp_echo_up(l, e, LP_DYNAMIC, LP_FEATURES);
	id = (uint16_t)(e->ring_bus >> 48);
	l->tamper_resp = busy_to_ok;
	ASSERT_EQ(vmsg_ffa_frontend_area_unshare(&l->fe, id), VMSG_T_E_BUS);
	l->tamper_resp = NULL;
	ASSERT_EQ(l->reclaims_denied, 1);
	ASSERT_TRUE(vmsg_ffa_frontend_area(&l->fe, id)->release_pending);
	/* The device's late AREA_RELEASE then completes the reclaim. */
	ASSERT_EQ(vmsg_drvt_reset(&e->drvt), VMSG_T_OK);
	ASSERT_EQ(lp_poll(l), 1);
	ASSERT_TRUE(vmsg_ffa_frontend_area(&l->fe, id) == NULL);
	ASSERT_EQ(lp_live_shares(l), 0);
}

TEST(attached_handle_is_shared_as_an_area_but_never_reclaimed_by_the_bus)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	uint64_t pa = 0, bus = 0, handle = 0;
	uint16_t id = 0;

	lp_connect(l);
	pa = lp_pages_alloc(l, 4);
	/* The owner (a heap) made the transaction itself. */
	ASSERT_EQ(lp_mem_share(l, pa, 4, VMSG_FFA_AREA_ATTRS_RW | 1, &handle),
		  VMSG_T_OK);
	ASSERT_EQ(vmsg_ffa_frontend_area_attach(&l->fe, handle, 2, pa, 4,
						VMSG_FFA_AREA_ATTRS_RW | 1,
						&bus),
		  VMSG_T_OK);
	id = (uint16_t)(bus >> 48);
	ASSERT_EQ(l->shares_made, 1);
	ASSERT_TRUE(vmsg_ffa_backend_translate(&l->be, bus + 8, 4, true) ==
		    lp_host(l, pa) + 8);
	ASSERT_EQ(vmsg_ffa_frontend_area_unshare(&l->fe, id), VMSG_T_OK);
	ASSERT_TRUE(vmsg_ffa_frontend_area(&l->fe, id) == NULL);
	ASSERT_EQ(l->reclaims, 0);
	ASSERT_EQ(lp_live_shares(l), 1);
	/* RESET forgets attached areas without reclaiming them either. */
	ASSERT_EQ(vmsg_ffa_frontend_area_attach(&l->fe, handle, 2, pa, 4,
						VMSG_FFA_AREA_ATTRS_RW | 1,
						&bus),
		  VMSG_T_OK);
	ASSERT_EQ(vmsg_ffa_frontend_reset(&l->fe), VMSG_T_OK);
	ASSERT_EQ(l->reclaims, 0);
	ASSERT_EQ(lp_mem_reclaim(l, handle), VMSG_T_OK);
}

TEST(attach_refused_by_the_device_leaves_the_owner_s_handle_alone)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	uint64_t pa = 0, bus = 0, handle = 0;

	lp_connect(l);
	pa = lp_pages_alloc(l, 1);
	ASSERT_EQ(lp_mem_share(l, pa, 1, VMSG_FFA_AREA_ATTRS_RW, &handle),
		  VMSG_T_OK);
	ASSERT_EQ(vmsg_ffa_frontend_area_attach(&l->fe, handle + 1, 0, pa, 1,
						VMSG_FFA_AREA_ATTRS_RW, &bus),
		  VMSG_T_E_REFUSED);
	ASSERT_EQ(l->reclaims, 0);
	ASSERT_EQ(lp_live_shares(l), 1);
	ASSERT_EQ(vmsg_ffa_frontend_area_attach(&l->fe, handle, 0, pa, 0,
						VMSG_FFA_AREA_ATTRS_RW, &bus),
		  VMSG_T_E_STATE);
}
