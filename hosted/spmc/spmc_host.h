/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tzshare-spmc internals: the host around the portable SPMC core.
 *
 *   host.c      setup, SP launch, the epoll event loop, teardown
 *   host_msg.c  conduit messages: calls, platform requests, attach, death
 *   host_mem.c  "physical memory": one memfd per region, phys_to_virt
 *
 * Everything runs on one thread (the core is not thread safe); nothing here
 * blocks except epoll_wait: every send and receive on a conduit socket
 * passes MSG_DONTWAIT (O_NONBLOCK is on a file description the partition
 * may share), and a partition whose socket would block on a reply is
 * treated as dead.
 */
#ifndef SPMC_HOST_H
#define SPMC_HOST_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <tzshare/platform.h>
#include <tzshare/spmc.h>

enum host_conn_kind {
	HOST_CONN_CTL = 1,
	HOST_CONN_VCPU,
	HOST_CONN_SIGNAL,
};

struct host_part;

/* One socket in the epoll set. Embedded in its partition: never freed
 * while the loop runs, so a stale event finds fd == -1. */
struct host_conn {
	enum host_conn_kind kind;
	int fd;
	struct host_part *part;
	uint16_t vcpu;
	/* A CALL was received and no RESULT sent yet. */
	bool pending;
};

/* A memfd-backed region of "physical" memory. */
struct host_region {
	uint64_t base;
	uint64_t size;
	uint16_t owner;
	bool secure;
	int fd; /* O_RDWR, sealed against shrink/grow */
	int ro_fd; /* O_RDONLY reopen, for read-only grants */
	uint8_t *va;
};

struct host_part {
	const struct tzs_plat_part *cfg;
	uint16_t id;
	bool is_sp;
	bool alive; /* has (or may get) a process; false once dead */
	bool doomed; /* a reply could not be sent: kill after delivery */
	bool created; /* VM: spmc_vm_lifecycle(created) was reported */
	pid_t pid; /* SP child; 0 once reaped */
	struct host_region *mem;
	struct host_conn ctl;
	struct host_conn vcpu[SPMC_MAX_VCPUS];
};

struct host {
	struct tzs_plat plat;
	struct spmc *spmc;
	int epfd;
	struct host_conn sig;
	bool verbose;
	bool sps_booted;
	bool quit;
	char bin_dir[PATH_MAX];
	uint32_t region_count;
	struct host_region regions[TZS_PLAT_MAX_PARTS];
	uint32_t part_count;
	struct host_part parts[TZS_PLAT_MAX_PARTS];
	struct spmc_output out; /* scratch for one spmc_call() */
};

void host_log(const struct host *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* host_mem.c */
int host_regions_create(struct host *h);
void host_regions_destroy(struct host *h);
uint8_t *host_phys_to_virt(void *ctx, uint64_t pa, uint64_t len);
struct host_region *host_region_find(struct host *h, uint64_t pa, uint64_t len);

/* host_msg.c */
void host_conn_event(struct host *h, struct host_conn *c);
void host_deliver(struct host *h, const struct spmc_output *out);
void host_part_dead(struct host *h, struct host_part *p, const char *why);
void host_reap_doomed(struct host *h);
struct host_part *host_part_find(struct host *h, uint16_t id);
int host_watch(struct host *h, struct host_conn *c);

/* host.c */
struct host_vm_fd {
	uint16_t id;
	int fd; /* control socket, owned by the host from host_init() on */
};

int host_init(struct host *h, const struct tzs_plat *plat,
	      const struct host_vm_fd *vms, unsigned int vm_count,
	      const char *bin_dir, bool verbose);
/* Launch the SPs and serve until every VM is gone. 0 or negative errno. */
int host_run(struct host *h);
/* Tear down; -ECHILD when an SP exited with an error status on the way. */
int host_fini(struct host *h);
void host_check_quit(struct host *h);

#endif /* SPMC_HOST_H */
