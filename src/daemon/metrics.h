/*
 * metrics: the daemon's statistics in the Prometheus text exposition
 * format (version 0.0.4), so node_exporter's textfile collector or any
 * scraper reads them without glue code.
 *
 * Pure formatting: the caller (stats.c) gathers pointers to the counters
 * of each module into a metrics_view; metrics_write prints one family per
 * statistic of "stats", with HELP and TYPE lines.  Names follow
 * Prometheus practice: the nft_netflow_ prefix, base units (seconds,
 * bytes), "_total" on counters, and labels rather than names for
 * destination, drop cause, expiry reason and capture mode.
 */
#ifndef NFN_METRICS_H
#define NFN_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct ft_stats;
struct daemon_pstats;
struct daemon_rates;
struct nlg_stats;
struct export_stats;
struct ctin_counters;

struct metrics_view {
	const char *version;
	const char *capture;		/* "nflog" or "conntrack" */
	unsigned protocol, nflog_group;
	uint32_t uptime_ms;
	uint32_t active_timeout, inactive_timeout;	/* seconds */
	uint32_t maxflows;		/* 0 = unlimited */
	uint32_t hashsize, peak_age_ms;
	size_t memory;			/* bytes held by the flow table */
	const struct ft_stats *flow;
	const struct daemon_pstats *pkt;
	const struct daemon_rates *rates;
	const struct nlg_stats *nlg;
	const struct export_stats *exp;
	const struct ctin_counters *ct;	/* NULL: conntrack not in use */
	uint64_t reloads, reload_errors;
};

/* Every family, nft_netflow_up 1 first. */
void metrics_write(const struct metrics_view *v, FILE *f);


/*
 * A label value escaped as the format wants (\\, \" and \n) into buf; the
 * value is cut to fit.  Exposed for tests.
 */
void metrics_escape(const char *s, char *buf, size_t len);

#endif
