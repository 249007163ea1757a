/*
 * status.c -- the status table of the parent: what each account's polls
 * came to, kept in STATEDIR/status.json (JSON, through json-c) for
 * "pullmail --status" and the metrics file.
 *
 * The file is read once at the start and written whole (temporary file,
 * fsync, rename) at the end of a one-shot run, and by the daemon at most
 * every STATUS_FLUSH seconds when there is news, and when it stops: a
 * thousand accounts ending their polls milliseconds apart cause one
 * write, not a thousand.  Entries of accounts no longer in the rcfile are
 * dropped when it is written.
 */

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "durable.h"
#include "log.h"
#include "run.h"
#include "status.h"
#include "xmalloc.h"

double
status_mono(void)
{
	return (clock_usec() / 1e6);
}

/* The parent. */

/* s with control bytes and what is not UTF-8 escaped (allocated). */
char *
status_visible(const char *s)
{
	size_t	 size = strlen(s) * 4 + 1;
	char	*v = xmalloc(size);

	log_visible(v, size, s);
	return (v);
}

char *
status_key(const struct run *r, const struct account *a)
{
	char	*key, *shown;

	key = run_key(r, a);
	/*
	 * The file is UTF-8 JSON and the key is shown on terminals: a name
	 * in another charset is kept with its bytes escaped, as in the log.
	 */
	shown = status_visible(key);
	free(key);
	return (shown);
}

/* Does the rcfile still have key's account ("#N" aside)? */
static int
key_in_rcfile(const struct run *r, const char *key)
{
	const struct account	*a;
	size_t			 i, ulen, klen = strcspn(key, "#");

	for (i = 0; i < r->cfg.accounts.n; i++) {
		a = r->cfg.accounts.v[i];
		ulen = strlen(a->user);
		if (ulen < klen && strncmp(key, a->user, ulen) == 0 &&
		    key[ulen] == '@' && strlen(a->name) == klen - ulen - 1 &&
		    strncmp(key + ulen + 1, a->name, klen - ulen - 1) == 0)
			return (1);
	}
	return (0);
}

/*
 * Which entry each account of r->polls has, found by key once for the
 * accounts of a (re)load; entries of accounts gone from the rcfile are
 * marked to be left out of the file.
 */
static void
status_slots(struct run *r, struct status *st)
{
	struct status_entry	*e;
	char			*key;
	size_t			 i;

	if (st->slot != NULL && st->slot_of == r->polls.v &&
	    st->slot_n == r->polls.n)
		return;
	free(st->slot);
	st->slot = xcalloc(r->polls.n + 1, sizeof(*st->slot));
	for (i = 0; i < r->polls.n; i++) {
		key = status_key(r, r->polls.v[i]);
		if ((e = status_entry_find(st, key)) == NULL)
			e = status_entry_add(st, key);
		free(key);
		free(e->server);
		e->server = status_visible(r->polls.v[i]->name);
		st->slot[i] = e - st->v;
	}
	for (i = 0; i < st->n; i++) {
		st->v[i].in_round = 0;
		st->v[i].gone = -1;
	}
	for (i = 0; i < r->polls.n; i++)
		st->v[st->slot[i]].gone = 0;
	for (i = 0; i < st->n; i++) {
		if (st->v[i].gone == -1)
			st->v[i].gone = !key_in_rcfile(r, st->v[i].key);
	}
	st->slot_of = r->polls.v;
	st->slot_n = r->polls.n;
	st->round_begun = status_mono();
}

void
status_reloaded(struct run *r)
{
	if (r->status != NULL)
		r->status->slot_of = NULL;	/* status_slots() looks again */
}

static struct status_entry *
status_entry_of(struct run *r, const struct account *a)
{
	struct status	*st = r->status;
	size_t		 i;

	status_slots(r, st);
	for (i = 0; i < r->polls.n; i++) {
		if (r->polls.v[i] == a)
			return (&st->v[st->slot[i]]);
	}
	return (NULL);
}

void
status_begin(struct run *r, int daemon)
{
	struct status	*st;
	char		*path;

	if (r->cl->check || r->status != NULL)
		return;
	st = xcalloc(1, sizeof(*st));
	xasprintf(&path, "%s/status.json", r->cfg.statedir);
	(void)status_load(st, path);	/* damaged: warned, started afresh */
	st->path = path;
	r->status = st;
	if (daemon) {
		st->daemon_pid = getpid();
		st->daemon_started = time(NULL);
		st->dirty = 1;	/* the file says a daemon runs */
	} else {
		st->daemon_pid = 0;
		st->run_start = time(NULL);
	}
	st->round_begun = status_mono();
	st->saved_at = st->round_begun - STATUS_FLUSH;
	status_slots(r, st);
}

/* The daemon's round: every account not in IDLE ended a poll. */
static void
status_round(struct run *r, struct status *st, struct status_entry *e)
{
	size_t	i, done = 0, want = 0;
	double	now;

	if (e->in_round || st->daemon_pid == 0)
		return;
	e->in_round = 1;
	for (i = 0; i < r->polls.n; i++) {
		if (r->polls.v[i]->idle == 1)
			continue;
		want++;
		done += st->v[st->slot[i]].in_round;
	}
	if (want == 0 || done < want)
		return;
	now = status_mono();
	st->round_seconds = now - st->round_begun;
	st->round_begun = now;
	for (i = 0; i < st->n; i++)
		st->v[i].in_round = 0;
}

void
status_record(struct run *r, const struct account *a,
    const struct poll_report *rp)
{
	struct status		*st = r->status;
	struct status_entry	*e;
	char			 why[REPORT_WHY];
	int			 result = rp->result;

	if (st == NULL || (e = status_entry_of(r, a)) == NULL)
		return;
	if (result < 0 || result >= STATUS_CODES)
		result = PM_UNDEFINED;
	e->start = rp->start;
	e->end = rp->end;
	e->msec = rp->msec;
	e->result = result;
	/* The worker's text, from a process that handles hostile bytes. */
	memcpy(why, rp->why, sizeof(why));
	why[sizeof(why) - 1] = '\0';
	log_visible(e->why, sizeof(e->why), why);
	e->delivered += rp->delivered;
	e->octets += rp->octets;
	e->polls++;
	if (status_failed(result)) {
		e->failures[result]++;
		e->consecutive++;
	} else {
		e->consecutive = 0;
		e->last_success = rp->end;
		e->backoff = 0;
	}
	if (a->idle != 1)
		status_round(r, st, e);
	st->dirty = 1;
}

void
status_due(struct run *r, const struct account *a, int64_t next,
    int64_t backoff)
{
	struct status_entry	*e;

	if (r->status == NULL || (e = status_entry_of(r, a)) == NULL)
		return;
	e->next_due = next;
	e->backoff = backoff;
	r->status->dirty = 1;
}

static void
status_save(struct run *r, struct status *st)
{
	struct status	 out;
	char		*text, *cause, *dir;
	size_t		 i, n = 0;

	status_slots(r, st);
	st->written = time(NULL);
	/* A shallow copy without the entries of accounts gone. */
	out = *st;
	out.v = xcalloc(st->n + 1, sizeof(*out.v));
	for (i = 0; i < st->n; i++) {
		if (!st->v[i].gone)
			out.v[n++] = st->v[i];
	}
	out.n = n;
	text = status_json(&out);
	dir = xstrdup(r->cfg.statedir);
	(void)durable_mkdirs(dir, 0700);
	free(dir);
	if (durable_replace(st->path, text, strlen(text), 0600, &cause) != 0) {
		if (!st->failed_write)
			log_warnx("status file not written: %s", cause);
		st->failed_write = 1;
		free(cause);
	} else
		st->failed_write = 0;
	free(text);
	metrics_write(r, &out);
	free(out.v);
	st->dirty = 0;
	st->saved_at = status_mono();
}

int
status_tick(struct run *r, int ms)
{
	struct status	*st = r->status;
	double		 left;
	int		 wait;

	if (st == NULL || !st->dirty)
		return (ms);
	left = st->saved_at + STATUS_FLUSH - status_mono();
	if (left <= 0) {
		status_save(r, st);
		return (ms);
	}
	wait = (int)(left * 1000) + 1;
	return (ms < 0 || wait < ms ? wait : ms);
}

void
status_end(struct run *r, int exit_code)
{
	struct status	*st = r->status;

	if (st == NULL)
		return;
	if (st->daemon_pid == 0) {
		st->run_end = time(NULL);
		st->run_exit = exit_code >= 0 && exit_code < STATUS_CODES ?
		    exit_code : PM_UNDEFINED;
		st->round_seconds = status_mono() - st->round_begun;
	} else {
		st->daemon_pid = 0;	/* stopped */
		st->daemon_started = 0;
	}
	status_save(r, st);
	status_clear(st);
	free(st);
	r->status = NULL;
}
