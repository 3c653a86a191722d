/*
 * file: path and file helpers of the CLI.  See file.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/err.h"
#include "util/file.h"

int
file_join(char *buf, size_t len, const char *dir, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

void
file_dir(const char *path, char *buf, size_t len)
{
	char tmp[PATH_MAX];

	snprintf(tmp, sizeof(tmp), "%s", path);
	snprintf(buf, len, "%s", dirname(tmp));
}

int
file_mkdirs(const char *dir, mode_t mode)
{
	char buf[PATH_MAX], *p;

	snprintf(buf, sizeof(buf), "%s", dir);
	for (p = strchr(buf + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

/* The config path goes absolute: the daemon chdirs to / and reloads it. */
int
file_abs(const char *path, char *buf, size_t len)
{
	char cwd[PATH_MAX];

	if (path[0] == '/') {
		snprintf(buf, len, "%s", path);
		return 0;
	}
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return -1;
	if ((size_t)snprintf(buf, len, "%s/%s", cwd, path) >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int
file_beside_self(const char *name, char *buf, size_t len)
{
	char self[PATH_MAX], dir[PATH_MAX];
	ssize_t n;

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0)
		return -1;
	self[n] = '\0';
	file_dir(self, dir, sizeof(dir));
	return file_join(buf, len, dir, name);
}

char *
file_read(const char *path)
{
	FILE *f;
	char *buf = NULL;
	size_t len = 0, n;
	char chunk[4096];
	FILE *m;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	if ((m = open_memstream(&buf, &len)) == NULL) {
		fclose(f);
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, m);
	fclose(f);
	fclose(m);
	return buf;
}

/*
 * Rewriting an unchanged file would only move its mtime; the temporary
 * file and rename() mean a reader never sees half of it.
 */
int
file_replace(const char *path, const char *text, mode_t mode)
{
	char tmp[PATH_MAX + 16], dir[PATH_MAX], *old;
	size_t len = strlen(text);
	int fd;

	if ((old = file_read(path)) != NULL) {
		int same = strcmp(old, text) == 0;

		free(old);
		if (same)
			return 0;
	}
	file_dir(path, dir, sizeof(dir));
	if (file_mkdirs(dir, 0755) < 0)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s.tmp%d", path, (int)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    mode)) < 0)
		return -1;
	if (write(fd, text, len) != (ssize_t)len || fchmod(fd, mode) < 0 ||
	    fsync(fd) < 0 || close(fd) < 0 || rename(tmp, path) < 0) {
		close_keep_errno(fd);
		unlink_keep_errno(tmp);
		return -1;
	}
	return 1;
}
