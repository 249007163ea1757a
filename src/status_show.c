/*
 * status_show.c -- "pullmail --status [--json]": the status file shown
 * for the rcfile's accounts in its order, and whether a daemon runs.
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json.h>

#include "log.h"
#include "run.h"
#include "status.h"
#include "xmalloc.h"

/* "pullmail --status". */

/* The PID in the pidfile, if that process lives; else 0. */
static long
status_running(const struct run *r)
{
	char	*path, *buf, *end;
	size_t	 len;
	long	 pid;

	if (r->cfg.pidfile != NULL)
		path = xstrdup(r->cfg.pidfile);
	else
		xasprintf(&path, "%s/pullmail.pid", r->cfg.statedir);
	buf = status_read_file(path, &len);
	free(path);
	if (buf == NULL)
		return (0);
	errno = 0;
	pid = strtol(buf, &end, 10);
	if (end == buf || (*end != '\0' && *end != '\n') || errno != 0 ||
	    pid <= 1 || pid > 0x7fffffffL)
		pid = 0;
	free(buf);
	if (pid > 0 && kill((pid_t)pid, 0) == -1 && errno != EPERM)
		pid = 0;
	return (pid);
}

static const char *
status_time(char *buf, size_t size, int64_t t)
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	if (t <= 0 || localtime_r(&tt, &tm) == NULL)
		return ("never");
	strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm);
	return (buf);
}

/* The accounts of r->polls, in the rcfile's order, from what was read. */
static void
status_view(const struct run *r, const struct status *st,
    struct status *view)
{
	const struct status_entry	*e;
	struct status_entry		*f;
	char				*key;
	size_t				 i;

	status_clear(view);
	view->written = st->written;
	view->daemon_pid = st->daemon_pid;
	view->daemon_started = st->daemon_started;
	view->run_start = st->run_start;
	view->run_end = st->run_end;
	view->run_exit = st->run_exit;
	view->round_seconds = st->round_seconds;
	for (i = 0; i < r->polls.n; i++) {
		key = status_key(r, r->polls.v[i]);
		e = status_entry_find((struct status *)st, key);
		f = status_entry_add(view, key);
		free(key);
		if (e != NULL) {
			key = f->key;
			*f = *e;
			f->key = key;
		}
		f->server = status_visible(r->polls.v[i]->name);
	}
}

static void
status_print(const struct status *st, long pid,
    const char *path, int have)
{
	const struct status_entry	*e;
	time_t				 now = time(NULL);
	char				 t1[32], t2[32], name[256], why[1024];
	char				 res[32], fail[32];
	size_t				 i, w = 7;

	if (have == 1)
		printf("No status yet (%s): nothing was polled.\n", path);
	if (pid > 0 && pid == st->daemon_pid)
		printf("Daemon: running (PID %ld) since %s\n", pid,
		    status_time(t1, sizeof(t1), st->daemon_started));
	else if (pid > 0)
		printf("Daemon: not running; a run is under way (PID %ld)\n",
		    pid);
	else if (st->daemon_pid > 0)
		printf("Daemon: not running (PID %lld, started %s, ended "
		    "without writing its status)\n",
		    (long long)st->daemon_pid, status_time(t1, sizeof(t1),
		    st->daemon_started));
	else
		printf("Daemon: not running\n");
	if (st->run_exit >= 0)
		printf("Last one-shot run: %s to %s, exit %d\n",
		    status_time(t1, sizeof(t1), st->run_start),
		    status_time(t2, sizeof(t2), st->run_end), st->run_exit);
	for (i = 0; i < st->n; i++) {
		log_visible(name, sizeof(name), st->v[i].key);
		if (strlen(name) > w)
			w = strlen(name);
	}
	printf("%-*s  %-19s  %-14s  %9s  %-10s  %s\n", (int)w, "ACCOUNT",
	    "LAST POLL", "RESULT", "DELIVERED", "FAILING", "NEXT DUE");
	for (i = 0; i < st->n; i++) {
		e = &st->v[i];
		log_visible(name, sizeof(name), e->key);
		if (e->result >= 0)
			snprintf(res, sizeof(res), "%s (%d)",
			    status_word(e->result), e->result);
		else
			strlcpy(res, "-", sizeof(res));
		if (e->consecutive > 0)
			snprintf(fail, sizeof(fail), "%llu poll%s",
			    (unsigned long long)e->consecutive,
			    e->consecutive == 1 ? "" : "s");
		else
			strlcpy(fail, "-", sizeof(fail));
		printf("%-*s  %-19s  %-14s  %9llu  %-10s  %s\n", (int)w, name,
		    status_time(t1, sizeof(t1), e->end), res,
		    (unsigned long long)e->delivered, fail,
		    pid <= 0 || pid != st->daemon_pid || e->next_due <= 0 ?
		    "-" : e->next_due <= now ? "now" :
		    status_time(t2, sizeof(t2), e->next_due));
		if (e->why[0] != '\0' && status_failed(e->result)) {
			log_visible(why, sizeof(why), e->why);
			printf("%*s  %s\n", (int)w, "", why);
		}
	}
}

int
status_show(struct run *r, int json)
{
	struct status		 st, view;
	struct json_object	*o, *run;
	char			*path, *text;
	long			 pid;
	int			 have;

	memset(&st, 0, sizeof(st));
	memset(&view, 0, sizeof(view));
	xasprintf(&path, "%s/status.json", r->cfg.statedir);
	have = status_load(&st, path);	/* 1: none; -1: damaged, warned */
	pid = status_running(r);
	status_view(r, &st, &view);
	if (json) {
		o = status_object(&view);
		json_object_object_add(o, "status_file",
		    json_object_new_string(path));
		if (pid > 0) {
			run = json_object_new_object();
			json_object_object_add(run, "pid",
			    json_object_new_int64(pid));
			json_object_object_add(run, "daemon",
			    json_object_new_boolean(pid == st.daemon_pid));
			json_object_object_add(o, "running", run);
		} else
			json_object_object_add(o, "running", NULL);
		text = status_text(o);
		fputs(text, stdout);
		free(text);
		json_object_put(o);
	} else
		status_print(&view, pid, path, have);
	status_clear(&view);
	status_clear(&st);
	free(path);
	return (fflush(stdout) == 0 ? 0 : PM_IOERR);
}
