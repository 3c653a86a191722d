#!/bin/sh
# install-user.sh USER: create the daemon's system user unless it exists.
# Skipped for a staged install (DESTDIR: the package's own scripts create
# it) and when not root (say what to run instead).
set -e
user=$1
[ -z "${DESTDIR:-}" ] || exit 0
id "$user" >/dev/null 2>&1 && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "not root: create the daemon's user with" \
	    "useradd --system --no-create-home --shell /usr/sbin/nologin $user"
	exit 0
fi
useradd --system --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin "$user"
echo "created system user $user"
