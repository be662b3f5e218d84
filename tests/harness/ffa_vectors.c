// SPDX-License-Identifier: BSD-2-Clause
#include "ffa_vectors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tzshare/lib.h>

#include "test.h"

void fv_open(struct fv_manifest *m)
{
	const char *base = test_testdata_dir();
	char path[4200];
	char err[256];

	memset(m, 0, sizeof(*m));
	if (!base) {
		test_skip("../shared/testdata absent");
	}
	snprintf(m->dir, sizeof(m->dir), "%s/ffa", base);
	snprintf(path, sizeof(path), "%s/manifest.json", m->dir);
	m->root = json_parse_file(path, err, sizeof(err));
	if (!m->root) {
		test_fail(__FILE__, __LINE__, "manifest: %s", err);
	}
	m->vectors = json_get(m->root, "vectors");
	if (!m->vectors || m->vectors->type != JSON_ARRAY ||
	    !m->vectors->count) {
		test_fail(__FILE__, __LINE__, "manifest has no vectors array");
	}
}

void fv_close(struct fv_manifest *m)
{
	json_free(m->root);
	m->root = NULL;
	m->vectors = NULL;
}

const struct json_value *fv_find(const struct fv_manifest *m, const char *name)
{
	size_t i = 0;

	for (i = 0; i < m->vectors->count; i++) {
		const struct json_value *j = json_at(m->vectors, i);
		const char *n = json_str(json_get(j, "name"));

		if (n && strcmp(n, name) == 0) {
			return j;
		}
	}
	return NULL;
}

uint8_t *fv_read(const struct fv_manifest *m, const char *file, size_t *len)
{
	char path[4400];
	uint8_t *data = NULL;
	long size = 0;
	FILE *f = NULL;

	snprintf(path, sizeof(path), "%s/%s", m->dir, file);
	f = fopen(path, "rb");
	if (!f) {
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		/* Exact size: ASan sees any read past the vector. */
		data = malloc(size ? (size_t)size : 1);
		if (data && fread(data, 1, (size_t)size, f) != (size_t)size) {
			free(data);
			data = NULL;
		}
	}
	fclose(f);
	*len = (size_t)size;
	return data;
}

/* The composite of the first EMAD and its constituents. */
static int fv_composite_decode(const uint8_t *buf, size_t len, struct fv_mem *d)
{
	uint64_t off = 0;
	uint32_t i = 0;
	int rc = FFA_OK;

	if (!d->mtd.emad_count) {
		return FFA_INVALID_PARAMETERS;
	}
	d->comp_off = d->emads[0].composite_offset;
	rc = ffa_composite_decode(buf, len, d->comp_off, &d->comp);
	if (rc) {
		return rc;
	}
	if (d->comp.constituent_count > FV_MAX_CONS) {
		return FFA_NO_MEMORY;
	}
	if (ovf_add(d->comp_off, FFA_COMPOSITE_SIZE, &off)) {
		return FFA_INVALID_PARAMETERS;
	}
	for (i = 0; i < d->comp.constituent_count; i++) {
		rc = ffa_constituent_decode(buf, len, off, &d->cons[i]);
		if (rc) {
			return rc;
		}
		off += FFA_CONSTITUENT_SIZE; /* cannot wrap: decoded */
	}
	d->end = off;
	return FFA_OK;
}

int fv_mem_decode(const uint8_t *buf, size_t len, uint32_t version,
		  bool with_composite, struct fv_mem *d)
{
	uint64_t off = 0;
	uint32_t i = 0;
	int rc = FFA_OK;

	memset(d, 0, sizeof(*d));
	rc = ffa_mtd_decode(buf, len, version, &d->mtd);
	if (rc) {
		return rc;
	}
	if (d->mtd.emad_count > FV_MAX_EMADS) {
		return FFA_NO_MEMORY;
	}
	for (i = 0; i < d->mtd.emad_count; i++) {
		rc = ffa_emad_decode(buf, len, &d->mtd, i, &d->emads[i]);
		if (rc) {
			return rc;
		}
	}
	if (ovf_mul(d->mtd.emad_count, d->mtd.emad_size, &off) ||
	    ovf_add(off, d->mtd.emad_offset, &off)) {
		return FFA_INVALID_PARAMETERS;
	}
	/* A hypervisor retrieve request is the header alone. */
	d->end = d->mtd.emad_count ? off :
				     (ffa_version_uses_v1_0_mtd(version) ?
					      FFA_MTD_V1_0_SIZE :
					      FFA_MTD_SIZE);
	d->has_composite = with_composite;
	return with_composite ? fv_composite_decode(buf, len, d) : FFA_OK;
}
