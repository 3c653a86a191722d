#!/bin/bash
# metrics.sh [nflog|conntrack]: the Prometheus metrics, read the way an
# operator reads them.
#
# nft-netflow -m enable on the router namespace with two destinations (a
# real nfcapd and a closed port, so export errors are counted), traffic,
# then `nft-netflow -m show --format prometheus`: promtool (Debian
# `prometheus`) accepts it.  `--output` writes it into a textfile
# directory that Debian's prometheus-node-exporter, run inside R on
# 127.0.0.1, serves: an HTTP GET of /metrics shows every nft_netflow series
# with the value `nft-netflow -m show --json` reports (promcmp.py).  With
# the daemon stopped, the file says nft_netflow_up 0.
. "$(dirname "$0")/lib.sh"

for tool in promtool prometheus-node-exporter; do
	command -v "$tool" >/dev/null ||
		{ echo "SKIP: $tool is not installed (scripts/deps.sh)"; exit 77; }
done

CAPTURE=${1:-nflog}
NFN=${NFT_NETFLOW:-$(dirname "$NFT_NETFLOWD")/nft-netflow}
CONF=$T/etc/nft-netflow.conf
TEXTFILE=$T/textfile
NE_PORT=9100
NE_PID=

cli() { inR "$NFN" -c "$CONF" "$@"; }
stop_ne() {
	[ -n "$NE_PID" ] && kill "$NE_PID" 2>/dev/null && wait "$NE_PID" 2>/dev/null
	NE_PID=
}
trap 'stop_ne; cli -m remove >/dev/null 2>&1; cleanup' EXIT

# GET /metrics from node_exporter inside R into FILE
scrape() {
	inR python3 -c '
import sys, urllib.request
r = urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1], timeout=10)
sys.stdout.write(r.read().decode())' "$NE_PORT" > "$1"
}
series() {	# series FILE NAME: the value of an unlabelled series
	awk -v n="$2" '$1 == n { print $2 }' "$1"
}

setup_topology
start_collector c1 9995 || exit 1
mkdir -p "$TEXTFILE"

check "enable ($CAPTURE capture)" cli -m enable \
	-d 127.0.0.1:9995,127.0.0.1:9 -o control="$T/control" \
	--capture "$CAPTURE" --inactive-timeout 1 -o flush_timeout=1

tcp_sink 10
traffic "$NS_A" udp $B_IP 5000 4 25 100 >/dev/null
traffic "$NS_A" tcp $B_IP 6000 50000 2 >/dev/null
inA ping -c 3 -i 0.2 -q $B_IP >/dev/null
wait $SRV 2>/dev/null
# conntrack capture exports at the connection's end: flush makes every
# counter move now, in both modes.  A closed port's refusal (ICMP) shows
# on the send after the first: a second datagram, a second flush.
ctl flush >/dev/null
sleep 0.3
inA ping -c 1 -q $B_IP >/dev/null
ctl flush >/dev/null
sleep 2.5	# inactive timeout 1 s, partial datagrams within 1 s: quiet now

cli -m show --format prometheus > "$T/show.prom"
check "show --format prometheus: promtool check metrics" \
	promtool check metrics < "$T/show.prom"
check "HELP and TYPE lines, nft_netflow_up 1" eval \
	'grep -q "^# HELP nft_netflow_export_errors_total " "$T/show.prom" &&
	 grep -qx "# TYPE nft_netflow_export_errors_total counter" "$T/show.prom" &&
	 grep -qx "nft_netflow_up 1" "$T/show.prom"'
check "capture mode label" grep -q "^nft_netflow_info{.*capture=\"$CAPTURE\"" \
	"$T/show.prom"
check "the control command answers the same families" eval \
	'ctl metrics | grep "^# TYPE" | diff - <(grep "^# TYPE" "$T/show.prom")'

# node_exporter with only the textfile collector, on R's loopback
# as nft-netflow-metrics.service runs it: no capability, no network but
# AF_UNIX (its own empty network namespace here)
check "--output writes the textfile, without capabilities" \
	unshare -n setpriv --no-new-privs --bounding-set=-all -- \
	"$NFN" -c "$CONF" -m show --format prometheus \
	--output "$TEXTFILE/nft_netflow.prom"
# read now: node_exporter's HTTP on R's loopback is traffic R meters
cli -m show --json > "$T/show.json"
check "no temporary file left" test "$(ls -A "$TEXTFILE")" = nft_netflow.prom
check "textfile readable by node_exporter's user (0644)" \
	test "$(stat -c %a "$TEXTFILE/nft_netflow.prom")" = 644
inR prometheus-node-exporter --web.listen-address=127.0.0.1:$NE_PORT \
	--collector.disable-defaults --collector.textfile \
	--collector.textfile.directory="$TEXTFILE" 2>"$T/ne.log" &
NE_PID=$!
for _ in $(seq 50); do scrape "$T/scrape.txt" 2>/dev/null && break; sleep 0.1; done
check "node_exporter serves the textfile without error" \
	test "$(series "$T/scrape.txt" node_textfile_scrape_error)" = 0
check "scrape holds nft_netflow series" \
	grep -q "^nft_netflow_export_flows_total " "$T/scrape.txt"
check "every nft_netflow series == show --json" python3 \
	"$NFN_SRCDIR/tests/integration/promcmp.py" "$T/scrape.txt" "$T/show.json"
flows=$(series "$T/scrape.txt" nft_netflow_export_flows_total)
check "flows were exported (${flows:-none})" test "${flows:-0}" -gt 0
refused=$(grep '^nft_netflow_export_errors_total{destination="127.0.0.1:9",error="refused"}' \
	"$T/scrape.txt" | awk '{print $2}')
check "the closed port's refusals are counted (${refused:-none})" \
	test "${refused:-0}" -gt 0

# the daemon gone: the same command says so in the file
check "disable" cli -m disable
check "--output with the daemon stopped" \
	cli -m show --format prometheus --output "$TEXTFILE/nft_netflow.prom"
check "nft_netflow_up 0" grep -qx "nft_netflow_up 0" "$TEXTFILE/nft_netflow.prom"
check "...which promtool accepts" \
	promtool check metrics < "$TEXTFILE/nft_netflow.prom"
scrape "$T/scrape2.txt"
check "node_exporter serves nft_netflow_up 0" \
	test "$(series "$T/scrape2.txt" nft_netflow_up)" = 0
stop_ne
finish
