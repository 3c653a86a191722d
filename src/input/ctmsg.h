/*
 * ctmsg: libnetfilter_conntrack's objects to and from the connection
 * descriptions of ctconn.h.  No I/O.
 *
 * ICMP: the original tuple's id goes in key.sport, type * 256 + code in
 * key.dport, and the answers' type (echo 8 -> reply 0, as conntrack
 * inverts it) in rdport.  Counters and timestamps are taken when present
 * (has_counters, has_start, has_stop); timestamps become uptime ms.
 */
#ifndef NFN_CTMSG_H
#define NFN_CTMSG_H

#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "input/ctconn.h"

/*
 * Parse one conntrack message (nlmsg_len already checked against what was
 * received) into o: 0, or -1 when it is too short for its nfgenmsg header
 * (libnetfilter_conntrack does not check) or does not parse.
 */
struct nlmsghdr;
int ctmsg_parse(const struct nlmsghdr *nlh, struct nf_conntrack *o);

/* Fill ci from a parsed conntrack object; -1 if it is not IPv4. */
int ctmsg_info(const struct nf_conntrack *o, struct ctconn_info *ci);
/* The object a GET of connection k sends (nfct_destroy it); NULL, errno. */
struct nf_conntrack *ctmsg_query(const struct ctconn_key *k);

#endif
