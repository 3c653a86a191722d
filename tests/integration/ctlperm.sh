#!/bin/bash
# The control socket: root may do everything; members of control_group
# may read (ping, stats, metrics, flows, config) and nothing else; anyone else is
# refused, by the socket's mode and, if that is ever wider, by the daemon
# itself on the peer's credentials (SO_PEERCRED).
. "$(dirname "$0")/lib.sh"

setup_topology
load_rules
write_conf "$T/nfn.conf" destination=127.0.0.1:9995 control_group=nogroup
start_daemon "$T/nfn.conf" || exit 1

as() {	# as UID GID REQUEST: a control request from another user
	setpriv --reuid="$1" --regid="$2" --clear-groups \
	    /usr/bin/python3 "$NFN_SRCDIR/tests/integration/ctl.py" "$T/control" "$3"
}
reads() { as "$@" >/dev/null; }
ng=$(getent group nogroup | cut -d: -f3)

check "socket 0660, group nogroup" \
	test "$(stat -c '%a %G' "$T/control")" = "660 nogroup"
check "root: set" ctl set active_timeout 100
check "root: flush" ctl flush
for r in ping stats "stats json" metrics flows config; do
	check "group member: $r" reads 65534 "$ng" "$r"
done
out=$(as 65534 "$ng" "set active_timeout 5" 2>&1)
check "group member: set refused" test $? = 1
check "  saying what it may do" grep -q "ERR permission denied: uid 65534 (group nogroup) may only read" <<<"$out"
check "  and nothing changed" grep -qx "active_timeout = 100" <(ctl config)
out=$(as 65534 "$ng" flush 2>&1)
check "group member: flush refused" test $? = 1
out=$(as 65534 "$ng" reload 2>&1)
check "group member: reload refused" test $? = 1

# others cannot connect (mode 0660) ...
out=$(as 65534 1 ping 2>&1)
check "others: no connection" grep -q "PermissionError" <<<"$out"
# ... and if the mode were wider, the daemon still says no
chmod 0666 "$T/control"
out=$(as 65534 1 ping 2>&1)
check "others, socket opened up: refused by the daemon" \
	grep -q "ERR permission denied: uid 65534 may not use the control socket; root may, members of group nogroup may read" <<<"$out"
check "the daemon runs on" ctl ping
finish
