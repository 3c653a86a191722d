/*
 * packets: the packet path of nft-netflowd in capture = nflog.  Each NFLOG
 * message is parsed (flow/pkt), checked against the daemon's own export
 * traffic, counted as the wire packets it stands for (flow/wire),
 * aggregated and metered into the flow table.  Nothing here allocates or
 * logs: drops are counted in struct daemon_pstats.
 */
#include <time.h>

#include "daemon/daemon_priv.h"
#include "flow/agg.h"
#include "flow/own.h"
#include "flow/pkt.h"
#include "flow/wire.h"
#include "util/clock.h"

#define ETHERTYPE_IPV6	0x86dd

/*
 * Per batch: NFLOG timestamps are wall time; the offset to the uptime clock
 * is read once per batch, not per packet.
 */
struct batch_ctx {
	struct daemon *d;
	int64_t wall_minus_up;		/* ms */
};

static uint32_t
pkt_time(const struct batch_ctx *b, const struct nlg_pkt *p)
{
	int64_t t;

	if (!p->has_ts)
		return b->d->now;
	t = (int64_t)p->ts.tv_sec * 1000 + p->ts.tv_nsec / 1000000 -
	    b->wall_minus_up;
	/* a clock step must never put a packet in the future */
	if (t > (int64_t)b->d->now || t < 0)
		return b->d->now;
	return (uint32_t)t;
}

/*
 * The wire packets a message stands for (flow/wire.h): a GRO super-packet
 * was merged on its input interface, a TSO/GSO one (locally sent, no
 * input) is cut for its output interface.  Packets no larger than the
 * smallest MTU need no lookup.
 */
static struct wire_count
wire_of(struct daemon *d, const struct nlg_pkt *p, const struct pkt_info *pi)
{
	struct wire_count w = { 1, pi->ip_len };

	if (d->rtnl == NULL || pi->ip_len <= rtnl_min_mtu(d->rtnl))
		return w;
	w = wire_count(pi->ip_len, pi->ip_hlen, pi->l4_hlen,
	    rtnl_mtu(d->rtnl, p->ifin ? p->ifin : p->ifout));
	if (w.pkts > 1) {
		d->ps.super++;
		d->ps.super_wire += w.pkts;
	}
	return w;
}

static void
on_packet(void *arg, const struct nlg_pkt *p)
{
	struct batch_ctx *b = arg;
	struct daemon *d = b->d;
	struct pkt_info pi;
	struct wire_count w;
	uint8_t smask = 0, dmask = 0;

	/* NetFlow v5 cannot carry IPv6 (SPEC 5): not parsed, counted */
	if (p->hw_protocol == ETHERTYPE_IPV6 && d->conf.protocol == 5) {
		d->ps.ignored++;
		return;
	}
	switch (pkt_parse(p->payload, p->caplen, &pi)) {
	case PKT_OK:
		break;
	case PKT_TRUNCATED:
		d->ps.truncated++;
		return;
	case PKT_MALFORMED:
		d->ps.malformed++;
		return;
	}
	if (pi.key.v6 && d->conf.protocol == 5) {
		d->ps.ignored++;
		return;
	}
	/* the daemon's own export datagrams, and ICMP errors about them */
	if ((pi.key.proto == 17 || pi.key.proto == 1) &&
	    own_match(export_own(d->xp), p->payload, p->caplen)) {
		d->ps.own++;
		return;
	}
	/*
	 * IPv4 BIG TCP gives no length; the copy is the whole packet only
	 * if the copy range did not cut it (never so above 64 KiB).
	 */
	if (pi.big && p->caplen >= d->conf.copy_range) {
		d->ps.big_unknown++;
		return;
	}
	pi.key.ifin = p->ifin;
	d->ps.pkts++;
	d->ps.bytes += pi.ip_len;
	if (pi.fragment)
		d->ps.fragments++;
	w = wire_of(d, p, &pi);
	if (pi.key.v6) {
		if (d->conf.agg.nnet6 || d->conf.agg.nport)
			agg_apply6(&d->conf.agg, &pi.key, &pi.v6, &smask,
			    &dmask);
		ft_update6_n(d->ft, &pi.key, &pi.v6, p->ifout, w.pkts,
		    w.bytes, pi.tcp_flags, smask, dmask, pkt_time(b, p));
		return;
	}
	if (d->conf.agg.nnet || d->conf.agg.nport)
		agg_apply(&d->conf.agg, &pi.key, &smask, &dmask);
	ft_update_n(d->ft, &pi.key, p->ifout, w.pkts, w.bytes, pi.tcp_flags,
	    smask, dmask, pkt_time(b, p));
}

static void
batch_begin(struct daemon *d, struct batch_ctx *b)
{
	struct timespec wall;

	clock_gettime(CLOCK_REALTIME, &wall);
	d->now = clk_uptime_ms();
	b->d = d;
	b->wall_minus_up = (int64_t)wall.tv_sec * 1000 +
	    wall.tv_nsec / 1000000 - d->now;
}

int
daemon_read_nflog(struct daemon *d, unsigned max_batches)
{
	struct batch_ctx b;

	batch_begin(d, &b);
	return nlg_read(d->nlg, max_batches, on_packet, &b);
}

/* A live NFLOG change: packets that arrive meanwhile are metered. */
int
daemon_nlg_apply(struct daemon *d, const struct nlg_cfg *nc)
{
	struct batch_ctx b;

	batch_begin(d, &b);
	return nlg_reconfig(d->nlg, nc, on_packet, &b);
}
