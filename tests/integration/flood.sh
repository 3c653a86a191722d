#!/bin/bash
# Flood: UDP from random source addresses and ports, as fast as flood-gen
# sends them (one generator per CPU, 8 s), against maxflows = 10,000.  The
# sources are spoofed from FLOOD_NET, a part of the benchmarking range that
# only this test's namespaces route (R routes it back to A).  One known flow (A's own
# address, port 40000 -> B:5999) is established before the flood and keeps
# sending during it.  inactive_timeout = 3 s: the flood's flows expire
# during the flood, 10,000 at once, are exported while it goes on, and the
# table fills again at once; the known flow, never idle, keeps its slot.
# Checks:
#   - the daemon's RSS stays bounded: the flow table of 10,000 IPv4 flows
#     is 3 slabs of 4096 x 64 bytes + 16,384 buckets x 6 bytes (under
#     0.9 MiB), and the RSS sampled during the flood may exceed the RSS
#     before it by that plus a margin of RSS_MARGIN KiB (the NFLOG and
#     export buffers, allocator slack); after the table is full it must
#     not grow any more than RSS_CREEP KiB (no growth per packet);
#   - packets past maxflows are counted (drops.maxflows_pkts/bytes);
#   - nfcapd has every record the daemon made (none lost on export);
#   - the known flow is metered exactly: its packets and bytes at nfcapd
#     equal R's nft counter of it and what its sender sent;
#   - packets R forwarded (an nft counter) == packets at the collector +
#     counted drops (maxflows, allocation, NFLOG lost).
. "$(dirname "$0")/lib.sh"

FLOOD_GEN=${NFN_FLOOD_GEN:-$(dirname "$NFT_NETFLOWD")/../tests/integration/flood-gen}
[ -x "$FLOOD_GEN" ] || { echo "flood-gen is not built ($FLOOD_GEN)"; exit 1; }

FLOOD_NET=198.18.128.0/17 MAXFLOWS=10000
FLOOD_SECS=${FLOOD_SECS:-8} FLOOD_JOBS=${FLOOD_JOBS:-$(nproc)}
# one generator per CPU (at most 4): one alone does not fill the path
[ "$FLOOD_JOBS" -gt 4 ] && FLOOD_JOBS=4
KNOWN_PRE=50 KNOWN_DURING=300 KNOWN_SIZE=100	# IP length 128
RSS_MARGIN=${RSS_MARGIN:-6144} RSS_CREEP=${RSS_CREEP:-512}
# the table's own bound (see the header comment), in KiB
TABLE_KIB=$(( ( (MAXFLOWS + 4095) / 4096 * 4096 * 64 + 16384 * 6 ) / 1024 ))

setup_topology
inR ip route add $FLOOD_NET via $A_IP
load_rules
# ground truth on R: what it forwarded to B, and the known flow alone
inR nft -f - <<NFT
table inet flood_count {
	counter forwarded {}
	counter known_flow {}
	chain forward {
		type filter hook forward priority -200; policy accept;
		ip daddr $B_IP counter name forwarded
		ip saddr $A_IP udp sport 40000 udp dport 5999 counter name known_flow
	}
}
NFT
counter() {	# counter NAME FIELD: packets or bytes of R's nft counter
	inR nft -j list counter inet flood_count "$1" | python3 -c '
import json, sys
for o in json.load(sys.stdin)["nftables"]:
    if "counter" in o:
        print(o["counter"][sys.argv[1]])' "$2"
}
start_collector c1 9995 8388608
write_conf "$T/nfn.conf" destination=127.0.0.1:9995 maxflows=$MAXFLOWS \
	inactive_timeout=3 active_timeout=600 netlink_rcvbuf=8388608
start_daemon "$T/nfn.conf" || exit 1
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$DAEMON_PID/status"; }

traffic "$NS_A" udp $B_IP 5999 1 $KNOWN_PRE $KNOWN_SIZE 40000 >/dev/null
settle $KNOWN_PRE || exit 1
RSS0=$(rss)
echo "RSS before the flood: $RSS0 KiB; table bound $TABLE_KIB KiB," \
	"margin $RSS_MARGIN KiB"

# the known flow during the flood: 300 packets, one per 20 ms (6 s)
traffic "$NS_A" udp $B_IP 5999 1 $KNOWN_DURING $KNOWN_SIZE 40000 0.02 \
	> "$T/known.out" &
KNOWN=$!
for ((j = 0; j < FLOOD_JOBS; j++)); do
	ip netns exec "$NS_A" "$FLOOD_GEN" -S $FLOOD_NET -d $B_IP -p 5000 \
		-t "$FLOOD_SECS" > "$T/flood.$j" &
	FLOOD[j]=$!
done
# RSS every 0.25 s while the flood lasts (bounded: FLOOD_SECS + 5 s), from
# /proc only: a control request allocates, and under ASan its freed memory
# stays in quarantine, which would look like growth.  After 1 s, once, the
# table's size: from there on nothing may grow.
: > "$T/rss"
FULL=0 FULLRSS=0
for ((i = 0; i < (FLOOD_SECS + 5) * 4; i++)); do
	kill -0 "${FLOOD[0]}" 2>/dev/null || break
	if [ "$i" = 4 ]; then
		FULL=$(jget flows.active) FULLRSS=$(rss)
	fi
	echo "$i $(rss)" >> "$T/rss"
	sleep 0.25
done
RSS1=$(rss)
EXPI=$(jget flows.exported_inactive)	# (the generators end about now)
for pid in "${FLOOD[@]}" "$KNOWN"; do
	wait "$pid" || { echo "a traffic generator failed:"; cat "$T"/flood.*; exit 1; }
done
echo "flood: $(cat "$T"/flood.[0-9]*)"
KNOWN_SENT=$((KNOWN_PRE + KNOWN_DURING))
FWD=$(counter forwarded packets)
# every forwarded packet read by the daemon or counted lost
for _ in $(seq 100); do
	[ $(($(jget nflog.messages) + $(jget nflog.lost))) -ge "$FWD" ] && break
	sleep 0.1
done
MAXRSS=$(awk '$2 > m { m = $2 } END { print m + 0 }' "$T/rss")
LATERMAX=$(awk '$1 > 4 && $2 > m { m = $2 } END { print m + 0 }' "$T/rss")
echo "RSS during the flood: at most $MAXRSS KiB (at 1 s, $FULL flows:" \
	"$FULLRSS; most after: $LATERMAX), at its end: $RSS1 KiB"
DP=$(jget drops.maxflows_pkts) DB=$(jget drops.maxflows_bytes)
LOST=$(jget nflog.lost) AP=$(jget drops.alloc_pkts)
echo "forwarded $FWD, maxflows drops $DP pkts $DB bytes, nflog lost $LOST," \
	"alloc drops $AP"
check "the flood was a flood (forwarded $FWD > 20 x maxflows)" \
	test "$FWD" -gt $((20 * MAXFLOWS))
# flows exported so far + those still active: the records nfcapd must get
read -r EXPORTED < <(ctl stats json | python3 -c '
import json, sys
f = json.load(sys.stdin)["flows"]
print(sum(f["exported_" + r] for r in ("inactive", "active", "overflow",
                                       "forced")) + f["active"])')
check "flood flows expired and were exported under the flood ($EXPI >= $MAXFLOWS)" \
	test "$EXPI" -ge $MAXFLOWS
MEM=$(jget flows.memory)
check "the table's own count: flows.memory $MEM <= $TABLE_KIB KiB + 64 KiB" \
	test "$MEM" -le $(((TABLE_KIB + 64) * 1024))
check "RSS sampled during the flood ($(wc -l < "$T/rss") samples)" \
	test "$(wc -l < "$T/rss")" -ge 4
check "RSS bounded: $MAXRSS <= $RSS0 + $TABLE_KIB + $RSS_MARGIN KiB" \
	test "$MAXRSS" -le $((RSS0 + TABLE_KIB + RSS_MARGIN)) \
	-a "$RSS1" -le $((RSS0 + TABLE_KIB + RSS_MARGIN))
check "table full after 1 s of flood ($FULL flows)" test "$FULL" = $MAXFLOWS
check "RSS flat once the table is full: $LATERMAX <= $FULLRSS + $RSS_CREEP KiB" \
	test "$FULLRSS" -gt 0 -a "$LATERMAX" -le $((FULLRSS + RSS_CREEP)) \
	-a "$RSS1" -le $((FULLRSS + RSS_CREEP))
check "maxflows drops counted ($DP packets, $DB bytes = $DP x 46)" \
	test "$DP" -gt 0 -a "$DB" = $((DP * 46))
KP=$(counter known_flow packets) KB=$(counter known_flow bytes)
check "the known flow crossed R whole ($KP == $KNOWN_SENT packets)" \
	test "$KP" = $KNOWN_SENT -a "$KB" = $((KNOWN_SENT * (KNOWN_SIZE + 28)))
stop_daemon || exit 1
stop_collector c1
nfdump -R "$T/c1" -q -N -o 'fmt:%sa %sp %da %dp %pr %pkt %byt' \
	> "$T/flows.txt" || { not_ok "nfdump could not read the collector"; finish; }
read -r NREC CPKTS CBYTES KPKTS KBYTES < <(awk -v a=$A_IP -v b=$B_IP '
	$3 == b { n++; p += $6; y += $7 }
	$1 == a && $2 == 40000 && $3 == b && $4 == 5999 { kp += $6; kb += $7 }
	END { print n + 0, p + 0, y + 0, kp + 0, kb + 0 }' "$T/flows.txt")
echo "collector: $NREC flows, $CPKTS packets, $CBYTES bytes;" \
	"known flow $KPKTS packets, $KBYTES bytes"
check "collector has the known flow exactly ($KPKTS pkts, $KBYTES bytes)" \
	test "$KPKTS" = "$KP" -a "$KBYTES" = "$KB"
check "collector has every flow record the daemon made ($NREC == $EXPORTED)" \
	test "$NREC" = "$EXPORTED"
check "forwarded $FWD == collected $CPKTS + maxflows $DP + alloc $AP + lost $LOST" \
	test "$FWD" = $((CPKTS + DP + AP + LOST))
finish
