/*
 * priv: become the daemon's own user, keeping CAP_NET_ADMIN alone.
 *
 * Once its sockets are open, nft-netflowd needs only CAP_NET_ADMIN: live
 * changes open new export sockets with SO_MARK, rebind NFLOG groups, dump
 * the conntrack table and write the netfilter sysctls of its network
 * namespace, which all need it.  priv_switch() takes the process to the
 * given user (its uid, its primary group, no supplementary groups) and
 * removes every other capability from the effective, permitted,
 * inheritable and bounding sets, and sets no_new_privs, so a compromised
 * daemon cannot regain them through exec either.
 *
 * Started as root: the bounding set is cut while it still may be, then
 * setgid/setuid with the capabilities kept across them.  Started as that
 * user already (systemd's User= with AmbientCapabilities=CAP_NET_ADMIN):
 * only the capability sets are cut.  User "root": stays uid 0, with
 * CAP_NET_ADMIN alone.  Whatever the way, the result is read back and a
 * process that is not exactly that is an error: the caller treats it as
 * fatal.
 */
#ifndef NFN_PRIV_H
#define NFN_PRIV_H

#include <stddef.h>

/* 0, or -1 with one line in err naming the user and what failed. */
int priv_switch(const char *user, char *err, size_t errlen);

#endif
