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
 * Milliseconds between watchdog pings: half of WATCHDOG_USEC, or -1
 * when no watchdog is armed for this process.
 */
long	sd_watchdog_every(void);
/* "WATCHDOG=1" if the last one was at least sd_watchdog_every() ago. */
void	sd_watchdog(void);

#endif
