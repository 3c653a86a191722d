/* priv: keep CAP_NET_ADMIN only.  See priv.h. */
#include <errno.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/priv.h"

#define PRIV_KEEP	CAP_NET_ADMIN

int
priv_drop(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = { { 0 } };
	int cap;

	for (cap = 0; cap <= 63; cap++) {
		if (cap == PRIV_KEEP)
			continue;
		/* EINVAL: the kernel does not know this capability number */
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return -1;
	}
	data[PRIV_KEEP / 32].effective = 1u << (PRIV_KEEP % 32);
	data[PRIV_KEEP / 32].permitted = 1u << (PRIV_KEEP % 32);
	if (syscall(SYS_capset, &hdr, data) < 0)
		return -1;
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}
