/*
 * rulestext: the nft text of our table.  See rulestext.h; every comment it
 * writes is for the operator reading the include file.
 */
#include <stdio.h>

#include "rules/rules.h"
#include "rules/rulestext.h"

static void
rulestext_rule(FILE *f, const struct rulesdesc *d, enum rulesdesc_kind k)
{
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
		fprintf(f, "\t\tmeta nfproto %s log group %u snaplen %u "
		    "queue-threshold %u\n", k == R_NFLOG ? "ipv4" : "ipv6",
		    d->group, d->snaplen, d->qthreshold);
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
