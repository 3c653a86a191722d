/*
 * err: the error convention of nft-netflow, written down once.
 *
 * Return values
 *   A function that can fail returns -1 (int) or NULL (pointer) and sets
 *   errno; success is 0, a count, or a valid pointer.  Its comment says
 *   which errno values mean something particular (ENOENT: no daemon...).
 *
 * Messages for people
 *   A function whose failure a user must understand (a bad config value, a
 *   refused live change, rules that cannot load) also takes
 *   (char *err, size_t errlen) and writes one line there that names what
 *   was wrong and what is allowed.  It does not log: the caller decides
 *   whether the line goes to the terminal, the control socket or the log.
 *
 * Logging
 *   util/log.h is the only way to log.  A function logs its own failure
 *   only when its comment says "logged"; then its caller does not log it
 *   again.  Nothing on the packet path logs: it counts.  The log functions
 *   never change errno, so "log_warn(...); return -1;" keeps the cause.
 *
 * Cleanup
 *   Destructors (*_free, *_close) accept NULL and never change errno, so
 *   an error path can release what it built and still return the errno of
 *   the failure:  "if (open_x() < 0) { thing_free(t); return NULL; }".
 */
#ifndef NFN_ERR_H
#define NFN_ERR_H

#include <errno.h>
#include <unistd.h>

/* close() that keeps errno, for error paths. */
static inline void
close_keep_errno(int fd)
{
	int e = errno;

	if (fd >= 0)
		close(fd);
	errno = e;
}

/* unlink() that keeps errno, for error paths. */
static inline void
unlink_keep_errno(const char *path)
{
	int e = errno;

	unlink(path);
	errno = e;
}

#endif
