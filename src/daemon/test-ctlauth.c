/* Unit tests of ctlauth.c: the control socket's access rules. */
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon/ctlauth.h"
#include "util/check.h"

static int
allowed(uid_t uid, gid_t gid, gid_t supp, gid_t group, const char *req)
{
	struct ctlauth_peer p = { .uid = uid, .gid = gid };
	char err[256] = "";
	int r;

	if (supp != (gid_t)-1)
		p.groups[p.ngroups++] = supp;
	r = ctlauth_check(&p, group, "nfview", req, err, sizeof(err));
	CHECK(r == 0 ? err[0] == '\0' :
	    strncmp(err, "permission denied: uid ", 23) == 0);
	return r == 0;
}

int
main(void)
{
	struct ctlauth_peer p;
	int sv[2];

	/* root: everything, with or without a group */
	CHECK(allowed(0, 0, -1, -1, "set active_timeout 5"));
	CHECK(allowed(0, 0, -1, 500, "flush"));
	/* no group configured: nobody else */
	CHECK(!allowed(1000, 1000, -1, -1, "ping"));
	CHECK(!allowed(1000, 1000, -1, -1, "stats"));
	/* members (primary or supplementary) read, and only read */
	CHECK(allowed(1000, 500, -1, 500, "ping"));
	CHECK(allowed(1000, 1000, 500, 500, "stats json"));
	CHECK(allowed(1000, 500, -1, 500, "flows"));
	CHECK(allowed(1000, 500, -1, 500, "metrics"));
	CHECK(allowed(1000, 500, -1, 500, "config"));
	CHECK(!allowed(1000, 500, -1, 500, "set active_timeout 5"));
	CHECK(!allowed(1000, 500, -1, 500, "flush"));
	CHECK(!allowed(1000, 500, -1, 500, "reload"));
	CHECK(!allowed(1000, 500, -1, 500, "pingx"));
	CHECK(!allowed(1000, 500, -1, 500, "statsflush"));
	/* others: nothing */
	CHECK(!allowed(1000, 1000, 501, 500, "ping"));

	/* the kernel's word on a real connection: ourselves */
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK(ctlauth_peer(sv[0], &p) == 0);
	CHECK_EQ(p.uid, getuid());
	CHECK_EQ(p.gid, getgid());
	CHECK_EQ(p.pid, getpid());
	close(sv[0]);
	close(sv[1]);
	return check_done();
}
