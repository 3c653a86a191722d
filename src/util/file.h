/*
 * file: the path and file helpers of the CLI.  Paths never come back
 * truncated where something will open them; files are replaced whole.
 * Errors: -1 (or NULL) with errno.
 */
#ifndef NFN_FILE_H
#define NFN_FILE_H

#include <stddef.h>
#include <sys/types.h>

/* dir/name into buf; -1 (ENAMETOOLONG) rather than a truncated path. */
int	 file_join(char *buf, size_t len, const char *dir, const char *name);

/* dirname() that neither modifies path nor returns static storage. */
void	 file_dir(const char *path, char *buf, size_t len);

/* mkdir -p: every missing component of dir, with mode. */
int	 file_mkdirs(const char *dir, mode_t mode);

/* path made absolute against the working directory. */
int	 file_abs(const char *path, char *buf, size_t len);

/*
 * name beside our own executable ("<dir of /proc/self/exe>/name"), so a
 * build tree finds its own daemon and man page.  Whether it exists is the
 * caller's question.
 */
int	 file_beside_self(const char *name, char *buf, size_t len);

/* The whole file, NUL-terminated, malloc'd; NULL with errno. */
char	*file_read(const char *path);

/*
 * Replace path with text unless it already holds exactly that, through a
 * temporary file (O_EXCL, unpredictable name) and rename(), then fsync of
 * the directory: after a crash path is the old file or the new, whole.  An
 * existing file keeps its mode (and, as root, its owner); a new one gets
 * mode.  1 written, 0 unchanged, -1 with errno (nothing changed).
 */
int	 file_replace(const char *path, const char *text, mode_t mode);

/*
 * Take an exclusive lock on path (created 0644, never through a symlink)
 * for as long as the returned descriptor stays open, in this process and
 * in the children it forks.  -1 with errno: EWOULDBLOCK when another
 * process holds it, with *holder its pid if it wrote one (else 0).
 */
int	 file_lock(const char *path, pid_t *holder);

/* Write our pid into a lock file taken with file_lock(); -1 with errno. */
int	 file_lock_pid(int fd);

#endif
