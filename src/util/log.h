/*
 * log: the one logging API of nft-netflow (after OpenNTPD's log.c).
 *
 * Foreground: messages go to stderr.  Daemon: to syslog.
 * log_warn() appends strerror(errno); log_warnx() does not.
 * log_debug(level, ...) prints only when level <= the configured debug level.
 * fatal()/fatalx() log and exit(1).  None of them changes errno.
 * The error convention they belong to is in util/err.h.
 *
 * Never call any of these per packet: the hot path counts, it does not log.
 */
#ifndef NFN_LOG_H
#define NFN_LOG_H

#define LOG_FMT(a, b) __attribute__((format(printf, a, b)))

void log_init(const char *ident, int foreground, unsigned debug);
void log_set_debug(unsigned debug);
unsigned log_get_debug(void);

void log_warn(const char *fmt, ...) LOG_FMT(1, 2);
void log_warnx(const char *fmt, ...) LOG_FMT(1, 2);
void log_info(const char *fmt, ...) LOG_FMT(1, 2);
void log_debug(unsigned level, const char *fmt, ...) LOG_FMT(2, 3);
void fatal(const char *fmt, ...) LOG_FMT(1, 2) __attribute__((noreturn));
void fatalx(const char *fmt, ...) LOG_FMT(1, 2) __attribute__((noreturn));

#endif
