/*
 * rulesmsg: our table's nf_tables messages with libnftnl.  See rulesmsg.h.
 */
#include <stdint.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>

#include "rules/rulesmsg.h"

/* nft's datatype number of inet_proto, so that nft lists the set by name */
#define RULESMSG_TYPE_INET_PROTO	12

/* ct state new,established,related,untracked as the kernel's bits. */
#define CT_STATE_ANY	(0x08 | 0x02 | 0x04 | 0x40)

/* ---- batch messages ---------------------------------------------------- */

void
rulesmsg_table(struct rulesnl_batch *bt, uint16_t type, uint16_t flags)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;

	nftnl_table_set_str(t, NFTNL_TABLE_NAME, RULES_TABLE);
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	nlh = rulesnl_batch_msg(bt, type, flags);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	rulesnl_batch_next(bt);
}

void
rulesmsg_chain(struct rulesnl_batch *bt, const struct rulesdesc_chain *cd)
{
	struct nftnl_chain *ch = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	nftnl_chain_set_str(ch, NFTNL_CHAIN_TABLE, RULES_TABLE);
	nftnl_chain_set_str(ch, NFTNL_CHAIN_NAME, cd->name);
	nftnl_chain_set_str(ch, NFTNL_CHAIN_TYPE, "filter");
	nftnl_chain_set_u32(ch, NFTNL_CHAIN_HOOKNUM, cd->hooknum);
	nftnl_chain_set_s32(ch, NFTNL_CHAIN_PRIO, cd->prio);
	nftnl_chain_set_u32(ch, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	nlh = rulesnl_batch_msg(bt, NFT_MSG_NEWCHAIN, NLM_F_CREATE);
	nftnl_chain_nlmsg_build_payload(nlh, ch);
	nftnl_chain_free(ch);
	rulesnl_batch_next(bt);
}

void
rulesmsg_chain_flush(struct rulesnl_batch *bt, const struct rulesdesc_chain *cd)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;

	/* a rule message with no handle deletes every rule of the chain */
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, RULES_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, cd->name);
	nlh = rulesnl_batch_msg(bt, NFT_MSG_DELRULE, 0);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	rulesnl_batch_next(bt);
}

void
rulesmsg_chain_del(struct rulesnl_batch *bt, const struct rulesdesc_chain *cd)
{
	struct nftnl_chain *ch = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	nftnl_chain_set_str(ch, NFTNL_CHAIN_TABLE, RULES_TABLE);
	nftnl_chain_set_str(ch, NFTNL_CHAIN_NAME, cd->name);
	nlh = rulesnl_batch_msg(bt, NFT_MSG_DELCHAIN, 0);
	nftnl_chain_nlmsg_build_payload(nlh, ch);
	nftnl_chain_free(ch);
	rulesnl_batch_next(bt);
}

/*
 * Small expression builders; each adds expressions to r.  The selectors
 * loaded into reg 1 are meta and ct keys, which differ only in the
 * expression's name and attributes.
 */
enum x_sel { X_META, X_CT };

static void
x_load_reg(struct nftnl_rule *r, enum x_sel sel, uint32_t key, uint32_t reg)
{
	static const struct {
		const char *name;
		uint16_t key, dreg;
	} tab[] = {
		[X_META] = { "meta", NFTNL_EXPR_META_KEY, NFTNL_EXPR_META_DREG },
		[X_CT] = { "ct", NFTNL_EXPR_CT_KEY, NFTNL_EXPR_CT_DREG },
	};
	struct nftnl_expr *e = nftnl_expr_alloc(tab[sel].name);

	nftnl_expr_set_u32(e, tab[sel].key, key);
	nftnl_expr_set_u32(e, tab[sel].dreg, reg);
	nftnl_rule_add_expr(r, e);
}

static void
x_load(struct nftnl_rule *r, enum x_sel sel, uint32_t key)
{
	x_load_reg(r, sel, key, NFT_REG_1);
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

/*
 * sel key == data.  Marks are host byte order in the register, as nft
 * writes them, so a uint32_t compares as it is.
 */
static void
x_match(struct nftnl_rule *r, enum x_sel sel, uint32_t key, const void *data,
    uint32_t len)
{
	x_load(r, sel, key);
	x_cmp(r, NFT_CMP_EQ, data, len);
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
x_nfproto(struct nftnl_rule *r, uint8_t proto)
{
	x_match(r, X_META, NFT_META_NFPROTO, &proto, sizeof(proto));
}

static void
x_ct_state_any(struct nftnl_rule *r)
{
	struct nftnl_expr *e;
	uint32_t mask = CT_STATE_ANY, zero = 0;

	x_load(r, X_CT, NFT_CT_STATE);
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
x_log(struct nftnl_rule *r, const struct rulesdesc *d)
{
	struct nftnl_expr *e = nftnl_expr_alloc("log");

	nftnl_expr_set_u16(e, NFTNL_EXPR_LOG_GROUP, (uint16_t)d->group);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOG_SNAPLEN, d->snaplen);
	nftnl_expr_set_u16(e, NFTNL_EXPR_LOG_QTHRESHOLD,
	    (uint16_t)d->qthreshold);
	nftnl_rule_add_expr(r, e);
}

/* ---- the sampler (rulesdesc.h) ----------------------------------------- */

static void
x_payload(struct nftnl_rule *r, uint32_t base, uint32_t off, uint32_t len,
    uint32_t reg)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, off);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, reg);
	nftnl_rule_add_expr(r, e);
}

/* reg 1 == 0: the sampler's number selects this packet. */
static void
x_is_zero(struct nftnl_rule *r)
{
	uint32_t zero = 0;

	x_cmp(r, NFT_CMP_EQ, &zero, sizeof(zero));
}

/* numgen inc|random mod N == 0 */
static void
x_numgen(struct nftnl_rule *r, uint32_t type, uint32_t n)
{
	struct nftnl_expr *e = nftnl_expr_alloc("numgen");

	nftnl_expr_set_u32(e, NFTNL_EXPR_NG_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NG_TYPE, type);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NG_MODULUS, n);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NG_OFFSET, 0);
	nftnl_rule_add_expr(r, e);
	x_is_zero(r);
}

/*
 * jhash ip saddr . ip daddr . meta l4proto [. th sport . th dport] mod N
 * seed S, compared (op) with 0; ip6 saddr . ip6 daddr for v6.  As nft
 * does for a concatenation, each part is loaded into its own run of 32-bit
 * registers, the next ones along (the kernel zero-pads the 1- and 2-byte
 * parts), and the hash reads them as one run of bytes.  A packet without
 * a transport header (a non-first fragment) stops the rule at "th": the
 * rule does not match.
 */
static void
x_jhash(struct nftnl_rule *r, const struct rulesdesc *d, int v6, int ports,
    uint32_t op)
{
	struct nftnl_expr *e;
	uint32_t alen = v6 ? 16 : 4, reg = NFT_REG32_00, zero = 0;

	/* saddr and daddr sit side by side: at 12 in IPv4, at 8 in IPv6 */
	x_payload(r, NFT_PAYLOAD_NETWORK_HEADER, v6 ? 8 : 12, alen, reg);
	reg += alen / 4;
	x_payload(r, NFT_PAYLOAD_NETWORK_HEADER, (v6 ? 8 : 12) + alen, alen,
	    reg);
	reg += alen / 4;
	x_load_reg(r, X_META, NFT_META_L4PROTO, reg++);
	if (ports) {
		x_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 2, reg++);
		x_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, reg++);
	}
	e = nftnl_expr_alloc("hash");
	nftnl_expr_set_u32(e, NFTNL_EXPR_HASH_TYPE, NFT_HASH_JENKINS);
	nftnl_expr_set_u32(e, NFTNL_EXPR_HASH_SREG, NFT_REG32_00);
	nftnl_expr_set_u32(e, NFTNL_EXPR_HASH_LEN, (reg - NFT_REG32_00) * 4);
	nftnl_expr_set_u32(e, NFTNL_EXPR_HASH_MODULUS, d->sampler.n);
	nftnl_expr_set_u32(e, NFTNL_EXPR_HASH_SEED, RULESDESC_HASH_SEED);
	nftnl_expr_set_u32(e, NFTNL_EXPR_HASH_OFFSET, 0);
	nftnl_expr_set_u32(e, NFTNL_EXPR_HASH_DREG, NFT_REG_1);
	nftnl_rule_add_expr(r, e);
	x_cmp(r, op, &zero, sizeof(zero));
}

/* R_NFLOG's and R_NFLOG6's sampler, between "meta nfproto" and "log". */
static void
x_sample(struct nftnl_rule *r, const struct rulesdesc *d, int v6)
{
	switch (d->sampler.mode) {
	case SAMPLER_DETERMINISTIC:
		x_numgen(r, NFT_NG_INCREMENTAL, d->sampler.n);
		break;
	case SAMPLER_RANDOM:
		x_numgen(r, NFT_NG_RANDOM, d->sampler.n);
		break;
	case SAMPLER_HASH:
		x_jhash(r, d, v6, 0, NFT_CMP_EQ);
		break;
	case SAMPLER_OFF:
		break;
	}
}

/*
 * meta l4proto { tcp, udp, sctp, udplite }: an anonymous constant set, as
 * nft makes one for the same text, sent in the batch before the rule that
 * looks it up (found by its batch-wide id; the kernel names it).
 */
static void
x_port_protos(struct rulesnl_batch *bt, struct nftnl_rule *r)
{
	static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP,
	    IPPROTO_SCTP, IPPROTO_UDPLITE };
	struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_set_elem *el;
	struct nftnl_expr *e;
	struct nlmsghdr *nlh;
	uint32_t id = bt->seq;
	size_t i;

	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
	nftnl_set_set_str(s, NFTNL_SET_TABLE, RULES_TABLE);
	nftnl_set_set_str(s, NFTNL_SET_NAME, "__set%d");
	nftnl_set_set_u32(s, NFTNL_SET_ID, id);
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS, NFT_SET_ANONYMOUS |
	    NFT_SET_CONSTANT);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, RULESMSG_TYPE_INET_PROTO);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, sizeof(protos[0]));
	nlh = rulesnl_batch_msg(bt, NFT_MSG_NEWSET, NLM_F_CREATE);
	nftnl_set_nlmsg_build_payload(nlh, s);
	rulesnl_batch_next(bt);
	for (i = 0; i < sizeof(protos); i++) {
		el = nftnl_set_elem_alloc();
		nftnl_set_elem_set(el, NFTNL_SET_ELEM_KEY, &protos[i],
		    sizeof(protos[i]));
		nftnl_set_elem_add(s, el);
	}
	nlh = rulesnl_batch_msg(bt, NFT_MSG_NEWSETELEM, NLM_F_CREATE);
	nftnl_set_elems_nlmsg_build_payload(nlh, s);
	rulesnl_batch_next(bt);
	nftnl_set_free(s);

	x_load(r, X_META, NFT_META_L4PROTO);
	e = nftnl_expr_alloc("lookup");
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
	nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, "__set%d");
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SET_ID, id);
	nftnl_rule_add_expr(r, e);
}

/* ip frag-off & 0x1fff == 0: not a non-first fragment. */
static void
x_first_fragment(struct nftnl_rule *r)
{
	static const uint8_t mask[2] = { 0x1f, 0xff }, zero[2] = { 0, 0 };
	struct nftnl_expr *e = nftnl_expr_alloc("bitwise");

	x_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 6, 2, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, sizeof(mask));
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, sizeof(mask));
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, zero, sizeof(zero));
	nftnl_rule_add_expr(r, e);
	x_cmp(r, NFT_CMP_EQ, zero, sizeof(zero));
}

void
rulesmsg_rule(struct rulesnl_batch *bt, const struct rulesdesc *d,
    const struct rulesdesc_chain *cd, enum rulesdesc_kind k)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;
	int v6;

	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, RULES_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, cd->name);
	switch (k) {
	case R_MARK_TO_CT:
		x_match(r, X_META, NFT_META_MARK, &d->mark, sizeof(d->mark));
		x_ctmark_set(r, d->mark);
		x_return(r);
		break;
	case R_CTMARK_RETURN:
		x_match(r, X_CT, NFT_CT_MARK, &d->mark, sizeof(d->mark));
		x_return(r);
		break;
	case R_CT_ON:
		x_nfproto(r, NFPROTO_IPV4);
		x_ct_state_any(r);
		x_simple(r, "counter");
		break;
	case R_NFLOG:
		x_nfproto(r, NFPROTO_IPV4);
		x_sample(r, d, 0);
		x_log(r, d);
		break;
	case R_NFLOG6:
		x_nfproto(r, NFPROTO_IPV6);
		x_sample(r, d, 1);
		x_log(r, d);
		break;
	case R_NFLOG_PORTS:
	case R_NFLOG6_PORTS:
		v6 = k == R_NFLOG6_PORTS;
		x_nfproto(r, v6 ? NFPROTO_IPV6 : NFPROTO_IPV4);
		x_port_protos(bt, r);
		x_jhash(r, d, v6, 1, NFT_CMP_EQ);
		x_log(r, d);
		break;
	case R_PORTS_RETURN:
		x_nfproto(r, NFPROTO_IPV4);
		x_port_protos(bt, r);
		x_first_fragment(r);
		x_return(r);
		break;
	case R_PORTS6_RETURN:
		x_nfproto(r, NFPROTO_IPV6);
		x_port_protos(bt, r);
		x_jhash(r, d, 1, 1, NFT_CMP_NEQ);
		x_return(r);
		break;
	case R_MARK_NOTRACK:
		x_match(r, X_META, NFT_META_MARK, &d->mark, sizeof(d->mark));
		x_simple(r, "notrack");
		break;
	case R_MARK_RETURN:
		x_match(r, X_META, NFT_META_MARK, &d->mark, sizeof(d->mark));
		x_return(r);
		break;
	}
	nlh = rulesnl_batch_msg(bt, NFT_MSG_NEWRULE,
	    NLM_F_APPEND | NLM_F_CREATE);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	rulesnl_batch_next(bt);
}

/* ---- queries ----------------------------------------------------------- */

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

/*
 * Ask for our table (type NFT_MSG_GET*), its answers through cb.  The
 * chain and rule dumps are filtered by table, so other tables are never
 * even read.
 */
static int
rulesmsg_query(uint16_t type, uint16_t flags, uint32_t seq, mnl_cb_t cb,
    void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nftnl_table *t;
	struct nftnl_chain *ch;
	struct nftnl_rule *r;

	nlh = nftnl_nlmsg_build_hdr(buf, type, NFPROTO_INET, flags, seq);
	switch (type) {
	case NFT_MSG_GETTABLE:
		t = nftnl_table_alloc();
		nftnl_table_set_str(t, NFTNL_TABLE_NAME, RULES_TABLE);
		nftnl_table_nlmsg_build_payload(nlh, t);
		nftnl_table_free(t);
		break;
	case NFT_MSG_GETCHAIN:
		ch = nftnl_chain_alloc();
		nftnl_chain_set_str(ch, NFTNL_CHAIN_TABLE, RULES_TABLE);
		nftnl_chain_nlmsg_build_payload(nlh, ch);
		nftnl_chain_free(ch);
		break;
	case NFT_MSG_GETRULE:
		r = nftnl_rule_alloc();
		nftnl_rule_set_str(r, NFTNL_RULE_TABLE, RULES_TABLE);
		nftnl_rule_nlmsg_build_payload(nlh, r);
		nftnl_rule_free(r);
		break;
	}
	return rulesnl_query(nlh, cb, data);
}

int
rulesmsg_get_table(uint32_t seq, int *found)
{
	return rulesmsg_query(NFT_MSG_GETTABLE, NLM_F_ACK, seq, table_cb,
	    found);
}

int
rulesmsg_count_chains(uint32_t seq, struct rules_state *st)
{
	return rulesmsg_query(NFT_MSG_GETCHAIN, NLM_F_DUMP, seq, chain_cb, st);
}

int
rulesmsg_count_rules(uint32_t seq, struct rules_state *st)
{
	return rulesmsg_query(NFT_MSG_GETRULE, NLM_F_DUMP, seq, rule_cb, st);
}
