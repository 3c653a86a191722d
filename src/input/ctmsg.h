/*
 * ctmsg: ctnetlink messages to and from the connection descriptions of
 * ctconn.h.  No I/O, no allocation.
 *
 * Events and dump answers are read here with a walk of their attributes
 * (as nlg.c reads NFLOG), straight into a struct ctconn_info: no
 * libnetfilter_conntrack object per message.  The walk is strict: a
 * message too short for its headers, an attribute that runs past its
 * message or its nest, or a used attribute of the wrong size refuses the
 * whole message, and nothing is ever read past what was received.
 * libnetfilter_conntrack builds the GET request (ctmsg_query).
 *
 * IPv4 and IPv6 (NFPROTO of the nfgenmsg header).  ICMP and ICMPv6: the
 * original tuple's id goes in key.sport, type * 256 + code in key.dport,
 * and the reply tuple's type and code (conntrack inverts the type: echo
 * request 8 -> reply 0, ICMPv6 128 -> 129) in rdport.  Counters and
 * timestamps are taken when present (has_counters, has_start, has_stop);
 * timestamps become uptime ms.
 */
#ifndef NFN_CTMSG_H
#define NFN_CTMSG_H

#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "input/ctconn.h"

/* ctmsg_parse's results */
#define CTMSG_OK	0
#define CTMSG_BAD	(-1)	/* malformed: refused */
#define CTMSG_OTHER	1	/* well-formed, not a connection we meter */

/*
 * Parse one conntrack message whose nlmsg_len is at most what was
 * received into ci (zeroed first) and *tcp_state (TCP_CONNTRACK_*, or -1
 * when the message has none).  CTMSG_OTHER: not IPv4 or IPv6, or no
 * original and reply tuple (e.g. an expectation).
 */
struct nlmsghdr;
int ctmsg_parse(const struct nlmsghdr *nlh, struct ctconn_info *ci,
    int *tcp_state);

/*
 * Hand each netlink message of one received datagram of len bytes to fn,
 * in order.  -1 when the datagram ends inside a message header or a
 * message is longer than what is left (the rest is not read), else 0.
 */
int ctmsg_walk(const void *buf, size_t len,
    void (*fn)(const struct nlmsghdr *nlh, void *arg), void *arg);

/* The object a GET of connection k sends (nfct_destroy it); NULL, errno. */
struct nf_conntrack *ctmsg_query(const struct ctconn_key *k);

#endif
