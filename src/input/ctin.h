/*
 * ctin: conntrack input, what the daemon sees of it.  It opens the
 * conntrack sockets (ctnl.h), subscribes to the events the configuration
 * needs and hands each one to the module of the capture mode:
 *
 *   capture = nflog: conntrack events end flows promptly (ctend.h): the
 *   flows of a connection that ended are exported within 1 s instead of
 *   waiting for inactive_timeout.  Events: UPDATE (TCP TIME_WAIT, CLOSE)
 *   and DESTROY.
 *
 *   capture = conntrack (the lightweight mode, ctmode.h): no NFLOG.
 *   ctin_open turns on net.netfilter.nf_conntrack_acct and
 *   nf_conntrack_timestamp in the daemon's network namespace (or fails,
 *   saying so), subscribes to NEW and DESTROY events, then dumps the table
 *   (socket first, so no connection falls between them).  Each connection
 *   gives two flows, exported at DESTROY and every active_timeout as
 *   deltas.  The daemon's own export datagrams are skipped.
 *
 * Overruns (ENOBUFS): counted; the receive buffer doubles up to
 * conntrack_rcvbuf_max; in conntrack mode a resync follows at the next
 * tick (ctmode.h).  In nflog mode nothing needs resyncing: the packets are
 * metered from NFLOG, a lost end event only means the flows wait for their
 * timeouts.
 *
 * conntrack_reliable = 1 sets NETLINK_BROADCAST_ERROR and NETLINK_NO_ENOBUFS
 * (conntrackd's NetlinkEventsReliable): the kernel keeps a destroyed
 * connection on its dying list and redelivers its DESTROY until the socket
 * takes it, so final counters are never lost.  Cost: while the daemon
 * lags, dead connections keep occupying the conntrack table (new
 * connections can be refused when it is full), and overruns are no longer
 * reported (NEW events are still lost silently; their DESTROY carries
 * everything).
 *
 * natevents = 1 (either mode): NEW events too, and for connections with
 * NAT ipt_NETFLOW's pseudo-records at NEW and at DESTROY (ctnat.h).
 */
#ifndef NFN_CTIN_H
#define NFN_CTIN_H

#include <stdint.h>
#include <stdio.h>

#include "conf/conf.h"
#include "flow/flow.h"
#include "flow/own.h"
#include "flow/record.h"

struct ctin;

/*
 * own: the export sockets (export_own()), whose connections are skipped;
 * kept and read at each event.  Returns NULL (logged, errno set) on failure.
 */
struct ctin *ctin_open(const struct conf *c, struct ft *ft,
    struct rec_sink sink, const struct own_tab *own, uint32_t now);
void ctin_close(struct ctin *ct);
int ctin_fd(const struct ctin *ct);
/*
 * Handle what is queued on the event socket: how many datagrams it read
 * if that emptied it, else -1 (more are queued).
 */
int ctin_read(struct ctin *ct, uint32_t now);
/* Periodic work (active-timeout deltas, scheduled resyncs). */
void ctin_tick(struct ctin *ct, uint32_t now);
/* ms from now until ctin_tick() has work (UINT32_MAX: none). */
uint32_t ctin_next(const struct ctin *ct, uint32_t now);
/* Export everything still tracked (flush, shutdown). */
void ctin_flush(struct ctin *ct, uint32_t now);
/* Live change; -1 with a message in err, state unchanged. */
int ctin_reconfig(struct ctin *ct, const struct conf *c, char *err,
    size_t errlen);
/*
 * The flow listing: in conntrack mode, both flows of every tracked
 * connection with fresh counters (ctmode_walk in ctmode.h); in nflog mode
 * nothing (the flows are in the flow table).
 */
void ctin_walk(struct ctin *ct, uint32_t now, struct rec_sink sink);
/*
 * The same in bounded steps, without the dump (the daemon's listing, which
 * must not wait for a whole table): about max connections per call, each
 * with fresh counters from one GET (ctmode_walk_from); 1 when done.
 */
int ctin_walk_from(struct ctin *ct, uint32_t *cursor, uint32_t max,
    uint32_t now, struct rec_sink sink);
/*
 * The counters of each part, for formatters of the statistics: end is set
 * in capture = nflog, mode and table in capture = conntrack, else NULL.
 */
struct ctin_counters {
	const struct ctnl_stats *nl;
	const struct ctend_stats *end;
	const struct ctmode_stats *mode;
	const struct ctconn_stats *table;
	uint64_t nat_events;
};
void ctin_counters(const struct ctin *ct, struct ctin_counters *c);
/* Statistics lines (text) and a JSON object member "conntrack":{...}. */
void ctin_stats_text(const struct ctin *ct, FILE *f);
void ctin_stats_json(const struct ctin *ct, FILE *f);

#endif
