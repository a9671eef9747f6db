/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Text of the SP_* return codes: what SP_error prints, in our words.
 */
#ifndef ORDO_SPREAD_ERROR_H
#define ORDO_SPREAD_ERROR_H

/* A one-line description of a return code (never NULL; unknown codes get
 * a generic text). */
const char *sp_error_text(int error);

/* The symbolic name ("BUFFER_TOO_SHORT"), or NULL for an unknown code. */
const char *sp_error_name(int error);

#endif /* ORDO_SPREAD_ERROR_H */
