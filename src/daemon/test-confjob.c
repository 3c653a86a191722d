/*
 * test-confjob: configurations prepared in the job's thread: a reload and
 * a set come back whole, a bad file or value comes back refused with the
 * parser's message, a second job is refused while one runs.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/check.h"
#include "daemon/confjob.h"

/* Wait (5 s at most) for the job's fd, then collect it. */
static int
wait_collect(struct confjob *j, enum confjob_kind *kind, struct conf *nc,
    int *rc, char *err, size_t errlen)
{
	struct pollfd p = { .fd = confjob_fd(j), .events = POLLIN };

	if (poll(&p, 1, 5000) != 1)
		return 0;
	return confjob_collect(j, kind, nc, rc, err, errlen);
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	if (f == NULL)
		return;
	fputs(text, f);
	fclose(f);
}

int
main(void)
{
	char path[] = "/tmp/test-confjob.XXXXXX", err[512];
	struct confjob *j = confjob_new();
	enum confjob_kind kind;
	struct conf base, nc;
	int fd, rc;

	CHECK(j != NULL);
	if (j == NULL)
		return check_done();
	fd = mkstemp(path);
	CHECK(fd >= 0);
	close(fd);
	conf_defaults(&base);

	/* nothing started: nothing to collect */
	CHECK_EQ(confjob_collect(j, &kind, &nc, &rc, err, sizeof(err)), 0);

	write_file(path, "[netflow]\nactive_timeout = 77\n"
	    "destination = 127.0.0.1:9999\n");
	CHECK_EQ(confjob_start(j, CONFJOB_RELOAD, &base, path, NULL, NULL), 0);
	CHECK(confjob_busy(j));
	errno = 0;
	CHECK_EQ(confjob_start(j, CONFJOB_RELOAD, &base, path, NULL, NULL), -1);
	CHECK_EQ(errno, EBUSY);
	CHECK_EQ(wait_collect(j, &kind, &nc, &rc, err, sizeof(err)), 1);
	CHECK(!confjob_busy(j));
	CHECK_EQ(kind, CONFJOB_RELOAD);
	CHECK_EQ(rc, 0);
	CHECK_EQ(nc.active_timeout, 77);
	CHECK_EQ(nc.dests.n, 1);
	CHECK(strcmp(nc.dests.d[0].text, "127.0.0.1:9999") == 0);

	write_file(path, "[netflow]\nactive_timeout = 0\n");
	CHECK_EQ(confjob_start(j, CONFJOB_RELOAD, &base, path, NULL, NULL), 0);
	CHECK_EQ(wait_collect(j, &kind, &nc, &rc, err, sizeof(err)), 1);
	CHECK_EQ(rc, -1);
	CHECK(strstr(err, "active_timeout") != NULL);

	/* a set over the base: the other keys stay the base's */
	base.inactive_timeout = 33;
	CHECK_EQ(confjob_start(j, CONFJOB_SET, &base, NULL, "destination",
	    "127.0.0.1:2055 [::1]:4739"), 0);
	CHECK_EQ(wait_collect(j, &kind, &nc, &rc, err, sizeof(err)), 1);
	CHECK_EQ(kind, CONFJOB_SET);
	CHECK_EQ(rc, 0);
	CHECK_EQ(nc.inactive_timeout, 33);
	CHECK_EQ(nc.dests.n, 2);
	CHECK(strcmp(nc.dests.d[1].text, "[::1]:4739") == 0);

	/* a bad entry: refused with its name (no resolver: bad port) */
	CHECK_EQ(confjob_start(j, CONFJOB_SET, &base, NULL, "destination",
	    "127.0.0.1:2055 127.0.0.2:0"), 0);
	CHECK_EQ(wait_collect(j, &kind, &nc, &rc, err, sizeof(err)), 1);
	CHECK_EQ(rc, -1);
	CHECK(strstr(err, "\"127.0.0.2:0\"") != NULL);

	/* a job still running when freed is waited for */
	CHECK_EQ(confjob_start(j, CONFJOB_RELOAD, &base, path, NULL, NULL), 0);
	confjob_free(j);
	unlink(path);
	return check_done();
}
