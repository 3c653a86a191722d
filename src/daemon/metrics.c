/*
 * metrics: the Prometheus text format of the statistics.  See metrics.h.
 *
 * One family per statistic, in the order of the "stats" text.  Samples of
 * a family are printed together under its HELP and TYPE lines, as the
 * format requires.  Every name below is a documented interface
 * (nft-netflowd(8)): rename nothing without saying so there.
 */
#include <inttypes.h>
#include <stdio.h>

#include "daemon/daemon_priv.h"
#include "daemon/ctl.h"
#include "daemon/metrics.h"
#include "input/ctconn.h"
#include "input/ctend.h"
#include "input/ctmode.h"
#include "input/ctnl.h"

#define P "nft_netflow_"

static void
family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP " P "%s %s\n# TYPE " P "%s %s\n", name, help, name,
	    type);
}

/* One sample; labels is the text between the braces, or NULL. */
static void
sample(FILE *f, const char *name, const char *labels, uint64_t v)
{
	if (labels)
		fprintf(f, P "%s{%s} %" PRIu64 "\n", name, labels, v);
	else
		fprintf(f, P "%s %" PRIu64 "\n", name, v);
}

static void
sample_f(FILE *f, const char *name, const char *labels, double v)
{
	if (labels)
		fprintf(f, P "%s{%s} %.3f\n", name, labels, v);
	else
		fprintf(f, P "%s %.3f\n", name, v);
}

/* A family of one unlabelled sample. */
static void
one(FILE *f, const char *name, const char *type, const char *help,
    uint64_t v)
{
	family(f, name, type, help);
	sample(f, name, NULL, v);
}

#define COUNTER(name, help, v)	one(f, name, "counter", help, v)
#define GAUGE(name, help, v)	one(f, name, "gauge", help, v)

void
metrics_escape(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (; *s && o + 3 <= len; s++) {
		if (*s == '\\' || *s == '"' || *s == '\n') {
			buf[o++] = '\\';
			buf[o++] = *s == '\n' ? 'n' : *s;
		} else {
			buf[o++] = *s;
		}
	}
	if (len)
		buf[o < len ? o : len - 1] = '\0';
}

static void
write_flows(const struct metrics_view *v, FILE *f)
{
	static const char *const reasons[FT_EXP_NREASONS] = {
		[FT_EXP_INACTIVE] = "inactive", [FT_EXP_ACTIVE] = "active",
		[FT_EXP_OVERFLOW] = "overflow", [FT_EXP_FORCED] = "forced" };
	const struct ft_stats *fs = v->flow;
	char lab[64];
	int i;

	GAUGE("flows_active", "Flows in the flow table", fs->active);
	GAUGE("flows_peak", "Most flows in the table at once", fs->peak);
	family(f, "flows_peak_age_seconds", "gauge",
	    "Time since the peak of active flows was reached");
	sample_f(f, "flows_peak_age_seconds", NULL, v->peak_age_ms / 1000.0);
	GAUGE("flows_memory_bytes", "Memory held by the flow table (entries "
	    "and buckets)", v->memory);
	GAUGE("flows_limit", "maxflows: most flows tracked, 0 = unlimited",
	    v->maxflows);
	GAUGE("active_timeout_seconds", "active_timeout: a flow older than "
	    "this is exported and restarted", v->active_timeout);
	GAUGE("inactive_timeout_seconds", "inactive_timeout: a flow idle this "
	    "long is exported", v->inactive_timeout);
	GAUGE("hash_buckets", "Buckets of the flow hash", v->hashsize);
	COUNTER("hash_lookups_total", "Flow hash lookups (one per packet)",
	    fs->lookups);
	COUNTER("hash_searched_entries_total", "Flow entries compared in "
	    "lookups (divided by lookups: the hash metric, 1.0 ideal)",
	    fs->searched);
	COUNTER("hash_rehashes_total", "Rehashes of the flow table",
	    fs->rehashes);
	COUNTER("flows_created_total", "Flows created", fs->new_flows);
	COUNTER("metered_packets_total", "Packets metered into flows",
	    fs->pkts);
	COUNTER("metered_bytes_total", "IP bytes metered into flows",
	    fs->bytes);
	COUNTER("flows_tcp_closed_total", "TCP flows ended by their FIN or "
	    "RST flags (without conntrack)", fs->tcp_closing);
	family(f, "flows_expired_total", "counter", "Flows exported from the "
	    "table, by expiry reason");
	for (i = 0; i < FT_EXP_NREASONS; i++) {
		snprintf(lab, sizeof(lab), "reason=\"%s\"", reasons[i]);
		sample(f, "flows_expired_total", lab, fs->exported[i]);
	}
}

static void
write_traffic(const struct metrics_view *v, FILE *f)
{
	const struct daemon_rates *r = v->rates;
	const struct {
		const char *win;
		double pps, bps;
	} w[] = { { "1s", r->pps, r->bps }, { "1m", r->pps1, r->bps1 },
	    { "5m", r->pps5, r->bps5 } };
	char lab[32];
	size_t i;

	family(f, "rate_packets_per_second", "gauge", "Packets per second "
	    "seen, over the last second and 1 and 5 minute averages");
	for (i = 0; i < 3; i++) {
		snprintf(lab, sizeof(lab), "window=\"%s\"", w[i].win);
		sample_f(f, "rate_packets_per_second", lab, w[i].pps);
	}
	family(f, "rate_bytes_per_second", "gauge", "IP bytes per second "
	    "seen, same windows");
	for (i = 0; i < 3; i++) {
		snprintf(lab, sizeof(lab), "window=\"%s\"", w[i].win);
		sample_f(f, "rate_bytes_per_second", lab, w[i].bps / 8);
	}
	COUNTER("traffic_packets_total", "IPv4 packets keyed by the packet "
	    "path", v->pkt->pkts);
	COUNTER("traffic_bytes_total", "IP bytes of the packets keyed",
	    v->pkt->bytes);
	COUNTER("traffic_fragments_total", "IP fragments seen",
	    v->pkt->fragments);
	COUNTER("traffic_super_packets_total", "GRO/TSO super-packets: "
	    "messages larger than their interface's MTU", v->pkt->super);
	COUNTER("traffic_super_wire_packets_total", "Wire packets the "
	    "super-packets stood for", v->pkt->super_wire);
	COUNTER("traffic_own_export_packets_total", "The daemon's own export "
	    "datagrams and ICMP errors about them, not metered", v->pkt->own);
}

static void
write_drops(const struct metrics_view *v, FILE *f)
{
	const struct ft_stats *fs = v->flow;
	const struct ctmode_stats *m = v->ct ? v->ct->mode : NULL;

	family(f, "dropped_packets_total", "counter", "Packets not metered, "
	    "by cause (ignored: not IPv4, which NetFlow v5 cannot carry)");
	sample(f, "dropped_packets_total", "cause=\"maxflows\"",
	    fs->drop_maxflows_pkts);
	sample(f, "dropped_packets_total", "cause=\"alloc\"",
	    fs->drop_alloc_pkts);
	sample(f, "dropped_packets_total", "cause=\"truncated\"",
	    v->pkt->truncated);
	sample(f, "dropped_packets_total", "cause=\"malformed\"",
	    v->pkt->malformed);
	sample(f, "dropped_packets_total", "cause=\"ignored\"",
	    v->pkt->ignored);
	sample(f, "dropped_packets_total", "cause=\"big_tcp_unknown\"",
	    v->pkt->big_unknown);
	if (m)
		sample(f, "dropped_packets_total",
		    "cause=\"conntrack_maxflows\"", m->drop_pkts);
	family(f, "dropped_bytes_total", "counter", "IP bytes of the packets "
	    "not metered, by cause (where known)");
	sample(f, "dropped_bytes_total", "cause=\"maxflows\"",
	    fs->drop_maxflows_bytes);
	sample(f, "dropped_bytes_total", "cause=\"alloc\"",
	    fs->drop_alloc_bytes);
	if (m)
		sample(f, "dropped_bytes_total",
		    "cause=\"conntrack_maxflows\"", m->drop_bytes);
}

static void
write_nflog(const struct metrics_view *v, FILE *f)
{
	const struct nlg_stats *n = v->nlg;

	COUNTER("nflog_batches_total", "NFLOG receives that returned data",
	    n->batches);
	COUNTER("nflog_messages_total", "NFLOG packet messages received",
	    n->msgs);
	COUNTER("nflog_lost_messages_total", "NFLOG messages the kernel "
	    "logged but never delivered (sequence gaps)", n->lost);
	COUNTER("nflog_overruns_total", "NFLOG socket overruns (ENOBUFS)",
	    n->overruns);
	COUNTER("nflog_truncated_batches_total", "NFLOG batches cut short "
	    "(MSG_TRUNC)", n->truncated);
	COUNTER("nflog_bad_messages_total", "Malformed NFLOG messages "
	    "skipped", n->bad);
	COUNTER("nflog_previous_group_messages_total", "NFLOG messages from "
	    "the previous group after a live change of nflog_group",
	    n->old_msgs);
	GAUGE("nflog_receive_buffer_bytes", "NFLOG socket receive buffer in "
	    "effect", n->rcvbuf < 0 ? 0 : (uint64_t)n->rcvbuf);
}

/* One sample per destination socket of a per-socket counter. */
#define PER_DEST(name, field)						\
	for (i = 0; i < x->nsocks; i++) {				\
		metrics_escape(x->sock[i].text, dst, sizeof(dst));	\
		snprintf(lab, sizeof(lab), "destination=\"%s\"", dst);	\
		sample(f, name, lab, x->sock[i].field);			\
	}

static void
write_export(const struct metrics_view *v, FILE *f)
{
	static const char *const errs[] = { "refused", "buffer_full",
	    "other" };
	const struct export_stats *x = v->exp;
	char dst[200], lab[256];
	uint64_t e[3];
	uint32_t i;
	int k;

	COUNTER("export_datagrams_total", "Export datagrams built",
	    x->datagrams);
	COUNTER("export_flows_total", "Flow records exported", x->flows);
	COUNTER("export_packets_total", "Packets in the records exported",
	    x->packets);
	COUNTER("export_bytes_total", "IP bytes in the records exported",
	    x->bytes);
	COUNTER("export_template_datagrams_total", "v9/IPFIX datagrams that "
	    "carried the templates", x->templates);
	COUNTER("export_options_datagrams_total", "v9/IPFIX options "
	    "datagrams (exporter statistics, interface names)", x->options);
	COUNTER("export_unsupported_flows_total", "Flows the export "
	    "protocol cannot carry (IPv6 under NetFlow v5)", x->unsupported);
	family(f, "export_sent_datagrams_total", "counter", "Datagrams sent, "
	    "per destination");
	PER_DEST("export_sent_datagrams_total", ok);
	family(f, "export_sent_bytes_total", "counter", "Bytes sent, per "
	    "destination");
	PER_DEST("export_sent_bytes_total", bytes);
	family(f, "export_errors_total", "counter", "Datagrams not sent, per "
	    "destination and error (refused: ICMP port unreachable; "
	    "buffer_full: send buffer full)");
	for (i = 0; i < x->nsocks; i++) {
		e[0] = x->sock[i].refused;
		e[1] = x->sock[i].sndbuf_full;
		e[2] = x->sock[i].fail;
		metrics_escape(x->sock[i].text, dst, sizeof(dst));
		for (k = 0; k < 3; k++) {
			snprintf(lab, sizeof(lab), "destination=\"%s\","
			    "error=\"%s\"", dst, errs[k]);
			sample(f, "export_errors_total", lab, e[k]);
		}
	}
	family(f, "export_send_buffer_bytes", "gauge", "Send buffer in "
	    "effect, per destination socket");
	PER_DEST("export_send_buffer_bytes", sndbuf);
}

static void
write_conntrack(const struct ctin_counters *c, FILE *f)
{
	const struct ctnl_stats *n = c->nl;
	static const char *const ev[] = { "new", "update", "destroy",
	    "ignored" };
	uint64_t evn[] = { n->ev_new, n->ev_update, n->ev_destroy,
	    n->ev_ignored + n->ev_other };
	char lab[32];
	size_t i;

	family(f, "conntrack_events_total", "counter", "Conntrack events "
	    "read, by type (ignored: not IPv4 or not conntrack)");
	for (i = 0; i < 4; i++) {
		snprintf(lab, sizeof(lab), "type=\"%s\"", ev[i]);
		sample(f, "conntrack_events_total", lab, evn[i]);
	}
	COUNTER("conntrack_parse_errors_total", "Conntrack events that could "
	    "not be parsed", n->parse_errors);
	COUNTER("conntrack_overruns_total", "Conntrack event socket overruns "
	    "(ENOBUFS)", n->overruns);
	COUNTER("conntrack_resyncs_total", "Conntrack table dumps after an "
	    "overrun", c->mode ? c->mode->resyncs : 0);
	GAUGE("conntrack_receive_buffer_bytes", "Conntrack event socket "
	    "receive buffer in effect", n->rcvbuf < 0 ? 0 : n->rcvbuf);
	GAUGE("conntrack_receive_buffer_requested_bytes", "Conntrack event "
	    "socket receive buffer asked for", n->rcvbuf_set < 0 ? 0 :
	    n->rcvbuf_set);
	GAUGE("conntrack_receive_buffer_max_bytes", "conntrack_rcvbuf_max: "
	    "cap of the receive buffer", n->rcvbuf_max < 0 ? 0 :
	    n->rcvbuf_max);
	GAUGE("conntrack_reliable", "1 if conntrack_reliable is on",
	    n->reliable != 0);
	COUNTER("conntrack_nat_events_total", "NAT event records sent",
	    c->nat_events);
	COUNTER("conntrack_own_export_skipped_total", "Events of the "
	    "daemon's own export connections, skipped", n->ev_own);
	COUNTER("conntrack_event_reads_total", "Reads of the conntrack event "
	    "socket that got any datagram", n->reads);
	COUNTER("conntrack_event_datagrams_total", "Datagrams those reads "
	    "got", n->datagrams);
	if (c->end) {
		COUNTER("conntrack_ended_connections_total", "Connections "
		    "that ended (capture nflog)", c->end->conns);
		COUNTER("conntrack_ended_flows_total", "Flows exported "
		    "because their connection ended", c->end->flows);
		GAUGE("conntrack_ended_pending", "Ended connections whose "
		    "flows are not exported yet", c->end->pending);
	}
	if (c->table == NULL || c->mode == NULL)
		return;
	GAUGE("conntrack_connections_tracked", "Connections tracked "
	    "(capture conntrack)", c->table->tracked);
	GAUGE("conntrack_connections_peak", "Most connections tracked at "
	    "once", c->table->peak);
	COUNTER("conntrack_connections_new_total", "Connections that "
	    "started being tracked", c->table->inserted);
	COUNTER("conntrack_connections_destroyed_total", "Connections "
	    "exported at their end", c->table->destroyed);
	COUNTER("conntrack_active_exports_total", "Delta exports of "
	    "connections alive past active_timeout", c->table->periodic);
	COUNTER("conntrack_resynced_total", "Connections found gone at a "
	    "resync and exported then", c->table->swept);
	COUNTER("conntrack_untracked_total", "Ends of connections not "
	    "tracked, exported whole", c->table->untracked);
	COUNTER("conntrack_records_total", "Flow records made from "
	    "connections", c->table->records);
	COUNTER("conntrack_dropped_connections_total", "Connections not "
	    "tracked: maxflows reached", c->table->dropped);
	COUNTER("conntrack_no_accounting_total", "Connection ends without "
	    "counters", c->mode->no_acct);
	COUNTER("conntrack_get_errors_total", "Failed queries of a "
	    "connection's counters", c->mode->get_errors);
}

void
metrics_write(const struct metrics_view *v, FILE *f)
{
	char ver[64], lab[160];

	ctl_metrics_up(f, 1);
	metrics_escape(v->version, ver, sizeof(ver));
	snprintf(lab, sizeof(lab), "version=\"%s\",capture=\"%s\","
	    "protocol=\"%u\",nflog_group=\"%u\"", ver, v->capture, v->protocol,
	    v->nflog_group);
	family(f, "info", "gauge", "Version, capture mode, export protocol "
	    "and NFLOG group of the daemon (always 1)");
	sample(f, "info", lab, 1);
	family(f, "uptime_seconds", "gauge", "Time since the daemon started");
	sample_f(f, "uptime_seconds", NULL, v->uptime_ms / 1000.0);
	write_flows(v, f);
	write_traffic(v, f);
	write_drops(v, f);
	write_nflog(v, f);
	write_export(v, f);
	if (v->ct)
		write_conntrack(v->ct, f);
	family(f, "reloads_total", "counter", "Configuration reloads (SIGHUP or "
	    "reload), by result");
	sample(f, "reloads_total", "result=\"ok\"", v->reloads);
	sample(f, "reloads_total", "result=\"rejected\"", v->reload_errors);
}
