/*
 * ctlauth: who may ask what on the control socket.
 *
 * The kernel tells who is at the other end of a connection (SO_PEERCRED,
 * SO_PEERGROUPS); no client can lie about it.  Root may send every
 * request.  Members of the config's control_group (primary or
 * supplementary) may read: ping, stats, metrics, flows, config.  Anyone else is
 * refused.  The socket's mode (0600, or 0660 with that group) already
 * keeps others from connecting; this check is what holds if the file's
 * permissions are ever wider.
 */
#ifndef NFN_CTLAUTH_H
#define NFN_CTLAUTH_H

#include <stddef.h>
#include <sys/types.h>

#define CTLAUTH_GROUPS_MAX	64

struct ctlauth_peer {
	pid_t pid;
	uid_t uid;
	gid_t gid;
	unsigned ngroups;			/* supplementary, as many as fit */
	gid_t groups[CTLAUTH_GROUPS_MAX];
};

/* The credentials of the process connected on fd.  0, or -1 with errno. */
int	ctlauth_peer(int fd, struct ctlauth_peer *p);

/*
 * May p send req?  group is the gid of control_group, or (gid_t)-1 for
 * none; group_name its name for the message.  0, or -1 with the refusal
 * (one line, saying what is allowed and to whom) in err.
 */
int	ctlauth_check(const struct ctlauth_peer *p, gid_t group,
	    const char *group_name, const char *req, char *err, size_t errlen);

#endif
