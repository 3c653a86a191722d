# lib.sh: shared setup of the integration tests (sourced, bash).
#
# The topology, rules, daemon, collector and capture helpers are the
# harness's (tests/lib/netns.sh: namespaces nfn{A,R,B}$$, removed on exit);
# this adds what only tests need: the checks and their tally.

set -u

: "${NFT_NETFLOWD:?path of the nft-netflowd binary}"
: "${NFN_SRCDIR:?source directory}"

. "$NFN_SRCDIR/tests/lib/netns.sh"
harness_require nfcapd nfdump tshark python3
harness_init nfn-test nfn

# The daemon reads its config again (reload) as its own user, as installed.
chmod 755 "$T"
if ! id nft-netflow >/dev/null 2>&1; then
	useradd --system --no-create-home --shell /usr/sbin/nologin \
	    nft-netflow || { echo "cannot create user nft-netflow"; exit 1; }
fi
FAILS=0 PASSES=0

ok() { PASSES=$((PASSES + 1)); echo "ok: $*"; }
not_ok() { FAILS=$((FAILS + 1)); echo "NOT OK: $*"; }
check() {	# check "description" command...
	local what=$1; shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}
finish() {
	echo "$PASSES passed, $FAILS failed"
	[ "$FAILS" = 0 ]
	exit $?
}

# jget PATH: one value from the daemon's "stats json" (e.g. drops.maxflows_pkts)
jget() {
	ctl stats json | python3 -c '
import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v[int(k)] if isinstance(v, list) else v[k]
print(v)' "$1"
}

# settle N: wait (at most 5 s) until the daemon has read N packets in all
# (traffic.pkts), so that a check made right after sending does not race
# the kernel's NFLOG batching and the daemon's read.  The check itself
# still compares exact values; this only removes the race.
settle() {
	local i
	for i in $(seq 50); do
		[ "$(jget traffic.pkts)" -ge "$1" ] 2>/dev/null && return 0
		sleep 0.1
	done
	echo "settle: the daemon read $(jget traffic.pkts) packets, not $1"
	return 1
}

# load_rules_for key=value...: the include the CLI writes for a config
# with these keys (e.g. conntrack=on), loaded into R
load_rules_for() {
	"$NFN_GEN_SHIPPED" nft "$@" > "$T/rules.nft" || return 1
	inR nft -f "$T/rules.nft"
}

# dual_traffic FLOWS PKTS: the dual-stack mix A -> B (after setup_ipv6) of
# the dual-stack tests.  B's TCP sink for IPv4 and IPv6 (tcp_sink: SRV,
# left running for the caller to stop); over IPv4, FLOWS UDP flows of PKTS
# datagrams of 100 payload bytes (ports 5000+), two TCP uploads of 100 kB
# and 3 pings of 200 bytes; over IPv6 the same (UDP to ports 5300+ from
# 42000+) and 3 UDP flows of PKTS datagrams of 1400 bytes (ports 5400+ from
# 43000+).  Each IPv6 UDP flow is one connection, TCP and ICMP two each.
dual_traffic() {
	tcp_sink 20 dual
	traffic "$NS_A" udp $B_IP 5000 "$1" "$2" 100
	traffic "$NS_A" tcp $B_IP 6000 100000 2
	inA ping -c 3 -i 0.2 -s 200 -q $B_IP >/dev/null
	traffic "$NS_A" udp $B6_IP 5300 "$1" "$2" 100 42000
	traffic "$NS_A" udp $B6_IP 5400 3 "$2" 1400 43000
	traffic "$NS_A" tcp $B6_IP 6000 100000 2
	inA ping -6 -c 3 -i 0.2 -s 200 -q $B6_IP >/dev/null
}
