/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Compile-only: a throughput client shaped like Spread's sample flooder
 * (spflooder), written for this test, plus the calls the two samples do
 * not use but ported programs commonly do (scatter I/O, multigroup scatter,
 * self-leave detection, group id comparison, timers). Never linked or run.
 */
#include "sp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FLOOD_MAX_MESS 100000

static char    User[80];
static char    Spread_name[80];
static char    Private_group[MAX_GROUP_NAME];
static mailbox Mbox;

static void timer_fired(int code, void *data)
{
	(void)code;
	(void)data;
	E_exit_events();
}

int spread_classic_flooder_main(int argc, char *argv[]);

int spread_classic_flooder_main(int argc, char *argv[])
{
	static char mess[FLOOD_MAX_MESS];
	char        sender[MAX_GROUP_NAME];
	char        ret_groups[10][MAX_GROUP_NAME];
	char        dest[2][MAX_GROUP_NAME] = { "flooder", "other" };
	int         num_groups, endian_mismatch, service_type;
	int16       mess_type;
	int32       seq;
	int         num_messages = 10000, num_bytes = 1000, read_only = 0;
	int         ret, i;
	sp_time     start, end, total, delay = { 0, 10000 };
	scatter     out_scat, in_scat;
	group_id    last_gid = { { 0, 0, 0 } };
	membership_info info;

	(void)argv;
	if (argc > 2)
		read_only = 1;
	sprintf(User, "flooder");
	sprintf(Spread_name, "%d", DEFAULT_SPREAD_PORT);

	ret = SP_connect(Spread_name, User, 0, 1, &Mbox, Private_group);
	if (ret != ACCEPT_SESSION) {
		SP_error(ret);
		exit(1);
	}
	ret = SP_join(Mbox, "flooder");
	if (ret < 0)
		SP_error(ret);

	start = E_get_time();
	for (i = 1; i <= num_messages; i++) {
		if (!read_only) {
			seq = Flip_int32(i);
			memcpy(mess, &seq, sizeof(seq));
			ret = SP_multicast(Mbox, RELIABLE_MESS | SELF_DISCARD, "flooder", 0,
					   num_bytes, mess);
			if (ret != num_bytes) {
				if (ret < 0) {
					SP_error(ret);
					exit(1);
				}
				printf("sent a different message %d -> %d\n", num_bytes, ret);
			}
		}
		if (SP_poll(Mbox) > 0 || read_only) {
			service_type = 0;
			ret = SP_receive(Mbox, &service_type, sender, 10, &num_groups, ret_groups,
					 &mess_type, &endian_mismatch, sizeof(mess), mess);
			if (ret < 0) {
				SP_error(ret);
				exit(1);
			}
			if (Is_regular_mess(service_type) && endian_mismatch)
				memcpy(&seq, mess, sizeof(seq));
			if (Is_membership_mess(service_type) &&
			    SP_get_memb_info(mess, service_type, &info) == 1 &&
			    !SP_equal_group_ids(info.gid, last_gid))
				last_gid = info.gid;
			if (Is_self_leave(service_type))
				break;
		}
	}

	/* Scatter send and receive. */
	out_scat.num_elements = 2;
	out_scat.elements[0].buf = mess;
	out_scat.elements[0].len = 8;
	out_scat.elements[1].buf = mess + 8;
	out_scat.elements[1].len = (size_t)num_bytes - 8;
	ret = SP_scat_multicast(Mbox, AGREED_MESS, "flooder", 3, &out_scat);
	if (ret < 0)
		SP_error(ret);
	ret = SP_multigroup_scat_multicast(Mbox, SAFE_MESS, 2,
					   (const char (*)[MAX_GROUP_NAME])dest, 4, &out_scat);
	if (ret == MESSAGE_TOO_LONG || ret == ILLEGAL_SERVICE || ret == ILLEGAL_GROUP)
		SP_error(ret);
	in_scat.num_elements = 1;
	in_scat.elements[0].buf = mess;
	in_scat.elements[0].len = sizeof(mess);
	service_type = DROP_RECV;
	ret = SP_scat_receive(Mbox, &service_type, sender, 10, &num_groups, ret_groups,
			      &mess_type, &endian_mismatch, &in_scat);
	if (ret >= 0 && Is_membership_mess(service_type))
		SP_scat_get_memb_info(&in_scat, service_type, &info);
	if (ret == CONNECTION_CLOSED || ret == NET_ERROR_ON_SESSION || ret == ILLEGAL_SESSION)
		SP_kill(Mbox);

	E_queue(timer_fired, 0, NULL, delay);
	E_dequeue(timer_fired, 0, NULL);
	E_delay(delay);
	end = E_get_time();
	total = E_sub_time(end, start);
	if (E_compare_time(total, E_add_time(start, delay)) > 0)
		printf("flooder: %d messages of %d bytes in %ld.%06ld s\n", num_messages,
		       num_bytes, total.sec, total.usec);

	ret = SP_leave(Mbox, "flooder");
	if (ret < 0)
		SP_error(ret);
	SP_disconnect(Mbox);
	return 0;
}
