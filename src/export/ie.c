/*
 * ie: v9/IPFIX flow templates and data records.  See ie.h.
 *
 * A template is built once as a list of fields; a record is written by
 * walking that list, so a template and its records cannot disagree.
 *
 *	IPv4 template				IPv6 template
 *	8  sourceIPv4Address	4		27 sourceIPv6Address	16
 *	12 destinationIPv4Addr	4		28 destinationIPv6Addr	16
 *	7  sourcePort		2		(same ports ... counters)
 *	11 destinationPort	2
 *	4  protocol		1
 *	5  ToS			1
 *	6  tcpControlBits	1
 *	60 ipVersion		1
 *	10 ingressInterface	4
 *	14 egressInterface	4
 *	2  packetDeltaCount	8
 *	1  octetDeltaCount	8
 *	32 icmpTypeCodeIPv4	2		139 icmpTypeCodeIPv6	2
 *						178 icmpTypeIPv6	1
 *						179 icmpCodeIPv6	1
 *	[9, 13 masks		1 + 1]		[29, 30 masks		1 + 1]
 *	v9:    22 First, 21 Last	4 + 4
 *	IPFIX: 152 start, 153 end ms	8 + 8, 136 flowEndReason 1
 *
 * Counters are 8 bytes though the flow table's are 32-bit, so a collector
 * never sees a template change when they grow.  ICMP keeps type * 256 +
 * code in the destination port, as in v5, and also in its own element
 * (0 for other protocols).  IPv6 also has type and code apart (178, 179):
 * nfdump 1.7 reads ICMPv6 type and code from those, not from 139.  tcpControlBits is 2 bytes in IPFIX's registry;
 * 1 byte is its reduced-size encoding (RFC 7011 6.2), enough for the flags
 * a flow table ORs.
 *
 * NAT events (natevents = 1) have their own template, as ipt_NETFLOW:
 *	8, 12, 7, 11 pre-NAT tuple, 4 protocol, 225/226 post-NAT addresses,
 *	227/228 post-NAPT ports, 230 natEvent, 323 observationTimeMilliseconds
 * (IPFIX element ids, which v9 collectors read too); IPv6 connections
 * (NAT66) the same with 27/28 and 281/282 for the addresses.
 *
 * Left out: nexthop (15, 62) and flowDirection (61), which the daemon does
 * not know; flowLabelIPv6 (31), which is not part of the flow key and
 * which a flow entry has no room for (4 more bytes on every flow, IPv4
 * too, for a value that may change within a flow).
 */
#include <string.h>

#include "export/ie.h"
#include "export/wire.h"

#define PROTO_ICMP	1
#define PROTO_ICMPV6	58

static void
add(struct ie_tmpl *t, uint16_t id, uint16_t len)
{
	t->f[t->nfields].id = id;
	t->f[t->nfields].len = len;
	t->nfields++;
	t->reclen = (uint16_t)(t->reclen + len);
}

void
ie_tmpl_init(struct ie_tmpl *t, enum ie_dialect d, int v6, int masks)
{
	memset(t, 0, sizeof(*t));
	t->id = (uint16_t)(IE_TMPL_BASE + (v6 ? 1 : 0) + (masks ? 2 : 0));
	add(t, v6 ? IE_SRC6 : IE_SRC4, v6 ? 16 : 4);
	add(t, v6 ? IE_DST6 : IE_DST4, v6 ? 16 : 4);
	add(t, IE_SPORT, 2);
	add(t, IE_DPORT, 2);
	add(t, IE_PROTO, 1);
	add(t, IE_TOS, 1);
	add(t, IE_TCP_FLAGS, 1);
	add(t, IE_IP_VERSION, 1);
	add(t, IE_IFIN, 4);
	add(t, IE_IFOUT, 4);
	add(t, IE_PACKETS, 8);
	add(t, IE_OCTETS, 8);
	add(t, v6 ? IE_ICMP6 : IE_ICMP4, 2);
	if (v6) {
		add(t, IE_ICMP6_TYPE, 1);
		add(t, IE_ICMP6_CODE, 1);
	}
	if (masks) {
		add(t, v6 ? IE_SRC_MASK6 : IE_SRC_MASK4, 1);
		add(t, v6 ? IE_DST_MASK6 : IE_DST_MASK4, 1);
	}
	if (d == IE_V9) {
		add(t, IE_FIRST, 4);
		add(t, IE_LAST, 4);
	} else {
		add(t, IE_START_MS, 8);
		add(t, IE_END_MS, 8);
		add(t, IE_END_REASON, 1);
	}
}

void
ie_tmpl_init_nat(struct ie_tmpl *t)
{
	memset(t, 0, sizeof(*t));
	t->id = IE_TMPL_NAT;
	add(t, IE_SRC4, 4);
	add(t, IE_DST4, 4);
	add(t, IE_SPORT, 2);
	add(t, IE_DPORT, 2);
	add(t, IE_PROTO, 1);
	add(t, IE_POST_SRC4, 4);
	add(t, IE_POST_DST4, 4);
	add(t, IE_POST_SPORT, 2);
	add(t, IE_POST_DPORT, 2);
	add(t, IE_NAT_EVENT, 1);
	add(t, IE_OBS_MS, 8);
}

void
ie_tmpl_init_nat6(struct ie_tmpl *t)
{
	memset(t, 0, sizeof(*t));
	t->id = IE_TMPL_NAT6;
	add(t, IE_SRC6, 16);
	add(t, IE_DST6, 16);
	add(t, IE_SPORT, 2);
	add(t, IE_DPORT, 2);
	add(t, IE_PROTO, 1);
	add(t, IE_POST_SRC6, 16);
	add(t, IE_POST_DST6, 16);
	add(t, IE_POST_SPORT, 2);
	add(t, IE_POST_DPORT, 2);
	add(t, IE_NAT_EVENT, 1);
	add(t, IE_OBS_MS, 8);
}

void
ie_put_tmpl(uint8_t *p, const struct ie_tmpl *t)
{
	unsigned i;

	wire_put16(p, t->id);
	wire_put16(p + 2, t->nfields);
	for (i = 0; i < t->nfields; i++) {
		wire_put16(p + 4 + 4 * i, t->f[i].id);
		wire_put16(p + 6 + 4 * i, t->f[i].len);
	}
}

/* type * 256 + code for ICMP of this template's family, else 0. */
static uint16_t
icmp_typecode(const struct flow_rec *r, uint8_t icmp_proto)
{
	return r->key.proto == icmp_proto ? r->key.dport : 0;
}

/* Uptime ms t as ms since 1970. */
static uint64_t
wall_ms(const struct ie_clock *c, uint32_t t)
{
	return c->wall_ms - (uint64_t)(int64_t)(int32_t)(c->uptime - t);
}

void
ie_put_rec(uint8_t *p, const struct ie_tmpl *t, const struct flow_rec *r,
    const struct ie_clock *c)
{
	unsigned i;

	for (i = 0; i < t->nfields; i++) {
		switch (t->f[i].id) {
		case IE_SRC4:			/* network order */
			memcpy(p, r->nat ? &r->nat->pre_src : &r->key.src, 4);
			break;
		case IE_DST4:
			memcpy(p, r->nat ? &r->nat->pre_dst : &r->key.dst, 4);
			break;
		case IE_SRC6:
			memcpy(p, r->nat ? r->nat->pre6.src : r->v6->src, 16);
			break;
		case IE_DST6:
			memcpy(p, r->nat ? r->nat->pre6.dst : r->v6->dst, 16);
			break;
		case IE_POST_SRC6:
			memcpy(p, r->nat->post6.src, 16);
			break;
		case IE_POST_DST6:
			memcpy(p, r->nat->post6.dst, 16);
			break;
		case IE_SPORT:
			wire_put16(p, r->nat ? r->nat->pre_sport : r->key.sport);
			break;
		case IE_DPORT:
			wire_put16(p, r->nat ? r->nat->pre_dport : r->key.dport);
			break;
		case IE_POST_SRC4:
			memcpy(p, &r->nat->post_src, 4);
			break;
		case IE_POST_DST4:
			memcpy(p, &r->nat->post_dst, 4);
			break;
		case IE_POST_SPORT:
			wire_put16(p, r->nat->post_sport);
			break;
		case IE_POST_DPORT:
			wire_put16(p, r->nat->post_dport);
			break;
		case IE_NAT_EVENT:
			*p = r->nat->event;
			break;
		case IE_OBS_MS:
			wire_put64(p, wall_ms(c, r->first));
			break;
		case IE_PROTO:
			*p = r->key.proto;
			break;
		case IE_TOS:
			*p = r->key.tos;
			break;
		case IE_TCP_FLAGS:
			*p = r->tcp_flags;
			break;
		case IE_IP_VERSION:
			*p = r->v6 ? 6 : 4;
			break;
		case IE_IFIN:
			wire_put32(p, r->key.ifin);
			break;
		case IE_IFOUT:
			wire_put32(p, r->ifout);
			break;
		case IE_PACKETS:
			wire_put64(p, r->packets);
			break;
		case IE_OCTETS:
			wire_put64(p, r->bytes);
			break;
		case IE_ICMP4:
			wire_put16(p, icmp_typecode(r, PROTO_ICMP));
			break;
		case IE_ICMP6:
			wire_put16(p, icmp_typecode(r, PROTO_ICMPV6));
			break;
		case IE_ICMP6_TYPE:
			*p = (uint8_t)(icmp_typecode(r, PROTO_ICMPV6) >> 8);
			break;
		case IE_ICMP6_CODE:
			*p = (uint8_t)icmp_typecode(r, PROTO_ICMPV6);
			break;
		case IE_SRC_MASK4:
		case IE_SRC_MASK6:
			*p = r->src_mask;
			break;
		case IE_DST_MASK4:
		case IE_DST_MASK6:
			*p = r->dst_mask;
			break;
		case IE_FIRST:
			wire_put32(p, r->first);
			break;
		case IE_LAST:
			wire_put32(p, r->last);
			break;
		case IE_START_MS:
			wire_put64(p, wall_ms(c, r->first));
			break;
		case IE_END_MS:
			wire_put64(p, wall_ms(c, r->last));
			break;
		case IE_END_REASON:
			*p = r->end_reason;
			break;
		}
		p += t->f[i].len;
	}
}
