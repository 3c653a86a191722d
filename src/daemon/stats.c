/*
 * stats: text and JSON forms of the daemon's counters.  See stats.h.
 *
 * The accounting identity the tests check:
 *   NFLOG messages received = keyed (pkts) + truncated + malformed + ignored
 *                             + own export traffic
 *   keyed + (wire packets of super-packets - super-packets)
 *         = metered into flows + dropped (maxflows) + dropped (alloc)
 * (metered counts wire packets: a GRO/TSO super-packet stands for several)
 * and "lost" counts the messages the kernel logged but never delivered.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "daemon/ctlsrv.h"
#include "daemon/daemon_priv.h"
#include "daemon/metrics.h"
#include "daemon/stats.h"

static void
fmt_ago(char *buf, size_t len, uint32_t ms)
{
	uint32_t s = ms / 1000;

	snprintf(buf, len, "%ud%uh%um%us", s / 86400, s / 3600 % 24,
	    s / 60 % 60, s % 60);
}

static const struct nlg_stats zero_nlg;

static const struct nlg_stats *
nlgs(const struct daemon *d)
{
	return d->nlg ? nlg_stats(d->nlg) : &zero_nlg;
}

void
stats_text(const struct daemon *d, FILE *f)
{
	const struct ft_stats *fs = ft_stats(d->ft);
	const struct export_stats *xs = export_stats(d->xp);
	const struct nlg_stats *ns = nlgs(d);
	const struct daemon_rates *r = &d->rates;
	char ago[32];
	uint32_t i;

	fmt_ago(ago, sizeof(ago), d->now - fs->peak_at);
	fprintf(f, "nft-netflowd %s, capture %s, protocol %u, uptime %us\n",
	    NFN_VERSION, conf_capture_name(d->conf.capture), d->conf.protocol,
	    d->now / 1000);
	fprintf(f, "Flows: active %u (peak %u reached %s ago), mem %zuK\n",
	    fs->active, fs->peak, ago, ft_memory(d->ft) / 1024);
	fprintf(f, "Hash: size %u, metric %.2f, rehashes %u\n",
	    ft_hashsize(d->ft),
	    fs->lookups ? (double)fs->searched / fs->lookups : 1.0,
	    fs->rehashes);
	fprintf(f, "Timeout: active %u, inactive %u. Maxflows %u\n",
	    d->conf.active_timeout, d->conf.inactive_timeout, d->conf.maxflows);
	if (d->conf.sampler.mode == SAMPLER_OFF ||
	    d->conf.capture != CAPTURE_NFLOG)
		fprintf(f, "Sampler: off (every packet is metered)\n");
	else
		fprintf(f, "Sampler: %s:%u (1 %s in %u, in the kernel's rule; "
		    "counts are exported unscaled)\n",
		    conf_sampler_name(d->conf.sampler.mode), d->conf.sampler.n,
		    d->conf.sampler.mode == SAMPLER_HASH ? "flow" : "packet",
		    d->conf.sampler.n);
	fprintf(f, "Rate: %.0f bits/sec, %.0f packets/sec; Avg 1 min: %.0f bps, "
	    "%.0f pps; 5 min: %.0f bps, %.0f pps\n", r->bps, r->pps, r->bps1,
	    r->pps1, r->bps5, r->pps5);
	fprintf(f, "Traffic: %" PRIu64 " pkts, %" PRIu64 " bytes; metered %"
	    PRIu64 " pkts, %" PRIu64 " bytes; new flows %" PRIu64
	    ", fragments %" PRIu64 "\n", d->ps.pkts, d->ps.bytes, fs->pkts,
	    fs->bytes, fs->new_flows, d->ps.fragments);
	fprintf(f, "Own export traffic skipped: %" PRIu64 " pkts; TCP flows "
	    "closed by flags: %" PRIu64 "\n", d->ps.own, fs->tcp_closing);
	fprintf(f, "Super-packets (GRO/TSO): %" PRIu64 ", wire packets they "
	    "stood for %" PRIu64 "; BIG TCP of unknown length (dropped) %"
	    PRIu64 "\n", d->ps.super, d->ps.super_wire, d->ps.big_unknown);
	fprintf(f, "Drop: maxflows %" PRIu64 " pkts %" PRIu64 " bytes, alloc %"
	    PRIu64 " pkts %" PRIu64 " bytes, truncated %" PRIu64
	    ", malformed %" PRIu64 ", ignored (not IPv4) %" PRIu64 "\n",
	    fs->drop_maxflows_pkts, fs->drop_maxflows_bytes, fs->drop_alloc_pkts,
	    fs->drop_alloc_bytes, d->ps.truncated, d->ps.malformed,
	    d->ps.ignored);
	fprintf(f, "NFLOG: group %u, batches %" PRIu64 ", messages %" PRIu64
	    ", lost %" PRIu64 " (overruns %" PRIu64 ", truncated batches %"
	    PRIu64 "), bad %" PRIu64 ", rcvbuf %d, from the previous group %"
	    PRIu64 "\n", d->conf.nflog_group, ns->batches, ns->msgs, ns->lost,
	    ns->overruns, ns->truncated, ns->bad, ns->rcvbuf, ns->old_msgs);
	fprintf(f, "Export: datagrams %" PRIu64 ", flows %" PRIu64 ", packets %"
	    PRIu64 ", bytes %" PRIu64 "; expired inactive %" PRIu64 ", active %"
	    PRIu64 ", overflow %" PRIu64 ", forced %" PRIu64 "\n", xs->datagrams,
	    xs->flows, xs->packets, xs->bytes, fs->exported[FT_EXP_INACTIVE],
	    fs->exported[FT_EXP_ACTIVE], fs->exported[FT_EXP_OVERFLOW],
	    fs->exported[FT_EXP_FORCED]);
	fprintf(f, "Export protocol %u: templates sent in %" PRIu64
	    " datagrams, options datagrams %" PRIu64 "; not representable %"
	    PRIu64 " flows (%" PRIu64 " packets, %" PRIu64 " bytes)\n",
	    export_protocol(d->xp), xs->templates, xs->options,
	    xs->unsupported, xs->unsupported_packets, xs->unsupported_bytes);
	for (i = 0; i < xs->nsocks; i++) {
		const struct export_sock_stats *s = &xs->sock[i];

		fprintf(f, "sock%u: %s, sndbuf %d, ok %" PRIu64 ", fail %" PRIu64
		    ", refused %" PRIu64 ", sndbuf reached %" PRIu64 ", bytes %"
		    PRIu64 "\n", i, s->text, s->sndbuf, s->ok, s->fail,
		    s->refused, s->sndbuf_full, s->bytes);
		fprintf(f, "sock%u: queued %u (peak %u), lost %" PRIu64
		    " datagrams: %" PRIu64 " flows, %" PRIu64 " packets, %"
		    PRIu64 " bytes\n", i, s->q.len, s->q.peak, s->q.lost_dgrams,
		    s->q.lost_flows, s->q.lost_packets, s->q.lost_bytes);
	}
	if (d->ct)
		ctin_stats_text(d->ct, f);
	fprintf(f, "Reload: ok %" PRIu64 ", rejected %" PRIu64 "\n", d->reloads,
	    d->reload_errors);
	if (d->cs) {
		const struct ctlsrv_stats *cs = ctlsrv_stats(d->cs);

		fprintf(f, "Control: clients %u (at most %d), accepted %" PRIu64
		    ", answered %" PRIu64 ", dropped at the %d s deadline %"
		    PRIu64 ", refused busy %" PRIu64 ", failed %" PRIu64 "\n",
		    cs->open, CTLSRV_CLIENTS, cs->accepted, cs->answered,
		    CTLSRV_DEADLINE_MS / 1000, cs->timed_out, cs->busy,
		    cs->failed);
	}
}

#define JU(name, v) fprintf(f, "\"%s\":%" PRIu64 ",", name, (uint64_t)(v))

void
stats_json(const struct daemon *d, FILE *f)
{
	const struct ft_stats *fs = ft_stats(d->ft);
	const struct export_stats *xs = export_stats(d->xp);
	const struct nlg_stats *ns = nlgs(d);
	uint32_t i;

	fprintf(f, "{\"version\":\"%s\",\"capture\":\"%s\",", NFN_VERSION,
	    conf_capture_name(d->conf.capture));
	if (d->conf.sampler.mode == SAMPLER_OFF ||
	    d->conf.capture != CAPTURE_NFLOG)
		fprintf(f, "\"sampler\":{\"mode\":\"off\",\"n\":1},");
	else
		fprintf(f, "\"sampler\":{\"mode\":\"%s\",\"n\":%u},",
		    conf_sampler_name(d->conf.sampler.mode),
		    d->conf.sampler.n);
	JU("uptime_ms", d->now);
	fprintf(f, "\"flows\":{");
	JU("active", fs->active);
	JU("peak", fs->peak);
	JU("peak_age_ms", d->now - fs->peak_at);
	JU("memory", ft_memory(d->ft));
	JU("hashsize", ft_hashsize(d->ft));
	JU("lookups", fs->lookups);
	JU("searched", fs->searched);
	JU("new", fs->new_flows);
	JU("metered_pkts", fs->pkts);
	JU("metered_bytes", fs->bytes);
	JU("exported_inactive", fs->exported[FT_EXP_INACTIVE]);
	JU("exported_active", fs->exported[FT_EXP_ACTIVE]);
	JU("exported_overflow", fs->exported[FT_EXP_OVERFLOW]);
	JU("exported_forced", fs->exported[FT_EXP_FORCED]);
	JU("rehashes", fs->rehashes);
	JU("tcp_closing", fs->tcp_closing);
	fprintf(f, "\"maxflows\":%u},", d->conf.maxflows);
	fprintf(f, "\"rates\":{\"pps\":%.1f,\"bps\":%.1f,\"pps_1m\":%.1f,"
	    "\"bps_1m\":%.1f,\"pps_5m\":%.1f,\"bps_5m\":%.1f},", d->rates.pps,
	    d->rates.bps, d->rates.pps1, d->rates.bps1, d->rates.pps5,
	    d->rates.bps5);
	fprintf(f, "\"traffic\":{");
	JU("pkts", d->ps.pkts);
	JU("bytes", d->ps.bytes);
	JU("own_export", d->ps.own);
	JU("super_packets", d->ps.super);
	JU("super_wire_packets", d->ps.super_wire);
	JU("big_tcp_unknown", d->ps.big_unknown);
	fprintf(f, "\"fragments\":%" PRIu64 "},", d->ps.fragments);
	fprintf(f, "\"drops\":{");
	JU("maxflows_pkts", fs->drop_maxflows_pkts);
	JU("maxflows_bytes", fs->drop_maxflows_bytes);
	JU("alloc_pkts", fs->drop_alloc_pkts);
	JU("alloc_bytes", fs->drop_alloc_bytes);
	JU("truncated", d->ps.truncated);
	JU("malformed", d->ps.malformed);
	fprintf(f, "\"ignored\":%" PRIu64 "},", d->ps.ignored);
	fprintf(f, "\"nflog\":{");
	JU("group", d->conf.nflog_group);
	JU("batches", ns->batches);
	JU("messages", ns->msgs);
	JU("lost", ns->lost);
	JU("overruns", ns->overruns);
	JU("truncated_batches", ns->truncated);
	JU("bad", ns->bad);
	JU("previous_group", ns->old_msgs);
	fprintf(f, "\"rcvbuf\":%d},", ns->rcvbuf);
	fprintf(f, "\"export\":{");
	JU("datagrams", xs->datagrams);
	JU("flows", xs->flows);
	JU("packets", xs->packets);
	JU("bytes", xs->bytes);
	JU("protocol", export_protocol(d->xp));
	JU("templates", xs->templates);
	JU("options", xs->options);
	JU("unsupported", xs->unsupported);
	JU("unsupported_packets", xs->unsupported_packets);
	JU("unsupported_bytes", xs->unsupported_bytes);
	fprintf(f, "\"sockets\":[");
	for (i = 0; i < xs->nsocks; i++) {
		const struct export_sock_stats *s = &xs->sock[i];

		fprintf(f, "%s{\"destination\":\"%s\",", i ? "," : "", s->text);
		JU("ok", s->ok);
		JU("fail", s->fail);
		JU("refused", s->refused);
		JU("sndbuf_full", s->sndbuf_full);
		JU("bytes", s->bytes);
		JU("queued", s->q.len);
		JU("queue_peak", s->q.peak);
		JU("lost_datagrams", s->q.lost_dgrams);
		JU("lost_flows", s->q.lost_flows);
		JU("lost_packets", s->q.lost_packets);
		JU("lost_bytes", s->q.lost_bytes);
		fprintf(f, "\"sndbuf\":%d}", s->sndbuf);
	}
	fprintf(f, "]},");
	if (d->ct) {
		ctin_stats_json(d->ct, f);
		fputc(',', f);
	}
	if (d->cs) {
		const struct ctlsrv_stats *cs = ctlsrv_stats(d->cs);

		fprintf(f, "\"control\":{");
		JU("clients", cs->open);
		JU("accepted", cs->accepted);
		JU("answered", cs->answered);
		JU("timed_out", cs->timed_out);
		JU("busy", cs->busy);
		fprintf(f, "\"failed\":%" PRIu64 "},", cs->failed);
	}
	fprintf(f, "\"reload\":{");
	JU("ok", d->reloads);
	fprintf(f, "\"rejected\":%" PRIu64 "}}\n", d->reload_errors);
}

void
stats_prometheus(const struct daemon *d, FILE *f)
{
	const struct ft_stats *fs = ft_stats(d->ft);
	struct ctin_counters ct;
	struct metrics_view v = {
		.version = NFN_VERSION,
		.capture = conf_capture_name(d->conf.capture),
		.protocol = d->conf.protocol,
		.nflog_group = d->conf.nflog_group,
		.uptime_ms = d->now,
		.active_timeout = d->conf.active_timeout,
		.inactive_timeout = d->conf.inactive_timeout,
		.maxflows = d->conf.maxflows,
		.hashsize = ft_hashsize(d->ft),
		.peak_age_ms = d->now - fs->peak_at,
		.memory = ft_memory(d->ft),
		.flow = fs,
		.pkt = &d->ps,
		.rates = &d->rates,
		.nlg = nlgs(d),
		.exp = export_stats(d->xp),
		.reloads = d->reloads,
		.reload_errors = d->reload_errors,
	};

	if (d->ct) {
		ctin_counters(d->ct, &ct);
		v.ct = &ct;
	}
	metrics_write(&v, f);
}

struct flows_ctx {
	FILE *f;
	int json, n;
	uint32_t now;
};

static void
flow_line(void *arg, const struct flow_rec *r, uint32_t now)
{
	struct flows_ctx *c = arg;
	char s[INET6_ADDRSTRLEN], t[INET6_ADDRSTRLEN];

	if (r->v6 != NULL) {
		inet_ntop(AF_INET6, r->v6->src, s, sizeof(s));
		inet_ntop(AF_INET6, r->v6->dst, t, sizeof(t));
	} else {
		inet_ntop(AF_INET, &r->key.src, s, sizeof(s));
		inet_ntop(AF_INET, &r->key.dst, t, sizeof(t));
	}
	if (c->json)
		fprintf(c->f, "%s{\"in\":%u,\"src\":\"%s\",\"sport\":%u,"
		    "\"out\":%u,\"dst\":\"%s\",\"dport\":%u,\"proto\":%u,"
		    "\"tos\":%u,\"packets\":%u,\"bytes\":%u,\"age_ms\":%u,"
		    "\"idle_ms\":%u}", c->n ? "," : "", r->key.ifin, s,
		    r->key.sport, r->ifout, t, r->key.dport, r->key.proto,
		    r->key.tos, r->packets, r->bytes, c->now - r->first,
		    c->now - r->last);
	else
		fprintf(c->f, "%-5u %-15s %5u %-5u %-15s %5u %3u %10u %12u "
		    "%8.1f\n", r->key.ifin, s, r->key.sport, r->ifout, t,
		    r->key.dport, r->key.proto, r->packets, r->bytes,
		    (c->now - r->first) / 1000.0);
	c->n++;
}

void
stats_flows_begin(struct stats_cursor *c, FILE *f, int json)
{
	memset(c, 0, sizeof(*c));
	c->json = json;
	if (json)
		fputc('[', f);
	else
		fprintf(f, "%-5s %-15s %5s %-5s %-15s %5s %3s %10s %12s %8s\n",
		    "SrcIf", "SrcIPaddress", "SrcP", "DstIf", "DstIPaddress",
		    "DstP", "Pr", "Pkts", "Bytes", "Age(s)");
}

/*
 * The flow table by slab index, then (capture = conntrack, which keeps its
 * connections out of the flow table) the connection table by bucket.
 */
int
stats_flows_step(struct daemon *d, struct stats_cursor *c, FILE *f,
    uint32_t max)
{
	struct flows_ctx x = { .f = f, .json = c->json, .n = c->n,
	    .now = d->now };
	struct rec_sink sink = { flow_line, &x };

	if (c->phase == 0) {
		c->pos = ft_walk_from(d->ft, c->pos, max, sink, d->now);
		if (c->pos == FT_WALK_END)
			c->phase = d->ct ? 1 : 2;
	} else if (c->phase == 1) {
		/* a live change cannot take conntrack away, but be sure */
		if (d->ct == NULL ||
		    ctin_walk_from(d->ct, &c->ctpos, max, d->now, sink))
			c->phase = 2;
	}
	c->n = x.n;
	if (c->phase != 2)
		return 0;
	if (c->json)
		fputs("]\n", f);
	return 1;
}

void
stats_flows(struct daemon *d, FILE *f, int json)
{
	struct stats_cursor c;

	stats_flows_begin(&c, f, json);
	while (!stats_flows_step(d, &c, f, STATS_FLOWS_STEP))
		;
}
