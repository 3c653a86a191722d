/*
 * ipt: the iptables front end of the metering rules (rules = iptables), for
 * rulesets written for ipt_NETFLOW, whose "-j NETFLOW" jumps keep working:
 * NETFLOW becomes a user-defined chain of the filter table, which a jump
 * reaches as it reached the kernel target.
 *
 *   :NETFLOW - [0:0]
 *   -A NETFLOW -m mark --mark M -j RETURN         export datagrams (SO_MARK)
 *   -A NETFLOW -m connmark --mark M -j RETURN     and their connection,
 *                                                 ICMP errors about it too
 *                                                 (with conntrack only)
 *   -A NETFLOW -m conntrack --ctstate ...         turns conntrack on (only
 *                                                 when conf_uses_conntrack)
 *   -A NETFLOW [-m statistic ...] -j NFLOG --nflog-group G --nflog-size C
 *           --nflog-threshold Q                   (capture = nflog only; the
 *                                                 sampler: --mode nth
 *                                                 --every N --packet 0, or
 *                                                 --mode random
 *                                                 --probability 1/N)
 *
 * with, in the built-in chains, rules of our own, each carrying the comment
 * "nft-netflow" so that they and only they are ever deleted:
 *
 *   OUTPUT: -m mark --mark M -j CONNMARK --set-xmark M   (nflog mode with
 *           conntrack, when input or output is metered: marks the export
 *           connections)
 *   INPUT/FORWARD/OUTPUT (the configured hooks; capture = nflog only):
 *           -j NETFLOW, first in the chain, but only where the ruleset
 *           does not already reach NETFLOW (directly or through its own
 *           chains), so that no packet is metered twice
 *   raw OUTPUT: -m mark --mark M -j CT --notrack   (capture = conntrack: the
 *           daemon's export datagrams never become connections it exports)
 *
 * M = export_mark; with export_mark 0 (no mark) the mark rules are left out.
 * Without conntrack (nflog mode, conntrack = off, natevents = 0) no rule
 * mentions conntrack: the daemon recognizes ICMP errors about its export
 * datagrams itself (flow/own.h).
 * Capture = conntrack adds no jump: the conntrack match turns conntrack on
 * in the namespace by being loaded, and nothing else is needed.
 * IPv6: the same chain and rules in ip6tables' filter table, but only
 * where the nft table meters IPv6 too (ipt_wanted(): protocol 9 or 10;
 * v5 carries no IPv6).  In nflog mode without the conntrack match (IPv4
 * only, as the nft table's ct rule: conntrack ends only IPv4 flows
 * there); in conntrack capture with it and with the raw rule, since
 * there IPv6 connections are the IPv6 flows and ip6tables' match is what
 * turns IPv6 conntrack on (the inet table's ct rule does it for both).
 * Otherwise what we added to ip6tables is taken away, and a host without
 * ip6tables (or without IPv6) is left alone.  Each family has its own
 * NETFLOW chain, so a deterministic sampler counts IPv4 and IPv6 packets
 * apart.
 *
 * Deleting takes away the rules with our comment and empties NETFLOW; the
 * chain itself is deleted only when no rule of the user still jumps to it
 * (iptables refuses to delete a referenced chain, and the user's jumps are
 * never changed): an empty NETFLOW returns at once, so those jumps then
 * meter nothing.
 *
 * The plans (which restore text to send, what a saved ruleset holds) are
 * pure text functions, unit-tested; iptcmd.h runs the backend's commands.
 */
#ifndef NFN_IPT_H
#define NFN_IPT_H

#include <stddef.h>
#include <stdio.h>

#include <stdint.h>

#include "conf/conf.h"
#include "rules/iptcmd.h"

#define IPT_CHAIN	"NETFLOW"
#define IPT_COMMENT	"nft-netflow"
/* iptables-persistent's saved rules, read for ipt_kernel_jumps() */
#define IPT_PERSISTENT_V4	"/etc/iptables/rules.v4"
#define IPT_PERSISTENT_V6	"/etc/iptables/rules.v6"

/* What a saved ruleset (iptables-save output) holds of ours and the user's. */
struct ipt_state {
	int		chain;		/* NETFLOW exists in filter */
	unsigned	chain_rules;	/* rules in it */
	unsigned	nflog_rules;	/* of which -j NFLOG */
	unsigned	ct_rules;	/* of which -m conntrack */
	unsigned	ours;		/* rules with our comment, all tables */
	unsigned	our_jumps;	/* of which jumps to NETFLOW */
	unsigned	user_jumps;	/* -j/-g NETFLOW without our comment */
	uint32_t	user_hooks;	/* HOOK_* reaching NETFLOW by user rules */
	uint32_t	hooks;		/* HOOK_* reaching NETFLOW at all */
	unsigned	kernel_jumps;	/* -j NETFLOW to ipt_NETFLOW's kernel
					   target (ipt.c), any table */
};

/*
 * What this front end cannot do for c: sampler = hash (no iptables match
 * hashes the 5-tuple).  0, or -1 with err naming the key (ipt_load() and
 * the CLI's install ask it).
 */
int	ipt_check(const struct conf *c, char *err, size_t errlen);

/* Does c meter family fam (IPv4 always; IPv6 see above)? */
int	ipt_wanted(const struct conf *c, enum iptcmd_family fam);

/* ---- on this host (iptcmd.h's backend), each 0 or -1 with err ---- */

/*
 * Take both families' rulesets to what c asks for, in one restore per
 * table; a family c does not want loses what is ours.
 */
int	ipt_load(const struct conf *c, char *err, size_t errlen);

/*
 * Take away what is ours in both families (nothing to do is success).
 * was is the config that loaded them: a ruleset that cannot be read is an
 * error only for a family it wanted.
 */
int	ipt_delete(const struct conf *was, char *err, size_t errlen);

/* What fam holds; *backend names the backend used ("nft", "legacy"). */
int	ipt_state(enum iptcmd_family fam, struct ipt_state *st,
	    const char **backend, char *err, size_t errlen);

/*
 * How many "-j NETFLOW" reach ipt_NETFLOW's kernel target rather than a
 * chain, in the live rules of both families (every backend holding
 * tables) and in IPT_PERSISTENT_V4/V6; where names the first ruleset
 * found ("iptables-nft", a file), "" if none.  Never fails: a ruleset
 * that cannot be read is left out.
 */
unsigned ipt_kernel_jumps(char *where, size_t len);

/* ---- pure text ---- */

/* Parse saved (iptables-save, every table) into st.  0, or -1 (ENOMEM). */
int	ipt_parse(const char *saved, struct ipt_state *st);

/*
 * The restore text (for "iptables-restore --noflush", "ip6tables-...")
 * that takes fam's ruleset saved to what c asks for: our rules replaced,
 * NETFLOW refilled, jumps added where none reach it; for a family c does
 * not want, ipt_plan_delete().  0 or -1 (ENOMEM).
 */
int	ipt_plan_load(const struct conf *c, enum iptcmd_family fam,
	    const char *saved, FILE *f);

/* The restore text that takes away what is ours (see above).  0 or -1. */
int	ipt_plan_delete(const char *saved, FILE *f);

/*
 * Does st (of fam) hold what c's capture mode needs, reached from every
 * hook?  For a family c does not want: is nothing of ours there?
 */
int	ipt_loaded(const struct conf *c, enum iptcmd_family fam,
	    const struct ipt_state *st);

/*
 * The fragment install writes for persistence, in iptables-restore format,
 * to merge into /etc/iptables/rules.v4 or rules.v6 (iptables-persistent).
 * src names the config for the comment.  0 or -1.
 */
int	ipt_write_fragment(const struct conf *c, enum iptcmd_family fam,
	    const char *src, FILE *f);

#endif
