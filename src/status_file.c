/*
 * status_file.c -- STATEDIR/status.json: the status table read and
 * written as JSON (json-c), never trusted when read (depth, size, count,
 * UTF-8 and types checked), replaced atomically when written.
 */


#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json.h>

#include "log.h"
#include "result.h"
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

struct status_entry *
status_entry_find(struct status *st, const char *key)
{
	size_t	i;

	for (i = 0; i < st->n; i++) {
		if (strcmp(st->v[i].key, key) == 0)
			return (&st->v[i]);
	}
	return (NULL);
}

struct status_entry *
status_entry_add(struct status *st, const char *key)
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
	if (status_entry_find(st, key) != NULL) {
		xasprintf(cause, "account %s twice", key);
		return (-1);
	}
	e = status_entry_add(st, key);
	if (get_str(o, "server", &server) != 0 ||
	    get_str(o, "why", &why) != 0 ||
	    get_time(o, "last_poll_start", &e->start) != 0 ||
	    get_time(o, "last_poll_end", &e->end) != 0 ||
	    get_uint(o, "last_poll_duration_ms", &e->msec) != 0 ||
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
	add(o, "last_poll_duration_ms", e->result >= 0 ? new_count(e->msec) :
	    NULL);
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
struct json_object *
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

char *
status_text(struct json_object *o)
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
	char			*s = status_text(o);

	json_object_put(o);
	return (s);
}

/* The file's bytes, at most STATUS_MAXFILE; NULL with errno. */
char *
status_read_file(const char *path, size_t *len)
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
int
status_load(struct status *st, const char *path)
{
	char	*buf, *cause;
	size_t	 len;

	status_clear(st);
	if ((buf = status_read_file(path, &len)) == NULL) {
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
