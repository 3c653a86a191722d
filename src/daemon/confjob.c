/*
 * confjob: configurations prepared in a thread.  See confjob.h.
 *
 * The thread is started per job (reloads are rare) and joined by the loop
 * once the eventfd says it ended, so joining never waits.  It inherits the
 * loop's blocked signals (daemon_block_signals() ran first): TERM, INT
 * and HUP stay in the signalfd.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "daemon/confjob.h"
#include "util/err.h"

struct confjob {
	int efd;
	int busy;		/* a thread was started and not joined yet */
	pthread_t th;
	enum confjob_kind kind;
	struct conf base, result;
	char path[CONF_TEXT_MAX];
	char key[64];
	char value[CONF_TEXT_MAX];
	int rc;
	char err[512];
};

int
confjob_prepare(enum confjob_kind kind, const struct conf *base,
    const char *path, const char *key, const char *value, struct conf *nc,
    char *err, size_t errlen)
{
	if (kind == CONFJOB_RELOAD) {
		conf_defaults(nc);
		return conf_load(nc, path, err, errlen);
	}
	*nc = *base;
	return conf_set(nc, key, value, err, errlen);
}

struct confjob *
confjob_new(void)
{
	struct confjob *j = calloc(1, sizeof(*j));

	if (j == NULL)
		return NULL;
	if ((j->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0) {
		free(j);
		return NULL;
	}
	return j;
}

void
confjob_free(struct confjob *j)
{
	int e = errno;

	if (j == NULL)
		return;
	if (j->busy)
		pthread_join(j->th, NULL);
	close(j->efd);
	free(j);
	errno = e;
}

int
confjob_fd(const struct confjob *j)
{
	return j->efd;
}

int
confjob_busy(const struct confjob *j)
{
	return j->busy;
}

static void *
job_main(void *arg)
{
	struct confjob *j = arg;
	uint64_t one = 1;

	j->rc = confjob_prepare(j->kind, &j->base, j->path, j->key, j->value,
	    &j->result, j->err, sizeof(j->err));
	/* the loop reads the result only after this write */
	while (write(j->efd, &one, sizeof(one)) < 0 && errno == EINTR)
		;
	return NULL;
}

int
confjob_start(struct confjob *j, enum confjob_kind kind,
    const struct conf *base, const char *path, const char *key,
    const char *value)
{
	int e;

	if (j->busy) {
		errno = EBUSY;
		return -1;
	}
	j->kind = kind;
	j->base = *base;
	snprintf(j->path, sizeof(j->path), "%s", path ? path : "");
	snprintf(j->key, sizeof(j->key), "%s", key ? key : "");
	snprintf(j->value, sizeof(j->value), "%s", value ? value : "");
	j->err[0] = '\0';
	if ((e = pthread_create(&j->th, NULL, job_main, j)) != 0) {
		errno = e;
		return -1;
	}
	j->busy = 1;
	return 0;
}

int
confjob_collect(struct confjob *j, enum confjob_kind *kind, struct conf *nc,
    int *rc, char *err, size_t errlen)
{
	uint64_t n;

	if (!j->busy || read(j->efd, &n, sizeof(n)) != sizeof(n))
		return 0;
	pthread_join(j->th, NULL);
	j->busy = 0;
	*kind = j->kind;
	*rc = j->rc;
	if (j->rc == 0)
		*nc = j->result;
	else
		snprintf(err, errlen, "%s", j->err);
	return 1;
}
