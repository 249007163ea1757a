/*
 * account.c -- account records: merge, override, defaults, derived settings.
 *
 * One table lists every user-settable field with its kind, so merging a
 * "defaults" record, forcing the command line and freeing all walk the
 * same list and a new option cannot be forgotten in one of them.
 */

#include <sys/types.h>

#include <netdb.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "account.h"
#include "bounds.h"
#include "net.h"
#include "optable.h"
#include "pin.h"
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

void
strlist_copy(struct strlist *to, const struct strlist *from)
{
	size_t	i;

	for (i = 0; i < from->n; i++)
		strlist_add(to, from->v[i]);
}

void
strlist_split(struct strlist *l, const char *s)
{
	char	*copy, *p, *tok;

	copy = p = xstrdup(s);
	while ((tok = strsep(&p, ",")) != NULL) {
		if (*tok != '\0')
			strlist_add(l, tok);
	}
	free(copy);
}

struct account *
account_new(const char *name)
{
	struct account	*a;

	a = xcalloc(1, sizeof(*a));
	a->name = xstrdup(name);
	a->active = 1;
	opt_clear_all(a, 0);
	tls_policy_init(&a->tls);
	return (a);
}

void
account_free(struct account *a)
{
	if (a == NULL)
		return;
	opt_clear_all(a, 0);
	free(a->name);
	tls_policy_free(&a->tls);
	free(a->rcfile);
	free(a);
}

void
account_list_add(struct account_list *l, struct account *a)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = a;
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

/* Rows whose storage is in struct account. */
static int
acct_row(const struct opt *o)
{
	return (o->scope != OS_SET && !(o->flags & OF_VIEW));
}

void
account_merge(struct account *a, const struct account *d)
{
	size_t	i;

	for (i = 0; i < optable_n; i++) {
		if (acct_row(&optable[i]) && !opt_is_set(a, &optable[i]))
			opt_copy(a, d, &optable[i]);
	}
}

void
account_override(struct account *a, const struct account *o)
{
	const struct opt	*r;
	size_t			 i;

	for (i = 0; i < optable_n; i++) {
		r = &optable[i];
		if (!acct_row(r) || !opt_is_set(o, r))
			continue;
		/* fetchmail appends command-line lists to the rcfile's. */
		if (r->kind != OK_LIST)
			opt_clear(a, r);
		opt_copy(a, o, r);
	}
}

void
account_copy_server(struct account *to, const struct account *from)
{
	size_t	i;

	for (i = 0; i < optable_n; i++) {
		if (acct_row(&optable[i]) && optable[i].scope == OS_SERVER) {
			opt_clear(to, &optable[i]);
			opt_copy(to, from, &optable[i]);
		}
	}
}

int
account_multidrop(const struct account *a)
{
	return (a->wildcard == 1 || a->locals.n > 1);
}

int
account_sendable(const struct account *a, char **cause)
{
	/* These go into protocol lines verbatim; a line break would inject. */
	if (strpbrk(a->user, "\r\n") != NULL ||
	    (a->password != NULL && strpbrk(a->password, "\r\n") != NULL)) {
		xasprintf(cause, "%s:%d: the user name or password for %s "
		    "holds a line break, which would split the command that "
		    "sends it; not polling", a->rcfile != NULL ? a->rcfile :
		    "command line", a->line, a->name);
		return (-1);
	}
	return (0);
}

const char *
account_not_yet(const struct account *a)
{
	size_t	i;

	/* Options whose absence would change where mail goes or what is
	 * deleted: refused until the engine honours them. */
	for (i = 0; i < optable_n; i++) {
		if ((optable[i].flags & OF_REFUSED) &&
		    opt_is_set(a, &optable[i]))
			return (optable[i].name);
	}
	if (a->proto != PROTO_AUTO && a->proto != PROTO_POP3 &&
	    a->proto != PROTO_IMAP && a->proto != PROTO_APOP)
		return ("this protocol");
	if (a->auth == AUTH_KERBEROS_V5 || a->auth == AUTH_GSSAPI ||
	    a->auth == AUTH_OTP || a->auth == AUTH_NTLM || a->auth == AUTH_MSN)
		return ("this authentication type");
	return (NULL);
}

const char *
account_host(const struct account *a)
{
	return (a->via != NULL ? a->via : a->name);
}

/* Numbers, not /etc/services, for the names everybody uses. */
static const struct {
	const char	*name;
	int		 port;
} well_known[] = {
	{ "pop2", 109 }, { "pop3", 110 }, { "imap", 143 }, { "imap2", 143 },
	{ "imaps", 993 }, { "pop3s", 995 }, { "kpop", 1109 },
};

/* The port a service string names, or -1. */
static int
service_port(const char *s)
{
	struct servent	*se;
	const char	*errstr;
	long long	 n;
	size_t		 i;

	n = strtonum(s, 1, 65535, &errstr);
	if (errstr == NULL)
		return ((int)n);
	for (i = 0; i < nitems(well_known); i++) {
		if (strcmp(s, well_known[i].name) == 0)
			return (well_known[i].port);
	}
	if ((se = getservbyname(s, "tcp")) != NULL)
		return (ntohs(se->s_port));
	return (-1);
}

int
account_port(const struct account *a, enum proto p)
{
	if (a->service != NULL)
		return (service_port(a->service));
	switch (p) {
	case PROTO_POP3:
	case PROTO_APOP:
	case PROTO_RPOP:
	case PROTO_SDPS:
		return (a->ssl == 1 ? 995 : 110);
	case PROTO_KPOP:
		return (1109);
	case PROTO_POP2:
		return (109);
	case PROTO_ETRN:
	case PROTO_ODMR:
		return (p == PROTO_ETRN ? 25 : 366);
	default:
		return (a->ssl == 1 ? 993 : 143);
	}
}

char *
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

const char *
proto_name(enum proto p)
{
	switch (p) {
	case PROTO_UNSET:
	case PROTO_AUTO:
		return ("auto");
	case PROTO_POP2:
		return ("unknown?!?");	/* what fetchmail prints for it */
	case PROTO_POP3:
		return ("POP3");
	case PROTO_IMAP:
		return ("IMAP");
	case PROTO_APOP:
		return ("APOP");
	case PROTO_RPOP:
		return ("RPOP");
	case PROTO_KPOP:
		return ("KPOP");
	case PROTO_SDPS:
		return ("SDPS");
	case PROTO_ETRN:
		return ("ETRN");
	case PROTO_ODMR:
		return ("ODMR");
	}
	return ("unknown?!?");
}

const char *
auth_name(enum auth au)
{
	switch (au) {
	case AUTH_UNSET:
	case AUTH_ANY:
		return ("any");
	case AUTH_PASSWORD:
		return ("password");
	case AUTH_KERBEROS_V4:
		return ("kerberos_v4");
	case AUTH_KERBEROS_V5:
		return ("kerberos_v5");
	case AUTH_GSSAPI:
		return ("gssapi");
	case AUTH_CRAM_MD5:
		return ("cram-md5");
	case AUTH_OTP:
		return ("otp");
	case AUTH_NTLM:
		return ("ntlm");
	case AUTH_MSN:
		return ("msn");
	case AUTH_SSH:
		return ("ssh");
	case AUTH_EXTERNAL:
		return ("external");
	case AUTH_SCRAM_SHA_1:
		return ("scram-sha-1");
	case AUTH_SCRAM_SHA_256:
		return ("scram-sha-256");
	case AUTH_XOAUTH2:
		return ("xoauth2");
	case AUTH_OAUTHBEARER:
		return ("oauthbearer");
	}
	return ("any");
}

/* The first LMTP host that would fall back to port 25, or n. */
static size_t
lmtp_default_port(const struct account *a)
{
	const char	*slash;
	size_t		 i;

	for (i = 0; i < a->smtphosts.n; i++) {
		if (a->smtphosts.v[i][0] == '/')
			continue;
		slash = strchr(a->smtphosts.v[i], '/');
		if (slash == NULL || strcmp(slash + 1, "25") == 0 ||
		    strcmp(slash + 1, "smtp") == 0)
			break;
	}
	return (i);
}

/* Auth types that never send a password: fetchmail fills in the login. */
static int
auth_needs_password(const struct account *a)
{
	switch (a->auth) {
	case AUTH_GSSAPI:
	case AUTH_KERBEROS_V4:
	case AUTH_KERBEROS_V5:
	case AUTH_SSH:
	case AUTH_EXTERNAL:
	case AUTH_OTP:
		return (0);
	default:
		return (a->proto != PROTO_ETRN);
	}
}

/* Built-in defaults for everything still unset: no TRI_UNSET survives. */
static void
account_defaults(struct account *a)
{
	char	*me;

	if (a->proto == PROTO_UNSET)
		a->proto = PROTO_AUTO;
	if (a->auth == AUTH_UNSET)
		a->auth = AUTH_ANY;
	if (a->timeout == 0)
		a->timeout = PM_TIMEOUT_DEFAULT;
	if (a->stripcr == TRI_UNSET)
		a->stripcr = a->mda != NULL;
	opt_defaults(a, 0);
	if (a->envelope == NULL)
		a->envelope = xstrdup("Received");

	me = account_login_name();
	if (a->user == NULL)
		a->user = xstrdup(me);
	if (a->esmtpname == NULL)
		a->esmtpname = xstrdup(me);
	if (a->locals.n == 0)
		strlist_add(&a->locals, me);
	free(me);
	if (a->smtphosts.n == 0)
		strlist_add(&a->smtphosts, "localhost");
	if (a->password == NULL && !auth_needs_password(a) && a->active)
		a->password = xstrdup(a->user);

	if ((a->proto == PROTO_ETRN || a->proto == PROTO_ODMR) &&
	    a->fetchdomains.n == 0) {
		char	host[256];

		net_local_hostname(host, sizeof(host));
		strlist_add(&a->fetchdomains, host);
	}
}

/* Combinations that cannot work; *pos is where to point, if known. */
static int
account_check(struct account *a, const struct rc_pos **pos, char **cause)
{
	size_t	i;

	if (a->service != NULL && service_port(a->service) == -1) {
		*pos = &a->pos_service;
		xasprintf(cause, "service \"%s\" is not a port number "
		    "(1-65535) or a known service name", a->service);
		return (-1);
	}
	if (a->auth == AUTH_KERBEROS_V4) {
		*pos = &a->pos_auth;
		xasprintf(cause, "Kerberos IV authentication (\"kerberos\" in "
		    "an rcfile) is not supported; use kerberos_v5 or gssapi");
		return (-1);
	}
	/* fetchmail lets bsmtp win over mda; ours must stand alone. */
	if ((a->maildir != NULL) + (a->mbox != NULL) + (a->mda != NULL ||
	    a->bsmtp != NULL) > 1) {
		xasprintf(cause, "maildir and mbox do not go with each other "
		    "or with mda or bsmtp: where should the mail go?");
		return (-1);
	}
	if (a->lmtp == 1 && (i = lmtp_default_port(a)) < a->smtphosts.n) {
		xasprintf(cause, "LMTP host \"%s\" needs an explicit port "
		    "other than 25 (write %s/PORT) or a socket path",
		    a->smtphosts.v[i], a->smtphosts.v[i]);
		return (-1);
	}
	if (a->proto == PROTO_RPOP && account_port(a, a->proto) >= 1024) {
		*pos = a->pos_service.line != 0 ? &a->pos_service :
		    &a->pos_proto;
		xasprintf(cause, "RPOP needs a privileged port (below 1024), "
		    "not %d", account_port(a, a->proto));
		return (-1);
	}

	return (0);
}

/* The TLS policy the ssl* options ask for. */
static int
account_tls(struct account *a, const struct rc_pos **pos, char **cause)
{
	size_t	i;

	tls_policy_free(&a->tls);
	tls_policy_init(&a->tls);
	if (a->sslfingerprints.n > 0)
		a->tls.pins = xreallocarray(NULL, a->sslfingerprints.n,
		    sizeof(*a->tls.pins));
	for (i = 0; i < a->sslfingerprints.n; i++) {
		if (pin_parse(a->sslfingerprints.v[i], &a->tls.pins[i],
		    cause) != 0)
			return (-1);
		a->tls.npins++;
	}
	if (a->sslcrlfile != NULL)
		a->tls.crlfile = xstrdup(a->sslcrlfile);
	if (a->sslcert != NULL)
		a->tls.certfile = xstrdup(a->sslcert);
	if (a->sslkey != NULL)
		a->tls.keyfile = xstrdup(a->sslkey);
	if (a->sslproto != NULL &&
	    tls_policy_set_proto(&a->tls, a->sslproto, cause) != 0) {
		*pos = &a->pos_sslproto;
		return (-1);
	}
	if (a->ssl)
		a->tls.mode = TLS_MODE_IMPLICIT;	/* ssl wins over '' */
	a->tls.verify = a->sslcertck;
	if (a->sslcertfile != NULL)
		a->tls.cafile = xstrdup(a->sslcertfile);
	if (a->sslcertpath != NULL)
		a->tls.capath = xstrdup(a->sslcertpath);
	a->tls.servername = xstrdup(a->sslcommonname != NULL ?
	    a->sslcommonname : account_host(a));
	/*
	 * An empty name would turn off the host name check and SNI while
	 * the chain is still checked: any certificate from a trusted CA
	 * would do.  Only pins-without-sslcertck go without a name.
	 */
	if (a->tls.verify && a->tls.mode != TLS_MODE_PLAIN &&
	    *a->tls.servername == '\0') {
		if (a->sslcommonname != NULL)
			*pos = &a->pos_sslcommonname;
		else if (a->via != NULL)
			*pos = &a->pos_via;
		xasprintf(cause, "%s \"\" leaves no server name to check the "
		    "certificate against; write the name in the server's "
		    "certificate (for example sslcommonname mail.example.org)%s",
		    a->sslcommonname != NULL ? "sslcommonname" :
		    a->via != NULL ? "via" : "poll",
		    a->sslcommonname != NULL ? ", or remove it to check the "
		    "server's name" : "");
		return (-1);
	}
	return (0);
}

int
account_finish(struct account *a, char **cause)
{
	const struct rc_pos	*pos = NULL;
	char			*inner;

	account_defaults(a);
	if (account_check(a, &pos, cause) == 0 &&
	    account_tls(a, &pos, cause) == 0)
		return (0);

	inner = *cause;
	if (a->rcfile == NULL)
		xasprintf(cause, "%s: %s", a->name, inner);
	else if (pos != NULL && pos->line != 0)
		xasprintf(cause, "%s:%d:%d: %s", a->rcfile, pos->line,
		    pos->col, inner);
	else
		xasprintf(cause, "%s:%d:%d: poll %s: %s", a->rcfile, a->line,
		    a->col, a->name, inner);
	free(inner);
	return (-1);
}
