/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Compile-only: an interactive client shaped like Spread's sample "user"
 * program (spuser), written for this test. It uses every call, constant,
 * macro and type that program uses, the way it uses them, so a build
 * failure here means such programs no longer compile against our sp.h.
 * Never linked or run (tests/spread/meson.build).
 */
#include "sp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MESSLEN 102400
#define MAX_VSSETS  10
#define MAX_MEMBERS 100

static char    User[80];
static char    Spread_name[80];
static char    Private_group[MAX_GROUP_NAME];
static mailbox Mbox;
static int     Num_sent;
static unsigned int Previous_len;
static int     To_exit;

static int user_auth(int fd, void *data)
{
	(void)fd;
	(void)data;
	return 1;
}

static void Bye(void)
{
	To_exit = 1;
	printf("\nBye.\n");
	SP_disconnect(Mbox);
	exit(0);
}

static void Read_message(int fd, int code, void *data)
{
	static char     mess[MAX_MESSLEN];
	char            sender[MAX_GROUP_NAME];
	char            target_groups[MAX_MEMBERS][MAX_GROUP_NAME];
	membership_info memb_info;
	vs_set_info     vssets[MAX_VSSETS];
	unsigned int    my_vsset_index;
	int             num_vs_sets;
	char            members[MAX_MEMBERS][MAX_GROUP_NAME];
	int             num_groups;
	int             service_type;
	int16           mess_type;
	int             endian_mismatch;
	int             i, j;
	int             ret;

	(void)fd;
	(void)code;
	(void)data;
	service_type = 0;
	ret = SP_receive(Mbox, &service_type, sender, 100, &num_groups, target_groups,
			 &mess_type, &endian_mismatch, sizeof(mess), mess);
	if (ret < 0) {
		if (ret == GROUPS_TOO_SHORT || ret == BUFFER_TOO_SHORT) {
			service_type = DROP_RECV;
			printf("buffers or groups too short: need %d bytes, %d groups\n",
			       -endian_mismatch, -num_groups);
			ret = SP_receive(Mbox, &service_type, sender, MAX_MEMBERS, &num_groups,
					 target_groups, &mess_type, &endian_mismatch,
					 sizeof(mess), mess);
		}
	}
	if (ret < 0) {
		if (!To_exit) {
			SP_error(ret);
			printf("\nBye.\n");
		}
		exit(0);
	}
	if (Is_regular_mess(service_type)) {
		mess[ret] = 0;
		if (Is_unreliable_mess(service_type))     printf("received UNRELIABLE ");
		else if (Is_reliable_mess(service_type))  printf("received RELIABLE ");
		else if (Is_fifo_mess(service_type))      printf("received FIFO ");
		else if (Is_causal_mess(service_type))    printf("received CAUSAL ");
		else if (Is_agreed_mess(service_type))    printf("received AGREED ");
		else if (Is_safe_mess(service_type))      printf("received SAFE ");
		printf("message from %s, of type %d, (endian %d) to %d groups\n(%d bytes): %s\n",
		       sender, mess_type, endian_mismatch, num_groups, ret, mess);
	} else if (Is_membership_mess(service_type)) {
		ret = SP_get_memb_info(mess, service_type, &memb_info);
		if (ret < 0) {
			SP_error(ret);
			exit(1);
		}
		if (Is_reg_memb_mess(service_type)) {
			printf("REGULAR membership for %s with %d members, I am %d\n",
			       sender, num_groups, mess_type);
			for (i = 0; i < num_groups; i++)
				printf("\t%s\n", &target_groups[i][0]);
			printf("grp id is %d %d %d\n", memb_info.gid.id[0], memb_info.gid.id[1],
			       memb_info.gid.id[2]);
			if (Is_caused_join_mess(service_type)) {
				printf("JOIN of %s\n", memb_info.changed_member);
			} else if (Is_caused_leave_mess(service_type)) {
				printf("LEAVE of %s\n", memb_info.changed_member);
			} else if (Is_caused_disconnect_mess(service_type)) {
				printf("DISCONNECT of %s\n", memb_info.changed_member);
			} else if (Is_caused_network_mess(service_type)) {
				printf("NETWORK change with %u VS sets\n", memb_info.num_vs_sets);
				num_vs_sets = SP_get_vs_sets_info(mess, &vssets[0], MAX_VSSETS,
								  &my_vsset_index);
				if (num_vs_sets < 0) {
					SP_error(num_vs_sets);
					exit(1);
				}
				for (i = 0; i < num_vs_sets; i++) {
					printf("%s VS set %d has %u members:\n",
					       (i == (int)my_vsset_index) ? "LOCAL" : "OTHER", i,
					       vssets[i].num_members);
					ret = SP_get_vs_set_members(mess, &vssets[i], members, MAX_MEMBERS);
					if (ret < 0) {
						SP_error(ret);
						exit(1);
					}
					for (j = 0; j < (int)vssets[i].num_members; j++)
						printf("\t%s\n", members[j]);
				}
			}
		} else if (Is_transition_mess(service_type)) {
			printf("TRANSITIONAL membership for group %s\n", sender);
		} else if (Is_caused_leave_mess(service_type)) {
			printf("left group %s\n", sender);
		} else {
			printf("bad membership message of type 0x%x\n", service_type);
		}
	} else if (Is_reject_mess(service_type)) {
		printf("REJECTED message from %s, servicetype 0x%x messtype %d (endian %d)\n",
		       sender, service_type, mess_type, endian_mismatch);
	} else {
		printf("unknown message type 0x%x with ret %d\n", service_type, ret);
	}
	printf("User> ");
	fflush(stdout);
}

static void User_command(int fd, int code, void *data)
{
	char command[130];
	char mess[MAX_MESSLEN];
	char group[80];
	char groups[10][MAX_GROUP_NAME];
	int  num_groups;
	unsigned int mess_len;
	int  ret;
	int  i;

	(void)fd;
	(void)code;
	(void)data;
	memset(command, 0, sizeof(command));
	if (fgets(command, 130, stdin) == NULL)
		Bye();
	switch (command[0]) {
	case 'j':
		if (sscanf(&command[2], "%79s", group) == 1 && (ret = SP_join(Mbox, group)) < 0)
			SP_error(ret);
		break;
	case 'l':
		if (sscanf(&command[2], "%79s", group) == 1 && (ret = SP_leave(Mbox, group)) < 0)
			SP_error(ret);
		break;
	case 's':
		num_groups = sscanf(&command[2], "%31s%31s%31s%31s%31s%31s%31s%31s%31s%31s",
				    groups[0], groups[1], groups[2], groups[3], groups[4],
				    groups[5], groups[6], groups[7], groups[8], groups[9]);
		if (num_groups < 1 || fgets(mess, 200, stdin) == NULL)
			break;
		mess_len = strlen(mess);
		ret = SP_multigroup_multicast(Mbox, SAFE_MESS, num_groups,
					      (const char (*)[MAX_GROUP_NAME])groups, 1,
					      mess_len, mess);
		if (ret < 0) {
			SP_error(ret);
			Bye();
		}
		Num_sent++;
		break;
	case 'b':
		if (sscanf(&command[2], "%79s", group) != 1)
			strcpy(group, "dummy_group_name");
		if (fgets(mess, 200, stdin) == NULL || sscanf(mess, "%u", &mess_len) != 1)
			mess_len = Previous_len;
		if (mess_len > MAX_MESSLEN)
			mess_len = MAX_MESSLEN;
		Previous_len = mess_len;
		for (i = 0; i < 10; i++) {
			Num_sent++;
			sprintf(mess, "mess num %d ", Num_sent);
			ret = SP_multicast(Mbox, FIFO_MESS, group, 2, mess_len, mess);
			if (ret < 0) {
				SP_error(ret);
				Bye();
			}
		}
		break;
	case 'r':
		Read_message(Mbox, 0, NULL);
		break;
	case 'p':
		ret = SP_poll(Mbox);
		printf("Polling says: %d\n", ret);
		break;
	case 'e':
		E_attach_fd(Mbox, READ_FD, Read_message, 0, NULL, HIGH_PRIORITY);
		break;
	case 'd':
		E_detach_fd(Mbox, READ_FD);
		break;
	case 'q':
		Bye();
		break;
	default:
		printf("\nUnknown command\n");
		break;
	}
	printf("\nUser> ");
	fflush(stdout);
}

int spread_classic_user_main(int argc, char *argv[]);

int spread_classic_user_main(int argc, char *argv[])
{
	int     ret;
	int     mver, miver, pver;
	sp_time test_timeout;

	test_timeout.sec = 5;
	test_timeout.usec = 0;
	sprintf(User, "user");
	sprintf(Spread_name, "%d@localhost", DEFAULT_SPREAD_PORT);
	if (argc > 1)
		snprintf(User, MAX_PRIVATE_NAME + 1, "%s", argv[1]);
#ifdef SPREAD_VERSION
	if (!SP_version(&mver, &miver, &pver)) {
		printf("main: Illegal variables passed to SP_version()\n");
		Bye();
	}
	printf("Spread library version is %d.%d.%d\n", mver, miver, pver);
#endif
	SP_set_auth_method("NULL", user_auth, NULL);
	ret = SP_connect_timeout(Spread_name, User, 0, 1, &Mbox, Private_group, test_timeout);
	if (ret != ACCEPT_SESSION) {
		SP_error(ret);
		Bye();
	}
	printf("User: connected to %s with private group %s\n", Spread_name, Private_group);
	E_init();
	E_attach_fd(0, READ_FD, User_command, 0, NULL, LOW_PRIORITY);
	E_attach_fd(Mbox, READ_FD, Read_message, 0, NULL, HIGH_PRIORITY);
	Num_sent = 0;
	E_handle_events();
	return 0;
}
