/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * FF-A bus frontend internals: request/response carriage and matching
 * (frontend.c), event drain (frontend_event.c), areas (frontend_area.c).
 * One call at a time per frontend (the caller serialises).
 */
#ifndef TZSHARE_VMSG_FFA_FRONTEND_PRIV_H
#define TZSHARE_VMSG_FFA_FRONTEND_PRIV_H

#include <tzshare/vmsg_ffa_bus.h>

/* Encode @req (token assigned for requests, 0 for events) and carry it;
 * the raw answer lands in @rbuf (*rlen 0 = none). */
int vmsg_ffa_fe_xfer(struct vmsg_ffa_frontend *fe, enum vmsg_profile profile,
		     struct vmsg *req, uint8_t *rbuf, size_t cap, size_t *rlen);
/* Check a decoded answer against @req (see vmsg_ffa_frontend_init). */
int vmsg_ffa_fe_match(struct vmsg_ffa_frontend *fe, const struct vmsg *req,
		      const struct vmsg *resp);
/* Request and matched response. */
int vmsg_ffa_fe_call(struct vmsg_ffa_frontend *fe, enum vmsg_profile profile,
		     struct vmsg *req, struct vmsg *resp);
/* A bus request header (type bus, dev_num 0). */
void vmsg_ffa_fe_bus_req(struct vmsg *req, uint8_t msg_id);

/* frontend_area.c */
void vmsg_ffa_fe_area_released(struct vmsg_ffa_frontend *fe, uint16_t id);
void vmsg_ffa_fe_areas_reclaim_all(struct vmsg_ffa_frontend *fe);

#endif /* TZSHARE_VMSG_FFA_FRONTEND_PRIV_H */
