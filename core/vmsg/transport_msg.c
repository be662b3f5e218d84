// SPDX-License-Identifier: BSD-2-Clause
/*
 * virtio-msg transport messages (virtio-msg.md §1.2, newest layouts §1.3):
 * payload decode and encode in both profiles. Offsets are inside the
 * payload; codec.c lists the PR28 deviations, which are marked PR28 or V2
 * below.
 *
 * Payload sizes: fixed per message, except the feature messages
 * (8 + 4 * num_blocks), the config messages (12 + length, EVENT_CONFIG
 * 16 + length) and the SET_CONFIG response, which PR28 lets echo the
 * written data or not: 12 B (data_len 0) or 12 + length (data_len =
 * length) are both accepted, and the encoder picks by data_len.
 */
#include <tzshare/lib.h>
#include <tzshare/vmsg.h>

#include "vmsg_priv.h"

/* GET_DEVICE_INFO response, PR28 (QEMU). */
#define DI1_DEVICE_ID 0
#define DI1_VENDOR_ID 4
#define DI1_NUM_FEATURE_BITS 8
#define DI1_CONFIG_SIZE 12
#define DI1_MAX_VQS 16
#define DI1_ADMIN_VQ_START 20 /* u16 */
#define DI1_ADMIN_VQ_COUNT 22 /* u16 */
#define DI1_SIZE 24
_Static_assert(DI1_ADMIN_VQ_COUNT + 2 == DI1_SIZE && DI1_SIZE == 24,
	       "PR28 GET_DEVICE_INFO response payload (virtio-msg.md §1.2)");

/* GET_DEVICE_INFO response, V2 (Linux PoC v2). */
#define DI2_DEVICE_ID 0
#define DI2_VENDOR_ID 4
#define DI2_UUID 8
#define DI2_NUM_FEATURE_BLOCKS 24
#define DI2_CONFIG_SIZE 28
#define DI2_MAX_VQS 32
#define DI2_ADMIN_VQ_START 36 /* u32 */
#define DI2_ADMIN_VQ_COUNT 40 /* u32 */
#define DI2_SIZE 44
_Static_assert(DI2_UUID + 16 == DI2_NUM_FEATURE_BLOCKS,
	       "V2 GET_DEVICE_INFO: 16-byte device UUID at 8");
_Static_assert(DI2_ADMIN_VQ_COUNT + 4 == DI2_SIZE && DI2_SIZE == 44 &&
		       VMSG_HDR_SIZE + DI2_SIZE == 52,
	       "Linux PoC v2 GET_DEVICE_INFO response payload (min msg 52)");

/* GET_DEVICE_FEATURES response, SET_DRIVER_FEATURES request. */
#define FEAT_BLOCK_INDEX 0
#define FEAT_NUM_BLOCKS 4
#define FEAT_WORDS 8
#define FEAT_REQ_SIZE 8 /* GET_DEVICE_FEATURES request: no words */
_Static_assert(FEAT_NUM_BLOCKS + 4 == FEAT_WORDS && FEAT_REQ_SIZE == 8,
	       "virtio-msg feature messages: 8-byte head (§1.2)");

/* GET_CONFIG request. */
#define CFGREQ_OFFSET 0
#define CFGREQ_LENGTH 4
#define CFGREQ_SIZE 8
_Static_assert(CFGREQ_LENGTH + 4 == CFGREQ_SIZE && CFGREQ_SIZE == 8,
	       "GET_CONFIG request payload (§1.2)");

/* GET_CONFIG response, SET_CONFIG request and response. */
#define CFG_GENERATION 0
#define CFG_OFFSET 4
#define CFG_LENGTH 8
#define CFG_DATA 12
_Static_assert(CFG_LENGTH + 4 == CFG_DATA && CFG_DATA == 12,
	       "config messages: 12-byte head before the data (§1.2)");

/* EVENT_CONFIG. */
#define EVCFG_DEVICE_STATUS 0
#define EVCFG_GENERATION 4
#define EVCFG_OFFSET 8
#define EVCFG_LENGTH 12
#define EVCFG_DATA 16
_Static_assert(EVCFG_LENGTH + 4 == EVCFG_DATA && EVCFG_DATA == 16,
	       "EVENT_CONFIG: 16-byte head before the data (§1.2)");

/* The data of the largest message we accept fits struct vmsg_config. */
_Static_assert(VMSG_MAX_SIZE - VMSG_HDR_SIZE - CFG_DATA <= VMSG_MAX_DATA,
	       "config data of a VMSG_MAX_SIZE message fits VMSG_MAX_DATA");

/* One u32: statuses, queue and region indexes, EVENT_USED. */
#define U32_SIZE 4
_Static_assert(U32_SIZE == 4,
	       "GET/SET_DEVICE_STATUS, GET_VQUEUE, RESET_VQUEUE, "
	       "GET_SHM requests, EVENT_USED: one u32 (§1.2)");

/* GET_VQUEUE response and SET_VQUEUE request (aligned PR28/V2 layout). */
#define VQ_INDEX 0
#define VQ_MAX_SIZE 4 /* GET response */
#define VQ_SET_FLAGS 4 /* SET request: V2 flags, PR28 reserved */
#define VQ_SIZE 8
#define VQ_GET_FLAGS 12 /* GET response: V2 flags, PR28 reserved */
#define VQ_DESC_ADDR 16
#define VQ_DRIVER_ADDR 24
#define VQ_DEVICE_ADDR 32
#define VQ_SIZE_BYTES 40
_Static_assert(VQ_DEVICE_ADDR + 8 == VQ_SIZE_BYTES && VQ_SIZE_BYTES == 40,
	       "GET_VQUEUE response / SET_VQUEUE request payload (§1.2)");
_Static_assert(VQ_DESC_ADDR % 8 == 0 && VQ_DRIVER_ADDR % 8 == 0 &&
		       VQ_DEVICE_ADDR % 8 == 0,
	       "RFC2/3 aligned the 64-bit ring addresses");

/* GET_SHM response, PR28. */
#define SHM1_INDEX 0
#define SHM1_LENGTH 4 /* u32 */
#define SHM1_ADDRESS 8 /* u32 */
#define SHM1_SIZE 12
_Static_assert(SHM1_ADDRESS + 4 == SHM1_SIZE && SHM1_SIZE == 12,
	       "PR28 GET_SHM response payload (§1.2)");

/* GET_SHM response, V2. */
#define SHM2_INDEX 0
#define SHM2_LENGTH 8 /* u64, reserved u32 at 4 */
#define SHM2_ADDRESS 16 /* u64 */
#define SHM2_SIZE 24
_Static_assert(SHM2_ADDRESS + 8 == SHM2_SIZE && SHM2_SIZE == 24,
	       "Linux PoC v2 GET_SHM response payload (§1.3)");

/* EVENT_AVAIL. */
#define AVAIL_VQ_INDEX 0
#define AVAIL_NEXT 4
#define AVAIL_SIZE 8
_Static_assert(AVAIL_NEXT + 4 == AVAIL_SIZE && AVAIL_SIZE == 8,
	       "EVENT_AVAIL payload (§1.2)");

/* ---- decoding --------------------------------------------------------- */

static int u32_get(const uint8_t *pl, size_t plen, uint32_t *v)
{
	if (plen != U32_SIZE) {
		return VMSG_E_SIZE;
	}
	*v = le32_get(pl);
	return VMSG_OK;
}

static int dev_info_get(enum vmsg_profile profile, const uint8_t *pl,
			size_t plen, struct vmsg_dev_info *di)
{
	uint64_t bits = 0;

	if (profile == VMSG_PROFILE_PR28) {
		if (plen != DI1_SIZE) {
			return VMSG_E_SIZE;
		}
		di->device_id = le32_get(pl + DI1_DEVICE_ID);
		di->vendor_id = le32_get(pl + DI1_VENDOR_ID);
		di->num_feature_bits = le32_get(pl + DI1_NUM_FEATURE_BITS);
		di->config_size = le32_get(pl + DI1_CONFIG_SIZE);
		di->max_vqs = le32_get(pl + DI1_MAX_VQS);
		di->admin_vq_start = le16_get(pl + DI1_ADMIN_VQ_START);
		di->admin_vq_count = le16_get(pl + DI1_ADMIN_VQ_COUNT);
		return VMSG_OK;
	}
	if (plen != DI2_SIZE) {
		return VMSG_E_SIZE;
	}
	/* V2 counts 32-bit blocks; struct vmsg carries bits. */
	if (ovf_mul(le32_get(pl + DI2_NUM_FEATURE_BLOCKS), 32, &bits) ||
	    bits > UINT32_MAX) {
		return VMSG_E_RANGE;
	}
	di->device_id = le32_get(pl + DI2_DEVICE_ID);
	di->vendor_id = le32_get(pl + DI2_VENDOR_ID);
	tzs_memcpy(di->uuid, pl + DI2_UUID, sizeof(di->uuid));
	di->num_feature_bits = (uint32_t)bits;
	di->config_size = le32_get(pl + DI2_CONFIG_SIZE);
	di->max_vqs = le32_get(pl + DI2_MAX_VQS);
	di->admin_vq_start = le32_get(pl + DI2_ADMIN_VQ_START);
	di->admin_vq_count = le32_get(pl + DI2_ADMIN_VQ_COUNT);
	return VMSG_OK;
}

static int features_req_get(const uint8_t *pl, size_t plen,
			    struct vmsg_features *f)
{
	if (plen != FEAT_REQ_SIZE) {
		return VMSG_E_SIZE;
	}
	/* How many blocks the driver asks for is not bounded here. */
	f->block_index = le32_get(pl + FEAT_BLOCK_INDEX);
	f->num_blocks = le32_get(pl + FEAT_NUM_BLOCKS);
	return VMSG_OK;
}

/* Payload size of @num_blocks feature words, or false when too many. */
static bool features_size(uint32_t num_blocks, uint64_t *size)
{
	uint64_t words = 0;

	if (num_blocks > VMSG_MAX_FEATURE_BLOCKS) {
		return false;
	}
	return !ovf_mul(num_blocks, 4, &words) &&
	       !ovf_add(FEAT_WORDS, words, size);
}

static int features_get(const uint8_t *pl, size_t plen, struct vmsg_features *f)
{
	uint64_t want = 0;
	uint32_t i = 0;

	if (plen < FEAT_WORDS) {
		return VMSG_E_SIZE;
	}
	f->block_index = le32_get(pl + FEAT_BLOCK_INDEX);
	f->num_blocks = le32_get(pl + FEAT_NUM_BLOCKS);
	if (!features_size(f->num_blocks, &want) || want != plen) {
		return VMSG_E_SIZE;
	}
	for (i = 0; i < f->num_blocks; i++) {
		f->features[i] = le32_get(pl + FEAT_WORDS + 4 * i);
	}
	return VMSG_OK;
}

static int config_req_get(const uint8_t *pl, size_t plen, struct vmsg_config *c)
{
	if (plen != CFGREQ_SIZE) {
		return VMSG_E_SIZE;
	}
	c->offset = le32_get(pl + CFGREQ_OFFSET);
	c->length = le32_get(pl + CFGREQ_LENGTH);
	return VMSG_OK;
}

/*
 * Data of a config message whose @length field was read: the payload after
 * the @head bytes holds exactly @length bytes, or none when @echo_optional
 * (SET_CONFIG response).
 */
static int config_data_get(const uint8_t *pl, size_t plen, size_t head,
			   bool echo_optional, struct vmsg_config *c)
{
	uint64_t want = 0;

	if (echo_optional && plen == head) {
		c->data_len = 0;
		return VMSG_OK;
	}
	if (ovf_add(head, c->length, &want) || want != plen) {
		return VMSG_E_SIZE;
	}
	/* codec.c bounds msg_size by VMSG_MAX_SIZE (static assert above). */
	if (NEVER(c->length > VMSG_MAX_DATA)) {
		return VMSG_E_SIZE;
	}
	c->data_len = c->length;
	tzs_memcpy(c->data, pl + head, c->data_len);
	return VMSG_OK;
}

static int config_get(const uint8_t *pl, size_t plen, bool echo_optional,
		      struct vmsg_config *c)
{
	if (plen < CFG_DATA) {
		return VMSG_E_SIZE;
	}
	c->generation = le32_get(pl + CFG_GENERATION);
	c->offset = le32_get(pl + CFG_OFFSET);
	c->length = le32_get(pl + CFG_LENGTH);
	return config_data_get(pl, plen, CFG_DATA, echo_optional, c);
}

static int event_config_get(const uint8_t *pl, size_t plen,
			    struct vmsg_config *c)
{
	if (plen < EVCFG_DATA) {
		return VMSG_E_SIZE;
	}
	c->device_status = le32_get(pl + EVCFG_DEVICE_STATUS);
	c->generation = le32_get(pl + EVCFG_GENERATION);
	c->offset = le32_get(pl + EVCFG_OFFSET);
	c->length = le32_get(pl + EVCFG_LENGTH);
	return config_data_get(pl, plen, EVCFG_DATA, false, c);
}

/* GET_VQUEUE response (@get) or SET_VQUEUE request. */
static int vqueue_get(enum vmsg_profile profile, bool get, const uint8_t *pl,
		      size_t plen, struct vmsg_vqueue *vq)
{
	if (plen != VQ_SIZE_BYTES) {
		return VMSG_E_SIZE;
	}
	vq->index = le32_get(pl + VQ_INDEX);
	vq->size = le32_get(pl + VQ_SIZE);
	vq->desc_addr = le64_get(pl + VQ_DESC_ADDR);
	vq->driver_addr = le64_get(pl + VQ_DRIVER_ADDR);
	vq->device_addr = le64_get(pl + VQ_DEVICE_ADDR);
	if (get) {
		vq->max_size = le32_get(pl + VQ_MAX_SIZE);
	}
	/* PR28: the flags word is reserved, ignored on receipt. */
	if (profile == VMSG_PROFILE_V2) {
		vq->flags = le32_get(pl + (get ? VQ_GET_FLAGS : VQ_SET_FLAGS));
	}
	return VMSG_OK;
}

static int shm_get(enum vmsg_profile profile, const uint8_t *pl, size_t plen,
		   struct vmsg_shm *shm)
{
	if (profile == VMSG_PROFILE_PR28) {
		if (plen != SHM1_SIZE) {
			return VMSG_E_SIZE;
		}
		shm->index = le32_get(pl + SHM1_INDEX);
		shm->length = le32_get(pl + SHM1_LENGTH);
		shm->address = le32_get(pl + SHM1_ADDRESS);
		return VMSG_OK;
	}
	if (plen != SHM2_SIZE) {
		return VMSG_E_SIZE;
	}
	shm->index = le32_get(pl + SHM2_INDEX);
	shm->length = le64_get(pl + SHM2_LENGTH);
	shm->address = le64_get(pl + SHM2_ADDRESS);
	return VMSG_OK;
}

static int avail_get(const uint8_t *pl, size_t plen, struct vmsg_event_avail *a)
{
	if (plen != AVAIL_SIZE) {
		return VMSG_E_SIZE;
	}
	a->vq_index = le32_get(pl + AVAIL_VQ_INDEX);
	a->next = le32_get(pl + AVAIL_NEXT);
	return VMSG_OK;
}

/**
 * vmsg_transport_get() - decode a transport payload (vmsg_priv.h).
 * IDs 0x00, 0x01 and 0x0D-0x3F are undefined since RFC2 (ERROR 0x01 was
 * removed), 0x80-0xFF are implementation-defined and we define none.
 */
int vmsg_transport_get(enum vmsg_profile profile, const uint8_t *pl,
		       size_t plen, struct vmsg *m)
{
	switch (vmsg_key(&m->hdr)) {
	case VMSG_REQ(VMSG_GET_DEVICE_INFO):
	case VMSG_REQ(VMSG_GET_DEVICE_STATUS):
	case VMSG_RESP(VMSG_SET_DRIVER_FEATURES):
	case VMSG_RESP(VMSG_SET_VQUEUE):
	case VMSG_RESP(VMSG_RESET_VQUEUE):
		return vmsg_expect_size(plen, 0);
	case VMSG_RESP(VMSG_GET_DEVICE_INFO):
		return dev_info_get(profile, pl, plen, &m->u.dev_info);
	case VMSG_REQ(VMSG_GET_DEVICE_FEATURES):
		return features_req_get(pl, plen, &m->u.features);
	case VMSG_RESP(VMSG_GET_DEVICE_FEATURES):
	case VMSG_REQ(VMSG_SET_DRIVER_FEATURES):
		return features_get(pl, plen, &m->u.features);
	case VMSG_REQ(VMSG_GET_CONFIG):
		return config_req_get(pl, plen, &m->u.config);
	case VMSG_RESP(VMSG_GET_CONFIG):
	case VMSG_REQ(VMSG_SET_CONFIG):
		return config_get(pl, plen, false, &m->u.config);
	case VMSG_RESP(VMSG_SET_CONFIG):
		return config_get(pl, plen, true, &m->u.config);
	case VMSG_RESP(VMSG_GET_DEVICE_STATUS):
	case VMSG_REQ(VMSG_SET_DEVICE_STATUS):
	case VMSG_RESP(VMSG_SET_DEVICE_STATUS):
		return u32_get(pl, plen, &m->u.status);
	case VMSG_REQ(VMSG_GET_VQUEUE):
	case VMSG_REQ(VMSG_RESET_VQUEUE):
	case VMSG_REQ(VMSG_GET_SHM):
	case VMSG_REQ(VMSG_EVENT_USED):
		return u32_get(pl, plen, &m->u.index);
	case VMSG_RESP(VMSG_GET_VQUEUE):
		return vqueue_get(profile, true, pl, plen, &m->u.vqueue);
	case VMSG_REQ(VMSG_SET_VQUEUE):
		return vqueue_get(profile, false, pl, plen, &m->u.vqueue);
	case VMSG_RESP(VMSG_GET_SHM):
		return shm_get(profile, pl, plen, &m->u.shm);
	case VMSG_REQ(VMSG_EVENT_CONFIG):
		return event_config_get(pl, plen, &m->u.config);
	case VMSG_REQ(VMSG_EVENT_AVAIL):
		return avail_get(pl, plen, &m->u.avail);
	default:
		return VMSG_E_UNKNOWN;
	}
}

/* ---- encoding (vmsg_priv.h: @pl NULL = validate and size only) -------- */

static int u32_put(uint32_t v, uint8_t *pl, size_t *plen)
{
	if (pl) {
		le32_put(pl, v);
	}
	return vmsg_fixed_size(plen, U32_SIZE);
}

static int dev_info_put(enum vmsg_profile profile,
			const struct vmsg_dev_info *di, uint8_t *pl,
			size_t *plen)
{
	if (profile == VMSG_PROFILE_PR28) {
		/* PR28 has no UUID; its admin fields are u16. */
		if (di->admin_vq_start > UINT16_MAX ||
		    di->admin_vq_count > UINT16_MAX) {
			return VMSG_E_RANGE;
		}
		if (pl) {
			le32_put(pl + DI1_DEVICE_ID, di->device_id);
			le32_put(pl + DI1_VENDOR_ID, di->vendor_id);
			le32_put(pl + DI1_NUM_FEATURE_BITS,
				 di->num_feature_bits);
			le32_put(pl + DI1_CONFIG_SIZE, di->config_size);
			le32_put(pl + DI1_MAX_VQS, di->max_vqs);
			le16_put(pl + DI1_ADMIN_VQ_START,
				 (uint16_t)di->admin_vq_start);
			le16_put(pl + DI1_ADMIN_VQ_COUNT,
				 (uint16_t)di->admin_vq_count);
		}
		return vmsg_fixed_size(plen, DI1_SIZE);
	}
	/* V2 counts whole 32-bit blocks. */
	if (di->num_feature_bits % 32) {
		return VMSG_E_RANGE;
	}
	if (pl) {
		le32_put(pl + DI2_DEVICE_ID, di->device_id);
		le32_put(pl + DI2_VENDOR_ID, di->vendor_id);
		tzs_memcpy(pl + DI2_UUID, di->uuid, sizeof(di->uuid));
		le32_put(pl + DI2_NUM_FEATURE_BLOCKS,
			 di->num_feature_bits / 32);
		le32_put(pl + DI2_CONFIG_SIZE, di->config_size);
		le32_put(pl + DI2_MAX_VQS, di->max_vqs);
		le32_put(pl + DI2_ADMIN_VQ_START, di->admin_vq_start);
		le32_put(pl + DI2_ADMIN_VQ_COUNT, di->admin_vq_count);
	}
	return vmsg_fixed_size(plen, DI2_SIZE);
}

static int features_req_put(const struct vmsg_features *f, uint8_t *pl,
			    size_t *plen)
{
	if (pl) {
		le32_put(pl + FEAT_BLOCK_INDEX, f->block_index);
		le32_put(pl + FEAT_NUM_BLOCKS, f->num_blocks);
	}
	return vmsg_fixed_size(plen, FEAT_REQ_SIZE);
}

static int features_put(const struct vmsg_features *f, uint8_t *pl,
			size_t *plen)
{
	uint64_t size = 0;
	uint32_t i = 0;

	if (!features_size(f->num_blocks, &size)) {
		return VMSG_E_SIZE;
	}
	if (pl) {
		le32_put(pl + FEAT_BLOCK_INDEX, f->block_index);
		le32_put(pl + FEAT_NUM_BLOCKS, f->num_blocks);
		for (i = 0; i < f->num_blocks; i++) {
			le32_put(pl + FEAT_WORDS + 4 * i, f->features[i]);
		}
	}
	return vmsg_fixed_size(plen, (size_t)size);
}

static int config_req_put(const struct vmsg_config *c, uint8_t *pl,
			  size_t *plen)
{
	if (pl) {
		le32_put(pl + CFGREQ_OFFSET, c->offset);
		le32_put(pl + CFGREQ_LENGTH, c->length);
	}
	return vmsg_fixed_size(plen, CFGREQ_SIZE);
}

/*
 * Size of a config message with @head bytes before the data: data_len must
 * equal length (or be 0 when @echo_optional) and fit data[].
 */
static int config_data_size(const struct vmsg_config *c, size_t head,
			    bool echo_optional, size_t *plen)
{
	if (c->data_len != c->length && !(echo_optional && !c->data_len)) {
		return VMSG_E_SIZE;
	}
	if (c->data_len > VMSG_MAX_DATA) {
		return VMSG_E_SIZE;
	}
	return vmsg_fixed_size(plen, head + c->data_len);
}

static int config_put(const struct vmsg_config *c, bool echo_optional,
		      uint8_t *pl, size_t *plen)
{
	int rc = config_data_size(c, CFG_DATA, echo_optional, plen);

	if (rc == VMSG_OK && pl) {
		le32_put(pl + CFG_GENERATION, c->generation);
		le32_put(pl + CFG_OFFSET, c->offset);
		le32_put(pl + CFG_LENGTH, c->length);
		tzs_memcpy(pl + CFG_DATA, c->data, c->data_len);
	}
	return rc;
}

static int event_config_put(const struct vmsg_config *c, uint8_t *pl,
			    size_t *plen)
{
	int rc = config_data_size(c, EVCFG_DATA, false, plen);

	if (rc == VMSG_OK && pl) {
		le32_put(pl + EVCFG_DEVICE_STATUS, c->device_status);
		le32_put(pl + EVCFG_GENERATION, c->generation);
		le32_put(pl + EVCFG_OFFSET, c->offset);
		le32_put(pl + EVCFG_LENGTH, c->length);
		tzs_memcpy(pl + EVCFG_DATA, c->data, c->data_len);
	}
	return rc;
}

static int vqueue_put(enum vmsg_profile profile, bool get,
		      const struct vmsg_vqueue *vq, uint8_t *pl, size_t *plen)
{
	if (pl) {
		le32_put(pl + VQ_INDEX, vq->index);
		le32_put(pl + VQ_SIZE, vq->size);
		le64_put(pl + VQ_DESC_ADDR, vq->desc_addr);
		le64_put(pl + VQ_DRIVER_ADDR, vq->driver_addr);
		le64_put(pl + VQ_DEVICE_ADDR, vq->device_addr);
		if (get) {
			le32_put(pl + VQ_MAX_SIZE, vq->max_size);
		}
		/* PR28: the flags word is reserved and stays zero. */
		if (profile == VMSG_PROFILE_V2) {
			le32_put(pl + (get ? VQ_GET_FLAGS : VQ_SET_FLAGS),
				 vq->flags);
		}
	}
	return vmsg_fixed_size(plen, VQ_SIZE_BYTES);
}

static int shm_put(enum vmsg_profile profile, const struct vmsg_shm *shm,
		   uint8_t *pl, size_t *plen)
{
	if (profile == VMSG_PROFILE_PR28) {
		if (shm->length > UINT32_MAX || shm->address > UINT32_MAX) {
			return VMSG_E_RANGE;
		}
		if (pl) {
			le32_put(pl + SHM1_INDEX, shm->index);
			le32_put(pl + SHM1_LENGTH, (uint32_t)shm->length);
			le32_put(pl + SHM1_ADDRESS, (uint32_t)shm->address);
		}
		return vmsg_fixed_size(plen, SHM1_SIZE);
	}
	if (pl) {
		le32_put(pl + SHM2_INDEX, shm->index);
		le64_put(pl + SHM2_LENGTH, shm->length);
		le64_put(pl + SHM2_ADDRESS, shm->address);
	}
	return vmsg_fixed_size(plen, SHM2_SIZE);
}

static int avail_put(const struct vmsg_event_avail *a, uint8_t *pl,
		     size_t *plen)
{
	if (pl) {
		le32_put(pl + AVAIL_VQ_INDEX, a->vq_index);
		le32_put(pl + AVAIL_NEXT, a->next);
	}
	return vmsg_fixed_size(plen, AVAIL_SIZE);
}

/** vmsg_transport_put() - encode a transport payload (vmsg_priv.h). */
int vmsg_transport_put(enum vmsg_profile profile, const struct vmsg *m,
		       uint8_t *pl, size_t *plen)
{
	switch (vmsg_key(&m->hdr)) {
	case VMSG_REQ(VMSG_GET_DEVICE_INFO):
	case VMSG_REQ(VMSG_GET_DEVICE_STATUS):
	case VMSG_RESP(VMSG_SET_DRIVER_FEATURES):
	case VMSG_RESP(VMSG_SET_VQUEUE):
	case VMSG_RESP(VMSG_RESET_VQUEUE):
		return vmsg_fixed_size(plen, 0);
	case VMSG_RESP(VMSG_GET_DEVICE_INFO):
		return dev_info_put(profile, &m->u.dev_info, pl, plen);
	case VMSG_REQ(VMSG_GET_DEVICE_FEATURES):
		return features_req_put(&m->u.features, pl, plen);
	case VMSG_RESP(VMSG_GET_DEVICE_FEATURES):
	case VMSG_REQ(VMSG_SET_DRIVER_FEATURES):
		return features_put(&m->u.features, pl, plen);
	case VMSG_REQ(VMSG_GET_CONFIG):
		return config_req_put(&m->u.config, pl, plen);
	case VMSG_RESP(VMSG_GET_CONFIG):
	case VMSG_REQ(VMSG_SET_CONFIG):
		return config_put(&m->u.config, false, pl, plen);
	case VMSG_RESP(VMSG_SET_CONFIG):
		return config_put(&m->u.config, true, pl, plen);
	case VMSG_RESP(VMSG_GET_DEVICE_STATUS):
	case VMSG_REQ(VMSG_SET_DEVICE_STATUS):
	case VMSG_RESP(VMSG_SET_DEVICE_STATUS):
		return u32_put(m->u.status, pl, plen);
	case VMSG_REQ(VMSG_GET_VQUEUE):
	case VMSG_REQ(VMSG_RESET_VQUEUE):
	case VMSG_REQ(VMSG_GET_SHM):
	case VMSG_REQ(VMSG_EVENT_USED):
		return u32_put(m->u.index, pl, plen);
	case VMSG_RESP(VMSG_GET_VQUEUE):
		return vqueue_put(profile, true, &m->u.vqueue, pl, plen);
	case VMSG_REQ(VMSG_SET_VQUEUE):
		return vqueue_put(profile, false, &m->u.vqueue, pl, plen);
	case VMSG_RESP(VMSG_GET_SHM):
		return shm_put(profile, &m->u.shm, pl, plen);
	case VMSG_REQ(VMSG_EVENT_CONFIG):
		return event_config_put(&m->u.config, pl, plen);
	case VMSG_REQ(VMSG_EVENT_AVAIL):
		return avail_put(&m->u.avail, pl, plen);
	default:
		return VMSG_E_UNKNOWN;
	}
}
