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
void stats_flows(const struct daemon *d, FILE *f, int json);

#endif
