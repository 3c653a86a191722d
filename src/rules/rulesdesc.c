/*
 * rulesdesc: the chains and rules of our table as the configuration asks
 * for them.  See rulesdesc.h and, for the ruleset itself, rules.h.
 */
#include <stddef.h>
#include <string.h>

#include <linux/netfilter.h>

#include "rules/rulesdesc.h"

/*
 * Priorities: after conntrack (-200) so ct state is known, before filter.
 * Without conntrack the same, so a table and its include stay comparable.
 */
#define PRIO_METER	(-150)
/* raw: before conntrack looks at the packet, as notrack requires. */
#define PRIO_NOTRACK	(-300)

void
rulesdesc_build(const struct conf *c, struct rulesdesc *d)
{
	static const struct {
		uint32_t bit;
		const char *name;
		unsigned hooknum;
		int local;	/* 1 sends (output), 0 receives, -1 neither */
	} hooks[] = {
		{ HOOK_INPUT, "input", NF_INET_LOCAL_IN, 0 },
		{ HOOK_FORWARD, "forward", NF_INET_FORWARD, -1 },
		{ HOOK_OUTPUT, "output", NF_INET_LOCAL_OUT, 1 },
	};
	int nflog = c->capture == CAPTURE_NFLOG;
	int ct = conf_uses_conntrack(c), mark = c->export_mark != 0;
	struct rulesdesc_chain *ch;
	size_t i;

	memset(d, 0, sizeof(*d));
	d->capture = c->capture;
	d->conntrack = ct;
	d->mark = c->export_mark;
	d->group = c->nflog_group;
	d->snaplen = c->copy_range;
	d->qthreshold = c->queue_threshold;
	d->sampler = c->sampler;
	for (i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++) {
		int metered = (c->hooks & hooks[i].bit) != 0;
		/*
		 * With conntrack, output marks the daemon's export
		 * connections (from the socket's SO_MARK) so that their
		 * packets, and the ICMP errors a down collector sends back
		 * (RELATED), are skipped by ct mark on input and output.  It
		 * does so even when output is not metered, as long as input
		 * is.  Without conntrack the packets themselves carry the
		 * mark (output, and input over loopback); ICMP errors about
		 * them are recognized by the daemon (flow/own.h).
		 */
		int ctmark = nflog && ct && mark;

		if (!metered && !(ctmark && hooks[i].local == 1 &&
		    (c->hooks & HOOK_INPUT)))
			continue;
		ch = &d->chain[d->nchains++];
		ch->name = hooks[i].name;
		ch->hook_name = hooks[i].name;
		ch->hooknum = hooks[i].hooknum;
		ch->prio = PRIO_METER;
		if (ctmark && hooks[i].local == 1)
			ch->rule[ch->nrules++] = R_MARK_TO_CT;
		if (!metered)
			continue;
		if (ctmark && hooks[i].local >= 0)
			ch->rule[ch->nrules++] = R_CTMARK_RETURN;
		if (nflog && !ct && mark && hooks[i].local >= 0)
			ch->rule[ch->nrules++] = R_MARK_RETURN;
		if (ct)
			ch->rule[ch->nrules++] = R_CT_ON;
		if (nflog && c->sampler.mode == SAMPLER_HASH) {
			ch->rule[ch->nrules++] = R_NFLOG_PORTS;
			ch->rule[ch->nrules++] = R_PORTS_RETURN;
		}
		if (nflog)
			ch->rule[ch->nrules++] = R_NFLOG;
		/* IPv6 only where the export protocol can carry it */
		if (!nflog || c->protocol == 5)
			continue;
		if (c->sampler.mode == SAMPLER_HASH) {
			ch->rule[ch->nrules++] = R_NFLOG6_PORTS;
			ch->rule[ch->nrules++] = R_PORTS6_RETURN;
		}
		ch->rule[ch->nrules++] = R_NFLOG6;
	}
	if (c->capture == CAPTURE_CONNTRACK && mark) {
		ch = &d->chain[d->nchains++];
		ch->name = "export_notrack";
		ch->hook_name = "output";
		ch->hooknum = NF_INET_LOCAL_OUT;
		ch->prio = PRIO_NOTRACK;
		ch->rule[ch->nrules++] = R_MARK_NOTRACK;
	}
}

unsigned
rulesdesc_all_chains(struct rulesdesc_chain all[RULESDESC_CHAINS])
{
	static const struct rulesdesc_chain tab[] = {
		{ "input", "input", NF_INET_LOCAL_IN, PRIO_METER, 0, { 0 } },
		{ "forward", "forward", NF_INET_FORWARD, PRIO_METER, 0, { 0 } },
		{ "output", "output", NF_INET_LOCAL_OUT, PRIO_METER, 0, { 0 } },
		{ "export_notrack", "output", NF_INET_LOCAL_OUT, PRIO_NOTRACK, 0,
		    { 0 } },
	};
	unsigned i;

	_Static_assert(sizeof(tab) / sizeof(tab[0]) == RULESDESC_CHAINS,
	    "every chain rulesdesc_build() can make");
	for (i = 0; i < RULESDESC_CHAINS; i++)
		all[i] = tab[i];
	return RULESDESC_CHAINS;
}
