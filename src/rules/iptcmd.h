/*
 * iptcmd: the iptables backend of this host and its save/restore commands,
 * for ipt.h's plans.  Debian ships two backends, iptables-nft (rules in
 * nf_tables tables "ip filter", "ip raw") and iptables-legacy (the x_tables
 * kernel tables); both accept a chain NETFLOW as the target of "-j
 * NETFLOW".  We work with the one that holds the rules:
 *
 *   - legacy when its kernel tables exist in this network namespace
 *     (/proc/net/ip_tables_names lists one) and nft holds none;
 *   - nft when "iptables-nft-save" prints a table and legacy holds none;
 *   - otherwise (both or neither) the host's choice: what "iptables -V"
 *     names, nft when it cannot be run.
 *
 * Errors: -1 with one line in err.
 */
#ifndef NFN_IPTCMD_H
#define NFN_IPTCMD_H

#include <stddef.h>

enum iptcmd_backend { IPTCMD_NFT, IPTCMD_LEGACY };

/* The backend to use; *both is set when both hold tables (a warning). */
enum iptcmd_backend iptcmd_backend(int *both);

/* "nft" or "legacy". */
const char *iptcmd_backend_name(enum iptcmd_backend b);

/* iptables-<b>-save, every table: malloc'd text in *out. */
int	iptcmd_save(enum iptcmd_backend b, char **out, char *err,
	    size_t errlen);

/* iptables-<b>-restore --noflush < text; its message in err on failure. */
int	iptcmd_restore(enum iptcmd_backend b, const char *text, char *err,
	    size_t errlen);

#endif
