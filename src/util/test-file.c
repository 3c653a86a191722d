/* Unit tests of file.c: file_replace() keeps mode, leaves no debris. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/check.h"
#include "util/file.h"

static unsigned
entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned n = 0;

	while (d && (e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static void
test_replace(void)
{
	char dir[] = "/tmp/nfn-test-file.XXXXXX", path[256], *s;
	struct stat st;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/a.conf", dir);
	/* new file: the mode given */
	CHECK(file_replace(path, "one\n", 0640) == 1);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0640);
	/* unchanged: not rewritten */
	CHECK(file_replace(path, "one\n", 0644) == 0);
	/* the operator's mode survives a rewrite */
	CHECK(chmod(path, 0600) == 0);
	CHECK(file_replace(path, "two\n", 0644) == 1);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0600);
	CHECK((s = file_read(path)) != NULL && strcmp(s, "two\n") == 0);
	free(s);
	CHECK_EQ(entries(dir), 1);	/* no temporary file left behind */
	/* a directory that cannot be written: an error, the file intact */
	if (geteuid() != 0) {
		CHECK(chmod(dir, 0500) == 0);
		CHECK(file_replace(path, "three\n", 0644) == -1);
		CHECK(chmod(dir, 0700) == 0);
		CHECK((s = file_read(path)) != NULL && strcmp(s, "two\n") == 0);
		free(s);
	}
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	test_replace();
	return check_done();
}
