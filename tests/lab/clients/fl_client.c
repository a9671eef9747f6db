/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The lab's flush-library member (tests/lab/flush.sh), built against
 * include/fl.h like any Spread flush program:
 *
 *   fl_client SOCKET NAME GROUP RATE FLUSH_DELAY_MS
 *
 * joins GROUP and, while its view allows, multicasts RATE messages a
 * second (AGREED), each carrying its name, a sequence number and the view
 * it was sent in (as the program saw it, independently of the library).
 * A flush request is answered after FLUSH_DELAY_MS (a random part of it),
 * and it keeps sending meanwhile, as the flush rules allow. SIGUSR1: leave
 * the group (then exit after the self-leave). SIGTERM: stop sending, wait
 * until its own messages came back, exit. SIGKILL is the lab's "killed".
 *
 * Every event is one line on stdout, flushed at once (a killed member
 * leaves complete lines), for tests/lab/flush_check.py:
 *
 *   start name=N private=P
 *   view gid=G members=A,B prev=G0|- vs=A,B cause=join|leave|...
 *   flushreq view=G
 *   flush view=G
 *   send seq=S view=G
 *   recv from=P seq=S sent=G view=G
 *   selfleave view=G
 *   end sent=S
 * and `error ...` (exit 1) for anything the rules say cannot happen.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fl.h"

static volatile sig_atomic_t want_leave, want_end;

static void on_usr1(int s)
{
	(void)s;
	want_leave = 1;
}

static void on_term(int s)
{
	(void)s;
	want_end = 1;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void gid_text(const char *body, char out[48])
{
	group_id g;

	memcpy(&g, body, sizeof(g));
	snprintf(out, 48, "%d.%d.%d", g.id[0], g.id[1], g.id[2]);
}

static const char *cause_name(service s)
{
	if (Is_caused_join_mess(s))
		return "join";
	if (Is_caused_leave_mess(s))
		return "leave";
	if (Is_caused_disconnect_mess(s))
		return "disconnect";
	return "network";
}

int main(int argc, char **argv)
{
	static char mess[4096], groups[64][MAX_GROUP_NAME];
	char private_group[MAX_GROUP_NAME], sender[MAX_GROUP_NAME];
	char view[48] = "-";
	mailbox mbox;
	int rate, delay, ret;
	enum { JOINING, MEMBER, FLUSH_REQ, FLUSHED, LEAVING } st = JOINING;
	uint64_t seq = 0, back = 0, next_send = 0, flush_at = 0, end_by = 0;

	if (argc != 6) {
		fprintf(stderr, "usage: fl_client SOCKET NAME GROUP RATE FLUSH_DELAY_MS\n");
		return 2;
	}
	const char *group = argv[3];
	rate = atoi(argv[4]);
	delay = atoi(argv[5]);
	srand((unsigned)getpid());
	setenv("ORDO_SOCKET", argv[1], 1);
	signal(SIGUSR1, on_usr1);
	signal(SIGTERM, on_term);
	ret = FL_connect("4803", argv[2], 0, &mbox, private_group);
	if (ret != ACCEPT_SESSION) {
		FL_error(ret);
		return 1;
	}
	printf("start name=%s private=%s\n", argv[2], private_group);
	fflush(stdout);
	if ((ret = FL_join(mbox, group)) < 0) {
		FL_error(ret);
		return 1;
	}
	for (;;) {
		uint64_t t = now_ms();
		service svc = DONT_BLOCK;
		int ng, endian, more;
		int16 mt;

		if (want_leave && (st == MEMBER || st == FLUSH_REQ || st == FLUSHED)) {
			want_leave = 0;
			if ((ret = FL_leave(mbox, group)) < 0) {
				printf("error leave %d\n", ret);
				return 1;
			}
			st = LEAVING;
		}
		if (want_end && !end_by)
			end_by = t + 5000;
		/* Done: every message we sent came back (or we gave up). */
		if (end_by && (back == seq || t > end_by)) {
			printf("end sent=%llu back=%llu\n", (unsigned long long)seq,
			       (unsigned long long)back);
			fflush(stdout);
			FL_disconnect(mbox);
			return back == seq ? 0 : 1;
		}
		if (st == FLUSH_REQ && t >= flush_at) {
			if ((ret = FL_flush(mbox, group)) < 0) {
				printf("error flush %d\n", ret);
				return 1;
			}
			st = FLUSHED;
			printf("flush view=%s\n", view);
			fflush(stdout);
		}
		if ((st == MEMBER || st == FLUSH_REQ) && !end_by && rate > 0 &&
		    t >= next_send) {
			int n = snprintf(mess, sizeof(mess), "%s %llu %s", private_group,
					 (unsigned long long)seq + 1, view);
			ret = FL_multicast(mbox, AGREED_MESS, group, 1, n + 1, mess);
			if (ret < 0) {
				printf("error send %d in state %d\n", ret, (int)st);
				return 1;
			}
			seq++;
			printf("send seq=%llu view=%s\n", (unsigned long long)seq, view);
			fflush(stdout);
			next_send = t + (uint64_t)(1000 / rate);
		}
		ret = FL_receive(mbox, &svc, sender, 64, &ng, groups, &mt, &endian,
				 sizeof(mess), mess, &more);
		if (ret == WOULD_BLOCK) {
			usleep(1000);
			continue;
		}
		if (ret < 0) {
			printf("error receive %d\n", ret);
			return 1;
		}
		if (Is_flush_req_mess(svc)) {
			if (st != MEMBER) {
				printf("error flushreq in state %d\n", (int)st);
				return 1;
			}
			st = FLUSH_REQ;
			flush_at = t + (delay ? (uint64_t)(rand() % (delay + 1)) : 0);
			printf("flushreq view=%s\n", view);
		} else if (Is_self_leave(svc)) {
			printf("selfleave view=%s\n", view);
			fflush(stdout);
			FL_disconnect(mbox);
			return 0;
		} else if (Is_reg_memb_mess(svc)) {
			char gid[48], names[64 * MAX_GROUP_NAME], vs[64 * MAX_GROUP_NAME];
			uint32_t nvs;
			size_t o = 0;

			gid_text(mess + FL_get_gid_offset_memb_mess(), gid);
			names[0] = vs[0] = 0;
			for (int i = 0; i < ng; i++)
				o += (size_t)snprintf(names + o, sizeof(names) - o, "%s%s",
						      i ? "," : "", groups[i]);
			memcpy(&nvs, mess + FL_get_num_vs_offset_memb_mess(), 4);
			o = 0;
			for (uint32_t i = 0; i < nvs && i < 64; i++)
				o += (size_t)snprintf(vs + o, sizeof(vs) - o, "%s%s", i ? "," : "",
						      mess + FL_get_vs_set_offset_memb_mess() +
						      i * MAX_GROUP_NAME);
			printf("view gid=%s members=%s prev=%s vs=%s cause=%s\n", gid, names,
			       view, vs, cause_name(svc));
			snprintf(view, sizeof(view), "%s", gid);
			if (st != LEAVING)
				st = MEMBER;
		} else if (Is_regular_mess(svc)) {
			char from[MAX_GROUP_NAME], sent[48];
			unsigned long long s;

			if (sscanf(mess, "%31s %llu %47s", from, &s, sent) != 3 ||
			    strcmp(from, sender)) {
				printf("error bad message from %s\n", sender);
				return 1;
			}
			if (!strcmp(sender, private_group))
				back++;
			printf("recv from=%s seq=%llu sent=%s view=%s\n", sender, s, sent, view);
		}
		fflush(stdout);
	}
}
