#!/bin/bash
# migrate.sh nft|legacy: migration from ipt_NETFLOW in one command.
#
# 1. A modprobe.d file with every ipt_NETFLOW option of the ipt_netflow
#    manual (destination, active_timeout, inactive_timeout, aggregation,
#    debug, maxflows, hashsize, sndbuf; split over two "options" lines, one
#    continued with a backslash, one value quoted) and two options we have
#    no key for, through "nft-netflow -m install --from-ipt-netflow FILE"
#    with a config of the test's own: the config holds the same values, key
#    by key, every other key keeps its default, and the two unknown options
#    are named in a warning.
# 2. A bad value of each option, alone in a file, is refused with the
#    message the CLI gives for the same value (compared word for word after
#    the "FILE:LINE:" or "--option:" prefix), a non-zero exit and the
#    config left byte for byte as it was.
# 3. enable --rules iptables with that config on a router whose ruleset is
#    the manual's "-A INPUT/FORWARD/OUTPUT -j NETFLOW" (the chain declared,
#    as the README asks): no jump added, the running daemon has the
#    migrated values, and traffic through the router is exact per 5-tuple
#    at both migrated destinations (two nfcapd).
. "$(dirname "$0")/lib.sh"

BACKEND=${1:-nft}
IPT=iptables-$BACKEND
NFN=${NFT_NETFLOW:-$(dirname "$NFT_NETFLOWD")/nft-netflow}
ETC=$T/etc
CONF=$ETC/nft-netflow.conf
command -v "$IPT" >/dev/null || { echo "SKIP: $IPT is not installed"; exit 77; }

cli() { inR "$NFN" -c "$CONF" "$@"; }
# conf_kv FILE: "key value" per line, sorted, the INI's quotes taken off
conf_kv() {
	sed -n 's/^\([a-z_]*\) = "\{0,1\}\([^"]*\)"\{0,1\}$/\1 \2/p' "$1" | sort
}
# the message of a refusal: stderr without "nft-netflow: PREFIX: "
msg_of() { sed -n '1s/^nft-netflow: [^:]*\(:[0-9]*\)\{0,1\}: //p'; }

setup_topology

# ---- 1: every option of the manual
cat > "$T/ipt_netflow.conf" <<'EOF'
# /etc/modprobe.d/ipt_netflow.conf, as ipt_netflow -m install writes it
options ipt_NETFLOW destination=127.0.0.1:9995,127.0.0.1:9996 \
  active_timeout=15 inactive_timeout=20 debug=1 promisc=1
options ipt_NETFLOW hashsize=15000 sndbuf=128000 maxflows=1000000 aggregation="192.0.0.0/8=16,80-89=80" snmp-rules=eth0:100
EOF
cat > "$T/want.txt" <<'EOF'
active_timeout 15
aggregation 192.0.0.0/8=16,80-89=80
debug 1
destination 127.0.0.1:9995,127.0.0.1:9996
hashsize 15000
inactive_timeout 20
maxflows 1000000
sndbuf 128000
EOF
inR "$NFN" -m install -c "$T/defaults/nft-netflow.conf" \
	-o control="$T/run/control" || { echo "cannot write a default config"; exit 1; }
inR "$NFN" -m install -c "$CONF" -o control="$T/run/control" \
	--from-ipt-netflow "$T/ipt_netflow.conf" 2>"$T/migrate.err"
rc=$?
cat "$T/migrate.err"
check "install --from-ipt-netflow: exit 0" test $rc = 0
conf_kv "$CONF" > "$T/got.txt"
conf_kv "$T/defaults/nft-netflow.conf" > "$T/defaults.txt"
for k in $(cut -d' ' -f1 "$T/want.txt"); do
	check "config: $k as in the modprobe.d file" \
		grep -qxF "$(grep "^$k " "$T/want.txt")" "$T/got.txt"
done
check "config: every other key at its default" eval 'diff \
	<(grep -vFf <(sed "s/ .*/ /" "$T/want.txt") "$T/got.txt") \
	<(grep -vFf <(sed "s/ .*/ /" "$T/want.txt") "$T/defaults.txt")'
check "the unknown options are reported by name" grep -q \
	"ipt_NETFLOW options with no nft-netflow key, not migrated: promisc, snmp-rules" \
	"$T/migrate.err"

# ---- 2: bad values, the CLI's messages
cp "$CONF" "$T/conf.before"
while read -r opt cliopt value; do
	printf 'options ipt_NETFLOW %s=%s\n' "$opt" "$value" > "$T/bad.conf"
	inR "$NFN" -m install -c "$CONF" --from-ipt-netflow "$T/bad.conf" \
		2>"$T/bad.err" >/dev/null
	rc=$?
	got=$(msg_of < "$T/bad.err")
	inR "$NFN" -m install -c "$CONF" "$cliopt" "$value" 2>"$T/cli.err" >/dev/null
	want=$(msg_of < "$T/cli.err")
	check "$opt=$value: refused (exit $rc), config unchanged" eval \
		'test $rc != 0 && cmp -s "$CONF" "$T/conf.before"'
	check "$opt=$value: the CLI's message ($want)" eval \
		'test -n "$want" && test "$got" = "$want" &&
		grep -q "^nft-netflow: $T/bad.conf:1: " "$T/bad.err"'
done <<'EOF'
destination -d 127.0.0.1:99999
active_timeout --active-timeout 0
inactive_timeout --inactive-timeout 86401
debug --debug 256
hashsize --hashsize 100
sndbuf --sndbuf 2147483648
maxflows --maxflows -1
aggregation --aggregation 10.0.0.0/8
EOF

# ---- 3: enable with the migrated config, the manual's ruleset
inR "$IPT-restore" <<'EOF' || { echo "cannot load the manual's ruleset"; exit 1; }
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:NETFLOW - [0:0]
-A INPUT -j NETFLOW
-A FORWARD -j NETFLOW
-A OUTPUT -j NETFLOW
COMMIT
EOF
start_collector c1 9995 || exit 1
start_collector c2 9996 || exit 1
capture_start || exit 1
check "enable --rules iptables with the migrated config: exit 0" \
	cli -m enable --rules iptables
check "no jump added (the manual's rules reach NETFLOW)" eval \
	'! inR "$IPT-save" | grep -q -- "--comment nft-netflow"'
python3 "$NFN_SRCDIR/tests/integration/ctl.py" "$T/run/control" config \
	> "$T/running.txt"
sed -n 's/^\([a-z_]*\) = "\{0,1\}\([^"]*\)"\{0,1\}$/\1 \2/p' "$T/running.txt" |
	sort > "$T/running-kv.txt"
check "the running daemon has the migrated values" eval \
	'grep -xFf "$T/want.txt" "$T/running-kv.txt" | diff - "$T/want.txt"'

tcp_sink 30
traffic "$NS_A" udp $B_IP 5000 10 20 100
traffic "$NS_A" tcp $B_IP 6000 100000 2
inA ping -c 3 -i 0.2 -s 100 -q $B_IP >/dev/null
sleep 0.5
kill $SRV 2>/dev/null
capture_stop
check "disable: exit 0" cli -m disable
stop_collector c1
stop_collector c2
check "collector 1 == capture, per 5-tuple" compare c1
check "collector 2 == capture, per 5-tuple" compare c2
check "remove: exit 0" cli -m remove
finish
