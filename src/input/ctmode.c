/*
 * ctmode: capture = conntrack, the accounting.  See ctmode.h.
 *
 * The connection table (ctconn.h) does the per-connection arithmetic; this
 * module feeds it from events, dumps and GETs, and keeps the resync state.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"
#include "input/ctmode.h"
#include "util/log.h"

#define CT_GET_BUDGET	4096		/* active-timeout GETs per tick */
#define CT_RETRY_MS	250		/* a failed resync is retried after */

struct ctmode {
	struct ctnl *nl;
	struct ctconn *tab;
	uint32_t active_ms;
	uint32_t now;			/* of what is being exported */
	uint32_t gen;			/* resync generation */
	int resync_due;			/* events were lost: dump */
	int sweep_due;			/* dumped: sweep once caught up */
	int caught_up;			/* events read to EAGAIN since the dump */
	uint64_t drops_live;		/* maxflows drops still in the kernel */
	struct ctmode_stats st;
};

static void
on_dumped(void *arg, const struct ctconn_info *ci)
{
	struct ctmode *m = arg;

	if (ctconn_seen(m->tab, ci, m->gen, m->now) == CTCONN_DROP)
		m->drops_live++;
}

/* Dump the whole table (IPv4 and IPv6) under a new generation. */
static int
dump_table(struct ctmode *m)
{
	m->gen++;
	m->drops_live = 0;	/* the dump recounts the live drops */
	/*
	 * Any dump (resync or flush) starts a new generation: a pending sweep
	 * must wait again until the events queued before it are read.
	 */
	m->caught_up = 0;
	m->now = clk_uptime_ms();
	return ctnl_dump(m->nl, on_dumped, m);
}

struct ctmode *
ctmode_new(struct ctnl *nl, struct rec_sink sink, uint32_t maxconns,
    uint32_t active_ms)
{
	struct ctmode *m;

	if ((m = calloc(1, sizeof(*m))) == NULL ||
	    (m->tab = ctconn_new(maxconns, sink)) == NULL) {
		log_warn("conntrack: connection table");
		goto fail;
	}
	m->nl = nl;
	m->active_ms = active_ms;
	if (dump_table(m) < 0) {
		log_warn("conntrack: initial dump of the table");
		goto fail;
	}
	return m;
fail:
	ctmode_free(m);
	return NULL;
}

void
ctmode_free(struct ctmode *m)
{
	int e = errno;

	if (m == NULL)
		return;
	ctconn_free(m->tab);
	free(m);
	errno = e;
}

static void
on_destroy(struct ctmode *m, const struct ctconn_info *ci)
{
	if (!ci->has_counters)
		m->st.no_acct++;
	if (ctconn_destroy(m->tab, ci, m->now))
		return;
	/*
	 * Unknown: either maxflows refused it (then it is a counted drop),
	 * or its NEW event was lost (then this is all we will ever hear of
	 * it, and it carries everything).
	 */
	if (m->drops_live > 0) {
		m->drops_live--;
		m->st.drop_pkts += ci->pkts[0] + ci->pkts[1];
		m->st.drop_bytes += ci->bytes[0] + ci->bytes[1];
		return;
	}
	ctconn_export_whole(m->tab, ci, m->now);
}

void
ctmode_event(struct ctmode *m, enum ctnl_event ev,
    const struct ctconn_info *ci, uint32_t now)
{
	m->now = now;
	if (ev == CTNL_NEW) {
		if (ctconn_seen(m->tab, ci, m->gen, now) == CTCONN_DROP)
			m->drops_live++;
	} else if (ev == CTNL_DESTROY)
		on_destroy(m, ci);
}

void
ctmode_prefetch(void *arg, const struct ctconn_info *ci, unsigned stage)
{
	struct ctmode *m = arg;

	ctconn_prefetch(m->tab, ci, stage);
}

void
ctmode_read_done(struct ctmode *m, int status)
{
	if (status & CTNL_LOST)
		m->resync_due = 1;
	if (status & CTNL_DRAINED)
		m->caught_up = 1;
}

/*
 * Resync: dump, then wait until the event socket has been read empty
 * once, so every DESTROY that the kernel queued before the dump has been
 * handled; only then are the connections the dump did not see gone.
 */
int
ctmode_resync(struct ctmode *m)
{
	if (m->resync_due) {
		m->resync_due = 0;
		if (dump_table(m) < 0) {
			m->resync_due = 1;	/* try again next tick */
			return 0;
		}
		m->st.resyncs++;
		m->sweep_due = 1;
		m->caught_up = 0;
		return 0;
	}
	/* Quiet socket: nothing woke the loop, so the caller reads it empty. */
	return m->sweep_due && !m->caught_up;
}

void
ctmode_sweep(struct ctmode *m, uint32_t now)
{
	if (!m->sweep_due || !m->caught_up || m->resync_due)
		return;
	m->now = now;
	ctconn_sweep(m->tab, m->gen, now);
	m->sweep_due = 0;
}

void
ctmode_active(struct ctmode *m, uint32_t now)
{
	struct ctconn_key k;
	struct ctconn_info ci;
	int i;

	for (i = 0; i < CT_GET_BUDGET &&
	    ctconn_due(m->tab, now, m->active_ms, &k); i++) {
		m->now = now;
		if (ctnl_get(m->nl, &k, &ci) == 0)
			ctconn_export_period(m->tab, &ci, now);
		else {
			/* gone: its DESTROY event carries the counters */
			if (errno != ENOENT)
				m->st.get_errors++;
			ctconn_postpone(m->tab, &k, now);
		}
	}
}

uint32_t
ctmode_next(const struct ctmode *m, uint32_t now)
{
	/* a resync to retry, or a sweep waiting for the socket to be read */
	if (m->resync_due || (m->sweep_due && !m->caught_up))
		return CT_RETRY_MS;
	return ctconn_next_due(m->tab, now, m->active_ms);
}

void
ctmode_flush(struct ctmode *m)
{
	if (dump_table(m) < 0)
		log_warn("conntrack: dump before flush (last known counters "
		    "exported)");
	m->now = clk_uptime_ms();
	ctconn_flush(m->tab, m->now);
}

void
ctmode_reconfig(struct ctmode *m, uint32_t maxconns, uint32_t active_ms)
{
	m->active_ms = active_ms;
	ctconn_set_max(m->tab, maxconns);
}

static void
on_refreshed(void *arg, const struct ctconn_info *ci)
{
	struct ctmode *m = arg;

	ctconn_update(m->tab, ci, m->now);
}

void
ctmode_walk(struct ctmode *m, uint32_t now, struct rec_sink sink)
{
	/*
	 * Only the counters of known connections change: the resync state
	 * (generation, live drops, sweep) is left to the resync's own dump.
	 */
	m->now = now;
	if (ctnl_dump(m->nl, on_refreshed, m) < 0)
		log_debug(1, "conntrack: dump for the listing failed (%s): "
		    "last known counters", strerror(errno));
	ctconn_walk(m->tab, now, sink);
}

/* One connection's counters for the listing; a failure keeps the known. */
static int
walk_get(void *arg, const struct ctconn_key *k, struct ctconn_info *out)
{
	struct ctmode *m = arg;

	if (ctnl_get(m->nl, k, out) == 0)
		return 0;
	if (errno != ENOENT)
		m->st.get_errors++;
	return -1;
}

int
ctmode_walk_from(struct ctmode *m, uint32_t *cursor, uint32_t max,
    uint32_t now, struct rec_sink sink)
{
	return ctconn_walk_from(m->tab, cursor, max, now, walk_get, m, sink);
}

const struct ctmode_stats *
ctmode_stats(const struct ctmode *m)
{
	return &m->st;
}

const struct ctconn_stats *
ctmode_table_stats(const struct ctmode *m)
{
	return ctconn_stats(m->tab);
}

size_t
ctmode_memory(const struct ctmode *m)
{
	return ctconn_memory(m->tab);
}
