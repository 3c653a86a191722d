/*
 * cli: the nft-netflow command line, ipt_netflow compatible, as a library
 * so the parser can be tested with a table of invocations.
 *
 *   nft-netflow [-m|--mode MODE] [-d|--destination LIST]
 *       [--active-timeout N] [--inactive-timeout N] [--debug N]
 *       [--hashsize N] [--sndbuf N] [--maxflows N] [--aggregation RULES]
 *       [-h|--help [true|false]] [-H|--help-long [true|false]]
 *       [-v|--verbose [true|false]] [--version [true|false]]
 *   and our own: [-c|--config FILE] [--capture nflog|conntrack] [--json]
 *       [--format text|json|prometheus] [--output FILE]
 *       [-o|--option KEY=VALUE] [--rules nft|iptables]
 *       [--from-ipt-netflow [FILE]]
 *
 * Long options also work with one dash ("-destination X", as in the
 * ipt_netflow manual's own example) and as "--opt=value".  A boolean takes
 * an optional true or false, as the next word or after "=".
 */
#ifndef NFN_CLI_H
#define NFN_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "cli/cliopt.h"
#include "conf/conf.h"

/*
 * Parse argv into o.  Every parameter is validated with conf_set() against
 * the same ranges as the config file.  Returns 0, or -1 with one line in err
 * naming the option, the value and what is allowed (exit CLI_EXIT_USAGE).
 */
int		 cli_parse(struct cli *o, int argc, char **argv, char *err,
		    size_t errlen);

/* The -h text: one line of description, then one line per option. */
void		 cli_usage(FILE *f);

const char	*cli_mode_name(enum cli_mode m);

/* Do what o asks (the modes: clisetup.c, clishow.c); the exit code. */
int		 cli_run(const struct cli *o);

/* parse + run, for main(). */
int		 cli_main(int argc, char **argv);

#endif
