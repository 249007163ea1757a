/*
 * log.h -- diagnostics to stderr, a log file or syslog.
 *
 * Levels: warnings always (unless silent), info unless silent, debug with
 * -v, trace (protocol lines) with -v -v.  fatal() is for bugs and OOM only;
 * nothing a peer sends may reach it.  Each line leaves in one write(2), so
 * lines from several workers never mix.
 */

#ifndef PM_LOG_H
#define PM_LOG_H

#include <stdarg.h>
#include <stddef.h>

void	log_init(int verbose, int silent);
int	log_verbosity(void);
/*
 * Where lines go from now on: a file (appended, with a time stamp),
 * syslog (facility mail), else stderr.  The file must be a regular file
 * owned by the effective user.  Returns -1 if it cannot be used, after
 * logging why (the target is then unchanged).
 */
int	log_target(const char *logfile, int use_syslog);
/*
 * SIGHUP: open the log file again (after rotation).  -1, after logging
 * why, if that fails; the old descriptor stays the target.
 */
int	log_reopen(void);
/* Is it stderr, on a terminal (so a progress line may be drawn)? */
int	log_on_terminal(void);
/*
 * A progress line on the terminal, overwritten by the next one and
 * cleared by the next log line; NULL clears it.  Nothing when the log is
 * not a terminal or -s was given.
 */
void	log_progress(const char *, ...) __attribute__((format(printf, 1, 2)));

/*
 * Copy src to dst (size bytes, NUL-terminated) with every C0 control,
 * DEL, C1 control and byte that is not part of well-formed UTF-8 written
 * as \xNN, so that text from a server can neither drive a terminal nor
 * forge a log line.  What does not fit is cut at a whole character.
 * Returns the length written.
 * Every log line goes through it (keeping the newlines of a message
 * that has several lines: the lines after the first have no prefix).
 */
size_t	log_visible(char *dst, size_t size, const char *src);

void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_trace(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
