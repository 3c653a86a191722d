/*
 * cliopt: the command line's parameters applied to a configuration.  See
 * cliopt.h.
 */
#include <stdio.h>

#include "cli/cliopt.h"

int
cli_apply(const struct cli *o, struct conf *c, char *err, size_t errlen)
{
	char cerr[512];
	unsigned i;

	for (i = 0; i < o->nset; i++) {
		if (conf_set(c, o->set[i].key, o->set[i].value, cerr,
		    sizeof(cerr)) < 0) {
			snprintf(err, errlen, "%s: %s", o->set[i].opt, cerr);
			return -1;
		}
	}
	return 0;
}
