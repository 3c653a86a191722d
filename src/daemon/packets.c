/*
 * packets: the packet path of nft-netflowd in capture = nflog.  Each NFLOG
 * message is parsed (flow/pkt), checked against the daemon's own export
 * traffic, counted as the wire packets it stands for (flow/wire),
 * aggregated and queued; the queue goes into the flow table in one
 * ft_update_batch() when it is full and when the read ends, so the cache
 * misses of its lookups overlap (flow.h: same result as one by one).
 * Nothing here allocates or logs: drops are counted in struct
 * daemon_pstats.
 */
#include <errno.h>
#include <time.h>

#include "daemon/daemon_priv.h"
#include "flow/agg.h"
#include "flow/own.h"
#include "flow/pkt.h"
#include "flow/wire.h"
#include "util/clock.h"

#define ETHERTYPE_IPV6	0x86dd

/* Packets queued for one ft_update_batch(). */
#define PKT_QUEUE	64

/*
 * Per batch: NFLOG timestamps are wall time; the offset to the uptime clock
 * is read once per batch, not per packet.
 */
struct batch_ctx {
	struct daemon *d;
	int64_t wall_minus_up;		/* ms */
	uint32_t n;			/* packets queued */
	struct ft_pkt q[PKT_QUEUE];
};

/* Meter what is queued; errno stays that of the read before it. */
static void
batch_flush(struct batch_ctx *b)
{
	int e = errno;

	if (b->n > 0)
		ft_update_batch(b->d->ft, b->q, b->n, NULL);
	b->n = 0;
	errno = e;
}

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
	struct ft_pkt *q;
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
	} else if (d->conf.agg.nnet || d->conf.agg.nport)
		agg_apply(&d->conf.agg, &pi.key, &smask, &dmask);
	q = &b->q[b->n];
	q->key = pi.key;
	if (pi.key.v6)
		q->v6 = pi.v6;
	q->ifout = p->ifout;
	q->pkts = w.pkts;
	q->bytes = w.bytes;
	q->now = pkt_time(b, p);
	q->tcp_flags = pi.tcp_flags;
	q->src_mask = smask;
	q->dst_mask = dmask;
	if (++b->n == PKT_QUEUE)
		batch_flush(b);
}

static void
batch_begin(struct daemon *d, struct batch_ctx *b)
{
	struct timespec wall;

	clock_gettime(CLOCK_REALTIME, &wall);
	d->now = clk_uptime_ms();
	b->d = d;
	b->n = 0;
	b->wall_minus_up = (int64_t)wall.tv_sec * 1000 +
	    wall.tv_nsec / 1000000 - d->now;
}

int
daemon_read_nflog(struct daemon *d, unsigned max_batches)
{
	struct batch_ctx b;
	int n;

	batch_begin(d, &b);
	n = nlg_read(d->nlg, max_batches, on_packet, &b);
	/* Also after a fatal error: what was read is metered. */
	batch_flush(&b);
	return n;
}

/* A live NFLOG change: packets that arrive meanwhile are metered. */
int
daemon_nlg_apply(struct daemon *d, const struct nlg_cfg *nc)
{
	struct batch_ctx b;
	int r;

	batch_begin(d, &b);
	r = nlg_reconfig(d->nlg, nc, on_packet, &b);
	batch_flush(&b);
	return r;
}
