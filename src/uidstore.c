/*
 * uidstore.c -- UID journals on disk (uidstore.h).
 */

#include <sys/types.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "bounds.h"
#include "durable.h"
#include "result.h"
#include "uidstore.h"
#include "xmalloc.h"

struct uidstore {
	char		*path;
	int		 fd;		/* O_APPEND; -1 when read-only */
	int		 lockfd;
	int		 created;
	struct uidjournal j;
	size_t		 unsynced;
};

/* Keep the name readable; hash it when it would be too long. */
static char *
uidstore_filename(const char *key)
{
	static const char	 safe[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.@_+-";
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen, i;
	char			*out, *p;
	size_t			 n;

	out = p = xmalloc(strlen(key) * 3 + 8);
	for (n = 0; key[n] != '\0'; n++) {
		if (strchr(safe, key[n]) != NULL && !(n == 0 && key[n] == '.'))
			*p++ = key[n];
		else
			p += sprintf(p, "%%%02X", (unsigned char)key[n]);
	}
	*p = '\0';
	if (p - out <= 200)
		return (out);
	free(out);
	if (EVP_Digest(key, strlen(key), md, &mdlen, EVP_sha256(), NULL) != 1)
		mdlen = 0;
	out = p = xmalloc(2 * mdlen + 8);
	p += sprintf(p, "sha256-");
	for (i = 0; i < mdlen; i++)
		p += sprintf(p, "%02x", md[i]);
	return (out);
}

static int
uidstore_fail(struct uidstore *st, char **cause, const char *what)
{
	xasprintf(cause, "%s: %s: %s", st->path, what, strerror(errno));
	return (PM_IOERR);
}

/* Read the whole journal (bounded) and replay it. */
static int
uidstore_load(struct uidstore *st, int fd, char **cause)
{
	struct stat	 sb;
	const char	*errstr;
	char		*buf;
	size_t		 got = 0;
	ssize_t		 n;

	if (fstat(fd, &sb) != 0)
		return (uidstore_fail(st, cause, "fstat"));
	if (!S_ISREG(sb.st_mode) || sb.st_size > PM_JOURNAL_MAX) {
		xasprintf(cause, "%s: not a regular file of at most %d bytes",
		    st->path, PM_JOURNAL_MAX);
		return (PM_IOERR);
	}
	buf = xmalloc(sb.st_size + 1);
	while (got < (size_t)sb.st_size) {
		n = read(fd, buf + got, sb.st_size - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(buf);
			return (uidstore_fail(st, cause, "read"));
		}
		got += n;
	}
	if (uidjournal_replay(&st->j, buf, got, &errstr) != 0) {
		xasprintf(cause, "%s: %s; move it away to start afresh",
		    st->path, errstr);
		free(buf);
		return (PM_IOERR);
	}
	free(buf);
	st->created = got == 0;
	return (0);
}

/* The lock lives in its own file: compaction renames the journal. */
static int
uidstore_lock(struct uidstore *st, char **cause)
{
	char	*lock;

	xasprintf(&lock, "%s.lock", st->path);
	st->lockfd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	free(lock);
	if (st->lockfd == -1)
		return (uidstore_fail(st, cause, "lock file"));
	if (flock(st->lockfd, LOCK_EX | LOCK_NB) != 0) {
		if (errno == EWOULDBLOCK) {
			xasprintf(cause, "%s: another pullmail is polling "
			    "this account", st->path);
			return (PM_EXCLUDE);
		}
		return (uidstore_fail(st, cause, "flock"));
	}
	return (0);
}

int
uidstore_open(const char *dir, const char *key, int readonly,
    struct uidstore **out, char **cause)
{
	struct uidstore	*st;
	char		*name;
	int		 fd, rc;

	*out = NULL;
	st = xcalloc(1, sizeof(*st));
	st->fd = st->lockfd = -1;
	st->j.set = uidset_new();
	name = uidstore_filename(key);
	xasprintf(&st->path, "%s/%s.uids", dir, name);
	free(name);

	if (readonly) {
		fd = open(st->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd == -1 && errno == ENOENT) {
			st->created = 1;
			*out = st;
			return (0);
		}
		if (fd == -1) {
			rc = uidstore_fail(st, cause, "open");
			goto fail;
		}
		rc = uidstore_load(st, fd, cause);
		close(fd);
		if (rc != 0)
			goto fail;
		*out = st;
		return (0);
	}

	if (durable_mkdirs(dir, 0700) != 0) {
		xasprintf(cause, "state directory %s: %s (set statedir, or "
		    "--statedir, to a private writable directory)", dir,
		    strerror(errno));
		rc = PM_IOERR;
		goto fail;
	}
	if ((rc = uidstore_lock(st, cause)) != 0)
		goto fail;
	st->fd = open(st->path, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (st->fd == -1) {
		rc = uidstore_fail(st, cause, "open");
		goto fail;
	}
	if ((rc = uidstore_load(st, st->fd, cause)) != 0)
		goto fail;
	if (st->created) {
		if (write(st->fd, UIDSET_HEADER, sizeof(UIDSET_HEADER) - 1) !=
		    sizeof(UIDSET_HEADER) - 1 || fdatasync(st->fd) != 0 ||
		    durable_sync_dir(dir) != 0) {
			rc = uidstore_fail(st, cause, "write");
			goto fail;
		}
	} else if (ftruncate(st->fd, st->j.good_len) != 0) {
		/* A torn last line must not glue onto the next append. */
		rc = uidstore_fail(st, cause, "truncate");
		goto fail;
	}
	*out = st;
	return (0);
fail:
	uidstore_close(st);
	return (rc);
}

void
uidstore_close(struct uidstore *st)
{
	if (st == NULL)
		return;
	if (st->fd != -1) {
		if (st->unsynced > 0)
			(void)fdatasync(st->fd);
		close(st->fd);
	}
	if (st->lockfd != -1)
		close(st->lockfd);	/* releases the flock */
	uidset_free(st->j.set);
	free(st->path);
	free(st);
}

size_t
uidstore_count(const struct uidstore *st)
{
	return (uidset_count(st->j.set));
}

const char *
uidstore_path(const struct uidstore *st)
{
	return (st->path);
}

size_t
uidstore_bad_lines(const struct uidstore *st)
{
	return (st->j.bad);
}

int
uidstore_is_new(const struct uidstore *st)
{
	return (st->created);
}

enum uid_state
uidstore_get(const struct uidstore *st, const char *uid)
{
	return (uidset_get(st->j.set, uid));
}

void
uidstore_mark(struct uidstore *st, const char *uid)
{
	uidset_mark(st->j.set, uid);
}

int
uidstore_each(const struct uidstore *st,
    int (*fn)(const char *, enum uid_state, void *), void *arg)
{
	return (uidset_each(st->j.set, fn, arg));
}

/* One line, one write(2): a kill leaves it whole or absent. */
static int
uidstore_append(struct uidstore *st, const char *line, char **cause)
{
	size_t	len = strlen(line);
	ssize_t	n;

	if (st->fd == -1)
		return (0);		/* read-only (-c) */
	do
		n = write(st->fd, line, len);
	while (n == -1 && errno == EINTR);
	if (n != (ssize_t)len) {
		if (n >= 0)
			errno = ENOSPC;
		uidstore_fail(st, cause, "write");
		/* A short write must not stay as a torn line mid-file. */
		(void)ftruncate(st->fd, st->j.good_len);
		return (-1);
	}
	st->j.good_len += len;
	st->j.lines++;
	if (++st->unsynced >= UIDSTORE_SYNC_EVERY)
		return (uidstore_sync(st, cause));
	return (0);
}

int
uidstore_validity(struct uidstore *st, uint32_t v, uint32_t *old,
    char **cause)
{
	char	line[32];

	*old = st->j.validity;
	if (v == 0 || v == st->j.validity)
		return (0);
	snprintf(line, sizeof(line), "V %u\n", v);
	if (uidstore_append(st, line, cause) != 0)
		return (-1);
	/* As replay does: a new V line starts an empty set. */
	st->j.validity = v;
	uidset_clear(st->j.set);
	return (*old != 0);
}

int
uidstore_record(struct uidstore *st, const char *uid, enum uid_state state,
    char **cause)
{
	char	line[PM_UID_MAX + 4];

	if (!uid_valid(uid))
		return (0);		/* nothing we could store */
	snprintf(line, sizeof(line), "%c %s\n", state == UID_NONE ? '-' :
	    (char)state, uid);
	if (uidstore_append(st, line, cause) != 0)
		return (-1);
	uidset_put(st->j.set, uid, state);
	uidset_mark(st->j.set, uid);	/* the server has it: we just saw it */
	return (0);
}

int
uidstore_sync(struct uidstore *st, char **cause)
{
	if (st->fd == -1 || st->unsynced == 0)
		return (0);
	if (fdatasync(st->fd) != 0) {
		uidstore_fail(st, cause, "fdatasync");
		return (-1);
	}
	st->unsynced = 0;
	return (0);
}

struct image {
	FILE	*f;
};

static int
write_line(const char *uid, enum uid_state state, void *arg)
{
	struct image	*im = arg;

	fprintf(im->f, "%c %s\n", (char)state, uid);
	return (0);
}

/* Rewrite the journal with only what is live, atomically. */
static int
uidstore_compact(struct uidstore *st, char **cause)
{
	struct image	 im;
	char		*buf;
	size_t		 len;
	int		 fd;

	if ((im.f = open_memstream(&buf, &len)) == NULL)
		return (uidstore_fail(st, cause, "open_memstream"));
	fputs(UIDSET_HEADER, im.f);
	if (st->j.validity != 0)
		fprintf(im.f, "V %u\n", st->j.validity);
	uidset_each(st->j.set, write_line, &im);
	fclose(im.f);
	if (durable_replace(st->path, buf, len, 0600, cause) != 0) {
		free(buf);
		return (-1);
	}
	free(buf);
	fd = open(st->path, O_RDWR | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return (uidstore_fail(st, cause, "reopen"), -1);
	close(st->fd);
	st->fd = fd;
	st->j.good_len = len;
	st->j.lines = uidset_count(st->j.set) + (st->j.validity != 0);
	st->unsynced = 0;
	return (0);
}

struct gone {
	FILE			*f;
	struct uidset		*set;	/* the UIDs to forget */
	int			 full;
	const struct uidset	*from;
};

static int
collect_gone(const char *uid, enum uid_state state, void *arg)
{
	struct gone	*g = arg;

	if (state == UID_DELETE || (g->full && !uidset_marked(g->from, uid))) {
		fprintf(g->f, "- %s\n", uid);
		uidset_put(g->set, uid, state);
	}
	return (0);
}

static int
forget(const char *uid, enum uid_state state, void *arg)
{
	(void)state;
	uidset_put(arg, uid, UID_NONE);
	return (0);
}

int
uidstore_finish(struct uidstore *st, int full_listing, char **cause)
{
	struct gone	 g = { NULL, NULL, full_listing, st->j.set };
	char		*buf;
	size_t		 len, live, ngone;
	ssize_t		 n;

	if (st->fd == -1)
		return (0);
	if ((g.f = open_memstream(&buf, &len)) == NULL)
		return (uidstore_fail(st, cause, "open_memstream"), -1);
	g.set = uidset_new();
	uidset_each(st->j.set, collect_gone, &g);
	fclose(g.f);
	uidset_each(g.set, forget, st->j.set);
	ngone = uidset_count(g.set);
	uidset_free(g.set);
	uidset_unmark(st->j.set);
	live = uidset_count(st->j.set);
	/* Mostly dead lines: rewrite; otherwise say what went, in one write. */
	if (st->j.lines + ngone > 2 * live + 32 || (live == 0 && ngone > 0)) {
		free(buf);
		return (uidstore_compact(st, cause));
	}
	if (ngone > 0) {
		do
			n = write(st->fd, buf, len);
		while (n == -1 && errno == EINTR);
		if (n != (ssize_t)len) {
			free(buf);
			(void)ftruncate(st->fd, st->j.good_len);
			return (uidstore_fail(st, cause, "write"), -1);
		}
		st->j.good_len += len;
		st->j.lines += ngone;
		st->unsynced += ngone;
	}
	free(buf);
	return (uidstore_sync(st, cause));
}

int
uidstore_import_fetchids(struct uidstore *st, const char *idfile,
    const char *user, const char *host, char **cause)
{
	FILE	*f;
	char	 line[PM_FETCHIDS_LINE], *u, *h, *uid;
	int	 fd, c, count = 0;

	if ((fd = open(idfile, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return (0);
		xasprintf(cause, "%s: %s", idfile, strerror(errno));
		return (-1);
	}
	if ((f = fdopen(fd, "r")) == NULL) {
		close(fd);
		xasprintf(cause, "%s: %s", idfile, strerror(errno));
		return (-1);
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strchr(line, '\n') == NULL && !feof(f)) {
			/* Longer than fetchmail writes: skip all of it. */
			while ((c = getc(f)) != EOF && c != '\n')
				;
			continue;
		}
		line[strcspn(line, "\r\n")] = '\0';
		if (fetchids_parse(line, &u, &h, &uid) != 0 ||
		    strcasecmp(u, user) != 0 || strcasecmp(h, host) != 0 ||
		    uidstore_get(st, uid) != UID_NONE)
			continue;
		if (uidstore_record(st, uid, UID_KEPT, cause) != 0) {
			fclose(f);
			return (-1);
		}
		count++;
	}
	fclose(f);
	if (uidstore_sync(st, cause) != 0)
		return (-1);
	return (count);
}
