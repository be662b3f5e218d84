// SPDX-License-Identifier: BSD-2-Clause
/* Tests of core/spmc/setup.c and the dispatcher (spmc.c). */
#include <tzshare/ffa.h>
#include <tzshare/spmc.h>

#include "spmc_fixture.h"
#include "test.h"

static struct fx fx;

static void setup_no_mailboxes(void)
{
	struct fx_opts o = { .no_mailboxes = true };

	fx_init(&fx, &o);
}

/* FF-A v1.2 §13.2: the callee answers with its own version. */
TEST(version_returns_v1_2)
{
	struct ffa_regs r;

	setup_no_mailboxes();
	r = fx_call(&fx, FX_VM1, FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0,
		    0);
	ASSERT_EQ(r.x[0], FFA_VERSION_1_2);
	fx_fini(&fx);
}

/* ffa.md §1.3: bit 31 set -> NOT_SUPPORTED in w0. */
TEST(version_with_bit31_is_not_supported)
{
	struct ffa_regs r;

	setup_no_mailboxes();
	r = fx_call(&fx, FX_SP1, FFA_VERSION, 0x80010002u, 0, 0, 0, 0, 0, 0);
	ASSERT_EQ(r.x[0], 0xFFFFFFFFu);
	fx_fini(&fx);
}

/* ffa.md §1.3: a different major version is incompatible. */
TEST(version_with_other_major_is_not_supported)
{
	struct ffa_regs r;

	setup_no_mailboxes();
	r = fx_call(&fx, FX_VM1, FFA_VERSION, FFA_VERSION_MAKE(2, 0), 0, 0, 0,
		    0, 0, 0);
	ASSERT_EQ(r.x[0], 0xFFFFFFFFu);
	fx_fini(&fx);
}

/* Hafnium: the version is locked once any other ABI was called. */
TEST(version_change_after_other_call_is_refused)
{
	struct ffa_regs r;

	setup_no_mailboxes();
	r = fx_call(&fx, FX_VM1, FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	r = fx_call(&fx, FX_VM1, FFA_VERSION, FFA_VERSION_1_1, 0, 0, 0, 0, 0,
		    0);
	ASSERT_EQ(r.x[0], 0xFFFFFFFFu);
	/* Asking again for the locked version is fine. */
	r = fx_call(&fx, FX_VM1, FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0,
		    0);
	ASSERT_EQ(r.x[0], FFA_VERSION_1_2);
	fx_fini(&fx);
}

/* A newer minor (v1.3) is capped to ours; layouts follow v1.2. */
TEST(version_newer_minor_is_capped)
{
	struct ffa_regs r;

	setup_no_mailboxes();
	r = fx_call(&fx, FX_VM2, FFA_VERSION, FFA_VERSION_MAKE(1, 3), 0, 0, 0,
		    0, 0, 0);
	ASSERT_EQ(r.x[0], FFA_VERSION_1_2);
	r = fx_call(&fx, FX_VM2, FFA_FEATURES, FFA_MSG_SEND_DIRECT_REQ2, 0, 0,
		    0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	fx_fini(&fx);
}

TEST(id_get_returns_own_id)
{
	struct ffa_regs r;

	setup_no_mailboxes();
	r = fx_call(&fx, FX_SP2, FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(r.x[2], FX_SP2);
	fx_fini(&fx);
}

TEST(spm_id_get_returns_spmc_id)
{
	struct ffa_regs r;

	setup_no_mailboxes();
	r = fx_call(&fx, FX_VM1, FFA_SPM_ID_GET, 0, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(r.x[2], FFA_SPMC_ID);
	fx_fini(&fx);
}

/* FFA_SPM_ID_GET arrived in v1.1. */
TEST(spm_id_get_from_v1_0_caller_is_not_supported)
{
	struct fx_opts o = { .version = FFA_VERSION_1_0, .no_mailboxes = true };
	struct ffa_regs r;

	fx_init(&fx, &o);
	r = fx_call(&fx, FX_VM1, FFA_SPM_ID_GET, 0, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_NOT_SUPPORTED);
	fx_fini(&fx);
}

TEST(unknown_function_id_is_not_supported)
{
	struct ffa_regs r;

	setup_no_mailboxes();
	r = fx_call(&fx, FX_VM1, 0x840000FFu, 0, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_NOT_SUPPORTED);
	r = fx_call(&fx, FX_VM1, 0xDEADBEEFu, 0, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_NOT_SUPPORTED);
	r = fx_call(&fx, FX_VM1, FFA_MSG_POLL, 0, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_NOT_SUPPORTED);
	fx_fini(&fx);
}

/* A call naming an endpoint or vCPU the SPMC does not know is refused. */
TEST(call_from_unknown_endpoint_or_vcpu_is_invalid)
{
	struct ffa_regs in = { .x = { FFA_ID_GET } };
	struct ffa_regs r;

	setup_no_mailboxes();
	r = fx_call_regs(&fx, 0x1234, 0, &in);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = fx_call_regs(&fx, FX_SP2, 1, &in); /* SP2 has one context */
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	fx_fini(&fx);
}

/* SMCCC: an SMC32 call sees only w-registers. */
TEST(smc32_call_ignores_upper_register_halves)
{
	struct ffa_regs r;

	setup_no_mailboxes();
	r = fx_call(&fx, FX_VM1, 0xFFFFFFFF00000000ull | FFA_VERSION,
		    0xABCD000000000000ull | FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0);
	ASSERT_EQ(r.x[0], FFA_VERSION_1_2);
	fx_fini(&fx);
}

TEST(features_reports_supported_abi)
{
	struct ffa_regs r;

	setup_no_mailboxes();
	r = fx_call(&fx, FX_VM1, FFA_FEATURES, FFA_MEM_SHARE_64, 0, 0, 0, 0, 0,
		    0);
	ASSERT_FFA_SUCCESS(&r);
	r = fx_call(&fx, FX_VM1, FFA_FEATURES, 0x840000FEu, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_NOT_SUPPORTED);
	fx_fini(&fx);
}

/* FFA_MSG_WAIT and DIRECT_RESP are SP-only; FFA_RUN NWd-only. */
TEST(features_depend_on_caller_world)
{
	struct ffa_regs r;

	setup_no_mailboxes();
	r = fx_call(&fx, FX_VM1, FFA_FEATURES, FFA_MSG_WAIT, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_NOT_SUPPORTED);
	r = fx_call(&fx, FX_SP1, FFA_FEATURES, FFA_MSG_WAIT, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	r = fx_call(&fx, FX_SP1, FFA_FEATURES, FFA_RUN, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_NOT_SUPPORTED);
	r = fx_call(&fx, FX_VM1, FFA_FEATURES, FFA_RUN, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	fx_fini(&fx);
}

/* v1.2 ABIs are invisible to a v1.1 caller. */
TEST(features_hides_v1_2_abis_from_v1_1_caller)
{
	struct fx_opts o = { .version = FFA_VERSION_1_1, .no_mailboxes = true };
	struct ffa_regs r;

	fx_init(&fx, &o);
	r = fx_call(&fx, FX_VM1, FFA_FEATURES, FFA_MSG_SEND_DIRECT_REQ2, 0, 0,
		    0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_NOT_SUPPORTED);
	r = fx_call(&fx, FX_VM1, FFA_FEATURES, FFA_PARTITION_INFO_GET_REGS, 0,
		    0, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_NOT_SUPPORTED);
	fx_fini(&fx);
}

/* ffa.md §1.4: RXTX_MAP w2 = 4K granule, v1.2 adds max pages in [31:16]. */
TEST(features_rxtx_map_reports_granule_and_max_pages)
{
	struct ffa_regs r;

	setup_no_mailboxes();
	r = fx_call(&fx, FX_VM1, FFA_FEATURES, FFA_RXTX_MAP_64, 0, 0, 0, 0, 0,
		    0);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(r.x[2] & 0x3u, 0);
	ASSERT_EQ(r.x[2] >> 16, 16);
	fx_fini(&fx);
}

/* Hafnium: v1.1+ callers must declare NS-bit handling (w2 bit1). */
TEST(features_retrieve_req_requires_ns_bit_input)
{
	struct ffa_regs r;

	setup_no_mailboxes();
	r = fx_call(&fx, FX_SP1, FFA_FEATURES, FFA_MEM_RETRIEVE_REQ_64, 0, 0, 0,
		    0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_NOT_SUPPORTED);
	r = fx_call(&fx, FX_SP1, FFA_FEATURES, FFA_MEM_RETRIEVE_REQ_64, 0x2, 0,
		    0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(r.x[2] & 0x3u, 0x2u); /* NS-bit handling, TX buffer only */
	ASSERT_EQ(r.x[3], 0); /* one outstanding retrieval */
	fx_fini(&fx);
}

/* Feature IDs: SRI for the NWd, NPI/MEI for SPs. */
TEST(features_interrupt_ids_by_world)
{
	struct ffa_regs r;

	setup_no_mailboxes();
	r = fx_call(&fx, FX_VM1, FFA_FEATURES, FFA_FEATURE_SRI, 0, 0, 0, 0, 0,
		    0);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(r.x[2], FFA_SRI_INTID);
	r = fx_call(&fx, FX_VM1, FFA_FEATURES, FFA_FEATURE_NPI, 0, 0, 0, 0, 0,
		    0);
	ASSERT_FFA_ERROR(&r, FFA_NOT_SUPPORTED);
	r = fx_call(&fx, FX_SP1, FFA_FEATURES, FFA_FEATURE_NPI, 0, 0, 0, 0, 0,
		    0);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(r.x[2], FFA_NPI_INTID);
	r = fx_call(&fx, FX_SP1, FFA_FEATURES, FFA_FEATURE_SRI, 0, 0, 0, 0, 0,
		    0);
	ASSERT_FFA_ERROR(&r, FFA_NOT_SUPPORTED);
	fx_fini(&fx);
}

TEST(features_feature_id_with_input_properties_is_invalid)
{
	struct ffa_regs r;

	setup_no_mailboxes();
	r = fx_call(&fx, FX_VM1, FFA_FEATURES, FFA_FEATURE_SRI, 1, 0, 0, 0, 0,
		    0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	fx_fini(&fx);
}

TEST(partition_add_rejects_bad_config)
{
	struct spmc_partition_config pc = { .id = FX_SP1, .exec_count = 1 };

	setup_no_mailboxes();
	ASSERT_EQ(spmc_partition_add(fx.spmc, &pc), FFA_INVALID_PARAMETERS);
	pc.id = 0x8010;
	pc.exec_count = 0;
	ASSERT_EQ(spmc_partition_add(fx.spmc, &pc), FFA_INVALID_PARAMETERS);
	pc.exec_count = SPMC_MAX_VCPUS + 1;
	ASSERT_EQ(spmc_partition_add(fx.spmc, &pc), FFA_INVALID_PARAMETERS);
	pc.exec_count = 1;
	pc.props = 1u << 20;
	ASSERT_EQ(spmc_partition_add(fx.spmc, &pc), FFA_INVALID_PARAMETERS);
	pc.props = 0;
	pc.id = FFA_SPMC_ID;
	ASSERT_EQ(spmc_partition_add(fx.spmc, &pc), FFA_INVALID_PARAMETERS);
	pc.id = 0x8010;
	ASSERT_EQ(spmc_partition_add(fx.spmc, &pc), FFA_OK);
	fx_fini(&fx);
}

TEST(stats_count_calls_and_rejections)
{
	struct spmc_stats st0, st1;

	setup_no_mailboxes();
	spmc_stats_get(fx.spmc, &st0);
	fx_call(&fx, FX_VM1, FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);
	fx_call(&fx, FX_VM1, 0x840000FFu, 0, 0, 0, 0, 0, 0, 0);
	spmc_stats_get(fx.spmc, &st1);
	ASSERT_EQ(st1.calls - st0.calls, 2);
	ASSERT_EQ(st1.rejected - st0.rejected, 1);
	fx_fini(&fx);
}
