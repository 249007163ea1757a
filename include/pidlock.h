/*
 * pidlock.h -- one pullmail per pidfile, and talking to the one running.
 */

#ifndef PM_PIDLOCK_H
#define PM_PIDLOCK_H

#include "cmdline.h"
#include "rc_parse.h"

struct pidfh;

/*
 * Take the pidfile (set pidfile, else STATEDIR/pullmail.pid), taking
 * over a stale one.  With another pullmail holding it: --quit stops that
 * one, -d N wakes it (both exit 0), anything else exits 8.  --quit with
 * nobody running exits 8 too.  Returns -1 to go on with *pfh locked, or
 * the exit code (logged).
 */
int	pidlock_take(const struct config *, const struct cmdline *,
	    struct pidfh **pfh);

#endif
