/*
 * iptcmd: the iptables backend of this host and its save/restore commands,
 * for ipt.h's plans, for IPv4 (iptables) and IPv6 (ip6tables).  Debian
 * ships two backends, iptables-nft (rules in nf_tables tables "ip filter",
 * "ip6 filter", ...) and iptables-legacy (the x_tables kernel tables);
 * both accept a chain NETFLOW as the target of "-j NETFLOW".  For each
 * family we work with the backend that holds its rules:
 *
 *   - legacy when its kernel tables exist in this network namespace
 *     (/proc/net/ip_tables_names, ip6_tables_names list one) and nft holds
 *     none;
 *   - nft when "iptables-nft-save" ("ip6tables-nft-save") prints a table
 *     and legacy holds none;
 *   - otherwise (both or neither) the host's choice: what "iptables -V"
 *     ("ip6tables -V") names, nft when it cannot be run.
 *
 * Errors: -1 with one line in err.
 */
#ifndef NFN_IPTCMD_H
#define NFN_IPTCMD_H

#include <stddef.h>

enum iptcmd_backend { IPTCMD_NFT, IPTCMD_LEGACY };
enum iptcmd_family { IPTCMD_V4, IPTCMD_V6 };

#define IPTCMD_NFAMILIES	2

/* "iptables" or "ip6tables". */
const char *iptcmd_family_name(enum iptcmd_family fam);

/* The backend to use; *both is set when both hold tables (a warning). */
enum iptcmd_backend iptcmd_backend(enum iptcmd_family fam, int *both);

/* Does backend b hold a table of fam here? */
int	iptcmd_backend_used(enum iptcmd_family fam, enum iptcmd_backend b);

/* "nft" or "legacy". */
const char *iptcmd_backend_name(enum iptcmd_backend b);

/*
 * <fam>-<b>-save, every table: malloc'd text in *out.  *missing (if not
 * NULL) is set when the command is not installed.
 */
int	iptcmd_save(enum iptcmd_family fam, enum iptcmd_backend b, char **out,
	    int *missing, char *err, size_t errlen);

/* <fam>-<b>-restore --noflush < text; its message in err on failure. */
int	iptcmd_restore(enum iptcmd_family fam, enum iptcmd_backend b,
	    const char *text, char *err, size_t errlen);

#endif
