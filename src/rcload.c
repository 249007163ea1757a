/*
 * rcload.c -- from the rcfile and the command line to the accounts to
 * poll: read, parse, check the file's privacy, apply the command line,
 * finish every account.  The daemon runs the same steps on SIGHUP.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "account.h"
#include "bounds.h"
#include "cmdline.h"
#include "log.h"
#include "rc_parse.h"
#include "rcload.h"
#include "result.h"
#include "xmalloc.h"

char *
rcload_default_path(void)
{
	struct passwd	*pw;
	const char	*home, *fmhome;
	char		*path;

	if ((home = getenv("HOME")) == NULL || *home == '\0') {
		if ((pw = getpwuid(getuid())) == NULL)
			fatalx("cannot find the home directory");
		home = pw->pw_dir;
	}
	xasprintf(&path, "%s/.pullmailrc", home);
	if (access(path, F_OK) == 0)
		return (path);
	free(path);
	/* fetchmail's own lookup: $FETCHMAILHOME/fetchmailrc, if set. */
	if ((fmhome = getenv("FETCHMAILHOME")) != NULL && *fmhome != '\0')
		xasprintf(&path, "%s/fetchmailrc", fmhome);
	else
		xasprintf(&path, "%s/.fetchmailrc", home);
	return (path);
}

/* The directory relative paths in the rcfile are taken from. */
char *
rcload_dir(const char *path)
{
	char	*copy, *dir, cwd[PATH_MAX], *abs;

	if (strcmp(path, "-") == 0)
		return (getcwd(cwd, sizeof(cwd)) != NULL ? xstrdup(cwd) : NULL);
	copy = xstrdup(path);
	dir = dirname(copy);
	if (*dir == '/')
		abs = xstrdup(dir);
	else if (getcwd(cwd, sizeof(cwd)) == NULL)
		abs = NULL;
	else if (strcmp(dir, ".") == 0)
		abs = xstrdup(cwd);
	else
		xasprintf(&abs, "%s/%s", cwd, dir);
	free(copy);
	return (abs);
}

/*
 * Read the whole rcfile into *buf_r (NULL if it does not exist).
 * Returns 0, or an exit code with the reason logged.
 */
static int
read_rcfile(const char *path, char **buf_r, size_t *len_r, struct stat *st)
{
	char	*buf = NULL;
	size_t	 len = 0;
	ssize_t	 n;
	int	 fd, rc = PM_IOERR;

	*buf_r = NULL;
	*len_r = 0;
	if (strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return (0);
		log_warn("%s", path);
		return (PM_IOERR);
	}
	if (fstat(fd, st) == -1) {
		log_warn("%s", path);
		goto fail;
	}
	if (fd != STDIN_FILENO && !S_ISREG(st->st_mode) &&
	    strcmp(path, "/dev/null") != 0) {
		log_warnx("%s: not a regular file", path);
		goto fail;
	}
	buf = xmalloc(PM_RC_SIZE_MAX + 1);
	while ((n = read(fd, buf + len, PM_RC_SIZE_MAX + 1 - len)) > 0) {
		len += n;
		if (len > PM_RC_SIZE_MAX) {
			log_warnx("%s: larger than %d bytes", path,
			    PM_RC_SIZE_MAX);
			rc = PM_SYNTAX;
			goto fail;
		}
	}
	if (n == -1) {
		log_warn("%s", path);
		goto fail;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	*buf_r = buf;
	*len_r = len;
	return (0);
fail:
	if (fd != STDIN_FILENO)
		close(fd);
	if (buf != NULL)
		freezero(buf, len);
	return (rc);
}

/* A file holding passwords must be the user's and private. */
static int
check_secrecy(const char *path, const struct stat *st,
    const struct config *cfg)
{
	size_t	i;
	int	secrets = 0;

	for (i = 0; i < cfg->accounts.n; i++) {
		secrets |= cfg->accounts.v[i]->password != NULL;
		secrets |= cfg->accounts.v[i]->esmtppassword != NULL;
	}
	if (!secrets || strcmp(path, "-") == 0)
		return (0);
	if (st->st_uid != geteuid()) {
		log_warnx("%s holds passwords but is owned by uid %ld, not by "
		    "you (uid %ld); refusing to use it", path,
		    (long)st->st_uid, (long)geteuid());
		return (-1);
	}
	if (st->st_mode & (S_IRWXG | S_IRWXO)) {
		log_warnx("%s holds passwords but others may read it; run: "
		    "chmod 600 %s", path, path);
		return (-1);
	}
	return (0);
}

/* Does name select a (poll name, or an "aka" of it, any case)? */
int
rcload_names(const struct account *a, const char *name)
{
	size_t	i;

	if (strcmp(a->name, name) == 0)
		return (1);
	for (i = 0; i < a->aka.n; i++) {
		if (strcasecmp(a->aka.v[i], name) == 0)
			return (1);
	}
	return (0);
}

/*
 * The accounts to poll: every active one, or those named on the command
 * line (skip entries too); an unknown name becomes a new account.
 */
static void
select_accounts(struct config *cfg, const struct cmdline *cl,
    struct account_list *out)
{
	struct account	*a;
	size_t		 i, n = cfg->accounts.n;
	int		 j, found, next_entry = 0;

	for (i = 0; i < n; i++) {
		if (cfg->accounts.v[i]->entry >= next_entry)
			next_entry = cfg->accounts.v[i]->entry + 1;
	}
	for (i = 0; cl->nservers == 0 && i < n; i++) {
		if (cfg->accounts.v[i]->active)
			account_list_add(out, cfg->accounts.v[i]);
	}
	for (j = 0; j < cl->nservers; j++) {
		found = 0;
		for (i = 0; i < n; i++) {
			if (rcload_names(cfg->accounts.v[i],
			    cl->servers[j])) {
				account_list_add(out, cfg->accounts.v[i]);
				found = 1;
			}
		}
		if (!found) {
			a = account_new(cl->servers[j]);
			a->entry = next_entry++;
			account_list_add(&cfg->accounts, a);
			account_list_add(out, a);
		}
	}
}

/* fetchmail's warnings about a finished configuration. */
static void
warn_config(const struct config *cfg)
{
	const struct account	*a;
	size_t			 i;

	for (i = 0; i < cfg->warnings.n; i++)
		log_warnx("%s", cfg->warnings.v[i]);
	for (i = 0; i < cfg->accounts.n; i++) {
		a = cfg->accounts.v[i];
		if (account_multidrop(a) && strcmp(a->envelope, "Received") ==
		    0 && a->active)
			log_warnx("%s:%d:%d: poll %s: multidrop (several local "
			    "names) reads recipients from the Received header; "
			    "set \"envelope\" to the header your server records "
			    "them in", a->rcfile != NULL ? a->rcfile :
			    "command line", a->line, a->col, a->name);
	}
}

int
rcload_config(const struct cmdline *cl, const char *path, const char *dir,
    struct config *cfg)
{
	struct stat	 st;
	char		*buf, *cause;
	size_t		 len;
	int		 rc;

	if ((rc = read_rcfile(path, &buf, &len, &st)) != 0)
		return (rc);
	if (buf != NULL) {
		rc = rc_parse(path, dir, buf, len, cfg, &cause);
		freezero(buf, len);
		if (rc != 0) {
			log_warnx("%s", cause);
			free(cause);
			return (PM_SYNTAX);
		}
		if (!cl->version && check_secrecy(path, &st, cfg) != 0)
			return (PM_IOERR);
	}
	config_override(cfg, &cl->globals);
	config_finish(cfg);
	return (0);
}

int
rcload_accounts(const struct cmdline *cl, struct config *cfg,
    struct account_list *polls)
{
	char	*cause;
	size_t	 i;

	select_accounts(cfg, cl, polls);
	for (i = 0; i < cfg->accounts.n; i++) {
		account_override(cfg->accounts.v[i], cl->acct);
		if (account_finish(cfg->accounts.v[i], &cause) != 0) {
			log_warnx("%s", cause);
			free(cause);
			return (PM_SYNTAX);
		}
	}
	warn_config(cfg);
	return (0);
}
