/*
 * test_session.c -- the delivery contract (driver.h), with a fake driver
 * and a fake sink and no server: whatever the sink answers and wherever
 * the process dies, no message leaves the server before the sink holds
 * it for good and the journal on disk says so, and every message the
 * sink took is in the end gone from the server (or marked read with
 * "keep") and delivered once, twice only when the process died between
 * the sink's commit and the journal line.
 *
 * The "server" and the "sink" live in shared memory, so that they
 * outlive a poll run in a child that is made to _exit at the n-th point
 * of the contract (each commit, sync, dispose, expunge and close, before
 * and after).  Each case: one poll that dies at point n, then two clean
 * polls; n runs from 1 to past the last point of a clean poll.
 */

#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conn.h"
#include "driver.h"
#include "rc_parse.h"
#include "result.h"
#include "session.h"
#include "sink.h"
#include "tap.h"
#include "uidstore.h"
#include "xmalloc.h"

#define NMSG		6
#define CRASHED		99	/* a child's exit status at its crash point */

struct fmsg {
	int	present;	/* on the server */
	int	flagged;	/* \Deleted, or DELE sent: not yet final */
	int	seen;
	int	delivered;	/* times the sink took it for good */
	int	result;		/* what the sink answers at commit */
};

struct world {
	struct fmsg	m[NMSG];
	int		points;		/* contract points passed */
	int		crash_at;	/* _exit at this point; 0: never */
	int		violations;
	char		why[512];
	int		sync_fails;	/* syncs that fail before one works */
};

static struct world	*w;
/* The staging sink's batch: the process's own, lost when it dies. */
static int		 staged[NMSG], nstaged;
static char		 dir[256];	/* the state directory */
static const char	*journal_key;

/* In the child: die here if this is the chosen point. */
static void
point(void)
{
	if (++w->points == w->crash_at)
		_exit(CRASHED);
}

static void
violation(const char *what, int i)
{
	w->violations++;
	if (w->why[0] == '\0')
		snprintf(w->why, sizeof(w->why), "message %d: %s", i + 1,
		    what);
}

/* What the journal on disk says about message i, read as a new run. */
static enum uid_state
journal(int i)
{
	struct uidstore	*st;
	enum uid_state	 state;
	char		 uid[16], *cause = NULL;

	if (uidstore_open(dir, journal_key, 1, &st, &cause) != 0) {
		free(cause);
		return (UID_NONE);
	}
	snprintf(uid, sizeof(uid), "%d", 100 + i);
	state = uidstore_get(st, uid);
	uidstore_close(st);
	return (state);
}

/* Before the server is told anything about i: sink, then journal. */
static void
check_delivered(int i, enum uid_state want, const char *when)
{
	char	what[128];

	if (w->m[i].delivered == 0) {
		snprintf(what, sizeof(what), "%s before the sink held it", when);
		violation(what, i);
	}
	if (journal(i) != want) {
		snprintf(what, sizeof(what), "%s before the journal said so",
		    when);
		violation(what, i);
	}
}

/* --- the fake server's driver ------------------------------------------ */

static int	 cursor = -1;
static size_t	 offset;
static char	 body[256];

static int
index_of(const struct msg *m)
{
	return ((int)m->uid - 100);
}

static int
fake_open(struct session *s, char **cause)
{
	struct sockaddr_un	sun;
	char			path[512];
	int			fd, dns, i;

	/* A listening socket of this child's own: s->conn is real. */
	snprintf(path, sizeof(path), "%s/sock.%ld", dir, (long)getpid());
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path)) {
		xasprintf(cause, "%s: too long for a socket", path);
		return (PM_SOCKET);
	}
	unlink(path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(fd, 1) == -1) {
		xasprintf(cause, "fake server socket");
		return (PM_SOCKET);
	}
	if ((s->conn = conn_connect(path, 0, 5, "fake", &dns, cause)) == NULL)
		return (PM_SOCKET);
	/* POP3: a DELE without QUIT is forgotten. */
	if (s->driver->commits_at_quit) {
		for (i = 0; i < NMSG; i++)
			w->m[i].flagged = 0;
	}
	return (0);
}

static int
fake_select(struct session *s, const char *folder, char **cause)
{
	(void)folder;
	(void)cause;
	s->uidvalidity = 7;
	return (0);
}

static void
add(struct msgset *ms, int i, int uidl)
{
	struct msg	m;
	char		u[16];

	memset(&m, 0, sizeof(m));
	m.num = i + 1;
	m.uid = 100 + i;
	m.size = 40;
	msgset_add(ms, &m);
	if (uidl) {
		snprintf(u, sizeof(u), "%d", 100 + i);
		(void)msgset_set_uidl(ms, ms->n - 1, u);
	}
}

/* IMAP-like: unread, undeleted messages.  POP3-like: all of them. */
static int
fake_scan(struct session *s, struct msgset *ms, char **cause)
{
	int	i, pop = s->driver->key == MSG_KEY_UIDL;

	(void)cause;
	for (i = 0; i < NMSG; i++) {
		if (w->m[i].present && (pop || (!w->m[i].flagged &&
		    !w->m[i].seen)))
			add(ms, i, pop);
	}
	return (0);
}

static int
fake_list_all(struct session *s, struct msgset *ms, char **cause)
{
	int	i;

	(void)s;
	(void)cause;
	for (i = 0; i < NMSG; i++) {
		if (w->m[i].present)
			add(ms, i, 0);
	}
	return (0);
}

static size_t
fake_folder_size(struct session *s)
{
	size_t	n = 0;
	int	i;

	(void)s;
	for (i = 0; i < NMSG; i++)
		n += w->m[i].present;
	return (n);
}

static int
fake_body_begin(struct session *s, const struct msg *m, char **cause)
{
	(void)s;
	(void)cause;
	cursor = index_of(m);
	offset = 0;
	snprintf(body, sizeof(body), "Message-ID: <%d@fake>\r\n"
	    "Subject: m%d\r\n\r\nbody\r\n", cursor, cursor);
	return (0);
}

static ssize_t
fake_body_read(struct session *s, char *buf, size_t size, char **cause)
{
	size_t	n = strlen(body) - offset;

	(void)s;
	(void)cause;
	if (n > size)
		n = size;
	memcpy(buf, body + offset, n);
	offset += n;
	return ((ssize_t)n);
}

static int
fake_dispose(struct session *s, const struct msg *m, enum disposition d,
    char **cause)
{
	int	i = index_of(m);

	(void)s;
	(void)cause;
	point();
	check_delivered(i, d == DISP_DELETE ? UID_DELETE : UID_KEPT,
	    d == DISP_DELETE ? "deleted" : "marked read");
	if (d == DISP_DELETE)
		w->m[i].flagged = 1;
	else
		w->m[i].seen = 1;
	point();
	return (0);
}

/* What was flagged goes for good: the journal must say so on disk. */
static void
fake_remove_flagged(void)
{
	int	i;

	for (i = 0; i < NMSG; i++) {
		if (!w->m[i].present || !w->m[i].flagged)
			continue;
		check_delivered(i, UID_DELETE, "expunged");
		w->m[i].present = 0;
	}
}

static int
fake_expunge(struct session *s, char **cause)
{
	(void)s;
	(void)cause;
	point();
	fake_remove_flagged();
	point();
	return (0);
}

static int
fake_close(struct session *s, char **cause)
{
	(void)cause;
	point();
	if (s->driver->commits_at_quit)
		fake_remove_flagged();	/* QUIT */
	point();
	return (0);
}

static void
fake_free(struct session *s)
{
	(void)s;
}

static const struct driver uid_driver = {
	.name = "FAKE-UID", .alpn = "imap", .journal = "fakeuid",
	.key = MSG_KEY_UID, .folders = 1, .commits_at_quit = 0,
	.open = fake_open, .select = fake_select, .scan = fake_scan,
	.list_all = fake_list_all, .folder_size = fake_folder_size,
	.body_begin = fake_body_begin, .body_read = fake_body_read,
	.dispose = fake_dispose, .expunge = fake_expunge,
	.close = fake_close, .free = fake_free,
};

static const struct driver uidl_driver = {
	.name = "FAKE-UIDL", .alpn = "pop3", .journal = "fakeuidl",
	.key = MSG_KEY_UIDL, .folders = 0, .commits_at_quit = 1,
	.open = fake_open, .select = fake_select, .scan = fake_scan,
	.body_begin = fake_body_begin, .body_read = fake_body_read,
	.dispose = fake_dispose, .close = fake_close, .free = fake_free,
};

/* --- the fake sink -------------------------------------------------------- */

static int	sink_msg = -1;

static int
sink_open(struct sink *sk, char **cause)
{
	(void)sk;
	(void)cause;
	return (0);
}

static enum sink_result
sink_begin(struct sink *sk, const struct envelope *e, char **cause)
{
	(void)sk;
	(void)e;
	(void)cause;
	sink_msg = -1;
	return (SINK_OK);
}

static enum sink_result
sink_write(struct sink *sk, const void *p, size_t n, char **cause)
{
	const char	*id;
	char		 copy[512];

	(void)sk;
	(void)cause;
	if (n >= sizeof(copy))
		n = sizeof(copy) - 1;
	memcpy(copy, p, n);
	copy[n] = '\0';
	if ((id = strstr(copy, "Message-ID: <")) != NULL)
		sink_msg = atoi(id + 13);
	return (SINK_OK);
}

static enum sink_result
sink_commit(struct sink *sk, char **cause)
{
	int	r;

	if (sink_msg < 0 || sink_msg >= NMSG) {
		xasprintf(cause, "the fake sink saw no Message-ID");
		return (SINK_FATAL);
	}
	point();
	if ((r = w->m[sink_msg].result) != SINK_OK) {
		xasprintf(cause, "refused (%d)", r);
		return (r);
	}
	if (sk->ops->sync != NULL)
		staged[nstaged++] = sink_msg;
	else
		w->m[sink_msg].delivered++;
	point();
	return (SINK_OK);
}

static enum sink_result
sink_sync(struct sink *sk, char **cause)
{
	int	i;

	(void)sk;
	point();
	if (w->sync_fails > 0) {
		w->sync_fails--;
		nstaged = 0;		/* what was staged is gone */
		xasprintf(cause, "sync failed");
		return (SINK_TEMPFAIL);
	}
	for (i = 0; i < nstaged; i++)
		w->m[staged[i]].delivered++;
	nstaged = 0;
	point();
	return (SINK_OK);
}

static void
sink_abort(struct sink *sk)
{
	(void)sk;
}

static void
sink_close(struct sink *sk)
{
	(void)sk;
	nstaged = 0;		/* close discards what is still staged */
}

static const struct sink_ops direct_sink = {
	"fake", sink_open, sink_begin, sink_write, sink_commit, sink_abort,
	NULL, sink_close,
};
static const struct sink_ops staging_sink = {
	"fake-staging", sink_open, sink_begin, sink_write, sink_commit,
	sink_abort, sink_sync, sink_close,
};

/* --- the cases ------------------------------------------------------------ */

struct scenario {
	const char		*name;
	const struct driver	*driver;
	const struct sink_ops	*sink;
	const char		*options;	/* account options */
	int			 keep;
	int			 results[NMSG];
	int			 sync_fails;
};

static struct account *
make_account(const char *options, const char *journal_tag)
{
	static struct config	 cfg;
	static char		*key;
	char			*text, *cause = NULL;

	config_free(&cfg);
	config_init(&cfg);
	xasprintf(&text, "poll fake proto imap user u password p "
	    "mda cat %s\n", options);
	if (rc_parse("rc", "/", text, strlen(text), &cfg, &cause) != 0 ||
	    account_finish(cfg.accounts.v[0], &cause) != 0) {
		printf("Bail out! %s\n", cause);
		exit(1);
	}
	free(text);
	free(key);
	xasprintf(&key, "%s u@fake%s", journal_tag,
	    strcmp(journal_tag, "fakeuid") == 0 ? " INBOX" : "");
	journal_key = key;
	return (cfg.accounts.v[0]);
}

/* One poll in a child; its exit status, CRASHED if it died at a point. */
static int
poll_once(const struct scenario *sc, const struct account *a, int crash_at)
{
	struct poll_opts	o;
	pid_t			pid;
	int			status;

	w->crash_at = crash_at;
	w->points = 0;
	memset(&o, 0, sizeof(o));
	o.statedir = dir;
	o.softbounce = 1;	/* refused mail stays: no bounce to send */
	o.postmaster = "postmaster";
	o.driver = sc->driver;
	o.sink = sc->sink;
	fflush(stdout);
	if ((pid = fork()) == 0)
		_exit(session_poll(a, &o));
	if (pid == -1 || waitpid(pid, &status, 0) == -1 ||
	    !WIFEXITED(status))
		return (-1);
	return (WEXITSTATUS(status));
}

static void
reset(const struct scenario *sc)
{
	DIR		*d;
	struct dirent	*e;
	char		 path[512];
	int		 i;

	memset(w, 0, sizeof(*w));
	for (i = 0; i < NMSG; i++) {
		w->m[i].present = 1;
		w->m[i].result = sc->results[i];
	}
	w->sync_fails = sc->sync_fails;
	if ((d = opendir(dir)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
		closedir(d);
	}
}

/* The points a clean poll passes: the crash points to try. */
static int
count_points(const struct scenario *sc, const struct account *a)
{
	reset(sc);
	(void)poll_once(sc, a, 0);
	return (w->points);
}

#define CHECKS_PER_RUN	5

static void
run(const struct scenario *sc, const struct account *a, int crash_at,
    int points)
{
	int	i, first, dups = 0, lost = 0, wrong = 0, left = 0;
	int	dies = crash_at >= 1 && crash_at <= points;

	reset(sc);
	first = poll_once(sc, a, crash_at);
	(void)poll_once(sc, a, 0);
	(void)poll_once(sc, a, 0);
	ok(dies ? first == CRASHED : first != CRASHED && first >= 0,
	    "%s, crash at %d: the first poll %s (%d)", sc->name, crash_at,
	    dies ? "died there" : "ran to its end", first);
	ok(w->violations == 0, "%s, crash at %d: the contract held%s%s",
	    sc->name, crash_at, w->why[0] ? ": " : "", w->why);
	for (i = 0; i < NMSG; i++) {
		if (sc->results[i] != SINK_OK) {
			/* Refused: still there, never delivered, unread. */
			wrong += w->m[i].delivered != 0 || !w->m[i].present ||
			    w->m[i].seen;
			continue;
		}
		lost += w->m[i].delivered == 0;
		dups += w->m[i].delivered > 1 ? w->m[i].delivered - 1 : 0;
		if (sc->keep)
			left += !w->m[i].present || !w->m[i].seen;
		else
			left += w->m[i].present;
	}
	is_int(lost, 0, "%s, crash at %d: every message the sink accepts "
	    "is delivered", sc->name, crash_at);
	if (lost != 0 || wrong != 0 || left != 0) {
		for (i = 0; i < NMSG; i++)
			printf("#   message %d: result %d, delivered %d, on the "
			    "server %d, flagged %d, read %d\n", i + 1,
			    sc->results[i], w->m[i].delivered, w->m[i].present,
			    w->m[i].flagged, w->m[i].seen);
	}
	ok(wrong == 0 && left == 0, "%s, crash at %d: refused mail stays "
	    "on the server unread, accepted mail is %s", sc->name, crash_at,
	    sc->keep ? "marked read" : "gone from it");
	/* Died between the sink's commit and the journal: once more. */
	ok(dups <= (sc->sink->sync != NULL ? NMSG : 1), "%s, crash at %d: "
	    "%d delivered twice (at most the message or batch in hand)",
	    sc->name, crash_at, dups);
}

int
main(void)
{
	enum { OK = SINK_OK, TF = SINK_TEMPFAIL, PF = SINK_PERMFAIL };
	static const struct scenario cases[] = {
	    { "uid/direct", &uid_driver, &direct_sink, "", 0,
	      { OK, TF, OK, PF, OK, OK }, 0 },
	    { "uid/staging", &uid_driver, &staging_sink, "", 0,
	      { OK, TF, OK, PF, OK, OK }, 0 },
	    { "uid/direct/keep", &uid_driver, &direct_sink, "keep", 1,
	      { OK, TF, OK, OK, PF, OK }, 0 },
	    { "uid/direct/expunge 2", &uid_driver, &direct_sink, "expunge 2",
	      0, { OK, OK, TF, OK, OK, OK }, 0 },
	    { "uid/staging/expunge 2", &uid_driver, &staging_sink,
	      "expunge 2", 0, { OK, OK, OK, PF, OK, OK }, 0 },
	    { "uid/staging/sync fails", &uid_driver, &staging_sink, "", 0,
	      { OK, OK, OK, OK, OK, OK }, 1 },
	    { "uidl/direct", &uidl_driver, &direct_sink, "", 0,
	      { OK, TF, OK, PF, OK, OK }, 0 },
	    { "uidl/staging", &uidl_driver, &staging_sink, "", 0,
	      { OK, TF, OK, PF, OK, OK }, 0 },
	    { "uidl/direct/keep", &uidl_driver, &direct_sink, "keep", 1,
	      { TF, OK, OK, OK, OK, PF }, 0 },
	    { "uidl/direct/expunge 2", &uidl_driver, &direct_sink,
	      "expunge 2", 0, { OK, OK, OK, TF, OK, OK }, 0 },
	    { "uidl/staging/sync fails", &uidl_driver, &staging_sink, "", 0,
	      { OK, OK, PF, OK, OK, OK }, 1 },
	};
	struct account	*a[nitems(cases)];
	int		 points[nitems(cases)], total = 0;
	size_t		 i;
	int		 k;

	snprintf(dir, sizeof(dir), "%s/pullmail-contract.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL)
		return (1);
	w = mmap(NULL, sizeof(*w), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (w == MAP_FAILED)
		return (1);
	/* Count first: the plan is every point of every case, plus one. */
	for (i = 0; i < nitems(cases); i++) {
		a[i] = make_account(cases[i].options, cases[i].driver->journal);
		points[i] = count_points(&cases[i], a[i]);
		total += (points[i] + 2) * CHECKS_PER_RUN;
	}
	plan(total + (int)nitems(cases));
	for (i = 0; i < nitems(cases); i++) {
		a[i] = make_account(cases[i].options, cases[i].driver->journal);
		ok(points[i] > 4, "%s: a clean poll passes %d contract points",
		    cases[i].name, points[i]);
		/* 0: no crash; then every point, and one past the last. */
		for (k = 0; k <= points[i] + 1; k++)
			run(&cases[i], a[i], k, points[i]);
	}
	reset(&cases[0]);
	rmdir(dir);
	return (done_testing());
}
