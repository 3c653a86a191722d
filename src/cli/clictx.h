/*
 * clictx: what one CLI invocation works on: the absolute config path, the
 * include file and pidfile beside it and the control socket, the config
 * as it is on disk and as the command line wants it.  The modes, the
 * service control and show all read it.
 */
#ifndef NFN_CLICTX_H
#define NFN_CLICTX_H

#include <limits.h>
#include <stddef.h>

#include "cli/cliopt.h"
#include "conf/conf.h"

#define CLICTX_INCLUDE_NAME	"nft-netflow.nft"
#define CLICTX_IPTFRAG_NAME	"nft-netflow.rules.v4"
#define CLICTX_IPTFRAG6_NAME	"nft-netflow.rules.v6"
#define CLICTX_PIDFILE_NAME	"nft-netflowd.pid"

struct clictx {
	const struct cli	*o;
	char			 conf_path[PATH_MAX];	/* absolute */
	char			 include[PATH_MAX];
	char			 iptfrag[PATH_MAX];	/* rules = iptables */
	char			 iptfrag6[PATH_MAX];	/* and IPv6 metered */
	char			 pidfile[PATH_MAX];
	int			 file_exists;
	struct conf		 file;	/* as on disk, else the defaults */
	struct conf		 want;	/* file + the command line */
};

/*
 * Fill x for o: resolve the paths, load the file, apply the command line.
 * A broken file is an error except for disable and remove, which must
 * work anyway (with the default control socket).  0, or -1 with err.
 */
int	clictx_init(struct clictx *x, const struct cli *o, char *err,
	    size_t errlen);

/* One line on stdout, only with -v: modes are silent as ipt_netflow's. */
void	clictx_say(const struct clictx *x, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
