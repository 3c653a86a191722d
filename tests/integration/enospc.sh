#!/bin/bash
# The CLI rewrites the config on a full file system: it fails with the file
# and the cause, exits non-zero, and leaves the old files byte for byte
# and no temporary file behind.  In a private mount namespace, on a tiny
# tmpfs: once with no block free, once with no inode free; then, with
# room again, the same command succeeds (so the checks can tell).
set -u
: "${NFT_NETFLOW:?path of the nft-netflow binary}"

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: ${0##*/} needs root (mount namespace, tmpfs)"
	exit 77
fi
for tool in unshare mount cmp; do
	command -v "$tool" >/dev/null ||
		{ echo "SKIP: $tool is not installed"; exit 77; }
done
if [ -z "${NFN_ENOSPC_NS:-}" ]; then
	NFN_ENOSPC_NS=1 exec unshare -m --propagation private "$0" "$@"
fi

T=$(mktemp -d /tmp/nfn-enospc.XXXXXX) || exit 1
D=$T/etc
mkdir "$D"
trap 'umount "$D" 2>/dev/null; rm -rf "$T"' EXIT
CONF=$D/nft-netflow.conf
FAILS=0 PASSES=0
ok() { PASSES=$((PASSES + 1)); echo "ok: $*"; }
not_ok() { FAILS=$((FAILS + 1)); echo "NOT OK: $*"; }
check() {
	local what=$1; shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}
cli() { "$NFT_NETFLOW" -c "$CONF" "$@"; }
only_files() {	# only_files NAME...: the directory holds exactly these
	[ "$(ls -A "$D" | sort | tr '\n' ' ')" = "$(printf '%s\n' "$@" | sort | tr '\n' ' ')" ]
}

# scenario NAME MOUNTOPTS FILL: the config and its include installed, the
# tmpfs filled by FILL, then install with a change
scenario() {
	local name=$1 opts=$2 fill=$3 rc
	mount -t tmpfs -o "$opts,mode=0755" nfn-enospc "$D" || {
		not_ok "$name: mount tmpfs"; return; }
	printf '[netflow]\n# my own comment\nactive_timeout = 1800\n' > "$CONF"
	cli -m install >/dev/null || not_ok "$name: first install"
	cp "$CONF" "$T/conf.before"
	cp "$D/nft-netflow.nft" "$T/nft.before"
	$fill
	cli -m install --active-timeout 60 > "$T/out" 2> "$T/err"
	rc=$?
	cat "$T/err"
	check "$name: install fails (exit $rc)" test $rc != 0
	check "$name: the message names the file and the cause" \
		grep -qF "$CONF: No space left on device" "$T/err"
	check "$name: the config is byte for byte the old one" \
		cmp "$CONF" "$T/conf.before"
	check "$name: the include too" cmp "$D/nft-netflow.nft" "$T/nft.before"
	check "$name: no temporary file left" \
		only_files nft-netflow.conf nft-netflow.nft $(ls -A "$D" | grep '^fill')
	rm -f "$D"/fill*
	check "$name: with room again the same command succeeds" \
		cli -m install --active-timeout 60
	check "$name: and rewrote the key" \
		grep -qx "active_timeout = 60" "$CONF"
	check "$name: the comment is kept" grep -qx "# my own comment" "$CONF"
	umount "$D"
}

fill_blocks() {	# every block taken
	dd if=/dev/zero of="$D/fill" bs=4k count=64 2>/dev/null
	[ "$(stat -f -c %a "$D")" = 0 ] || echo "blocks still free"
}
fill_inodes() {	# every inode taken (blocks free)
	local i
	for i in $(seq 64); do { : > "$D/fill$i"; } 2>/dev/null || break; done
	[ "$(stat -f -c %d "$D")" = 0 ] || echo "inodes still free"
}
scenario "no block free" size=32k fill_blocks
scenario "no inode free" size=256k,nr_inodes=8 fill_inodes
echo "$PASSES passed, $FAILS failed"
[ "$FAILS" = 0 ]
