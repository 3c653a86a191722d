/*
 * confjob: a new configuration prepared off the event loop.
 *
 * Reading the config file (reload, SIGHUP) or a new destination list (set
 * destination) resolves host names with getaddrinfo(), which can wait for
 * a DNS server for seconds.  The event loop must keep metering meanwhile,
 * so that work runs in a thread of its own, on a copy: the thread only
 * parses and resolves into a private struct conf and touches nothing the
 * loop uses.  When it is done it says so on an eventfd in the loop's epoll
 * set; the loop then applies the result whole (daemon_apply), or refuses
 * it whole with the parser's message, which names the destination that
 * did not resolve.  One job at a time.
 */
#ifndef NFN_CONFJOB_H
#define NFN_CONFJOB_H

#include <stddef.h>

#include "conf/conf.h"

enum confjob_kind {
	CONFJOB_RELOAD,		/* conf_load(path) over the defaults */
	CONFJOB_SET,		/* conf_set(key, value) over a base config */
};

struct confjob;

/* -1 with errno (the eventfd or the memory). */
struct confjob *confjob_new(void);
/* Waits for a running job first.  Accepts NULL. */
void	confjob_free(struct confjob *j);
/* Readable when a started job is done. */
int	confjob_fd(const struct confjob *j);
int	confjob_busy(const struct confjob *j);

/*
 * Start a job (key, value: CONFJOB_SET only).  -1 with errno: EBUSY when
 * one runs, or the thread could not start.
 */
int	confjob_start(struct confjob *j, enum confjob_kind kind,
	    const struct conf *base, const char *path, const char *key,
	    const char *value);

/*
 * Once confjob_fd() is readable: the result of the job that ended, its
 * kind, and 0 with the new config in *nc, or -1 with the reason in err.
 * Returns 1 when a job was collected, 0 when none had ended.
 */
int	confjob_collect(struct confjob *j, enum confjob_kind *kind,
	    struct conf *nc, int *rc, char *err, size_t errlen);

/*
 * The same work, in the caller's thread (no job object needed); a reload
 * parses the file in a child process (see confjob.c).
 */
int	confjob_prepare(enum confjob_kind kind, const struct conf *base,
	    const char *path, const char *key, const char *value,
	    struct conf *nc, char *err, size_t errlen);

#endif
