/*
 * ie: the flow templates of NetFlow v9 and IPFIX and the data records that
 * follow them.  Pure functions: no I/O, no clock.
 *
 * Both protocols describe a record by a template, a list of (information
 * element, length) pairs, and write the record's fields in that order.  v9
 * field types and IPFIX element ids share their numbers for everything used
 * here, so one template builder serves both; they differ in the times:
 * v9 has First/Last (22/21) on sysUpTime, IPFIX flowStartMilliseconds/
 * flowEndMilliseconds (152/153, ms since 1970) and flowEndReason (136).
 *
 * Four flow templates per protocol: IPv4 or IPv6, with or without the
 * masks (9/13, IPv6 29/30), which are only in the records when aggregation
 * sets them; and two for NAT events (natevents = 1), IPv4 and IPv6.  Each has its own id,
 * so a collector never sees one id redefined.
 */
#ifndef NFN_IE_H
#define NFN_IE_H

#include <stddef.h>
#include <stdint.h>

#include "flow/record.h"

/* Information element ids (IANA IPFIX registry; v9 field types) */
enum {
	IE_OCTETS = 1,		/* octetDeltaCount */
	IE_PACKETS = 2,		/* packetDeltaCount */
	IE_PROTO = 4,		/* protocolIdentifier */
	IE_TOS = 5,		/* ipClassOfService */
	IE_TCP_FLAGS = 6,	/* tcpControlBits */
	IE_SPORT = 7,		/* sourceTransportPort */
	IE_SRC4 = 8,		/* sourceIPv4Address */
	IE_SRC_MASK4 = 9,	/* sourceIPv4PrefixLength */
	IE_IFIN = 10,		/* ingressInterface */
	IE_DPORT = 11,		/* destinationTransportPort */
	IE_DST4 = 12,		/* destinationIPv4Address */
	IE_DST_MASK4 = 13,	/* destinationIPv4PrefixLength */
	IE_IFOUT = 14,		/* egressInterface */
	IE_LAST = 21,		/* v9 LAST_SWITCHED, sysUpTime ms */
	IE_FIRST = 22,		/* v9 FIRST_SWITCHED, sysUpTime ms */
	IE_SRC6 = 27,		/* sourceIPv6Address */
	IE_DST6 = 28,		/* destinationIPv6Address */
	IE_SRC_MASK6 = 29,	/* sourceIPv6PrefixLength */
	IE_DST_MASK6 = 30,	/* destinationIPv6PrefixLength */
	IE_ICMP4 = 32,		/* icmpTypeCodeIPv4 */
	IE_IP_VERSION = 60,	/* ipVersion */
	IE_END_REASON = 136,	/* flowEndReason */
	IE_ICMP6 = 139,		/* icmpTypeCodeIPv6 */
	IE_ICMP6_TYPE = 178,	/* icmpTypeIPv6 */
	IE_ICMP6_CODE = 179,	/* icmpCodeIPv6 */
	IE_START_MS = 152,	/* flowStartMilliseconds */
	IE_END_MS = 153,	/* flowEndMilliseconds */
	IE_POST_SRC4 = 225,	/* postNATSourceIPv4Address */
	IE_POST_DST4 = 226,	/* postNATDestinationIPv4Address */
	IE_POST_SPORT = 227,	/* postNAPTSourceTransportPort */
	IE_POST_DPORT = 228,	/* postNAPTDestinationTransportPort */
	IE_NAT_EVENT = 230,	/* natEvent */
	IE_POST_SRC6 = 281,	/* postNATSourceIPv6Address */
	IE_POST_DST6 = 282,	/* postNATDestinationIPv6Address */
	IE_OBS_MS = 323,	/* observationTimeMilliseconds */
};

enum ie_dialect { IE_V9, IE_IPFIX };

/* Template ids: IE_TMPL_BASE + (IPv6 ? 1 : 0) + (masks ? 2 : 0); NAT. */
#define IE_TMPL_BASE	256
#define IE_TMPL_NAT	260
#define IE_TMPL_NAT6	264	/* NAT events of IPv6 connections (NAT66) */
#define IE_MAXFIELDS	20

struct ie_field {
	uint16_t id, len;
};

struct ie_tmpl {
	uint16_t id;
	uint16_t nfields;
	uint16_t reclen;	/* bytes of one data record */
	struct ie_field f[IE_MAXFIELDS];
};

/* Fill t with the template for IPv4 or IPv6 (v6 != 0) flows. */
void ie_tmpl_init(struct ie_tmpl *t, enum ie_dialect d, int v6, int masks);
/* Fill t with the NAT event template (the same in v9 and IPFIX). */
void ie_tmpl_init_nat(struct ie_tmpl *t);
/* The same for IPv6 connections: 27/28 and 281/282 for the addresses. */
void ie_tmpl_init_nat6(struct ie_tmpl *t);

/* Bytes of t's template record: id, field count, then 4 bytes per field. */
static inline size_t
ie_tmpl_len(const struct ie_tmpl *t)
{
	return 4 + 4 * (size_t)t->nfields;
}

/* Write t's template record at p (ie_tmpl_len() bytes). */
void ie_put_tmpl(uint8_t *p, const struct ie_tmpl *t);

/*
 * One instant on both clocks, for IPFIX's absolute times: a record's
 * uptime ms becomes wall ms by its distance to this instant, which is right
 * across the 49.7-day wrap of the uptime clock.
 */
struct ie_clock {
	uint32_t uptime;	/* ms, util/clock.h */
	uint64_t wall_ms;	/* ms since 1970 at the same instant */
};

/*
 * Write r as a data record of template t at p (t->reclen bytes).  r->v6
 * must be set exactly when t is an IPv6 template, r->nat when t is the
 * NAT template.
 */
void ie_put_rec(uint8_t *p, const struct ie_tmpl *t, const struct flow_rec *r,
    const struct ie_clock *c);

#endif
