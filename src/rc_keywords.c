/*
 * rc_keywords.c -- the words of the grammar; the options' own words are
 * in the option table (optable.c).
 */

#include <string.h>

#include "account.h"
#include "optable.h"
#include "rc_keywords.h"
#include "xmalloc.h"

static const struct keyword keywords[] = {
	{ "set",		KW_SET,		KC_STMT, 0, 0, NULL },
	{ "poll",		KW_POLL,	KC_STMT, 0, 0, NULL },
	{ "server",		KW_POLL,	KC_STMT, 0, 0, NULL },
	{ "skip",		KW_SKIP,	KC_STMT, 0, 0, NULL },
	{ "defaults",		KW_DEFAULTS,	KC_STMT, 0, 0, NULL },
	{ "no",			KW_NO,		KC_OTHER, 0, 0, NULL },
	{ "here",		KW_HERE,	KC_OTHER, 0, 0, NULL },
	{ "there",		KW_THERE,	KC_OTHER, 0, 0, NULL },
	{ "accept",		KW_ACCEPT,	KC_OTHER, 0, 0, NULL },
	{ "reject",		KW_REJECT,	KC_OTHER, 0, 0, NULL },
	{ "is",			KW_IS,		KC_USER, 0, 0, NULL },
	{ "to",			KW_TO,		KC_USER, 0, 0, NULL },
	{ "user",		KW_USER,	KC_USER, 0, 0, NULL },
	{ "username",		KW_USER,	KC_USER, 0, 0, NULL },
	{ "pass",		KW_PASS,	KC_USER, 0, 0, NULL },
	{ "password",		KW_PASS,	KC_USER, 0, 0, NULL },

	/* Protocol and auth names are keywords everywhere in fetchmail. */
	{ "auto",	KW_PROTOVAL, KC_OTHER, 0, PROTO_AUTO, NULL },
	{ "AUTO",	KW_PROTOVAL, KC_OTHER, 0, PROTO_AUTO, NULL },
	{ "pop2",	KW_PROTOVAL, KC_OTHER, 0, PROTO_POP2, NULL },
	{ "POP2",	KW_PROTOVAL, KC_OTHER, 0, PROTO_POP2, NULL },
	{ "pop3",	KW_PROTOVAL, KC_OTHER, 0, PROTO_POP3, NULL },
	{ "POP3",	KW_PROTOVAL, KC_OTHER, 0, PROTO_POP3, NULL },
	{ "imap",	KW_PROTOVAL, KC_OTHER, 0, PROTO_IMAP, NULL },
	{ "IMAP",	KW_PROTOVAL, KC_OTHER, 0, PROTO_IMAP, NULL },
	{ "apop",	KW_PROTOVAL, KC_OTHER, 0, PROTO_APOP, NULL },
	{ "APOP",	KW_PROTOVAL, KC_OTHER, 0, PROTO_APOP, NULL },
	{ "rpop",	KW_PROTOVAL, KC_OTHER, 0, PROTO_RPOP, NULL },
	{ "RPOP",	KW_PROTOVAL, KC_OTHER, 0, PROTO_RPOP, NULL },
	{ "kpop",	KW_PROTOVAL, KC_OTHER, 0, PROTO_KPOP, NULL },
	{ "KPOP",	KW_PROTOVAL, KC_OTHER, 0, PROTO_KPOP, NULL },
	{ "sdps",	KW_PROTOVAL, KC_OTHER, 0, PROTO_SDPS, NULL },
	{ "SDPS",	KW_PROTOVAL, KC_OTHER, 0, PROTO_SDPS, NULL },
	{ "etrn",	KW_PROTOVAL, KC_OTHER, 0, PROTO_ETRN, NULL },
	{ "ETRN",	KW_PROTOVAL, KC_OTHER, 0, PROTO_ETRN, NULL },
	{ "odmr",	KW_PROTOVAL, KC_OTHER, 0, PROTO_ODMR, NULL },
	{ "ODMR",	KW_PROTOVAL, KC_OTHER, 0, PROTO_ODMR, NULL },
	{ "any",	KW_AUTHVAL, KC_OTHER, 0, AUTH_ANY, NULL },
	{ "gssapi",	KW_AUTHVAL, KC_OTHER, 0, AUTH_GSSAPI, NULL },
	{ "kerberos",	KW_AUTHVAL, KC_OTHER, 0, AUTH_KERBEROS_V4, NULL },
	{ "kerberos4",	KW_AUTHVAL, KC_OTHER, 0, AUTH_KERBEROS_V4, NULL },
	{ "kerberos_v4", KW_AUTHVAL, KC_OTHER, 0, AUTH_KERBEROS_V4, NULL },
	{ "kerberos5",	KW_AUTHVAL, KC_OTHER, 0, AUTH_KERBEROS_V5, NULL },
	{ "kerberos_v5", KW_AUTHVAL, KC_OTHER, 0, AUTH_KERBEROS_V5, NULL },
	{ "ssh",	KW_AUTHVAL, KC_OTHER, 0, AUTH_SSH, NULL },
	{ "external",	KW_AUTHVAL, KC_OTHER, 0, AUTH_EXTERNAL, NULL },
	{ "otp",	KW_AUTHVAL, KC_OTHER, 0, AUTH_OTP, NULL },
	{ "opie",	KW_AUTHVAL, KC_OTHER, 0, AUTH_OTP, NULL },
	{ "cram",	KW_AUTHVAL, KC_OTHER, 0, AUTH_CRAM_MD5, NULL },
	{ "cram-md5",	KW_AUTHVAL, KC_OTHER, 0, AUTH_CRAM_MD5, NULL },
	{ "msn",	KW_AUTHVAL, KC_OTHER, 0, AUTH_MSN, NULL },
	{ "ntlm",	KW_AUTHVAL, KC_OTHER, 0, AUTH_NTLM, NULL },
	{ "scram-sha-1", KW_AUTHVAL, KC_OTHER, KF_EXT, AUTH_SCRAM_SHA_1, NULL },
	{ "scram-sha-256", KW_AUTHVAL, KC_OTHER, KF_EXT, AUTH_SCRAM_SHA_256,
	  NULL },
	{ "xoauth2",	KW_AUTHVAL, KC_OTHER, KF_EXT, AUTH_XOAUTH2, NULL },
	{ "oauthbearer", KW_AUTHVAL, KC_OTHER, KF_EXT, AUTH_OAUTHBEARER, NULL },
};

/* Noise words: fetchmail's lexer drops them like "," ";" ":". */
static const char *const noise[] = { "with", "and", "has", "wants",
    "options" };

const struct keyword *
rc_lookup(const char *word, struct keyword *buf)
{
	const struct opt	*o;
	size_t			 i;
	int			 negated;

	for (i = 0; i < nitems(keywords); i++) {
		if (strcmp(keywords[i].name, word) == 0)
			return (&keywords[i]);
	}
	if ((o = opt_by_word(word, &negated)) == NULL)
		return (NULL);
	buf->name = word;
	buf->kw = o->kw;
	buf->cls = o->scope == OS_SERVER ? KC_SERVER : o->scope == OS_USER ?
	    KC_USER : KC_SET;
	buf->flags = negated ? KF_NEGATED : (o->flags & OF_NEGATABLE) ?
	    KF_NEGATABLE : 0;
	if (o->flags & OF_EXT)
		buf->flags |= KF_EXT;
	buf->value = 0;
	buf->opt = o;
	return (buf);
}

int
rc_is_noise(const char *s)
{
	size_t	i;

	for (i = 0; i < nitems(noise); i++) {
		if (strcmp(s, noise[i]) == 0)
			return (1);
	}
	return (0);
}

