/*
 * sdnotify.h -- telling systemd (or any service manager speaking its
 * notify protocol) that the daemon is ready, reloading, stopping or still
 * alive, without linking libsystemd.
 */

#ifndef PM_SDNOTIFY_H
#define PM_SDNOTIFY_H

/*
 * Take NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID from the
 * environment and remove them, so that no MDA or hook inherits them.
 * Without NOTIFY_SOCKET every other call does nothing.
 */
void	sd_setup(void);
/* Send one state, e.g. "READY=1" or "STATUS=..." (lines joined by \n). */
void	sd_state(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "RELOADING=1" with the MONOTONIC_USEC that newer managers require. */
void	sd_reloading(void);
/*
 * Milliseconds until the next watchdog ping is due (0: now), or -1 when
 * no watchdog is armed for this process.  A loop sleeps no longer, so
 * that a wake-up between two pings does not put the next one off.
 */
long	sd_watchdog_next(void);
/* "WATCHDOG=1" if the last one was half of WATCHDOG_USEC ago or more. */
void	sd_watchdog(void);

/*
 * For the test suite only, never a feature: PULLMAIL_TEST_FAULT=NAME:S
 * (read once, then removed from the environment) arms the fault NAME
 * from S seconds after sd_setup().  sd_test_fault() tells whether NAME
 * is armed by now; sd_test_hang() says so in the log and blocks for
 * good with the signal mask it has, so that a test sees what a hung loop
 * does (the watchdog pings stop; SIGABRT or SIGKILL end it).  The daemon knows "scheduler-hang": its loop
 * hangs at the first turn after S seconds with no poll in progress.
 */
int	sd_test_fault(const char *name);
void	sd_test_hang(const char *name) __attribute__((noreturn));

#endif
