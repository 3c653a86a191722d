/*
 * clisetup: the modes that change the host.  Each returns 0, or -1 with
 * one line in err; each can be run again and does only what is missing.
 */
#ifndef NFN_CLISETUP_H
#define NFN_CLISETUP_H

#include <stddef.h>

#include "cli/clictx.h"

/*
 * Write the config (only the keys that change, comments kept) and the
 * include file for x->want.
 */
int	clisetup_install(struct clictx *x, char *err, size_t errlen);

/*
 * Push changes to a running daemon (or restart it for the keys it cannot
 * change live), install, load the table, start the daemon if none runs.
 */
int	clisetup_enable(struct clictx *x, char *err, size_t errlen);

/* Delete the table, then stop the daemon once it has exported every flow. */
int	clisetup_disable(struct clictx *x, char *err, size_t errlen);

/* Disable, then remove the files install wrote and their empty dirs. */
int	clisetup_remove(struct clictx *x, char *err, size_t errlen);

#endif
