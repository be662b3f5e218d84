// SPDX-License-Identifier: BSD-2-Clause
/* core/vmsg/names.c: names as the spec tables spell them (§1.2, §2.1, §2.3). */
#include "test.h"

#include <tzshare/vmsg.h>

static const struct {
	uint8_t type;
	uint8_t id;
	const char *name;
} names[] = {
	{ 0x00, 0x02, "GET_DEVICE_INFO" },
	{ 0x00, 0x03, "GET_DEVICE_FEATURES" },
	{ 0x00, 0x04, "SET_DRIVER_FEATURES" },
	{ 0x00, 0x05, "GET_CONFIG" },
	{ 0x00, 0x06, "SET_CONFIG" },
	{ 0x00, 0x07, "GET_DEVICE_STATUS" },
	{ 0x00, 0x08, "SET_DEVICE_STATUS" },
	{ 0x00, 0x09, "GET_VQUEUE" },
	{ 0x00, 0x0a, "SET_VQUEUE" },
	{ 0x00, 0x0b, "RESET_VQUEUE" },
	{ 0x00, 0x0c, "GET_SHM" },
	{ 0x00, 0x40, "EVENT_CONFIG" },
	{ 0x00, 0x41, "EVENT_AVAIL" },
	{ 0x00, 0x42, "EVENT_USED" },
	{ 0x02, 0x02, "GET_DEVICES" },
	{ 0x02, 0x03, "PING" },
	{ 0x02, 0x40, "EVENT_DEVICE" },
	{ 0x02, 0x80, "VERSION" },
	{ 0x02, 0x81, "AREA_SHARE" },
	{ 0x02, 0x82, "AREA_UNSHARE" },
	{ 0x02, 0x83, "RESET" },
	{ 0x02, 0x84, "EVENT_POLL" },
	{ 0x02, 0x85, "EVENT_CONFIGURE" },
	{ 0x02, 0x86, "FIFO_CONFIGURE" },
	{ 0x02, 0x87, "ERROR" },
	{ 0x02, 0xc0, "AREA_RELEASE" },
};

#define NAME_COUNT (sizeof(names) / sizeof(names[0]))

TEST(every_message_has_its_spec_name_in_either_direction)
{
	for (size_t i = 0; i < NAME_COUNT; i++) {
		for (uint8_t dir = 0; dir < 2; dir++) {
			const char *got =
				vmsg_name(names[i].type | dir, names[i].id);

			if (strcmp(got, names[i].name) != 0) {
				test_fail(__FILE__, __LINE__,
					  "type %u id 0x%02x: %s != %s",
					  names[i].type | dir, names[i].id, got,
					  names[i].name);
			}
		}
	}
}

TEST(every_other_id_is_named_unknown)
{
	for (unsigned int type = 0; type < 4; type++) {
		for (unsigned int id = 0; id < 256; id++) {
			bool listed = false;

			for (size_t i = 0; i < NAME_COUNT; i++) {
				listed |= names[i].type == (type & 2u) &&
					  names[i].id == id;
			}
			if (listed) {
				continue;
			}
			ASSERT_TRUE(
				strcmp(vmsg_name((uint8_t)type, (uint8_t)id),
				       "UNKNOWN") == 0);
		}
	}
}

TEST(reserved_type_bits_do_not_change_the_name)
{
	ASSERT_TRUE(strcmp(vmsg_name(0xfc, 0x09), "GET_VQUEUE") == 0);
	ASSERT_TRUE(strcmp(vmsg_name(0xfe, 0x09), "UNKNOWN") == 0);
	ASSERT_TRUE(strcmp(vmsg_name(0xfe, 0x80), "VERSION") == 0);
}
