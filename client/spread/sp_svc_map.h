/* SPDX-License-Identifier: BSD-3-Clause
 *
 * sp_service.h's mapping for code that includes include/ordo/ordo.h.
 *
 * ordo.h and wire.h both define `enum ordo_service` (same values, other
 * names), so no file may include both; sp_service.h speaks wire.h's. These
 * wrappers take and return plain ints with the same values.
 */
#ifndef ORDO_SPREAD_SVC_MAP_H
#define ORDO_SPREAD_SVC_MAP_H

#include <sp.h>

/* A send service_type as libordo's service argument (ORDO_AGREED ... |
 * ORDO_SELF_DISCARD), or ILLEGAL_SERVICE. */
int sp_svc_to_native(service service_type);

/* The service_type SP_receive reports for a delivery of service svc. */
service sp_svc_from_native(int svc);

#endif /* ORDO_SPREAD_SVC_MAP_H */
