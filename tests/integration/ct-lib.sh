# ct-lib.sh: what the conntrack tests add to lib.sh (sourced after it).
#
# Every ct-*.sh test runs the same frame:
#	ct_setup MODE key=value...	topology, rules, collector c1, capture,
#					daemon
#	... traffic ...
#	ct_finish_traffic		capture stopped, every connection
#					destroyed, stats in $T/stats.txt, c1
#					stopped (or ct_stop_traffic and
#					ct_collect to let connections end
#					by themselves)
#	checks on $T/c1 (ct_compare) and $T/stats.txt

command -v conntrack >/dev/null || { echo "SKIP: conntrack not installed"; exit 77; }

CT_PORT=9995
# A resync or flush exports thousands of records at once, more than
# nfcapd's default receive buffer holds (measured: 8 of 100 datagrams lost).
CT_COLLECTOR_RCVBUF=8388608

# load_ct_only: R's ruleset for capture = conntrack without the CLI: one
# ct expression, so conntrack tracks both families and nothing is logged
load_ct_only() {
	inR nft -f - <<-NFT
	table inet ct_only {
		chain forward {
			type filter hook forward priority 0; policy accept;
			ct state new counter
		}
	}
	NFT
}

# ct_setup MODE key=value...: MODE nflog loads the rules the CLI writes
# for the same keys (conntrack=on or natevents=1 turn conntrack on); MODE
# conntrack loads only a ct rule, so that R tracks connections without
# NFLOG.  The daemon exports to collector c1 (and whatever else CT_DEST
# lists, if set) with inactive_timeout 60 (so nothing ends by it during a
# test) and the given keys.  CT_IPV6=1: the topology is dual-stack
# (setup_ipv6), and the capture holds IPv6 too.
ct_setup() {
	local mode=$1; shift
	setup_topology
	[ "${CT_IPV6:-0}" = 1 ] && setup_ipv6
	if [ "$mode" = nflog ]; then
		load_rules_for "$@" || exit 1
	else
		load_ct_only || exit 1
	fi
	start_collector c1 $CT_PORT $CT_COLLECTOR_RCVBUF || exit 1
	capture_start || exit 1
	write_conf "$T/nfn.conf" destination="${CT_DEST:-127.0.0.1:$CT_PORT}" \
		capture="$mode" \
		inactive_timeout=60 "$@"
	start_daemon "$T/nfn.conf" || exit 1
}

# ct_stop_traffic: stop B's TCP sink (tcp_sink), if any, and the capture
ct_stop_traffic() {
	[ -n "${SRV:-}" ] && kill "$SRV" 2>/dev/null
	capture_stop
}

# ct_collect SECONDS: give the daemon SECONDS to export, keep its
# statistics in $T/stats.txt and stop the collector so its files are closed
# (what it has then arrived while the daemon still ran)
ct_collect() {
	sleep "$1"
	# flows conntrack does not end (nflog mode's IPv6 flows): exported now
	[ "${CT_FLUSH:-0}" = 1 ] && ctl flush >/dev/null
	ctl stats > "$T/stats.txt"
	stop_collector c1
	grep -E "^Conntrack" "$T/stats.txt"
}

# ct_finish_traffic [SECONDS]: ct_stop_traffic, then destroy every
# connection (conntrack -F: their DESTROY events carry the final counters)
# and ct_collect SECONDS (default 1.5)
ct_finish_traffic() {
	ct_stop_traffic
	inR conntrack -F >/dev/null 2>&1
	ct_collect "${1:-1.5}"
}

# ct_compare [compare.py args]: collector c1 against the capture, per
# 5-tuple, ifindex not compared (conntrack does not know it)
ct_compare() {
	python3 "$NFN_SRCDIR/tests/integration/compare.py" --pcap "$T/truth.pcap" \
		--nfdump "$T/c1" "$@"
}

# ct_nat_traffic: masquerade on R's link to B (TCP to a port range, so the
# post-NAT port differs from the source's), then two TCP uploads and a ping
# from A through it, and the end of the traffic (ct_finish_traffic).  With
# CT_IPV6=1 the same over IPv6 too (NAT66: masquerade in an ip6 table).
ct_nat_traffic() {
	[ "${CT_IPV6:-0}" = 1 ] && { inR nft -f - <<-NFT || return 1
	table ip6 ct_nat6 {
		chain post {
			type nat hook postrouting priority 100; policy accept;
			oifname "rb" meta l4proto tcp masquerade to :30000-30999
			oifname "rb" masquerade
		}
	}
	NFT
	}
	inR nft -f - <<-NFT
	table ip ct_nat {
		chain post {
			type nat hook postrouting priority 100; policy accept;
			oifname "rb" meta l4proto tcp masquerade to :30000-30999
			oifname "rb" masquerade
		}
	}
	NFT
	tcp_sink 15 "$([ "${CT_IPV6:-0}" = 1 ] && echo dual)"
	traffic "$NS_A" tcp $B_IP 6000 30000 2
	inA ping -c 3 -i 0.2 -q $B_IP >/dev/null
	if [ "${CT_IPV6:-0}" = 1 ]; then
		traffic "$NS_A" tcp $B6_IP 6000 30000 2
		inA ping -6 -c 3 -i 0.2 -q $B6_IP >/dev/null
	fi
	sleep 0.3
	ct_finish_traffic
}

# ct_check_dualstack: after `dual_traffic 20 3` in conntrack capture, with
# nfcapd c1 and nfacctd pm stopped and the daemon's stats in stats.txt:
# every IPv6 connection is there, both collectors equal the capture per
# 5-tuple (packets and bytes, nothing else), nothing was ignored or lost
ct_check_dualstack() {
	local v6
	v6=$(grep -c . <(nfdump -R "$T/c1" -N -q -o "fmt:%sa" 'inet6' 2>/dev/null))
	echo "IPv6 records at nfcapd: $v6"
	# 20 + 3 UDP (B's sink answers nothing: one record), 2 TCP and 1
	# ICMPv6 echo (two directions each)
	check "IPv6 records: UDP one way, TCP and ICMPv6 both ways" \
		test "$v6" -eq $((20 + 3 + 2 * 2 + 2))
	check "nfcapd == capture, per 5-tuple, packets and bytes (IPv4 and IPv6), nothing else" \
		ct_compare --max-records 1
	check "nfacctd == capture, per 5-tuple, packets and bytes, nothing else" \
		python3 "$NFN_SRCDIR/tests/integration/compare.py" \
		--pcap "$T/truth.pcap" --pmacct "$T/pm.csv" --max-records 1
	check "no connection ignored, no parse error, no overrun" \
		grep -q "ignored 0, errors 0" "$T/stats.txt"
}
