#!/bin/bash
# Least privilege: the running daemon is user nft-netflow with
# CAP_NET_ADMIN alone (effective, permitted, bounding) and no_new_privs.
# One daemon per config: a second nft-netflowd on the same config (so the
# same control socket) or on the same pidfile refuses to start and names
# the one running; the first runs on untouched.  A file that is not a
# socket where the control socket goes is refused, never deleted.
. "$(dirname "$0")/lib.sh"

setup_topology
load_rules
write_conf "$T/nfn.conf" destination=127.0.0.1:9995
start_daemon "$T/nfn.conf" || exit 1

st=/proc/$DAEMON_PID/status
uid=$(id -u nft-netflow) gid=$(id -g nft-netflow)
check "runs as nft-netflow (uid $uid)" \
	grep -qP "^Uid:\t$uid\t$uid\t$uid\t$uid$" "$st"
check "with its group only" grep -qP "^Gid:\t$gid\t$gid\t$gid\t$gid$" "$st"
check "no supplementary groups" grep -qP "^Groups:\s*$" "$st"
for set in CapEff CapPrm CapBnd; do
	check "$set: CAP_NET_ADMIN alone" grep -qP "^$set:\t0000000000001000$" "$st"
done
check "CapInh, CapAmb empty" test "$(grep -cP '^Cap(Inh|Amb):\t0{16}$' "$st")" = 2
check "no_new_privs" grep -qP "^NoNewPrivs:\t1$" "$st"
check "answers after the switch" ctl ping

out=$(inR timeout 10 "$NFT_NETFLOWD" -f -c "$T/nfn.conf" -p - 2>&1)
rc=$?
check "second daemon on the same config exits 1" test "$rc" = 1
check "it names the running one" \
	grep -q "another nft-netflowd (pid $DAEMON_PID) already runs with control socket $T/control" <<<"$out"
check "the first still answers" ctl ping

# same pidfile, another config and socket
stop_daemon
write_conf "$T/other.conf" destination=127.0.0.1:9995
sed -i "s|^control = .*|control = $T/other-control|" "$T/other.conf"
ip netns exec "$NS_R" "$NFT_NETFLOWD" -f -c "$T/other.conf" -p "$T/pid" 2>/dev/null &
P1=$!
for _ in $(seq 30); do [ -s "$T/pid" ] && break; sleep 0.1; done
out=$(inR timeout 10 "$NFT_NETFLOWD" -f -c "$T/nfn.conf" -p "$T/pid" 2>&1)
check "second daemon on the same pidfile refused" \
	grep -q "already runs with pidfile $T/pid" <<<"$out"
check "the pidfile holds the first one's pid" test "$(cat "$T/pid")" = "$P1"
kill "$P1"
wait "$P1"
check "the first one exits 0 on SIGTERM" test $? = 0

# a regular file at the control path is an error, and stays.  (The daemon,
# no longer root, cannot remove its socket from this root-owned directory:
# the next start removes a stale socket, and only a socket.)
check "the stale socket is a socket" test -S "$T/other-control"
rm -f "$T/other-control"
echo keep > "$T/other-control"
out=$(inR timeout 10 "$NFT_NETFLOWD" -f -c "$T/other.conf" -p - 2>&1)
check "a file at the control path: refused" test $? = 1
check "the message names the socket" grep -q "control socket $T/other-control" <<<"$out"
check "the file is intact" test "$(cat "$T/other-control")" = keep
finish
