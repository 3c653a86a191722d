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
#include <sys/file.h>
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

/* write() all of text; -1 with errno (ENOSPC...) on a short write. */
static int
write_all(int fd, const char *text, size_t len)
{
	ssize_t w;

	while (len > 0) {
		if ((w = write(fd, text, len)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		text += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Make a rename in dir durable: fsync the directory itself. */
static int
sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;

	if (fd < 0)
		return -1;
	r = fsync(fd);
	close_keep_errno(fd);
	return r;
}

/*
 * Rewriting an unchanged file would only move its mtime.  The new text goes
 * to a temporary file of an unpredictable name, created with O_EXCL (so
 * never through a symlink or over another file), synced, then renamed over
 * path, and the directory is synced: a crash at any point leaves the old
 * file or the new one, whole.  An existing file keeps its mode and owner.
 */
int
file_replace(const char *path, const char *text, mode_t mode)
{
	char tmp[PATH_MAX + 16], dir[PATH_MAX], *old;
	struct stat st;
	int fd, have = 0;

	if ((old = file_read(path)) != NULL) {
		int same = strcmp(old, text) == 0;

		free(old);
		if (same)
			return 0;
	}
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
		mode = st.st_mode & 07777;
		have = 1;
	}
	file_dir(path, dir, sizeof(dir));
	if (file_mkdirs(dir, 0755) < 0)
		return -1;
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0)	/* O_CREAT | O_EXCL */
		return -1;
	if (write_all(fd, text, strlen(text)) < 0 || fchmod(fd, mode) < 0 ||
	    (have && geteuid() == 0 && fchown(fd, st.st_uid, st.st_gid) < 0) ||
	    fsync(fd) < 0) {
		close_keep_errno(fd);
		unlink_keep_errno(tmp);
		return -1;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		unlink_keep_errno(tmp);
		return -1;
	}
	return sync_dir(dir) < 0 ? -1 : 1;
}

int
file_lock(const char *path, pid_t *holder)
{
	char buf[32];
	ssize_t n;
	int fd;

	*holder = 0;
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	if (errno == EWOULDBLOCK &&
	    (n = pread(fd, buf, sizeof(buf) - 1, 0)) > 0) {
		buf[n] = '\0';
		*holder = (pid_t)atoi(buf);
		errno = EWOULDBLOCK;
	}
	close_keep_errno(fd);
	return -1;
}

int
file_lock_pid(int fd)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());

	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)n, 0) != n)
		return -1;
	return 0;
}
