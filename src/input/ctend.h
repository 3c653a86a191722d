/*
 * ctend: capture = nflog, connections end their flows.  When a connection
 * is destroyed, or a TCP connection reaches TIME_WAIT or CLOSE (UPDATE
 * event), the flows of both its directions are exported from the flow
 * table about 400 ms later (CT_END_GRACE, so the packet that caused the
 * event, which NFLOG delivers on another socket, still joins its flow;
 * well within 1 s).  Packets that arrive after that start a new flow, so
 * counts stay exact.
 *
 *   How a flow is tied to its connection: by tuple.  The forward and input
 *   hooks (priority -150) see the pre-SNAT source and the post-DNAT
 *   destination, which are the original tuple's source and the reply
 *   tuple's source, so:
 *	original-direction flow = orig.src:orig.sport -> reply.src:reply.sport
 *	reply-direction flow    = reply.src:reply.sport -> orig.src:orig.sport
 *   ICMP: dport = type*256+code of each direction (echo 8 -> reply 0).
 *   NFLOG's ifin and tos are not known to conntrack: every flow of the
 *   5-tuple is exported (ft_export_tuple).  Verified with masquerade and a
 *   port range (tests/integration/ct-natevents.sh).  Not covered: the
 *   output hook sees locally generated packets before output DNAT, so such
 *   flows end by their timeouts instead.
 *   IPv6 connections are not followed: their flows end by their timeouts
 *   (the flow table keys IPv6 flows by address ids of its own).
 *   Lost events (overrun) cost nothing in this mode: the flows still end
 *   by their timeouts; overruns are counted, no resync is needed.
 *
 * The ended connections wait in a ring that grows up to 65536 entries;
 * past that (or if it cannot grow) the oldest is exported early.
 */
#ifndef NFN_CTEND_H
#define NFN_CTEND_H

#include <stdint.h>

#include "input/ctconn.h"
#include "input/ctnl.h"
#include "flow/flow.h"

struct ctend;

struct ctend_stats {
	uint64_t conns;			/* connections that ended */
	uint64_t flows;			/* flows they exported */
	uint32_t pending;		/* ended, flows not exported yet */
};

/* NULL with errno. */
struct ctend *ctend_new(struct ft *ft);
void ctend_free(struct ctend *e);
/* A conntrack event (ctnl.h): note the connection if it ended. */
void ctend_event(struct ctend *e, enum ctnl_event ev,
    const struct ctconn_info *ci, int tcp_state, uint32_t now);
/* Export the flows of the connections whose grace is over (all: every one). */
void ctend_run(struct ctend *e, uint32_t now, int all);
/* ms from now until ctend_run() has flows to export (UINT32_MAX: none). */
uint32_t ctend_next(const struct ctend *e, uint32_t now);
const struct ctend_stats *ctend_stats(const struct ctend *e);

#endif
