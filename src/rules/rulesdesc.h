/*
 * rulesdesc: what our nft table holds, worked out once from the
 * configuration (rules.h says what and why).  The netlink messages
 * (rulesmsg.h) and the nft text (rulestext.h) both walk this description,
 * so the loaded table and the include file cannot drift apart.  No I/O.
 */
#ifndef NFN_RULESDESC_H
#define NFN_RULESDESC_H

#include <stdint.h>

#include "conf/conf.h"

enum rulesdesc_kind {
	R_MARK_TO_CT,		/* meta mark M ct mark set M return */
	R_CTMARK_RETURN,	/* ct mark M return */
	R_CT_ON,		/* meta nfproto ipv4 ct state ... counter */
	R_NFLOG,		/* meta nfproto ipv4 log group ... */
	R_NFLOG6,		/* meta nfproto ipv6 log group ... (v9/IPFIX) */
	R_MARK_NOTRACK,		/* meta mark M notrack */
	R_MARK_RETURN,		/* meta mark M return (no conntrack) */
};

#define RULESDESC_CHAIN_RULES	5

struct rulesdesc_chain {
	const char		*name;
	const char		*hook_name;
	unsigned		 hooknum;
	int			 prio;
	unsigned		 nrules;
	enum rulesdesc_kind	 rule[RULESDESC_CHAIN_RULES];
};

#define RULESDESC_CHAINS	4

struct rulesdesc {
	enum capture_mode	capture;
	int			conntrack;	/* conf_uses_conntrack() */
	unsigned		nchains;
	struct rulesdesc_chain	chain[RULESDESC_CHAINS];
	uint32_t		mark, group, snaplen, qthreshold;
};

/* Fill d from c; c is assumed valid (conf.h checked every value). */
void	rulesdesc_build(const struct conf *c, struct rulesdesc *d);

/*
 * Every chain our table can hold, whatever the configuration (no rules):
 * a chain's name always comes with the same hook and priority.
 */
unsigned rulesdesc_all_chains(struct rulesdesc_chain all[RULESDESC_CHAINS]);

#endif
