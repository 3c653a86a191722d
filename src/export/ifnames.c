/*
 * ifnames: interface names and descriptions.  See ifnames.h.
 *
 * if_nameindex() asks the kernel for the list; the description is the
 * interface's alias (ip link set NAME alias TEXT), read from sysfs, empty
 * when there is none or sysfs is not there.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/ifnames.h"

/* s into out[len], NUL padded; a text of len bytes or more fills it. */
static void
copy_text(char *out, const char *s, size_t len)
{
	size_t n = strnlen(s, len);

	memcpy(out, s, n);
	memset(out + n, 0, len - n);
}

static void
read_alias(const char *name, char *out, size_t len)
{
	char path[64 + IF_NAMESIZE], buf[256];
	FILE *f;

	out[0] = '\0';
	snprintf(path, sizeof(path), "/sys/class/net/%s/ifalias", name);
	if ((f = fopen(path, "re")) == NULL)
		return;
	if (fgets(buf, sizeof(buf), f) != NULL) {
		buf[strcspn(buf, "\n")] = '\0';
		copy_text(out, buf, len);
	}
	fclose(f);
}

struct opts_ifname *
ifnames_list(unsigned *n)
{
	struct if_nameindex *ni, *p;
	struct opts_ifname *out;
	unsigned count = 0, i = 0;

	*n = 0;
	if ((ni = if_nameindex()) == NULL)
		return NULL;
	for (p = ni; p->if_index != 0; p++)
		count++;
	if ((out = calloc(count ? count : 1, sizeof(*out))) == NULL) {
		if_freenameindex(ni);
		return NULL;
	}
	for (p = ni; p->if_index != 0; p++, i++) {
		out[i].ifindex = p->if_index;
		copy_text(out[i].name, p->if_name, sizeof(out[i].name));
		read_alias(p->if_name, out[i].descr, sizeof(out[i].descr));
	}
	if_freenameindex(ni);
	*n = count;
	return out;
}
