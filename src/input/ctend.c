/*
 * ctend: capture = nflog, connections end their flows.  See ctend.h.
 */
#include <stdlib.h>

#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack_tcp.h>

#include "input/ctend.h"

#define CT_END_GRACE	400		/* ms: see ctend.h */
#define CT_ENDQ_MIN	1024u
#define CT_ENDQ_MAX	(1u << 16)

/* A connection that ended: its two flows, exported at due. */
struct ct_end {
	struct flow_key k[2];
	uint32_t due;
};

struct ctend {
	struct ft *ft;
	struct ct_end *q;		/* ring */
	uint32_t cap, head;
	struct ctend_stats st;		/* st.pending: the ring's length */
};

struct ctend *
ctend_new(struct ft *ft)
{
	struct ctend *e;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	e->ft = ft;
	return e;
}

void
ctend_free(struct ctend *e)
{
	if (e == NULL)
		return;
	free(e->q);
	free(e);
}

static void
export_keys(struct ctend *e, const struct flow_key k[2], uint32_t now)
{
	e->st.flows += ft_export_tuple(e->ft, &k[0], now);
	e->st.flows += ft_export_tuple(e->ft, &k[1], now);
}

static void
pop_export(struct ctend *e, uint32_t now)
{
	export_keys(e, e->q[e->head].k, now);
	e->head = (e->head + 1) % e->cap;
	e->st.pending--;
}

static int
grow(struct ctend *e)
{
	struct ct_end *n;
	uint32_t cap = e->cap ? e->cap * 2 : CT_ENDQ_MIN, i;

	if (cap > CT_ENDQ_MAX || (n = calloc(cap, sizeof(*n))) == NULL)
		return -1;
	for (i = 0; i < e->st.pending; i++)
		n[i] = e->q[(e->head + i) % e->cap];
	free(e->q);
	e->q = n;
	e->cap = cap;
	e->head = 0;
	return 0;
}

static void
ended(struct ctend *e, const struct ctconn_info *ci, uint32_t now)
{
	struct ct_end *x;
	struct flow_key k[2];

	/*
	 * IPv6 flow keys name their addresses by the flow table's ids, which
	 * ft_export_tuple() cannot be given: those flows end by their
	 * timeouts.
	 */
	if (ci->key.v6)
		return;
	e->st.conns++;
	if (e->st.pending == e->cap && grow(e) < 0) {
		if (e->cap == 0) {
			/* No ring at all: export now rather than lose it. */
			ctconn_flow_keys(ci, &k[0], &k[1], NULL);
			export_keys(e, k, now);
			return;
		}
		/* Full and cannot grow: export the oldest early. */
		pop_export(e, now);
	}
	x = &e->q[(e->head + e->st.pending) % e->cap];
	ctconn_flow_keys(ci, &x->k[0], &x->k[1], NULL);
	x->due = now + CT_END_GRACE;
	e->st.pending++;
}

void
ctend_event(struct ctend *e, enum ctnl_event ev, const struct ctconn_info *ci,
    int tcp_state, uint32_t now)
{
	if (ev == CTNL_DESTROY)
		ended(e, ci, now);
	else if (ev == CTNL_UPDATE && (tcp_state == TCP_CONNTRACK_TIME_WAIT ||
	    tcp_state == TCP_CONNTRACK_CLOSE))
		ended(e, ci, now);
}

void
ctend_run(struct ctend *e, uint32_t now, int all)
{
	while (e->st.pending > 0 && (all ||
	    (int32_t)(now - e->q[e->head].due) >= 0))
		pop_export(e, now);
}

uint32_t
ctend_next(const struct ctend *e, uint32_t now)
{
	int32_t left;

	if (e->st.pending == 0)
		return UINT32_MAX;
	left = (int32_t)(e->q[e->head].due - now);
	return left > 0 ? (uint32_t)left : 0;
}

const struct ctend_stats *
ctend_stats(const struct ctend *e)
{
	return &e->st;
}
