/*
 * fuzz-confval: every value parser.  The input is "key value": any key of
 * conf_keys() (so destination and aggregation too; an unknown key is
 * refused like any bad input), then the value.  A value that is accepted
 * must print (conf_get) as text that is accepted again and prints the
 * same: what "config" shows can be set.
 */
#include "fuzz.h"
#include "conf/conf.h"

static struct conf a, b;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_isolate();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512], va[CONF_TEXT_MAX], vb[CONF_TEXT_MAX], *in, *key, *val;

	in = fuzz_str(data, size);
	key = in;
	if ((val = strchr(in, ' ')) == NULL) {
		free(in);
		return 0;
	}
	*val++ = '\0';
	conf_defaults(&a);
	if (conf_set(&a, key, val, err, sizeof(err)) == 0) {
		if (conf_get(&a, key, va, sizeof(va)) < 0)
			abort();
		conf_defaults(&b);
		if (conf_set(&b, key, va, err, sizeof(err)) < 0) {
			fprintf(stderr, "%s: printed value \"%s\" refused: %s\n",
			    key, va, err);
			abort();
		}
		conf_get(&b, key, vb, sizeof(vb));
		if (strcmp(va, vb) != 0) {
			fprintf(stderr, "%s: \"%s\" became \"%s\"\n", key, va, vb);
			abort();
		}
	} else if (err[0] == '\0' || strchr(err, '\n'))
		abort();	/* a refusal says why, on one line */
	free(in);
	return 0;
}
