/* SPDX-License-Identifier: BSD-3-Clause
 *
 * A ring of engines wired by hand (harness.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/harness.h"

#define DIE(...)                                                               \
	do {                                                                   \
		fprintf(stderr, "harness: " __VA_ARGS__);                      \
		fputc('\n', stderr);                                           \
		abort();                                                       \
	} while (0)

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (p == NULL)
		DIE("out of memory (%zu bytes)", n);
	return p;
}

static uint8_t *dup_bytes(const void *p, uint32_t len)
{
	uint8_t *d = xrealloc(NULL, len ? len : 1);

	if (len)
		memcpy(d, p, len);
	return d;
}

/* ---- ops -----------------------------------------------------------------*/
static void on_send(void *ctx, uint32_t dest, const void *pkt, uint32_t len)
{
	struct h_node *nd = ctx;
	struct h_net *net = nd->net;
	struct h_pkt p = {
		.id = net->sent++,
		.from = nd->id,
		.dest = dest,
		.len = len,
		.tokens = net->tokens_delivered,
		.at = net->now,
	};
	uint8_t type = h_pkt_type(pkt, len);

	if (net->on_send != NULL)
		net->on_send(net->send_arg, &p, pkt);
	net->data_sent += type == ORDO_PKT_DATA;
	net->tokens_sent += type == ORDO_PKT_TOKEN;
	if (net->keep_log) {
		if (net->nlog == net->caplog) {
			net->caplog = net->caplog ? 2 * net->caplog : 256;
			net->log = xrealloc(net->log,
					    net->caplog * sizeof(*net->log));
		}
		p.data = dup_bytes(pkt, len);
		net->log[net->nlog++] = p;
	}
	if (net->qtail == net->qcap) {
		if (net->qhead > 0) { /* compact */
			memmove(net->q, net->q + net->qhead,
				(net->qtail - net->qhead) * sizeof(*net->q));
			net->qtail -= net->qhead;
			net->qhead = 0;
		}
		if (net->qtail == net->qcap) {
			net->qcap = net->qcap ? 2 * net->qcap : 256;
			net->q = xrealloc(net->q, net->qcap * sizeof(*net->q));
		}
	}
	p.data = dup_bytes(pkt, len);
	net->q[net->qtail++] = p;
}

static uint64_t min_aru(const struct h_net *net)
{
	struct ordo_engine_status st;
	uint64_t m = UINT64_MAX;
	uint32_t i;

	for (i = 0; i < net->n; i++) {
		ordo_engine_status(net->node[i].e, &st);
		if (st.my_aru < m)
			m = st.my_aru;
	}
	return m;
}

static void on_deliver(void *ctx, const struct ordo_delivery *d)
{
	struct h_node *nd = ctx;
	struct h_delivery *v;

	if (nd->ndv == nd->cap_dv) {
		nd->cap_dv = nd->cap_dv ? 2 * nd->cap_dv : 256;
		nd->dv = xrealloc(nd->dv, nd->cap_dv * sizeof(*nd->dv));
	}
	v = &nd->dv[nd->ndv++];
	*v = (struct h_delivery){
		.seq = d->seq,
		.sender = d->sender,
		.msg_type = d->msg_type,
		.service = d->service,
		.len = d->len,
		.data = nd->net->keep_data ? dup_bytes(d->data, d->len) : NULL,
		.during = nd->rx_type,
		.tokens = nd->net->tokens_delivered,
		.min_aru = min_aru(nd->net),
	};
}

static void on_config_change(void *ctx, const struct ordo_config_change *c)
{
	struct h_node *nd = ctx;

	nd->nconf++;
	nd->last_conf = *c;
}

static const struct ordo_engine_ops h_ops = {
	.send = on_send,
	.deliver = on_deliver,
	.config_change = on_config_change,
};

/* ---- the checking frame allocator (harness.h) ----------------------------*/
#define FRAME_MAGIC 0xf4a3e5u

static void frame_bad(struct h_net *net, const char *what, uint32_t id)
{
	if (net->frame_bad++ == 0)
		snprintf(net->frame_why, sizeof(net->frame_why),
			 "node %u: %s", id, what);
}

static struct h_frame *frame_new(struct h_net *net, uint32_t owner,
				 uint32_t cap)
{
	struct h_frame *f = xrealloc(NULL, sizeof(*f) + cap);

	memset(f->buf, 0x11, cap);
	f->magic = FRAME_MAGIC;
	f->owner = owner;
	f->from_rx = false;
	f->cap = cap;
	f->next = net->frame_list;
	net->frame_list = f;
	net->frame_live++;
	return f;
}

/* Poisoned, never freed before fini: a stale handle stays readable. */
static void frame_put(struct h_net *net, struct h_frame *f)
{
	f->owner = 0;
	memset(f->buf, H_POISON, f->cap);
	net->frame_live--;
}

static struct h_frame *frame_of(struct h_node *nd, uint64_t handle,
				const char *what)
{
	struct h_frame *f = (struct h_frame *)(uintptr_t)handle;

	if (f == NULL || f->magic != FRAME_MAGIC) {
		frame_bad(nd->net, "a handle that is no frame", nd->id);
		return NULL;
	}
	if (f->owner != nd->id) {
		frame_bad(nd->net, what, nd->id);
		return NULL;
	}
	return f;
}

static void *on_frame_alloc(void *ctx, uint32_t len, uint64_t *handle)
{
	struct h_node *nd = ctx;
	struct h_net *net = nd->net;
	struct h_frame *f;

	if (net->frame_fail > 0) {
		net->frame_fail--;
		net->frame_alloc_refused++;
		return NULL;
	}
	f = frame_new(net, nd->id, len);
	net->frame_allocs++;
	*handle = (uint64_t)(uintptr_t)f;
	return f->buf;
}

static void on_frame_send(void *ctx, uint32_t dest, uint64_t handle,
			  const void *pkt, uint32_t len)
{
	struct h_node *nd = ctx;
	struct h_frame *f = frame_of(nd, handle, "sent a frame it released");
	const uint8_t *p = pkt;

	if (f == NULL)
		return;
	if (p < f->buf || len > f->cap || (size_t)(p - f->buf) > f->cap - len) {
		frame_bad(nd->net, "sent bytes outside its frame", nd->id);
		return;
	}
	nd->net->frame_sends++;
	nd->net->frame_sends_rx += f->from_rx;
	on_send(ctx, dest, pkt, len);
}

static void on_frame_release(void *ctx, uint64_t handle)
{
	struct h_node *nd = ctx;
	struct h_frame *f = frame_of(nd, handle,
				     "released a frame it does not hold");

	if (f == NULL)
		return;
	nd->net->frame_releases++;
	frame_put(nd->net, f);
}

static const struct ordo_engine_ops h_frame_ops = {
	.send = on_send,
	.deliver = on_deliver,
	.config_change = on_config_change,
	.frame_alloc = on_frame_alloc,
	.frame_send = on_frame_send,
	.frame_release = on_frame_release,
};

/* ---- lifecycle -----------------------------------------------------------*/
void h_config(struct ordo_engine_config *c, uint32_t n)
{
	uint32_t i;

	ordo_engine_config_defaults(c);
	c->n_members = n;
	for (i = 0; i < n; i++)
		c->members[i] = i + 1;
	c->my_id = 1;
	c->config_hash = H_HASH;
}

static void net_init(struct h_net *net, const struct ordo_engine_config *tmpl,
		     bool frames)
{
	uint32_t i;

	memset(net, 0, sizeof(*net));
	net->n = tmpl->n_members;
	net->keep_data = true;
	net->frames = frames;
	for (i = 0; i < net->n; i++) {
		struct ordo_engine_config c = *tmpl;
		struct h_node *nd = &net->node[i];
		char why[256];

		c.my_id = tmpl->members[i];
		if (c.my_id != i + 1)
			DIE("members must be 1..n in order");
		if (ordo_engine_config_check(&c, why, sizeof(why)) != 0)
			DIE("config refused: %s", why);
		nd->net = net;
		nd->id = c.my_id;
		nd->e = ordo_engine_create(&c, frames ? &h_frame_ops : &h_ops,
					   nd);
		if (nd->e == NULL)
			DIE("ordo_engine_create: %s", strerror(errno));
		nd->cfg = c;
	}
}

void h_net_init(struct h_net *net, const struct ordo_engine_config *tmpl)
{
	/* H_FRAMES=1: every test's engines hold frames (meson.build runs
	 * some suites both ways). */
	const char *f = getenv("H_FRAMES");

	net_init(net, tmpl, f != NULL && f[0] == '1');
}

void h_net_init_frames(struct h_net *net, const struct ordo_engine_config *tmpl)
{
	net_init(net, tmpl, true);
}

uint64_t h_frames_held_by(const struct h_net *net, uint32_t id)
{
	const struct h_frame *f;
	uint64_t n = 0;

	for (f = net->frame_list; f != NULL; f = f->next)
		n += f->owner == id;
	return n;
}

void h_node_restart(struct h_net *net, uint32_t id)
{
	struct h_node *nd = h_node(net, id);

	ordo_engine_destroy(nd->e);
	nd->cfg.incarnation++;
	nd->e = ordo_engine_create(&nd->cfg, net->frames ? &h_frame_ops :
							    &h_ops, nd);
	if (nd->e == NULL)
		DIE("ordo_engine_create: %s", strerror(errno));
	ordo_engine_start(nd->e, net->now);
}

void h_net_fini(struct h_net *net)
{
	size_t k;
	uint32_t i;

	for (i = 0; i < net->n; i++) {
		struct h_node *nd = &net->node[i];

		ordo_engine_destroy(nd->e);
		nd->e = NULL;
		/* Destroyed: it holds no frame any more. */
		if (net->frames && h_frames_held_by(net, nd->id) != 0)
			DIE("node %u: destroyed holding %llu frames", nd->id,
			    (unsigned long long)h_frames_held_by(net, nd->id));
		for (k = 0; k < nd->ndv; k++)
			free(nd->dv[k].data);
		free(nd->dv);
	}
	for (k = net->qhead; k < net->qtail; k++)
		free(net->q[k].data);
	free(net->q);
	for (k = 0; k < net->nlog; k++)
		free(net->log[k].data);
	free(net->log);
	if (net->frame_bad)
		DIE("frame contract broken %llu times; first: %s",
		    (unsigned long long)net->frame_bad, net->frame_why);
	while (net->frame_list != NULL) {
		struct h_frame *f = net->frame_list;

		net->frame_list = f->next;
		free(f);
	}
	memset(net, 0, sizeof(*net));
}

void h_net_start(struct h_net *net)
{
	uint32_t i;

	for (i = 0; i < net->n; i++)
		ordo_engine_start(net->node[i].e, net->now);
}

bool h_formed(struct h_net *net, void *arg)
{
	struct ordo_engine_status st;
	uint32_t i;

	(void)arg;
	for (i = 0; i < net->n; i++) {
		ordo_engine_status(net->node[i].e, &st);
		if (st.state != ORDO_STATE_OPERATIONAL ||
		    st.n_members != net->n)
			return false;
	}
	return true;
}

void h_net_form(struct h_net *net)
{
	h_net_start(net);
	if (!h_run_until(net, h_formed, NULL, 1000000))
		DIE("the ring of %u did not form", net->n);
}

/* ---- moving packets ------------------------------------------------------*/
int h_rx(struct h_net *net, uint32_t id, const void *pkt, uint32_t len)
{
	struct h_node *nd = h_node(net, id);
	int rc;

	nd->rx_type = h_pkt_type(pkt, len);
	if (nd->rx_type == ORDO_PKT_TOKEN) {
		nd->tokens_rx++;
		net->tokens_delivered++;
	}
	if (net->frames && pkt != NULL) {
		/* As a dataplane: the packet in a frame, offered by handle. */
		struct h_frame *f = frame_new(net, id, len ? len : 1);
		bool kept;

		f->from_rx = true;
		memcpy(f->buf, pkt, len);
		rc = ordo_engine_rx_frame(nd->e, f->buf, len, net->now,
					  (uint64_t)(uintptr_t)f, &kept);
		if (kept) {
			net->frame_kept++;
		} else if (f->owner != id) {
			frame_bad(net, "released a frame it did not keep", id);
		} else {
			frame_put(net, f);
		}
	} else {
		rc = ordo_engine_rx(nd->e, pkt, len, net->now);
	}
	nd->rx_type = 0;
	return rc;
}

bool h_take(struct h_net *net, struct h_pkt *p)
{
	if (net->qhead == net->qtail)
		return false;
	*p = net->q[net->qhead++];
	return true;
}

void h_deliver_pkt(struct h_net *net, const struct h_pkt *p)
{
	uint32_t i;

	for (i = 0; i < net->n; i++) {
		uint32_t to = net->node[i].id;

		if (p->dest == ORDO_DEST_RING ? to == p->from : to != p->dest)
			continue;
		if (net->drop != NULL && net->drop(net->drop_arg, p, to)) {
			net->dropped++;
			continue;
		}
		h_rx(net, to, p->data, p->len);
	}
}

bool h_step(struct h_net *net)
{
	uint64_t at = UINT64_MAX, d;
	struct h_pkt p;
	uint32_t i;

	if (h_take(net, &p)) {
		net->now += H_PKT_NS;
		h_deliver_pkt(net, &p);
		free(p.data);
	} else {
		for (i = 0; i < net->n; i++) {
			d = ordo_engine_next_deadline(net->node[i].e);
			at = d < at ? d : at;
		}
		if (at == UINT64_MAX)
			return false;
		/* A deadline already due (a ring of one passes its token to
		 * itself at once) still takes a moment, or time stands still. */
		net->now = at > net->now ? at : net->now + H_PKT_NS;
	}
	for (i = 0; i < net->n; i++)
		if (ordo_engine_next_deadline(net->node[i].e) <= net->now)
			ordo_engine_tick(net->node[i].e, net->now);
	return true;
}

bool h_run_until(struct h_net *net, h_pred done, void *arg,
		 uint64_t max_steps)
{
	uint64_t k;

	for (k = 0; k < max_steps; k++) {
		if (done(net, arg))
			return true;
		if (!h_step(net))
			break;
	}
	return done(net, arg);
}

bool h_all_delivered(struct h_net *net, void *arg)
{
	size_t want = *(const size_t *)arg;
	uint32_t i;

	for (i = 0; i < net->n; i++)
		if (net->node[i].ndv < want)
			return false;
	return true;
}

/* ---- reading packets -----------------------------------------------------*/
static uint64_t get(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

#define HDR  sizeof(struct ordo_wire_hdr)
#define DHDR sizeof(struct ordo_wire_data)

uint8_t h_pkt_type(const void *pkt, uint32_t len)
{
	return pkt != NULL && len >= HDR ? ((const uint8_t *)pkt)[3] : 0;
}

uint32_t h_pkt_sender(const void *pkt, uint32_t len)
{
	return pkt != NULL && len >= HDR ?
			(uint32_t)get((const uint8_t *)pkt + 8, 4) : 0;
}

uint64_t h_data_seq(const void *pkt, uint32_t len)
{
	if (h_pkt_type(pkt, len) != ORDO_PKT_DATA || len < HDR + DHDR)
		return 0;
	return get((const uint8_t *)pkt + HDR, 8);
}

uint16_t h_data_nrec(const void *pkt, uint32_t len)
{
	if (h_pkt_type(pkt, len) != ORDO_PKT_DATA || len < HDR + DHDR)
		return 0;
	return (uint16_t)get((const uint8_t *)pkt + HDR + 12, 2);
}

bool h_data_rec(const void *pkt, uint32_t len, uint16_t i, struct h_rec *r)
{
	const uint8_t *p = pkt;
	uint64_t off = HDR + DHDR;
	uint16_t k;

	if (h_pkt_type(pkt, len) != ORDO_PKT_DATA)
		return false;
	for (k = 0; off + 8 <= len; k++) {
		uint32_t n = (uint32_t)get(p + off, 4);

		if (k == i) {
			if (off + 8 + n > len)
				return false;
			r->len = n;
			r->msg_type = (uint16_t)get(p + off + 4, 2);
			r->service = p[off + 6];
			r->flags = p[off + 7];
			r->data = p + off + 8;
			return true;
		}
		off += 8 + (uint64_t)n;
	}
	return false;
}

bool h_token_read(const void *pkt, uint32_t len, struct h_token *t)
{
	const uint8_t *p = (const uint8_t *)pkt + HDR;
	uint16_t i;

	if (h_pkt_type(pkt, len) != ORDO_PKT_TOKEN ||
	    len < HDR + sizeof(struct ordo_wire_token))
		return false;
	t->token_seq = get(p, 8);
	t->seq = get(p + 8, 8);
	t->aru = get(p + 16, 8);
	t->aru_id = (uint32_t)get(p + 24, 4);
	t->fcc = (uint32_t)get(p + 28, 4);
	t->backlog = (uint32_t)get(p + 32, 4);
	t->dest = (uint32_t)get(p + 36, 4);
	t->rtr_count = (uint16_t)get(p + 40, 2);
	p += sizeof(struct ordo_wire_token);
	for (i = 0; i < t->rtr_count && i < ORDO_WIRE_RTR_MAX; i++) {
		if ((size_t)(p - (const uint8_t *)pkt) + 8 > len)
			return false;
		t->rtr[i] = get(p, 8);
		p += 8;
	}
	return true;
}
