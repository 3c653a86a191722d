#!/usr/bin/env python3
"""promcmp.py SCRAPE SHOW_JSON: the nft_netflow series a Prometheus scrape
returned against the statistics of `nft-netflow -m show --json`.

Every nft_netflow series of the scrape must be either compared with its
JSON value (equal) or named below as one that moves with time (uptime,
rates, the age of the peak): a series nobody maps fails the test, so the
map stays complete as statistics are added.  Prints one line per mismatch
and "compared N series"; exits 1 on any mismatch.
"""
import json
import re
import sys

# name{labels} -> JSON path under "stats" (a.b.0.c); None: moves with time.
MOVING = {"nft_netflow_uptime_seconds", "nft_netflow_flows_peak_age_seconds",
          "nft_netflow_rate_packets_per_second",
          "nft_netflow_rate_bytes_per_second"}

SIMPLE = {
    "nft_netflow_up": 1,
    "nft_netflow_flows_active": "flows.active",
    "nft_netflow_flows_peak": "flows.peak",
    "nft_netflow_flows_memory_bytes": "flows.memory",
    "nft_netflow_flows_limit": "flows.maxflows",
    "nft_netflow_hash_buckets": "flows.hashsize",
    "nft_netflow_hash_lookups_total": "flows.lookups",
    "nft_netflow_hash_searched_entries_total": "flows.searched",
    "nft_netflow_hash_rehashes_total": "flows.rehashes",
    "nft_netflow_flows_created_total": "flows.new",
    "nft_netflow_metered_packets_total": "flows.metered_pkts",
    "nft_netflow_metered_bytes_total": "flows.metered_bytes",
    "nft_netflow_traffic_packets_total": "traffic.pkts",
    "nft_netflow_traffic_bytes_total": "traffic.bytes",
    "nft_netflow_traffic_fragments_total": "traffic.fragments",
    "nft_netflow_traffic_super_packets_total": "traffic.super_packets",
    "nft_netflow_traffic_super_wire_packets_total":
        "traffic.super_wire_packets",
    "nft_netflow_traffic_own_export_packets_total": "traffic.own_export",
    "nft_netflow_flows_tcp_closed_total": "flows.tcp_closing",
    "nft_netflow_nflog_previous_group_messages_total":
        "nflog.previous_group",
    "nft_netflow_nflog_batches_total": "nflog.batches",
    "nft_netflow_nflog_messages_total": "nflog.messages",
    "nft_netflow_nflog_lost_messages_total": "nflog.lost",
    "nft_netflow_nflog_overruns_total": "nflog.overruns",
    "nft_netflow_nflog_truncated_batches_total": "nflog.truncated_batches",
    "nft_netflow_nflog_bad_messages_total": "nflog.bad",
    "nft_netflow_nflog_receive_buffer_bytes": "nflog.rcvbuf",
    "nft_netflow_export_datagrams_total": "export.datagrams",
    "nft_netflow_export_flows_total": "export.flows",
    "nft_netflow_export_packets_total": "export.packets",
    "nft_netflow_export_bytes_total": "export.bytes",
    "nft_netflow_export_template_datagrams_total": "export.templates",
    "nft_netflow_export_options_datagrams_total": "export.options",
    "nft_netflow_export_unsupported_flows_total": "export.unsupported",
    "nft_netflow_conntrack_parse_errors_total": "conntrack.parse_errors",
    "nft_netflow_conntrack_overruns_total": "conntrack.overruns",
    "nft_netflow_conntrack_resyncs_total": "conntrack.resyncs",
    "nft_netflow_conntrack_receive_buffer_bytes": "conntrack.rcvbuf",
    "nft_netflow_conntrack_receive_buffer_requested_bytes":
        "conntrack.rcvbuf_asked",
    "nft_netflow_conntrack_receive_buffer_max_bytes": "conntrack.rcvbuf_max",
    "nft_netflow_conntrack_reliable": "conntrack.reliable",
    "nft_netflow_conntrack_nat_events_total": "conntrack.nat_events",
    "nft_netflow_conntrack_own_export_skipped_total":
        "conntrack.own_export_skipped",
    "nft_netflow_conntrack_event_reads_total": "conntrack.event_reads",
    "nft_netflow_conntrack_event_datagrams_total":
        "conntrack.event_datagrams",
    "nft_netflow_conntrack_ended_connections_total":
        "conntrack.ended_connections",
    "nft_netflow_conntrack_ended_flows_total": "conntrack.ended_flows",
    "nft_netflow_conntrack_ended_pending": "conntrack.ended_pending",
    "nft_netflow_conntrack_connections_tracked": "conntrack.tracked",
    "nft_netflow_conntrack_connections_peak": "conntrack.peak",
    "nft_netflow_conntrack_connections_new_total": "conntrack.new",
    "nft_netflow_conntrack_connections_destroyed_total": "conntrack.destroyed",
    "nft_netflow_conntrack_active_exports_total": "conntrack.active_exports",
    "nft_netflow_conntrack_resynced_total": "conntrack.resynced",
    "nft_netflow_conntrack_untracked_total": "conntrack.untracked",
    "nft_netflow_conntrack_records_total": "conntrack.records",
    "nft_netflow_conntrack_dropped_connections_total":
        "conntrack.drop_maxflows",
    "nft_netflow_conntrack_no_accounting_total": "conntrack.no_accounting",
    "nft_netflow_conntrack_get_errors_total": "conntrack.get_errors",
}
LABELLED = {
    ("nft_netflow_flows_expired_total", "reason"): {
        "inactive": "flows.exported_inactive",
        "active": "flows.exported_active",
        "overflow": "flows.exported_overflow",
        "forced": "flows.exported_forced"},
    ("nft_netflow_dropped_packets_total", "cause"): {
        "maxflows": "drops.maxflows_pkts", "alloc": "drops.alloc_pkts",
        "truncated": "drops.truncated", "malformed": "drops.malformed",
        "ignored": "drops.ignored",
        "big_tcp_unknown": "traffic.big_tcp_unknown",
        "conntrack_maxflows": "conntrack.drop_maxflows_pkts"},
    ("nft_netflow_dropped_bytes_total", "cause"): {
        "maxflows": "drops.maxflows_bytes", "alloc": "drops.alloc_bytes",
        "conntrack_maxflows": "conntrack.drop_maxflows_bytes"},
    ("nft_netflow_conntrack_events_total", "type"): {
        "new": "conntrack.events_new", "update": "conntrack.events_update",
        "destroy": "conntrack.events_destroy",
        "ignored": "conntrack.events_ignored"},
    ("nft_netflow_reloads_total", "result"): {
        "ok": "reload.ok", "rejected": "reload.rejected"},
}
# parameters: from the "config" part of show --json
CONFIG = {
    "nft_netflow_active_timeout_seconds": "active_timeout",
    "nft_netflow_inactive_timeout_seconds": "inactive_timeout",
}
PER_DEST = {
    "nft_netflow_export_sent_datagrams_total": "ok",
    "nft_netflow_export_sent_bytes_total": "bytes",
    "nft_netflow_export_send_buffer_bytes": "sndbuf",
}
ERRORS = {"refused": "refused", "buffer_full": "sndbuf_full", "other": "fail"}

SAMPLE = re.compile(r'^(nft_netflow_\w+)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def jpath(stats, path):
    v = stats
    for k in path.split("."):
        v = v[int(k)] if isinstance(v, list) else v[k]
    return v


def expected(show, name, labels):
    """The JSON value of one series, MOVING, or KeyError."""
    stats = show["stats"]
    if name in MOVING:
        return MOVING
    if name in CONFIG and not labels:
        return show["config"][CONFIG[name]]
    if name in SIMPLE and not labels:
        p = SIMPLE[name]
        return p if isinstance(p, int) else jpath(stats, p)
    if name == "nft_netflow_info":
        return 1 if (labels["version"] == stats["version"] and
                     labels["capture"] == stats["capture"] and
                     labels["nflog_group"] == str(stats["nflog"]["group"])
                     ) else -1
    for (fam, key), m in LABELLED.items():
        if name == fam and set(labels) == {key}:
            return jpath(stats, m[labels[key]])
    socks = {s["destination"]: s for s in stats["export"]["sockets"]}
    if name in PER_DEST and set(labels) == {"destination"}:
        return socks[labels["destination"]][PER_DEST[name]]
    if name == "nft_netflow_export_errors_total" and \
            set(labels) == {"destination", "error"}:
        return socks[labels["destination"]][ERRORS[labels["error"]]]
    raise KeyError(name)


def main():
    scrape = open(sys.argv[1]).read()
    show = json.load(open(sys.argv[2]))
    bad = n = 0
    for line in scrape.splitlines():
        m = SAMPLE.match(line)
        if not m:
            continue
        name, labels, value = m.group(1), dict(LABEL.findall(m.group(2) or
                                                             "")), m.group(3)
        try:
            want = expected(show, name, labels)
        except (KeyError, IndexError):
            print(f"not in the map or not in the JSON: {line}")
            bad += 1
            continue
        if want is MOVING:
            continue
        n += 1
        if float(value) != float(want):
            print(f"{line}: JSON says {want}")
            bad += 1
    print(f"compared {n} series")
    sys.exit(1 if bad or n == 0 else 0)


main()
