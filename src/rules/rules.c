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

/*
 * The table changed in place, in one batch: each chain we keep stays (its
 * hook with it) and has its rules replaced, the chains we do not want are
 * emptied and deleted.  A packet walks a chain with the rules of one
 * generation, so it sees the old rules or the new ones.  Replacing the
 * whole table instead registers the new base chains beside the old ones
 * for the time of the commit, and a packet that crosses both while the
 * generation changes is logged twice (measured: a few packets per reload
 * at 50,000 packets/s).  Fails (and changes nothing) where a chain of ours
 * has another hook or priority than ours; rules_load() then replaces the
 * table.
 */
static int
load_in_place(const struct rulesdesc *d)
{
	struct rulesdesc_chain all[RULESDESC_CHAINS];
	struct rulesnl_batch bt;
	unsigned i, j, n = rulesdesc_all_chains(all);
	const struct rulesdesc_chain *want;

	if (rulesnl_batch_open(&bt) < 0)
		return -1;
	rulesmsg_table(&bt, NFT_MSG_NEWTABLE, NLM_F_CREATE);
	for (i = 0; i < n; i++) {
		for (want = NULL, j = 0; j < d->nchains; j++)
			if (strcmp(d->chain[j].name, all[i].name) == 0)
				want = &d->chain[j];
		/* created if absent (and then deleted if not wanted) */
		rulesmsg_chain(&bt, want ? want : &all[i]);
		rulesmsg_chain_flush(&bt, &all[i]);
		if (want == NULL) {
			rulesmsg_chain_del(&bt, &all[i]);
			continue;
		}
		for (j = 0; j < want->nrules; j++)
			rulesmsg_rule(&bt, d, want, want->rule[j]);
	}
	return rulesnl_batch_commit(&bt);
}

int
rules_load(const struct conf *c, char *err, size_t errlen)
{
	struct rules_state st;
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
	/* a loaded table is changed in place, so no packet is logged twice */
	if (rules_state(&st, err, errlen) == 0 && st.table &&
	    load_in_place(&d) == 0)
		return 0;
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
