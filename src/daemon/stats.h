/*
 * stats: the daemon's statistics as text (resembling ipt_NETFLOW's
 * /proc/net/stat/ipt_netflow), as JSON and in the Prometheus text format
 * (metrics.h), and the active-flow listing.
 * Formatting only: the counters live in the modules that own them.
 */
#ifndef NFN_STATS_H
#define NFN_STATS_H

#include <stdio.h>

struct daemon;

void stats_text(const struct daemon *d, FILE *f);
void stats_json(const struct daemon *d, FILE *f);
void stats_prometheus(const struct daemon *d, FILE *f);

/*
 * The active-flow listing, in steps so that a large table never holds the
 * event loop: begin writes the header, each step at most max flow slots
 * (conntrack mode: about max connections) and returns 1 once the listing
 * is complete (the trailer written).  The tables may change between steps:
 * a flow that lives through the whole listing is listed exactly once; one
 * created or ended meanwhile may be listed or not (flow/flow.h,
 * input/ctconn.h).  The format is the same whatever the steps.
 */
#define STATS_FLOWS_STEP	512
struct stats_cursor {
	int json, phase;	/* phase 0 flow table, 1 conntrack, 2 done */
	uint32_t pos, ctpos;
	int n;			/* flows listed so far (JSON commas) */
};
void stats_flows_begin(struct stats_cursor *c, FILE *f, int json);
int stats_flows_step(struct daemon *d, struct stats_cursor *c, FILE *f,
    uint32_t max);
/* The whole listing at once (tests, the fuzz target). */
void stats_flows(struct daemon *d, FILE *f, int json);

#endif
