/*
 * rtnl: the MTU of every network interface, read with rtnetlink (libmnl)
 * and kept current: a dump at open, then RTM_NEWLINK / RTM_DELLINK events
 * (an MTU change, a new or removed link).  An event overrun (ENOBUFS)
 * triggers a fresh dump.  The packet path asks rtnl_mtu() to tell a
 * GRO/TSO super-packet from a packet (flow/wire.h); rtnl_min_mtu() lets it
 * skip the lookup for every packet no larger than the smallest MTU.
 * No privilege is needed.
 */
#ifndef NFN_RTNL_H
#define NFN_RTNL_H

#include <stdint.h>

struct rtnl;

struct rtnl_stats {
	uint64_t events;	/* link messages handled (dumps included) */
	uint64_t overruns;	/* ENOBUFS on the event socket: re-dumped */
	unsigned links;		/* interfaces known */
};

/* NULL with errno (logged) on failure. */
struct rtnl *rtnl_open(void);
void rtnl_close(struct rtnl *r);
int rtnl_fd(const struct rtnl *r);
/* Handle what is queued on the event socket. */
void rtnl_read(struct rtnl *r);
/* MTU of ifindex, 0 if unknown. */
uint32_t rtnl_mtu(const struct rtnl *r, uint32_t ifindex);
/* The smallest MTU of all links (UINT32_MAX with none). */
uint32_t rtnl_min_mtu(const struct rtnl *r);
const struct rtnl_stats *rtnl_stats(const struct rtnl *r);

#endif
