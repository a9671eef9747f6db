/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The Spread layer's mailboxes: each open mailbox is one libordo client,
 * and its number is that client's eventfd (ordo_fd), so a program can
 * poll(2) it or hand it to E_attach_fd. Shared by sp_client.c,
 * sp_receive.c and sp_events.c; not installed.
 */
#ifndef ORDO_SPREAD_CLIENT_H
#define ORDO_SPREAD_CLIENT_H

#include "sp.h"

#include "client/libordo/client.h"

/* The client behind an open mailbox, or NULL. */
ordo_client *sp_mailbox_client(mailbox mbox);

/* A session error of libordo as the SP_* code a program expects. */
int sp_session_error(int ordo_err);

#endif /* ORDO_SPREAD_CLIENT_H */
