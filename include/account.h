/*
 * account.h -- one thing to poll: a server, a login, and where mail goes.
 *
 * Built by rc_parse.c (and the command line), completed by
 * account_finish(), then never changed while a poll runs.  Until then
 * every field the user may set is tri-state: TRI_UNSET / NULL / an empty
 * list until something sets it, so "defaults" and the command line merge
 * the way fetchmail's do (fill what is unset; the command line forces).
 * account_finish() gives every flag and number a value (the option
 * table's default, optable.c), so none is TRI_UNSET after it.
 */

#ifndef PM_ACCOUNT_H
#define PM_ACCOUNT_H

#include <stddef.h>

#include "tls.h"

enum proto {
	PROTO_UNSET = 0,
	PROTO_AUTO,		/* try IMAP, then POP3 (fetchmail's default) */
	PROTO_POP2,		/* accepted by fetchmail's parser, never built */
	PROTO_POP3,
	PROTO_IMAP,
	PROTO_APOP,
	PROTO_RPOP,
	PROTO_KPOP,
	PROTO_SDPS,
	PROTO_ETRN,
	PROTO_ODMR,
};

enum auth {
	AUTH_UNSET = 0,
	AUTH_ANY,
	AUTH_PASSWORD,
	AUTH_KERBEROS_V4,
	AUTH_KERBEROS_V5,
	AUTH_GSSAPI,
	AUTH_CRAM_MD5,
	AUTH_OTP,
	AUTH_NTLM,
	AUTH_MSN,
	AUTH_SSH,		/* "ssh" and "implicit" */
	AUTH_EXTERNAL,
	/* pullmail's own: */
	AUTH_SCRAM_SHA_1,
	AUTH_SCRAM_SHA_256,
	AUTH_XOAUTH2,
	AUTH_OAUTHBEARER,
};

struct strlist {
	char	**v;
	size_t	  n;
};

#define TRI_UNSET	-1	/* a boolean or number the user did not set */
/* "no envelope": set, and meaning "do not look at any header". */
#define ENVELOPE_DISABLED	"\177"

/*
 * The fields are grouped by what they are for; which option sets each one,
 * its default and its --configdump key are in the option table
 * (optable.c).
 */
struct account {
	/* The entry. */
	char		*name;		/* poll name */
	int		 entry;		/* index of the poll entry in the file */
	int		 active;	/* 0 for "skip" entries */

	/* Server: where and how to connect (shared by an entry's users). */
	char		*via;		/* host to connect to, if not name */
	enum proto	 proto;
	char		*service;	/* port number or service name */
	int		 timeout;	/* seconds; 0 = default */
	int		 interval;	/* daemon: poll every Nth cycle */
	enum auth	 auth;

	/* Login. */
	char		*user;		/* remote login */
	char		*password;	/* NULL: look elsewhere */
	char		*passwordeval;	/* pullmail: command printing it */

	/* Retrieval: what is fetched and what is left on the server. */
	int		 keep;
	int		 fetchall;
	int		 flush;
	int		 limitflush;
	int		 limit;
	int		 fetchlimit;
	int		 expunge;
	int		 idle;
	struct strlist	 folders;

	/* Delivery: where mail goes and what is done to it on the way. */
	struct strlist	 smtphosts;	/* "host", "host/port", "/socket" */
	int		 lmtp;
	char		*mda;
	char		*bsmtp;
	char		*maildir;	/* pullmail */
	char		*mbox;		/* pullmail */
	char		*mdauser;	/* pullmail: run the MDA as */
	char		*smtpaddress;
	char		*smtpname;
	char		*esmtpname;
	char		*esmtppassword;
	struct strlist	 antispam;	/* reply codes, as digits */
	int		 batchlimit;
	int		 rewrite;
	int		 stripcr;
	int		 forcecr;
	int		 pass8bits;
	int		 dropstatus;
	int		 dropdelivered;
	int		 mimedecode;
	int		 badheader;	/* 1 accept, 0 reject */
	char		*postdeliver;	/* pullmail: after mail was delivered */
	char		*postpoll;	/* pullmail: after every poll */

	/* Multidrop: finding the local recipients. */
	struct strlist	 locals;	/* local names, "server=local" maps */
	int		 wildcard;	/* "*" among the local names */
	char		*envelope;	/* multidrop envelope header */
	int		 envskip;
	char		*qvirtual;
	struct strlist	 aka;
	struct strlist	 localdomains;

	/* TLS: the options, and the policy account_finish() builds. */
	int		 ssl;		/* implicit TLS */
	char		*sslkey;
	char		*sslcert;
	char		*sslproto;	/* NULL unset, "" plain text */
	int		 sslcertck;
	char		*sslcertfile;
	char		*sslcertpath;
	char		*sslcrlfile;	/* pullmail */
	char		*sslcommonname;
	struct strlist	 sslfingerprints; /* pullmail: several pins */
	struct tls_policy tls;		/* built by account_finish() */

	/*
	 * fetchmail's, parsed, merged and dumped but not acted on; the
	 * OF_REFUSED ones (interface, monitor, plugin, plugout, preconnect,
	 * postconnect) keep an account from being polled.
	 */
	int		 dns;
	int		 uidl;
	int		 checkalias;
	char		*interface;
	char		*monitor;
	char		*plugin;
	char		*plugout;
	char		*principal;
	int		 tracepolls;
	char		*preconnect;
	char		*postconnect;
	int		 warnings;
	int		 fetchsizelimit;
	int		 fastuidl;
	char		*properties;
	struct strlist	 fetchdomains;	/* ETRN and ODMR, never built */

	/* Origin: where it was defined, for messages. */
	char		*rcfile;
	int		 line;		/* of "poll NAME" */
	int		 col;
	/* Where options checked after parsing were set (line 0: unknown). */
	struct rc_pos {
		int	 line, col;
	}		 pos_service, pos_auth, pos_proto, pos_sslproto;
	struct rc_pos	 pos_via, pos_sslcommonname;
};

struct account_list {
	struct account	**v;
	size_t		  n;
};

struct account	*account_new(const char *name);
void		 account_free(struct account *);
void		 account_list_free(struct account_list *);
void		 account_list_add(struct account_list *, struct account *);
/* Fill a's unset fields from d (a "defaults" entry). */
void		 account_merge(struct account *a, const struct account *d);
/* Overwrite a's fields with every field that o sets (the command line). */
void		 account_override(struct account *a, const struct account *o);
/* Copy the server options (not the user options) of from into to. */
void		 account_copy_server(struct account *to,
		    const struct account *from);
/* Does a have more than one local recipient (fetchmail's multidrop)? */
int		 account_multidrop(const struct account *);
/*
 * Apply built-in defaults and derive the TLS policy.  Returns -1 with
 * *cause set (naming rcfile:line) when the combination is invalid.
 */
int		 account_finish(struct account *, char **cause);
/*
 * Can a's login go into protocol commands as it is (no CR or LF)?
 * Returns -1 with *cause set when not.
 */
int		 account_sendable(const struct account *, char **cause);
/*
 * The first option a sets that this version parses but cannot act on
 * yet, or NULL.  Such an account is refused rather than polled wrongly.
 */
const char	*account_not_yet(const struct account *);
/* The host to connect to and the port to use. */
const char	*account_host(const struct account *);
int		 account_port(const struct account *, enum proto);
/* The invoking user's login name (fetchmail's default everywhere). */
char		*account_login_name(void);

const char	*proto_name(enum proto);
const char	*auth_name(enum auth);

void		 strlist_add(struct strlist *, const char *);
void		 strlist_free(struct strlist *);
void		 strlist_copy(struct strlist *to, const struct strlist *from);
/* Split s at commas into l (the command line's list syntax). */
void		 strlist_split(struct strlist *l, const char *s);

#endif
