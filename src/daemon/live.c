/*
 * live: a new configuration applied to the running daemon (SIGHUP, the
 * control socket's set and reload) without losing a flow, and what each
 * module's settings are for a configuration.  A change that cannot be
 * applied whole is refused whole: see daemon_apply().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/ctl.h"
#include "daemon/ctlsrv.h"
#include "daemon/daemon_priv.h"
#include "export/fmt.h"
#include "util/log.h"

struct nlg_cfg
daemon_nlg_cfg(const struct conf *c)
{
	struct nlg_cfg nc = {
		.group = (uint16_t)c->nflog_group,
		.copy_range = c->copy_range,
		.queue_threshold = c->queue_threshold,
		.flush_timeout = c->flush_timeout,
		.nlbufsiz = c->nlbufsiz,
		.rcvbuf = c->netlink_rcvbuf,
	};
	return nc;
}

/*
 * How the rules sample, for the export headers and options.  Hash sampling
 * selects 1 flow in N by a hash collectors cannot tell from chance, and
 * neither v5 (01 deterministic, 10 random; 11 is undefined) nor
 * samplingAlgorithm (1 deterministic, 2 random) has a code for it: it is
 * exported as random, as ipt_NETFLOW does, so that collectors scale it.
 * In capture = conntrack no rule samples (conntrack counts every packet).
 */
static void
sampling_from(const struct conf *c, struct export_format *f)
{
	if (c->capture != CAPTURE_NFLOG)
		return;
	switch (c->sampler.mode) {
	case SAMPLER_DETERMINISTIC:
		f->sampling_mode = FMT_SAMPLING_DETERMINISTIC;
		break;
	case SAMPLER_RANDOM:
	case SAMPLER_HASH:
		f->sampling_mode = FMT_SAMPLING_RANDOM;
		break;
	case SAMPLER_OFF:
		return;
	}
	f->sampling_interval = (uint16_t)c->sampler.n;
}

struct export_format
daemon_format(const struct conf *c)
{
	struct export_format f;

	memset(&f, 0, sizeof(f));
	f.protocol = c->protocol;
	f.engine_type = (uint8_t)c->engine_type;
	f.engine_id = (uint8_t)c->engine_id;
	f.refresh_rate = c->refresh_rate;
	f.timeout_rate = c->timeout_rate;
	f.masks = c->agg.nnet > 0 || c->agg.nnet6 > 0;
	f.nat = c->natevents != 0;
	sampling_from(c, &f);
	return f;
}

/* Keys that the running daemon cannot take over (conf_needs_restart()). */
static int
check_restart_keys(const struct conf *o, const struct conf *n, char *err,
    size_t errlen)
{
	const char *key = conf_restart_changed(o, n);

	if (key == NULL)
		return 0;
	snprintf(err, errlen, "%s cannot change while the daemon runs: restart "
	    "nft-netflowd to apply it (nothing was changed)", key);
	return -1;
}

static int
nlg_changed(const struct conf *o, const struct conf *n)
{
	return o->nflog_group != n->nflog_group ||
	    o->copy_range != n->copy_range ||
	    o->queue_threshold != n->queue_threshold ||
	    o->flush_timeout != n->flush_timeout ||
	    o->nlbufsiz != n->nlbufsiz || o->netlink_rcvbuf != n->netlink_rcvbuf;
}

/*
 * The steps that can fail run first, each undone if a later one fails, so a
 * rejected change leaves the daemon exactly as it was.  Flows are never
 * touched: a rehash moves them, timeouts apply from the next tick.
 */
int
daemon_apply(struct daemon *d, const struct conf *nc, char *err, size_t errlen)
{
	struct conf *oc = &d->conf;
	struct nlg_cfg ncfg = daemon_nlg_cfg(nc), ocfg = daemon_nlg_cfg(oc);
	struct export_format xf = daemon_format(nc), oxf = daemon_format(oc);
	uint32_t old_hash = ft_hashsize(d->ft);
	char text[64];

	if (check_restart_keys(oc, nc, err, errlen) < 0)
		return -1;
	if (export_set_dests(d->xp, &nc->dests, nc->sndbuf) < 0) {
		snprintf(err, errlen, "destination \"%s\": cannot open sockets: "
		    "%s (nothing was changed)", nc->destination, strerror(errno));
		return -1;
	}
	if (nc->hashsize != oc->hashsize && ft_rehash(d->ft, nc->hashsize) < 0) {
		snprintf(err, errlen, "hashsize %u: rehash failed: %s (nothing "
		    "was changed)", nc->hashsize, strerror(errno));
		export_set_dests(d->xp, &oc->dests, oc->sndbuf);
		return -1;
	}
	if (d->nlg && nlg_changed(oc, nc) && daemon_nlg_apply(d, &ncfg) < 0) {
		snprintf(err, errlen, "nflog group %u: cannot apply settings: %s "
		    "(nothing was changed)", nc->nflog_group, strerror(errno));
		daemon_nlg_apply(d, &ocfg);
		if (nc->hashsize != oc->hashsize)
			ft_rehash(d->ft, old_hash);
		export_set_dests(d->xp, &oc->dests, oc->sndbuf);
		return -1;
	}
	if (d->ct && ctin_reconfig(d->ct, nc, err, errlen) < 0) {
		if (d->nlg && nlg_changed(oc, nc))
			daemon_nlg_apply(d, &ocfg);
		if (nc->hashsize != oc->hashsize)
			ft_rehash(d->ft, old_hash);
		export_set_dests(d->xp, &oc->dests, oc->sndbuf);
		return -1;
	}
	/*
	 * A new protocol: every flow leaves in the old one first (a collector
	 * of the old protocol gets all it counted up to the change), then
	 * the new one starts with its templates; no datagram mixes the two.
	 */
	if (nc->protocol != oc->protocol) {
		log_info("protocol %u -> %u: every flow leaves in %u first",
		    oc->protocol, nc->protocol, oc->protocol);
		if (d->ct)
			ctin_flush(d->ct, d->now);
		ft_flush(d->ft, d->now);
	}
	/*
	 * A new sampling rate: every flow metered at the old one is exported
	 * first (under the old header), so that no record mixes two rates.
	 * Packets the kernel sampled at the old rate and still queued for us
	 * when the rules change are counted at the new one: the CLI replaces
	 * the rules after the daemon took the change.
	 */
	if (xf.sampling_mode != oxf.sampling_mode ||
	    xf.sampling_interval != oxf.sampling_interval) {
		if (conf_get(nc, "sampler", text, sizeof(text)) < 0)
			text[0] = '\0';
		log_info("sampler \"%s\": %u flows of the old rate exported "
		    "first", text, ft_flush(d->ft, d->now));
	}
	export_set_format(d->xp, &xf, d->now);
	ft_set_timeouts(d->ft, nc->active_timeout * 1000,
	    nc->inactive_timeout * 1000);
	ft_set_maxflows(d->ft, nc->maxflows);
	log_set_debug(nc->debug);
	*oc = *nc;
	return 0;
}

int
daemon_reload(struct daemon *d, char *err, size_t errlen)
{
	struct conf nc;

	if (confjob_prepare(CONFJOB_RELOAD, &d->conf, d->conf_path, NULL, NULL,
	    &nc, err, errlen) < 0 ||
	    daemon_apply(d, &nc, err, errlen) < 0) {
		d->reload_errors++;
		log_warnx("reload rejected, running configuration kept: %s", err);
		return -1;
	}
	d->reloads++;
	log_info("configuration reloaded from %s", d->conf_path);
	return 0;
}

int
daemon_job_busy(const struct daemon *d)
{
	return d->job != NULL && confjob_busy(d->job);
}

int
daemon_job_start(struct daemon *d, enum confjob_kind kind, const char *key,
    const char *value, char *err, size_t errlen)
{
	if (daemon_job_busy(d)) {
		snprintf(err, errlen, "a configuration change is still being "
		    "prepared (host names resolving): try again (nothing was "
		    "changed)");
		return -1;
	}
	if (d->job == NULL || confjob_start(d->job, kind, &d->conf,
	    d->conf_path, key, value) < 0) {
		snprintf(err, errlen, "cannot prepare the new configuration: "
		    "%s (nothing was changed)", strerror(d->job ? errno : ENOSYS));
		return -1;
	}
	d->job_conn = 0;
	return 0;
}

void
daemon_reload_async(struct daemon *d)
{
	char err[512];

	if (d->job == NULL) {
		daemon_reload(d, err, sizeof(err));
		return;
	}
	/* a SIGHUP during a job: the file is read again after it */
	if (daemon_job_busy(d)) {
		d->reload_again = 1;
		return;
	}
	if (daemon_job_start(d, CONFJOB_RELOAD, NULL, NULL, err,
	    sizeof(err)) < 0) {
		d->reload_errors++;
		log_warnx("reload rejected, running configuration kept: %s", err);
	}
}

/* The job's outcome for the client that asked, framed as ctl.h says. */
static void
answer(struct daemon *d, int rc, const char *err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out;

	if (d->job_conn == 0)
		return;
	if ((out = open_memstream(&buf, &len)) == NULL)
		return;
	if (rc == 0)
		ctl_reply_ok(out);
	else
		ctl_reply_err(out, "%s", err);
	fclose(out);
	ctlsrv_answer(d, d->job_conn, buf);
	d->job_conn = 0;
}

void
daemon_job_done(struct daemon *d)
{
	enum confjob_kind kind;
	struct conf nc;
	char err[512] = "";
	int rc;

	if (d->job == NULL ||
	    !confjob_collect(d->job, &kind, &nc, &rc, err, sizeof(err)))
		return;
	if (rc == 0)
		rc = daemon_apply(d, &nc, err, sizeof(err));
	if (kind == CONFJOB_RELOAD && rc < 0) {
		d->reload_errors++;
		log_warnx("reload rejected, running configuration kept: %s", err);
	} else if (kind == CONFJOB_RELOAD) {
		d->reloads++;
		log_info("configuration reloaded from %s", d->conf_path);
	} else if (rc == 0)
		log_info("live change: destination = %s", d->conf.destination);
	answer(d, rc, err);
	if (d->reload_again) {
		d->reload_again = 0;
		daemon_reload_async(d);
	}
}
