#!/bin/bash
# iptables6.sh nft|legacy: rules = iptables with protocol 10 on a
# dual-stack router (IPv6 in 2001:2::/48) whose saved iptables AND
# ip6tables rulesets (loaded with that backend) were written for
# ipt_NETFLOW: each holds "-A FORWARD -j NETFLOW" among the user's rules.
#
# Phase 1: enable --rules iptables --protocol 10 fills the chain NETFLOW in
# both families' filter tables, with the export exclusion, and adds jumps
# only from INPUT and OUTPUT; install writes rules.v4 and rules.v6
# fragments.  A dual-stack mix (UDP, TCP, ICMP, ICMPv6) A -> B is exact per
# 5-tuple at nfcapd (IPFIX), so nothing was metered twice; the user's
# rules (iptables-save, ip6tables-save) are unchanged while enabled.
# Phase 2: enable --protocol 5: IPv6 is no longer metered, so what we
# added to ip6tables goes (the user's chain NETFLOW stays, empty) and so
# does the rules.v6 fragment; IPv4 stays loaded.
# Phase 3: back to 10, with conntrack = on (the IPv6 connmark rules load),
# then disable and remove: the user's rules in both families are as before
# enable.
. "$(dirname "$0")/lib.sh"

BACKEND=${1:-nft}
NFN=${NFT_NETFLOW:-$(dirname "$NFT_NETFLOWD")/nft-netflow}
ETC=$T/etc
CONF=$ETC/nft-netflow.conf
for t in iptables ip6tables; do
	command -v "$t-$BACKEND" >/dev/null ||
		{ echo "SKIP: $t-$BACKEND is not installed"; exit 77; }
done

cli() { inR "$NFN" -c "$CONF" "$@"; }
# saved FAMILY: the saved ruleset (iptables or ip6tables), no comments or
# counters
saved() { inR "$1-$BACKEND-save" | grep -v '^#' | sed 's/ \[[0-9]*:[0-9]*\]$//'; }
# the user's part: everything but our chain's rules and our own rules
user_rules() { saved "$1" | grep -v -e '^-A NETFLOW ' -e '--comment nft-netflow'; }
ours() { saved "$1" | grep -c -e '--comment nft-netflow' || true; }
our_jump() { saved "$1" | grep -qx -- "-A $2 -m comment --comment nft-netflow -j NETFLOW"; }
chain_rules() { saved "$1" | grep -c '^-A NETFLOW ' || true; }
has_chain() { saved "$1" | grep -q '^:NETFLOW '; }
silent() {
	local out
	out=$("$@" 2>&1) || { echo "$out"; return 1; }
	[ -z "$out" ] || { echo "unexpected output: $out"; return 1; }
}
status_says() { cli -m status -v | grep -q -- "$1"; }
users_unchanged() {
	user_rules iptables | diff - "$T/user4.txt" &&
		user_rules ip6tables | diff - "$T/user6.txt"
}

setup_topology
setup_ipv6

inR "iptables-$BACKEND-restore" <<'EOF' || { echo "cannot load the user's IPv4 ruleset"; exit 1; }
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:NETFLOW - [0:0]
:user-fwd - [0:0]
-A INPUT -i lo -j ACCEPT
-A FORWARD -j NETFLOW
-A FORWARD -j user-fwd
-A user-fwd -s 198.18.200.7 -j DROP
COMMIT
EOF
inR "ip6tables-$BACKEND-restore" <<'EOF' || { echo "cannot load the user's IPv6 ruleset"; exit 1; }
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:NETFLOW - [0:0]
:user6-fwd - [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -p ipv6-icmp -j ACCEPT
-A FORWARD -j NETFLOW
-A FORWARD -j user6-fwd
-A user6-fwd -s 2001:2:0:99::/64 -j DROP
-A user6-fwd -p tcp -m tcp --dport 23 -j REJECT --reject-with icmp6-port-unreachable
COMMIT
EOF
user_rules iptables > "$T/user4.txt"
user_rules ip6tables > "$T/user6.txt"

start_collector c1 9995 || exit 1
capture_start || exit 1

# ---- phase 1: protocol 10, both families
check "enable --rules iptables --protocol 10: exit 0 and silent" silent \
	cli -m enable --rules iptables --protocol 10 -d 127.0.0.1:9995 \
	-o control="$T/run/control" --inactive-timeout 60
saved ip6tables > "$T/enabled6.txt"
check "the backends used are $BACKEND" eval 'status_says "iptables chain NETFLOW (iptables-$BACKEND)" &&
	status_says "ip6tables chain NETFLOW (ip6tables-$BACKEND)"'
check "ip6tables NETFLOW holds the NFLOG rule of the config" grep -qx -- \
	"-A NETFLOW -j NFLOG --nflog-group 2055 --nflog-size 128 --nflog-threshold 1024" \
	"$T/enabled6.txt"
check "ip6tables: export traffic excluded by mark" grep -qx -- \
	"-A NETFLOW -m mark --mark 0x6e66 -j RETURN" "$T/enabled6.txt"
check "ip6tables: no conntrack in our rules (conntrack = off)" eval '! grep -E \
	"^-A NETFLOW|nft-netflow" "$T/enabled6.txt" | grep -Ei "conntrack|connmark"'
for fam in iptables ip6tables; do
	check "$fam: jump added from INPUT" our_jump $fam INPUT
	check "$fam: jump added from OUTPUT" our_jump $fam OUTPUT
	check "$fam: no jump added from FORWARD (the user has one)" \
		eval "! our_jump $fam FORWARD"
done
check "status: 0" silent cli -m status
check "status -v: enabled" status_says "netflow is enabled"
check "show reports the ip6tables chain" eval 'cli | grep -q "The ip6tables chain NETFLOW (ip6tables-$BACKEND) is loaded"'
check "show --json: ip6tables loaded, no warning" eval 'cli --json | python3 -c "
import json, sys
j = json.load(sys.stdin)
assert j[\"ip6tables\"][\"loaded\"] and j[\"iptables\"][\"loaded\"], j
assert j[\"warnings\"] == [], j[\"warnings\"]"'
check "install wrote the rules.v6 fragment" test -s "$ETC/nft-netflow.rules.v6"
check "the rules.v6 fragment loads with ip6tables-$BACKEND-restore --test" \
	inR "ip6tables-$BACKEND-restore" --test --noflush "$ETC/nft-netflow.rules.v6"
check "the rules.v4 fragment loads with iptables-$BACKEND-restore --test" \
	inR "iptables-$BACKEND-restore" --test --noflush "$ETC/nft-netflow.rules.v4"
check "enable again: exit 0, same ip6tables rules" eval 'silent cli -m enable &&
	saved ip6tables | diff -q - "$T/enabled6.txt" >/dev/null'
check "user's rules (both families) unchanged while enabled" users_unchanged

dual_traffic 10 20
sleep 0.5
kill $SRV 2>/dev/null
capture_stop

# ---- phase 2: protocol 5 takes IPv6 away, IPv4 stays
check "enable --protocol 5: exit 0 and silent" silent cli -m enable --protocol 5
check "ip6tables: every rule we added is gone" test "$(ours ip6tables)" = 0
check "ip6tables: NETFLOW kept (the user jumps to it), empty" \
	eval 'has_chain ip6tables && test "$(chain_rules ip6tables)" = 0'
check "the rules.v6 fragment is gone" test ! -e "$ETC/nft-netflow.rules.v6"
check "iptables still loaded" eval 'our_jump iptables INPUT &&
	saved iptables | grep -q -- "^-A NETFLOW -j NFLOG"'
check "status: 0 (IPv4 only now)" silent cli -m status
check "user's rules unchanged after the switch" users_unchanged

# ---- phase 3: back to 10, then disable and remove
check "enable --protocol 10 again: exit 0" silent cli -m enable --protocol 10
check "ip6tables jumps back" our_jump ip6tables OUTPUT
# with conntrack: the kernel takes the IPv6 connmark exclusion and
# CONNMARK rule; the conntrack match stays IPv4 only
check "enable -o conntrack=on: exit 0" silent cli -m enable -o conntrack=on
check "ip6tables: connmark exclusion and CONNMARK, no conntrack match" eval '
	saved ip6tables | grep -qx -- "-A NETFLOW -m connmark --mark 0x6e66 -j RETURN" &&
	saved ip6tables | grep -q -- "--comment nft-netflow -j CONNMARK --set-xmark 0x6e66/0xffffffff" &&
	! saved ip6tables | grep -q -- "-m conntrack"'
check "iptables: the conntrack match" eval 'saved iptables | grep -q -- "^-A NETFLOW -m conntrack --ctstate"'
check "status: 0 with conntrack" silent cli -m status
check "disable: exit 0 and silent" silent cli -m disable
for fam in iptables ip6tables; do
	check "disable: every rule we added to $fam is gone" test "$(ours $fam)" = 0
	check "disable: $fam NETFLOW kept (the user jumps to it), empty" \
		eval "has_chain $fam && test \"\$(chain_rules $fam)\" = 0"
done
check "disable: user's rules (both families) unchanged" users_unchanged
stop_collector c1
check "collector == capture, per 5-tuple (IPv4 and IPv6), with ifindex" compare c1
v6=$(nfdump -R "$T/c1" -q -N -o "fmt:%sa" 'inet6' 2>/dev/null | grep -c '^ *2001:2:' || true)
echo "IPv6 records at the collector: $v6"
check "IPv6 flows reached the collector (13 UDP, 2 TCP x2, ICMPv6 x2)" \
	test "$v6" -ge 19
n=$(nfdump -R "$T/c1" -q -N -o "fmt:%sa %da" 2>/dev/null |
	awk '$1 == "127.0.0.1" || $2 == "127.0.0.1" || $1 == "::1" || $2 == "::1"' | grep -c . || true)
check "the export traffic was not metered ($n records)" test "$n" = 0
check "remove: exit 0 and silent" silent cli -m remove
check "remove: fragments gone" eval 'test ! -e "$ETC/nft-netflow.rules.v4" &&
	test ! -e "$ETC/nft-netflow.rules.v6"'
check "remove: user's rules (both families) unchanged" users_unchanged
finish
