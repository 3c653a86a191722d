/*
 * ctnl: the conntrack netlink sockets and what comes out of them
 * (libmnl).  It knows nothing of capture modes: ctin (ctin.h) decides what
 * to join and what each event means.  Messages are parsed by ctmsg.h's own walk;
 * libnetfilter_conntrack builds the GET requests.
 *
 * Two sockets: the event socket joins the conntrack event groups, is
 * non-blocking and read from the event loop; the request socket sends dumps
 * and single GETs and waits for their answers.  Every message, event or
 * answer, becomes a struct ctconn_info (ctconn.h; ctmsg.h translates) or
 * is counted and skipped: not ctnetlink, malformed, neither IPv4 nor
 * IPv6, or the daemon's own export datagrams (UDP from one of
 * its export sockets to that socket's collector, flow/own.h: metering them
 * would export records about exporting records; another host's traffic to
 * a collector is accounted like any other).
 *
 * Overruns (ENOBUFS on the event socket): counted, and the receive buffer
 * doubles up to its cap; ctnl_read says events were lost, the caller
 * decides whether to resync.  Reliable delivery (conntrack_reliable, see
 * ctin.h) is NETLINK_BROADCAST_ERROR + NETLINK_NO_ENOBUFS.
 */
#ifndef NFN_CTNL_H
#define NFN_CTNL_H

#include <stdint.h>

#include "input/ctconn.h"
#include "flow/own.h"

struct ctnl;

enum ctnl_event { CTNL_NEW, CTNL_UPDATE, CTNL_DESTROY };
#define CTNL_EVENTS(e)	(1u << (e))	/* a set of events to subscribe to */

/* tcp_state: TCP_CONNTRACK_* for TCP when the message has it, else -1. */
typedef void (*ctnl_event_fn)(void *arg, enum ctnl_event ev,
    const struct ctconn_info *ci, int tcp_state);
typedef void (*ctnl_conn_fn)(void *arg, const struct ctconn_info *ci);
/*
 * Called for every event of a batch before the first is handed to the
 * event function, once per stage (0, then 1): a table can prefetch its
 * buckets, then the entries they point at.  Only a hint.
 */
#define CTNL_PREFETCH_STAGES	2
typedef void (*ctnl_prefetch_fn)(void *arg, const struct ctconn_info *ci,
    unsigned stage);

/* ctnl_read's result bits */
#define CTNL_DRAINED	0x1	/* read until the socket was empty */
#define CTNL_LOST	0x2	/* events were lost (ENOBUFS) */

struct ctnl_stats {
	uint64_t ev_new, ev_update, ev_destroy;
	uint64_t ev_other;		/* not a conntrack message */
	uint64_t ev_ignored;		/* neither IPv4 nor IPv6 */
	uint64_t ev_own;		/* our own export datagrams */
	uint64_t parse_errors, overruns;
	uint64_t reads, datagrams;	/* recvmmsg calls that got any; what */
	int rcvbuf_set, rcvbuf_max;	/* asked for, cap (bytes) */
	int rcvbuf;			/* in effect, as the kernel reports */
	int reliable;
};

/*
 * Open both sockets, subscribed to the events in the set "events".  NULL
 * (logged, errno set) on failure.
 */
struct ctnl *ctnl_open(int rcvbuf, int rcvbuf_max, int reliable,
    uint32_t events);
void ctnl_close(struct ctnl *nl);
int ctnl_fd(const struct ctnl *nl);

/* Hand what is queued (up to a budget) to fn; CTNL_* bits. */
int ctnl_read(struct ctnl *nl, ctnl_event_fn fn, void *arg);
/* Dump the table (IPv4 and IPv6) through fn.  0, or -1 with errno. */
int ctnl_dump(struct ctnl *nl, ctnl_conn_fn fn, void *arg);
/* One connection's current state.  0, or -1 with errno (ENOENT: gone). */
int ctnl_get(struct ctnl *nl, const struct ctconn_key *k,
    struct ctconn_info *out);

/* Live changes; -1 with errno. */
int ctnl_set_events(struct ctnl *nl, uint32_t events);
int ctnl_set_reliable(struct ctnl *nl, int on);
int ctnl_set_rcvbuf(struct ctnl *nl, int size);
void ctnl_set_rcvbuf_max(struct ctnl *nl, int max);
/* The export sockets' table (export_own()), read at each event; kept. */
void ctnl_set_own(struct ctnl *nl, const struct own_tab *own);
/* The prefetch hook (ctnl_prefetch_fn), or NULL for none; kept. */
void ctnl_set_prefetch(struct ctnl *nl, ctnl_prefetch_fn fn, void *arg);

const struct ctnl_stats *ctnl_stats(const struct ctnl *nl);

#endif
