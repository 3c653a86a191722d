/*
 * clictx: the paths and the two configurations of one invocation.  See
 * clictx.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cli/clictx.h"
#include "conf/iptmig.h"
#include "util/file.h"
#include "util/log.h"

void
clictx_say(const struct clictx *x, const char *fmt, ...)
{
	va_list ap;

	if (!x->o->verbose)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static int
load_file_conf(struct clictx *x, char *err, size_t errlen)
{
	struct stat st;

	conf_defaults(&x->file);
	x->file_exists = stat(x->conf_path, &st) == 0;
	if (x->file_exists &&
	    conf_load(&x->file, x->conf_path, err, errlen) < 0)
		return -1;
	return 0;
}

/*
 * --from-ipt-netflow: ipt_NETFLOW's options from its modprobe.d file, then
 * its live sysctls (what is in effect wins), into want, before the
 * command line's options (which win over both).
 */
static int
migrate(struct clictx *x, char *err, size_t errlen)
{
	char unknown[512] = "";
	char *text;
	int r;

	if ((text = file_read(x->o->from_ipt)) == NULL) {
		snprintf(err, errlen, "--from-ipt-netflow: %s: %s",
		    x->o->from_ipt, strerror(errno));
		return -1;
	}
	r = iptmig_modprobe(&x->want, text, x->o->from_ipt, unknown,
	    sizeof(unknown), err, errlen);
	free(text);
	if (r < 0 || iptmig_sysctl(&x->want, IPTMIG_SYSCTL, unknown,
	    sizeof(unknown), err, errlen) < 0)
		return -1;
	if (unknown[0])
		log_warnx("ipt_NETFLOW options with no nft-netflow key, not "
		    "migrated: %s", unknown);
	clictx_say(x, "ipt_NETFLOW options taken from %s%s", x->o->from_ipt,
	    access(IPTMIG_SYSCTL, F_OK) == 0 ? " and " IPTMIG_SYSCTL : "");
	return 0;
}

int
clictx_init(struct clictx *x, const struct cli *o, char *err, size_t errlen)
{
	char dir[PATH_MAX];

	x->o = o;
	if (file_abs(o->config, x->conf_path, sizeof(x->conf_path)) < 0) {
		snprintf(err, errlen, "%s: %s", o->config, strerror(errno));
		return -1;
	}
	file_dir(x->conf_path, dir, sizeof(dir));
	if (file_join(x->include, sizeof(x->include), dir,
	    CLICTX_INCLUDE_NAME) < 0 || file_join(x->iptfrag,
	    sizeof(x->iptfrag), dir, CLICTX_IPTFRAG_NAME) < 0 ||
	    file_join(x->iptfrag6, sizeof(x->iptfrag6), dir,
	    CLICTX_IPTFRAG6_NAME) < 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (load_file_conf(x, err, errlen) < 0) {
		/* disable and remove must work even with a broken file */
		if (o->mode != CLI_DISABLE && o->mode != CLI_REMOVE)
			return -1;
		log_warnx("%s; using the default control socket", err);
		conf_defaults(&x->file);
	}
	file_dir(x->file.control, dir, sizeof(dir));
	if (file_join(x->pidfile, sizeof(x->pidfile), dir,
	    CLICTX_PIDFILE_NAME) < 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	x->want = x->file;
	if (o->from_ipt && migrate(x, err, errlen) < 0)
		return -1;
	return cli_apply(o, &x->want, err, errlen);
}
