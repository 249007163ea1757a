/*
 * pidlock.c -- the pidfile, through libbsd's pidfile(3): an flock'ed
 * file holding the PID.  The lock, not the PID, says who runs, so a
 * file left by a crash is simply taken over and two instances started
 * at the same instant cannot both win.
 */

#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <libutil.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "durable.h"
#include "log.h"
#include "pidlock.h"
#include "result.h"
#include "xmalloc.h"

static char *
pidlock_path(const struct config *cfg)
{
	char	*path;

	if (cfg->pidfile != NULL)
		return (xstrdup(cfg->pidfile));
	xasprintf(&path, "%s/pullmail.pid", cfg->statedir);
	return (path);
}

/* SIGTERM, then wait until it is gone. */
static int
pidlock_quit(pid_t other)
{
	struct timespec	ts = { 0, 100 * 1000 * 1000 };
	int		i;

	if (kill(other, SIGTERM) == -1) {
		log_warn("cannot stop pullmail (PID %ld)", (long)other);
		return (PM_EXCLUDE);
	}
	for (i = 0; i < PM_QUIT_WAIT * 10; i++) {
		if (kill(other, 0) == -1 && errno == ESRCH) {
			log_info("pullmail (PID %ld) stopped", (long)other);
			return (PM_OK);
		}
		nanosleep(&ts, NULL);
	}
	log_warnx("pullmail (PID %ld) was told to stop and is still "
	    "finishing", (long)other);
	return (PM_OK);
}

int
pidlock_take(const struct config *cfg, const struct cmdline *cl,
    struct pidfh **pfh)
{
	char	*path, *dir;
	pid_t	 other = -1;
	int	 rc;

	path = pidlock_path(cfg);
	dir = xstrdup(path);
	(void)durable_mkdirs(dirname(dir), 0700);
	free(dir);
	*pfh = pidfile_open(path, 0600, &other);
	/*
	 * pidfile_open does not set close-on-exec, and the descriptor is
	 * writable: an MDA running as another user could rewrite the PID
	 * that --quit and -d signal.
	 */
	if (*pfh != NULL &&
	    fcntl(pidfile_fileno(*pfh), F_SETFD, FD_CLOEXEC) == -1) {
		log_warn("pidfile %s", path);
		pidfile_remove(*pfh);
		*pfh = NULL;
		free(path);
		return (PM_IOERR);
	}
	if (*pfh == NULL && errno == EEXIST && other > 0) {
		if (cl->quit)
			rc = pidlock_quit(other);
		else if (cfg->daemon > 0 && !cl->check) {
			if (kill(other, SIGUSR1) == 0) {
				log_info("pullmail is already running (PID "
				    "%ld); it polls now", (long)other);
				rc = PM_OK;
			} else {
				log_warn("pullmail (PID %ld)", (long)other);
				rc = PM_EXCLUDE;
			}
		} else {
			log_warnx("another pullmail is running (PID %ld, "
			    "pidfile %s); \"pullmail --quit\" stops it, "
			    "\"pullmail -d N\" makes it poll now", (long)other,
			    path);
			rc = PM_EXCLUDE;
		}
	} else if (*pfh == NULL) {
		log_warn("pidfile %s", path);
		rc = errno == EEXIST ? PM_EXCLUDE : PM_IOERR;
	} else if (cl->quit) {
		log_warnx("no pullmail is running (pidfile %s)", path);
		pidfile_remove(*pfh);
		*pfh = NULL;
		rc = PM_EXCLUDE;
	} else
		rc = -1;
	free(path);
	return (rc);
}
