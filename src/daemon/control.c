/*
 * control: the daemon's side of the control protocol (ctl.h) as a dispatch
 * table, one small handler per command.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/clock.h"
#include "daemon/control.h"
#include "daemon/ctl.h"
#include "daemon/daemon_priv.h"
#include "util/log.h"
#include "daemon/stats.h"

typedef void (*ctl_handler)(struct daemon *d, char *args, FILE *out,
    struct control_req *cr);

static int
is_json(const char *args)
{
	return args && strcmp(args, "json") == 0;
}

static void
h_ping(struct daemon *d, char *args, FILE *out, struct control_req *cr)
{
	ctl_reply_ping(out, getpid(), NFN_VERSION,
	    conf_capture_name(d->conf.capture));
}

static void
h_stats(struct daemon *d, char *args, FILE *out, struct control_req *cr)
{
	ctl_reply_ok(out);
	if (is_json(args))
		stats_json(d, out);
	else
		stats_text(d, out);
}

static void
h_metrics(struct daemon *d, char *args, FILE *out, struct control_req *cr)
{
	ctl_reply_ok(out);
	stats_prometheus(d, out);
}

static void
h_flows(struct daemon *d, char *args, FILE *out, struct control_req *cr)
{
	ctl_reply_ok(out);
	stats_flows_begin(&cr->cur, out, is_json(args));
	cr->stream = 1;
}

static void
h_config(struct daemon *d, char *args, FILE *out, struct control_req *cr)
{
	const char *const *k;
	char val[CONF_TEXT_MAX];

	ctl_reply_ok(out);
	for (k = conf_keys(); *k; k++)
		if (conf_get(&d->conf, *k, val, sizeof(val)) == 0)
			fprintf(out, "%s = %s\n", *k, val);
}

/* "set KEY VALUE": the value is the rest of the line, spaces included. */
static void
h_set(struct daemon *d, char *args, FILE *out, struct control_req *cr)
{
	struct conf nc = d->conf;
	char err[512], *key, *val;

	key = args ? strtok_r(args, " \t", &val) : NULL;
	if (key == NULL) {
		ctl_reply_err(out, "usage: set KEY VALUE");
		return;
	}
	val += strspn(val, " \t");
	if (daemon_job_busy(d)) {
		ctl_reply_err(out, "a configuration change is still being "
		    "prepared (host names resolving): try again (nothing was "
		    "changed)");
		return;
	}
	/* a host name may wait for DNS: resolved off the loop */
	if (cr->async && strcmp(key, "destination") == 0) {
		if (daemon_job_start(d, CONFJOB_SET, key, val, err,
		    sizeof(err)) < 0)
			ctl_reply_err(out, "%s", err);
		else
			cr->wait = 1;
		return;
	}
	if (conf_set(&nc, key, val, err, sizeof(err)) < 0 ||
	    daemon_apply(d, &nc, err, sizeof(err)) < 0) {
		ctl_reply_err(out, "%s", err);
		return;
	}
	log_info("live change: %s = %s", key, val);
	ctl_reply_ok(out);
}

static void
h_flush(struct daemon *d, char *args, FILE *out, struct control_req *cr)
{
	uint32_t n;

	d->now = clk_uptime_ms();
	if (d->ct)
		ctin_flush(d->ct, d->now);
	n = ft_flush(d->ft, d->now);
	export_flush(d->xp, d->now);
	ctl_reply_ok(out);
	fprintf(out, "exported %u flows\n", n);
}

static void
h_reload(struct daemon *d, char *args, FILE *out, struct control_req *cr)
{
	char err[512];

	if (cr->async) {
		if (daemon_job_start(d, CONFJOB_RELOAD, NULL, NULL, err,
		    sizeof(err)) < 0)
			ctl_reply_err(out, "%s", err);
		else
			cr->wait = 1;
		return;
	}
	if (daemon_reload(d, err, sizeof(err)) < 0)
		ctl_reply_err(out, "%s", err);
	else
		ctl_reply_ok(out);
}

static const struct {
	const char *name;
	ctl_handler fn;
} ctl_cmds[] = {
	{ "ping", h_ping },
	{ "stats", h_stats },
	{ "metrics", h_metrics },
	{ "flows", h_flows },
	{ "config", h_config },
	{ "set", h_set },
	{ "flush", h_flush },
	{ "reload", h_reload },
};

char *
daemon_control_start(struct daemon *d, const char *req,
    struct control_req *cr)
{
	char line[CTL_REQ_MAX], *cmd, *args, *buf = NULL;
	size_t len = 0, i;
	FILE *out;

	cr->stream = cr->wait = 0;
	snprintf(line, sizeof(line), "%s", req);
	if ((out = open_memstream(&buf, &len)) == NULL)
		return NULL;
	cmd = strtok_r(line, " \t", &args);
	if (args)
		args += strspn(args, " \t");
	if (args && *args == '\0')
		args = NULL;
	for (i = 0; cmd && i < sizeof(ctl_cmds) / sizeof(ctl_cmds[0]); i++)
		if (strcmp(cmd, ctl_cmds[i].name) == 0)
			break;
	d->now = clk_uptime_ms();
	if (cmd == NULL || i == sizeof(ctl_cmds) / sizeof(ctl_cmds[0]))
		ctl_reply_err(out, "unknown request \"%s\": allowed ping, "
		    "stats [json], metrics, flows [json], config, set KEY "
		    "VALUE, flush, reload", cmd ? cmd : "");
	else
		ctl_cmds[i].fn(d, args, out, cr);
	fclose(out);
	return buf;
}

char *
daemon_control(struct daemon *d, const char *req)
{
	struct control_req cr = { .async = 0 };
	char *buf, *nbuf;
	size_t len = 0, blen;
	FILE *out;

	if ((buf = daemon_control_start(d, req, &cr)) == NULL || !cr.stream)
		return buf;
	blen = strlen(buf);
	if ((out = open_memstream(&nbuf, &len)) == NULL) {
		free(buf);
		return NULL;
	}
	fwrite(buf, 1, blen, out);
	free(buf);
	while (!stats_flows_step(d, &cr.cur, out, STATS_FLOWS_STEP))
		;
	fclose(out);
	return nbuf;
}
