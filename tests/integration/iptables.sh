#!/bin/bash
# iptables.sh nft|legacy: rules = iptables on a router whose saved iptables
# ruleset (loaded with iptables-nft or iptables-legacy) was written for
# ipt_NETFLOW: it already holds "-A FORWARD -j NETFLOW" among rules of the
# user's own.
#
# Phase 1: enable --rules iptables fills the chain NETFLOW and adds jumps
# only from INPUT and OUTPUT (FORWARD has one); traffic A -> B is exact per
# 5-tuple at nfcapd (so nothing was metered twice) and the export traffic
# to the local collector is not metered; the user's rules are unchanged
# while enabled and after disable (which leaves NETFLOW empty, since the
# user's jump still refers to it) and remove.
# Phase 2: a ruleset with no jump: enable adds one per hook, disable takes
# exactly those away (the saved ruleset is as before enable).
# Phase 3: show and status warn of saved "-j NETFLOW" rules that reach
# ipt_NETFLOW's kernel target (no chain NETFLOW declared).
. "$(dirname "$0")/lib.sh"

BACKEND=${1:-nft}
IPT=iptables-$BACKEND
NFN=${NFT_NETFLOW:-$(dirname "$NFT_NETFLOWD")/nft-netflow}
ETC=$T/etc
CONF=$ETC/nft-netflow.conf
command -v "$IPT" >/dev/null || { echo "SKIP: $IPT is not installed"; exit 77; }

cli() { inR "$NFN" -c "$CONF" "$@"; }
# the saved ruleset without comments and counters
saved() { inR "$IPT-save" | grep -v '^#' | sed 's/ \[[0-9]*:[0-9]*\]$//'; }
# what is the user's: everything but our chain's rules and our own rules
user_rules() { saved | grep -v -e '^-A NETFLOW ' -e '--comment nft-netflow'; }
ours() { saved | grep -c -e '--comment nft-netflow' || true; }
our_jump() { saved | grep -qx -- "-A $1 -m comment --comment nft-netflow -j NETFLOW"; }
chain_rules() { saved | grep -c '^-A NETFLOW ' || true; }
has_chain() { saved | grep -q '^:NETFLOW '; }
silent() {
	local out
	out=$("$@" 2>&1) || { echo "$out"; return 1; }
	[ -z "$out" ] || { echo "unexpected output: $out"; return 1; }
}
status_says() { cli -m status -v | grep -q "$1"; }

setup_topology

inR "$IPT-restore" <<'EOF' || { echo "cannot load the user's ruleset"; exit 1; }
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:NETFLOW - [0:0]
:user-fwd - [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -p tcp --dport 22 -j ACCEPT
-A FORWARD -m conntrack --ctstate INVALID -j DROP
-A FORWARD -j NETFLOW
-A FORWARD -j user-fwd
-A user-fwd -s 198.18.200.7 -j DROP
-A user-fwd -p tcp --dport 23 -j REJECT
COMMIT
EOF
user_rules > "$T/user-before.txt"

start_collector c1 9995 || exit 1
capture_start || exit 1

# ---- phase 1: enable next to the user's own FORWARD jump
check "enable --rules iptables: exit 0 and silent" silent cli -m enable \
	--rules iptables -d 127.0.0.1:9995 -o control="$T/run/control" \
	--inactive-timeout 60 -o flush_timeout=5
saved > "$T/enabled.txt"
check "the backend used is $BACKEND" status_says "iptables-$BACKEND"
check "NETFLOW holds the NFLOG rule of the config" grep -qx -- \
	"-A NETFLOW -j NFLOG --nflog-group 2055 --nflog-size 128 --nflog-threshold 1024" \
	"$T/enabled.txt"
check "export traffic excluded by mark" grep -qx -- \
	"-A NETFLOW -m mark --mark 0x6e66 -j RETURN" "$T/enabled.txt"
check "no conntrack in our rules (conntrack = off)" eval '! grep -E \
	"^-A NETFLOW|nft-netflow" "$T/enabled.txt" | grep -Ei "conntrack|connmark"'
check "jump added from INPUT" our_jump INPUT
check "jump added from OUTPUT" our_jump OUTPUT
check "no jump added from FORWARD (the user has one)" eval '! our_jump FORWARD'
check "status: 0" silent cli -m status
check "status -v: enabled" status_says "netflow is enabled"
check "show reports the chain" eval 'cli | grep -q "The iptables chain NETFLOW (iptables-$BACKEND) is loaded"'
check "install wrote the rules.v4 fragment" test -s "$ETC/nft-netflow.rules.v4"
check "the fragment loads with $IPT-restore --test" \
	inR "$IPT-restore" --test --noflush "$ETC/nft-netflow.rules.v4"
check "enable again: exit 0, same rules" eval 'silent cli -m enable &&
	saved | diff -q - "$T/enabled.txt" >/dev/null'
check "user's rules unchanged while enabled" eval 'user_rules | diff - "$T/user-before.txt"'

tcp_sink 30
traffic "$NS_A" udp $B_IP 5000 10 20 100
traffic "$NS_A" tcp $B_IP 6000 100000 2
inA ping -c 3 -i 0.2 -s 100 -q $B_IP >/dev/null
sleep 0.5
kill $SRV 2>/dev/null
capture_stop

check "disable: exit 0 and silent" silent cli -m disable
check "disable: every rule we added is gone" test "$(ours)" = 0
check "disable: NETFLOW kept (the user jumps to it), empty" \
	eval 'has_chain && test "$(chain_rules)" = 0'
check "disable: user's rules unchanged" eval 'user_rules | diff - "$T/user-before.txt"'
check "status: non-zero" eval '! cli -m status'
stop_collector c1
check "collector == capture, per 5-tuple, with ifindex" compare c1
n=$(nfdump -R "$T/c1" -q -N -o "fmt:%sa %da" 2>/dev/null | grep -c "127\.0\.0\.1")
check "the export traffic was not metered ($n records)" test "$n" = 0
check "remove: exit 0 and silent" silent cli -m remove
check "remove: fragment gone" test ! -e "$ETC/nft-netflow.rules.v4"
check "remove: user's rules unchanged" eval 'user_rules | diff - "$T/user-before.txt"'

# ---- phase 2: no jump in the ruleset: ours on every hook, then exactly gone
inR "$IPT-restore" <<'EOF' || { echo "cannot load the second ruleset"; exit 1; }
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -i lo -j ACCEPT
-A FORWARD -p tcp --dport 23 -j REJECT
COMMIT
EOF
saved > "$T/plain-before.txt"
check "enable (no jump anywhere): exit 0" silent cli -m enable \
	--rules iptables -d 127.0.0.1:9995 -o control="$T/run/control"
for h in INPUT FORWARD OUTPUT; do
	check "jump added from $h" our_jump $h
done
check "jumps first in their chain" eval 'saved | grep "^-A FORWARD" | head -1 |
	grep -q -- "--comment nft-netflow -j NETFLOW"'
check "disable: exit 0" silent cli -m disable
check "disable: the ruleset is exactly as before enable" \
	eval 'saved | diff "$T/plain-before.txt" -'
check "remove: exit 0" silent cli -m remove

# ---- phase 3: show warns of a -j NETFLOW that reaches ipt_NETFLOW's kernel
# target.  No such rule can be loaded here (no module, no libxt_NETFLOW:
# "Couldn't load target"), so it comes from iptables-persistent's saved
# rules: /etc/iptables/rules.v4, seen through an overlay of /etc in a
# mount namespace of this test only.
mkdir -p "$T/ovl/up/iptables" "$T/ovl/work"
with_etc() {	# with_etc CMD...: CMD where /etc has $T/ovl/up on top
	inR unshare -m --propagation private sh -c 'mount -t overlay overlay \
		-o lowerdir=/etc,upperdir="$1/up",workdir="$1/work" /etc &&
		shift && exec "$@"' sh "$T/ovl" "$@"
}
printf '%s\n' '*filter' ':INPUT ACCEPT [0:0]' ':FORWARD ACCEPT [0:0]' \
	'-A FORWARD -j NETFLOW' '-A INPUT -j NETFLOW' 'COMMIT' \
	> "$T/ovl/up/iptables/rules.v4"
if with_etc test -s /etc/iptables/rules.v4; then
	check "show warns: 2 kernel-target jumps in /etc/iptables/rules.v4" \
		eval 'with_etc "$NFN" -c "$CONF" | grep -q "WARNING: 2 \"-j NETFLOW\" rules (the first in /etc/iptables/rules.v4)"'
	check "show --json lists the warning" eval 'with_etc "$NFN" -c "$CONF" --json |
		python3 -c "import json,sys; w=json.load(sys.stdin)[\"warnings\"]; assert len(w)==1 and \"kernel target\" in w[0], w"'
	check "status -v warns too" eval 'with_etc "$NFN" -c "$CONF" -m status -v |
		grep -q "warning: 2 \"-j NETFLOW\" rules in /etc/iptables/rules.v4 reach"'
	sed -i 's/^:FORWARD ACCEPT \[0:0\]$/&\n:NETFLOW - [0:0]/' "$T/ovl/up/iptables/rules.v4"
	check "the chain declared: no warning" eval '! with_etc "$NFN" -c "$CONF" | grep -q WARNING'
else
	not_ok "cannot overlay /etc in a mount namespace (overlayfs)"
fi
check "no warning from the live rules" eval '! cli | grep -q WARNING'
finish
