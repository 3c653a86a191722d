/*
 * priv: drop every privilege the running daemon does not need.
 *
 * Once its sockets are open, nft-netflowd keeps only CAP_NET_ADMIN: live
 * changes open new export sockets with SO_MARK, rebind NFLOG groups and dump
 * the conntrack table, which all need it.  Everything else (file access
 * overrides, raw sockets, module loading, ...) is dropped from the
 * effective, permitted, inheritable and bounding sets, and no_new_privs is
 * set, so a compromised daemon cannot regain them through exec either.
 */
#ifndef NFN_PRIV_H
#define NFN_PRIV_H

/* Returns 0, or -1 with errno (the caller logs it and goes on). */
int priv_drop(void);

#endif
