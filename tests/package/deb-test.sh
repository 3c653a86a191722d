#!/bin/bash
# deb-test.sh DEB [NEW_DEB]: the Debian package as an operator meets it.
#
# apt-get install ./nft-netflow_*.deb; the files, conffiles, user and
# units are there (units not enabled).  Then, with the installed files
# only (/usr/sbin, /etc/nft-netflow, /run/nft-netflow), `nft-netflow -m
# enable` on a router namespace with traffic and a real nfcapd: the
# collector's packets and bytes per 5-tuple equal a capture's, and the
# daemon keeps CAP_NET_ADMIN alone.  The installed metrics unit's command
# writes its file.  An upgrade to NEW_DEB (default: this tree built again
# by scripts/deb.sh as VERSION+upgrade1) with a daemon running and traffic
# flowing: postinst restarts the daemon in its namespace, the old one
# exports every flow first, the new one runs the new binary as the
# package's user; the collector's flows equal the capture's, except the
# packets of one paced flow sent while neither daemon read NFLOG, which
# are counted and must fit in the window postinst reports.  apt-get
# remove keeps the config; purge leaves nothing
# of the package (its dpkg -L files, config, run directory, metrics file,
# files of its user, a daemon).  Installs system-wide: it refuses to run
# where nft-netflow is already installed in any way.  Run as root.
set -u
DEB=$(realpath "${1:?usage: deb-test.sh nft-netflow_VERSION_ARCH.deb [NEW_DEB]}")
NEW_DEB=${2:+$(realpath "$2")}
export NFN_SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
export NFT_NETFLOWD=/usr/sbin/nft-netflowd
NFN=/usr/sbin/nft-netflow
TEXTFILE=/var/lib/prometheus/node-exporter

if dpkg-query -W -f='${Status}' nft-netflow 2>/dev/null | grep -q installed ||
	[ -e /etc/nft-netflow ] || [ -e /run/nft-netflow/control ] ||
	[ -e /usr/local/sbin/nft-netflow ]; then
	echo "deb-test.sh: nft-netflow is already on this system; not touching it" >&2
	exit 1
fi
. "$NFN_SRCDIR/tests/integration/lib.sh"
export DEBIAN_FRONTEND=noninteractive
# a process that is gone or a zombie (the daemon forked by the CLI is
# reaped by whoever PID 1 is)
gone() {
	[ -n "$1" ] && { [ ! -d "/proc/$1" ] || grep -q '^State:.*Z' "/proc/$1/status"; }
}
trap 'apt-get purge -y -qq nft-netflow >/dev/null 2>&1; cleanup' EXIT
if [ -z "$NEW_DEB" ]; then
	v=$(dpkg-deb -f "$DEB" Version)+upgrade1
	check "build the upgrade, version $v (scripts/deb.sh)" eval \
		'sh "$NFN_SRCDIR/scripts/deb.sh" "$T/up" "$v" > "$T/deb-up.log" 2>&1'
	NEW_DEB=$(ls "$T"/up/nft-netflow_*.deb 2>/dev/null | head -1)
fi
[ -n "$NEW_DEB" ] || { echo "deb-test.sh: no upgrade package" >&2; exit 1; }
check "the upgrade's version is newer" dpkg --compare-versions \
	"$(dpkg-deb -f "$NEW_DEB" Version)" gt "$(dpkg-deb -f "$DEB" Version)"

check "apt-get install ./$(basename "$DEB")" \
	eval 'apt-get install -y -qq "$DEB" > "$T/apt.log" 2>&1'
dpkg -L nft-netflow | sort > "$T/files.txt"
for f in /usr/sbin/nft-netflowd /usr/sbin/nft-netflow \
	/etc/nft-netflow/nft-netflow.conf /etc/nft-netflow/nft-netflow.nft \
	/lib/systemd/system/nft-netflow.service \
	/lib/systemd/system/nft-netflow-metrics.service \
	/lib/systemd/system/nft-netflow-metrics.timer \
	/usr/share/bash-completion/completions/nft-netflow \
	/usr/share/man/man8/nft-netflow.8.gz /usr/share/man/man8/nft-netflowd.8.gz \
	/usr/share/man/man5/nft-netflow.conf.5.gz; do
	check "installed: $f" eval 'grep -qx "$f" "$T/files.txt" && test -e "$f"'
done
conffiles=$(dpkg-query -W -f='${Conffiles}' nft-netflow)
check "conffile: nft-netflow.conf" eval \
	'echo "$conffiles" | grep -q " /etc/nft-netflow/nft-netflow.conf "'
check "conffile: nft-netflow.nft" eval \
	'echo "$conffiles" | grep -q " /etc/nft-netflow/nft-netflow.nft "'
check "system user nft-netflow" eval \
	'uid=$(id -u nft-netflow) && [ "$uid" -lt 1000 ] &&
	 getent passwd nft-netflow | grep -q ":/usr/sbin/nologin$"'
check "group nft-netflow" eval "getent group nft-netflow >/dev/null"
check "units not enabled" eval \
	'! ls /etc/systemd/system/*.wants/nft-netflow* 2>/dev/null | grep -q .'
check "the installed config passes nft-netflowd -n" \
	eval '/usr/sbin/nft-netflowd -n -c /etc/nft-netflow/nft-netflow.conf | grep -q "configuration OK"'

# ---- the installed files at work on a router namespace
setup_topology
start_collector c1 9995 || exit 1
capture_start || exit 1
check "nft-netflow -m enable (installed files)" \
	inR "$NFN" -m enable -d 127.0.0.1:9995 --inactive-timeout 1
pid=$(inR "$NFN" -m show --json | python3 -c \
	'import json, sys; print(json.load(sys.stdin)["daemon"]["pid"])')
check "daemon running (pid $pid)" test -d "/proc/$pid"
check "daemon's binary is the installed one" \
	test "$(readlink "/proc/$pid/exe")" = /usr/sbin/nft-netflowd
cap=$(awk '/^CapEff:/ { print $2 }' "/proc/$pid/status")
check "daemon keeps CAP_NET_ADMIN alone (CapEff $cap)" \
	test "$cap" = 0000000000001000
ids=$(awk '/^Uid:|^Gid:/ { printf "%s %s %s %s ", $2, $3, $4, $5 }' \
	"/proc/$pid/status")
want=$(id -u nft-netflow) wantg=$(id -g nft-netflow)
check "daemon runs as the package's user (uids, gids: $ids)" test \
	"$ids" = "$want $want $want $want $wantg $wantg $wantg $wantg "
inB python3 "$NFN_SRCDIR/tests/integration/traffic.py" tcp-server 6000 10 &
SRV=$!
sleep 0.5
traffic "$NS_A" udp $B_IP 5000 5 20 300 >/dev/null
traffic "$NS_A" tcp $B_IP 6000 100000 2 >/dev/null
inA ping -c 3 -i 0.2 -q $B_IP >/dev/null
wait $SRV 2>/dev/null
capture_stop
check "daemon still running after the traffic" eval '! gone "$pid"'
# the metrics unit's own command line, as systemd would run it
cmd=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/nft-netflow-metrics.service)
mkdir -p "$TEXTFILE"
check "metrics unit's command writes $TEXTFILE/nft_netflow.prom" eval \
	'$cmd && grep -qx "nft_netflow_up 1" "$TEXTFILE/nft_netflow.prom"'
check "nft-netflow -m disable" inR "$NFN" -m disable
check "daemon gone" gone "$pid"
stop_collector c1
check "collector == capture, per 5-tuple, with ifindex" compare c1

# ---- upgrade with a running daemon and traffic flowing
# nflog capture mode, no conntrack: the UDP flows stay in the old daemon's
# table (inactive timeout 60 s) until its SIGTERM exports them, and go on
# in the new one with the same 5-tuples: exactly two records each.  One
# paced flow (UDP to $GAP_PORT, 46-byte packets at least 2 ms apart, 5000
# of them: 10 s or more) runs through the whole upgrade.  The new daemon
# can bind the NFLOG group only once the old one has let it go, and the
# kernel drops what it logs to a group nobody reads: the packets of that
# window are not metered.  They are counted here, exactly (capture minus
# collector, whole packets of the paced flow only, every other flow
# exact), and bounded by the window postinst measured.
GAP_PORT=5100
active_flows() {
	inR "$NFN" -m show --json | python3 -c 'import json, sys
s = json.load(sys.stdin)["stats"]
print(s["flows"]["active"] if s else 0)'
}
start_collector c2 9996 || exit 1
capture_start || exit 1
check "enable for the upgrade" inR "$NFN" -m enable -d 127.0.0.1:9996 \
	--inactive-timeout 60
old=$(cat /run/nft-netflow/nft-netflowd.pid 2>/dev/null)
traffic "$NS_A" udp $B_IP 5000 5 20 300 >/dev/null
# NFLOG delivers in batches (queue threshold): wait for them, bounded
for i in $(seq 50); do
	active=$(active_flows)
	[ "${active:-0}" -ge 5 ] && break
	sleep 0.1
done
check "flows in the old daemon's table before the upgrade ($active)" \
	test "${active:-0}" -ge 5
ip netns exec "$NS_A" python3 "$NFN_SRCDIR/tests/integration/traffic.py" \
	udp $B_IP $GAP_PORT 1 5000 18 41000 0.002 > "$T/paced.log" 2>&1 &
PACED=$!
sleep 1
t0=$(date +%s%N)
check "apt-get install ./$(basename "$NEW_DEB") (upgrade, traffic flowing)" \
	eval 'apt-get install -y -qq "$NEW_DEB" > "$T/apt-up.log" 2>&1'
t1=$(date +%s%N)
echo "upgrade took $(((t1 - t0) / 1000000)) ms"
check "the paced flow was still sending when the upgrade ended" \
	kill -0 $PACED
wait $PACED
check "upgraded to $(dpkg-deb -f "$NEW_DEB" Version)" test \
	"$(dpkg-query -W -f='${Version}' nft-netflow)" = \
	"$(dpkg-deb -f "$NEW_DEB" Version)"
grep "^nft-netflow: " "$T/apt-up.log"
check "postinst restarted the daemon (pid $old)" \
	grep -q "restarting nft-netflowd (pid $old," "$T/apt-up.log"
window=$(sed -n 's/.*(within the last \([0-9]*\) ms) were not metered.*/\1/p' \
	"$T/apt-up.log")
check "postinst says how long no daemon metered (${window:-?} ms)" \
	test -n "$window"
check "old daemon gone (pid $old)" gone "$old"
pid=$(inR "$NFN" -m show --json | python3 -c \
	'import json, sys; print(json.load(sys.stdin)["daemon"]["pid"])')
check "a new daemon answers (pid $pid)" eval \
	'[ -n "$pid" ] && [ "$pid" != "$old" ] && [ -d "/proc/$pid" ]'
check "it runs the new binary" eval \
	'[ "$(readlink "/proc/$pid/exe")" = /usr/sbin/nft-netflowd ] &&
	 [ "$(stat -Lc %i "/proc/$pid/exe")" = "$(stat -c %i /usr/sbin/nft-netflowd)" ]'
check "in the router's namespace" test \
	"$(readlink "/proc/$pid/ns/net")" = "$(inR readlink /proc/self/ns/net)"
ids=$(awk '/^Uid:|^Gid:/ { printf "%s %s %s %s ", $2, $3, $4, $5 }' \
	"/proc/$pid/status")
check "as the package's user (uids, gids: $ids)" test \
	"$ids" = "$want $want $want $want $wantg $wantg $wantg $wantg "
cap=$(awk '/^CapEff:/ { print $2 }' "/proc/$pid/status")
check "with CAP_NET_ADMIN alone (CapEff $cap)" test "$cap" = 0000000000001000
traffic "$NS_A" udp $B_IP 5000 5 20 300 >/dev/null
# disable at once: the kernel may still hold these packets in a partial
# NFLOG batch (flush_timeout); the daemon's SIGTERM must meter them
check "nft-netflow -m disable after the upgrade" inR "$NFN" -m disable
capture_stop
check "new daemon gone" gone "$pid"
stop_collector c2
check "collector == capture across the upgrade (2 records a flow)" eval \
	'compare c2 --min-records 2 --max-records 2 --gap $GAP_PORT \
	    > "$T/compare-up.txt"'
cat "$T/compare-up.txt"
gap=$(sed -n 's/^gap: \([0-9]*\) pkts.*/\1/p' "$T/compare-up.txt")
# packets at least 2 ms apart: N of them span at least 2 (N - 1) ms
check "not metered: ${gap:-?} packets of the paced flow, which fit in the ${window:-?} ms window" \
	eval '[ -n "$gap" ] && [ -n "$window" ] &&
	      [ $((2 * (gap - 1))) -le "$window" ]'

# ---- remove keeps the config; prerm stops a running daemon
check "enable again" inR "$NFN" -m enable -d 127.0.0.1:9995
pid=$(cat /run/nft-netflow/nft-netflowd.pid 2>/dev/null)
check "apt-get remove" eval 'apt-get remove -y -qq nft-netflow > "$T/apt.log" 2>&1'
check "remove: daemon stopped by prerm" gone "$pid"
check "remove: config kept" test -s /etc/nft-netflow/nft-netflow.conf
check "remove: binaries gone" test ! -e /usr/sbin/nft-netflowd
check "remove: metrics file gone" test ! -e "$TEXTFILE/nft_netflow.prom"
check "remove: package in state config-files" eval \
	'dpkg-query -W -f="\${db:Status-Abbrev}" nft-netflow | grep -q "^rc"'

# ---- purge leaves nothing of the package
check "apt-get purge" eval 'apt-get purge -y -qq nft-netflow > "$T/apt.log" 2>&1'
check "purge: not known to dpkg" eval '! dpkg-query -W nft-netflow 2>/dev/null'
left=
while read -r f; do
	[ -d "$f" ] && continue		# shared directories (and /lib)
	[ -e "$f" ] || [ -L "$f" ] && left="$left $f"
done < "$T/files.txt"
check "purge: no file of dpkg -L left${left:+ ($left)}" test -z "$left"
check "purge: /etc/nft-netflow gone" test ! -e /etc/nft-netflow
check "purge: /run/nft-netflow gone" test ! -e /run/nft-netflow
owned=$(find /etc /var /run /usr /opt /srv /home /root /tmp -xdev \
	\( -user nft-netflow -o -group nft-netflow \) -print 2>/dev/null | head)
check "purge: no file of user nft-netflow${owned:+ ($owned)}" test -z "$owned"
finish
