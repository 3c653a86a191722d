/*
 * test-metrics: the Prometheus text of known counters.  Every counter gets
 * a different value, so a field printed under the wrong name is caught;
 * the whole output is also checked against the format's rules (HELP and
 * TYPE before the samples of each family, each family once, counters
 * named _total, label values escaped).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/check.h"
#include "daemon/daemon_priv.h"
#include "daemon/ctl.h"
#include "daemon/metrics.h"
#include "input/ctconn.h"
#include "input/ctend.h"
#include "input/ctmode.h"
#include "input/ctnl.h"

static struct ft_stats fs;
static struct daemon_pstats ps;
static struct daemon_rates rates;
static struct nlg_stats ns;
static struct export_stats xs;
static struct ctnl_stats nl;
static struct ctend_stats end;
static struct ctmode_stats mode;
static struct ctconn_stats tab;

static void
fill(struct metrics_view *v)
{
	memset(v, 0, sizeof(*v));
	fs = (struct ft_stats){ .lookups = 101, .searched = 102,
	    .new_flows = 103, .pkts = 104, .bytes = 105,
	    .drop_maxflows_pkts = 106, .drop_maxflows_bytes = 107,
	    .drop_alloc_pkts = 108, .drop_alloc_bytes = 109,
	    .exported = { 110, 111, 112, 113 }, .active = 114, .peak = 115,
	    .rehashes = 116, .tcp_closing = 117 };
	ps = (struct daemon_pstats){ .pkts = 201, .bytes = 202,
	    .truncated = 203, .malformed = 204, .ignored = 205,
	    .fragments = 206, .own = 207, .super = 208, .super_wire = 209,
	    .big_unknown = 210 };
	rates = (struct daemon_rates){ .pps = 10, .bps = 800, .pps1 = 20,
	    .bps1 = 1600, .pps5 = 30.5, .bps5 = 2404 };
	ns = (struct nlg_stats){ .batches = 301, .msgs = 302, .lost = 303,
	    .overruns = 304, .truncated = 305, .bad = 306, .rcvbuf = 307,
	    .old_msgs = 308 };
	xs = (struct export_stats){ .datagrams = 401, .flows = 402,
	    .packets = 403, .bytes = 404, .templates = 405, .options = 406,
	    .unsupported = 407, .nsocks = 2 };
	snprintf(xs.sock[0].text, sizeof(xs.sock[0].text), "127.0.0.1:2055");
	xs.sock[0].ok = 411;
	xs.sock[0].fail = 412;
	xs.sock[0].refused = 413;
	xs.sock[0].sndbuf_full = 414;
	xs.sock[0].bytes = 415;
	xs.sock[0].sndbuf = 416;
	snprintf(xs.sock[1].text, sizeof(xs.sock[1].text), "[2001:2::9]:9995");
	xs.sock[1].ok = 421;
	xs.sock[1].refused = 423;
	v->version = "0.1.0";
	v->capture = "nflog";
	v->protocol = 5;
	v->nflog_group = 7;
	v->uptime_ms = 12345;
	v->active_timeout = 1800;
	v->inactive_timeout = 15;
	v->maxflows = 2000000;
	v->hashsize = 4096;
	v->peak_age_ms = 2500;
	v->memory = 65536;
	v->flow = &fs;
	v->pkt = &ps;
	v->rates = &rates;
	v->nlg = &ns;
	v->exp = &xs;
	v->reloads = 3;
	v->reload_errors = 4;
}

static char *
render(const struct metrics_view *v)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	metrics_write(v, f);
	fclose(f);
	return buf;
}

/* The output holds this exact line. */
static int
has_line(const char *out, const char *line)
{
	size_t n = strlen(line);
	const char *p = out;

	while ((p = strstr(p, line)) != NULL) {
		if ((p == out || p[-1] == '\n') && p[n] == '\n')
			return 1;
		p += n;
	}
	return 0;
}

#define LINE(out, l)							\
	do {								\
		if (!has_line(out, l))					\
			fprintf(stderr, "missing line: %s\n", l);	\
		CHECK(has_line(out, l));				\
	} while (0)

/*
 * The format's rules, line by line: a sample's family was announced by
 * HELP then TYPE just before its first sample, no family is announced
 * twice or interleaved with another, counter names end in _total.
 */
static void
check_format(const char *out)
{
	char *copy = strdup(out), *save, *l, fam[128] = "", type[16] = "";
	char seen[8192] = " ", key[140];
	int ok = 1, help = 0;

	for (l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n",
	    &save)) {
		char name[128];
		size_t n;

		if (strncmp(l, "# HELP ", 7) == 0) {
			n = strcspn(l + 7, " ");
			snprintf(fam, sizeof(fam), "%.*s", (int)n, l + 7);
			snprintf(key, sizeof(key), " %s ", fam);
			if (strstr(seen, key)) {
				fprintf(stderr, "family twice: %s\n", fam);
				ok = 0;
			}
			strncat(seen, key + 1, sizeof(seen) - strlen(seen) - 1);
			help = 1;
			type[0] = '\0';
			continue;
		}
		if (strncmp(l, "# TYPE ", 7) == 0) {
			n = strlen(fam);
			if (!help || strncmp(l + 7, fam, n) != 0 ||
			    l[7 + n] != ' ') {
				fprintf(stderr, "TYPE without HELP: %s\n", l);
				ok = 0;
			}
			snprintf(type, sizeof(type), "%s", l + 8 + n);
			if (strcmp(type, "counter") == 0 &&
			    (n < 6 || strcmp(fam + n - 6, "_total") != 0)) {
				fprintf(stderr, "counter not _total: %s\n", fam);
				ok = 0;
			}
			help = 0;
			continue;
		}
		n = strcspn(l, "{ ");
		snprintf(name, sizeof(name), "%.*s", (int)n, l);
		if (strcmp(name, fam) != 0 || type[0] == '\0' ||
		    strncmp(name, "nft_netflow_", 12) != 0) {
			fprintf(stderr, "sample outside its family: %s\n", l);
			ok = 0;
		}
	}
	free(copy);
	CHECK(ok);
}

static void
test_nflog(void)
{
	struct metrics_view v;
	char *out;

	fill(&v);
	out = render(&v);
	check_format(out);
	LINE(out, "# HELP nft_netflow_up 1 if nft-netflowd answered on its "
	    "control socket");
	LINE(out, "# TYPE nft_netflow_up gauge");
	LINE(out, "nft_netflow_up 1");
	LINE(out, "nft_netflow_info{version=\"0.1.0\",capture=\"nflog\","
	    "protocol=\"5\",nflog_group=\"7\"} 1");
	LINE(out, "nft_netflow_uptime_seconds 12.345");
	LINE(out, "nft_netflow_flows_active 114");
	LINE(out, "nft_netflow_flows_peak 115");
	LINE(out, "nft_netflow_flows_peak_age_seconds 2.500");
	LINE(out, "nft_netflow_flows_memory_bytes 65536");
	LINE(out, "nft_netflow_flows_limit 2000000");
	LINE(out, "nft_netflow_active_timeout_seconds 1800");
	LINE(out, "nft_netflow_inactive_timeout_seconds 15");
	LINE(out, "nft_netflow_hash_buckets 4096");
	LINE(out, "# TYPE nft_netflow_hash_lookups_total counter");
	LINE(out, "nft_netflow_hash_lookups_total 101");
	LINE(out, "nft_netflow_hash_searched_entries_total 102");
	LINE(out, "nft_netflow_hash_rehashes_total 116");
	LINE(out, "nft_netflow_flows_created_total 103");
	LINE(out, "nft_netflow_metered_packets_total 104");
	LINE(out, "nft_netflow_metered_bytes_total 105");
	LINE(out, "nft_netflow_flows_expired_total{reason=\"inactive\"} 110");
	LINE(out, "nft_netflow_flows_expired_total{reason=\"active\"} 111");
	LINE(out, "nft_netflow_flows_expired_total{reason=\"overflow\"} 112");
	LINE(out, "nft_netflow_flows_expired_total{reason=\"forced\"} 113");
	LINE(out, "nft_netflow_rate_packets_per_second{window=\"1s\"} 10.000");
	LINE(out, "nft_netflow_rate_packets_per_second{window=\"5m\"} 30.500");
	LINE(out, "nft_netflow_rate_bytes_per_second{window=\"1s\"} 100.000");
	LINE(out, "nft_netflow_rate_bytes_per_second{window=\"1m\"} 200.000");
	LINE(out, "nft_netflow_rate_bytes_per_second{window=\"5m\"} 300.500");
	LINE(out, "nft_netflow_traffic_packets_total 201");
	LINE(out, "nft_netflow_traffic_bytes_total 202");
	LINE(out, "nft_netflow_traffic_fragments_total 206");
	LINE(out, "nft_netflow_traffic_own_export_packets_total 207");
	LINE(out, "nft_netflow_traffic_super_packets_total 208");
	LINE(out, "nft_netflow_traffic_super_wire_packets_total 209");
	LINE(out, "nft_netflow_dropped_packets_total{cause=\"big_tcp_unknown\"} "
	    "210");
	LINE(out, "nft_netflow_flows_tcp_closed_total 117");
	LINE(out, "nft_netflow_nflog_previous_group_messages_total 308");
	LINE(out, "nft_netflow_dropped_packets_total{cause=\"maxflows\"} 106");
	LINE(out, "nft_netflow_dropped_packets_total{cause=\"alloc\"} 108");
	LINE(out, "nft_netflow_dropped_packets_total{cause=\"truncated\"} 203");
	LINE(out, "nft_netflow_dropped_packets_total{cause=\"malformed\"} 204");
	LINE(out, "nft_netflow_dropped_packets_total{cause=\"ignored\"} 205");
	LINE(out, "nft_netflow_dropped_bytes_total{cause=\"maxflows\"} 107");
	LINE(out, "nft_netflow_dropped_bytes_total{cause=\"alloc\"} 109");
	LINE(out, "nft_netflow_nflog_batches_total 301");
	LINE(out, "nft_netflow_nflog_messages_total 302");
	LINE(out, "nft_netflow_nflog_lost_messages_total 303");
	LINE(out, "nft_netflow_nflog_overruns_total 304");
	LINE(out, "nft_netflow_nflog_truncated_batches_total 305");
	LINE(out, "nft_netflow_nflog_bad_messages_total 306");
	LINE(out, "nft_netflow_nflog_receive_buffer_bytes 307");
	LINE(out, "nft_netflow_export_datagrams_total 401");
	LINE(out, "nft_netflow_export_flows_total 402");
	LINE(out, "nft_netflow_export_packets_total 403");
	LINE(out, "nft_netflow_export_bytes_total 404");
	LINE(out, "nft_netflow_export_template_datagrams_total 405");
	LINE(out, "nft_netflow_export_options_datagrams_total 406");
	LINE(out, "nft_netflow_export_unsupported_flows_total 407");
	LINE(out, "nft_netflow_export_sent_datagrams_total{destination="
	    "\"127.0.0.1:2055\"} 411");
	LINE(out, "nft_netflow_export_sent_datagrams_total{destination="
	    "\"[2001:2::9]:9995\"} 421");
	LINE(out, "nft_netflow_export_sent_bytes_total{destination="
	    "\"127.0.0.1:2055\"} 415");
	LINE(out, "nft_netflow_export_errors_total{destination="
	    "\"127.0.0.1:2055\",error=\"refused\"} 413");
	LINE(out, "nft_netflow_export_errors_total{destination="
	    "\"127.0.0.1:2055\",error=\"buffer_full\"} 414");
	LINE(out, "nft_netflow_export_errors_total{destination="
	    "\"127.0.0.1:2055\",error=\"other\"} 412");
	LINE(out, "nft_netflow_export_errors_total{destination="
	    "\"[2001:2::9]:9995\",error=\"refused\"} 423");
	LINE(out, "nft_netflow_export_send_buffer_bytes{destination="
	    "\"127.0.0.1:2055\"} 416");
	LINE(out, "nft_netflow_reloads_total{result=\"ok\"} 3");
	LINE(out, "nft_netflow_reloads_total{result=\"rejected\"} 4");
	/* no conntrack: none of its families */
	CHECK(strstr(out, "conntrack_") == NULL);
	free(out);
}

static void
test_conntrack(void)
{
	struct ctin_counters ct = { .nl = &nl, .mode = &mode, .table = &tab,
	    .nat_events = 509 };
	struct metrics_view v;
	char *out;

	nl = (struct ctnl_stats){ .ev_new = 501, .ev_update = 502,
	    .ev_destroy = 503, .ev_other = 1, .ev_ignored = 503, .ev_own = 505,
	    .parse_errors = 506, .overruns = 507, .rcvbuf_set = 1000,
	    .rcvbuf_max = 2000, .rcvbuf = 3000, .reliable = 1, .reads = 510,
	    .datagrams = 511 };
	mode = (struct ctmode_stats){ .resyncs = 601, .get_errors = 602,
	    .drop_pkts = 603, .drop_bytes = 604, .no_acct = 605 };
	tab = (struct ctconn_stats){ .tracked = 701, .peak = 702,
	    .inserted = 703, .dropped = 704, .destroyed = 705,
	    .periodic = 706, .swept = 707, .untracked = 708, .records = 709 };
	fill(&v);
	v.capture = "conntrack";
	v.ct = &ct;
	out = render(&v);
	check_format(out);
	LINE(out, "nft_netflow_info{version=\"0.1.0\",capture=\"conntrack\","
	    "protocol=\"5\",nflog_group=\"7\"} 1");
	LINE(out, "nft_netflow_conntrack_events_total{type=\"new\"} 501");
	LINE(out, "nft_netflow_conntrack_events_total{type=\"update\"} 502");
	LINE(out, "nft_netflow_conntrack_events_total{type=\"destroy\"} 503");
	LINE(out, "nft_netflow_conntrack_events_total{type=\"ignored\"} 504");
	LINE(out, "nft_netflow_conntrack_parse_errors_total 506");
	LINE(out, "nft_netflow_conntrack_overruns_total 507");
	LINE(out, "nft_netflow_conntrack_resyncs_total 601");
	LINE(out, "nft_netflow_conntrack_receive_buffer_bytes 3000");
	LINE(out, "nft_netflow_conntrack_receive_buffer_requested_bytes 1000");
	LINE(out, "nft_netflow_conntrack_receive_buffer_max_bytes 2000");
	LINE(out, "nft_netflow_conntrack_reliable 1");
	LINE(out, "nft_netflow_conntrack_nat_events_total 509");
	LINE(out, "nft_netflow_conntrack_own_export_skipped_total 505");
	LINE(out, "nft_netflow_conntrack_event_reads_total 510");
	LINE(out, "nft_netflow_conntrack_event_datagrams_total 511");
	LINE(out, "nft_netflow_conntrack_connections_tracked 701");
	LINE(out, "nft_netflow_conntrack_connections_peak 702");
	LINE(out, "nft_netflow_conntrack_connections_new_total 703");
	LINE(out, "nft_netflow_conntrack_dropped_connections_total 704");
	LINE(out, "nft_netflow_conntrack_connections_destroyed_total 705");
	LINE(out, "nft_netflow_conntrack_active_exports_total 706");
	LINE(out, "nft_netflow_conntrack_resynced_total 707");
	LINE(out, "nft_netflow_conntrack_untracked_total 708");
	LINE(out, "nft_netflow_conntrack_records_total 709");
	LINE(out, "nft_netflow_conntrack_no_accounting_total 605");
	LINE(out, "nft_netflow_conntrack_get_errors_total 602");
	LINE(out, "nft_netflow_dropped_packets_total{cause="
	    "\"conntrack_maxflows\"} 603");
	LINE(out, "nft_netflow_dropped_bytes_total{cause="
	    "\"conntrack_maxflows\"} 604");
	/* the nflog-mode ends are not there */
	CHECK(strstr(out, "conntrack_ended") == NULL);
	free(out);

	/* capture = nflog with conntrack on: the ends instead */
	ct = (struct ctin_counters){ .nl = &nl, .end = &end };
	end = (struct ctend_stats){ .conns = 801, .flows = 802, .pending = 3 };
	v.capture = "nflog";
	out = render(&v);
	check_format(out);
	LINE(out, "nft_netflow_conntrack_ended_connections_total 801");
	LINE(out, "nft_netflow_conntrack_ended_flows_total 802");
	LINE(out, "nft_netflow_conntrack_ended_pending 3");
	LINE(out, "nft_netflow_conntrack_resyncs_total 0");
	CHECK(strstr(out, "conntrack_connections_tracked") == NULL);
	CHECK(strstr(out, "conntrack_maxflows") == NULL);
	free(out);
}

static void
test_down_and_escape(void)
{
	char *buf = NULL, esc[16];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ctl_metrics_up(f, 0);
	fclose(f);
	CHECK(strcmp(buf, "# HELP nft_netflow_up 1 if nft-netflowd answered "
	    "on its control socket\n# TYPE nft_netflow_up gauge\n"
	    "nft_netflow_up 0\n") == 0);
	free(buf);

	metrics_escape("a\"b\\c\nd", esc, sizeof(esc));
	CHECK(strcmp(esc, "a\\\"b\\\\c\\nd") == 0);
	/* cut to fit, never half an escape */
	metrics_escape("abcdef\"", esc, 8);
	CHECK(strcmp(esc, "abcdef") == 0);
	metrics_escape("", esc, sizeof(esc));
	CHECK(strcmp(esc, "") == 0);
}

int
main(void)
{
	test_nflog();
	test_conntrack();
	test_down_and_escape();
	return check_done();
}
