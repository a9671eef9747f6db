/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Int wrappers of sp_service.c for files that include ordo.h (see
 * sp_svc_map.h for why they cannot include wire.h).
 */
#include "sp_service.h"
#include "sp_svc_map.h"

/* ordo.h's ORDO_SELF_DISCARD; that header cannot be included here. */
#define NATIVE_SELF_DISCARD 0x100

int sp_svc_to_native(service service_type)
{
	struct sp_send_service ss;
	if (sp_service_to_ordo(service_type, &ss) != 0)
		return ILLEGAL_SERVICE;
	return (int)ss.svc | (ss.self_discard ? NATIVE_SELF_DISCARD : 0);
}

service sp_svc_from_native(int svc)
{
	return sp_service_from_ordo((enum ordo_service)svc, false);
}
