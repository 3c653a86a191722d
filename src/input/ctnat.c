/*
 * ctnat: NAT event records.  See ctnat.h.
 */
#include <netinet/in.h>
#include <string.h>

#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "input/ctnat.h"

#define NAT_FLAGS_CREATE	0x12	/* SYN|ACK, as ipt_NETFLOW */
#define NAT_FLAGS_DESTROY	0x05	/* FIN|RST */

unsigned
ctnat_event(struct rec_sink sink, const struct ctconn_info *ci, int create,
    uint32_t now)
{
	static const uint32_t nat[2] = { IPS_SRC_NAT, IPS_DST_NAT };
	struct flow_rec r;
	struct rec_nat x;
	struct flow_key ko, kr;
	struct flow_v6 a[2];
	uint32_t t;
	unsigned i, n = 0;

	if (!(ci->status & IPS_NAT_MASK))
		return 0;
	if (create)
		t = ci->has_start ? ci->start : now;
	else
		t = ci->has_stop ? ci->stop : now;
	ctconn_flow_keys(ci, &ko, &kr, a);
	/* the whole translation, for v9/IPFIX's NAT fields */
	memset(&x, 0, sizeof(x));
	x.event = create ? REC_NAT_CREATE : REC_NAT_DELETE;
	if (ci->key.v6) {
		memcpy(x.pre6.src, ci->key.src, 16);
		memcpy(x.pre6.dst, ci->key.dst, 16);
		memcpy(x.post6.src, ci->rdst, 16);
		memcpy(x.post6.dst, ci->rsrc, 16);
	} else {
		x.pre_src = ci->key.src[0];
		x.pre_dst = ci->key.dst[0];
		x.post_src = ci->rdst[0];
		x.post_dst = ci->rsrc[0];
	}
	if (ctconn_has_ports(ci->key.proto)) {
		x.pre_sport = ci->key.sport;
		x.pre_dport = ci->key.dport;
		x.post_sport = ci->rdport;
		x.post_dport = ci->rsport;
	} else if (ctconn_is_icmp(&ci->key)) {
		x.pre_dport = x.post_dport = ci->key.dport;
	}
	for (i = 0; i < 2; i++) {
		if (!(ci->status & nat[i]))
			continue;
		memset(&r, 0, sizeof(r));
		r.key = ko;
		r.v6 = ci->key.v6 ? &a[0] : NULL;
		r.nat = &x;
		r.first = r.last = t;
		r.tcp_flags = create ? NAT_FLAGS_CREATE : NAT_FLAGS_DESTROY;
		/* v5's fields (nexthop is IPv4: 0 for IPv6) */
		if (nat[i] == IPS_SRC_NAT) {
			r.nexthop = ci->key.v6 ? 0 : ci->rdst[0];
			r.src_as = ctconn_has_ports(ci->key.proto) ?
			    ci->rdport : 0;
		} else {
			r.nexthop = ci->key.v6 ? 0 : ci->key.dst[0];
			r.dst_as = ctconn_has_ports(ci->key.proto) ?
			    ci->key.dport : 0;
		}
		rec_sink_put(&sink, &r, now);
		n++;
	}
	return n;
}
