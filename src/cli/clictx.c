/*
 * clictx: the paths and the two configurations of one invocation.  See
 * clictx.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/clictx.h"
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
	    sizeof(x->iptfrag), dir, CLICTX_IPTFRAG_NAME) < 0) {
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
	return cli_apply(o, &x->want, err, errlen);
}
