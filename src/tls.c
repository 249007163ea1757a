/*
 * tls.c -- OpenSSL behind a small interface.
 *
 * OpenSSL does every check: the chain against the trust anchors, the host
 * name (SSL_set1_host / set1_ip_asc) and the protocol floor.  This file
 * turns the user's policy into those settings and turns OpenSSL's errors
 * into one sentence a user can act on.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <limits.h>
#include <dirent.h>
#include <errno.h>
#include <readpassphrase.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "bounds.h"
#include "log.h"
#include "tls.h"
#include "xmalloc.h"

struct tls {
	SSL_CTX		*ctx;
	SSL		*ssl;
	int		 verify;
	int		 pinned;	/* a pin matched the server */
	struct pin	*pins;
	size_t		 npins;
	char		*servername;
	const char	*alpn;		/* offered ALPN id, or NULL */
	char		*keyfile;	/* for the passphrase prompt */
	char		 summary[128];
	/* The first bytes the server sent, to tell plain text from TLS. */
	unsigned char	 first[16];
	size_t		 nfirst;
	int		 cert_asked;	/* the server asked for ours */
	char		*capath;	/* sslcertpath, for a rehash hint */
	char		 failed_issuer[256];	/* of the first cert refused */
};

static void	 tls_print_name(BIO *, const X509_NAME *);
static char	*tls_bio_string(BIO *);

/* The server certificate's fingerprints, in the three pin forms. */
struct fingerprints {
	unsigned char	md5[16];
	unsigned char	sha256[32];
	unsigned char	spki[32];
};

static const struct {
	const char		*name;
	enum tls_version	 min;
	enum tls_version	 max;
} tls_protos[] = {
	{ "auto",	TLS_V_1_2, TLS_V_ANY },	/* our floor, not fetchmail's */
	{ "ssl23",	TLS_V_1_2, TLS_V_ANY },
	{ "tls1+",	TLS_V_1_0, TLS_V_ANY },
	{ "tls1",	TLS_V_1_0, TLS_V_1_0 },
	{ "tls1.1+",	TLS_V_1_1, TLS_V_ANY },
	{ "tls1.1",	TLS_V_1_1, TLS_V_1_1 },
	{ "tls1.2+",	TLS_V_1_2, TLS_V_ANY },
	{ "tls1.2",	TLS_V_1_2, TLS_V_1_2 },
	{ "tls1.3+",	TLS_V_1_3, TLS_V_ANY },
	{ "tls1.3",	TLS_V_1_3, TLS_V_1_3 },
};

void
tls_policy_init(struct tls_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->mode = TLS_MODE_STARTTLS;
	p->min_version = TLS_V_1_2;
	p->max_version = TLS_V_ANY;
	p->verify = 1;
}

void
tls_policy_free(struct tls_policy *p)
{
	free(p->cafile);
	free(p->capath);
	free(p->servername);
	free(p->crlfile);
	free(p->certfile);
	free(p->keyfile);
	free(p->pins);
	memset(p, 0, sizeof(*p));
}

int
tls_policy_set_proto(struct tls_policy *p, const char *value, char **cause)
{
	size_t	i;

	if (*value == '\0') {
		p->mode = TLS_MODE_PLAIN;
		return (0);
	}
	for (i = 0; i < nitems(tls_protos); i++) {
		if (strcasecmp(value, tls_protos[i].name) == 0) {
			p->min_version = tls_protos[i].min;
			p->max_version = tls_protos[i].max;
			return (0);
		}
	}
	if (strncasecmp(value, "ssl", 3) == 0)
		xasprintf(cause, "sslproto \"%s\": SSL 2 and 3 are broken and "
		    "not supported; use tls1.2+", value);
	else
		xasprintf(cause, "sslproto \"%s\": unknown; expected auto, "
		    "tls1+, tls1.1+, tls1.2+, tls1.3+, tls1, tls1.1, tls1.2, "
		    "tls1.3 or ''", value);
	return (-1);
}

static int
tls_version_openssl(enum tls_version v)
{
	switch (v) {
	case TLS_V_ANY:
		return (0);
	case TLS_V_1_0:
		return (TLS1_VERSION);
	case TLS_V_1_1:
		return (TLS1_1_VERSION);
	case TLS_V_1_2:
		return (TLS1_2_VERSION);
	case TLS_V_1_3:
		return (TLS1_3_VERSION);
	}
	return (0);
}

/* The first queued OpenSSL error as text, and the queue cleared. */
static void
tls_error(char **cause, const char *what)
{
	unsigned long	e;
	char		buf[256];

	e = ERR_get_error();
	if (e == 0)
		xasprintf(cause, "%s failed", what);
	else {
		ERR_error_string_n(e, buf, sizeof(buf));
		xasprintf(cause, "%s: %s", what, buf);
	}
	ERR_clear_error();
}

static int
tls_is_ip(const char *name)
{
	struct in6_addr	a6;
	struct in_addr	a4;

	return (inet_pton(AF_INET, name, &a4) == 1 ||
	    inet_pton(AF_INET6, name, &a6) == 1);
}

/*
 * Does dir hold the hashed names OpenSSL looks things up by: "8 hex
 * digits.N" for certificates (crl 0), ".rN" for CRLs (crl 1)?  -1 when
 * it cannot be read.
 */
static int
tls_dir_hashed(const char *dir, int crl)
{
	struct dirent	*de;
	DIR		*d;
	const char	*n;
	size_t		 i;
	int		 found = 0;

	if ((d = opendir(dir)) == NULL)
		return (-1);
	while (!found && (de = readdir(d)) != NULL) {
		for (i = 0; i < 8 && isxdigit((unsigned char)de->d_name[i]);
		    i++)
			;
		n = de->d_name + 9;
		found = i == 8 && de->d_name[8] == '.' &&
		    (!crl || *n++ == 'r') && isdigit((unsigned char)*n);
	}
	closedir(d);
	return (found);
}

/*
 * The issuer of the first certificate that failed, so that a message can
 * say whose CRL is missing.  Verification itself is OpenSSL's.
 */
static int
tls_verify_cb(int ok, X509_STORE_CTX *ctx)
{
	SSL	*ssl;
	struct tls *t;
	X509	*c;
	BIO	*b;
	int	 n;

	if (ok || (ssl = X509_STORE_CTX_get_ex_data(ctx,
	    SSL_get_ex_data_X509_STORE_CTX_idx())) == NULL ||
	    (t = SSL_get_app_data(ssl)) == NULL || t->failed_issuer[0] != '\0' ||
	    (c = X509_STORE_CTX_get_current_cert(ctx)) == NULL ||
	    (b = BIO_new(BIO_s_mem())) == NULL)
		return (ok);
	tls_print_name(b, X509_get_issuer_name(c));
	n = BIO_read(b, t->failed_issuer, sizeof(t->failed_issuer) - 1);
	t->failed_issuer[n > 0 ? n : 0] = '\0';
	BIO_free(b);
	return (ok);
}

/* Did the trust anchors loaded so far (sslcertfile) bring CRLs along? */
static int
tls_store_has_crls(X509_STORE *store)
{
	STACK_OF(X509_OBJECT)	*objs;
	int			 i, found = 0;

	if (!X509_STORE_lock(store))
		return (0);
	objs = X509_STORE_get0_objects(store);
	for (i = 0; !found && i < sk_X509_OBJECT_num(objs); i++)
		found = X509_OBJECT_get_type(sk_X509_OBJECT_value(objs, i)) ==
		    X509_LU_CRL;
	X509_STORE_unlock(store);
	return (found);
}

/*
 * CRLs from sslcrlfile, from sslcertpath and from a CA+CRL bundle given
 * as sslcertfile, checked for the whole chain.  Once the user gives
 * CRLs, a missing or expired one is an error.
 */
static int
tls_load_crls(SSL_CTX *ctx, const struct tls_policy *p, char **cause)
{
	X509_STORE	*store = SSL_CTX_get_cert_store(ctx);
	X509_LOOKUP	*lookup;
	int		 check = 0;

	/* Called before sslcrlfile is loaded: only the CA file's CRLs. */
	if (p->cafile != NULL && tls_store_has_crls(store))
		check = 1;

	if (p->crlfile != NULL) {
		if ((lookup = X509_STORE_add_lookup(store,
		    X509_LOOKUP_file())) == NULL ||
		    X509_load_crl_file(lookup, p->crlfile,
		    X509_FILETYPE_PEM) <= 0) {
			ERR_clear_error();
			xasprintf(cause, "cannot load certificate revocation "
			    "lists from %s (PEM expected)", p->crlfile);
			return (-1);
		}
		check = 1;
	}
	if (p->capath != NULL && tls_dir_hashed(p->capath, 1) == 1)
		check = 1;
	if (check)
		X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK |
		    X509_V_FLAG_CRL_CHECK_ALL);
	return (0);
}

/* A key with a passphrase is asked for on the terminal, never stdin. */
static int
tls_passphrase(char *buf, int size, int rwflag, void *arg)
{
	struct tls	*t = arg;
	char		 prompt[512];

	(void)rwflag;
	if (!isatty(STDIN_FILENO))
		return (0);
	snprintf(prompt, sizeof(prompt), "Passphrase for %s: ", t->keyfile);
	if (readpassphrase(prompt, buf, size, RPP_REQUIRE_TTY) == NULL)
		return (0);
	return ((int)strlen(buf));
}

static int
tls_readable(const char *what, const char *path, char **cause)
{
	if (access(path, R_OK) == 0)
		return (0);
	xasprintf(cause, "cannot read the %s %s: %s", what, path,
	    strerror(errno));
	return (-1);
}

/* Called when the server asks for a client certificate. */
static int
tls_cert_asked(SSL *ssl, void *arg)
{
	struct tls	*t = arg;

	(void)ssl;
	t->cert_asked = 1;
	return (1);
}

/* sslcert/sslkey: a failure to load is fatal and names the file. */
static int
tls_load_client_cert(struct tls *t, const struct tls_policy *p,
    char **cause)
{
	unsigned long	 e;
	char		*why = NULL;

	if (p->certfile == NULL) {
		if (p->keyfile == NULL)
			return (0);
		xasprintf(cause, "sslkey %s is given without sslcert",
		    p->keyfile);
		return (-1);
	}
	t->keyfile = xstrdup(p->keyfile != NULL ? p->keyfile : p->certfile);
	if (tls_readable("client certificate", p->certfile, cause) != 0 ||
	    tls_readable("client key", t->keyfile, cause) != 0)
		return (-1);
	if (SSL_CTX_use_certificate_chain_file(t->ctx, p->certfile) != 1) {
		tls_error(&why, "");
		xasprintf(cause, "cannot load the client certificate %s "
		    "(PEM expected)%s", p->certfile, why);
		free(why);
		return (-1);
	}
	SSL_CTX_set_default_passwd_cb(t->ctx, tls_passphrase);
	SSL_CTX_set_default_passwd_cb_userdata(t->ctx, t);
	if (SSL_CTX_use_PrivateKey_file(t->ctx, t->keyfile,
	    SSL_FILETYPE_PEM) != 1) {
		e = ERR_peek_last_error();
		ERR_clear_error();
		if (ERR_GET_REASON(e) == X509_R_KEY_VALUES_MISMATCH)
			xasprintf(cause, "the client key %s does not belong to "
			    "the certificate %s", t->keyfile, p->certfile);
		else
			xasprintf(cause, "cannot load the client key %s (PEM "
			    "expected; a key with a passphrase needs a "
			    "terminal)", t->keyfile);
		return (-1);
	}
	if (SSL_CTX_check_private_key(t->ctx) != 1) {
		ERR_clear_error();
		xasprintf(cause, "the client key %s does not belong to the "
		    "certificate %s", t->keyfile, p->certfile);
		return (-1);
	}
	return (0);
}

/*
 * ALPN (RFC 7301) against cross-protocol attacks (ALPACA): the server
 * learns which protocol we mean to speak, and one that selects another
 * is refused in tls_check_alpn().
 */
static int
tls_set_alpn(struct tls *t, char **cause)
{
	unsigned char	wire[256];
	size_t		n = strlen(t->alpn);

	if (n == 0 || n > 255)
		fatalx("%s: bad ALPN id", __func__);
	wire[0] = (unsigned char)n;
	memcpy(wire + 1, t->alpn, n);
	/* Unlike most of OpenSSL, this returns 0 on success. */
	if (SSL_set_alpn_protos(t->ssl, wire, (unsigned int)n + 1) != 0) {
		tls_error(cause, "setting ALPN");
		return (-1);
	}
	return (0);
}

/*
 * A server may select no protocol; selecting another is fatal.  OpenSSL
 * 3 already fails the handshake when the server selects an id we did
 * not offer ("bad extension", see tls_handshake_error); this check does
 * not rely on it.
 */
static int
tls_check_alpn(struct tls *t, char **cause)
{
	const unsigned char	*sel;
	unsigned int		 len, i;
	char			 shown[64];

	if (t->alpn == NULL)
		return (0);
	SSL_get0_alpn_selected(t->ssl, &sel, &len);
	if (len == 0 || (len == strlen(t->alpn) &&
	    memcmp(sel, t->alpn, len) == 0))
		return (0);
	/* Server bytes: printable ASCII only. */
	for (i = 0; i < len && i < sizeof(shown) - 1; i++)
		shown[i] = sel[i] >= 0x20 && sel[i] < 0x7f ? sel[i] : '?';
	shown[i] = '\0';
	xasprintf(cause, "the server selected the TLS application protocol "
	    "(ALPN) \"%s\" where \"%s\" was offered: it serves another "
	    "protocol on this port (a cross-protocol attack, or the wrong "
	    "port); connection abandoned", shown, t->alpn);
	return (-1);
}

/* A read callback on the socket: keep the first bytes the server sends. */
static long
tls_first_bytes(BIO *b, int oper, const char *argp, size_t len, int argi,
    long argl, int ret, size_t *processed)
{
	struct tls	*t = (struct tls *)BIO_get_callback_arg(b);
	size_t		 n;

	(void)len;
	(void)argi;
	(void)argl;
	if (oper == (BIO_CB_READ | BIO_CB_RETURN) && ret > 0 &&
	    processed != NULL && t->nfirst < sizeof(t->first)) {
		n = *processed;
		if (n > sizeof(t->first) - t->nfirst)
			n = sizeof(t->first) - t->nfirst;
		memcpy(t->first + t->nfirst, argp, n);
		t->nfirst += n;
	}
	return (ret);
}

struct tls *
tls_client(int fd, const struct tls_policy *p, char **cause)
{
	struct tls	*t;
	X509_VERIFY_PARAM *param;
	int		 v;

	t = xcalloc(1, sizeof(*t));
	t->verify = p->verify;
	t->servername = xstrdup(p->servername != NULL ? p->servername : "");
	t->alpn = p->alpn;
	/*
	 * Without a name, OpenSSL would accept any certificate that chains
	 * to a trusted CA.  account.c refuses this when the rcfile is read;
	 * this is the last line.
	 */
	if (t->verify && *t->servername == '\0') {
		xasprintf(cause, "no server name to verify the certificate "
		    "against (sslcommonname or via is empty); give the name "
		    "in the server's certificate");
		goto fail;
	}
	if ((t->ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		tls_error(cause, "SSL_CTX_new");
		goto fail;
	}
	/*
	 * A renegotiation could bring another certificate after the pins
	 * were checked; no mail protocol needs one.
	 */
	SSL_CTX_set_options(t->ctx, SSL_OP_NO_RENEGOTIATION);
	SSL_CTX_set_cert_cb(t->ctx, tls_cert_asked, t);
	v = tls_version_openssl(p->min_version);
	if (v != 0 && SSL_CTX_set_min_proto_version(t->ctx, v) != 1) {
		tls_error(cause, "setting the TLS version floor");
		goto fail;
	}
	v = tls_version_openssl(p->max_version);
	if (v != 0 && SSL_CTX_set_max_proto_version(t->ctx, v) != 1) {
		tls_error(cause, "setting the TLS version ceiling");
		goto fail;
	}
	if (p->min_version != TLS_V_ANY && p->min_version < TLS_V_1_2) {
		/* The user asked for old TLS explicitly; let OpenSSL do it. */
		SSL_CTX_set_security_level(t->ctx, 0);
	}
	if (p->cafile != NULL || p->capath != NULL) {
		if (SSL_CTX_load_verify_locations(t->ctx, p->cafile,
		    p->capath) != 1) {
			ERR_clear_error();
			xasprintf(cause, "cannot load trust anchors from %s%s%s",
			    p->cafile != NULL ? p->cafile : "",
			    p->cafile != NULL && p->capath != NULL ? " and " : "",
			    p->capath != NULL ? p->capath : "");
			goto fail;
		}
	} else if (SSL_CTX_set_default_verify_paths(t->ctx) != 1) {
		tls_error(cause, "loading the system trust store");
		goto fail;
	}
	if (tls_load_crls(t->ctx, p, cause) != 0 ||
	    tls_load_client_cert(t, p, cause) != 0)
		goto fail;
	if (p->npins > 0) {
		t->pins = xreallocarray(NULL, p->npins, sizeof(*t->pins));
		memcpy(t->pins, p->pins, p->npins * sizeof(*t->pins));
		t->npins = p->npins;
	}
	/*
	 * With "no sslcertck" the chain is still evaluated, so that the
	 * warning can say what is wrong, but a failure does not abort.
	 */
	SSL_CTX_set_verify(t->ctx, p->verify ? SSL_VERIFY_PEER :
	    SSL_VERIFY_NONE, tls_verify_cb);
	if (p->capath != NULL)
		t->capath = xstrdup(p->capath);

	if ((t->ssl = SSL_new(t->ctx)) == NULL) {
		tls_error(cause, "SSL_new");
		goto fail;
	}
	SSL_set_app_data(t->ssl, t);
	if (*t->servername != '\0') {
		param = SSL_get0_param(t->ssl);
		X509_VERIFY_PARAM_set_hostflags(param,
		    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
		if (tls_is_ip(t->servername)) {
			if (X509_VERIFY_PARAM_set1_ip_asc(param,
			    t->servername) != 1) {
				tls_error(cause, "setting the expected address");
				goto fail;
			}
		} else {
			if (SSL_set1_host(t->ssl, t->servername) != 1 ||
			    SSL_set_tlsext_host_name(t->ssl,
			    t->servername) != 1) {
				tls_error(cause, "setting the expected name");
				goto fail;
			}
		}
	}
	if (t->alpn != NULL && tls_set_alpn(t, cause) != 0)
		goto fail;
	if (SSL_set_fd(t->ssl, fd) != 1) {
		tls_error(cause, "SSL_set_fd");
		goto fail;
	}
	BIO_set_callback_arg(SSL_get_rbio(t->ssl), (char *)t);
	BIO_set_callback_ex(SSL_get_rbio(t->ssl), tls_first_bytes);
	SSL_set_connect_state(t->ssl);
	return (t);

fail:
	tls_free(&t);
	return (NULL);
}

/* What the user can do about a verification failure. */
static const char *
tls_verify_hint(long vr)
{
	switch (vr) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		return (" (the server's certificate is out of date; its "
		    "operator must renew it)");
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return (" (check this machine's clock)");
	case X509_V_ERR_CERT_REVOKED:
		return (" (its issuer revoked it: do not trust this server)");
	case X509_V_ERR_CRL_HAS_EXPIRED:
		return (" (the CRL is out of date; fetch a fresh one for "
		    "sslcrlfile or sslcertpath)");
	case X509_V_ERR_UNABLE_TO_GET_CRL:
		return (" (CRL checking is on, but no CRL for this issuer "
		    "was given)");
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
		return (" (the issuer is not trusted here: give its CA with "
		    "sslcertfile, or pin the certificate with sslfingerprint "
		    "and set no sslcertck; pullmail --probe shows the pins)");
	default:
		return ("");
	}
}

/*
 * Not TLS at all: a greeting in plain text where a ServerHello belongs.
 * The hint names the fix: this port wants STARTTLS (or nothing).
 */
static int
tls_plain_greeting(const struct tls *t, char *buf, size_t size)
{
	static const char *const greetings[] = { "+OK", "-ERR", "* OK",
	    "* PREAUTH", "* BYE", "220", "421" };
	size_t	i, n;

	for (i = 0; i < sizeof(greetings) / sizeof(greetings[0]); i++) {
		n = strlen(greetings[i]);
		if (t->nfirst >= n && memcmp(t->first, greetings[i], n) == 0)
			break;
	}
	if (i == sizeof(greetings) / sizeof(greetings[0]))
		return (0);
	for (i = 0; i < t->nfirst && i + 1 < size; i++) {
		if (t->first[i] == '\r' || t->first[i] == '\n')
			break;
		buf[i] = t->first[i] >= 0x20 && t->first[i] < 0x7f ?
		    t->first[i] : '?';
	}
	buf[i] = '\0';
	return (1);
}

/* Say why the handshake failed in terms of the certificate if we can. */
static void
tls_handshake_error(struct tls *t, char **cause)
{
	long	 vr;
	char	*ssl_cause = NULL, greeting[sizeof(t->first) + 1];
	int	 alpn;

	vr = SSL_get_verify_result(t->ssl);
	if (t->verify && vr != X509_V_OK) {
		ERR_clear_error();
		if (vr == X509_V_ERR_HOSTNAME_MISMATCH ||
		    vr == X509_V_ERR_IP_ADDRESS_MISMATCH)
			xasprintf(cause, "server certificate does not match "
			    "the name \"%s\" (set sslcommonname or via if "
			    "another name is right)", t->servername);
		else if (vr == X509_V_ERR_UNABLE_TO_GET_CRL &&
		    t->failed_issuer[0] != '\0')
			xasprintf(cause, "server certificate verification "
			    "failed: %s (CRL checking is on, but no CRL of the "
			    "issuer \"%s\" was given: add it to sslcrlfile)",
			    X509_verify_cert_error_string(vr), t->failed_issuer);
		else if (vr == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY &&
		    t->capath != NULL && tls_dir_hashed(t->capath, 0) == 0)
			xasprintf(cause, "server certificate verification "
			    "failed: %s (sslcertpath %s has no hashed names, so "
			    "OpenSSL finds nothing in it: run \"openssl rehash "
			    "%s\")", X509_verify_cert_error_string(vr),
			    t->capath, t->capath);
		else
			xasprintf(cause, "server certificate verification "
			    "failed: %s%s", X509_verify_cert_error_string(vr),
			    tls_verify_hint(vr));
		return;
	}
	if (tls_plain_greeting(t, greeting, sizeof(greeting))) {
		ERR_clear_error();
		xasprintf(cause, "TLS handshake: the server answered in plain "
		    "text (\"%s...\"), so this port does not start with TLS: "
		    "remove \"ssl\" from the poll (pullmail then uses "
		    "STARTTLS), or give the port for TLS (POP3S 995, IMAPS 993)",
		    greeting);
		return;
	}
	/* OpenSSL itself refuses an ALPN protocol it did not offer. */
	alpn = t->alpn != NULL &&
	    ERR_GET_REASON(ERR_peek_error()) == SSL_R_BAD_EXTENSION;
	tls_error(&ssl_cause, "TLS handshake");
	xasprintf(cause, "%s%s%s%s", ssl_cause, alpn ? " (for example an "
	    "ALPN protocol other than the \"" : "", alpn ? t->alpn : "",
	    alpn ? "\" offered: the server may speak another protocol on "
	    "this port)" : "");
	free(ssl_cause);
}

static int
tls_fingerprints(X509 *x, struct fingerprints *fp)
{
	unsigned char	*der = NULL;
	unsigned int	 n;
	int		 len;

	if (X509_digest(x, EVP_md5(), fp->md5, &n) != 1 ||
	    X509_digest(x, EVP_sha256(), fp->sha256, &n) != 1)
		return (-1);
	/* curl's form: SHA-256 of the DER SubjectPublicKeyInfo. */
	if ((len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der)) <= 0)
		return (-1);
	n = EVP_Digest(der, len, fp->spki, NULL, EVP_sha256(), NULL);
	OPENSSL_free(der);
	return (n == 1 ? 0 : -1);
}

static void
tls_hex(char *out, const unsigned char *d, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		snprintf(out + 3 * i, 4, "%02X%s", d[i], i + 1 < n ? ":" : "");
}

/* The three pin lines for the server certificate, one per line. */
static char *
tls_pin_lines(const struct fingerprints *fp, const char *indent)
{
	char	md5[16 * 3], sha[32 * 3], b64[45], *s;

	tls_hex(md5, fp->md5, sizeof(fp->md5));
	tls_hex(sha, fp->sha256, sizeof(fp->sha256));
	EVP_EncodeBlock((unsigned char *)b64, fp->spki, sizeof(fp->spki));
	xasprintf(&s, "%ssslfingerprint \"sha256//%s\"  # public key, "
	    "survives renewal\n%ssslfingerprint \"SHA256:%s\"\n"
	    "%ssslfingerprint \"%s\"  # MD5, fetchmail's form\n", indent, b64,
	    indent, sha, indent, md5);
	return (s);
}

long
tls_verify_result(struct tls *t)
{
	return (SSL_get_verify_result(t->ssl));
}

int
tls_untrusted_only(long vr)
{
	switch (vr) {
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
		return (1);
	}
	return (0);
}

char *
tls_spki_pin(struct tls *t)
{
	struct fingerprints	 fp;
	X509			*x;
	char			 b64[45], *s;

	if ((x = SSL_get0_peer_certificate(t->ssl)) == NULL ||
	    tls_fingerprints(x, &fp) != 0)
		return (NULL);
	EVP_EncodeBlock((unsigned char *)b64, fp.spki, sizeof(fp.spki));
	xasprintf(&s, "sha256//%s", b64);
	return (s);
}

/* Any one pin matching the server certificate is enough. */
static int
tls_check_pins(struct tls *t, char **cause)
{
	struct fingerprints	 fp;
	const unsigned char	*want;
	X509			*x;
	size_t			 i;

	if ((x = SSL_get0_peer_certificate(t->ssl)) == NULL ||
	    tls_fingerprints(x, &fp) != 0) {
		xasprintf(cause, "cannot compute the server certificate's "
		    "fingerprint");
		return (-1);
	}
	for (i = 0; i < t->npins; i++) {
		switch (t->pins[i].kind) {
		case PIN_CERT_MD5:
			want = fp.md5;
			break;
		case PIN_CERT_SHA256:
			want = fp.sha256;
			break;
		default:
			want = fp.spki;
			break;
		}
		if (memcmp(want, t->pins[i].digest, t->pins[i].len) == 0) {
			t->pinned = 1;
			return (0);
		}
	}
	/*
	 * No pins to paste: in an attack they would be the attacker's.
	 * The new certificate is to be checked by another way first.
	 */
	xasprintf(cause, "the server certificate matches none of the "
	    "sslfingerprint pins: someone between you and the server may be "
	    "posing as it, or its certificate changed.  Do not take a new "
	    "pin from this connection: ask the server's operator for the new "
	    "fingerprint, or run pullmail --probe from another network, and "
	    "compare before changing sslfingerprint");
	return (-1);
}

enum tls_io
tls_handshake(struct tls *t, char **cause)
{
	int	r, e;

	ERR_clear_error();
	if ((r = SSL_connect(t->ssl)) == 1) {
		snprintf(t->summary, sizeof(t->summary), "%s %s",
		    SSL_get_version(t->ssl), SSL_get_cipher_name(t->ssl));
		if (tls_check_alpn(t, cause) != 0)
			return (TLS_IO_ERROR);
		if (t->npins > 0 && tls_check_pins(t, cause) != 0)
			return (TLS_IO_ERROR);
		return (TLS_IO_OK);
	}
	e = SSL_get_error(t->ssl, r);
	if (e == SSL_ERROR_WANT_READ)
		return (TLS_IO_WANT_READ);
	if (e == SSL_ERROR_WANT_WRITE)
		return (TLS_IO_WANT_WRITE);
	if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
		xasprintf(cause, "TLS handshake: connection closed by the "
		    "server");
		return (TLS_IO_ERROR);
	}
	tls_handshake_error(t, cause);
	return (TLS_IO_ERROR);
}

static enum tls_io
tls_io_result(struct tls *t, int r, const char *what, char **cause)
{
	int	e;

	e = SSL_get_error(t->ssl, r);
	switch (e) {
	case SSL_ERROR_WANT_READ:
		return (TLS_IO_WANT_READ);
	case SSL_ERROR_WANT_WRITE:
		return (TLS_IO_WANT_WRITE);
	case SSL_ERROR_ZERO_RETURN:
		return (TLS_IO_EOF);
	case SSL_ERROR_SYSCALL:
		if (ERR_peek_error() == 0)
			return (TLS_IO_EOF);
		break;
	case SSL_ERROR_SSL:
		/* Closed without close_notify: to us, closed all the same. */
		if (ERR_GET_REASON(ERR_peek_error()) ==
		    SSL_R_UNEXPECTED_EOF_WHILE_READING) {
			ERR_clear_error();
			return (TLS_IO_EOF);
		}
		break;
	}
	tls_error(cause, what);
	return (TLS_IO_ERROR);
}

enum tls_io
tls_read(struct tls *t, void *buf, size_t len, size_t *n_r, char **cause)
{
	ERR_clear_error();
	if (SSL_read_ex(t->ssl, buf, len, n_r) == 1)
		return (TLS_IO_OK);
	return (tls_io_result(t, 0, "TLS read", cause));
}

enum tls_io
tls_write(struct tls *t, const void *buf, size_t len, size_t *n_r,
    char **cause)
{
	ERR_clear_error();
	if (SSL_write_ex(t->ssl, buf, len, n_r) == 1)
		return (TLS_IO_OK);
	return (tls_io_result(t, 0, "TLS write", cause));
}

int
tls_pending(struct tls *t)
{
	return (SSL_pending(t->ssl) > 0);
}

const char *
tls_summary(struct tls *t)
{
	return (t->summary);
}

char *
tls_verify_report(struct tls *t)
{
	long	 vr;
	char	*s;

	vr = SSL_get_verify_result(t->ssl);
	if (vr == X509_V_OK)
		return (NULL);
	if (vr == X509_V_ERR_HOSTNAME_MISMATCH ||
	    vr == X509_V_ERR_IP_ADDRESS_MISMATCH)
		xasprintf(&s, "certificate does not match \"%s\"",
		    t->servername);
	else
		xasprintf(&s, "certificate not verified: %s",
		    X509_verify_cert_error_string(vr));
	return (s);
}

int
tls_pinned(struct tls *t)
{
	return (t->pinned);
}

const char *
tls_version_name(struct tls *t)
{
	return (SSL_get_version(t->ssl));
}

char *
tls_weaknesses(struct tls *t)
{
	STACK_OF(X509)	*chain;
	X509		*x;
	EVP_PKEY	*key;
	char		*s = NULL, *tmp;
	int		 i, n, nid, md, bits;

	if ((chain = SSL_get_peer_cert_chain(t->ssl)) == NULL)
		return (NULL);
	n = sk_X509_num(chain);
	for (i = 0; i < n; i++) {
		x = sk_X509_value(chain, i);
		/* A self-signed root's own signature protects nothing. */
		if (i > 0 && i == n - 1 && X509_check_issued(x, x) == X509_V_OK)
			break;
		key = X509_get0_pubkey(x);
		bits = key != NULL ? EVP_PKEY_get_bits(key) : 0;
		if (key != NULL && (EVP_PKEY_is_a(key, "RSA") ||
		    EVP_PKEY_is_a(key, "DSA")) && bits < 2048) {
			xasprintf(&tmp, "%s%scertificate %d has a %d-bit key",
			    s != NULL ? s : "", s != NULL ? "; " : "", i, bits);
			free(s);
			s = tmp;
		}
		nid = X509_get_signature_nid(x);
		if (OBJ_find_sigid_algs(nid, &md, NULL) == 1 &&
		    (md == NID_sha1 || md == NID_md5)) {
			xasprintf(&tmp, "%s%scertificate %d is signed with %s",
			    s != NULL ? s : "", s != NULL ? "; " : "", i,
			    OBJ_nid2sn(md));
			free(s);
			s = tmp;
		}
	}
	return (s);
}

int
tls_days_left(struct tls *t)
{
	X509	*x;
	int	 days = 0, secs = 0;

	if ((x = SSL_get0_peer_certificate(t->ssl)) == NULL ||
	    ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(x)) != 1)
		return (0);
	return (days);
}

/* A name as "O = x, CN = y", control bytes escaped by OpenSSL. */
static void
tls_print_name(BIO *b, const X509_NAME *name)
{
	X509_NAME_print_ex(b, name, 0, XN_FLAG_ONELINE &
	    ~ASN1_STRFLGS_ESC_MSB);
}

/* What was printed into a memory BIO, as a string; frees the BIO. */
static char *
tls_bio_string(BIO *b)
{
	BUF_MEM	*mem;
	char	*s;

	BIO_get_mem_ptr(b, &mem);
	s = xmalloc(mem->length + 1);
	memcpy(s, mem->data, mem->length);
	s[mem->length] = '\0';
	BIO_free(b);
	return (s);
}

static void
tls_describe_cert(BIO *b, int depth, X509 *x)
{
	EVP_PKEY	*key = X509_get0_pubkey(x);
	int		 nid = X509_get_signature_nid(x);

	BIO_printf(b, "  certificate %d\n    subject: ", depth);
	tls_print_name(b, X509_get_subject_name(x));
	BIO_printf(b, "\n    issuer:  ");
	tls_print_name(b, X509_get_issuer_name(x));
	BIO_printf(b, "\n    valid:   ");
	ASN1_TIME_print(b, X509_get0_notBefore(x));
	BIO_printf(b, " to ");
	ASN1_TIME_print(b, X509_get0_notAfter(x));
	BIO_printf(b, "\n    key:     %s %d bits, signed with %s\n",
	    key != NULL ? EVP_PKEY_get0_type_name(key) : "?",
	    key != NULL ? EVP_PKEY_get_bits(key) : 0,
	    nid != NID_undef ? OBJ_nid2ln(nid) : "?");
}

/* Whole days from now to t (negative: past). */
static int
tls_days_to(const ASN1_TIME *t)
{
	int	days = 0, secs = 0;

	if (t == NULL || ASN1_TIME_diff(&days, &secs, NULL, t) != 1)
		return (INT_MAX);
	return (days < 0 || secs < 0 ? (days < 0 ? days : -1) : days);
}

/*
 * "  what NAME: until DATE", a warning when it ends within window days
 * or has ended.
 */
static void
tls_expiry_line(BIO *b, const char *what, const X509_NAME *name,
    const ASN1_TIME *until, int window, int *warned)
{
	int	days = 0, secs = 0, soon;

	soon = until != NULL && ASN1_TIME_diff(&days, &secs, NULL, until) == 1
	    && (days < window || days < 0 || (days == 0 && secs < 0));
	BIO_printf(b, "  %s%s \"", soon ? "WARNING: " : "", what);
	tls_print_name(b, name);
	BIO_printf(b, "\": %s ", until == NULL ? "no end date" :
	    days < 0 || (days == 0 && secs < 0) ? "expired" : "until");
	if (until != NULL)
		ASN1_TIME_print(b, until);
	if (soon && days >= 0 && secs >= 0)
		BIO_printf(b, " (in %d days)", days);
	BIO_printf(b, "\n");
	*warned |= soon;
}

int
tls_policy_check(const struct tls_policy *p, char **report, char **cause)
{
	STACK_OF(X509_OBJECT)	*objs;
	X509_OBJECT		*o;
	X509_CRL		*crl;
	X509			*x;
	struct tls		*t;
	BIO			*b;
	int			 i, ncas, warned = 0, rc = -1;

	*report = NULL;
	t = xcalloc(1, sizeof(*t));
	if ((t->ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		tls_error(cause, "SSL_CTX_new");
		goto out;
	}
	if ((p->cafile != NULL || p->capath != NULL) &&
	    SSL_CTX_load_verify_locations(t->ctx, p->cafile, p->capath) != 1) {
		ERR_clear_error();
		xasprintf(cause, "cannot load trust anchors from %s%s%s",
		    p->cafile != NULL ? p->cafile : "",
		    p->cafile != NULL && p->capath != NULL ? " and " : "",
		    p->capath != NULL ? p->capath : "");
		goto out;
	}
	if (tls_load_crls(t->ctx, p, cause) != 0 ||
	    tls_load_client_cert(t, p, cause) != 0)
		goto out;
	if ((b = BIO_new(BIO_s_mem())) == NULL)
		fatalx("BIO_new");
	if ((x = SSL_CTX_get0_certificate(t->ctx)) != NULL)
		tls_expiry_line(b, "client certificate", X509_get_subject_name(x),
		    X509_get0_notAfter(x), PM_EXPIRY_WARN_DAYS, &warned);
	/*
	 * What the CA file (not a hashed directory) put in the store: each
	 * CRL (a weekly one is always near its end: warn only when it is
	 * over), and the CAs, one line each unless there are many.
	 */
	objs = X509_STORE_get0_objects(SSL_CTX_get_cert_store(t->ctx));
	for (i = 0, ncas = 0; i < sk_X509_OBJECT_num(objs); i++)
		ncas += X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objs, i)) !=
		    NULL;
	if (ncas > 8)
		BIO_printf(b, "  %d trusted CAs (only those that expire "
		    "within %d days are shown)\n", ncas, PM_EXPIRY_WARN_DAYS);
	for (i = 0; i < sk_X509_OBJECT_num(objs); i++) {
		o = sk_X509_OBJECT_value(objs, i);
		if ((x = X509_OBJECT_get0_X509(o)) != NULL) {
			if (ncas <= 8 || tls_days_to(X509_get0_notAfter(x)) <
			    PM_EXPIRY_WARN_DAYS)
				tls_expiry_line(b, "trusted CA",
				    X509_get_subject_name(x),
				    X509_get0_notAfter(x), PM_EXPIRY_WARN_DAYS,
				    &warned);
		} else if ((crl = X509_OBJECT_get0_X509_CRL(o)) != NULL)
			tls_expiry_line(b, "CRL of", X509_CRL_get_issuer(crl),
			    X509_CRL_get0_nextUpdate(crl), 0, &warned);
	}
	if (p->capath != NULL && (i = tls_dir_hashed(p->capath, 0)) != 1) {
		BIO_printf(b, "  WARNING: sslcertpath %s %s\n", p->capath,
		    i < 0 ? "cannot be read" : "has no hashed names: run "
		    "\"openssl rehash\" on it");
		warned = 1;
	}
	*report = tls_bio_string(b);
	if (**report == '\0') {
		free(*report);
		*report = NULL;
	}
	rc = 0;
out:
	tls_free(&t);
	return (rc);
}

int
tls_client_cert_asked(struct tls *t)
{
	return (t->cert_asked);
}

char *
tls_client_cert_report(struct tls *t)
{
	X509	*x = SSL_get_certificate(t->ssl);
	BIO	*b;

	if (x == NULL)
		return (t->cert_asked ? xstrdup("the server asked for a "
		    "client certificate, and none is given (sslcert)") : NULL);
	if (!t->cert_asked)
		return (xstrdup("the server did not ask for the client "
		    "certificate during the TLS handshake"));
	if ((b = BIO_new(BIO_s_mem())) == NULL)
		return (NULL);
	BIO_printf(b, "the server asked for a client certificate and got "
	    "\"");
	tls_print_name(b, X509_get_subject_name(x));
	BIO_printf(b, "\", issued by \"");
	tls_print_name(b, X509_get_issuer_name(x));
	BIO_printf(b, "\", valid until ");
	ASN1_TIME_print(b, X509_get0_notAfter(x));
	return (tls_bio_string(b));
}

char *
tls_describe(struct tls *t)
{
	STACK_OF(X509)		*chain;
	struct fingerprints	 fp;
	X509			*leaf;
	BIO			*b;
	char			*s, *lines;
	long			 vr;
	int			 i;

	if ((b = BIO_new(BIO_s_mem())) == NULL)
		return (xstrdup(""));
	BIO_printf(b, "%s\n", t->summary);
	if ((chain = SSL_get_peer_cert_chain(t->ssl)) != NULL) {
		for (i = 0; i < sk_X509_num(chain); i++)
			tls_describe_cert(b, i, sk_X509_value(chain, i));
	}
	vr = SSL_get_verify_result(t->ssl);
	BIO_printf(b, "  verification: %s\n", vr == X509_V_OK ? "ok" :
	    X509_verify_cert_error_string(vr));
	leaf = SSL_get0_peer_certificate(t->ssl);
	if (leaf != NULL && tls_fingerprints(leaf, &fp) == 0) {
		lines = tls_pin_lines(&fp, "    ");
		BIO_printf(b, "  pins for the rcfile:\n%s", lines);
		free(lines);
	}
	s = tls_bio_string(b);
	if (*s != '\0' && s[strlen(s) - 1] == '\n')
		s[strlen(s) - 1] = '\0';
	return (s);
}

void
tls_free(struct tls **tp)
{
	struct tls	*t = *tp;

	if (t == NULL)
		return;
	*tp = NULL;
	if (t->ssl != NULL)
		SSL_free(t->ssl);
	if (t->ctx != NULL)
		SSL_CTX_free(t->ctx);
	free(t->servername);
	free(t->capath);
	free(t->keyfile);
	free(t->pins);
	free(t);
}

int
tls_channel_binding(struct tls *t, const char **type, unsigned char *buf,
    size_t size, size_t *len)
{
	static const char	label[] = "EXPORTER-Channel-Binding";

	*len = 0;
	if (SSL_version(t->ssl) >= TLS1_3_VERSION) {
		/* RFC 9266: 32 bytes, no context. */
		*type = "tls-exporter";
		if (size < 32 || SSL_export_keying_material(t->ssl, buf, 32,
		    label, sizeof(label) - 1, NULL, 0, 0) != 1)
			return (-1);
		*len = 32;
		return (0);
	}
	/*
	 * RFC 5929: the first Finished message of the handshake.  Without
	 * Extended Master Secret the triple handshake attack lets a server
	 * relay it (RFC 7627, RFC 9266 section 4): no binding then, and the
	 * caller falls back to SCRAM without -PLUS.
	 */
	*type = "tls-unique";
	if (SSL_get_extms_support(t->ssl) != 1) {
		log_debug("TLS 1.2 without Extended Master Secret: no "
		    "tls-unique channel binding");
		return (-1);
	}
	*len = SSL_session_reused(t->ssl) ? SSL_get_peer_finished(t->ssl, buf,
	    size) : SSL_get_finished(t->ssl, buf, size);
	return (*len > 0 && *len <= size ? 0 : -1);
}
