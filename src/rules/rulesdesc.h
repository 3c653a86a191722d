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
	R_NFLOG,		/* meta nfproto ipv4 [sampler] log group ... */
	R_NFLOG6,		/* the same for ipv6 (v9/IPFIX) */
	R_MARK_NOTRACK,		/* meta mark M notrack */
	R_MARK_RETURN,		/* meta mark M return (no conntrack) */
	R_NFLOG_PORTS,		/* hash: ... jhash (5-tuple) ... log */
	R_PORTS_RETURN,		/* hash: ... first fragments return */
	R_NFLOG6_PORTS,		/* the same two for ipv6 */
	R_PORTS6_RETURN,
};

#define RULESDESC_CHAIN_RULES	9

/*
 * sampler = hash:N keeps all packets of 1 flow in N (SPEC 4.2), so the
 * hash must be a function of the daemon's flow key (flow/pkt.c) for every
 * packet:
 *   - TCP, UDP, SCTP and UDP-Lite packets that carry their ports (not a
 *     non-first fragment): jhash of saddr . daddr . l4proto . sport . dport
 *     (R_NFLOG_PORTS); R_PORTS_RETURN then stops them before R_NFLOG;
 *     IPv6 alike (R_NFLOG6_PORTS, R_PORTS6_RETURN): there the second rule
 *     is the same hash "!= 0": IPv6 has no fixed fragment offset to test,
 *     and the hash's "th" part already stops at a non-first fragment;
 *   - everything else (ICMP, other protocols, non-first fragments, which
 *     the daemon keys with ports 0): jhash of saddr . daddr . l4proto
 *     (R_NFLOG), so all such packets between two hosts with one protocol
 *     are kept or skipped together: ICMP's type and code are left out.
 * The seed is fixed: a reload of the rules keeps the same flows selected.
 */
#define RULESDESC_HASH_SEED	0x6e66736dU	/* "nfsm" */
/* the protocols the daemon keys with ports, as nft names them */
#define RULESDESC_PORT_PROTOS	"tcp, udp, sctp, udplite"

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
	struct sampler		sampler;	/* conf.h; OFF: none */
};

/* Fill d from c; c is assumed valid (conf.h checked every value). */
void	rulesdesc_build(const struct conf *c, struct rulesdesc *d);

/*
 * Every chain our table can hold, whatever the configuration (no rules):
 * a chain's name always comes with the same hook and priority.
 */
unsigned rulesdesc_all_chains(struct rulesdesc_chain all[RULESDESC_CHAINS]);

#endif
