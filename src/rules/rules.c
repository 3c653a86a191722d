/*
 * rules: load, delete and inspect the nft table of nft-netflow, and write
 * it as nft text.  See rules.h.
 *
 * This file is the entry point and the operator's error messages; the work
 * is done by
 *   rulesdesc   what the table holds, from the configuration (no I/O)
 *   rulestext   that description as nft text
 *   rulesmsg    that description as libnftnl messages; the state queries
 *   rulesnl     the nf_tables netlink socket: batches and queries
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <linux/netfilter/nf_tables.h>
#include <linux/netlink.h>

#include "rules/rules.h"
#include "rules/rulesdesc.h"
#include "rules/rulesmsg.h"
#include "rules/rulesnl.h"
#include "rules/rulestext.h"

int
rules_write_nft(const struct conf *c, const char *src, FILE *f)
{
	struct rulesdesc d;

	rulesdesc_build(c, &d);
	return rulestext_write(&d, src, f);
}

int
rules_load(const struct conf *c, char *err, size_t errlen)
{
	struct rulesdesc d;
	struct rulesnl_batch bt;
	unsigned i, j;
	int save;

	if (c->capture == CAPTURE_NFLOG && c->hooks == 0) {
		snprintf(err, errlen, "hooks: no hook selected, nothing to "
		    "meter (allowed: input, forward, output)");
		errno = EINVAL;
		return -1;
	}
	rulesdesc_build(c, &d);
	if (rulesnl_batch_open(&bt) < 0) {
		snprintf(err, errlen, "rules: %s", strerror(errno));
		return -1;
	}
	/* add (a no-op if it exists) + delete: whatever was there goes */
	rulesmsg_table(&bt, NFT_MSG_NEWTABLE, NLM_F_CREATE);
	rulesmsg_table(&bt, NFT_MSG_DELTABLE, 0);
	rulesmsg_table(&bt, NFT_MSG_NEWTABLE, NLM_F_CREATE);
	for (i = 0; i < d.nchains; i++) {
		rulesmsg_chain(&bt, &d.chain[i]);
		for (j = 0; j < d.chain[i].nrules; j++)
			rulesmsg_rule(&bt, &d, &d.chain[i],
			    d.chain[i].rule[j]);
	}
	if (rulesnl_batch_commit(&bt) < 0) {
		save = errno;
		snprintf(err, errlen, "cannot load table %s %s: %s%s",
		    RULES_FAMILY, RULES_TABLE, strerror(save),
		    save == EPERM ? " (needs CAP_NET_ADMIN)" :
		    save == ENOENT || save == EOPNOTSUPP ?
		    " (kernel lacks nf_tables log/ct support?)" : "");
		errno = save;
		return -1;
	}
	return 0;
}

int
rules_delete(char *err, size_t errlen)
{
	struct rulesnl_batch bt;
	int save;

	if (rulesnl_batch_open(&bt) < 0) {
		snprintf(err, errlen, "rules: %s", strerror(errno));
		return -1;
	}
	rulesmsg_table(&bt, NFT_MSG_NEWTABLE, NLM_F_CREATE);
	rulesmsg_table(&bt, NFT_MSG_DELTABLE, 0);
	if (rulesnl_batch_commit(&bt) < 0) {
		save = errno;
		snprintf(err, errlen, "cannot delete table %s %s: %s",
		    RULES_FAMILY, RULES_TABLE, strerror(save));
		errno = save;
		return -1;
	}
	return 0;
}

int
rules_state(struct rules_state *st, char *err, size_t errlen)
{
	uint32_t seq = (uint32_t)time(NULL);

	memset(st, 0, sizeof(*st));
	if (rulesmsg_get_table(seq, &st->table) < 0) {
		if (errno == ENOENT)
			return 0;	/* not loaded: an answer, not an error */
		snprintf(err, errlen, "cannot query table %s %s: %s",
		    RULES_FAMILY, RULES_TABLE, strerror(errno));
		return -1;
	}
	if (!st->table)
		return 0;
	if (rulesmsg_count_chains(seq + 1, st) < 0 ||
	    rulesmsg_count_rules(seq + 2, st) < 0) {
		snprintf(err, errlen, "cannot list table %s %s: %s",
		    RULES_FAMILY, RULES_TABLE, strerror(errno));
		return -1;
	}
	return 0;
}
