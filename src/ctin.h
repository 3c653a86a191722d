/*
 * ctin: conntrack input (libnetfilter_conntrack over libmnl).
 *
 * capture = nflog: conntrack events end flows promptly: when a connection
 * is destroyed (or a TCP connection reaches TIME_WAIT/CLOSE) the flows of
 * both its directions are exported from the flow table.
 *
 * capture = conntrack: the lightweight mode.  No per-packet work: each
 * connection yields two unidirectional flows from conntrack accounting and
 * timestamps, exported at DESTROY and as deltas every active_timeout.
 *
 * natevents = 1: NAT create/destroy pseudo-records as ipt_NETFLOW sends them.
 */
#ifndef NFN_CTIN_H
#define NFN_CTIN_H

#include <stdint.h>
#include <stdio.h>

#include "conf.h"
#include "export.h"
#include "flow.h"

struct ctin;

/* Returns NULL (logged, errno set) on failure. */
struct ctin *ctin_open(const struct conf *c, struct ft *ft,
    struct exporter *xp, uint32_t now);
void ctin_close(struct ctin *ct);
int ctin_fd(const struct ctin *ct);
/* Handle what is queued on the event socket. */
void ctin_read(struct ctin *ct, uint32_t now);
/* Periodic work (active-timeout deltas, scheduled resyncs). */
void ctin_tick(struct ctin *ct, uint32_t now);
/* Export everything still tracked (flush, shutdown). */
void ctin_flush(struct ctin *ct, uint32_t now);
/* Live change; -1 with a message in err, state unchanged. */
int ctin_reconfig(struct ctin *ct, const struct conf *c, char *err,
    size_t errlen);
/* Statistics lines (text) and a JSON object member "conntrack":{...}. */
void ctin_stats_text(const struct ctin *ct, FILE *f);
void ctin_stats_json(const struct ctin *ct, FILE *f);

#endif
