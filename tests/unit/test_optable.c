/*
 * test_optable.c -- the option table is consistent, and every row is
 * reachable: from the rcfile, from the command line, and through
 * account_finish() and config_finish() to a value that is never TRI_UNSET.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "optable.h"
#include "rc_keywords.h"
#include "rc_parse.h"
#include "tap.h"
#include "xmalloc.h"

static char	problems[4096];

static void
problem(const char *row, const char *what)
{
	size_t	len = strlen(problems);

	snprintf(problems + len, sizeof(problems) - len, " %s: %s;",
	    row != NULL ? row : "(no name)", what);
}

/* ok() with the problems found, then start over. */
static void
report(const char *what)
{
	ok(problems[0] == '\0', "%s%s%s", what, problems[0] != '\0' ?
	    ":" : "", problems);
	problems[0] = '\0';
}

static const char *
row_name(const struct opt *o)
{
	return (o->name != NULL ? o->name : o->dump != NULL ? o->dump :
	    o->cl != NULL ? o->cl : "?");
}

/* Each space-separated word of list, with prefix, must look up to o. */
static void
check_spellings(const struct opt *o, const char *list, const char *prefix)
{
	const struct keyword	*k;
	struct keyword		 buf;
	char			*copy, *p, *w, word[64];

	if (list == NULL)
		return;
	copy = p = xstrdup(list);
	while ((w = strsep(&p, " ")) != NULL) {
		snprintf(word, sizeof(word), "%s%s", prefix, w);
		k = rc_lookup(word, &buf);
		if (k == NULL || k->opt != o)
			problem(word, "does not look up to its row");
	}
	free(copy);
}

static void
check_rows(void)
{
	const struct opt	*o, *q;
	size_t			 i, j;

	for (i = 0; i < optable_n; i++) {
		o = &optable[i];
		check_spellings(o, o->name, "");
		check_spellings(o, o->aliases, "");
		if (o->flags & OF_JOINED) {
			check_spellings(o, o->name, "no");
			check_spellings(o, o->aliases, "no");
		}
	}
	report("every name, alias and joined \"no\" form finds its row");

	for (i = 0; i < optable_n; i++) {
		o = &optable[i];
		if (o->name != NULL && !(o->flags & OF_OWN_RC) &&
		    o->kind != OK_FLAG && o->what == NULL)
			problem(row_name(o), "no \"what\" for its messages");
		if (o->kind == OK_INT && o->min > o->max)
			problem(row_name(o), "min > max");
		if (o->kind == OK_INT && !(o->flags & OF_NODEFAULT) &&
		    (o->def < o->min || o->def > o->max))
			problem(row_name(o), "default out of range");
		if (o->kind == OK_ENUM && !(o->flags & OF_OWN_RC))
			problem(row_name(o), "an enum needs its own parser");
	}
	report("messages, ranges and defaults are complete");

	for (i = 0; i < optable_n; i++) {
		o = &optable[i];
		if (o->cl_short != 0 && strchr("?hVcsvNqf", o->cl_short))
			problem(row_name(o), "letter taken by a mode");
		for (j = i + 1; j < optable_n; j++) {
			q = &optable[j];
			if (o->cl_short != 0 && (o->cl_short == q->cl_short ||
			    o->cl_short == q->cl_noshort))
				problem(row_name(q), "letter used twice");
			if (o->cl_noshort != 0 &&
			    (o->cl_noshort == q->cl_short ||
			    o->cl_noshort == q->cl_noshort))
				problem(row_name(q), "letter used twice");
			if (o->dump != NULL && q->dump != NULL &&
			    o->scope == q->scope &&
			    strcmp(o->dump, q->dump) == 0)
				problem(row_name(q), "dump key used twice");
			if (o->off == q->off && (o->scope == OS_SET) ==
			    (q->scope == OS_SET) && !(o->flags & OF_VIEW) &&
			    !(q->flags & OF_VIEW))
				problem(row_name(q), "two rows own one field");
		}
	}
	report("letters, dump keys and fields are each used once");
}

/* A value the row accepts, on the command line and in an rcfile. */
static const char *
sample(const struct opt *o, char *buf, size_t len)
{
	switch (o->kw) {
	case KW_PROTO: return ("imap");
	case KW_AUTH: return ("password");
	case KW_SERVICE: return ("110");
	case KW_PORT: return ("110");
	case KW_BADHEADER: return ("accept");
	case KW_ANTISPAM: return ("550");
	case KW_INTERFACE: return ("ppp0/10.0.0.1");
	case KW_SSLFINGERPRINT: return ("AB");
	default: break;
	}
	if (o->kind == OK_INT) {
		snprintf(buf, len, "%d", o->min + 1);
		return (buf);
	}
	return ("x");
}

static void
check_cmdline(void)
{
	struct cmdline		 cl;
	const struct opt	*o;
	char			*argv[4], name[64], buf[32];
	size_t			 i;
	int			 n, rc;

	for (i = 0; i < optable_n; i++) {
		o = &optable[i];
		if (o->cl == NULL)
			continue;
		snprintf(name, sizeof(name), "--%.*s",
		    (int)strcspn(o->cl, " "), o->cl);
		n = 0;
		argv[n++] = (char *)"pullmail";
		argv[n++] = name;
		if (o->kind != OK_FLAG || (o->flags & OF_OWN_CL))
			argv[n++] = (char *)sample(o, buf, sizeof(buf));
		argv[n] = NULL;
		rc = cmdline_parse(&cl, n, argv);
		if (rc != -1)
			problem(name, "refused");
		else if (!opt_is_set(o->scope == OS_SET ? (void *)&cl.globals :
		    cl.acct, o))
			problem(name, "sets nothing");
		cmdline_free(&cl);
	}
	report("every long option sets its row's field");
}

static void
check_rcfile(void)
{
	struct config		 cfg;
	const struct opt	*o;
	char			*cause, text[256], buf[32];
	const char		*val;
	size_t			 i;
	void			*rec;

	for (i = 0; i < optable_n; i++) {
		o = &optable[i];
		if (o->name == NULL)
			continue;
		val = o->kind == OK_FLAG && !(o->flags & OF_OWN_RC) ? "" :
		    sample(o, buf, sizeof(buf));
		if (o->scope == OS_SET)
			snprintf(text, sizeof(text), "set %s %s\n", o->name,
			    val);
		else
			snprintf(text, sizeof(text), "poll h %s %s\n", o->name,
			    val);
		config_init(&cfg);
		cause = NULL;
		if (rc_parse("rc", NULL, text, strlen(text), &cfg,
		    &cause) != 0) {
			problem(o->name, cause);
			free(cause);
		} else {
			rec = o->scope == OS_SET ? (void *)&cfg :
			    cfg.accounts.v[0];
			if (!opt_is_set(rec, o))
				problem(o->name, "sets nothing");
			else if (o->kind == OK_FLAG &&
			    *OPT_FIELD(rec, o, int) != 1)
				problem(o->name, "is not on");
		}
		config_free(&cfg);
	}
	report("every keyword sets its row's field");
}

static void
check_finish(void)
{
	struct config		 cfg;
	struct account		*a;
	const struct opt	*o;
	char			*cause = NULL;
	size_t			 i;
	void			*rec;

	config_init(&cfg);
	config_finish(&cfg);
	a = account_new("h");
	if (account_finish(a, &cause) != 0) {
		problem("account_finish", cause);
		free(cause);
	}
	for (i = 0; i < optable_n; i++) {
		o = &optable[i];
		rec = o->scope == OS_SET ? (void *)&cfg : a;
		if ((o->kind == OK_FLAG || o->kind == OK_INT) &&
		    *OPT_FIELD(rec, o, int) == TRI_UNSET)
			problem(row_name(o), "TRI_UNSET after finishing");
		if (o->kind == OK_ENUM && *OPT_FIELD(rec, o, int) == 0)
			problem(row_name(o), "unset after finishing");
	}
	report("no flag, number or enum is unset after finishing");
	account_free(a);
	config_free(&cfg);
}

int
main(void)
{
	FILE	*saved = stderr;

	plan(6);
	check_rows();
	stderr = fopen("/dev/null", "w");
	check_cmdline();
	fclose(stderr);
	stderr = saved;
	check_rcfile();
	check_finish();
	return (done_testing());
}
