/*
 * rulestext: the nft text of our table.  See rulestext.h; every comment it
 * writes is for the operator reading the include file.
 */
#include <stdio.h>

#include "rules/rules.h"
#include "rules/rulestext.h"

static const char *
ipv(int v6)
{
	return v6 ? "ipv6" : "ipv4";
}

/* The jhash part of the hash sampler's test, without the comparison. */
static void
rulestext_jhash(FILE *f, const struct rulesdesc *d, int v6, int ports)
{
	const char *ip = v6 ? "ip6" : "ip";

	fprintf(f, "jhash %s saddr . %s daddr . meta l4proto%s mod %u seed "
	    "0x%08x", ip, ip, ports ? " . th sport . th dport" : "",
	    d->sampler.n, RULESDESC_HASH_SEED);
}

/* What R_NFLOG(6) puts between "meta nfproto" and "log": the sampler. */
static void
rulestext_sample(FILE *f, const struct rulesdesc *d, int v6)
{
	switch (d->sampler.mode) {
	case SAMPLER_DETERMINISTIC:
		fprintf(f, "numgen inc mod %u == 0 ", d->sampler.n);
		break;
	case SAMPLER_RANDOM:
		fprintf(f, "numgen random mod %u == 0 ", d->sampler.n);
		break;
	case SAMPLER_HASH:
		rulestext_jhash(f, d, v6, 0);
		fprintf(f, " == 0 ");
		break;
	case SAMPLER_OFF:
		break;
	}
}

static void
rulestext_log(FILE *f, const struct rulesdesc *d)
{
	fprintf(f, "log group %u snaplen %u queue-threshold %u\n", d->group,
	    d->snaplen, d->qthreshold);
}

static void
rulestext_rule(FILE *f, const struct rulesdesc *d, enum rulesdesc_kind k)
{
	int v6;

	switch (k) {
	case R_MARK_TO_CT:
		fprintf(f, "\t\t# The daemon sends its export datagrams with "
		    "SO_MARK = export_mark.\n"
		    "\t\t# Copying the mark to their connection also covers "
		    "the ICMP errors\n"
		    "\t\t# a down collector answers with (they are RELATED "
		    "to it).\n"
		    "\t\tmeta mark 0x%08x ct mark set 0x%08x return\n",
		    d->mark, d->mark);
		break;
	case R_CTMARK_RETURN:
		fprintf(f, "\t\t# the daemon's own export traffic (and ICMP "
		    "errors about it)\n"
		    "\t\tct mark 0x%08x return\n", d->mark);
		break;
	case R_CT_ON:
		fprintf(f, "\t\t# any ct expression turns conntrack on in this "
		    "network namespace\n"
		    "\t\tmeta nfproto ipv4 ct state new,established,related,"
		    "untracked counter\n");
		break;
	case R_NFLOG:
	case R_NFLOG6:
		v6 = k == R_NFLOG6;
		if (d->sampler.mode == SAMPLER_HASH)
			fprintf(f, "\t\t# sampler hash:%u, any other packet: "
			    "1 in %u (host pair, protocol)\n", d->sampler.n,
			    d->sampler.n);
		else if (d->sampler.mode != SAMPLER_OFF)
			fprintf(f, "\t\t# sampler %s:%u: 1 packet in %u "
			    "goes to NFLOG\n",
			    conf_sampler_name(d->sampler.mode), d->sampler.n,
			    d->sampler.n);
		fprintf(f, "\t\tmeta nfproto %s ", ipv(v6));
		rulestext_sample(f, d, v6);
		rulestext_log(f, d);
		break;
	case R_NFLOG_PORTS:
	case R_NFLOG6_PORTS:
		v6 = k == R_NFLOG6_PORTS;
		fprintf(f, "\t\t# sampler hash:%u: all packets of 1 flow in "
		    "%u (5-tuple)\n\t\tmeta nfproto %s meta l4proto { %s } ",
		    d->sampler.n, d->sampler.n, ipv(v6), RULESDESC_PORT_PROTOS);
		rulestext_jhash(f, d, v6, 1);
		fprintf(f, " == 0 ");
		rulestext_log(f, d);
		break;
	case R_PORTS_RETURN:
		fprintf(f, "\t\t# decided above by their 5-tuple (non-first "
		    "fragments carry no ports)\n"
		    "\t\tmeta nfproto ipv4 meta l4proto { %s } ip frag-off & "
		    "0x1fff == 0 return\n", RULESDESC_PORT_PROTOS);
		break;
	case R_PORTS6_RETURN:
		fprintf(f, "\t\t# the others decided above (a non-first "
		    "fragment stops at th)\n"
		    "\t\tmeta nfproto ipv6 meta l4proto { %s } ",
		    RULESDESC_PORT_PROTOS);
		rulestext_jhash(f, d, 1, 1);
		fprintf(f, " != 0 return\n");
		break;
	case R_MARK_RETURN:
		fprintf(f, "\t\t# the daemon's export datagrams carry SO_MARK = "
		    "export_mark; ICMP errors\n"
		    "\t\t# about them are recognized by the daemon itself\n"
		    "\t\tmeta mark 0x%08x return\n", d->mark);
		break;
	case R_MARK_NOTRACK:
		fprintf(f, "\t\t# export datagrams must not become conntrack "
		    "entries (flows)\n"
		    "\t\tmeta mark 0x%08x notrack\n", d->mark);
		break;
	}
}

int
rulestext_write(const struct rulesdesc *d, const char *src, FILE *f)
{
	unsigned i, j;

	fprintf(f, "#!/usr/sbin/nft -f\n"
	    "# nft-netflow ruleset, written by nft-netflow from %s.\n"
	    "#\n", src ? src : "the default configuration");
	if (d->capture == CAPTURE_CONNTRACK)
		fprintf(f, "# Capture mode conntrack: no packet is logged; the "
		    "rules only keep conntrack\n# on and the daemon's export "
		    "datagrams out of it.\n");
	else
		fprintf(f, "# Capture mode nflog: packets go to NFLOG group %u\n"
		    "# (snaplen %u, queue-threshold %u).  These values must "
		    "match the config:\n# NFLOG uses the smaller of the rule's "
		    "and the reader's settings.\n",
		    d->group, d->snaplen, d->qthreshold);
	if (d->capture == CAPTURE_NFLOG && !d->conntrack)
		fprintf(f, "# No ct expression: conntrack stays off unless "
		    "something else turns it on\n# (conntrack = off, "
		    "natevents = 0).\n");
	fprintf(f, "#\n# Use it from /etc/nftables.conf with\n"
	    "#     include \"/etc/nft-netflow/nft-netflow.nft\"\n"
	    "# or let \"nft-netflow -m enable\" load the same table.  Only "
	    "this table is\n# touched; it accepts everything (policy accept, "
	    "no verdict but \"return\"),\n# so it never changes what your "
	    "ruleset decides.\n\n");
	fprintf(f, "table %s %s\ndelete table %s %s\n\ntable %s %s {\n",
	    RULES_FAMILY, RULES_TABLE, RULES_FAMILY, RULES_TABLE,
	    RULES_FAMILY, RULES_TABLE);
	for (i = 0; i < d->nchains; i++) {
		const struct rulesdesc_chain *ch = &d->chain[i];

		fprintf(f, "%s\tchain %s {\n\t\ttype filter hook %s priority "
		    "%d; policy accept;\n", i ? "\n" : "", ch->name,
		    ch->hook_name, ch->prio);
		for (j = 0; j < ch->nrules; j++)
			rulestext_rule(f, d, ch->rule[j]);
		fprintf(f, "\t}\n");
	}
	fprintf(f, "}\n");
	return ferror(f) ? -1 : 0;
}
