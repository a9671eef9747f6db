/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Service-type mapping (see sp_service.h). One table, strongest first, read
 * in both directions.
 */
#include "client/spread/sp_service.h"
#include "ordo/ordo.h"

_Static_assert((int)ORDO_AGREED == (int)ORDO_SVC_AGREED &&
	       (int)ORDO_SAFE == (int)ORDO_SVC_SAFE &&
	       (int)ORDO_UNRELIABLE == (int)ORDO_SVC_UNRELIABLE,
	       "libordo's services are the wire's");

#include <stddef.h>

static const struct {
	service flag;
	enum ordo_service svc;
} svc_map[] = {
	{ SAFE_MESS,       ORDO_SVC_SAFE },
	{ AGREED_MESS,     ORDO_SVC_AGREED },
	{ CAUSAL_MESS,     ORDO_SVC_CAUSAL },
	{ FIFO_MESS,       ORDO_SVC_FIFO },
	{ RELIABLE_MESS,   ORDO_SVC_RELIABLE },
	{ UNRELIABLE_MESS, ORDO_SVC_UNRELIABLE },
};

#define SVC_MAP_N (sizeof(svc_map) / sizeof(svc_map[0]))

int sp_service_to_ordo(service service_type, struct sp_send_service *out)
{
	if (!Is_regular_mess(service_type))
		return ILLEGAL_SERVICE;
	for (size_t i = 0; i < SVC_MAP_N; i++) {
		if (service_type & svc_map[i].flag) {
			out->svc = svc_map[i].svc;
			out->self_discard = Is_self_discard(service_type) != 0;
			return 0;
		}
	}
	return ILLEGAL_SERVICE; /* unreachable: Is_regular_mess saw a bit */
}

service sp_service_from_ordo(enum ordo_service svc, bool self_discard)
{
	for (size_t i = 0; i < SVC_MAP_N; i++)
		if (svc_map[i].svc == svc)
			return svc_map[i].flag | (self_discard ? SELF_DISCARD : 0);
	return 0;
}

int sp_service_to_native(service service_type)
{
	struct sp_send_service ss;

	if (sp_service_to_ordo(service_type, &ss) != 0)
		return ILLEGAL_SERVICE;
	return (int)ss.svc | (ss.self_discard ? ORDO_SELF_DISCARD : 0);
}

service sp_service_from_native(int svc)
{
	return sp_service_from_ordo((enum ordo_service)svc, false);
}
