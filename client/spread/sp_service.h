/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Spread service types <-> ordo delivery services.
 *
 * Spread's send path checks only Is_regular_mess(): at least one guarantee
 * bit and no REJECT_MESS; the daemon then honours the strongest bit given.
 * We do the same, so a program passing AGREED_MESS | FIFO_MESS gets AGREED.
 * SELF_DISCARD rides alongside; every other bit is ignored on send, as in
 * Spread.
 */
#ifndef ORDO_SPREAD_SERVICE_H
#define ORDO_SPREAD_SERVICE_H

#include <stdbool.h>

#include "sp.h"
#include "ordo/wire.h"

struct sp_send_service {
	enum ordo_service svc; /* ORDO_SVC_UNRELIABLE .. ORDO_SVC_SAFE */
	bool self_discard;
};

/* Map a service_type given to SP_*multicast. 0, or ILLEGAL_SERVICE when it
 * names no guarantee or carries REJECT_MESS. */
int sp_service_to_ordo(service service_type, struct sp_send_service *out);

/* The service_type SP_receive reports for a regular message delivered with
 * ordo service svc: exactly one guarantee bit, SELF_DISCARD if the sender
 * asked for it. 0 (not a regular service: never handed to clients) for
 * ORDO_SVC_INTERNAL or anything unknown. */
service sp_service_from_ordo(enum ordo_service svc, bool self_discard);

/* The same mapping in libordo's terms (include/ordo/ordo.h): a send
 * service_type as libordo's service argument (ORDO_AGREED ... |
 * ORDO_SELF_DISCARD), or ILLEGAL_SERVICE; and the service_type SP_receive
 * reports for a delivery that libordo gives as service svc. */
int sp_service_to_native(service service_type);
service sp_service_from_native(int svc);

#endif /* ORDO_SPREAD_SERVICE_H */
