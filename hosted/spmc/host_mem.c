// SPDX-License-Identifier: BSD-2-Clause
/*
 * "Physical memory" of the hosted platform. Each partition's DRAM is one
 * memfd, placed at its base in one physical address map and mapped
 * read/write in the SPMC, which is how the core reaches RX/TX buffers and
 * clears memory. Borrowers get the memfd itself (SCM_RIGHTS) once their
 * access is checked with spmc_mem_access(); a read-only grant gets an
 * O_RDONLY reopen, so a PROT_WRITE mapping of it fails.
 *
 * The memfds are sealed against shrinking and growing: a partition holding
 * its DRAM fd could otherwise truncate it and make the SPMC fault (SIGBUS)
 * on the next RX/TX access.
 */
#include "spmc_host.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <tzshare/lib.h>

static int region_open(struct host_region *r, const char *name)
{
	char path[64];

	r->fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (r->fd < 0) {
		return -errno;
	}
	if (ftruncate(r->fd, (off_t)r->size) ||
	    fcntl(r->fd, F_ADD_SEALS,
		  F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)) {
		return -errno;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", r->fd);
	r->ro_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->ro_fd < 0) {
		return -errno;
	}
	/* Mode 0: a borrower holding ro_fd cannot reopen it read-write
	 * through /proc/self/fd (open() checks the inode's mode; the fds
	 * already open, and their mappings, are unaffected). This binds
	 * only processes that neither own the inode (they could chmod it
	 * back) nor have CAP_DAC_OVERRIDE / CAP_FOWNER: hosted.md §5. */
	if (fchmod(r->fd, 0)) {
		return -errno;
	}
	r->va = mmap(NULL, r->size, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd,
		     0);
	if (r->va == MAP_FAILED) {
		r->va = NULL;
		return -errno;
	}
	return 0;
}

int host_regions_create(struct host *h)
{
	uint32_t i = 0;
	int rc = 0;

	for (i = 0; i < h->part_count; i++) {
		struct host_part *p = &h->parts[i];
		struct host_region *r = &h->regions[h->region_count];
		char name[32];

		r->fd = -1;
		r->ro_fd = -1;
		r->base = p->cfg->mem_base;
		r->size = p->cfg->mem_size;
		r->owner = p->id;
		r->secure = p->is_sp;
		h->region_count++;
		snprintf(name, sizeof(name), "tzs-%s-%x",
			 p->is_sp ? "sp" : "vm", p->id);
		rc = region_open(r, name);
		if (rc) {
			return rc;
		}
		p->mem = r;
	}
	return 0;
}

void host_regions_destroy(struct host *h)
{
	uint32_t i = 0;

	for (i = 0; i < h->region_count; i++) {
		struct host_region *r = &h->regions[i];

		if (r->va) {
			munmap(r->va, r->size);
		}
		if (r->ro_fd >= 0) {
			close(r->ro_fd);
		}
		if (r->fd >= 0) {
			close(r->fd);
		}
	}
	h->region_count = 0;
}

struct host_region *host_region_find(struct host *h, uint64_t pa, uint64_t len)
{
	uint32_t i = 0;

	for (i = 0; i < h->region_count; i++) {
		struct host_region *r = &h->regions[i];

		if (pa >= r->base && tzs_range_ok(pa - r->base, len, r->size)) {
			return r;
		}
	}
	return NULL;
}

/*
 * spmc_ops.phys_to_virt: the core checked the range lies in one region
 * (spmc.h contract). Two regions adjacent in the physical map are separate
 * mappings here, so a range spanning both has no host pointer: handing out
 * one would let the core run off the end of a mapping. A violation is a
 * core bug and stops the SPMC (CHECK), never degraded into a NULL the core
 * does not expect.
 */
uint8_t *host_phys_to_virt(void *ctx, uint64_t pa, uint64_t len)
{
	struct host_region *r = host_region_find(ctx, pa, len);

	CHECK(r != NULL);
	return r->va + (pa - r->base);
}
