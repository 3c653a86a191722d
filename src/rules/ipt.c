/*
 * ipt: the NETFLOW chain's plans as iptables-restore text, and the reading
 * of iptables-save output.  See ipt.h for the ruleset and why.  No I/O but
 * the FILE the caller gives.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/ipt.h"
#include "rules/iptcmd.h"
#include "util/file.h"
#include "util/log.h"

/* One "-A CHAIN SPEC" line of a saved ruleset. */
struct ipt_rule {
	const char	*table;		/* "filter", "raw", ... */
	const char	*chain;
	const char	*spec;		/* everything after the chain name */
	const char	*target;	/* of -j or -g, "" if none */
	int		 ours;		/* carries --comment nft-netflow */
	int		 nflog, ct;	/* -j NFLOG, -m conntrack */
	int		 target_opts;	/* words follow the -j target */
};

#define IPT_TABLES_MAX	8	/* filter, nat, mangle, raw, security */

struct ipt_saved {
	char		*buf;		/* the saved text, cut into lines */
	char		*words;		/* the same, lines cut into words */
	struct ipt_rule	*rule;
	size_t		 n, cap;
	int		 chain;		/* filter has NETFLOW */
	const char	*netflow_in[IPT_TABLES_MAX];	/* tables declaring it */
	unsigned	 nnetflow_in;
};

static const struct {
	const char	*chain;
	uint32_t	 bit;
} ipt_hooks[] = {
	{ "INPUT", HOOK_INPUT },
	{ "FORWARD", HOOK_FORWARD },
	{ "OUTPUT", HOOK_OUTPUT },
};

#define IPT_NHOOKS	(sizeof(ipt_hooks) / sizeof(ipt_hooks[0]))

/*
 * Next word of s (NUL-terminated in place); a word in double quotes, as
 * iptables-save writes a comment with blanks, loses its quotes.
 */
static char *
ipt_word(char **s)
{
	char *p = *s, *w;

	p += strspn(p, " \t");
	if (*p == '\0')
		return NULL;
	if (*p == '"') {
		w = ++p;
		while (*p && *p != '"')
			p += p[0] == '\\' && p[1] ? 2 : 1;
	} else {
		w = p;
		p += strcspn(p, " \t");
	}
	if (*p)
		*p++ = '\0';
	*s = p;
	return w;
}

static int
ipt_add(struct ipt_saved *sv, const struct ipt_rule *r)
{
	struct ipt_rule *n;

	if (sv->n == sv->cap) {
		sv->cap = sv->cap ? 2 * sv->cap : 64;
		if ((n = realloc(sv->rule, sv->cap * sizeof(*n))) == NULL)
			return -1;
		sv->rule = n;
	}
	sv->rule[sv->n++] = *r;
	return 0;
}

/*
 * words is a line "-A CHAIN SPEC" of the second copy; in the first the
 * same line stays whole (for "-D CHAIN SPEC") and is cut
 * into words here to find the target and our comment.
 */
static int
ipt_rule_parse(struct ipt_saved *sv, const char *table, char *words)
{
	struct ipt_rule r = { .table = table, .target = "" };
	char *w, *prev = NULL;

	words += 3;
	if ((r.chain = ipt_word(&words)) == NULL)
		return 0;
	words += strspn(words, " \t");
	r.spec = sv->buf + (words - sv->words);
	for (; (w = ipt_word(&words)) != NULL; prev = w) {
		if (r.target[0])
			r.target_opts = 1;
		if (prev && (!strcmp(prev, "-j") || !strcmp(prev, "-g")))
			r.target = w;
		if (prev && !strcmp(prev, "--comment") &&
		    !strcmp(w, IPT_COMMENT))
			r.ours = 1;
		if (prev && !strcmp(prev, "-m") && !strcmp(w, "conntrack"))
			r.ct = 1;
	}
	r.nflog = !strcmp(r.target, "NFLOG");
	return ipt_add(sv, &r);
}

static void
ipt_saved_free(struct ipt_saved *sv)
{
	free(sv->buf);
	free(sv->words);
	free(sv->rule);
}

/* Two copies of saved, cut into lines alike (ipt_rule_parse()). */
static int
ipt_saved_parse(const char *saved, struct ipt_saved *sv)
{
	const char *table = "";
	char *line, *next;

	memset(sv, 0, sizeof(*sv));
	if ((sv->buf = strdup(saved)) == NULL ||
	    (sv->words = strdup(saved)) == NULL)
		goto fail;
	for (line = sv->buf; line && *line; line = next) {
		if ((next = strchr(line, '\n')) != NULL) {
			*next++ = '\0';
			sv->words[next - 1 - sv->buf] = '\0';
		}
		if (line[0] == '*')
			table = line + 1;
		else if (line[0] == ':' &&
		    !strncmp(line + 1, IPT_CHAIN " ", sizeof(IPT_CHAIN))) {
			sv->chain |= !strcmp(table, "filter");
			if (sv->nnetflow_in < IPT_TABLES_MAX)
				sv->netflow_in[sv->nnetflow_in++] = table;
		} else if (!strncmp(line, "-A ", 3) && ipt_rule_parse(sv, table,
		    sv->words + (line - sv->buf)) < 0)
			goto fail;
	}
	return 0;
fail:
	ipt_saved_free(sv);
	return -1;
}

/* Does table declare a chain NETFLOW? */
static int
ipt_has_chain(const struct ipt_saved *sv, const char *table)
{
	unsigned i;

	for (i = 0; i < sv->nnetflow_in; i++)
		if (!strcmp(sv->netflow_in[i], table))
			return 1;
	return 0;
}

/*
 * A "-j NETFLOW" that reaches ipt_NETFLOW's kernel target, not a chain: no
 * chain NETFLOW is declared in its table, or the target has options (a
 * jump to a chain takes none).  Such a rule meters every packet a second
 * time beside our chain, and fails to load once the module is gone.
 */
static int
ipt_is_kernel_target(const struct ipt_saved *sv, const struct ipt_rule *r)
{
	return !strcmp(r->target, IPT_CHAIN) &&
	    (r->target_opts || !ipt_has_chain(sv, r->table));
}

/*
 * Does chain reach NETFLOW through the filter table's jumps (our own rules
 * counted only with ours)?  depth bounds a ruleset that loops.
 */
static int
ipt_reaches(const struct ipt_saved *sv, const char *chain, int ours,
    unsigned depth)
{
	size_t i;

	if (depth > 32)
		return 0;
	for (i = 0; i < sv->n; i++) {
		const struct ipt_rule *r = &sv->rule[i];

		if (strcmp(r->table, "filter") || strcmp(r->chain, chain) ||
		    r->target[0] == '\0' || (r->ours && !ours) ||
		    ipt_is_kernel_target(sv, r))
			continue;
		if (!strcmp(r->target, IPT_CHAIN) ||
		    ipt_reaches(sv, r->target, ours, depth + 1))
			return 1;
	}
	return 0;
}

static void
ipt_state_of(const struct ipt_saved *sv, struct ipt_state *st)
{
	size_t i;

	memset(st, 0, sizeof(*st));
	st->chain = sv->chain;
	for (i = 0; i < sv->n; i++) {
		const struct ipt_rule *r = &sv->rule[i];
		int filter = !strcmp(r->table, "filter");
		int kernel = ipt_is_kernel_target(sv, r);
		int jump = filter && !strcmp(r->target, IPT_CHAIN) && !kernel;

		st->kernel_jumps += kernel;
		if (filter && !strcmp(r->chain, IPT_CHAIN)) {
			st->chain_rules++;
			st->nflog_rules += r->nflog;
			st->ct_rules += r->ct;
		}
		st->ours += r->ours;
		st->our_jumps += r->ours && jump;
		st->user_jumps += !r->ours && jump;
	}
	for (i = 0; i < IPT_NHOOKS; i++) {
		if (ipt_reaches(sv, ipt_hooks[i].chain, 0, 0))
			st->user_hooks |= ipt_hooks[i].bit;
		if (ipt_reaches(sv, ipt_hooks[i].chain, 1, 0))
			st->hooks |= ipt_hooks[i].bit;
	}
}

int
ipt_parse(const char *saved, struct ipt_state *st)
{
	struct ipt_saved sv;

	if (ipt_saved_parse(saved, &sv) < 0)
		return -1;
	ipt_state_of(&sv, st);
	ipt_saved_free(&sv);
	return 0;
}

/* "-D CHAIN SPEC" for each rule of ours in table. */
static void
ipt_delete_ours(const struct ipt_saved *sv, const char *table, FILE *f)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		if (sv->rule[i].ours && !strcmp(sv->rule[i].table, table))
			fprintf(f, "-D %s %s\n", sv->rule[i].chain,
			    sv->rule[i].spec);
}

static unsigned
ipt_count_ours(const struct ipt_saved *sv, const char *table)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; i < sv->n; i++)
		n += sv->rule[i].ours && !strcmp(sv->rule[i].table, table);
	return n;
}

/*
 * The sampler as an xt_statistic match in front of -j NFLOG (SPEC 4.2).
 * Unlike the nft table, whose log rule is one per hook, every hook's jump
 * reaches this one rule: deterministic selects every Nth packet of all
 * the hooks together.  The random probability is 1/N to 11 decimals, as
 * iptables-save prints it (the kernel keeps it to 2^-31).
 */
static void
ipt_sample(const struct conf *c, FILE *f)
{
	switch (c->sampler.mode) {
	case SAMPLER_DETERMINISTIC:
		fprintf(f, "-m statistic --mode nth --every %u --packet 0 ",
		    c->sampler.n);
		break;
	case SAMPLER_RANDOM:
		fprintf(f, "-m statistic --mode random --probability %.11f ",
		    1.0 / c->sampler.n);
		break;
	case SAMPLER_HASH:	/* refused by ipt_check() */
	case SAMPLER_OFF:
		break;
	}
}

int
ipt_check(const struct conf *c, char *err, size_t errlen)
{
	if (c->capture != CAPTURE_NFLOG || c->sampler.mode != SAMPLER_HASH)
		return 0;
	snprintf(err, errlen, "sampler = \"hash:%u\": hash sampling needs "
	    "rules = nft (iptables has no match on a hash of the 5-tuple); "
	    "with rules = iptables use deterministic:N or random:N",
	    c->sampler.n);
	errno = EINVAL;
	return -1;
}

int
ipt_wanted(const struct conf *c, enum iptcmd_family fam)
{
	/*
	 * IPv6 wherever the export protocol can carry it (SPEC 4: v9 and
	 * IPFIX), as the nft table meters it there (rulesdesc.c): in nflog
	 * capture with its IPv6 log rule, in conntrack capture with its ct
	 * rule, which in the inet table turns conntrack on for both
	 * families.  Under protocol 5 IPv6 is left alone.
	 */
	return fam == IPTCMD_V4 || c->protocol != 5;
}

/* The NETFLOW chain's own rules ("-A NETFLOW ..."). */
static void
ipt_chain_rules(const struct conf *c, enum iptcmd_family fam, FILE *f)
{
	uint32_t m = c->export_mark;
	int ct = conf_uses_conntrack(c);

	if (m && c->capture == CAPTURE_NFLOG) {
		fprintf(f, "-A %s -m mark --mark 0x%x -j RETURN\n",
		    IPT_CHAIN, m);
		if (ct)
			fprintf(f, "-A %s -m connmark --mark 0x%x -j RETURN\n",
			    IPT_CHAIN, m);
	}
	/*
	 * A conntrack match turns conntrack on, as the nft table's ct rule;
	 * without conntrack nothing here may mention it.  In conntrack
	 * capture each family's connections are the flows, so each family
	 * the daemon meters (ipt_wanted()) gets it: ip6tables' turns IPv6
	 * conntrack on, which the inet table's one ct rule does for both.
	 * In nflog mode it is IPv4 only, as that ct rule's "meta nfproto
	 * ipv4": there conntrack only ends IPv4 flows (the connmark match
	 * above still turns IPv6 conntrack on, as "ct mark" does in the
	 * inet table, so the export connections are marked).
	 */
	if (ct && (fam == IPTCMD_V4 || c->capture == CAPTURE_CONNTRACK))
		fprintf(f, "-A %s -m conntrack --ctstate "
		    "NEW,RELATED,ESTABLISHED,UNTRACKED\n", IPT_CHAIN);
	if (c->capture != CAPTURE_NFLOG)
		return;
	fprintf(f, "-A %s ", IPT_CHAIN);
	ipt_sample(c, f);
	fprintf(f, "-j NFLOG --nflog-group %u --nflog-size %u "
	    "--nflog-threshold %u\n", c->nflog_group, c->copy_range,
	    c->queue_threshold);
}

/* Our rules of the built-in chains, "-I" first (cmd "-I %s 1") or commented. */
static void
ipt_builtin_rules(const struct conf *c, uint32_t user_hooks, const char *pfx,
    FILE *f)
{
	uint32_t m = c->export_mark;
	size_t i;

	/*
	 * Inserted at the top one after the other: the last comes first.
	 * Conntrack capture needs no jump: the conntrack match turns
	 * conntrack on by being loaded, whether packets reach it or not.
	 */
	for (i = IPT_NHOOKS; c->capture == CAPTURE_NFLOG && i-- > 0;)
		if ((c->hooks & ipt_hooks[i].bit) &&
		    !(user_hooks & ipt_hooks[i].bit))
			fprintf(f, "%s-I %s 1 -m comment --comment %s -j %s\n",
			    pfx, ipt_hooks[i].chain, IPT_COMMENT, IPT_CHAIN);
	if (m && c->capture == CAPTURE_NFLOG && conf_uses_conntrack(c) &&
	    (c->hooks & (HOOK_INPUT | HOOK_OUTPUT)))
		fprintf(f, "-I OUTPUT 1 -m mark --mark 0x%x -m comment "
		    "--comment %s -j CONNMARK --set-xmark 0x%x/0xffffffff\n",
		    m, IPT_COMMENT, m);
}

static void
ipt_raw_rules(const struct conf *c, FILE *f)
{
	if (c->export_mark && c->capture == CAPTURE_CONNTRACK)
		fprintf(f, "-A OUTPUT -m mark --mark 0x%x -m comment "
		    "--comment %s -j CT --notrack\n", c->export_mark,
		    IPT_COMMENT);
}

/*
 * The raw rule goes with the conntrack match of conntrack capture: in
 * every family whose conntrack that match turns on (ipt_wanted()), the
 * daemon's export datagrams to a collector of that family would
 * otherwise become connections it exports (its own traffic metered), as
 * the nft table's export_notrack chain prevents for both families.
 */
static int
ipt_wants_raw(const struct conf *c, enum iptcmd_family fam)
{
	return ipt_wanted(c, fam) && c->export_mark &&
	    c->capture == CAPTURE_CONNTRACK;
}

int
ipt_plan_load(const struct conf *c, enum iptcmd_family fam,
    const char *saved, FILE *f)
{
	struct ipt_saved sv;
	struct ipt_state st;

	if (!ipt_wanted(c, fam))
		return ipt_plan_delete(saved, f);
	if (ipt_saved_parse(saved, &sv) < 0)
		return -1;
	ipt_state_of(&sv, &st);
	/*
	 * One table, one transaction: our old rules go, the chain is
	 * declared again (which empties it) and refilled, the jumps come
	 * back where the user's rules do not reach NETFLOW.
	 */
	fprintf(f, "*filter\n:%s - [0:0]\n", IPT_CHAIN);
	ipt_delete_ours(&sv, "filter", f);
	ipt_chain_rules(c, fam, f);
	ipt_builtin_rules(c, st.user_hooks, "", f);
	fprintf(f, "COMMIT\n");
	if (ipt_wants_raw(c, fam) || ipt_count_ours(&sv, "raw")) {
		fprintf(f, "*raw\n");
		ipt_delete_ours(&sv, "raw", f);
		if (ipt_wants_raw(c, fam))
			ipt_raw_rules(c, f);
		fprintf(f, "COMMIT\n");
	}
	ipt_saved_free(&sv);
	return ferror(f) ? -1 : 0;
}

int
ipt_plan_delete(const char *saved, FILE *f)
{
	struct ipt_saved sv;
	struct ipt_state st;

	if (ipt_saved_parse(saved, &sv) < 0)
		return -1;
	ipt_state_of(&sv, &st);
	if (st.chain || ipt_count_ours(&sv, "filter")) {
		fprintf(f, "*filter\n");
		ipt_delete_ours(&sv, "filter", f);
		if (st.chain)
			fprintf(f, "-F %s\n", IPT_CHAIN);
		/* a chain the user still jumps to stays, empty (ipt.h) */
		if (st.chain && st.user_jumps == 0)
			fprintf(f, "-X %s\n", IPT_CHAIN);
		fprintf(f, "COMMIT\n");
	}
	if (ipt_count_ours(&sv, "raw")) {
		fprintf(f, "*raw\n");
		ipt_delete_ours(&sv, "raw", f);
		fprintf(f, "COMMIT\n");
	}
	ipt_saved_free(&sv);
	return ferror(f) ? -1 : 0;
}

int
ipt_loaded(const struct conf *c, enum iptcmd_family fam,
    const struct ipt_state *st)
{
	if (!ipt_wanted(c, fam))
		return st->ours == 0 && st->chain_rules == 0;
	if (!st->chain)
		return 0;
	if (c->capture == CAPTURE_CONNTRACK)
		return st->ct_rules > 0;
	return st->nflog_rules > 0 && (c->hooks & ~st->hooks) == 0;
}

int
ipt_write_fragment(const struct conf *c, enum iptcmd_family fam,
    const char *src, FILE *f)
{
	const char *cmd = iptcmd_family_name(fam);
	const char *file = fam == IPTCMD_V6 ? "rules.v6" : "rules.v4";

	fprintf(f, "# nft-netflow: %s rules (rules = iptables), written "
	    "by nft-netflow from\n# %s.\n#\n", cmd, src ? src :
	    "the default configuration");
	fprintf(f, "# \"nft-netflow -m enable\" loads these itself.  To keep "
	    "them across reboots\n# with iptables-persistent, copy the "
	    "*filter lines between \"*filter\" and\n# \"COMMIT\" into the "
	    "*filter section of /etc/iptables/%s (they declare\n# the "
	    "chain NETFLOW, so a saved \"-j NETFLOW\" loads without the "
	    "ipt_NETFLOW\n# module), or load this file once with "
	    "\"%s-restore --noflush\".\n#\n", file, cmd);
	fprintf(f, "# The jumps below are commented out: add them only for "
	    "the chains where your\n# ruleset does not already jump to "
	    "NETFLOW, or packets are metered twice.\n");
	fprintf(f, "# NFLOG group %u, copy %u bytes, queue threshold %u: "
	    "these must match the\n# config (NFLOG uses the smaller of the "
	    "rule's and the reader's values).\n",
	    c->nflog_group, c->copy_range, c->queue_threshold);
	fprintf(f, "*filter\n:%s - [0:0]\n", IPT_CHAIN);
	ipt_chain_rules(c, fam, f);
	ipt_builtin_rules(c, 0, "# ", f);
	fprintf(f, "COMMIT\n");
	if (ipt_wants_raw(c, fam)) {
		/* without it at boot, they would be exported as connections */
		fprintf(f, "# the daemon's export datagrams are not tracked: "
		    "copy these lines into the\n# *raw section of "
		    "/etc/iptables/%s the same way\n*raw\n", file);
		ipt_raw_rules(c, f);
		fprintf(f, "COMMIT\n");
	}
	return ferror(f) ? -1 : 0;
}

/* ---- on this host ------------------------------------------------------ */

static enum iptcmd_backend
ipt_backend(enum iptcmd_family fam)
{
	int both;
	enum iptcmd_backend b = iptcmd_backend(fam, &both);

	if (both)
		log_warnx("both %s backends hold tables here; using %s-%s",
		    iptcmd_family_name(fam), iptcmd_family_name(fam),
		    iptcmd_backend_name(b));
	return b;
}

/* What one family's restore is to be: its backend and text ("" = none). */
struct ipt_step {
	enum iptcmd_backend	 b;
	char			*text;
	size_t			 len;
};

/*
 * Plan fam: c's rules (c NULL: ours taken away).  A family c does not
 * want whose ruleset cannot be read (ip6tables not installed, IPv6 off)
 * cannot hold anything of ours: nothing to do there.
 */
static int
ipt_plan(const struct conf *c, const struct conf *was, enum iptcmd_family fam,
    struct ipt_step *s, char *err, size_t errlen)
{
	const struct conf *need = c ? c : was;
	char *saved;
	FILE *m;
	int r, missing;

	s->b = ipt_backend(fam);
	s->text = NULL;
	s->len = 0;
	if (iptcmd_save(fam, s->b, &saved, &missing, err, errlen) < 0) {
		if (need && ipt_wanted(need, fam))
			return -1;
		log_debug(1, "%s (nothing of ours to take away there)", err);
		return 0;
	}
	if ((m = open_memstream(&s->text, &s->len)) == NULL) {
		free(saved);
		snprintf(err, errlen, "%s: %s", iptcmd_family_name(fam),
		    strerror(errno));
		return -1;
	}
	r = c ? ipt_plan_load(c, fam, saved, m) : ipt_plan_delete(saved, m);
	fclose(m);
	free(saved);
	if (r < 0) {
		free(s->text);
		s->text = NULL;
		snprintf(err, errlen, "%s: %s", iptcmd_family_name(fam),
		    strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Every family's plan first (a ruleset that cannot be read changes
 * nothing), then the restores, IPv6 first: the IPv4 rules are the ones a
 * host had before IPv6 was metered, and a failing ip6tables then leaves
 * them as they were.  Each restore is one transaction per table.
 */
static int
ipt_apply(const struct conf *c, const struct conf *was, char *err,
    size_t errlen)
{
	struct ipt_step s[IPTCMD_NFAMILIES];
	int fam, r = 0;

	for (fam = 0; fam < IPTCMD_NFAMILIES; fam++)
		s[fam].text = NULL;
	for (fam = 0; fam < IPTCMD_NFAMILIES && r == 0; fam++)
		r = ipt_plan(c, was, fam, &s[fam], err, errlen);
	for (fam = IPTCMD_NFAMILIES; r == 0 && fam-- > 0;)
		if (s[fam].len)
			r = iptcmd_restore(fam, s[fam].b, s[fam].text, err,
			    errlen);
	for (fam = 0; fam < IPTCMD_NFAMILIES; fam++)
		free(s[fam].text);
	return r;
}

int
ipt_load(const struct conf *c, char *err, size_t errlen)
{
	if (ipt_check(c, err, errlen) < 0)
		return -1;
	return ipt_apply(c, NULL, err, errlen);
}

int
ipt_delete(const struct conf *was, char *err, size_t errlen)
{
	return ipt_apply(NULL, was, err, errlen);
}

int
ipt_state(enum iptcmd_family fam, struct ipt_state *st,
    const char **backend, char *err, size_t errlen)
{
	int both;
	enum iptcmd_backend b = iptcmd_backend(fam, &both);
	char *saved;
	int r;

	*backend = iptcmd_backend_name(b);
	memset(st, 0, sizeof(*st));
	if (iptcmd_save(fam, b, &saved, NULL, err, errlen) < 0)
		return -1;
	r = ipt_parse(saved, st);
	free(saved);
	if (r < 0)
		snprintf(err, errlen, "%s: %s", iptcmd_family_name(fam),
		    strerror(errno));
	return r;
}

/*
 * Kernel-target jumps in every family's live rules (each backend that
 * holds tables) and in iptables-persistent's files.  *where names the
 * first place found.
 */
unsigned
ipt_kernel_jumps(char *where, size_t len)
{
	static const char *const files[IPTCMD_NFAMILIES] = {
		IPT_PERSISTENT_V4, IPT_PERSISTENT_V6 };
	struct ipt_state st;
	unsigned n = 0, k;
	char *saved, err[256];
	int fam, b;

	where[0] = '\0';
	for (fam = 0; fam < IPTCMD_NFAMILIES; fam++) {
		for (b = IPTCMD_NFT; b <= IPTCMD_LEGACY; b++) {
			/* legacy-save wants its kernel tables to exist */
			if ((b == IPTCMD_LEGACY && !iptcmd_backend_used(fam,
			    b)) || iptcmd_save(fam, b, &saved, NULL, err,
			    sizeof(err)) < 0)
				continue;
			k = ipt_parse(saved, &st) == 0 ? st.kernel_jumps : 0;
			free(saved);
			if (k && n == 0)
				snprintf(where, len, "%s-%s",
				    iptcmd_family_name(fam),
				    iptcmd_backend_name(b));
			n += k;
		}
		if ((saved = file_read(files[fam])) == NULL)
			continue;
		k = ipt_parse(saved, &st) == 0 ? st.kernel_jumps : 0;
		free(saved);
		if (k && n == 0)
			snprintf(where, len, "%s", files[fam]);
		n += k;
	}
	return n;
}
