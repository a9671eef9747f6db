/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Framer setup and the names of the dataplane's drop reasons.
 */
#include "dataplane/frame.h"

void dp_framer_init(struct dp_framer *f, bool udp, uint8_t ring,
		    uint32_t my_ip, uint32_t group_ip, uint16_t udp_port)
{
	const uint8_t group[DP_ETH_ALEN] = DP_GROUP_MAC_INIT(ring);

	memset(f, 0, sizeof(*f));
	f->udp = udp;
	if (!udp) {
		memcpy(f->group_mac, group, DP_ETH_ALEN);
		f->ethertype_be = __builtin_bswap16(ORDO_ETHERTYPE);
		return;
	}
	/* RFC 1112: 01:00:5e and the group's low 23 bits. */
	f->group_mac[0] = 0x01;
	f->group_mac[1] = 0x00;
	f->group_mac[2] = 0x5e;
	f->group_mac[3] = (uint8_t)((group_ip >> 16) & 0x7f);
	f->group_mac[4] = (uint8_t)(group_ip >> 8);
	f->group_mac[5] = (uint8_t)group_ip;
	f->ethertype_be = __builtin_bswap16(DP_ETHERTYPE_IPV4);
	f->my_ip_be = __builtin_bswap32(my_ip);
	f->group_ip_be = __builtin_bswap32(group_ip);
	f->udp_port_be = __builtin_bswap16(udp_port);
}

const char *dp_drop_name(enum dp_drop d)
{
	static const char *const names[DP_DROP_MAX] = {
		[DP_DROP_NONE] = "none",
		[DP_DROP_NOT_ORDO] = "not_ordo",
		[DP_DROP_RUNT] = "runt",
		[DP_DROP_BAD_IP] = "bad_ip",
		[DP_DROP_FROM_SELF] = "from_self",
		[DP_DROP_MULTISEG] = "multiseg",
		[DP_DROP_TX_FULL] = "tx_full",
		[DP_DROP_NO_MBUF] = "no_mbuf",
		[DP_DROP_TOO_BIG] = "too_big",
		[DP_DROP_LINK_DOWN] = "link_down",
		[DP_DROP_NO_PORT] = "no_port",
		[DP_DROP_SEAL_BAD] = "seal_bad_envelope",
		[DP_DROP_SEAL_SENDER] = "seal_unknown_sender",
		[DP_DROP_SEAL_KEY] = "seal_unknown_key",
		[DP_DROP_SEAL_REPLAY] = "seal_replay",
		[DP_DROP_SEAL_AUTH] = "seal_auth_failed",
		[DP_DROP_SEAL_DEV] = "seal_device",
	};

	return (unsigned)d < DP_DROP_MAX ? names[d] : "unknown";
}
