/*
 * account.c -- account records: merge, defaults, derived settings.
 */

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "account.h"
#include "bounds.h"
#include "xmalloc.h"

void
strlist_add(struct strlist *l, const char *s)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = xstrdup(s);
}

void
strlist_free(struct strlist *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void
strlist_copy(struct strlist *to, const struct strlist *from)
{
	size_t	i;

	for (i = 0; i < from->n; i++)
		strlist_add(to, from->v[i]);
}

struct account *
account_new(const char *name)
{
	struct account	*a;

	a = xcalloc(1, sizeof(*a));
	a->name = xstrdup(name);
	a->port = TRI_UNSET;
	a->timeout = TRI_UNSET;
	a->active = 1;
	a->ssl = TRI_UNSET;
	a->sslcertck = TRI_UNSET;
	a->keep = TRI_UNSET;
	a->fetchall = TRI_UNSET;
	tls_policy_init(&a->tls);
	return (a);
}

void
account_free(struct account *a)
{
	if (a == NULL)
		return;
	free(a->name);
	free(a->via);
	free(a->user);
	if (a->password != NULL) {
		explicit_bzero(a->password, strlen(a->password));
		free(a->password);
	}
	strlist_free(&a->locals);
	free(a->sslproto);
	free(a->sslcertfile);
	free(a->sslcertpath);
	free(a->sslcommonname);
	tls_policy_free(&a->tls);
	strlist_free(&a->smtphosts);
	free(a->mda);
	strlist_free(&a->folders);
	free(a->rcfile);
	free(a);
}

void
account_list_free(struct account_list *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		account_free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

#define MERGE_STR(f) do {						\
	if (a->f == NULL && d->f != NULL)				\
		a->f = xstrdup(d->f);					\
} while (0)
#define MERGE_INT(f) do {						\
	if (a->f == TRI_UNSET)						\
		a->f = d->f;						\
} while (0)
#define MERGE_LIST(f) do {						\
	if (a->f.n == 0)						\
		strlist_copy(&a->f, &d->f);				\
} while (0)

void
account_merge(struct account *a, const struct account *d)
{
	if (a->proto == PROTO_UNSET)
		a->proto = d->proto;
	MERGE_STR(via);
	MERGE_INT(port);
	MERGE_INT(timeout);
	MERGE_STR(user);
	MERGE_STR(password);
	MERGE_LIST(locals);
	MERGE_INT(ssl);
	MERGE_STR(sslproto);
	MERGE_INT(sslcertck);
	MERGE_STR(sslcertfile);
	MERGE_STR(sslcertpath);
	MERGE_STR(sslcommonname);
	MERGE_LIST(smtphosts);
	MERGE_STR(mda);
	MERGE_INT(keep);
	MERGE_INT(fetchall);
	MERGE_LIST(folders);
}

const char *
account_host(const struct account *a)
{
	return (a->via != NULL ? a->via : a->name);
}

int
account_port(const struct account *a, enum proto p)
{
	if (a->port != TRI_UNSET)
		return (a->port);
	/* Numbers, not /etc/services: a missing file must not break us. */
	if (p == PROTO_POP3)
		return (a->ssl == 1 ? 995 : 110);
	return (a->ssl == 1 ? 993 : 143);
}

static char *
account_login_name(void)
{
	struct passwd	*pw;
	const char	*s;

	if ((pw = getpwuid(getuid())) != NULL)
		return (xstrdup(pw->pw_name));
	if ((s = getenv("USER")) != NULL && *s != '\0')
		return (xstrdup(s));
	return (xstrdup("postmaster"));
}

int
account_finish(struct account *a, char **cause)
{
	char	*me;

	if (a->proto == PROTO_UNSET)
		a->proto = PROTO_AUTO;
	if (a->timeout == TRI_UNSET || a->timeout == 0)
		a->timeout = PM_TIMEOUT_DEFAULT;
	if (a->ssl == TRI_UNSET)
		a->ssl = 0;
	if (a->sslcertck == TRI_UNSET)
		a->sslcertck = 1;
	if (a->keep == TRI_UNSET)
		a->keep = 0;
	if (a->fetchall == TRI_UNSET)
		a->fetchall = 0;
	me = account_login_name();
	if (a->user == NULL)
		a->user = xstrdup(me);
	if (a->locals.n == 0)
		strlist_add(&a->locals, me);
	free(me);
	if (a->smtphosts.n == 0 && a->mda == NULL)
		strlist_add(&a->smtphosts, "localhost");
	if (a->folders.n == 0)
		strlist_add(&a->folders, "INBOX");

	/* These go into protocol lines verbatim; a line break would inject. */
	if (strpbrk(a->user, "\r\n") != NULL ||
	    (a->password != NULL && strpbrk(a->password, "\r\n") != NULL)) {
		xasprintf(cause, "user name or password of %s holds a line "
		    "break", a->name);
		goto bad;
	}
	tls_policy_free(&a->tls);
	tls_policy_init(&a->tls);
	if (a->sslproto != NULL &&
	    tls_policy_set_proto(&a->tls, a->sslproto, cause) != 0)
		goto bad;
	if (a->ssl)
		a->tls.mode = TLS_MODE_IMPLICIT;	/* ssl wins over '' */
	a->tls.verify = a->sslcertck;
	if (a->sslcertfile != NULL)
		a->tls.cafile = xstrdup(a->sslcertfile);
	if (a->sslcertpath != NULL)
		a->tls.capath = xstrdup(a->sslcertpath);
	a->tls.servername = xstrdup(a->sslcommonname != NULL ?
	    a->sslcommonname : account_host(a));
	return (0);

bad:
	if (a->rcfile != NULL) {
		char	*inner = *cause;

		xasprintf(cause, "%s:%d: %s", a->rcfile, a->line, inner);
		free(inner);
	}
	return (-1);
}
