/*
 * fuzz-conf: any bytes as the config file, loaded as the daemon loads it
 * (iniparser, then every key through its value parser).  A file that loads
 * must write back (conf_write) into a file that loads to the same values.
 */
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "conf/conf.h"

static struct conf a, b;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_isolate();
	return 0;
}

/* text as a file the loader can open, without touching the disk */
static int
memfile(const void *text, size_t len, char *path, size_t pathlen)
{
	int fd = memfd_create("fuzz-conf", MFD_CLOEXEC);

	if (fd < 0 || write(fd, text, len) != (ssize_t)len)
		abort();
	snprintf(path, pathlen, "/proc/self/fd/%d", fd);
	return fd;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], err[512], va[CONF_TEXT_MAX], vb[CONF_TEXT_MAX];
	char *out = NULL;
	size_t outlen = 0;
	const char *const *k;
	FILE *m;
	int fd, fd2;

	fd = memfile(data, size, path, sizeof(path));
	conf_defaults(&a);
	if (conf_load(&a, path, err, sizeof(err)) == 0) {
		if ((m = open_memstream(&out, &outlen)) == NULL ||
		    conf_write(&a, m) < 0)
			abort();
		fclose(m);
		fd2 = memfile(out, outlen, path, sizeof(path));
		conf_defaults(&b);
		if (conf_load(&b, path, err, sizeof(err)) < 0) {
			fprintf(stderr, "written config does not load: %s\n", err);
			abort();
		}
		for (k = conf_keys(); *k; k++) {
			conf_get(&a, *k, va, sizeof(va));
			conf_get(&b, *k, vb, sizeof(vb));
			if (strcmp(va, vb) != 0) {
				fprintf(stderr, "%s: %s became %s\n", *k, va, vb);
				abort();
			}
		}
		close(fd2);
		free(out);
	}
	close(fd);
	return 0;
}
