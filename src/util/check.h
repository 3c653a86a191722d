/*
 * check: the tiny assertion helper of the unit tests.  Each failed CHECK
 * prints where and what, and the test exits 1 at the end; check_done() prints
 * "N passed, N failed".
 */
#ifndef NFN_CHECK_H
#define NFN_CHECK_H

#include <stdio.h>

static unsigned check_pass, check_fail;

#define CHECK(cond)                                                          \
	do {                                                                 \
		if (cond) {                                                  \
			check_pass++;                                        \
		} else {                                                     \
			check_fail++;                                        \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, \
			    __LINE__, #cond);                                \
		}                                                            \
	} while (0)

#define CHECK_EQ(a, b)                                                       \
	do {                                                                 \
		unsigned long long _a = (unsigned long long)(a);             \
		unsigned long long _b = (unsigned long long)(b);             \
		if (_a == _b) {                                              \
			check_pass++;                                        \
		} else {                                                     \
			check_fail++;                                        \
			fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %s "   \
			    "(%llu != %llu)\n", __FILE__, __LINE__, #a, #b,  \
			    _a, _b);                                         \
		}                                                            \
	} while (0)

static inline int
check_done(void)
{
	printf("%u passed, %u failed\n", check_pass, check_fail);
	return check_fail ? 1 : 0;
}

#endif
