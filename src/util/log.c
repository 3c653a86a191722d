/* log: stderr in the foreground, syslog as a daemon.  See log.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "util/log.h"

static int log_foreground = 1;
static unsigned log_debug_level;
static const char *log_ident = "nft-netflow";

void
log_init(const char *ident, int foreground, unsigned debug)
{
	log_ident = ident;
	log_foreground = foreground;
	log_debug_level = debug;
	if (!foreground)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_set_debug(unsigned debug)
{
	log_debug_level = debug;
}

unsigned
log_get_debug(void)
{
	return log_debug_level;
}

/* Never changes errno (util/err.h): callers log, then return -1. */
static void
log_vemit(int pri, const char *suffix, const char *fmt, va_list ap)
{
	char msg[1024];
	int e = errno;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_foreground) {
		if (suffix)
			fprintf(stderr, "%s: %s: %s\n", log_ident, msg, suffix);
		else
			fprintf(stderr, "%s: %s\n", log_ident, msg);
	} else if (suffix)
		syslog(pri, "%s: %s", msg, suffix);
	else
		syslog(pri, "%s", msg);
	errno = e;
}

#define LOG_BODY(pri, suffix)                                   \
	do {                                                    \
		va_list ap;                                     \
		va_start(ap, fmt);                              \
		log_vemit((pri), (suffix), fmt, ap);            \
		va_end(ap);                                     \
	} while (0)

void
log_warn(const char *fmt, ...)
{
	const char *e = strerror(errno);

	LOG_BODY(LOG_WARNING, e);
}

void
log_warnx(const char *fmt, ...)
{
	LOG_BODY(LOG_WARNING, NULL);
}

void
log_info(const char *fmt, ...)
{
	LOG_BODY(LOG_INFO, NULL);
}

void
log_debug(unsigned level, const char *fmt, ...)
{
	if (level > log_debug_level)
		return;
	LOG_BODY(LOG_DEBUG, NULL);
}

void
fatal(const char *fmt, ...)
{
	const char *e = strerror(errno);

	LOG_BODY(LOG_CRIT, e);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	LOG_BODY(LOG_CRIT, NULL);
	exit(1);
}
