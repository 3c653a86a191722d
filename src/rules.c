/*
 * rules: build, delete and inspect the nft table of nft-netflow with
 * libnftnl, and print the same ruleset as nft text.  See rules.h.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>

#include "rules.h"

/* Priorities: after conntrack (-200) so ct state is known, before filter. */
#define PRIO_METER	(-150)
/* raw: before conntrack looks at the packet, as notrack requires. */
#define PRIO_NOTRACK	(-300)

/* ct state new,established,related,untracked as the kernel's bits. */
#define CT_STATE_ANY	(0x08 | 0x02 | 0x04 | 0x40)

enum rule_kind {
	R_MARK_TO_CT,		/* meta mark M ct mark set M return */
	R_CTMARK_RETURN,	/* ct mark M return */
	R_CT_ON,		/* meta nfproto ipv4 ct state ... counter */
	R_NFLOG,		/* meta nfproto ipv4 log group ... */
	R_MARK_NOTRACK,		/* meta mark M notrack */
};

#define CHAIN_RULES_MAX	4

struct chain_desc {
	const char	*name;
	const char	*hook_name;
	unsigned	 hooknum;
	int		 prio;
	unsigned	 nrules;
	enum rule_kind	 rule[CHAIN_RULES_MAX];
};

#define CHAINS_MAX	4

struct ruleset_desc {
	unsigned		nchains;
	struct chain_desc	chain[CHAINS_MAX];
	uint32_t		mark, group, snaplen, qthreshold;
};

/*
 * The one description of what we load; both emitters below walk it.
 */
static void
describe(const struct conf *c, struct ruleset_desc *d)
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
	struct chain_desc *ch;
	size_t i;

	memset(d, 0, sizeof(*d));
	d->mark = c->export_mark;
	d->group = c->nflog_group;
	d->snaplen = c->copy_range;
	d->qthreshold = c->queue_threshold;
	for (i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++) {
		int metered = (c->hooks & hooks[i].bit) != 0;

		/*
		 * Output marks the daemon's export connections (from the
		 * socket's SO_MARK) so that their packets, and the ICMP errors
		 * a down collector sends back (RELATED), are skipped by ct
		 * mark on input and output.  It does so even when output is
		 * not metered, as long as input is.
		 */
		if (!metered && !(nflog && hooks[i].local == 1 &&
		    (c->hooks & HOOK_INPUT)))
			continue;
		ch = &d->chain[d->nchains++];
		ch->name = hooks[i].name;
		ch->hook_name = hooks[i].name;
		ch->hooknum = hooks[i].hooknum;
		ch->prio = PRIO_METER;
		if (nflog && hooks[i].local == 1)
			ch->rule[ch->nrules++] = R_MARK_TO_CT;
		if (!metered)
			continue;
		if (nflog && hooks[i].local >= 0)
			ch->rule[ch->nrules++] = R_CTMARK_RETURN;
		ch->rule[ch->nrules++] = R_CT_ON;
		if (nflog)
			ch->rule[ch->nrules++] = R_NFLOG;
	}
	if (c->capture == CAPTURE_CONNTRACK) {
		ch = &d->chain[d->nchains++];
		ch->name = "export_notrack";
		ch->hook_name = "output";
		ch->hooknum = NF_INET_LOCAL_OUT;
		ch->prio = PRIO_NOTRACK;
		ch->rule[ch->nrules++] = R_MARK_NOTRACK;
	}
}

/* ---- nft text ---------------------------------------------------------- */

static void
text_rule(FILE *f, const struct ruleset_desc *d, enum rule_kind k)
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
		fprintf(f, "\t\tmeta nfproto ipv4 log group %u snaplen %u "
		    "queue-threshold %u\n", d->group, d->snaplen,
		    d->qthreshold);
		break;
	case R_MARK_NOTRACK:
		fprintf(f, "\t\t# export datagrams must not become conntrack "
		    "entries (flows)\n"
		    "\t\tmeta mark 0x%08x notrack\n", d->mark);
		break;
	}
}

int
rules_write_nft(const struct conf *c, const char *src, FILE *f)
{
	struct ruleset_desc d;
	unsigned i, j;

	describe(c, &d);
	fprintf(f, "#!/usr/sbin/nft -f\n"
	    "# nft-netflow ruleset, written by nft-netflow from %s.\n"
	    "# Capture mode %s.  Use it from /etc/nftables.conf with\n"
	    "#     include \"<this file>\"\n"
	    "# or let \"nft-netflow -m enable\" load the same table.  Only this "
	    "table is\n# touched; it never drops or accepts anything for your "
	    "ruleset.\n\n",
	    src ? src : "the defaults",
	    c->capture == CAPTURE_CONNTRACK ? "conntrack" : "nflog");
	fprintf(f, "table %s %s\ndelete table %s %s\n\ntable %s %s {\n",
	    RULES_FAMILY, RULES_TABLE, RULES_FAMILY, RULES_TABLE,
	    RULES_FAMILY, RULES_TABLE);
	for (i = 0; i < d.nchains; i++) {
		const struct chain_desc *ch = &d.chain[i];

		fprintf(f, "%s\tchain %s {\n\t\ttype filter hook %s priority "
		    "%d; policy accept;\n", i ? "\n" : "", ch->name,
		    ch->hook_name, ch->prio);
		for (j = 0; j < ch->nrules; j++)
			text_rule(f, &d, ch->rule[j]);
		fprintf(f, "\t}\n");
	}
	fprintf(f, "}\n");
	return ferror(f) ? -1 : 0;
}

/* ---- netlink ----------------------------------------------------------- */

#define BATCH_BUF	(64 * 1024)

struct batch {
	struct mnl_nlmsg_batch	*b;
	char			*buf;
	uint32_t		 seq;
	unsigned		 nmsg;
};

static int
batch_open(struct batch *bt)
{
	memset(bt, 0, sizeof(*bt));
	if ((bt->buf = malloc(BATCH_BUF)) == NULL)
		return -1;
	if ((bt->b = mnl_nlmsg_batch_start(bt->buf, BATCH_BUF)) == NULL) {
		free(bt->buf);
		return -1;
	}
	bt->seq = (uint32_t)time(NULL);
	nftnl_batch_begin(mnl_nlmsg_batch_current(bt->b), bt->seq++);
	mnl_nlmsg_batch_next(bt->b);
	return 0;
}

static void
batch_close(struct batch *bt)
{
	if (bt->b)
		mnl_nlmsg_batch_stop(bt->b);
	free(bt->buf);
}

static struct nlmsghdr *
batch_hdr(struct batch *bt, uint16_t type, uint16_t flags)
{
	bt->nmsg++;
	return nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(bt->b), type,
	    NFPROTO_INET, flags | NLM_F_ACK, bt->seq++);
}

static void
batch_table(struct batch *bt, uint16_t type, uint16_t flags)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;

	nftnl_table_set_str(t, NFTNL_TABLE_NAME, RULES_TABLE);
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	nlh = batch_hdr(bt, type, flags);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	mnl_nlmsg_batch_next(bt->b);
}

static void
batch_chain(struct batch *bt, const struct chain_desc *cd)
{
	struct nftnl_chain *ch = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	nftnl_chain_set_str(ch, NFTNL_CHAIN_TABLE, RULES_TABLE);
	nftnl_chain_set_str(ch, NFTNL_CHAIN_NAME, cd->name);
	nftnl_chain_set_str(ch, NFTNL_CHAIN_TYPE, "filter");
	nftnl_chain_set_u32(ch, NFTNL_CHAIN_HOOKNUM, cd->hooknum);
	nftnl_chain_set_s32(ch, NFTNL_CHAIN_PRIO, cd->prio);
	nftnl_chain_set_u32(ch, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	nlh = batch_hdr(bt, NFT_MSG_NEWCHAIN, NLM_F_CREATE);
	nftnl_chain_nlmsg_build_payload(nlh, ch);
	nftnl_chain_free(ch);
	mnl_nlmsg_batch_next(bt->b);
}

/* Small expression builders; each adds one expression to r. */
static void
x_meta(struct nftnl_rule *r, uint32_t key)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	nftnl_rule_add_expr(r, e);
}

static void
x_cmp(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	nftnl_rule_add_expr(r, e);
}

static void
x_mark_is(struct nftnl_rule *r, uint32_t mark)
{
	/* meta mark is host byte order in the register, as nft writes it */
	x_meta(r, NFT_META_MARK);
	x_cmp(r, NFT_CMP_EQ, &mark, sizeof(mark));
}

/* ct KEY into reg 1, as x_meta() does for meta keys. */
static void
x_ct(struct nftnl_rule *r, uint32_t key)
{
	struct nftnl_expr *e = nftnl_expr_alloc("ct");

	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	nftnl_rule_add_expr(r, e);
}

static void
x_ctmark_is(struct nftnl_rule *r, uint32_t mark)
{
	x_ct(r, NFT_CT_MARK);
	x_cmp(r, NFT_CMP_EQ, &mark, sizeof(mark));
}

/* ct mark set M: an immediate into reg 1, then ct set from reg 1. */
static void
x_ctmark_set(struct nftnl_rule *r, uint32_t mark)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
	nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, &mark, sizeof(mark));
	nftnl_rule_add_expr(r, e);
	e = nftnl_expr_alloc("ct");
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, NFT_CT_MARK);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_SREG, NFT_REG_1);
	nftnl_rule_add_expr(r, e);
}

static void
x_ipv4(struct nftnl_rule *r)
{
	uint8_t proto = NFPROTO_IPV4;

	x_meta(r, NFT_META_NFPROTO);
	x_cmp(r, NFT_CMP_EQ, &proto, sizeof(proto));
}

static void
x_ct_state_any(struct nftnl_rule *r)
{
	struct nftnl_expr *e;
	uint32_t mask = CT_STATE_ANY, zero = 0;

	x_ct(r, NFT_CT_STATE);
	e = nftnl_expr_alloc("bitwise");
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, sizeof(mask));
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, &mask, sizeof(mask));
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, &zero, sizeof(zero));
	nftnl_rule_add_expr(r, e);
	x_cmp(r, NFT_CMP_NEQ, &zero, sizeof(zero));
}

static void
x_simple(struct nftnl_rule *r, const char *name)
{
	nftnl_rule_add_expr(r, nftnl_expr_alloc(name));
}

static void
x_return(struct nftnl_rule *r)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, NFT_RETURN);
	nftnl_rule_add_expr(r, e);
}

static void
x_log(struct nftnl_rule *r, const struct ruleset_desc *d)
{
	struct nftnl_expr *e = nftnl_expr_alloc("log");

	nftnl_expr_set_u16(e, NFTNL_EXPR_LOG_GROUP, (uint16_t)d->group);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOG_SNAPLEN, d->snaplen);
	nftnl_expr_set_u16(e, NFTNL_EXPR_LOG_QTHRESHOLD,
	    (uint16_t)d->qthreshold);
	nftnl_rule_add_expr(r, e);
}

static void
batch_rule(struct batch *bt, const struct ruleset_desc *d,
    const struct chain_desc *cd, enum rule_kind k)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;

	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, RULES_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, cd->name);
	switch (k) {
	case R_MARK_TO_CT:
		x_mark_is(r, d->mark);
		x_ctmark_set(r, d->mark);
		x_return(r);
		break;
	case R_CTMARK_RETURN:
		x_ctmark_is(r, d->mark);
		x_return(r);
		break;
	case R_CT_ON:
		x_ipv4(r);
		x_ct_state_any(r);
		x_simple(r, "counter");
		break;
	case R_NFLOG:
		x_ipv4(r);
		x_log(r, d);
		break;
	case R_MARK_NOTRACK:
		x_mark_is(r, d->mark);
		x_simple(r, "notrack");
		break;
	}
	nlh = batch_hdr(bt, NFT_MSG_NEWRULE, NLM_F_APPEND | NLM_F_CREATE);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	mnl_nlmsg_batch_next(bt->b);
}

/*
 * Send the batch and collect the answers.  nfnetlink processes a batch
 * synchronously inside sendmsg(), so every ack or error is already queued
 * on our socket when sendto() returns: read until the queue is empty.
 */
static int
batch_send(struct batch *bt)
{
	struct mnl_socket *nl;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	ssize_t n;
	int first_err = 0, r;

	nftnl_batch_end(mnl_nlmsg_batch_current(bt->b), bt->seq++);
	mnl_nlmsg_batch_next(bt->b);
	if ((nl = mnl_socket_open(NETLINK_NETFILTER)) == NULL)
		return -1;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_sendto(nl, mnl_nlmsg_batch_head(bt->b),
	    mnl_nlmsg_batch_size(bt->b)) < 0) {
		r = errno;
		mnl_socket_close(nl);
		errno = r;
		return -1;
	}
	for (;;) {
		n = recv(mnl_socket_get_fd(nl), buf, sizeof(buf),
		    MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		/* seq 0 and portid 0: accept every answer to this batch */
		if (mnl_cb_run(buf, (size_t)n, 0, 0, NULL, NULL) < 0 &&
		    first_err == 0)
			first_err = errno ? errno : EPROTO;
	}
	mnl_socket_close(nl);
	if (first_err) {
		errno = first_err;
		return -1;
	}
	return 0;
}

/* Send the batch and free it; errno is batch_send()'s. */
static int
batch_commit(struct batch *bt)
{
	int r, save;

	r = batch_send(bt);
	save = errno;
	batch_close(bt);
	errno = save;
	return r;
}

int
rules_load(const struct conf *c, char *err, size_t errlen)
{
	struct ruleset_desc d;
	struct batch bt;
	unsigned i, j;
	int save;

	if (c->capture == CAPTURE_NFLOG && c->hooks == 0) {
		snprintf(err, errlen, "hooks: no hook selected, nothing to "
		    "meter (allowed: input, forward, output)");
		errno = EINVAL;
		return -1;
	}
	describe(c, &d);
	if (batch_open(&bt) < 0) {
		snprintf(err, errlen, "rules: %s", strerror(errno));
		return -1;
	}
	/* add (a no-op if it exists) + delete: whatever was there goes */
	batch_table(&bt, NFT_MSG_NEWTABLE, NLM_F_CREATE);
	batch_table(&bt, NFT_MSG_DELTABLE, 0);
	batch_table(&bt, NFT_MSG_NEWTABLE, NLM_F_CREATE);
	for (i = 0; i < d.nchains; i++) {
		batch_chain(&bt, &d.chain[i]);
		for (j = 0; j < d.chain[i].nrules; j++)
			batch_rule(&bt, &d, &d.chain[i], d.chain[i].rule[j]);
	}
	if (batch_commit(&bt) < 0) {
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
	struct batch bt;
	int save;

	if (batch_open(&bt) < 0) {
		snprintf(err, errlen, "rules: %s", strerror(errno));
		return -1;
	}
	batch_table(&bt, NFT_MSG_NEWTABLE, NLM_F_CREATE);
	batch_table(&bt, NFT_MSG_DELTABLE, 0);
	if (batch_commit(&bt) < 0) {
		save = errno;
		snprintf(err, errlen, "cannot delete table %s %s: %s",
		    RULES_FAMILY, RULES_TABLE, strerror(save));
		errno = save;
		return -1;
	}
	return 0;
}

/* ---- inspection -------------------------------------------------------- */

/* One request, answers through cb until the ack / NLMSG_DONE. */
static int
nl_query(struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	struct mnl_socket *nl;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint32_t portid;
	ssize_t n;
	int r = -1, save;

	if ((nl = mnl_socket_open(NETLINK_NETFILTER)) == NULL)
		return -1;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		goto out;
	portid = mnl_socket_get_portid(nl);
	while ((n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0) {
		r = mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, portid, cb,
		    data);
		if (r <= 0)
			break;
	}
	if (n < 0)
		r = -1;
out:
	save = errno;
	mnl_socket_close(nl);
	errno = save;
	return r < 0 ? -1 : 0;
}

static int
table_cb(const struct nlmsghdr *nlh, void *data)
{
	*(int *)data = 1;
	return MNL_CB_OK;
}

struct expr_count {
	int log, ct;
};

static int
expr_cb(struct nftnl_expr *e, void *data)
{
	struct expr_count *ec = data;
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

	if (name && strcmp(name, "log") == 0)
		ec->log = 1;
	if (name && strcmp(name, "ct") == 0)
		ec->ct = 1;
	return 0;
}

static int
rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rules_state *st = data;
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct expr_count ec = { 0, 0 };
	const char *table;

	if (r == NULL)
		return MNL_CB_ERROR;
	if (nftnl_rule_nlmsg_parse(nlh, r) == 0 &&
	    (table = nftnl_rule_get_str(r, NFTNL_RULE_TABLE)) != NULL &&
	    strcmp(table, RULES_TABLE) == 0) {
		nftnl_expr_foreach(r, expr_cb, &ec);
		st->rules++;
		st->log_rules += ec.log;
		st->ct_rules += ec.ct;
	}
	nftnl_rule_free(r);
	return MNL_CB_OK;
}

static int
chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rules_state *st = data;
	struct nftnl_chain *ch = nftnl_chain_alloc();
	const char *table;

	if (ch == NULL)
		return MNL_CB_ERROR;
	if (nftnl_chain_nlmsg_parse(nlh, ch) == 0 &&
	    (table = nftnl_chain_get_str(ch, NFTNL_CHAIN_TABLE)) != NULL &&
	    strcmp(table, RULES_TABLE) == 0 &&
	    nftnl_chain_is_set(ch, NFTNL_CHAIN_HOOKNUM))
		st->chains++;
	nftnl_chain_free(ch);
	return MNL_CB_OK;
}

int
rules_state(struct rules_state *st, char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nftnl_table *t;
	struct nftnl_chain *ch;
	struct nftnl_rule *r;
	uint32_t seq = (uint32_t)time(NULL);

	memset(st, 0, sizeof(*st));
	t = nftnl_table_alloc();
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, RULES_TABLE);
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETTABLE, NFPROTO_INET,
	    NLM_F_ACK, seq);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	if (nl_query(nlh, table_cb, &st->table) < 0) {
		if (errno == ENOENT)
			return 0;	/* not loaded: an answer, not an error */
		snprintf(err, errlen, "cannot query table %s %s: %s",
		    RULES_FAMILY, RULES_TABLE, strerror(errno));
		return -1;
	}
	if (!st->table)
		return 0;
	/* dumps filtered by table, so other tables are never even read */
	ch = nftnl_chain_alloc();
	nftnl_chain_set_str(ch, NFTNL_CHAIN_TABLE, RULES_TABLE);
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETCHAIN, NFPROTO_INET,
	    NLM_F_DUMP, seq + 1);
	nftnl_chain_nlmsg_build_payload(nlh, ch);
	nftnl_chain_free(ch);
	if (nl_query(nlh, chain_cb, st) < 0)
		goto fail;
	r = nftnl_rule_alloc();
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, RULES_TABLE);
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETRULE, NFPROTO_INET,
	    NLM_F_DUMP, seq + 2);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	if (nl_query(nlh, rule_cb, st) < 0)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "cannot list table %s %s: %s", RULES_FAMILY,
	    RULES_TABLE, strerror(errno));
	return -1;
}
