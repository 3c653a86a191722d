/*
 * fmt: one export datagram in the configured protocol.  See fmt.h.
 *
 * v9/IPFIX datagram layout as built here:
 *
 *	header | [template set: IPv4 template, IPv6 template] |
 *	data set (template A) | data set (template B) | ...
 *
 * Records go into the open data set while they use its template; a record
 * of the other family closes it and opens another.  v9 pads each data set
 * to 4 bytes (RFC 3954 asks that sets start 32-bit aligned); IPFIX makes
 * padding optional and gets none.  Template records are 4 + 4n bytes, so
 * the template set is always aligned.
 *
 * A datagram is "full" when the worst next record (a new set header, v9
 * padding and the longer template's record) would not fit: so fmt_add()
 * never has to refuse a record for room.
 */
#include <errno.h>
#include <string.h>

#include "export/fmt.h"
#include "export/ipfix.h"
#include "export/nf9.h"

#define SET_HDR_LEN	4	/* the same in v9 and IPFIX */

static int
is_v5(const struct fmt *f)
{
	return f->cfg.protocol == 5;
}

static int
is_ipfix(const struct fmt *f)
{
	return f->cfg.protocol == 10;
}

static void
set_templates(struct fmt *f)
{
	enum ie_dialect d = is_ipfix(f) ? IE_IPFIX : IE_V9;
	size_t max = 0;
	unsigned i;

	ie_tmpl_init(&f->tmpl[0], d, 0, f->cfg.masks);
	ie_tmpl_init(&f->tmpl[1], d, 1, f->cfg.masks);
	ie_tmpl_init_nat(&f->tmpl[2]);
	ie_tmpl_init_nat6(&f->tmpl[3]);
	f->ntmpl_used = f->cfg.nat ? 4 : 2;
	for (i = 0; i < f->ntmpl_used; i++)
		if (f->tmpl[i].reclen > max)
			max = f->tmpl[i].reclen;
	f->max_reclen = SET_HDR_LEN + 3 + max;
}

static void
reset_dgram(struct fmt *f)
{
	f->len = f->hdr_len;
	f->nrecs = 0;
	f->ntmpl = 0;
	f->set_off = 0;
	f->set_id = 0;
}

void
fmt_init(struct fmt *f, const struct fmt_cfg *cfg)
{
	memset(f, 0, sizeof(*f));
	f->cfg = *cfg;
	if (f->cfg.refresh_rate == 0)
		f->cfg.refresh_rate = 1;
	if (is_v5(f))
		f->hdr_len = NF5_HDR_LEN;
	else
		f->hdr_len = is_ipfix(f) ? IPFIX_HDR_LEN : NF9_HDR_LEN;
	set_templates(f);
	reset_dgram(f);
}

/* A new stream: another protocol, or another v9/IPFIX source id. */
static int
new_stream(const struct fmt *f, const struct fmt_cfg *cfg)
{
	return cfg->protocol != f->cfg.protocol ||
	    (!is_v5(f) && cfg->engine_id != f->cfg.engine_id);
}

static int
new_sampler(const struct fmt *f, const struct fmt_cfg *cfg)
{
	return cfg->sampling_mode != f->cfg.sampling_mode ||
	    cfg->sampling_interval != f->cfg.sampling_interval;
}

int
fmt_reconf_flushes(const struct fmt *f, const struct fmt_cfg *cfg)
{
	return new_stream(f, cfg) || new_sampler(f, cfg) ||
	    (!is_v5(f) && (!!cfg->masks != !!f->cfg.masks ||
	    !!cfg->nat != !!f->cfg.nat));
}

void
fmt_reconf(struct fmt *f, const struct fmt_cfg *cfg)
{
	struct fmt_stats st = f->st;
	int masks = f->cfg.masks, nat = f->cfg.nat;

	if (new_stream(f, cfg)) {
		fmt_init(f, cfg);
		f->st = st;
		/* a sampler is announced before the stream's first record */
		if (!is_v5(f) && cfg->sampling_mode != FMT_SAMPLING_OFF)
			f->opts_due = 1;
		return;
	}
	/* v9/IPFIX: the new sampler is announced before its first record */
	if (new_sampler(f, cfg) && !is_v5(f))
		f->opts_due = 1;
	f->cfg = *cfg;
	if (f->cfg.refresh_rate == 0)
		f->cfg.refresh_rate = 1;
	if (!!cfg->masks != !!masks || !!cfg->nat != !!nat) {
		set_templates(f);
		f->tmpl_sent = 0;
	}
}

static int
templates_due(const struct fmt *f, uint32_t now)
{
	return !f->tmpl_sent || f->since_tmpl >= f->cfg.refresh_rate ||
	    (int32_t)(now - f->tmpl_at) >= (int32_t)f->cfg.timeout_ms;
}

static void
put_set_hdr(struct fmt *f, size_t off, uint16_t id, size_t len)
{
	if (is_ipfix(f))
		ipfix_put_set_hdr(f->buf + off, id, (uint16_t)len);
	else
		nf9_put_set_hdr(f->buf + off, id, (uint16_t)len);
}

static void
put_templates(struct fmt *f, uint32_t now)
{
	size_t off = f->len;
	unsigned i;

	f->len += SET_HDR_LEN;
	for (i = 0; i < f->ntmpl_used; i++) {
		ie_put_tmpl(f->buf + f->len, &f->tmpl[i]);
		f->len += ie_tmpl_len(&f->tmpl[i]);
	}
	put_set_hdr(f, off, is_ipfix(f) ? IPFIX_TMPL_SET_ID : NF9_TMPL_SET_ID,
	    f->len - off);
	f->ntmpl += f->ntmpl_used;
	f->tmpl_sent = 1;
	f->opts_due = 1;
	f->tmpl_at = now;
	f->since_tmpl = 0;
	f->st.templates++;
}

/* Close the open data set: v9 pads it to 4 bytes; write its length. */
static void
close_set(struct fmt *f)
{
	if (f->set_off == 0)
		return;
	if (!is_ipfix(f)) {
		while ((f->len - f->set_off) % 4 != 0)
			f->buf[f->len++] = 0;
	}
	put_set_hdr(f, f->set_off, f->set_id, f->len - f->set_off);
	f->set_off = 0;
}

static int
add_v5(struct fmt *f, const struct flow_rec *r)
{
	nf5_put_rec(f->buf, f->nrecs, r);
	f->nrecs++;
	return f->nrecs == NF5_MAXRECS;
}

int
fmt_add(struct fmt *f, const struct flow_rec *r, const struct fmt_clock *c)
{
	const struct ie_tmpl *t;
	struct ie_clock ic;

	if (is_v5(f)) {
		if (r->v6 != NULL) {
			f->st.unsupported++;
			errno = EAFNOSUPPORT;
			return -1;
		}
		return add_v5(f, r);
	}
	if (f->nrecs == 0 && templates_due(f, c->uptime))
		put_templates(f, c->uptime);
	/* a NAT event without its template (natevents off) goes as a flow */
	if (r->nat != NULL && f->cfg.nat)
		t = &f->tmpl[r->v6 != NULL ? 3 : 2];
	else
		t = &f->tmpl[r->v6 != NULL];
	if (f->set_off == 0 || f->set_id != t->id) {
		close_set(f);
		f->set_off = f->len;
		f->set_id = t->id;
		f->len += SET_HDR_LEN;
	}
	ic.uptime = c->uptime;
	ic.wall_ms = (uint64_t)c->secs * 1000 + c->nsecs / 1000000;
	ie_put_rec(f->buf + f->len, t, r, &ic);
	f->len += t->reclen;
	f->nrecs++;
	return FMT_MAXLEN - f->len < f->max_reclen;
}

static size_t
finish_v5(struct fmt *f, const struct fmt_clock *c)
{
	struct nf5_hdr h;
	size_t len = NF5_HDR_LEN + (size_t)f->nrecs * NF5_REC_LEN;

	memset(&h, 0, sizeof(h));
	h.count = (uint16_t)f->nrecs;
	h.sys_uptime = c->uptime;
	h.unix_secs = c->secs;
	h.unix_nsecs = c->nsecs;
	h.flow_sequence = f->sequence;
	h.engine_type = f->cfg.engine_type;
	h.engine_id = f->cfg.engine_id;
	if (f->cfg.sampling_mode != FMT_SAMPLING_OFF)
		h.sampling = nf5_sampling(f->cfg.sampling_mode,
		    f->cfg.sampling_interval);
	nf5_put_hdr(f->buf, &h);
	f->sequence += f->nrecs;
	return len;
}

/* Header of the datagram in f->buf: len bytes, nrecs data records. */
static void
put_hdr(struct fmt *f, size_t len, unsigned nrecs, unsigned ntmpl,
    const struct fmt_clock *c)
{
	struct nf9_hdr h9;
	struct ipfix_hdr hx;

	if (is_ipfix(f)) {
		memset(&hx, 0, sizeof(hx));
		hx.length = (uint16_t)len;
		hx.export_time = c->secs;
		hx.sequence = f->sequence;
		hx.domain = f->cfg.engine_id;
		ipfix_put_hdr(f->buf, &hx);
		f->sequence += nrecs;
	} else {
		memset(&h9, 0, sizeof(h9));
		h9.count = (uint16_t)(nrecs + ntmpl);
		h9.sys_uptime = c->uptime;
		h9.unix_secs = c->secs;
		h9.sequence = f->sequence;
		h9.source_id = f->cfg.engine_id;
		nf9_put_hdr(f->buf, &h9);
		f->sequence++;
	}
}

size_t
fmt_options(struct fmt *f, const struct opts_stats *st,
    const struct opts_ifname *ifs, unsigned nifs, unsigned *next,
    const struct fmt_clock *c)
{
	struct opts_sampler sm;
	size_t len, set;
	unsigned nrecs = 0;
	int sampler = f->cfg.sampling_mode != FMT_SAMPLING_OFF;

	if (is_v5(f) || f->nrecs > 0 || *next > nifs)
		return 0;
	len = f->hdr_len;
	len += opts_put_tmpl_set(f->buf + len, is_ipfix(f) ? IE_IPFIX : IE_V9,
	    sampler);
	f->opts_stats_at = 0;
	if (*next == 0) {
		put_set_hdr(f, len, OPTS_TMPL_STATS, SET_HDR_LEN +
		    OPTS_STATS_LEN);
		f->opts_stats_at = len + SET_HDR_LEN;
		opts_put_stats(f->buf + len + SET_HDR_LEN, st);
		len += SET_HDR_LEN + OPTS_STATS_LEN;
		nrecs++;
		if (sampler) {
			sm.domain = f->cfg.engine_id;
			sm.interval = f->cfg.sampling_interval;
			sm.algorithm = f->cfg.sampling_mode;
			opts_put_sampler_set(f->buf + len, &sm);
			len += OPTS_SAMPLER_SET_LEN;
			nrecs++;
		}
		(*next)++;
	}
	/* records of 52 bytes after a 4-byte set header: 4-byte aligned */
	if (*next <= nifs &&
	    FMT_MAXLEN - len >= SET_HDR_LEN + OPTS_IFNAME_LEN) {
		set = len;
		len += SET_HDR_LEN;
		while (*next <= nifs && FMT_MAXLEN - len >= OPTS_IFNAME_LEN) {
			opts_put_ifname(f->buf + len, &ifs[*next - 1]);
			len += OPTS_IFNAME_LEN;
			nrecs++;
			(*next)++;
		}
		put_set_hdr(f, set, OPTS_TMPL_IFNAME, len - set);
	}
	put_hdr(f, len, nrecs, sampler ? 3 : 2, c);
	f->st.options++;
	return len;
}

size_t
fmt_finish(struct fmt *f, const struct fmt_clock *c)
{
	size_t len;

	if (f->nrecs == 0)
		return 0;
	if (is_v5(f)) {
		len = finish_v5(f, c);
		f->nrecs = 0;
		return len;
	}
	close_set(f);
	len = f->len;
	put_hdr(f, len, f->nrecs, f->ntmpl, c);
	f->since_tmpl++;
	reset_dgram(f);
	return len;
}
