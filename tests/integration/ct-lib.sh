# ct-lib.sh: what the conntrack tests add to lib.sh (sourced after it).
#
# lib.sh starts the daemon and tshark through its inR function in the
# background, so the PID it keeps is a subshell's: a signal reaches the
# subshell, not the program, and (in a script) a background job ignores
# SIGINT anyway.  These start them with ip netns exec directly, so the PID
# is the program's own.

start_daemon() {	# start_daemon CONF
	ip netns exec "$NS_R" "$NFT_NETFLOWD" -f -c "$1" -p - \
		2>>"$T/daemon.log" &
	DAEMON_PID=$!
	for _ in $(seq 50); do
		[ -S "$T/control" ] && ctl ping >/dev/null 2>&1 && return 0
		kill -0 "$DAEMON_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "daemon did not start:"; cat "$T/daemon.log"; return 1
}

# capture_start IFACE: ground truth of every IPv4 packet crossing IFACE in R.
# Start it before the daemon: tshark's extcap helpers probe 127.0.0.1:5037
# in R as it starts, and that is not test traffic.
capture_start() {
	ip netns exec "$NS_R" tshark -q -i "${1:-ra}" -f ip -w "$T/truth.pcap" \
		2>"$T/tshark.log" &
	TSHARK_PID=$!
	for _ in $(seq 100); do
		grep -q "Capturing on" "$T/tshark.log" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "tshark did not start"; cat "$T/tshark.log"; return 1
}
capture_stop() {
	sleep 0.5
	kill -TERM "$TSHARK_PID"; wait "$TSHARK_PID" 2>/dev/null; TSHARK_PID=
}

# stats_val KEY: one number from the daemon's JSON statistics (conntrack part)
ct_stat() {
	ctl stats json | python3 -c 'import json,sys; print(json.load(sys.stdin)["conntrack"][sys.argv[1]])' "$1"
}

# start_collector NAME PORT: as lib.sh's, with an 8 MiB socket buffer: a
# resync or flush exports thousands of records at once, more than the
# default receive buffer holds (measured: 8 of 100 datagrams lost).
start_collector() {
	mkdir -p "$T/$1"
	ip netns exec "$NS_R" nfcapd -b 127.0.0.1 -p "$2" -B 8388608 -w "$T/$1" \
		-D -P "$T/nfcapd-$1.pid" >/dev/null 2>&1
	for _ in $(seq 50); do [ -f "$T/nfcapd-$1.pid" ] && return 0; sleep 0.1; done
	echo "nfcapd $1 did not start"; return 1
}
