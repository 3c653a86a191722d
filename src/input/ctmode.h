/*
 * ctmode: capture = conntrack (the lightweight mode), the accounting.  No
 * NFLOG: each connection gives two unidirectional flows (ctconn.h) with
 * the per-direction CTA_COUNTERS; First/Last come from CTA_TIMESTAMP (wall
 * clock ns, converted to uptime ms; a NEW event has none, so the event's
 * arrival stands in until a dump or the DESTROY tells).  Exported at
 * DESTROY; a connection tracked for active_timeout is read back with a GET
 * and exported as the delta since its last export, so the records sum to
 * the final counters.  Conntrack cannot tell ToS, TCP flags or the input
 * and output ifindex: those fields are 0.  maxflows bounds the tracked
 * connections: past it a connection is counted as dropped, and its packets
 * and bytes are counted as dropped at its DESTROY.
 *
 * ctmode_new dumps the table; the caller opened the event socket first, so
 * no connection falls between them (the table de-duplicates by original
 * tuple + id).
 *
 * Resync after lost events: a dump refreshes every connection's counters,
 * and once the event socket has been read empty (every DESTROY queued
 * before the dump is handled) the connections the dump did not see are
 * exported from their last known counters and counted as resynced.  A
 * DESTROY of a connection never seen (its NEW was lost) is exported whole
 * from the event.  Nothing is exported twice.  What cannot be recovered:
 * traffic a connection had between its last known counters and a lost
 * DESTROY.  The caller drives it on each tick:
 *	if (ctmode_resync(m))
 *		read the event socket (handing events to ctmode_event);
 *	ctmode_sweep(m, now);
 *	ctmode_active(m, now);
 */
#ifndef NFN_CTMODE_H
#define NFN_CTMODE_H

#include <stddef.h>
#include <stdint.h>

#include "input/ctconn.h"
#include "input/ctnl.h"
#include "flow/record.h"

struct ctmode;

struct ctmode_stats {
	uint64_t resyncs;
	uint64_t get_errors;		/* active-timeout GETs that failed */
	uint64_t drop_pkts, drop_bytes;	/* of connections past maxflows */
	uint64_t no_acct;		/* DESTROY without counters */
};

/*
 * Track connections read through nl (the caller keeps it open) and hand
 * their flows to sink.  NULL (logged, errno set) on failure.
 */
struct ctmode *ctmode_new(struct ctnl *nl, struct rec_sink sink,
    uint32_t maxconns, uint32_t active_ms);
void ctmode_free(struct ctmode *m);

/* A conntrack event (NEW or DESTROY; UPDATE means nothing here). */
void ctmode_event(struct ctmode *m, enum ctnl_event ev,
    const struct ctconn_info *ci, uint32_t now);
/* The prefetch hook of the event socket (ctnl_prefetch_fn; arg: m). */
void ctmode_prefetch(void *m, const struct ctconn_info *ci, unsigned stage);
/* What ctnl_read returned (CTNL_* bits): lost events schedule a resync. */
void ctmode_read_done(struct ctmode *m, int status);

/*
 * Tick, step 1: dump if a resync is due.  Returns 1 when a resync's sweep
 * waits for the event socket to be read empty.
 */
int ctmode_resync(struct ctmode *m);
/* Tick, step 2: the sweep, once the socket was read empty since the dump. */
void ctmode_sweep(struct ctmode *m, uint32_t now);
/* Tick, step 3: active-timeout delta exports (a bounded number per tick). */
void ctmode_active(struct ctmode *m, uint32_t now);

/* ms from now until ctmode has periodic work (UINT32_MAX: none). */
uint32_t ctmode_next(const struct ctmode *m, uint32_t now);
/* Export every connection's delta from fresh counters; they stay tracked. */
void ctmode_flush(struct ctmode *m);

/* Live change. */
void ctmode_reconfig(struct ctmode *m, uint32_t maxconns, uint32_t active_ms);

/*
 * Listing: fresh counters (a dump; on failure the last known ones), then
 * ctconn_walk (ctconn.h).  Only counters change: nothing is exported,
 * inserted or forgotten.
 */
void ctmode_walk(struct ctmode *m, uint32_t now, struct rec_sink sink);
/*
 * A listing in bounded steps (ctconn_walk_from): no dump; each connection
 * listed gets its fresh counters by one GET (as the active timeout does),
 * about max of them per call.
 */
int ctmode_walk_from(struct ctmode *m, uint32_t *cursor, uint32_t max,
    uint32_t now, struct rec_sink sink);

const struct ctmode_stats *ctmode_stats(const struct ctmode *m);
const struct ctconn_stats *ctmode_table_stats(const struct ctmode *m);
/* Bytes the connection table holds (ctconn_memory). */
size_t ctmode_memory(const struct ctmode *m);

#endif
