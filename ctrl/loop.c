/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo-ctrld's poll loop: the listening socket, the link, every polled
 * connection; timers (link redial, forwarded-query timeouts, silent
 * connections) checked every turn, at most 100 ms apart. The control
 * plane handles connects and queries, not messages, so a short poll
 * timeout costs nothing that matters and keeps the code free of timer
 * bookkeeping.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "ctrl/ctrld.h"

int ctrld_run(struct ctrld *d, volatile sig_atomic_t *quit)
{
	uint32_t n_pfd = d->n_conns_max + 3;
	struct pollfd *pfd = calloc(n_pfd, sizeof(*pfd));
	uint32_t *who = calloc(n_pfd, sizeof(*who));

	if (!pfd || !who) {
		free(pfd);
		free(who);
		return -ENOMEM;
	}
	while (!*quit) {
		uint64_t now = ctrld_now_ns();
		uint32_t n = 0, i;
		int link_at = -1, rc;
		uint32_t first_conn;

		ctrld_link_tick(d, now);
		ctrld_conns_tick(d, now);
		ctrld_metrics_tick(d, now);

		pfd[n++] = (struct pollfd){ .fd = d->listen_fd, .events = POLLIN };
		/* The HTTP server's epoll descriptor: whatever it holds is
		 * served by ctrld_metrics_tick at the next turn. */
		if (ctrld_metrics_fd(d) >= 0)
			pfd[n++] = (struct pollfd){ .fd = ctrld_metrics_fd(d),
						    .events = POLLIN };
		first_conn = n;
		if (d->link_fd >= 0) {
			link_at = (int)n;
			pfd[n++] = (struct pollfd){ .fd = d->link_fd,
						    .events = POLLIN };
		}
		for (i = 0; i < d->n_conns_max; i++) {
			if (d->conns[i].fd < 0 || !d->conns[i].polled)
				continue;
			who[n] = i;
			pfd[n++] = (struct pollfd){ .fd = d->conns[i].fd,
						    .events = POLLIN };
		}
		rc = poll(pfd, n, 100);
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			ctrld_log(d, CLOG_ERR, "poll: %s", strerror(errno));
			break;
		}
		/* The link first: a dump or a DETACHED that arrived before a
		 * client's datagram is applied before it. */
		if (link_at >= 0 && pfd[link_at].revents)
			ctrld_link_input(d);
		for (i = (uint32_t)(link_at >= 0 ? link_at + 1 : (int)first_conn);
		     i < n; i++) {
			struct ctrld_conn *k = &d->conns[who[i]];

			if (!pfd[i].revents || k->fd != pfd[i].fd || !k->polled)
				continue;
			/* Read what is queued before acting on a hang-up: a
			 * BYE or a QUERY may precede it. */
			if (pfd[i].revents & POLLIN)
				ctrld_conn_input(d, who[i]);
			if (k->fd == pfd[i].fd && k->polled &&
			    (pfd[i].revents & (POLLHUP | POLLERR | POLLNVAL)) &&
			    !(pfd[i].revents & POLLIN))
				ctrld_conn_hangup(d, who[i]);
		}
		if (pfd[0].revents & POLLIN)
			ctrld_accept(d);
	}
	free(pfd);
	free(who);
	return 0;
}
