/*
 * rc_config.c -- global ("set") settings: create, override, complete.
 */

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "rc_parse.h"
#include "xmalloc.h"

void
config_init(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->daemon = cfg->bouncemail = cfg->spambounce = TRI_UNSET;
	cfg->softbounce = cfg->syslog = cfg->invisible = TRI_UNSET;
	cfg->showdots = cfg->jobs = cfg->deadline = TRI_UNSET;
	cfg->connlimit = TRI_UNSET;
	cfg->hooktimeout = TRI_UNSET;
}

void
config_free(struct config *cfg)
{
	account_list_free(&cfg->accounts);
	free(cfg->logfile);
	free(cfg->idfile);
	free(cfg->pidfile);
	free(cfg->postmaster);
	free(cfg->properties);
	free(cfg->statedir);
	free(cfg->metricsfile);
	strlist_free(&cfg->warnings);
	memset(cfg, 0, sizeof(*cfg));
}

static void
override_int(int *to, int from)
{
	if (from != TRI_UNSET)
		*to = from;
}

static void
override_str(char **to, const char *from)
{
	if (from != NULL) {
		free(*to);
		*to = xstrdup(from);
	}
}

void
config_override(struct config *cfg, const struct config *o)
{
	override_int(&cfg->daemon, o->daemon);
	override_str(&cfg->logfile, o->logfile);
	override_str(&cfg->idfile, o->idfile);
	override_str(&cfg->pidfile, o->pidfile);
	override_str(&cfg->postmaster, o->postmaster);
	override_str(&cfg->properties, o->properties);
	override_int(&cfg->bouncemail, o->bouncemail);
	override_int(&cfg->spambounce, o->spambounce);
	override_int(&cfg->softbounce, o->softbounce);
	override_int(&cfg->syslog, o->syslog);
	override_int(&cfg->invisible, o->invisible);
	override_int(&cfg->showdots, o->showdots);
	override_int(&cfg->jobs, o->jobs);
	override_int(&cfg->connlimit, o->connlimit);
	override_int(&cfg->deadline, o->deadline);
	override_str(&cfg->statedir, o->statedir);
	override_str(&cfg->metricsfile, o->metricsfile);
	override_int(&cfg->hooktimeout, o->hooktimeout);
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
	if (cfg->daemon == TRI_UNSET)
		cfg->daemon = 0;
	if (cfg->idfile == NULL)
		cfg->idfile = default_idfile();
	if (cfg->statedir == NULL)
		cfg->statedir = default_statedir();
	if (cfg->postmaster == NULL)
		cfg->postmaster = getuid() == 0 ? xstrdup("postmaster") :
		    account_login_name();
	if (cfg->bouncemail == TRI_UNSET)
		cfg->bouncemail = 1;
	if (cfg->spambounce == TRI_UNSET)
		cfg->spambounce = 0;
	if (cfg->softbounce == TRI_UNSET)
		cfg->softbounce = 1;
	if (cfg->syslog == TRI_UNSET)
		cfg->syslog = 0;
	if (cfg->invisible == TRI_UNSET)
		cfg->invisible = 0;
	if (cfg->showdots == TRI_UNSET)
		cfg->showdots = 0;
	if (cfg->jobs == TRI_UNSET)
		cfg->jobs = 4;
	if (cfg->connlimit == TRI_UNSET)
		cfg->connlimit = PM_CONNLIMIT_DEFAULT;
	if (cfg->deadline == TRI_UNSET)
		cfg->deadline = 3600;
	if (cfg->hooktimeout == TRI_UNSET)
		cfg->hooktimeout = 60;
}
