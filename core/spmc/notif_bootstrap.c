// SPDX-License-Identifier: BSD-2-Clause
/*
 * Placeholder used only until core/spmc/notif.c and indirect_msg.c are in
 * the tree: every notification and indirect-messaging ABI answers
 * NOT_SUPPORTED. The Makefile drops this file once notif.c exists.
 */
#include "spmc_priv.h"

static void not_supported(struct ffa_regs *out)
{
	ffa_regs_error(out, FFA_NOT_SUPPORTED);
}

void spmc_notif_bitmap_create(struct spmc *spmc, struct spmc_partition *p,
			      const struct ffa_regs *in, struct ffa_regs *out)
{
	(void)spmc, (void)p, (void)in;
	not_supported(out);
}

void spmc_notif_bitmap_destroy(struct spmc *spmc, struct spmc_partition *p,
			       const struct ffa_regs *in, struct ffa_regs *out)
{
	(void)spmc, (void)p, (void)in;
	not_supported(out);
}

void spmc_notif_bind(struct spmc *spmc, struct spmc_partition *p,
		     const struct ffa_regs *in, struct ffa_regs *out)
{
	(void)spmc, (void)p, (void)in;
	not_supported(out);
}

void spmc_notif_unbind(struct spmc *spmc, struct spmc_partition *p,
		       const struct ffa_regs *in, struct ffa_regs *out)
{
	(void)spmc, (void)p, (void)in;
	not_supported(out);
}

void spmc_notif_set(struct spmc *spmc, struct spmc_partition *p,
		    const struct ffa_regs *in, struct ffa_regs *ret,
		    struct spmc_output *out)
{
	(void)spmc, (void)p, (void)in, (void)out;
	not_supported(ret);
}

void spmc_notif_get(struct spmc *spmc, struct spmc_partition *p,
		    const struct ffa_regs *in, struct ffa_regs *out)
{
	(void)spmc, (void)p, (void)in;
	not_supported(out);
}

void spmc_notif_info_get(struct spmc *spmc, struct spmc_partition *p,
			 const struct ffa_regs *in, struct ffa_regs *out)
{
	(void)spmc, (void)p, (void)in;
	not_supported(out);
}

void spmc_notif_framework_pend(struct spmc *spmc, struct spmc_partition *p,
			       uint32_t bits, bool delay_sri,
			       struct spmc_output *out)
{
	(void)spmc, (void)p, (void)bits, (void)delay_sri, (void)out;
}

void spmc_msg_send2(struct spmc *spmc, struct spmc_partition *p,
		    const struct ffa_regs *in, struct ffa_regs *ret,
		    struct spmc_output *out)
{
	(void)spmc, (void)p, (void)in, (void)out;
	not_supported(ret);
}
