/*
 * fuzz-cliconf: the CLI's in-place editor.  The first line of the input is
 * "key value", set on top of the defaults; the rest is the operator's old
 * file.  When the old file loads and the edit is valid, the edited text
 * must load back to exactly what was asked (cliconf_verify).
 *
 * Except when the old file's last line has no newline: iniparser ignores a
 * one-character last line then, and the same line followed by an appended
 * [netflow] section is a syntax error.  That edit is refused by the
 * CLI's own check (cliconf_verify) before anything is written, which is
 * what the target then requires.  A section line continued onto the next
 * (trailing backslash) is refused by the editor itself (EINVAL).
 */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "cli/cliconf.h"

static struct conf old, want;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_isolate();
	return 0;
}

static int
loads(const char *text, struct conf *c)
{
	char path[64], err[512];
	int fd = memfd_create("fuzz-cliconf", MFD_CLOEXEC), r;

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	conf_defaults(c);
	r = conf_load(c, path, err, sizeof(err));
	close(fd);
	return r;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_str(data, size), *text, *key, *val, *edited;
	const char *changed[CLICONF_CHANGED_MAX];
	char err[512];
	unsigned n;

	text = strchr(in, '\n');
	if (text == NULL || strlen(in) != size) {
		free(in);
		return 0;
	}
	*text++ = '\0';
	key = strtok_r(in, " ", &val);
	if (key == NULL || loads(text, &old) < 0) {
		free(in);
		return 0;
	}
	want = old;
	if (conf_set(&want, key, val, err, sizeof(err)) < 0) {
		free(in);
		return 0;
	}
	n = cliconf_diff(&old, &want, changed, CLICONF_CHANGED_MAX);
	if ((edited = cliconf_edit(text, &want, changed, n)) == NULL) {
		if (errno != EINVAL)	/* a continued section line: refused */
			abort();
		free(in);
		return 0;
	}
	if (cliconf_verify(edited, &want, err, sizeof(err)) < 0 &&
	    (text[0] == '\0' || text[strlen(text) - 1] == '\n')) {
		fprintf(stderr, "edit of %s does not read back: %s\n", key, err);
		abort();
	}
	free(edited);
	free(in);
	return 0;
}
