#!/bin/sh
# install-conf.sh SRC DIR: install SRC as DIR/nft-netflow.conf unless a
# config is already there, so `ninja install` never replaces an operator's
# edits.  DIR is relative to the prefix unless absolute; DESTDIR is honoured.
set -e
src=$1 dir=$2
case $dir in /*) ;; *) dir=$MESON_INSTALL_PREFIX/$dir ;; esac
dst=${DESTDIR:-}$dir/nft-netflow.conf
if [ -e "$dst" ]; then
	echo "keeping existing $dst"
	exit 0
fi
install -D -m 0644 "$src" "$dst"
echo "installed $dst"
