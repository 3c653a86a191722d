#!/bin/bash
# soak.sh: the soak benchmark: nft-netflowd under mixed
# traffic with flow churn for a bounded time, its RSS sampled throughout.
# Root (without it: exit 77, meson's skip).  Not part of CI.
#
#	bench/soak.sh [--seconds N] [--sample N] [--tolerance KIB]
#	              [--build DIR] [--out FILE]
#
# --seconds: length of the traffic (default 600; e.g. 60 for a smoke run);
# --sample: seconds between RSS samples (default 5); --tolerance: how much
# the RSS may rise after the warm-up and still count as flat (default 1024
# KiB: the flow count wanders with random churn and the table grows in
# slabs of 4096 entries, 256 KiB each, so one or two more slabs at a new
# peak are not a leak; a leak per packet or per flow grows without end);
# --out: the samples (seconds, VmRSS KiB, active flows) as TSV.
#
# The harness's namespaces (A -> R -> B, tests/lib/netns.sh), the shipped
# NFLOG rules, nfcapd on R's loopback as the collector, and the daemon with
# short timeouts (inactive 2 s, active 5 s), so that flows end and new
# ones start all the time.  At the same time, for the whole run:
#   churn   flood-gen: 20,000 pps from random sources of 198.18.128.0/20
#           (routed only inside these namespaces) and 16 source ports:
#           65,536 possible flows, each seen every few seconds at most, so
#           most expire (inactive) and come back as new flows
#   steady  blast: 1,000 long flows from A at 10,000 pps: each meets the
#           active timeout every 5 s and goes on as a new record
#   tcp     one TCP connection of 200 KB from A to B every second (data
#           one way, ACKs back: both directions forwarded)
# The warm-up is the first quarter of the run (at most 60 s).  It prints
# the RSS after the warm-up, the most after it and at the end, and checks:
#   - flat: the RSS after the warm-up never exceeds the warm-up's by more
#     than the tolerance;
#   - exact: the packets R forwarded (an nft counter) == the packets
#     nfcapd received in flow records, and no packet counted as dropped
#     or lost by the daemon.
# It exits 1 when either check fails.
set -u

SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$SRCDIR/build SECS=600 SAMPLE=5 TOL=1024 OUT=
while [ $# -gt 0 ]; do
	case $1 in
	--seconds)	SECS=$2; shift ;;
	--sample)	SAMPLE=$2; shift ;;
	--tolerance)	TOL=$2; shift ;;
	--build)	BUILD=$2; shift ;;
	--out)		OUT=$2; shift ;;
	-h|--help)	sed -n '2,/^set -u/s/^# \{0,1\}//p' "$0" | sed '$d'; exit 0 ;;
	*)		echo "soak.sh: unknown option $1 (try --help)"; exit 2 ;;
	esac
	shift
done
for v in SECS SAMPLE TOL; do
	case ${!v} in
	''|*[!0-9]*) echo "soak.sh: ${v,,} must be a whole number, not '${!v}'"; exit 2 ;;
	esac
done
if [ "$SECS" -lt 20 ] || [ "$SECS" -gt 3600 ]; then
	echo "soak.sh: --seconds must be 20..3600, not $SECS"; exit 2
fi
if [ "$SAMPLE" -lt 1 ] || [ "$SAMPLE" -gt $((SECS / 4)) ]; then
	echo "soak.sh: --sample must be 1..$((SECS / 4)) s, not $SAMPLE"; exit 2
fi

. "$SRCDIR/bench/lib-bench.sh"
bench_init nfn-soak nfcapd nfdump
BLAST=$BUILD/bench/blast FLOOD_GEN=$BUILD/tests/integration/flood-gen
for f in "$BLAST" "$FLOOD_GEN" "$NFT_NETFLOWD"; do
	[ -x "$f" ] || { echo "soak.sh: $f not built (ninja -C $BUILD)"; exit 1; }
done
WARM=$((SECS / 4)); [ "$WARM" -gt 60 ] && WARM=60
CHURN_NET=198.18.128.0/20

bench_topology
inR ip route add $CHURN_NET via $A_IP
rules nflog
# ground truth: every IPv4 packet R forwards
inR nft -f - <<'NFT'
table inet soak_count {
	counter forwarded {}
	chain forward {
		type filter hook forward priority -200; policy accept;
		meta nfproto ipv4 counter name forwarded
	}
}
NFT
start_collector c1 9995 8388608 || exit 1
write_conf "$T/nfn.conf" destination=127.0.0.1:9995 inactive_timeout=2 \
	active_timeout=5 netlink_rcvbuf=8388608
chmod 755 "$T"
id nft-netflow >/dev/null 2>&1 || useradd --system --no-create-home \
	--shell /usr/sbin/nologin nft-netflow || exit 1
start_daemon "$T/nfn.conf" || exit 1
jget() {	# jget PATH...: values from the daemon's "stats json"
	ctl stats json | python3 -c '
import json, sys
j = json.load(sys.stdin)
out = []
for p in sys.argv[1:]:
    v = j
    for k in p.split("."):
        v = v[int(k)] if isinstance(v, list) else v[k]
    out.append(str(v))
print(" ".join(out))' "$@"
}
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$DAEMON_PID/status"; }

echo "soak: ${SECS} s of traffic, warm-up ${WARM} s, RSS every ${SAMPLE} s," \
	"tolerance ${TOL} KiB"
ip netns exec "$NS_B" python3 "$SRCDIR/tests/integration/traffic.py" \
	tcp-server 6000 $((SECS + 5)) &
SRV=$!
sleep 0.5
ip netns exec "$NS_A" "$FLOOD_GEN" -S $CHURN_NET -P 16 -d $B_IP -p 5500 \
	-r 20000 -t "$SECS" > "$T/churn.out" &
CHURN=$!
ip netns exec "$NS_A" "$BLAST" -a "$A_IPS" -d $B_IP -p 5000 -D 100 \
	-n 1000 -r 10000 -t "$SECS" > "$T/steady.out" &
STEADY=$!
# TCP: one connection a second until the end (bounded by SECS)
(
	end=$(($(date +%s) + SECS))
	while [ "$(date +%s)" -lt $end ]; do
		ip netns exec "$NS_A" python3 \
			"$SRCDIR/tests/integration/traffic.py" tcp $B_IP 6000 \
			200000 >/dev/null 2>&1 || echo fail >> "$T/tcp.fail"
		sleep 1
	done
) &
TCP=$!

: > "$T/samples"
START=$SECONDS
for ((i = 0; i <= SECS / SAMPLE + 1; i++)); do
	t=$((SECONDS - START))
	[ "$t" -gt "$SECS" ] && break
	kill -0 "$DAEMON_PID" 2>/dev/null || { echo "soak: the daemon died"; cat "$T/daemon.log"; exit 1; }
	printf '%s\t%s\t%s\n' "$t" "$(rss)" "$(jget flows.active)" >> "$T/samples"
	sleep "$SAMPLE"
done
wait "$CHURN" "$STEADY" "$TCP"
sleep 3		# the last TCP ACKs and NFLOG batches
RSS_END=$(rss)
read -r NEWF EXPI EXPA PEAK MEM < <(jget flows.new flows.exported_inactive \
	flows.exported_active flows.peak flows.memory)
read -r DMAX DALLOC LOST TRUNC MALF < <(jget drops.maxflows_pkts \
	drops.alloc_pkts nflog.lost drops.truncated drops.malformed)
FWD=$(inR nft -j list counter inet soak_count forwarded | python3 -c '
import json, sys
print(next(o["counter"]["packets"] for o in json.load(sys.stdin)["nftables"]
           if "counter" in o))')
stop_daemon || exit 1
stop_collector c1
stop_pid "$SRV" TERM 5
[ -n "$OUT" ] && { printf 'seconds\trss_kib\tactive_flows\n'; cat "$T/samples"; } > "$OUT"

read -r RSS_WARM RSS_AFTER < <(awk -v w=$WARM '
	$1 >= w && !s { s = $2 } $1 >= w && $2 > m { m = $2 }
	END { print s + 0, m + 0 }' "$T/samples")
read -r RSS_FIRST RSS_MAXALL < <(awk 'NR == 1 { f = $2 } $2 > m { m = $2 }
	END { print f + 0, m + 0 }' "$T/samples")
read -r AMIN AMAX < <(awk -v w=$WARM '$1 >= w {
	if (!n++ || $3 < lo) lo = $3; if ($3 > hi) hi = $3 }
	END { print lo + 0, hi + 0 }' "$T/samples")
# forwarded traffic only: R's own addresses and its loopback left out
COLL=$(nfdump -R "$T/c1" -q -N -o 'fmt:%pkt' \
	'not host 198.18.1.1 and not host 198.19.1.1 and not host 127.0.0.1' |
	awk '{ p += $1 } END { print p + 0 }')
echo "generators: churn $(cat "$T/churn.out"); steady $(cat "$T/steady.out");" \
	"tcp failures $(cat "$T/tcp.fail" 2>/dev/null | wc -l)"
echo "flows: $NEWF new, exported $EXPI inactive + $EXPA active;" \
	"active after warm-up $AMIN..$AMAX, peak $PEAK; table memory $MEM bytes"
echo "RSS (KiB): first sample $RSS_FIRST, after warm-up ($WARM s) $RSS_WARM," \
	"most after warm-up $RSS_AFTER, at the end $RSS_END" \
	"($(wc -l < "$T/samples") samples)"
echo "packets: forwarded $FWD, at the collector $COLL; drops: maxflows $DMAX," \
	"alloc $DALLOC, nflog lost $LOST, truncated $TRUNC, malformed $MALF"
RC=0
if [ "$RSS_WARM" -gt 0 ] && [ "$RSS_AFTER" -le $((RSS_WARM + TOL)) ] &&
   [ "$RSS_END" -le $((RSS_WARM + TOL)) ]; then
	echo "ok: RSS flat after warm-up (+$((RSS_AFTER - RSS_WARM)) KiB <= $TOL)"
else
	echo "NOT OK: RSS grew after warm-up: $RSS_WARM -> $RSS_AFTER (end $RSS_END) KiB"
	RC=1
fi
if [ "$FWD" = "$COLL" ] && [ "$DMAX$DALLOC$LOST$TRUNC$MALF" = 00000 ]; then
	echo "ok: counts exact, forwarded $FWD == exported $COLL"
else
	echo "NOT OK: forwarded $FWD, exported $COLL" \
		"(difference $((FWD - COLL)), counted drops $((DMAX + DALLOC + LOST)))"
	RC=1
fi
exit $RC
