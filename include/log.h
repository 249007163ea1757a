/*
 * log.h -- diagnostics to stderr (later: syslog, logfile).
 *
 * Levels: warnings always (unless silent), info unless silent, debug with
 * -v, trace (protocol lines) with -v -v.  fatal() is for bugs and OOM only;
 * nothing a peer sends may reach it.
 */

#ifndef PM_LOG_H
#define PM_LOG_H

#include <stdarg.h>

void	log_init(int verbose, int silent);
int	log_verbosity(void);
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
