/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The real-peer FF-A vectors in shared/testdata/ffa/ (Hafnium and Linux
 * encoders; README.md there), as the conformance tests read them: the
 * manifest, each vector's bytes in an exact-size heap buffer (so that the
 * sanitizer build catches any read outside [buf, buf + len)), and memory
 * transaction descriptors decoded with our codec.
 */
#ifndef TZS_FFA_VECTORS_H
#define TZS_FFA_VECTORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tzshare/ffa.h>

#include "json.h"

#define FV_MAX_EMADS 4
#define FV_MAX_CONS 8

struct fv_manifest {
	char dir[4096]; /* .../testdata/ffa */
	struct json_value *root;
	const struct json_value *vectors; /* non-empty array */
};

/*
 * Parse manifest.json into @m. Skips the calling TEST when the testdata
 * directory is absent, fails it when the manifest is unusable.
 */
void fv_open(struct fv_manifest *m);
void fv_close(struct fv_manifest *m);

/* The manifest entry named @name, or NULL. */
const struct json_value *fv_find(const struct fv_manifest *m, const char *name);

/*
 * @file (relative to the vector directory) in a malloc()ed buffer of
 * exactly its size (1 byte for an empty file); NULL when unreadable.
 */
uint8_t *fv_read(const struct fv_manifest *m, const char *file, size_t *len);

/* Everything a memory transaction descriptor decodes to. */
struct fv_mem {
	struct ffa_mtd mtd;
	struct ffa_emad emads[FV_MAX_EMADS];
	bool has_composite;
	uint64_t comp_off;
	struct ffa_composite comp;
	struct ffa_constituent cons[FV_MAX_CONS];
	uint64_t end; /* first byte after the last decoded object */
};

/*
 * Header, EMADs and (when @with_composite) the first EMAD's composite and
 * its constituents, with every offset computed overflow-checked from what
 * was decoded. @d is zeroed first. FFA_OK or the codec's error;
 * FFA_NO_MEMORY when the object exceeds FV_MAX_EMADS / FV_MAX_CONS.
 */
int fv_mem_decode(const uint8_t *buf, size_t len, uint32_t version,
		  bool with_composite, struct fv_mem *d);

#endif
