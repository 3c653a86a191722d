/*
 * nft-netflow: the ipt_netflow-compatible command line.  A thin main; the
 * parser and the modes are in cli.c so they can be tested.
 */
#include "cli/cli.h"

int
main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
