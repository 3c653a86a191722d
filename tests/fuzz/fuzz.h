/*
 * fuzz: what every libFuzzer target of nft-netflow shares.
 *
 * A target may reach code that opens sockets or resolves names (a
 * destination value, a live "set destination"): before the first input it
 * moves into a network namespace of its own, with nothing but a loopback
 * that is down, so nothing the fuzzer invents ever leaves the process.  If
 * no namespace can be made the target refuses to run.
 */
#ifndef NFN_FUZZ_H
#define NFN_FUZZ_H

#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static inline void
fuzz_isolate(void)
{
	/* root: a plain namespace; otherwise inside a user namespace */
	if (unshare(CLONE_NEWNET) < 0 &&
	    unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0) {
		perror("fuzz: cannot enter a network namespace of its own");
		abort();
	}
	log_init("fuzz", 1, 0);
}

/* data as a NUL-terminated string (malloc'd, so ASan sees its end). */
static inline char *
fuzz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
