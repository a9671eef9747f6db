/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Which daemon of the file are we? As Spread: by name when the operator
 * gives one (-n), else the daemon whose address is one of this host's.
 * Unlike Spread we do not insist that a named daemon's address be on a
 * kernel interface: under kernel bypass the dataplane owns the port and
 * the address may be configured nowhere the kernel can see.
 */
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/conf/conf_impl.h"

int ordo_conf_daemon_by_name(const struct ordo_conf *c, const char *name)
{
	uint32_t i;

	if (name == NULL)
		return -ENOENT;
	for (i = 0; i < c->n_daemons && i < ORDO_MAX_MEMBERS; i++)
		if (strncmp(c->daemons[i].name, name, ORDO_CONF_NAME_MAX) == 0)
			return (int)i;
	return -ENOENT;
}

int ordo_conf_daemon_by_id(const struct ordo_conf *c, uint32_t id)
{
	uint32_t i;

	for (i = 0; i < c->n_daemons && i < ORDO_MAX_MEMBERS; i++)
		if (c->daemons[i].id == id)
			return (int)i;
	return -ENOENT;
}

int ordo_conf_find_self(const struct ordo_conf *c, const char *name,
			const uint32_t *addrs, size_t n_addrs)
{
	uint32_t i;
	size_t j;

	if (name != NULL)
		return ordo_conf_daemon_by_name(c, name);
	for (i = 0; i < c->n_daemons && i < ORDO_MAX_MEMBERS; i++)
		for (j = 0; j < n_addrs; j++)
			if (addrs[j] == c->daemons[i].id)
				return (int)i;
	return -ENOENT;
}

int ordo_conf_local_addrs(uint32_t *addrs, size_t max)
{
	struct ifaddrs *ifa, *it;
	size_t n = 0;

	if (getifaddrs(&ifa) < 0)
		return -errno;
	for (it = ifa; it != NULL && n < max; it = it->ifa_next) {
		if (it->ifa_addr == NULL || it->ifa_addr->sa_family != AF_INET)
			continue;
		addrs[n++] = ntohl(((const struct sockaddr_in *)(const void *)
				    it->ifa_addr)->sin_addr.s_addr);
	}
	freeifaddrs(ifa);
	return (int)n;
}
