/*
 * clishow: the modes that only report.  show and flows return 0 or -1
 * with one line in err; status returns 1 when netflow is not enabled.
 */
#ifndef NFN_CLISHOW_H
#define NFN_CLISHOW_H

#include <stddef.h>

#include "cli/clictx.h"

/* Files, parameters (the daemon's when it runs), table, statistics. */
int	clishow_show(struct clictx *x, char *err, size_t errlen);

/* Silent but for -v: 0 when the daemon runs and the table captures. */
int	clishow_status(struct clictx *x, char *err, size_t errlen);

/* The daemon's active flows, as text or JSON. */
int	clishow_flows(struct clictx *x, char *err, size_t errlen);

/* nft-netflow(8) through TEXTBROWSER or man; an exit code. */
int	clishow_help_long(void);

#endif
