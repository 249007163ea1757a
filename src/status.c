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

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json.h>

#include "durable.h"
#include "log.h"
#include "result.h"
#include "run.h"
#include "status.h"
#include "xmalloc.h"

#define STATUS_DEPTH	8	/* the file nests 4 deep */
#define STATUS_MAXN	100000	/* entries read at most */

static const char *const words[STATUS_CODES] = {
	[PM_OK] = "ok", [PM_NOMAIL] = "nomail", [PM_SOCKET] = "socket",
	[PM_AUTHFAIL] = "authfail", [PM_PROTOCOL] = "protocol",
	[PM_SYNTAX] = "syntax", [PM_IOERR] = "ioerr", [PM_ERROR] = "error",
	[PM_EXCLUDE] = "exclude", [PM_LOCKBUSY] = "lockbusy",
	[PM_SMTP] = "smtp", [PM_DNS] = "dns", [PM_BSMTP] = "bsmtp",
	[PM_MAXFETCH] = "maxfetch", [PM_SERVBUSY] = "servbusy",
	[PM_UNDEFINED] = "undefined",
};

const char *
status_word(int result)
{
	if (result < 0 || result >= STATUS_CODES || words[result] == NULL)
		return ("undefined");
	return (words[result]);
}

/* The exit code of a word; -1 if none. */
static int
status_code(const char *word)
{
	int	i;

	for (i = 0; i < STATUS_CODES; i++) {
		if (words[i] != NULL && strcmp(words[i], word) == 0)
			return (i);
	}
	return (-1);
}

int
status_failed(int result)
{
	return (result != PM_OK && result != PM_NOMAIL);
}

static double
status_mono(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

static void
entry_free(struct status_entry *e)
{
	free(e->key);
	free(e->server);
}

void
status_clear(struct status *st)
{
	size_t	i;

	for (i = 0; i < st->n; i++)
		entry_free(&st->v[i]);
	free(st->v);
	free(st->slot);
	free(st->path);
	memset(st, 0, sizeof(*st));
	st->run_exit = -1;
	st->round_seconds = -1;
}

static struct status_entry *
entry_find(struct status *st, const char *key)
{
	size_t	i;

	for (i = 0; i < st->n; i++) {
		if (strcmp(st->v[i].key, key) == 0)
			return (&st->v[i]);
	}
	return (NULL);
}

static struct status_entry *
entry_add(struct status *st, const char *key)
{
	struct status_entry	*e;

	st->v = xreallocarray(st->v, st->n + 1, sizeof(*st->v));
	e = &st->v[st->n++];
	memset(e, 0, sizeof(*e));
	e->key = xstrdup(key);
	e->result = -1;
	return (e);
}

/* Reading. */

/* An integer member >= 0; absent or null leave *out. -1: wrong type. */
static int
get_uint(struct json_object *o, const char *name, uint64_t *out)
{
	struct json_object	*m;
	int64_t			 v;

	if (!json_object_object_get_ex(o, name, &m) || m == NULL)
		return (0);
	/* json-c saturates what does not fit at INT64_MAX. */
	if (!json_object_is_type(m, json_type_int) ||
	    (v = json_object_get_int64(m)) < 0 || v == INT64_MAX)
		return (-1);
	*out = (uint64_t)v;
	return (0);
}

static int
get_time(struct json_object *o, const char *name, int64_t *out)
{
	uint64_t	v = (uint64_t)*out;

	if (get_uint(o, name, &v) != 0 || v > INT64_MAX / 2)
		return (-1);
	*out = (int64_t)v;
	return (0);
}

static int
get_str(struct json_object *o, const char *name, const char **out)
{
	struct json_object	*m;

	if (!json_object_object_get_ex(o, name, &m) || m == NULL)
		return (0);
	if (!json_object_is_type(m, json_type_string))
		return (-1);
	*out = json_object_get_string(m);
	return (0);
}

static int
parse_entry(struct status *st, struct json_object *o, char **cause)
{
	struct status_entry	*e;
	struct json_object	*f;
	const char		*key = NULL, *server = NULL, *why = NULL;
	uint64_t		 code = UINT64_MAX;
	int			 c;

	if (!json_object_is_type(o, json_type_object) ||
	    get_str(o, "account", &key) != 0 || key == NULL || *key == '\0') {
		xasprintf(cause, "an account without its \"account\" name");
		return (-1);
	}
	if (entry_find(st, key) != NULL) {
		xasprintf(cause, "account %s twice", key);
		return (-1);
	}
	e = entry_add(st, key);
	if (get_str(o, "server", &server) != 0 ||
	    get_str(o, "why", &why) != 0 ||
	    get_time(o, "last_poll_start", &e->start) != 0 ||
	    get_time(o, "last_poll_end", &e->end) != 0 ||
	    get_uint(o, "exit_code", &code) != 0 ||
	    get_uint(o, "messages_delivered", &e->delivered) != 0 ||
	    get_uint(o, "octets_delivered", &e->octets) != 0 ||
	    get_uint(o, "polls", &e->polls) != 0 ||
	    get_uint(o, "consecutive_failures", &e->consecutive) != 0 ||
	    get_time(o, "last_success", &e->last_success) != 0 ||
	    get_time(o, "backoff_seconds", &e->backoff) != 0 ||
	    get_time(o, "next_due", &e->next_due) != 0) {
		xasprintf(cause, "account %s: a field of the wrong type", key);
		return (-1);
	}
	if (code != UINT64_MAX) {
		if (code >= STATUS_CODES) {
			xasprintf(cause, "account %s: exit code %llu", key,
			    (unsigned long long)code);
			return (-1);
		}
		e->result = (int)code;
	}
	e->server = xstrdup(server != NULL ? server : "");
	if (why != NULL)	/* cut at a whole character, as written */
		log_visible(e->why, sizeof(e->why), why);
	if (json_object_object_get_ex(o, "failures", &f) && f != NULL) {
		if (!json_object_is_type(f, json_type_object)) {
			xasprintf(cause, "account %s: failures", key);
			return (-1);
		}
		json_object_object_foreach(f, k, val) {
			(void)val;
			if ((c = status_code(k)) == -1 ||
			    get_uint(f, k, &e->failures[c]) != 0) {
				xasprintf(cause, "account %s: failures: "
				    "\"%.40s\"", key, k);
				return (-1);
			}
		}
	}
	return (0);
}

static int
parse_top(struct status *st, struct json_object *top, char **cause)
{
	struct json_object	*m, *accts;
	uint64_t		 version = 0, code = UINT64_MAX;
	double			 d;
	size_t			 i, n;

	if (!json_object_is_type(top, json_type_object) ||
	    get_uint(top, "version", &version) != 0) {
		xasprintf(cause, "not a pullmail status file");
		return (-1);
	}
	if (version != STATUS_VERSION) {
		xasprintf(cause, "version %llu, not %d", (unsigned long long)
		    version, STATUS_VERSION);
		return (-1);
	}
	if (get_time(top, "written", &st->written) != 0) {
		xasprintf(cause, "\"written\" is not a time");
		return (-1);
	}
	if (json_object_object_get_ex(top, "daemon", &m) && m != NULL &&
	    (!json_object_is_type(m, json_type_object) ||
	    get_time(m, "pid", &st->daemon_pid) != 0 ||
	    get_time(m, "started", &st->daemon_started) != 0)) {
		xasprintf(cause, "\"daemon\" is damaged");
		return (-1);
	}
	if (json_object_object_get_ex(top, "last_run", &m) && m != NULL) {
		if (!json_object_is_type(m, json_type_object) ||
		    get_time(m, "start", &st->run_start) != 0 ||
		    get_time(m, "end", &st->run_end) != 0 ||
		    get_uint(m, "exit_code", &code) != 0 ||
		    (code != UINT64_MAX && code >= STATUS_CODES)) {
			xasprintf(cause, "\"last_run\" is damaged");
			return (-1);
		}
		st->run_exit = code == UINT64_MAX ? -1 : (int)code;
	}
	if (json_object_object_get_ex(top, "round_duration_seconds", &m) &&
	    m != NULL) {
		if (!json_object_is_type(m, json_type_double) &&
		    !json_object_is_type(m, json_type_int)) {
			xasprintf(cause, "\"round_duration_seconds\" is not a "
			    "number");
			return (-1);
		}
		d = json_object_get_double(m);
		st->round_seconds = d >= 0 && d < 1e9 ? d : -1;
	}
	if (!json_object_object_get_ex(top, "accounts", &accts) ||
	    !json_object_is_type(accts, json_type_array)) {
		xasprintf(cause, "no \"accounts\" list");
		return (-1);
	}
	if ((n = json_object_array_length(accts)) > STATUS_MAXN) {
		xasprintf(cause, "%zu accounts, more than %d", n, STATUS_MAXN);
		return (-1);
	}
	for (i = 0; i < n; i++) {
		if (parse_entry(st, json_object_array_get_idx(accts, i),
		    cause) != 0)
			return (-1);
	}
	return (0);
}

int
status_parse(struct status *st, const char *buf, size_t len, char **cause)
{
	struct json_tokener	*tok;
	struct json_object	*top;
	enum json_tokener_error	 jerr;
	size_t			 end;
	int			 rc;

	status_clear(st);
	if (len > STATUS_MAXFILE || len > INT32_MAX) {
		xasprintf(cause, "larger than %d bytes", STATUS_MAXFILE);
		return (-1);
	}
	if ((tok = json_tokener_new_ex(STATUS_DEPTH)) == NULL)
		fatalx("json_tokener_new_ex: out of memory");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_VALIDATE_UTF8);
	top = json_tokener_parse_ex(tok, buf, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (top == NULL || jerr != json_tokener_success) {
		xasprintf(cause, "not JSON (%s at byte %zu)", jerr ==
		    json_tokener_continue ? "cut short" :
		    json_tokener_error_desc(jerr), end);
		json_object_put(top);
		json_tokener_free(tok);
		return (-1);
	}
	json_tokener_free(tok);
	while (end < len && strchr(" \t\r\n", buf[end]) != NULL && buf[end])
		end++;
	if (end < len) {
		xasprintf(cause, "not JSON (more after the end, at byte %zu)",
		    end);
		json_object_put(top);
		return (-1);
	}
	rc = parse_top(st, top, cause);
	json_object_put(top);
	if (rc != 0)
		status_clear(st);
	return (rc);
}

/* Writing. */

static struct json_object *
new_time(int64_t t)
{
	return (t > 0 ? json_object_new_int64(t) : NULL);
}

static struct json_object *
new_count(uint64_t n)
{
	/* INT64_MAX is what json-c makes of larger numbers: refused. */
	return (json_object_new_int64(n >= INT64_MAX ? INT64_MAX - 1 :
	    (int64_t)n));
}

static void
add(struct json_object *o, const char *name, struct json_object *v)
{
	json_object_object_add(o, name, v);
}

static struct json_object *
entry_json(const struct status_entry *e)
{
	struct json_object	*o, *f;
	int			 c;

	o = json_object_new_object();
	add(o, "account", json_object_new_string(e->key));
	add(o, "server", json_object_new_string(e->server != NULL ?
	    e->server : ""));
	add(o, "last_poll_start", new_time(e->start));
	add(o, "last_poll_end", new_time(e->end));
	add(o, "exit_code", e->result >= 0 ?
	    json_object_new_int(e->result) : NULL);
	add(o, "result", e->result >= 0 ?
	    json_object_new_string(status_word(e->result)) : NULL);
	add(o, "why", json_object_new_string(e->why));
	add(o, "messages_delivered", new_count(e->delivered));
	add(o, "octets_delivered", new_count(e->octets));
	add(o, "polls", new_count(e->polls));
	f = json_object_new_object();
	for (c = 0; c < STATUS_CODES; c++) {
		if (e->failures[c] > 0 && words[c] != NULL)
			add(f, words[c], new_count(e->failures[c]));
	}
	add(o, "failures", f);
	add(o, "consecutive_failures", new_count(e->consecutive));
	add(o, "last_success", new_time(e->last_success));
	add(o, "backoff_seconds", json_object_new_int64(e->backoff));
	add(o, "next_due", new_time(e->next_due));
	add(o, "oauth_token_expires", NULL);	/* issue 22 */
	return (o);
}

/* The file's object; only entries not marked gone. */
static struct json_object *
status_object(const struct status *st)
{
	struct json_object	*top, *o, *a;
	size_t			 i;

	top = json_object_new_object();
	add(top, "version", json_object_new_int(STATUS_VERSION));
	add(top, "written", json_object_new_int64(st->written));
	if (st->daemon_pid > 0) {
		o = json_object_new_object();
		add(o, "pid", json_object_new_int64(st->daemon_pid));
		add(o, "started", json_object_new_int64(st->daemon_started));
		add(top, "daemon", o);
	} else
		add(top, "daemon", NULL);
	if (st->run_exit >= 0) {
		o = json_object_new_object();
		add(o, "start", json_object_new_int64(st->run_start));
		add(o, "end", json_object_new_int64(st->run_end));
		add(o, "exit_code", json_object_new_int(st->run_exit));
		add(top, "last_run", o);
	} else
		add(top, "last_run", NULL);
	add(top, "round_duration_seconds", st->round_seconds >= 0 ?
	    json_object_new_double(st->round_seconds) : NULL);
	a = json_object_new_array();
	for (i = 0; i < st->n; i++)
		json_object_array_add(a, entry_json(&st->v[i]));
	add(top, "accounts", a);
	return (top);
}

static char *
object_text(struct json_object *o)
{
	char	*s;

	xasprintf(&s, "%s\n", json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	return (s);
}

char *
status_json(const struct status *st)
{
	struct json_object	*o = status_object(st);
	char			*s = object_text(o);

	json_object_put(o);
	return (s);
}

/*
 * A name of its own for the temporary file (mkostemp: O_EXCL, mode 0600):
 * the metrics file may live in a directory others write to, where a fixed
 * name could be taken first by a link or a file of theirs.  Then the mode
 * asked for, whatever the umask: the metrics file is for another user
 * (node_exporter) even where the umask is 077, as in the shipped units.
 */
int
status_replace(const char *path, const char *data, size_t len, int mode,
    char **cause)
{
	char	*tmp, *copy;
	int	 fd, rc = 0;

	xasprintf(&tmp, "%s.tmp.XXXXXX", path);
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		xasprintf(cause, "%s: %s", tmp, strerror(errno));
		free(tmp);
		return (-1);
	}
	if (fchmod(fd, (mode_t)mode) != 0 ||
	    durable_write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		xasprintf(cause, "%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		free(tmp);
		return (-1);
	}
	close(fd);
	if (rename(tmp, path) != 0) {
		xasprintf(cause, "rename %s to %s: %s", tmp, path,
		    strerror(errno));
		unlink(tmp);
		free(tmp);
		return (-1);
	}
	free(tmp);
	copy = xstrdup(path);
	if (durable_sync_dir(dirname(copy)) != 0) {
		xasprintf(cause, "%s: fsync of its directory: %s", path,
		    strerror(errno));
		rc = -1;
	}
	free(copy);
	return (rc);
}

/* The file's bytes, at most STATUS_MAXFILE; NULL with errno. */
static char *
read_file(const char *path, size_t *len)
{
	struct stat	 sb;
	char		*buf;
	ssize_t		 got;
	size_t		 n = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return (NULL);
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		close(fd);
		errno = EINVAL;
		return (NULL);
	}
	if (sb.st_size > STATUS_MAXFILE) {
		close(fd);
		errno = EFBIG;
		return (NULL);
	}
	buf = xmalloc((size_t)sb.st_size + 1);
	while (n < (size_t)sb.st_size &&
	    (got = read(fd, buf + n, (size_t)sb.st_size - n)) != 0) {
		if (got == -1) {
			if (errno == EINTR)
				continue;
			free(buf);
			close(fd);
			return (NULL);
		}
		n += (size_t)got;
	}
	close(fd);
	buf[n] = '\0';
	*len = n;
	return (buf);
}

/*
 * Read path into st.  0: read; 1: there is none; -1: damaged (warned,
 * st left empty).
 */
static int
status_load(struct status *st, const char *path)
{
	char	*buf, *cause;
	size_t	 len;

	status_clear(st);
	if ((buf = read_file(path, &len)) == NULL) {
		if (errno == ENOENT)
			return (1);
		log_warn("%s: ignored, starting afresh", path);
		return (-1);
	}
	if (status_parse(st, buf, len, &cause) != 0) {
		log_warnx("%s: ignored, starting afresh: %s", path, cause);
		free(cause);
		free(buf);
		return (-1);
	}
	free(buf);
	return (0);
}

/* The parent. */

/* s with control bytes and what is not UTF-8 escaped (allocated). */
static char *
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
	const struct account	*b;
	char			*key, *shown;
	size_t			 i, nth = 1;

	for (i = 0; i < r->polls.n && r->polls.v[i] != a; i++) {
		b = r->polls.v[i];
		if (strcmp(b->user, a->user) == 0 &&
		    strcmp(b->name, a->name) == 0)
			nth++;
	}
	if (nth == 1)
		xasprintf(&key, "%s@%s", a->user, a->name);
	else
		xasprintf(&key, "%s@%s#%zu", a->user, a->name, nth);
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
		if ((e = entry_find(st, key)) == NULL)
			e = entry_add(st, key);
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
	if (status_replace(st->path, text, strlen(text), 0600, &cause) != 0) {
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
	buf = read_file(path, &len);
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
		e = entry_find((struct status *)st, key);
		f = entry_add(view, key);
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
		text = object_text(o);
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
