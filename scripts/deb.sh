#!/bin/sh
# deb.sh [OUTDIR [VERSION]]: build the Debian package nft-netflow_*.deb from this
# tree (committed and uncommitted files alike, build/ left out), the way
# Debian does: build dependencies from debian/control, then
# `dpkg-buildpackage -us -uc -b` in a scratch copy, then lintian, which
# must report no error and no warning.  The .deb, .buildinfo and .changes
# land in OUTDIR (default: debs/).  VERSION builds the same tree as that
# package version (a changelog entry on top, in the scratch copy only):
# the package test's upgrade.  DEBFULLNAME and DEBEMAIL, as dch reads
# them, name whoever builds the package in its Maintainer field and that
# entry (debian/control says why it holds a placeholder otherwise).  Run
# as root on Debian 12.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
out=${1:-$top/debs}
export DEBIAN_FRONTEND=noninteractive

apt-get update -qq
apt-get install -y -qq --no-install-recommends dpkg-dev fakeroot \
	lintian >/dev/null
apt-get build-dep -y -qq --no-install-recommends ./ >/dev/null

work=$(mktemp -d /tmp/nfn-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT
src=$work/nft-netflow
mkdir -p "$src"
git ls-files -co --exclude-standard | grep -v '^build/' |
	tar -cf - -T - | tar -xf - -C "$src"
who="${DEBFULLNAME:-nft-netflow developers} <${DEBEMAIL:-nft-netflow@lists.example.org}>"
if [ -n "${DEBEMAIL:-}" ]; then
	sed -i "s|^Maintainer: .*|Maintainer: $who|" "$src/debian/control"
fi
if [ -n "${2:-}" ]; then
	{
		printf 'nft-netflow (%s) unstable; urgency=medium\n\n' "$2"
		printf '  * Rebuilt as %s by scripts/deb.sh.\n\n' "$2"
		printf ' -- %s  %s\n\n' "$who" "$(date -R)"
		cat "$top/debian/changelog"
	} > "$src/debian/changelog"
fi
(cd "$src" && dpkg-buildpackage -us -uc -b) > "$work/build.log" 2>&1 || {
	tail -50 "$work/build.log"
	echo "deb.sh: dpkg-buildpackage failed" >&2
	exit 1
}
# the unit suite ran inside the build (debian/rules: dh_auto_test)
grep -E "^(Ok|Fail|Skipped): " "$work/build.log" | sed 's/^/unit tests in the build: /'
mkdir -p "$out"
rm -f "$out"/nft-netflow_*
cp "$work"/nft-netflow_*.deb "$work"/nft-netflow_*.buildinfo \
	"$work"/nft-netflow_*.changes "$out"/
deb=$(ls "$out"/nft-netflow_*.deb)
echo "built $deb"
# errors and warnings fail; info and pedantic tags are printed
lintian --fail-on error,warning --info "$deb"
echo "lintian: no errors, no warnings"
