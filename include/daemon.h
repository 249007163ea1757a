/*
 * daemon.h -- poll every N seconds until told to stop.
 */

#ifndef PM_DAEMON_H
#define PM_DAEMON_H

#include "run.h"

struct pidfh;

/*
 * Detach (unless -N), write the pidfile, and poll r's accounts every
 * r->cfg.daemon seconds ("interval N": every Nth time), failing servers
 * less and less often.  SIGUSR1 polls at once, SIGHUP reopens the log
 * and re-reads the rcfile, SIGTERM ends it after the messages in hand.
 * Returns the exit code: 0 after SIGTERM.
 */
int	daemon_run(struct run *r, struct pidfh *pfh);

#endif
