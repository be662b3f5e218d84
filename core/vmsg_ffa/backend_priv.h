/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * FF-A bus backend internals: the message dispatcher (backend.c), areas
 * (backend_area.c) and the device-to-driver event queue (backend_event.c).
 * Everything runs under the caller's serialisation: one message or one
 * device call at a time per backend.
 */
#ifndef TZSHARE_VMSG_FFA_BACKEND_PRIV_H
#define TZSHARE_VMSG_FFA_BACKEND_PRIV_H

#include <tzshare/vmsg_ffa_bus.h>

/* backend_area.c */
void vmsg_ffa_be_area_share(struct vmsg_ffa_backend *be, const struct vmsg *req,
			    struct vmsg *resp);
void vmsg_ffa_be_area_unshare(struct vmsg_ffa_backend *be,
			      const struct vmsg *req, struct vmsg *resp);
void vmsg_ffa_be_areas_release_all(struct vmsg_ffa_backend *be);
uint8_t *vmsg_ffa_be_translate(void *ctx, uint64_t addr, uint64_t len,
			       bool write);
bool vmsg_ffa_be_mem_info(void *ctx, uint64_t addr, uint64_t len,
			  struct vmsg_devt_mem_info *info);
bool vmsg_ffa_be_mem_hold(void *ctx, uint64_t addr, uint64_t len);
void vmsg_ffa_be_mem_release(void *ctx, uint64_t addr, uint64_t len);

/* backend_event.c */
void vmsg_ffa_be_event_push(struct vmsg_ffa_backend *be, const struct vmsg *ev);
void vmsg_ffa_be_emit(void *ctx, const struct vmsg *ev);
size_t vmsg_ffa_be_event_poll(struct vmsg_ffa_backend *be,
			      const struct vmsg_hdr *req, uint8_t *resp,
			      size_t cap);
void vmsg_ffa_be_event_configure(struct vmsg_ffa_backend *be,
				 const struct vmsg *req, struct vmsg *resp);
void vmsg_ffa_be_events_clear(struct vmsg_ffa_backend *be);
void vmsg_ffa_be_events_purge_dev(struct vmsg_ffa_backend *be,
				  uint16_t dev_num);
void vmsg_ffa_be_bus_event(struct vmsg_ffa_backend *be, uint8_t msg_id,
			   uint16_t a, uint16_t b);

#endif /* TZSHARE_VMSG_FFA_BACKEND_PRIV_H */
