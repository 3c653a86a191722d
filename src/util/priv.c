/* priv: become the daemon's user with CAP_NET_ADMIN only.  See priv.h. */
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/priv.h"

#define PRIV_KEEP	CAP_NET_ADMIN
#define PRIV_CAP_LAST	63

static int
cap_get(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};

	return (int)syscall(SYS_capget, &hdr, data);
}

/* Effective and permitted = CAP_NET_ADMIN, inheritable empty. */
static int
cap_set_keep(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = { { 0 } };

	data[PRIV_KEEP / 32].effective = 1u << (PRIV_KEEP % 32);
	data[PRIV_KEEP / 32].permitted = 1u << (PRIV_KEEP % 32);
	return (int)syscall(SYS_capset, &hdr, data);
}

/*
 * Cut the bounding set to CAP_NET_ADMIN.  Without CAP_SETPCAP (started as
 * the user) it cannot be cut, only checked: whoever started us must have
 * cut it already.
 */
static int
bound_cut(char *err, size_t errlen)
{
	int cap;

	for (cap = 0; cap <= PRIV_CAP_LAST; cap++) {
		if (cap == PRIV_KEEP)
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0 || errno == EINVAL)
			continue;	/* EINVAL: unknown to this kernel */
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 0)
			continue;
		snprintf(err, errlen, "cannot remove capability %d from the "
		    "bounding set: %s", cap, strerror(errno));
		return -1;
	}
	return 0;
}

/* What we are now must be exactly what was asked. */
static int
verify(const struct passwd *pw, char *err, size_t errlen)
{
	struct __user_cap_data_struct data[2];
	uid_t r, e, s;
	gid_t rg, eg, sg;
	int i;

	if (getresuid(&r, &e, &s) < 0 || getresgid(&rg, &eg, &sg) < 0 ||
	    cap_get(data) < 0) {
		snprintf(err, errlen, "cannot read back credentials: %s",
		    strerror(errno));
		return -1;
	}
	if (r != pw->pw_uid || e != pw->pw_uid || s != pw->pw_uid ||
	    rg != pw->pw_gid || eg != pw->pw_gid || sg != pw->pw_gid) {
		snprintf(err, errlen, "user %s: still uid %u/%u/%u gid "
		    "%u/%u/%u after the switch", pw->pw_name, r, e, s, rg, eg,
		    sg);
		return -1;
	}
	for (i = 0; i < 2; i++) {
		uint32_t keep = i == PRIV_KEEP / 32 ? 1u << (PRIV_KEEP % 32) : 0;

		if (data[i].effective != keep || data[i].permitted != keep ||
		    data[i].inheritable != 0) {
			snprintf(err, errlen, "user %s: capabilities other "
			    "than CAP_NET_ADMIN remain (or it is missing)",
			    pw->pw_name);
			return -1;
		}
	}
	return 0;
}

int
priv_switch(const char *user, char *err, size_t errlen)
{
	struct passwd *pw;
	uid_t uid = getuid();

	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		snprintf(err, errlen, "user = \"%s\": no such user%s%s; create "
		    "it (useradd --system --no-create-home --shell "
		    "/usr/sbin/nologin %s) or set user = root", user,
		    errno ? ": " : "", errno ? strerror(errno) : "", user);
		return -1;
	}
	if (bound_cut(err, errlen) < 0)
		return -1;
	if (uid != pw->pw_uid || geteuid() != pw->pw_uid) {
		if (geteuid() != 0) {
			snprintf(err, errlen, "user = \"%s\": cannot switch "
			    "to it from uid %u: only root can", user,
			    (unsigned)geteuid());
			return -1;
		}
		if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0 ||
		    setgroups(0, NULL) < 0 ||
		    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) < 0 ||
		    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) < 0) {
			snprintf(err, errlen, "user = \"%s\": cannot switch to "
			    "uid %u gid %u: %s", user, (unsigned)pw->pw_uid,
			    (unsigned)pw->pw_gid, strerror(errno));
			return -1;
		}
	}
	if (cap_set_keep() < 0 || prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0 ||
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		snprintf(err, errlen, "user %s: cannot keep CAP_NET_ADMIN "
		    "alone: %s", user, strerror(errno));
		return -1;
	}
	return verify(pw, err, errlen);
}
