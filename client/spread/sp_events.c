/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Spread's E_* event loop over poll(2): descriptors with a type (read,
 * write, except) and a priority, and one-shot timers.
 *
 * Dispatch. Each round runs the timers that are due, then polls every
 * active descriptor at or above the active threshold and calls the ready
 * ones of the highest priority that has any; lower priorities wait for a
 * round where nothing above them is ready (Spread's rule: a busy mailbox
 * at HIGH_PRIORITY is served before stdin at LOW_PRIORITY).
 *
 * Mailboxes. A mailbox is libordo's eventfd, readable only after it was
 * armed (ordo_arm). Before sleeping we arm every mailbox we watch; one
 * that already holds an event is ready without sleeping. A mailbox that
 * wakes is checked with ordo_pending before its handler runs, so a
 * handler calling SP_receive never blocks on a stale doorbell.
 *
 * The loop's state is process-global, as Spread's is; handlers may attach,
 * detach and queue from inside callbacks.
 *
 * Spread 5's additions: E_exit_events_async_safe may be called from a
 * signal handler (it sets the flag and writes an eventfd the loop always
 * polls, both async-signal-safe, so a loop asleep in poll(2) wakes even
 * when the signal went to another thread); E_detach_fd_priority detaches
 * a descriptor only if it is attached at that priority;
 * E_get_time_monotonic is E_get_time on the monotonic clock.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "client/spread/sp_client.h"

struct ev_fd {
	int fd, type, code, priority;
	void (*func)(int fd, int code, void *data);
	void *data;
	bool active;
};

struct ev_timer {
	struct timespec when;  /* CLOCK_MONOTONIC */
	void (*func)(int code, void *data);
	int code;
	void *data;
	struct ev_timer *next;
};

static struct ev_fd *fds;
static int n_fds, cap_fds;
static struct ev_timer *timers;  /* sorted by when */
static int threshold = LOW_PRIORITY;
static volatile sig_atomic_t exit_events;
static int wake_fd = -1;         /* E_exit_events_async_safe's doorbell */

/* Opened before the loop sleeps, so a signal handler always finds it. */
static void wake_open(void)
{
	if (wake_fd < 0)
		wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

int E_init(void)
{
	threshold = LOW_PRIORITY;
	exit_events = 0;
	wake_open();
	return 0;
}

sp_time E_get_time(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	sp_time t = { tv.tv_sec, tv.tv_usec };
	return t;
}

sp_time E_get_time_monotonic(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	sp_time t = { ts.tv_sec, ts.tv_nsec / 1000 };
	return t;
}

static sp_time norm(sp_time t)
{
	while (t.usec >= 1000000) {
		t.usec -= 1000000;
		t.sec++;
	}
	while (t.usec < 0) {
		t.usec += 1000000;
		t.sec--;
	}
	return t;
}

sp_time E_add_time(sp_time t, sp_time delta_t)
{
	sp_time r = { t.sec + delta_t.sec, t.usec + delta_t.usec };
	return norm(r);
}

sp_time E_sub_time(sp_time t, sp_time delta_t)
{
	sp_time r = { t.sec - delta_t.sec, t.usec - delta_t.usec };
	return norm(r);
}

int E_compare_time(sp_time t1, sp_time t2)
{
	if (t1.sec != t2.sec)
		return t1.sec > t2.sec ? 1 : -1;
	if (t1.usec != t2.usec)
		return t1.usec > t2.usec ? 1 : -1;
	return 0;
}

void E_delay(sp_time t)
{
	struct timespec ts = { t.sec, t.usec * 1000 }, rem;
	if (t.sec < 0 || t.usec < 0 || t.usec >= 1000000)
		return;
	while (nanosleep(&ts, &rem) < 0 && errno == EINTR)
		ts = rem;
}

/* ------------------------------------------------------------- timers */

static struct timespec mono_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts;
}

static bool ts_before(struct timespec a, struct timespec b)
{
	return a.tv_sec != b.tv_sec ? a.tv_sec < b.tv_sec : a.tv_nsec < b.tv_nsec;
}

int E_dequeue(void (*func)(int code, void *data), int code, void *data)
{
	for (struct ev_timer **p = &timers; *p; p = &(*p)->next) {
		struct ev_timer *t = *p;
		if (t->func == func && t->code == code && t->data == data) {
			*p = t->next;
			free(t);
			return 0;
		}
	}
	return -1;
}

/* Queuing the same (func, code, data) again moves it: one timer each. */
int E_queue(void (*func)(int code, void *data), int code, void *data,
	    sp_time delta_time)
{
	if (!func)
		return -1;
	E_dequeue(func, code, data);
	struct ev_timer *t = calloc(1, sizeof(*t));
	if (!t)
		return -1;
	sp_time d = norm(delta_time);
	t->when = mono_now();
	t->when.tv_sec += d.sec;
	t->when.tv_nsec += d.usec * 1000;
	if (t->when.tv_nsec >= 1000000000) {
		t->when.tv_nsec -= 1000000000;
		t->when.tv_sec++;
	}
	t->func = func;
	t->code = code;
	t->data = data;
	struct ev_timer **p = &timers;
	while (*p && !ts_before(t->when, (*p)->when))
		p = &(*p)->next;
	t->next = *p;
	*p = t;
	return 0;
}

/* Run every timer due now; ms until the next one, or -1. */
static int run_timers(void)
{
	for (;;) {
		struct ev_timer *t = timers;
		if (!t)
			return -1;
		struct timespec now = mono_now();
		if (ts_before(now, t->when)) {
			int64_t ms = (int64_t)(t->when.tv_sec - now.tv_sec) * 1000 +
				     (t->when.tv_nsec - now.tv_nsec + 999999) / 1000000;
			return ms < 0 ? 0 : ms > 0x7fffffff ? 0x7fffffff : (int)ms;
		}
		timers = t->next;
		void (*func)(int, void *) = t->func;
		int code = t->code;
		void *data = t->data;
		free(t);
		func(code, data);
		if (exit_events)
			return 0;
	}
}

/* -------------------------------------------------------- descriptors */

static struct ev_fd *find_fd(int fd, int type)
{
	for (int i = 0; i < n_fds; i++)
		if (fds[i].fd == fd && fds[i].type == type)
			return &fds[i];
	return NULL;
}

int E_attach_fd(int fd, int fd_type, void (*func)(int fd, int code, void *data),
		int code, void *data, int priority)
{
	if (fd < 0 || fd_type < 0 || fd_type >= NUM_FDTYPES || !func ||
	    priority < 0 || priority >= NUM_PRIORITY)
		return -1;
	struct ev_fd *e = find_fd(fd, fd_type);
	if (!e) {
		if (n_fds == cap_fds) {
			int n = cap_fds ? cap_fds * 2 : 16;
			struct ev_fd *f = realloc(fds, sizeof(*f) * (size_t)n);
			if (!f)
				return -1;
			fds = f;
			cap_fds = n;
		}
		e = &fds[n_fds++];
	}
	*e = (struct ev_fd){ .fd = fd, .type = fd_type, .code = code,
			     .priority = priority, .func = func, .data = data,
			     .active = true };
	return 0;
}

int E_detach_fd(int fd, int fd_type)
{
	struct ev_fd *e = find_fd(fd, fd_type);
	if (!e)
		return -1;
	*e = fds[--n_fds];
	return 0;
}

int E_detach_fd_priority(int fd, int fd_type, int priority)
{
	struct ev_fd *e = find_fd(fd, fd_type);
	if (!e || e->priority != priority)
		return -1;
	*e = fds[--n_fds];
	return 0;
}

int E_activate_fd(int fd, int fd_type)
{
	struct ev_fd *e = find_fd(fd, fd_type);
	if (!e)
		return -1;
	e->active = true;
	return 0;
}

int E_deactivate_fd(int fd, int fd_type)
{
	struct ev_fd *e = find_fd(fd, fd_type);
	if (!e)
		return -1;
	e->active = false;
	return 0;
}

int E_set_active_threshold(int priority)
{
	if (priority < 0 || priority >= NUM_PRIORITY)
		return threshold;
	threshold = priority;
	return threshold;
}

int E_num_active(int priority)
{
	int n = 0;
	if (priority < 0 || priority >= NUM_PRIORITY)
		return -1;
	for (int i = 0; i < n_fds; i++)
		n += fds[i].active && fds[i].priority == priority;
	return n;
}

/* ---------------------------------------------------------------- loop */

static const short poll_events[NUM_FDTYPES] = { POLLIN, POLLOUT, POLLPRI };

struct ready {
	int fd, type;
};

/* One round: poll and dispatch the highest ready priority. */
static void round_once(int timeout_ms)
{
	int n = n_fds;
	struct pollfd *p = calloc((size_t)n + 2, sizeof(*p));
	struct ready *r = calloc((size_t)n + 2, sizeof(*r));
	int *prio = calloc((size_t)n + 2, sizeof(*prio));
	bool *pre = calloc((size_t)n + 2, sizeof(*pre));
	int np = 0;
	bool early = false;

	if (!p || !r || !prio || !pre)
		goto out;
	/* Slot 0: the async exit doorbell (r[0].fd -1: no handler). */
	if (wake_fd >= 0) {
		p[np] = (struct pollfd){ .fd = wake_fd, .events = POLLIN };
		r[np] = (struct ready){ -1, READ_FD };
		prio[np] = -1;
		np++;
	}
	for (int i = 0; i < n; i++) {
		struct ev_fd *e = &fds[i];
		if (!e->active || e->priority < threshold)
			continue;
		p[np] = (struct pollfd){ .fd = e->fd, .events = poll_events[e->type] };
		r[np] = (struct ready){ e->fd, e->type };
		prio[np] = e->priority;
		if (e->type == READ_FD) {
			ordo_client *c = sp_mailbox_client(e->fd);
			if (c && ordo_arm(c) == 1) {
				pre[np] = true;
				early = true;
			}
		}
		np++;
	}
	/* A mailbox with an event already waiting: look, do not sleep. */
	int got = poll(p, (nfds_t)np, early ? 0 : timeout_ms);
	if (got < 0 && !early)
		goto out;
	for (int i = 0; i < np; i++)
		if (pre[i])
			p[i].revents |= POLLIN;
	if (wake_fd >= 0 && p[0].revents) {
		uint64_t v;
		ssize_t rd = read(wake_fd, &v, sizeof(v));
		(void)rd;
	}
	if (exit_events)
		goto out;
	for (int pr = NUM_PRIORITY - 1; pr >= threshold; pr--) {
		int ran = 0;
		for (int i = 0; i < np; i++) {
			if (prio[i] != pr || !p[i].revents)
				continue;
			struct ev_fd *e = find_fd(r[i].fd, r[i].type);
			if (!e || !e->active)
				continue;
			ordo_client *c = e->type == READ_FD ? sp_mailbox_client(e->fd)
							    : NULL;
			if (c) {
				ordo__wake(c);
				if (ordo_pending(c) == 0)
					continue;  /* a stale doorbell */
			}
			ran++;
			e->func(e->fd, e->code, e->data);
			if (exit_events)
				goto out;
		}
		if (ran)
			break;
	}
out:
	free(p);
	free(r);
	free(prio);
	free(pre);
}

void E_handle_events(void)
{
	wake_open();
	while (!exit_events) {
		int t = run_timers();
		if (exit_events)
			break;
		if (n_fds == 0 && t < 0)
			break;  /* nothing can ever happen */
		round_once(t);
	}
	exit_events = 0;
}

void E_exit_events(void)
{
	exit_events = 1;
}

void E_exit_events_async_safe(void)
{
	int saved = errno;
	uint64_t one = 1;

	exit_events = 1;
	if (wake_fd >= 0) {
		ssize_t w = write(wake_fd, &one, sizeof(one));
		(void)w;
	}
	errno = saved;
}
