/*
 * rules: the nft table of nft-netflow, written with libnftnl.
 *
 * One table, "table inet nft_netflow", owned by the project and nothing
 * else is ever touched.  Its content follows from the configuration:
 *
 *   chains input / forward / output (the configured hooks) at priority
 *   -150, policy accept, each holding
 *     meta mark M ct mark set M return    (output: the daemon's export
 *                                          datagrams carry SO_MARK M; their
 *                                          connection gets ct mark M)
 *     ct mark M return                    (input and output: that traffic,
 *                                          and the ICMP errors RELATED to
 *                                          it, is never metered)
 *     meta nfproto ipv4 ct state new,established,related,untracked counter
 *                                         (any ct expression turns conntrack
 *                                          on in the network namespace)
 *     meta nfproto ipv4 [SAMPLER] log group G snaplen COPY queue-threshold Q
 *                                         (capture = nflog only; SAMPLER
 *                                          is numgen inc|random mod N == 0,
 *                                          or for sampler = hash a jhash,
 *                                          after two rules that decide the
 *                                          packets with ports: rulesdesc.h)
 *     meta nfproto ipv6 [SAMPLER] log group G snaplen COPY queue-threshold Q
 *                                         (capture = nflog, protocol 9 or
 *                                          10: v5 cannot carry IPv6; the
 *                                          same sampler over ip6 addresses)
 *   with M = export_mark; if input is metered but output is not, an output
 *   chain still sets the ct mark.  In capture = conntrack there is no log
 *   rule and no mark rule; a chain "export_notrack" on output at priority
 *   -300 holds "meta mark M notrack", so the daemon's export datagrams never
 *   create the conntrack entries it would then export.
 *
 * The same description produces both the netlink batch and the nft text
 * of the include file, so the two cannot drift apart.
 */
#ifndef NFN_RULES_H
#define NFN_RULES_H

#include <stddef.h>
#include <stdio.h>

#include "conf/conf.h"

#define RULES_FAMILY	"inet"
#define RULES_TABLE	"nft_netflow"

struct rules_state {
	int		table;		/* our table is loaded */
	unsigned	chains;		/* base chains in it */
	unsigned	rules;		/* rules in it */
	unsigned	log_rules;	/* rules holding a log (NFLOG) expression */
	unsigned	ct_rules;	/* rules holding a ct expression */
};

/*
 * Make our table the one c describes, in one netlink batch, which the
 * kernel commits all or nothing.  A loaded table is changed in place (the
 * rules of the chains it keeps replaced, the others deleted), so a packet
 * sees either the old rules or the new ones, once; otherwise (no table, or
 * a chain of ours with another hook) "add table; delete table; add table,
 * chains, rules", where a packet that crosses the commit may see both
 * tables' chains.  Returns 0, or -1 with errno and a one-line message.
 */
int	rules_load(const struct conf *c, char *err, size_t errlen);

/*
 * Delete our table if it exists ("add table; delete table" in one batch, so
 * it is idempotent and never touches another table).  0 or -1.
 */
int	rules_delete(char *err, size_t errlen);

/* What of our table is loaded.  0 (st filled, st->table 0 if absent) or -1. */
int	rules_state(struct rules_state *st, char *err, size_t errlen);

/*
 * The same ruleset as nft text, suitable for "nft -f" and for an include in
 * /etc/nftables.conf ("table; delete table; table { ... }", so re-loading it
 * replaces the table).  src names the config it came from, for the comment.
 */
int	rules_write_nft(const struct conf *c, const char *src, FILE *f);

#endif
