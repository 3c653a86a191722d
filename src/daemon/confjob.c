/*
 * confjob: configurations prepared in a thread.  See confjob.h.
 *
 * The thread is started per job (reloads are rare) and joined by the loop
 * once the eventfd says it ended, so joining never waits.  It inherits the
 * loop's blocked signals (daemon_block_signals() ran first): TERM, INT
 * and HUP stay in the signalfd.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
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

/* What the parsing child sends back. */
struct load_result {
	int rc;
	char err[512];
	struct conf c;
};

/* Read exactly len bytes: 0, or -1 on an error or a short read. */
static int
read_full(int fd, void *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = read(fd, buf, len)) < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf = (char *)buf + n;
		len -= (size_t)n;
	}
	return 0;
}

static void
child_load(int fd, const char *path, struct load_result *r)
{
	const char *p = (const char *)r;
	size_t len = sizeof(*r);
	ssize_t n;

	conf_defaults(&r->c);
	r->rc = conf_load(&r->c, path, r->err, sizeof(r->err));
	while (len > 0) {
		if ((n = write(fd, p, len)) < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(1);
		p += n;
		len -= (size_t)n;
	}
	_exit(0);
}

/* conf_load() over the defaults, in a child: see the top of this file. */
static int
load_isolated(const char *path, struct conf *nc, char *err, size_t errlen)
{
	struct load_result *r;
	int fds[2], status = 0, got, e;
	pid_t pid, w;

	if ((r = calloc(1, sizeof(*r))) == NULL || pipe2(fds, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "%s: cannot be read: %s", path,
		    strerror(errno));
		free(r);
		return -1;
	}
	if ((pid = fork()) < 0) {
		e = errno;
		close(fds[0]);
		close(fds[1]);
		free(r);
		snprintf(err, errlen, "%s: cannot be read: no process to parse "
		    "it: %s", path, strerror(e));
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		child_load(fds[1], path, r);
	}
	close(fds[1]);
	got = read_full(fds[0], r, sizeof(*r));
	close(fds[0]);
	while ((w = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	/*
	 * The child writes only once the load is done, so a whole result
	 * is good whatever waitpid says (ECHILD when SIGCHLD is ignored).
	 */
	if (got < 0) {
		if (w >= 0 && WIFSIGNALED(status))
			snprintf(err, errlen, "%s: cannot be read: the INI "
			    "parser was killed by signal %d (out of memory?)",
			    path, WTERMSIG(status));
		else
			snprintf(err, errlen, "%s: cannot be read: the INI "
			    "parser gave no result", path);
		free(r);
		return -1;
	}
	if (r->rc == 0)
		*nc = r->c;
	else
		snprintf(err, errlen, "%s", r->err);
	got = r->rc;
	free(r);
	return got;
}

int
confjob_prepare(enum confjob_kind kind, const struct conf *base,
    const char *path, const char *key, const char *value, struct conf *nc,
    char *err, size_t errlen)
{
	if (kind == CONFJOB_RELOAD)
		return load_isolated(path, nc, err, errlen);
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
