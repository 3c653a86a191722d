#!/bin/bash
# iptables-ct.sh nft|legacy 9|10: rules = iptables with capture = conntrack
# on a dual-stack router (IPv6 in 2001:2::/48), driven through the CLI.
# R's own iptables and ip6tables rulesets (loaded with that backend) hold
# rules of the user's in the filter and raw tables, none of which uses
# conntrack: before enable, R tracks no connection of either family.
#
# Phase 1: enable --rules iptables --capture conntrack --protocol 9|10
# fills the chain NETFLOW of both families with the conntrack match alone
# (loading it turns that family's conntrack on; no NFLOG, no jump) and
# adds the raw table's notrack rule for the export datagrams to both; the
# daemon exports to nfcapd on 127.0.0.1 and to pmacct nfacctd on ::1, so
# export datagrams of both families cross R's output.  A dual-stack mix
# (UDP, TCP, ICMP, ICMPv6) A -> B: R tracks the IPv6 connections; once
# they are destroyed (conntrack -F) and exported, R tracks no export
# datagram, and both collectors' packets and bytes per 5-tuple equal the
# capture of ra, with no record of anything else.
# Phase 2: enable --protocol 5: v5 carries no IPv6, so ip6tables is
# exactly as before enable; IPv4 stays loaded.
# Phase 3: disable, then remove: both families' rulesets are exactly as
# before enable, the rules.v4 and rules.v6 fragments gone.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ct-lib.sh"

BACKEND=${1:-nft}
PROTO=${2:-9}
NFN=${NFT_NETFLOW:-$(dirname "$NFT_NETFLOWD")/nft-netflow}
ETC=$T/etc
CONF=$ETC/nft-netflow.conf
for t in iptables ip6tables; do
	command -v "$t-$BACKEND" >/dev/null ||
		{ echo "SKIP: $t-$BACKEND is not installed"; exit 77; }
done
command -v nfacctd >/dev/null || { echo "SKIP: nfacctd (pmacct) not installed"; exit 77; }

cli() { inR "$NFN" -c "$CONF" "$@"; }
# the CLI's daemon has its control socket under $T/run (ct_collect asks it)
ctl() { python3 "$NFN_SRCDIR/tests/integration/ctl.py" "$T/run/control" "$*"; }
# saved FAMILY: the saved ruleset (iptables or ip6tables), no comments or
# counters
saved() { inR "$1-$BACKEND-save" | grep -v '^#' | sed 's/ \[[0-9]*:[0-9]*\]$//'; }
ours() { saved "$1" | grep -c -e '--comment nft-netflow' || true; }
silent() {
	local out
	out=$("$@" 2>&1) || { echo "$out"; return 1; }
	[ -z "$out" ] || { echo "unexpected output: $out"; return 1; }
}
status_says() { cli -m status -v | grep -q -- "$1"; }
as_before() { saved "$1" | diff "$T/before-$1.txt" -; }
# tracked FAMILY: R's conntrack entries of ipv4 or ipv6, one a line
tracked() { inR conntrack -L -f "$1" 2>/dev/null; }
CT_MATCH="-A NETFLOW -m conntrack --ctstate NEW,RELATED,ESTABLISHED,UNTRACKED"
NOTRACK="-A OUTPUT -m mark --mark 0x6e66 -m comment --comment nft-netflow -j CT --notrack"
# loaded_ct FAMILY: exactly our two rules, the user's rules beside them
loaded_ct() {
	local s
	s=$(saved "$1")
	grep -qx -- "$CT_MATCH" <<<"$s" && grep -qx -- "$NOTRACK" <<<"$s" &&
		[ "$(grep -c '^-A NETFLOW ' <<<"$s")" = 1 ] &&
		[ "$(ours "$1")" = 1 ] &&
		diff <(grep -v -e '^:NETFLOW ' -e '^-A NETFLOW ' \
			-e '--comment nft-netflow' <<<"$s") "$T/before-$1.txt"
}

setup_topology
setup_ipv6

inR "iptables-$BACKEND-restore" <<'EOF4' || { echo "cannot load the user's IPv4 ruleset"; exit 1; }
*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A PREROUTING -p udp -m udp --dport 7 -j CT --notrack
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:user-fwd - [0:0]
-A INPUT -i lo -j ACCEPT
-A FORWARD -j user-fwd
-A user-fwd -s 198.18.200.7/32 -j DROP
COMMIT
EOF4
inR "ip6tables-$BACKEND-restore" <<'EOF6' || { echo "cannot load the user's IPv6 ruleset"; exit 1; }
*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A PREROUTING -p udp -m udp --dport 7 -j CT --notrack
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:user6-fwd - [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -p ipv6-icmp -j ACCEPT
-A FORWARD -j user6-fwd
-A user6-fwd -s 2001:2:0:99::/64 -j DROP
COMMIT
EOF6
saved iptables > "$T/before-iptables.txt"
saved ip6tables > "$T/before-ip6tables.txt"

# the user's rules alone turn no conntrack on: what tracks IPv6 later is ours
inA ping -c 1 -q $B_IP >/dev/null
inA ping -6 -c 1 -q $B6_IP >/dev/null
check "before enable R tracks no connection (IPv4 and IPv6)" \
	test -z "$(tracked ipv4)$(tracked ipv6)"

start_collector c1 $CT_PORT $CT_COLLECTOR_RCVBUF || exit 1
start_nfacctd pm 9996 ::1 || exit 1
capture_start || exit 1

# ---- phase 1: both families
check "enable --rules iptables --capture conntrack --protocol $PROTO: exit 0 and silent" \
	silent cli -m enable --rules iptables --capture conntrack \
	--protocol "$PROTO" -d "127.0.0.1:$CT_PORT,[::1]:9996" \
	-o control="$T/run/control" --inactive-timeout 60 --active-timeout 60
for fam in iptables ip6tables; do
	check "$fam: NETFLOW holds the conntrack match alone, raw the export notrack, the user's rules unchanged" \
		loaded_ct $fam
	check "$fam: no NFLOG rule, no jump" eval "! saved $fam | grep -e NFLOG -e '-j NETFLOW'"
	check "the $fam backend used is $BACKEND" \
		status_says "$fam chain NETFLOW ($fam-$BACKEND)"
done
check "status: 0" silent cli -m status
check "show --json: both families loaded, no warning" eval 'cli --json | python3 -c "
import json, sys
j = json.load(sys.stdin)
assert j[\"ip6tables\"][\"loaded\"] and j[\"iptables\"][\"loaded\"], j
assert j[\"warnings\"] == [], j[\"warnings\"]"'
check "install wrote the rules.v6 fragment, with the conntrack match" \
	grep -qx -- "$CT_MATCH" "$ETC/nft-netflow.rules.v6"
for fam in iptables ip6tables; do
	v=4; [ $fam = ip6tables ] && v=6
	check "the rules.v$v fragment loads with $fam-$BACKEND-restore --test" \
		inR "$fam-$BACKEND-restore" --test --noflush "$ETC/nft-netflow.rules.v$v"
	saved $fam > "$T/enabled-$fam.txt"
done
check "enable again: exit 0, the same rules in both families" eval 'silent cli -m enable &&
	saved iptables | diff -q - "$T/enabled-iptables.txt" >/dev/null &&
	saved ip6tables | diff -q - "$T/enabled-ip6tables.txt" >/dev/null'

dual_traffic 20 3
sleep 0.3
tracked ipv6 > "$T/ct6.txt"
n=$(grep -c 'src=2001:2:' "$T/ct6.txt" || true)
# 23 UDP, 2 TCP, 1 ICMPv6 echo
check "R tracks the IPv6 connections ($n)" test "$n" -ge 26
check "IPv6 connections tracked by the daemon" \
	test "$(ctl flows json | python3 -c '
import json, sys
print(sum(1 for f in json.load(sys.stdin) if ":" in f["src"]))')" -ge 50
ct_finish_traffic
# the destroyed connections were exported to both collectors just now
check "R tracked no export datagram to 127.0.0.1 nor to ::1" eval '
	{ tracked ipv4; tracked ipv6; } > "$T/ct-after.txt" &&
	! grep -E "dport=($CT_PORT|9996) " "$T/ct-after.txt"'
stop_nfacctd pm
ct_check_dualstack

# ---- phase 2: protocol 5 leaves IPv6 alone
check "enable --protocol 5: exit 0 and silent" silent cli -m enable --protocol 5
check "ip6tables: exactly as before enable" as_before ip6tables
check "the rules.v6 fragment is gone" test ! -e "$ETC/nft-netflow.rules.v6"
check "iptables: still the conntrack match and the notrack rule" loaded_ct iptables
check "status: 0 (IPv4 only now)" silent cli -m status

# ---- phase 3: disable and remove
check "disable: exit 0 and silent" silent cli -m disable
for fam in iptables ip6tables; do
	check "disable: $fam exactly as before enable" as_before $fam
done
check "status: non-zero" eval '! cli -m status'
check "remove: exit 0 and silent" silent cli -m remove
check "remove: fragments gone" eval 'test ! -e "$ETC/nft-netflow.rules.v4" &&
	test ! -e "$ETC/nft-netflow.rules.v6"'
for fam in iptables ip6tables; do
	check "remove: $fam exactly as before enable" as_before $fam
done
finish
