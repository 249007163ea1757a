/*
 * daemon.c -- the polling loop of "pullmail -d N".
 *
 * Each account has a time it is next due: N seconds ("interval K": K*N)
 * after its last poll ended, or later while its server keeps failing:
 * the wait doubles with every failure in a row, up to PM_BACKOFF_MAX,
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

#include "bounds.h"
#include "config.h"
#include "daemon.h"
#include "log.h"
#include "rcload.h"
#include "result.h"
#include "sdnotify.h"
#include "status.h"
#include "xmalloc.h"

/* What the daemon remembers about an account, across rcfile reloads. */
struct due {
	char	*key;		/* "user@server" */
	time_t	 next;		/* due then */
	int	 fails;		/* failed polls in a row */
	int	 idle_running;
	int	 running;	/* a poll of it is under way */
};

struct daemon {
	struct run	*r;
	struct due	*due;
	size_t		 ndue;
	size_t		*slot;		/* d->due index of r->polls.v[i] */
	unsigned long long delivered;	/* messages, since the start */
};

/*
 * An account's schedule, kept across reloads by its "user@server" key;
 * a second entry with the same user and server gets "#2", and so on,
 * so that each is polled on its own.
 */
static struct due *
due_by_key(struct daemon *d, const struct account *a)
{
	char	*key;
	size_t	 i;

	key = run_key(d->r, a);
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

/*
 * Which schedule each account of the rcfile has, looked up by key once
 * (at the start and after a reload), not at every turn of the loop.
 */
static void
due_index(struct daemon *d)
{
	size_t	i;

	free(d->slot);
	d->slot = xcalloc(d->r->polls.n + 1, sizeof(*d->slot));
	for (i = 0; i < d->r->polls.n; i++)
		d->slot[i] = due_by_key(d, d->r->polls.v[i]) - d->due;
}

static struct due *
due_at(struct daemon *d, size_t i)
{
	return (&d->due[d->slot[i]]);
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

/* After a poll of r->polls.v[i]: when is it due again? */
static void
due_after(struct daemon *d, size_t i, int result)
{
	const struct account	*a = d->r->polls.v[i];
	struct due		*u = due_at(d, i);
	struct tm		 tm;
	time_t			 now = time(NULL);
	double			 wait;
	long			 period = account_period(d, a), cap;
	char			 when[32];

	if (!server_failed(result)) {
		u->fails = 0;
		u->next = now + period;
		status_due(d->r, a, u->next, 0);
		return;
	}
	u->fails++;
	cap = period > PM_BACKOFF_MAX ? period : PM_BACKOFF_MAX;
	wait = period;
	for (int n = 1; n < u->fails && wait < cap; n++)
		wait *= 2;
	if (wait > cap)
		wait = cap;
	/* +-10%: many clients of one server do not come back together. */
	wait *= 0.9 + arc4random_uniform(2001) / 10000.0;
	u->next = now + (time_t)(wait + 0.5);
	status_due(d->r, a, u->next, u->next - now);
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
		u = due_at(d, i);
		if (u->idle_running || u->next > now ||
		    sched_server_full(&r->sched, account_host(a)))
			continue;
		if ((result = run_ready(a)) != 0) {
			run_record_unpolled(r, a, result);
			due_after(d, i, result);
			continue;
		}
		/* The work item lives as long as the worker needs it:
		 * the child has its own copy of this memory. */
		if (run_spawn(r, a, (long)(u - d->due), 1) == 0)
			u->idle_running = 1;
		else
			due_after(d, i, PM_IOERR);	/* fork failed: back off */
	}
}

/* A sleep of s seconds, cut short for the next watchdog ping. */
static int
daemon_wait_ms(long s)
{
	long	ms = s > INT_MAX / 1000 ? -1 : s * 1000;
	long	every = sd_watchdog_next();

	if (every >= 0 && (ms < 0 || ms > every))
		ms = every;
	return ((int)ms);
}

/* What "systemctl status" shows: the accounts and how they fare. */
static void
daemon_status(struct daemon *d, const char *key, int result)
{
	size_t	i;
	int	failing = 0;

	/* The rcfile's accounts: a schedule kept from before a reload aside. */
	for (i = 0; i < d->r->polls.n; i++)
		failing += due_at(d, i)->fails > 0;
	sd_state("STATUS=%zu account%s, %d failing, %llu message%s delivered "
	    "since the start; last poll: %s, exit %d", d->r->polls.n,
	    d->r->polls.n == 1 ? "" : "s", failing, d->delivered,
	    d->delivered == 1 ? "" : "s", key, result);
}

/* An IDLE pass with news: counted for its account(s). */
static void
daemon_pass(void *arg, long tag, const struct poll_report *rp)
{
	struct daemon	*d = arg;
	size_t		 i;

	d->delivered += rp->delivered;
	for (i = 0; i < d->r->polls.n; i++) {
		if (d->slot[i] == (size_t)tag)
			run_record(d->r, d->r->polls.v[i], rp);
	}
}

/* Workers that ended: their accounts are due again after the wait. */
static void
daemon_ended(struct daemon *d, int idle)
{
	struct poll_report rp;
	struct account	*a;
	long		 tag;
	size_t		 i;
	int		 result;

	while (sched_collect(&d->r->sched, idle, &tag, &result, &rp)) {
		if (tag < 0 || (size_t)tag >= d->ndue)
			continue;
		d->delivered += rp.delivered;
		if (idle)
			d->due[tag].idle_running = 0;
		else
			d->due[tag].running = 0;
		for (i = 0; i < d->r->polls.n; i++) {
			a = d->r->polls.v[i];
			if (d->slot[i] == (size_t)tag) {
				run_record(d->r, a, &rp);
				due_after(d, i, result);
			}
		}
		daemon_status(d, d->due[tag].key, result);
	}
}

/* At the stop: what the last polls came to, for the status file. */
static void
daemon_last_reports(struct daemon *d)
{
	struct poll_report rp;
	long		 tag;
	size_t		 i;
	int		 idle, result;

	for (idle = 0; idle <= 1; idle++) {
		while (sched_collect(&d->r->sched, idle, &tag, &result, &rp)) {
			for (i = 0; i < d->r->polls.n; i++) {
				if (d->slot[i] == (size_t)tag)
					run_record(d->r, d->r->polls.v[i], &rp);
			}
		}
	}
}

static void
daemon_idle_ended(struct daemon *d)
{
	daemon_ended(d, 1);
}

struct waiting {
	time_t	next;
	size_t	i;		/* in r->polls */
};

/* Longest due first; the rcfile's order among equals. */
static int
waiting_cmp(const void *x, const void *y)
{
	const struct waiting	*a = x, *b = y;

	if (a->next != b->next)
		return (a->next < b->next ? -1 : 1);
	return (a->i < b->i ? -1 : a->i > b->i);
}

/*
 * Start a poll of each account that is due, as long as a job slot is
 * free, the one due longest first so that none is starved when the slots
 * cannot keep up.  No round: an account is polled again its interval
 * after its own last poll ended, so a server that hangs holds up its own
 * account and one slot, not the others.
 */
static void
daemon_start_due(struct daemon *d)
{
	struct run	*r = d->r;
	struct account	*a;
	struct due	*u;
	struct waiting	*w;
	time_t		 now = time(NULL);
	size_t		 i, n = 0;
	int		 result;

	r->popts.progress = 0;	/* polls run side by side */
	w = xreallocarray(NULL, r->polls.n + 1, sizeof(*w));
	for (i = 0; i < r->polls.n; i++) {
		u = due_at(d, i);
		if (r->polls.v[i]->idle != 1 && !u->running && u->next <= now) {
			w[n].next = u->next;
			w[n++].i = i;
		}
	}
	qsort(w, n, sizeof(*w), waiting_cmp);
	for (i = 0; i < n && !r->sched.stop; i++) {
		if (sched_running(&r->sched, 0) >= (size_t)r->sched.jobs)
			break;
		a = r->polls.v[w[i].i];
		u = due_at(d, w[i].i);
		/* Its server has no connection to spare: the next one. */
		if (sched_server_full(&r->sched, account_host(a)))
			continue;
		if ((result = run_ready(a)) != 0) {
			run_record_unpolled(r, a, result);
			due_after(d, w[i].i, result);
			continue;
		}
		if (run_spawn(r, a, (long)(u - d->due), 0) == 0)
			u->running = 1;
		else
			due_after(d, w[i].i, PM_IOERR);	/* fork failed */
	}
	free(w);
}

/*
 * Seconds until the next account is due (0: now).  One that is due but
 * waits for a job slot, or for a connection to its server, waits for a
 * worker to end, which wakes us anyway.
 */
static long
daemon_sleep_for(struct daemon *d)
{
	const struct account	*a;
	time_t			 now = time(NULL), first = 0;
	size_t			 i;
	int			 any = 0, full;
	struct due		*u;

	full = sched_running(&d->r->sched, 0) >= (size_t)d->r->sched.jobs;
	for (i = 0; i < d->r->polls.n; i++) {
		a = d->r->polls.v[i];
		u = due_at(d, i);
		if ((a->idle == 1 && u->idle_running) || u->running ||
		    (a->idle != 1 && full) || (u->next <= now &&
		    sched_server_full(&d->r->sched, account_host(a))))
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
	/* Still the scheduler's loop for the watchdog: it pings. */
	while (sched_running(&r->sched, 1) > 0 && !r->sched.stop) {
		sd_watchdog();
		sched_wait(&r->sched, daemon_wait_ms(1));
	}
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
	status_reloaded(r);
	r->sched.connlimit = r->cfg.connlimit;
	run_opts(r);
	run_idle_over_limit(r);
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
	struct daemon	d = { r, NULL, 0, NULL, 0 };
	long		sleep_s;
	size_t		i;

	if (daemon_detach(r) != 0)
		return (PM_IOERR);
	if (pfh != NULL && pidfile_write(pfh) == -1)
		log_warn("pidfile");
	/* Ready: the rcfile is loaded and the pidfile held. */
	sd_setup();
	due_index(&d);
	status_begin(r, 1);
	sched_reports(&r->sched, daemon_pass, &d);
	sd_state("READY=1\nSTATUS=polling %zu account%s every %d seconds",
	    r->polls.n, r->polls.n == 1 ? "" : "s", r->cfg.daemon);
	setproctitle("daemon, every %d seconds", r->cfg.daemon);
	log_info("pullmail %s daemon started (PID %ld): %zu account%s, "
	    "polling every %d seconds", PACKAGE_VERSION, (long)getpid(),
	    r->polls.n, r->polls.n == 1 ? "" : "s", r->cfg.daemon);
	while (!r->sched.stop) {
		/* From the loop itself: a hung scheduler stops the pings. */
		sd_watchdog();
		/* For the test suite only (PULLMAIL_TEST_FAULT, sdnotify.h). */
		if (sd_test_fault("scheduler-hang") &&
		    sched_running(&r->sched, 0) == 0)
			sd_test_hang("scheduler-hang");
		daemon_idlers(&d);
		daemon_start_due(&d);
		if (!r->sched.stop && !r->sched.wake && !r->sched.reload &&
		    (sleep_s = daemon_sleep_for(&d)) > 0)
			sched_wait(&r->sched, status_tick(r,
			    daemon_wait_ms(sleep_s)));
		daemon_ended(&d, 0);
		daemon_ended(&d, 1);
		(void)status_tick(r, -1);	/* the file, if it is time */
		if (r->sched.reload) {
			r->sched.reload = 0;
			sd_reloading();
			daemon_reload(&d);
			due_index(&d);
			sd_state("READY=1\nSTATUS=reloaded: polling %zu "
			    "account%s every %d seconds", r->polls.n,
			    r->polls.n == 1 ? "" : "s", r->cfg.daemon);
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
	sd_state("STOPPING=1\nSTATUS=stopping: waiting for the polls in "
	    "progress");
	sched_signal(&r->sched, SIGTERM, 1);
	sched_signal(&r->sched, SIGTERM, 0);
	while (sched_running(&r->sched, 0) + sched_running(&r->sched, 1) > 0) {
		sd_watchdog();
		sched_wait(&r->sched, daemon_wait_ms(1));
	}
	daemon_last_reports(&d);
	status_end(r, PM_OK);
	for (i = 0; i < d.ndue; i++)
		free(d.due[i].key);
	free(d.due);
	free(d.slot);
	log_info("pullmail daemon stopped");
	return (PM_OK);
}
