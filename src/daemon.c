/*
 * daemon.c -- the polling loop of "pullmail -d N".
 *
 * Each account has a time it is next due: N seconds ("interval K": K*N)
 * after its last poll ended, or later while its server keeps failing:
 * the wait doubles with every failure in a row, up to DAEMON_BACKOFF_MAX,
 * with some jitter so that many clients of one server spread out.  The
 * loop sleeps in sigtimedwait until the next account is due or a signal
 * comes.  "idle" accounts have a worker of their own that stays
 * connected; it is started again (with the same backoff) if it ends.
 */

#include <sys/types.h>

#include <errno.h>
#include <libutil.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "daemon.h"
#include "log.h"
#include "rcload.h"
#include "result.h"
#include "xmalloc.h"

#define DAEMON_BACKOFF_MAX	3600	/* seconds, unless N is longer */

/* What the daemon remembers about an account, across rcfile reloads. */
struct due {
	char	*key;		/* "user@server" */
	time_t	 next;		/* due then */
	int	 fails;		/* failed polls in a row */
	int	 idle_running;
};

struct daemon {
	struct run	*r;
	struct due	*due;
	size_t		 ndue;
};

static struct due *
due_find(struct daemon *d, const struct account *a)
{
	char	*key;
	size_t	 i;

	xasprintf(&key, "%s@%s", a->user, a->name);
	for (i = 0; i < d->ndue; i++) {
		if (strcmp(d->due[i].key, key) == 0) {
			free(key);
			return (&d->due[i]);
		}
	}
	d->due = xreallocarray(d->due, d->ndue + 1, sizeof(*d->due));
	memset(&d->due[d->ndue], 0, sizeof(*d->due));
	d->due[d->ndue].key = key;
	return (&d->due[d->ndue++]);
}

/* Failures of the server or the network, worth waiting longer for. */
static int
server_failed(int result)
{
	switch (result) {
	case PM_SOCKET:
	case PM_AUTHFAIL:
	case PM_PROTOCOL:
	case PM_ERROR:
	case PM_LOCKBUSY:
	case PM_SERVBUSY:
	case PM_DNS:
		return (1);
	}
	return (0);
}

static long
account_period(const struct daemon *d, const struct account *a)
{
	long	n = d->r->cfg.daemon;

	return (a->interval > 1 ? n * a->interval : n);
}

/* After a poll: when is the account due again? */
static void
due_after(struct daemon *d, const struct account *a, int result)
{
	struct due	*u = due_find(d, a);
	struct tm	 tm;
	time_t		 now = time(NULL);
	double		 wait;
	long		 period = account_period(d, a), cap;
	char		 when[32];

	if (!server_failed(result)) {
		u->fails = 0;
		u->next = now + period;
		return;
	}
	u->fails++;
	cap = period > DAEMON_BACKOFF_MAX ? period : DAEMON_BACKOFF_MAX;
	wait = period;
	for (int i = 1; i < u->fails && wait < cap; i++)
		wait *= 2;
	if (wait > cap)
		wait = cap;
	/* +-10%: many clients of one server do not come back together. */
	wait *= 0.9 + arc4random_uniform(2001) / 10000.0;
	u->next = now + (time_t)(wait + 0.5);
	localtime_r(&u->next, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	log_warnx("%s: %d failed poll%s in a row; next try in %ld seconds, "
	    "at %s", u->key, u->fails, u->fails == 1 ? "" : "s",
	    (long)(u->next - now), when);
}

/* Start the idle workers that are due and not running. */
static void
daemon_idlers(struct daemon *d)
{
	struct run	*r = d->r;
	struct account	*a;
	struct due	*u;
	time_t		 now = time(NULL);
	size_t		 i;
	int		 result;

	for (i = 0; i < r->polls.n; i++) {
		a = r->polls.v[i];
		if (a->idle != 1)
			continue;
		u = due_find(d, a);
		if (u->idle_running || u->next > now)
			continue;
		if ((result = run_ready(a)) != 0) {
			due_after(d, a, result);
			continue;
		}
		/* The work item lives as long as the worker needs it:
		 * the child has its own copy of this memory. */
		if (run_idle_spawn(r, a, (long)(u - d->due)) == 0)
			u->idle_running = 1;
	}
}

/* Idle workers that ended: due again after the usual wait or backoff. */
static void
daemon_idle_ended(struct daemon *d)
{
	struct account	*a;
	char		 key[512];
	long		 tag;
	size_t		 i;
	int		 result;

	while (sched_collect(&d->r->sched, 1, &tag, &result)) {
		if (tag < 0 || (size_t)tag >= d->ndue)
			continue;
		d->due[tag].idle_running = 0;
		for (i = 0; i < d->r->polls.n; i++) {
			a = d->r->polls.v[i];
			snprintf(key, sizeof(key), "%s@%s", a->user, a->name);
			if (strcmp(key, d->due[tag].key) == 0)
				due_after(d, a, result);
		}
	}
}

/* Poll every account that is due. */
static void
daemon_cycle(struct daemon *d)
{
	struct run	 *r = d->r;
	struct account	**v;
	time_t		  now = time(NULL);
	size_t		  i, n = 0;
	int		 *results;

	v = xcalloc(r->polls.n, sizeof(*v));
	for (i = 0; i < r->polls.n; i++) {
		if (r->polls.v[i]->idle != 1 &&
		    due_find(d, r->polls.v[i])->next <= now)
			v[n++] = r->polls.v[i];
	}
	if (n > 0) {
		results = xcalloc(n, sizeof(*results));
		(void)run_round(r, v, n, results);
		for (i = 0; i < n; i++) {
			if (results[i] != PM_UNDEFINED)
				due_after(d, v[i], results[i]);
		}
		free(results);
	}
	free(v);
}

/* Seconds until the next account is due (0: now). */
static long
daemon_sleep_for(struct daemon *d)
{
	time_t	now = time(NULL), first = 0;
	size_t	i;
	int	any = 0;
	struct due *u;

	for (i = 0; i < d->r->polls.n; i++) {
		u = due_find(d, d->r->polls.v[i]);
		if (d->r->polls.v[i]->idle == 1 && u->idle_running)
			continue;
		if (!any || u->next < first)
			first = u->next;
		any = 1;
	}
	if (!any)
		return (LONG_MAX / 1000);
	return (first > now ? (long)(first - now) : 0);
}

/*
 * SIGHUP: reopen the log, read the rcfile again.  A file with errors
 * leaves everything as it was.  Idle workers are stopped first: they
 * poll accounts of the old configuration.
 */
static void
daemon_reload(struct daemon *d)
{
	struct run		*r = d->r;
	struct config		 cfg;
	struct account_list	 polls = { NULL, 0 };
	struct account		*a, *old;
	size_t			 i, j;

	(void)log_reopen();	/* says so if it failed */
	config_init(&cfg);
	if (rcload_config(r->cl, r->rcpath, r->rcdir, &cfg) != 0 ||
	    rcload_accounts(r->cl, &cfg, &polls) != 0) {
		log_warnx("%s: not reloaded; polling as before", r->rcpath);
		free(polls.v);
		config_free(&cfg);
		return;
	}
	sched_signal(&r->sched, SIGTERM, 1);
	while (sched_running(&r->sched, 1) > 0 && !r->sched.stop)
		sched_wait(&r->sched, 1000);
	daemon_idle_ended(d);
	/* A password typed at the start cannot be asked for again. */
	for (i = 0; i < polls.n; i++) {
		a = polls.v[i];
		for (j = 0; j < r->polls.n && a->password == NULL &&
		    a->passwordeval == NULL; j++) {
			old = r->polls.v[j];
			if (strcmp(old->name, a->name) == 0 &&
			    strcmp(old->user, a->user) == 0 &&
			    old->password != NULL)
				a->password = xstrdup(old->password);
		}
	}
	free(r->polls.v);
	config_free(&r->cfg);
	r->cfg = cfg;
	r->polls = polls;
	run_opts(r);
	if ((r->cfg.logfile != NULL || r->cfg.syslog == 1) &&
	    log_target(r->cfg.logfile, r->cfg.syslog) != 0)
		log_warnx("%s: keeping the previous log target",
		    r->cfg.logfile);
	log_info("%s: reloaded: %zu account%s, polling every %d seconds",
	    r->rcpath, polls.n, polls.n == 1 ? "" : "s", r->cfg.daemon);
}

static int
daemon_detach(struct run *r)
{
	if (r->cl->nodetach)
		return (0);
	/* A detached daemon has no stderr: it logs somewhere it can. */
	if (r->cfg.logfile == NULL && r->cfg.syslog != 1) {
		log_info("logging to syslog (facility mail) from now on");
		(void)log_target(NULL, 1);
	}
	if (daemon(0, 0) == -1) {
		log_warn("daemon");
		return (-1);
	}
	return (0);
}

int
daemon_run(struct run *r, struct pidfh *pfh)
{
	struct daemon	d = { r, NULL, 0 };
	long		sleep_s;
	size_t		i;

	if (daemon_detach(r) != 0)
		return (PM_IOERR);
	if (pfh != NULL && pidfile_write(pfh) == -1)
		log_warn("pidfile");
	setproctitle("daemon, every %d seconds", r->cfg.daemon);
	log_info("pullmail %s daemon started (PID %ld): %zu account%s, "
	    "polling every %d seconds", PACKAGE_VERSION, (long)getpid(),
	    r->polls.n, r->polls.n == 1 ? "" : "s", r->cfg.daemon);
	while (!r->sched.stop) {
		daemon_idlers(&d);
		daemon_cycle(&d);
		daemon_idle_ended(&d);
		while (!r->sched.stop && !r->sched.wake && !r->sched.reload &&
		    (sleep_s = daemon_sleep_for(&d)) > 0) {
			sched_wait(&r->sched, sleep_s > INT_MAX / 1000 ?
			    -1 : (int)(sleep_s * 1000));
			daemon_idle_ended(&d);
			daemon_idlers(&d);
		}
		if (r->sched.reload) {
			r->sched.reload = 0;
			daemon_reload(&d);
		}
		if (r->sched.wake) {
			/* SIGUSR1: everything now, failing servers too. */
			r->sched.wake = 0;
			log_info("woken by SIGUSR1: polling now");
			for (i = 0; i < d.ndue; i++)
				d.due[i].next = 0;
		}
	}
	log_info("stopping: waiting for the polls in progress");
	sched_signal(&r->sched, SIGTERM, 1);
	sched_signal(&r->sched, SIGTERM, 0);
	while (sched_running(&r->sched, 0) + sched_running(&r->sched, 1) > 0)
		sched_wait(&r->sched, 1000);
	for (i = 0; i < d.ndue; i++)
		free(d.due[i].key);
	free(d.due);
	log_info("pullmail daemon stopped");
	return (PM_OK);
}
