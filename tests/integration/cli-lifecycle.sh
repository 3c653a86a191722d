#!/bin/bash
# cli-lifecycle.sh [nflog|conntrack]: the whole life of nft-netflow on a
# router namespace, with real traffic and a real nfcapd.
#
# A user's own tables, with rules, are present throughout and must be byte
# for byte intact at the end.  install (files, no table, no daemon) ->
# enable (table, daemon, flows) -> status 0 -> enable --active-timeout 5
# (applied live: same daemon, show reports 5, long flows now split at 5 s)
# -> enable --protocol 10 (live too; nflog mode: the IPv6 log rule)
# -> disable (table and daemon gone, every flow exported) -> status non-zero
# -> remove (every file gone) -> remove again (exit 0).  The collector's
# packets and bytes per 5-tuple equal the capture's exactly.
. "$(dirname "$0")/lib.sh"

CAPTURE=${1:-nflog}
NFN=${NFT_NETFLOW:-$(dirname "$NFT_NETFLOWD")/nft-netflow}
ETC=$T/etc
CONF=$ETC/nft-netflow.conf
INC=$ETC/nft-netflow.nft
PIDFILE=$T/run/nft-netflowd.pid

cli() { inR "$NFN" -c "$CONF" "$@"; }
silent() {	# silent CMD...: succeeds and prints nothing
	local out
	out=$("$@" 2>&1) || { echo "$out"; return 1; }
	[ -z "$out" ] || { echo "unexpected output: $out"; return 1; }
}
table_loaded() { inR nft list table inet nft_netflow >/dev/null 2>&1; }
user_tables() {
	inR nft list table ip user_fw
	inR nft list table inet nft_netflow_user
}
user_intact() { user_tables | cmp -s "$T/user-before.txt" -; }
include_same() {	# the include file loads the very table enable loaded
	inR nft -f "$INC" && inR nft -s list table inet nft_netflow |
		diff - "$T/table-s.txt"
}
status_says() { cli -m status -v | grep -q "$1"; }
enable_same_daemon() { cli -m enable && [ "$(daemon_pid)" = "$PID1" ]; }
flows_json() { cli -m flows --json | python3 -m json.tool >/dev/null; }
exits_2() { "$@"; [ $? = 2 ]; }
show_says() { cli | grep -qx "$1"; }
show_json_at5() {
	cli --json | python3 -c 'import json, sys
d = json.load(sys.stdin)
sys.exit(d["config"]["active_timeout"] != 5 or not d["daemon"]["running"])'
}
daemon_pid() { cat "$PIDFILE" 2>/dev/null; }
alive() { [ -n "$1" ] && [ -d "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status"; }

setup_topology

# The user's tables: one beside ours in the same family, one whose name
# starts like ours.  Neither may change in any way.
inR nft -f - <<'NFT'
table ip user_fw {
	set blocked {
		type ipv4_addr
		elements = { 198.18.200.7, 198.18.200.9 }
	}
	chain user_forward {
		type filter hook forward priority 0; policy accept;
		ip saddr @blocked drop
		tcp dport 23 reject
	}
}
table inet nft_netflow_user {
	chain user_output {
		type filter hook output priority 10; policy accept;
		meta l4proto udp udp dport 9 drop
	}
}
NFT
user_tables > "$T/user-before.txt" && test -s "$T/user-before.txt" ||
	{ echo "cannot set up the user's tables"; exit 1; }

start_collector c1 9995 || exit 1
# ground truth: every packet crossing ra, from before anything is metered
capture_start || exit 1

# ---- install: files, nothing loaded or started
check "install: exit 0 and silent" silent cli -m install \
	-d 127.0.0.1:9995 -o control="$T/run/control" --capture "$CAPTURE" \
	--inactive-timeout 60 -o flush_timeout=5
check "install: config written" test -s "$CONF"
check "install: include written" test -s "$INC"
check "install: include is valid nft" inR nft -c -f "$INC"
check "install: no table loaded" eval '! table_loaded'
check "install: no daemon" eval '! alive "$(daemon_pid)"'
check "install: status non-zero" eval '! cli -m status'
check "install: again, exit 0" silent cli -m install
cp "$CONF" "$T/conf-installed"

# ---- enable
check "enable: exit 0 and silent" silent cli -m enable
check "enable: table loaded" table_loaded
inR nft list table inet nft_netflow > "$T/table.txt"
inR nft -s list table inet nft_netflow > "$T/table-s.txt"
if [ "$CAPTURE" = nflog ]; then
	check "enable: NFLOG rule as configured" \
		grep -q "log group 2055 snaplen 128 queue-threshold 1024" \
		"$T/table.txt"
	check "enable: export traffic excluded by its mark" \
		grep -q "meta mark 0x00006e66 return" "$T/table.txt"
	# conntrack = off (the default): nothing turns conntrack on
	check "enable: no ct expression in the ruleset" \
		eval '! inR nft list ruleset | grep -Ew "ct|notrack"'
else
	check "enable: no NFLOG rule in conntrack mode" \
		eval '! grep -q "log group" "$T/table.txt"'
	check "enable: export traffic not tracked" \
		grep -q "meta mark 0x00006e66 notrack" "$T/table.txt"
	check "enable: conntrack turned on" grep -q "ct state" "$T/table.txt"
fi
check "enable: the include loads the same table" include_same
PID1=$(daemon_pid)
check "enable: daemon running" alive "$PID1"
check "status: exit 0, silent" silent cli -m status
check "status -v: says enabled" status_says "netflow is enabled"
check "enable: again, same daemon" enable_same_daemon
# status needs both: the table deleted by hand makes it fail, enable heals
inR nft delete table inet nft_netflow
check "status: non-zero without the table" eval '! cli -m status'
check "enable: table back, same daemon" enable_same_daemon
check "status: 0 again" silent cli -m status
if [ "$CAPTURE" = nflog ]; then
	# the shipped include (nft/nft-netflow.nft) and what the CLI loads for
	# the defaults must not drift apart
	check "shipped nft-netflow.nft is the same table" bash -c \
		"ip netns exec $NS_R nft -f '$NFN_SRCDIR/nft/nft-netflow.nft' &&
		 ip netns exec $NS_R nft -s list table inet nft_netflow |
		 diff - '$T/table-s.txt' && ip netns exec $NS_R nft -f '$INC'"
fi
check "user tables intact while enabled" user_intact

tcp_sink 30
# phase 1: short flows, then a look at the flow table
traffic "$NS_A" udp $B_IP 5000 10 20 100
traffic "$NS_A" tcp $B_IP 6000 100000 2
inA ping -c 3 -i 0.2 -s 100 -q $B_IP >/dev/null
sleep 0.3
check "flows: exit 0" eval 'cli -m flows > "$T/flows.txt"'
# (in conntrack capture: both flows of every connection the daemon tracks)
check "flows: lists the active flows" grep -q "$B_IP" "$T/flows.txt"
check "flows --json: valid JSON" flows_json
if [ "$CAPTURE" = nflog ] && command -v conntrack >/dev/null; then
	n=$(inR conntrack -C)
	check "after enable and traffic R tracks no connection ($n)" \
		test "$n" = 0
fi

# a bad value changes nothing
check "enable --active-timeout 0: exit 2" \
	exits_2 cli -m enable --active-timeout 0
check "bad value: config untouched" cmp -s "$CONF" "$T/conf-installed"

# ---- enable again with --active-timeout 5: live, no restart, no loss
check "enable --active-timeout 5: exit 0 and silent" \
	silent cli -m enable --active-timeout 5
check "same daemon (applied live)" test "$(daemon_pid)" = "$PID1"
check "show reports active_timeout 5" show_says "active_timeout = 5"
check "show --json: valid, active_timeout 5" show_json_at5
check "config persisted" grep -qx "active_timeout = 5" "$CONF"
# phase 2: one flow lasting 8 s must now be split at 5 s
traffic "$NS_A" udp $B_IP 5200 1 16 200 42000 0.5

# ---- enable --protocol 10: live (every flow leaves as v5 first), and in
# nflog mode the rules now log IPv6 too
check "enable --protocol 10: exit 0 and silent" \
	silent cli -m enable --protocol 10
check "same daemon (protocol applied live)" test "$(daemon_pid)" = "$PID1"
check "show reports protocol 10" show_says "protocol = 10"
if [ "$CAPTURE" = nflog ]; then
	check "enable --protocol 10: IPv6 NFLOG rule loaded" eval \
		'inR nft list table inet nft_netflow | grep -q "meta nfproto ipv6 log"'
fi
traffic "$NS_A" udp $B_IP 5300 2 3 200 43000
kill $SRV 2>/dev/null
capture_stop

# ---- disable: table and daemon gone, every flow exported
check "disable: exit 0 and silent" silent cli -m disable
check "disable: table gone" eval '! table_loaded'
check "disable: daemon gone" eval '! alive "$PID1"'
check "status: non-zero" eval '! cli -m status'
check "status -v: says not enabled" status_says "not enabled"
check "disable: again, exit 0" silent cli -m disable
check "disable: files stay" test -s "$CONF" -a -s "$INC"
stop_collector c1
if [ "$CAPTURE" = nflog ]; then
	check "collector == capture, per 5-tuple, with ifindex" compare c1
else
	# conntrack knows no interfaces: not checked
	check "collector == capture, per 5-tuple" python3 \
		"$NFN_SRCDIR/tests/integration/compare.py" \
		--pcap "$T/truth.pcap" --nfdump "$T/c1"
fi
n=$(nfdump -R "$T/c1" -q -N -o "fmt:%td" "dst port 5200" 2>/dev/null | wc -l)
check "8 s flow split by the 5 s active timeout ($n records)" test "$n" -ge 2
maxd=$(nfdump -R "$T/c1" -q -N -o "fmt:%td" "dst port 5200" 2>/dev/null |
	sort -n | tail -1 | tr -d ' ')
check "no record of it longer than 6 s ($maxd)" \
	python3 -c "import sys; sys.exit(not float('${maxd:-99}') <= 6.0)"

# ---- remove, twice
check "remove: exit 0 and silent" silent cli -m remove
check "remove: config gone" test ! -e "$CONF"
check "remove: include gone" test ! -e "$INC"
check "remove: config dir gone" test ! -e "$ETC"
check "remove: no pid file" test ! -e "$PIDFILE"
check "remove: again, exit 0" silent cli -m remove
check "remove: table still gone" eval '! table_loaded'

user_tables > "$T/user-after.txt"
check "user tables byte for byte intact" cmp "$T/user-before.txt" "$T/user-after.txt"
finish
