/* ctlauth: the control socket's access rules.  See ctlauth.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "daemon/ctlauth.h"

/* The requests that change nothing. */
static const char *const ctlauth_reads[] = { "ping", "stats", "metrics",
    "flows", "config" };

int
ctlauth_peer(int fd, struct ctlauth_peer *p)
{
	struct ucred uc;
	socklen_t len = sizeof(uc);

	memset(p, 0, sizeof(*p));
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) < 0)
		return -1;
	p->pid = uc.pid;
	p->uid = uc.uid;
	p->gid = uc.gid;
	/* ERANGE: more groups than fit; the first ones are still there */
	len = sizeof(p->groups);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, p->groups, &len) == 0 ||
	    errno == ERANGE)
		p->ngroups = len / sizeof(gid_t) > CTLAUTH_GROUPS_MAX ?
		    CTLAUTH_GROUPS_MAX : len / sizeof(gid_t);
	return 0;
}

static int
is_read(const char *req)
{
	size_t i, n = strcspn(req, " \t");

	for (i = 0; i < sizeof(ctlauth_reads) / sizeof(ctlauth_reads[0]); i++)
		if (strlen(ctlauth_reads[i]) == n &&
		    strncmp(req, ctlauth_reads[i], n) == 0)
			return 1;
	return 0;
}

static int
in_group(const struct ctlauth_peer *p, gid_t group)
{
	unsigned i;

	if (group == (gid_t)-1)
		return 0;
	if (p->gid == group)
		return 1;
	for (i = 0; i < p->ngroups; i++)
		if (p->groups[i] == group)
			return 1;
	return 0;
}

int
ctlauth_check(const struct ctlauth_peer *p, gid_t group,
    const char *group_name, const char *req, char *err, size_t errlen)
{
	if (p->uid == 0)
		return 0;
	if (in_group(p, group)) {
		if (is_read(req))
			return 0;
		snprintf(err, errlen, "permission denied: uid %u (group %s) "
		    "may only read (ping, stats, metrics, flows, config); set, flush "
		    "and reload need root", (unsigned)p->uid, group_name);
		return -1;
	}
	if (group == (gid_t)-1)
		snprintf(err, errlen, "permission denied: uid %u may not use "
		    "the control socket; only root may (control_group "
		    "names a group that may read)", (unsigned)p->uid);
	else
		snprintf(err, errlen, "permission denied: uid %u may not use "
		    "the control socket; root may, members of group %s may "
		    "read", (unsigned)p->uid, group_name);
	return -1;
}
