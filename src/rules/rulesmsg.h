/*
 * rulesmsg: the nf_tables messages of our table, built and read with
 * libnftnl.  Adds the table, chain and rule messages a ruleset description
 * (rulesdesc.h) turns into to a batch, encoding each rule's expressions as
 * nft itself does; and asks for our table, chains and rules and counts
 * them for rules_state().  The transport is rulesnl.h.
 */
#ifndef NFN_RULESMSG_H
#define NFN_RULESMSG_H

#include <stdint.h>

#include "rules/rules.h"
#include "rules/rulesdesc.h"
#include "rules/rulesnl.h"

/* One message of type NFT_MSG_NEWTABLE or NFT_MSG_DELTABLE for our table. */
void	rulesmsg_table(struct rulesnl_batch *bt, uint16_t type,
	    uint16_t flags);
void	rulesmsg_chain(struct rulesnl_batch *bt,
	    const struct rulesdesc_chain *cd);
void	rulesmsg_rule(struct rulesnl_batch *bt, const struct rulesdesc *d,
	    const struct rulesdesc_chain *cd, enum rulesdesc_kind k);
/* Every rule of chain cd goes (nft flush chain); the chain goes. */
void	rulesmsg_chain_flush(struct rulesnl_batch *bt,
	    const struct rulesdesc_chain *cd);
void	rulesmsg_chain_del(struct rulesnl_batch *bt,
	    const struct rulesdesc_chain *cd);

/*
 * The queries, each with its own sequence number seq.  0, or -1 with errno
 * (ENOENT from rulesmsg_get_table() means the table is not loaded).
 */
int	rulesmsg_get_table(uint32_t seq, int *found);
int	rulesmsg_count_chains(uint32_t seq, struct rules_state *st);
int	rulesmsg_count_rules(uint32_t seq, struct rules_state *st);

#endif
