/*
 * rc_keywords.c -- fetchmail's keyword table, with pullmail's own words.
 */

#include <string.h>

#include "account.h"
#include "rc_keywords.h"
#include "xmalloc.h"

static const struct keyword keywords[] = {
	{ "set",		KW_SET,		KC_STMT, 0, 0 },
	{ "poll",		KW_POLL,	KC_STMT, 0, 0 },
	{ "server",		KW_POLL,	KC_STMT, 0, 0 },
	{ "skip",		KW_SKIP,	KC_STMT, 0, 0 },
	{ "defaults",		KW_DEFAULTS,	KC_STMT, 0, 0 },
	{ "no",			KW_NO,		KC_OTHER, 0, 0 },
	{ "here",		KW_HERE,	KC_OTHER, 0, 0 },
	{ "there",		KW_THERE,	KC_OTHER, 0, 0 },
	{ "accept",		KW_ACCEPT,	KC_OTHER, 0, 0 },
	{ "reject",		KW_REJECT,	KC_OTHER, 0, 0 },
	{ "is",			KW_IS,		KC_USER, 0, 0 },
	{ "to",			KW_TO,		KC_USER, 0, 0 },
	{ "user",		KW_USER,	KC_USER, 0, 0 },
	{ "username",		KW_USER,	KC_USER, 0, 0 },
	{ "pass",		KW_PASS,	KC_USER, 0, 0 },
	{ "password",		KW_PASS,	KC_USER, 0, 0 },

	{ "via",		KW_VIA,		KC_SERVER, 0, 0 },
	{ "aka",		KW_AKA,		KC_SERVER, 0, 0 },
	{ "localdomains",	KW_LOCALDOMAINS, KC_SERVER, 0, 0 },
	{ "local",		KW_LOCALDOMAINS, KC_SERVER, 0, 0 },
	{ "proto",		KW_PROTO,	KC_SERVER, 0, 0 },
	{ "protocol",		KW_PROTO,	KC_SERVER, 0, 0 },
	{ "service",		KW_SERVICE,	KC_SERVER, 0, 0 },
	{ "port",		KW_PORT,	KC_SERVER, 0, 0 },
	{ "interval",		KW_INTERVAL,	KC_SERVER, 0, 0 },
	{ "auth",		KW_AUTH,	KC_SERVER, 0, 0 },
	{ "authenticate",	KW_AUTH,	KC_SERVER, 0, 0 },
	{ "preauth",		KW_AUTH,	KC_SERVER, 0, 0 },
	{ "preauthenticate",	KW_AUTH,	KC_SERVER, 0, 0 },
	{ "timeout",		KW_TIMEOUT,	KC_SERVER, 0, 0 },
	{ "envelope",		KW_ENVELOPE,	KC_SERVER, KF_NEGATABLE, 0 },
	{ "noenvelope",		KW_ENVELOPE,	KC_SERVER, KF_NEGATED, 0 },
	{ "qvirtual",		KW_QVIRTUAL,	KC_SERVER, 0, 0 },
	{ "principal",		KW_PRINCIPAL,	KC_SERVER, 0, 0 },
	{ "esmtpname",		KW_ESMTPNAME,	KC_SERVER, 0, 0 },
	{ "esmtppassword",	KW_ESMTPPASSWORD, KC_SERVER, 0, 0 },
	{ "uidl",		KW_UIDL,	KC_SERVER, KF_NEGATABLE, 0 },
	{ "nouidl",		KW_UIDL,	KC_SERVER, KF_NEGATED, 0 },
	{ "checkalias",		KW_CHECKALIAS,	KC_SERVER, KF_NEGATABLE, 0 },
	{ "nocheckalias",	KW_CHECKALIAS,	KC_SERVER, KF_NEGATED, 0 },
	{ "dns",		KW_DNS,		KC_SERVER, KF_NEGATABLE, 0 },
	{ "nodns",		KW_DNS,		KC_SERVER, KF_NEGATED, 0 },
	{ "interface",		KW_INTERFACE,	KC_SERVER, 0, 0 },
	{ "monitor",		KW_MONITOR,	KC_SERVER, 0, 0 },
	{ "plugin",		KW_PLUGIN,	KC_SERVER, 0, 0 },
	{ "plugout",		KW_PLUGOUT,	KC_SERVER, 0, 0 },
	{ "tracepolls",		KW_TRACEPOLLS,	KC_SERVER, KF_NEGATABLE, 0 },
	{ "bad-header",		KW_BADHEADER,	KC_SERVER, 0, 0 },

	{ "folder",		KW_FOLDER,	KC_USER, 0, 0 },
	{ "folders",		KW_FOLDER,	KC_USER, 0, 0 },
	{ "smtphost",		KW_SMTPHOST,	KC_USER, 0, 0 },
	{ "smtp",		KW_SMTPHOST,	KC_USER, 0, 0 },
	{ "fetchdomains",	KW_FETCHDOMAINS, KC_USER, 0, 0 },
	{ "smtpaddress",	KW_SMTPADDRESS,	KC_USER, 0, 0 },
	{ "smtpname",		KW_SMTPNAME,	KC_USER, 0, 0 },
	{ "antispam",		KW_ANTISPAM,	KC_USER, 0, 0 },
	{ "mda",		KW_MDA,		KC_USER, 0, 0 },
	{ "bsmtp",		KW_BSMTP,	KC_USER, 0, 0 },
	{ "lmtp",		KW_LMTP,	KC_USER, 0, 0 },
	{ "preconnect",		KW_PRECONNECT,	KC_USER, 0, 0 },
	{ "pre",		KW_PRECONNECT,	KC_USER, 0, 0 },
	{ "postconnect",	KW_POSTCONNECT,	KC_USER, 0, 0 },
	{ "post",		KW_POSTCONNECT,	KC_USER, 0, 0 },
	{ "keep",		KW_KEEP,	KC_USER, KF_NEGATABLE, 0 },
	{ "nokeep",		KW_KEEP,	KC_USER, KF_NEGATED, 0 },
	{ "flush",		KW_FLUSH,	KC_USER, KF_NEGATABLE, 0 },
	{ "noflush",		KW_FLUSH,	KC_USER, KF_NEGATED, 0 },
	{ "limitflush",		KW_LIMITFLUSH,	KC_USER, KF_NEGATABLE, 0 },
	{ "nolimitflush",	KW_LIMITFLUSH,	KC_USER, KF_NEGATED, 0 },
	{ "fetchall",		KW_FETCHALL,	KC_USER, KF_NEGATABLE, 0 },
	{ "nofetchall",		KW_FETCHALL,	KC_USER, KF_NEGATED, 0 },
	{ "rewrite",		KW_REWRITE,	KC_USER, KF_NEGATABLE, 0 },
	{ "norewrite",		KW_REWRITE,	KC_USER, KF_NEGATED, 0 },
	{ "forcecr",		KW_FORCECR,	KC_USER, KF_NEGATABLE, 0 },
	{ "noforcecr",		KW_FORCECR,	KC_USER, KF_NEGATED, 0 },
	{ "stripcr",		KW_STRIPCR,	KC_USER, KF_NEGATABLE, 0 },
	{ "nostripcr",		KW_STRIPCR,	KC_USER, KF_NEGATED, 0 },
	{ "pass8bits",		KW_PASS8BITS,	KC_USER, KF_NEGATABLE, 0 },
	{ "pass8",		KW_PASS8BITS,	KC_USER, KF_NEGATABLE, 0 },
	{ "nopass8bits",	KW_PASS8BITS,	KC_USER, KF_NEGATED, 0 },
	{ "nopass8",		KW_PASS8BITS,	KC_USER, KF_NEGATED, 0 },
	{ "dropstatus",		KW_DROPSTATUS,	KC_USER, KF_NEGATABLE, 0 },
	{ "nodropstatus",	KW_DROPSTATUS,	KC_USER, KF_NEGATED, 0 },
	{ "dropdelivered",	KW_DROPDELIVERED, KC_USER, KF_NEGATABLE, 0 },
	{ "nodropdelivered",	KW_DROPDELIVERED, KC_USER, KF_NEGATED, 0 },
	{ "mimedecode",		KW_MIMEDECODE,	KC_USER, KF_NEGATABLE, 0 },
	{ "mimedec",		KW_MIMEDECODE,	KC_USER, KF_NEGATABLE, 0 },
	{ "nomimedecode",	KW_MIMEDECODE,	KC_USER, KF_NEGATED, 0 },
	{ "nomimedec",		KW_MIMEDECODE,	KC_USER, KF_NEGATED, 0 },
	{ "idle",		KW_IDLE,	KC_USER, KF_NEGATABLE, 0 },
	{ "noidle",		KW_IDLE,	KC_USER, KF_NEGATED, 0 },
	{ "ssl",		KW_SSL,		KC_USER, KF_NEGATABLE, 0 },
	{ "sslkey",		KW_SSLKEY,	KC_USER, 0, 0 },
	{ "sslcert",		KW_SSLCERT,	KC_USER, 0, 0 },
	{ "sslproto",		KW_SSLPROTO,	KC_USER, 0, 0 },
	{ "sslcertck",		KW_SSLCERTCK,	KC_USER, KF_NEGATABLE, 0 },
	{ "sslcertfile",	KW_SSLCERTFILE,	KC_USER, 0, 0 },
	{ "sslcertpath",	KW_SSLCERTPATH,	KC_USER, 0, 0 },
	{ "sslcommonname",	KW_SSLCOMMONNAME, KC_USER, 0, 0 },
	{ "sslfingerprint",	KW_SSLFINGERPRINT, KC_USER, 0, 0 },
	{ "limit",		KW_LIMIT,	KC_USER, 0, 0 },
	{ "warnings",		KW_WARNINGS,	KC_USER, 0, 0 },
	{ "fetchlimit",		KW_FETCHLIMIT,	KC_USER, 0, 0 },
	{ "fetchsizelimit",	KW_FETCHSIZELIMIT, KC_USER, 0, 0 },
	{ "fastuidl",		KW_FASTUIDL,	KC_USER, 0, 0 },
	{ "batchlimit",		KW_BATCHLIMIT,	KC_USER, 0, 0 },
	{ "expunge",		KW_EXPUNGE,	KC_USER, 0, 0 },
	{ "properties",		KW_PROPERTIES,	KC_USER, 0, 0 },
	{ "sslcrlfile",		KW_SSLCRLFILE,	KC_USER, KF_EXT, 0 },
	{ "passwordeval",	KW_PASSWORDEVAL, KC_USER, KF_EXT, 0 },
	{ "maildir",		KW_MAILDIR,	KC_USER, KF_EXT, 0 },
	{ "mbox",		KW_MBOX,	KC_USER, KF_EXT, 0 },
	{ "mdauser",		KW_MDAUSER,	KC_USER, KF_EXT, 0 },
	{ "postdeliver",	KW_POSTDELIVER,	KC_USER, KF_EXT, 0 },
	{ "postpoll",		KW_POSTPOLL,	KC_USER, KF_EXT, 0 },
	{ "hooktimeout",	KW_HOOKTIMEOUT,	KC_SET, KF_EXT, 0 },

	{ "logfile",		KW_LOGFILE,	KC_SET, 0, 0 },
	{ "idfile",		KW_IDFILE,	KC_SET, 0, 0 },
	{ "pidfile",		KW_PIDFILE,	KC_SET, 0, 0 },
	{ "daemon",		KW_DAEMON,	KC_SET, 0, 0 },
	{ "postmaster",		KW_POSTMASTER,	KC_SET, 0, 0 },
	{ "bouncemail",		KW_BOUNCEMAIL,	KC_SET, KF_NEGATABLE, 0 },
	{ "nobouncemail",	KW_BOUNCEMAIL,	KC_SET, KF_NEGATED, 0 },
	{ "spambounce",		KW_SPAMBOUNCE,	KC_SET, KF_NEGATABLE, 0 },
	{ "nospambounce",	KW_SPAMBOUNCE,	KC_SET, KF_NEGATED, 0 },
	{ "softbounce",		KW_SOFTBOUNCE,	KC_SET, KF_NEGATABLE, 0 },
	{ "syslog",		KW_SYSLOG,	KC_SET, KF_NEGATABLE, 0 },
	{ "invisible",		KW_INVISIBLE,	KC_SET, KF_NEGATABLE, 0 },
	{ "showdots",		KW_SHOWDOTS,	KC_SET, KF_NEGATABLE, 0 },
	{ "jobs",		KW_JOBS,	KC_SET, KF_EXT, 0 },
	{ "deadline",		KW_DEADLINE,	KC_SET, KF_EXT, 0 },
	{ "statedir",		KW_STATEDIR,	KC_SET, KF_EXT, 0 },
	{ "connlimit",		KW_CONNLIMIT,	KC_SET, KF_EXT, 0 },
	{ "metricsfile",	KW_METRICSFILE,	KC_SET, KF_EXT, 0 },

	/* Protocol and auth names are keywords everywhere in fetchmail. */
	{ "auto",	KW_PROTOVAL, KC_OTHER, 0, PROTO_AUTO },
	{ "AUTO",	KW_PROTOVAL, KC_OTHER, 0, PROTO_AUTO },
	{ "pop2",	KW_PROTOVAL, KC_OTHER, 0, PROTO_POP2 },
	{ "POP2",	KW_PROTOVAL, KC_OTHER, 0, PROTO_POP2 },
	{ "pop3",	KW_PROTOVAL, KC_OTHER, 0, PROTO_POP3 },
	{ "POP3",	KW_PROTOVAL, KC_OTHER, 0, PROTO_POP3 },
	{ "imap",	KW_PROTOVAL, KC_OTHER, 0, PROTO_IMAP },
	{ "IMAP",	KW_PROTOVAL, KC_OTHER, 0, PROTO_IMAP },
	{ "apop",	KW_PROTOVAL, KC_OTHER, 0, PROTO_APOP },
	{ "APOP",	KW_PROTOVAL, KC_OTHER, 0, PROTO_APOP },
	{ "rpop",	KW_PROTOVAL, KC_OTHER, 0, PROTO_RPOP },
	{ "RPOP",	KW_PROTOVAL, KC_OTHER, 0, PROTO_RPOP },
	{ "kpop",	KW_PROTOVAL, KC_OTHER, 0, PROTO_KPOP },
	{ "KPOP",	KW_PROTOVAL, KC_OTHER, 0, PROTO_KPOP },
	{ "sdps",	KW_PROTOVAL, KC_OTHER, 0, PROTO_SDPS },
	{ "SDPS",	KW_PROTOVAL, KC_OTHER, 0, PROTO_SDPS },
	{ "etrn",	KW_PROTOVAL, KC_OTHER, 0, PROTO_ETRN },
	{ "ETRN",	KW_PROTOVAL, KC_OTHER, 0, PROTO_ETRN },
	{ "odmr",	KW_PROTOVAL, KC_OTHER, 0, PROTO_ODMR },
	{ "ODMR",	KW_PROTOVAL, KC_OTHER, 0, PROTO_ODMR },
	{ "any",	KW_AUTHVAL, KC_OTHER, 0, AUTH_ANY },
	{ "gssapi",	KW_AUTHVAL, KC_OTHER, 0, AUTH_GSSAPI },
	{ "kerberos",	KW_AUTHVAL, KC_OTHER, 0, AUTH_KERBEROS_V4 },
	{ "kerberos4",	KW_AUTHVAL, KC_OTHER, 0, AUTH_KERBEROS_V4 },
	{ "kerberos_v4", KW_AUTHVAL, KC_OTHER, 0, AUTH_KERBEROS_V4 },
	{ "kerberos5",	KW_AUTHVAL, KC_OTHER, 0, AUTH_KERBEROS_V5 },
	{ "kerberos_v5", KW_AUTHVAL, KC_OTHER, 0, AUTH_KERBEROS_V5 },
	{ "ssh",	KW_AUTHVAL, KC_OTHER, 0, AUTH_SSH },
	{ "external",	KW_AUTHVAL, KC_OTHER, 0, AUTH_EXTERNAL },
	{ "otp",	KW_AUTHVAL, KC_OTHER, 0, AUTH_OTP },
	{ "opie",	KW_AUTHVAL, KC_OTHER, 0, AUTH_OTP },
	{ "cram",	KW_AUTHVAL, KC_OTHER, 0, AUTH_CRAM_MD5 },
	{ "cram-md5",	KW_AUTHVAL, KC_OTHER, 0, AUTH_CRAM_MD5 },
	{ "msn",	KW_AUTHVAL, KC_OTHER, 0, AUTH_MSN },
	{ "ntlm",	KW_AUTHVAL, KC_OTHER, 0, AUTH_NTLM },
	{ "scram-sha-1", KW_AUTHVAL, KC_OTHER, KF_EXT, AUTH_SCRAM_SHA_1 },
	{ "scram-sha-256", KW_AUTHVAL, KC_OTHER, KF_EXT, AUTH_SCRAM_SHA_256 },
	{ "xoauth2",	KW_AUTHVAL, KC_OTHER, KF_EXT, AUTH_XOAUTH2 },
	{ "oauthbearer", KW_AUTHVAL, KC_OTHER, KF_EXT, AUTH_OAUTHBEARER },
};

/* Noise words: fetchmail's lexer drops them like "," ";" ":". */
static const char *const noise[] = { "with", "and", "has", "wants",
    "options" };

const struct keyword *
rc_lookup(const char *word)
{
	size_t	i;

	for (i = 0; i < nitems(keywords); i++) {
		if (strcmp(keywords[i].name, word) == 0)
			return (&keywords[i]);
	}
	return (NULL);
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

