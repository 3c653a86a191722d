#!/bin/sh
# deps.sh: install what nft-netflow needs to build, test and benchmark on
# Debian 12 (run as root).  Idempotent.  clang and its runtime
# (libFuzzer, sanitizers) build the fuzz targets of scripts/fuzz.sh.
set -e
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
	build-essential meson ninja-build pkg-config \
	libmnl-dev libnetfilter-log-dev libnetfilter-conntrack-dev \
	libnftnl-dev libiniparser-dev \
	nftables iptables iproute2 iputils-ping ethtool conntrack procps python3 \
	nfdump pmacct tshark scdoc mandoc man-db \
	prometheus prometheus-node-exporter bash-completion \
	debhelper dpkg-dev fakeroot lintian \
	clang libclang-rt-14-dev >/dev/null
