/*
 * rc_config.c -- global ("set") settings: create, override, complete.
 */

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "optable.h"
#include "rc_parse.h"
#include "xmalloc.h"

void
config_init(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	opt_clear_all(cfg, 1);
}

void
config_free(struct config *cfg)
{
	account_list_free(&cfg->accounts);
	opt_clear_all(cfg, 1);
	strlist_free(&cfg->warnings);
	memset(cfg, 0, sizeof(*cfg));
}

void
config_override(struct config *cfg, const struct config *o)
{
	const struct opt	*r;
	size_t			 i;

	for (i = 0; i < optable_n; i++) {
		r = &optable[i];
		if (r->scope == OS_SET && opt_is_set(o, r)) {
			opt_clear(cfg, r);
			opt_copy(cfg, o, r);
		}
	}
}

/* fetchmail's ~/.fetchids, or $FETCHMAILHOME/.fetchids. */
static char *
default_idfile(void)
{
	const char	*home;
	char		*path;

	if ((home = getenv("FETCHMAILHOME")) == NULL &&
	    (home = getenv("HOME")) == NULL)
		home = "";
	xasprintf(&path, "%s/.fetchids", home);
	return (path);
}

/* $XDG_STATE_HOME/pullmail, else ~/.local/state/pullmail. */
static char *
default_statedir(void)
{
	const char	*base;
	char		*path;

	if ((base = getenv("XDG_STATE_HOME")) != NULL && *base == '/')
		xasprintf(&path, "%s/pullmail", base);
	else {
		if ((base = getenv("HOME")) == NULL)
			base = "";
		xasprintf(&path, "%s/.local/state/pullmail", base);
	}
	return (path);
}

void
config_finish(struct config *cfg)
{
	if (cfg->idfile == NULL)
		cfg->idfile = default_idfile();
	if (cfg->statedir == NULL)
		cfg->statedir = default_statedir();
	if (cfg->postmaster == NULL)
		cfg->postmaster = getuid() == 0 ? xstrdup("postmaster") :
		    account_login_name();
	opt_defaults(cfg, 1);
}
