/*
 * ctin: conntrack input.  See ctin.h for what it does and the decisions.
 *
 * The sockets and parsing are ctnl's, the nflog-mode correlation ctend's,
 * the conntrack-mode accounting ctmode's, the NAT records ctnat's; this
 * module decides which of them a configuration needs and routes events.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input/ctend.h"
#include "input/ctin.h"
#include "input/ctmode.h"
#include "input/ctnat.h"
#include "input/ctnl.h"
#include "util/log.h"

struct ctin {
	struct rec_sink sink;
	enum capture_mode capture;
	uint32_t natevents;
	uint32_t now;

	struct ctnl *nl;
	struct ctend *end;		/* capture = nflog */
	struct ctmode *mode;		/* capture = conntrack */
	uint64_t nat_events;
};

static uint32_t
wanted_events(const struct ctin *ct)
{
	uint32_t e = CTNL_EVENTS(CTNL_DESTROY);

	if (ct->capture == CAPTURE_CONNTRACK || ct->natevents)
		e |= CTNL_EVENTS(CTNL_NEW);
	if (ct->capture == CAPTURE_NFLOG)
		e |= CTNL_EVENTS(CTNL_UPDATE);
	return e;
}

/*
 * capture = conntrack needs accounting and timestamps; both are per
 * network namespace and apply to connections created after they are on.
 */
static int
sysctl_on(const char *name)
{
	char path[128], v = 0;
	int fd, ok;

	snprintf(path, sizeof(path), "/proc/sys/net/netfilter/%s", name);
	if ((fd = open(path, O_RDWR | O_CLOEXEC)) < 0)
		return -1;
	ok = read(fd, &v, 1) == 1 && v == '1';
	if (!ok && (lseek(fd, 0, SEEK_SET) < 0 || write(fd, "1\n", 2) != 2)) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* The order of NAT records and flow exports is the one of the events. */
static void
on_event(void *arg, enum ctnl_event ev, const struct ctconn_info *ci,
    int tcp_state)
{
	struct ctin *ct = arg;

	if (ev == CTNL_DESTROY && ct->natevents)
		ct->nat_events += ctnat_event(ct->sink, ci, 0, ct->now);
	if (ct->mode != NULL)
		ctmode_event(ct->mode, ev, ci, ct->now);
	else
		ctend_event(ct->end, ev, ci, tcp_state, ct->now);
	if (ev == CTNL_NEW && ct->natevents)
		ct->nat_events += ctnat_event(ct->sink, ci, 1, ct->now);
}

struct ctin *
ctin_open(const struct conf *c, struct ft *ft, struct rec_sink sink,
    const struct own_tab *own, uint32_t now)
{
	struct ctin *ct;

	if ((ct = calloc(1, sizeof(*ct))) == NULL) {
		log_warn("conntrack");
		return NULL;
	}
	ct->sink = sink;
	ct->now = now;
	ct->capture = c->capture;
	ct->natevents = c->natevents;
	/* The event socket first, so no connection falls between it and the dump. */
	if ((ct->nl = ctnl_open((int)c->conntrack_rcvbuf,
	    (int)c->conntrack_rcvbuf_max, c->conntrack_reliable != 0,
	    wanted_events(ct))) == NULL)
		goto fail;
	ctnl_set_own(ct->nl, own);
	if (ct->capture == CAPTURE_CONNTRACK) {
		if (sysctl_on("nf_conntrack_acct") < 0 ||
		    sysctl_on("nf_conntrack_timestamp") < 0) {
			log_warn("capture = conntrack needs "
			    "net.netfilter.nf_conntrack_acct and "
			    "nf_conntrack_timestamp set to 1 in this network "
			    "namespace, and cannot set them");
			goto fail;
		}
		if ((ct->mode = ctmode_new(ct->nl, sink, c->maxflows,
		    c->active_timeout * 1000)) == NULL)
			goto fail;
		ctnl_set_prefetch(ct->nl, ctmode_prefetch, ct->mode);
	} else if ((ct->end = ctend_new(ft)) == NULL) {
		log_warn("conntrack");
		goto fail;
	}
	log_debug(1, "conntrack: events on, %s mode, receive buffer %d",
	    conf_capture_name(ct->capture),
	    ctnl_stats(ct->nl)->rcvbuf);
	return ct;
fail:
	ctin_close(ct);
	return NULL;
}

void
ctin_close(struct ctin *ct)
{
	int e = errno;

	if (ct == NULL)
		return;
	ctmode_free(ct->mode);
	ctend_free(ct->end);
	ctnl_close(ct->nl);
	free(ct);
	errno = e;
}

int
ctin_fd(const struct ctin *ct)
{
	return ctnl_fd(ct->nl);
}

int
ctin_read(struct ctin *ct, uint32_t now)
{
	uint64_t before = ctnl_stats(ct->nl)->datagrams;
	int st;

	ct->now = now;
	st = ctnl_read(ct->nl, on_event, ct);
	if (ct->mode != NULL)
		ctmode_read_done(ct->mode, st);
	if (!(st & CTNL_DRAINED))
		return -1;
	return (int)(ctnl_stats(ct->nl)->datagrams - before);
}

void
ctin_tick(struct ctin *ct, uint32_t now)
{
	ct->now = now;
	if (ct->mode == NULL) {
		ctend_run(ct->end, now, 0);
		return;
	}
	if (ctmode_resync(ct->mode))
		ctin_read(ct, now);
	ctmode_sweep(ct->mode, now);
	ctmode_active(ct->mode, now);
}

uint32_t
ctin_next(const struct ctin *ct, uint32_t now)
{
	return ct->mode ? ctmode_next(ct->mode, now) : ctend_next(ct->end, now);
}

void
ctin_flush(struct ctin *ct, uint32_t now)
{
	ct->now = now;
	if (ct->mode == NULL) {
		ctend_run(ct->end, now, 1);
		return;
	}
	/* Handle what is queued, then take fresh counters for every connection. */
	ctin_read(ct, now);
	ctmode_flush(ct->mode);
}

void
ctin_walk(struct ctin *ct, uint32_t now, struct rec_sink sink)
{
	if (ct->mode != NULL)
		ctmode_walk(ct->mode, now, sink);
}

int
ctin_walk_from(struct ctin *ct, uint32_t *cursor, uint32_t max,
    uint32_t now, struct rec_sink sink)
{
	if (ct->mode == NULL)
		return 1;
	return ctmode_walk_from(ct->mode, cursor, max, now, sink);
}

int
ctin_reconfig(struct ctin *ct, const struct conf *c, char *err,
    size_t errlen)
{
	uint32_t old_nat = ct->natevents;
	int old_rel = ctnl_stats(ct->nl)->reliable;

	ct->natevents = c->natevents;
	if (ctnl_set_events(ct->nl, wanted_events(ct)) < 0) {
		snprintf(err, errlen, "natevents %u: cannot change the conntrack "
		    "event groups: %s (nothing was changed)", c->natevents,
		    strerror(errno));
		ct->natevents = old_nat;
		ctnl_set_events(ct->nl, wanted_events(ct));
		return -1;
	}
	if ((c->conntrack_reliable != 0) != old_rel &&
	    ctnl_set_reliable(ct->nl, c->conntrack_reliable != 0) < 0) {
		snprintf(err, errlen, "ct_reliable %u: %s (nothing was changed)",
		    c->conntrack_reliable, strerror(errno));
		ct->natevents = old_nat;
		ctnl_set_events(ct->nl, wanted_events(ct));
		return -1;
	}
	ctnl_set_rcvbuf_max(ct->nl, (int)c->conntrack_rcvbuf_max);
	if ((int)c->conntrack_rcvbuf > ctnl_stats(ct->nl)->rcvbuf_set)
		ctnl_set_rcvbuf(ct->nl, (int)c->conntrack_rcvbuf);
	if (ct->mode != NULL)
		ctmode_reconfig(ct->mode, c->maxflows, c->active_timeout * 1000);
	return 0;
}

static const char *
mode_name(const struct ctin *ct)
{
	return conf_capture_name(ct->capture);
}

void
ctin_counters(const struct ctin *ct, struct ctin_counters *c)
{
	c->nl = ctnl_stats(ct->nl);
	c->end = ct->end ? ctend_stats(ct->end) : NULL;
	c->mode = ct->mode ? ctmode_stats(ct->mode) : NULL;
	c->table = ct->mode ? ctmode_table_stats(ct->mode) : NULL;
	c->nat_events = ct->nat_events;
}

void
ctin_stats_text(const struct ctin *ct, FILE *f)
{
	const struct ctnl_stats *n = ctnl_stats(ct->nl);
	const struct ctend_stats *e;
	const struct ctmode_stats *m;
	const struct ctconn_stats *s;

	fprintf(f, "Conntrack: %s mode, events new %" PRIu64 ", update %"
	    PRIu64 ", destroy %" PRIu64 ", ignored %" PRIu64 ", errors %"
	    PRIu64 "\n", mode_name(ct), n->ev_new, n->ev_update, n->ev_destroy,
	    n->ev_ignored + n->ev_other, n->parse_errors);
	fprintf(f, "Conntrack events: overruns %" PRIu64 ", resyncs %" PRIu64
	    ", rcvbuf %d (asked %d, max %d), reliable %s\n", n->overruns,
	    ct->mode ? ctmode_stats(ct->mode)->resyncs : 0, n->rcvbuf,
	    n->rcvbuf_set, n->rcvbuf_max, n->reliable ? "on" : "off");
	fprintf(f, "Conntrack NAT events sent: %" PRIu64 ", own export "
	    "connections skipped %" PRIu64 "\n", ct->nat_events, n->ev_own);
	fprintf(f, "Conntrack event reads: %" PRIu64 ", datagrams %" PRIu64
	    "\n", n->reads, n->datagrams);
	if (ct->mode == NULL) {
		e = ctend_stats(ct->end);
		fprintf(f, "Conntrack ends: connections %" PRIu64
		    ", flows exported %" PRIu64 ", pending %u\n",
		    e->conns, e->flows, e->pending);
		return;
	}
	m = ctmode_stats(ct->mode);
	s = ctmode_table_stats(ct->mode);
	fprintf(f, "Conntrack connections: tracked %u, peak %u, new %" PRIu64
	    ", destroyed %" PRIu64 ", active-timeout exports %" PRIu64
	    ", resynced %" PRIu64 ", untracked %" PRIu64 ", records %" PRIu64
	    ", counters re-based %" PRIu64 "\n", s->tracked, s->peak,
	    s->inserted, s->destroyed, s->periodic, s->swept, s->untracked,
	    s->records, s->rebased);
	fprintf(f, "Conntrack table memory: %zu bytes (%zu per connection "
	    "entry)\n", ctmode_memory(ct->mode), ctconn_entry_size());
	fprintf(f, "Conntrack drops: maxflows %" PRIu64 " (pkts %" PRIu64
	    ", bytes %" PRIu64 "), no accounting %" PRIu64 ", get errors %"
	    PRIu64 "\n", s->dropped, m->drop_pkts, m->drop_bytes, m->no_acct,
	    m->get_errors);
}

#define J(name, v) fprintf(f, "\"%s\":%" PRIu64 ",", name, (uint64_t)(v))

void
ctin_stats_json(const struct ctin *ct, FILE *f)
{
	static const struct ctend_stats zero_end;
	static const struct ctmode_stats zero_mode;
	static const struct ctconn_stats zero_tab;
	const struct ctnl_stats *n = ctnl_stats(ct->nl);
	const struct ctend_stats *e = ct->end ? ctend_stats(ct->end) :
	    &zero_end;
	const struct ctmode_stats *m = ct->mode ? ctmode_stats(ct->mode) :
	    &zero_mode;
	const struct ctconn_stats *s = ct->mode ?
	    ctmode_table_stats(ct->mode) : &zero_tab;

	fprintf(f, "\"conntrack\":{\"mode\":\"%s\",", mode_name(ct));
	J("events_new", n->ev_new);
	J("events_update", n->ev_update);
	J("events_destroy", n->ev_destroy);
	J("events_ignored", n->ev_ignored + n->ev_other);
	J("parse_errors", n->parse_errors);
	J("overruns", n->overruns);
	J("resyncs", m->resyncs);
	J("rcvbuf", n->rcvbuf);
	J("rcvbuf_asked", n->rcvbuf_set);
	J("rcvbuf_max", n->rcvbuf_max);
	J("reliable", n->reliable);
	J("nat_events", ct->nat_events);
	J("own_export_skipped", n->ev_own);
	J("event_reads", n->reads);
	J("event_datagrams", n->datagrams);
	J("ended_connections", e->conns);
	J("ended_flows", e->flows);
	J("ended_pending", e->pending);
	J("tracked", s->tracked);
	J("peak", s->peak);
	J("new", s->inserted);
	J("destroyed", s->destroyed);
	J("active_exports", s->periodic);
	J("resynced", s->swept);
	J("untracked", s->untracked);
	J("records", s->records);
	J("rebased", s->rebased);
	J("drop_maxflows", s->dropped);
	J("drop_maxflows_pkts", m->drop_pkts);
	J("drop_maxflows_bytes", m->drop_bytes);
	J("no_accounting", m->no_acct);
	J("memory", ct->mode ? ctmode_memory(ct->mode) : 0);
	fprintf(f, "\"get_errors\":%" PRIu64 "}", m->get_errors);
}
