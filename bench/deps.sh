#!/bin/sh
# deps.sh: what the forwarding benchmark needs beyond scripts/deps.sh: the
# peer exporters it compares with (softflowd, fprobe, pmacct's uacctd) and
# the tools it drives (ethtool, taskset from util-linux, pgrep from procps).
# Debian 12, root, idempotent.  fprobe's package asks for an interface at
# install time: the answer does not matter (its service is not used here).
set -e
export DEBIAN_FRONTEND=noninteractive
missing=
for p in softflowd fprobe pmacct nfdump tshark ethtool util-linux procps \
    iproute2 nftables python3; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
