// SPDX-License-Identifier: BSD-2-Clause
/* Names of the FF-A error codes (ffa.md §1.2), for logs and test output. */
#include <tzshare/ffa.h>

/**
 * ffa_error_name() - the spec name of @err without the "FFA_" prefix.
 * FFA_OK (0) is not an error but is an enum ffa_error value, so it has a
 * name ("OK") too; anything else outside the table is "UNKNOWN".
 */
const char *ffa_error_name(int err)
{
	switch (err) {
	case FFA_OK:
		return "OK";
	case FFA_NOT_SUPPORTED:
		return "NOT_SUPPORTED";
	case FFA_INVALID_PARAMETERS:
		return "INVALID_PARAMETERS";
	case FFA_NO_MEMORY:
		return "NO_MEMORY";
	case FFA_BUSY:
		return "BUSY";
	case FFA_INTERRUPTED:
		return "INTERRUPTED";
	case FFA_DENIED:
		return "DENIED";
	case FFA_RETRY:
		return "RETRY";
	case FFA_ABORTED:
		return "ABORTED";
	case FFA_NO_DATA:
		return "NO_DATA";
	case FFA_NOT_READY:
		return "NOT_READY";
	default:
		return "UNKNOWN";
	}
}
