#!/bin/bash
# capture = conntrack under protocol 9 or 10 (the argument), dual-stack:
# UDP, TCP, ICMP and ICMPv6 from A to B over IPv4 and IPv6 (2001:2::/48)
# cross R, which has only a ct rule (an inet table: both families are
# tracked, nothing is logged).  When the connections are destroyed
# (conntrack -F) each gives one record per direction, IPv6 ones in the IPv6
# template, and nfcapd's packets and bytes per 5-tuple equal the capture of
# ra, and so are pmacct nfacctd's; tshark decodes every export datagram.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ct-lib.sh"
PROTO=${1:?protocol 9 or 10}
command -v nfacctd >/dev/null || { echo "SKIP: nfacctd (pmacct) not installed"; exit 77; }

setup_topology
setup_ipv6
load_ct_only || exit 1
start_collector c1 $CT_PORT $CT_COLLECTOR_RCVBUF || exit 1
start_nfacctd pm 9996 || exit 1
capture_start || exit 1
export_capture_start $CT_PORT || exit 1
write_conf "$T/nfn.conf" destination=127.0.0.1:$CT_PORT,127.0.0.1:9996 \
	capture=conntrack \
	inactive_timeout=60 active_timeout=60 protocol="$PROTO"
start_daemon "$T/nfn.conf" || exit 1

dual_traffic 20 3
sleep 0.3
check "IPv6 connections tracked by the daemon" \
	test "$(ctl flows json | python3 -c '
import json, sys
print(sum(1 for f in json.load(sys.stdin) if ":" in f["src"]))')" -ge 50
ct_finish_traffic
check "daemon exits 0 on SIGTERM" stop_daemon
export_capture_stop
stop_nfacctd pm
ct_check_dualstack
check "tshark decodes every datagram; sequence numbers and templates" \
	python3 "$NFN_SRCDIR/tests/integration/cflow.py" --pcap "$T/export.pcap" \
	--protocol "$PROTO" --refresh 20 --records \
	"$(grep -c . <(nfdump -R "$T/c1" -N -q -o "fmt:%sa" 2>/dev/null))"
check "the daemon logged no warning" \
	bash -c "! grep -qi 'warn\\|error' '$T/daemon.log'"
finish
