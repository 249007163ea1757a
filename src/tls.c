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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "log.h"
#include "tls.h"
#include "xmalloc.h"

struct tls {
	SSL_CTX		*ctx;
	SSL		*ssl;
	int		 verify;
	char		*servername;
	char		 summary[128];
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

struct tls *
tls_client(int fd, const struct tls_policy *p, char **cause)
{
	struct tls	*t;
	X509_VERIFY_PARAM *param;
	int		 v;

	t = xcalloc(1, sizeof(*t));
	t->verify = p->verify;
	t->servername = xstrdup(p->servername != NULL ? p->servername : "");
	if ((t->ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		tls_error(cause, "SSL_CTX_new");
		goto fail;
	}
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
	/*
	 * With "no sslcertck" the chain is still evaluated, so that the
	 * warning can say what is wrong, but a failure does not abort.
	 */
	SSL_CTX_set_verify(t->ctx, p->verify ? SSL_VERIFY_PEER :
	    SSL_VERIFY_NONE, NULL);

	if ((t->ssl = SSL_new(t->ctx)) == NULL) {
		tls_error(cause, "SSL_new");
		goto fail;
	}
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
	if (SSL_set_fd(t->ssl, fd) != 1) {
		tls_error(cause, "SSL_set_fd");
		goto fail;
	}
	SSL_set_connect_state(t->ssl);
	return (t);

fail:
	tls_free(&t);
	return (NULL);
}

/* Say why the handshake failed in terms of the certificate if we can. */
static void
tls_handshake_error(struct tls *t, char **cause)
{
	long	 vr;
	char	*ssl_cause = NULL;

	vr = SSL_get_verify_result(t->ssl);
	if (t->verify && vr != X509_V_OK) {
		ERR_clear_error();
		if (vr == X509_V_ERR_HOSTNAME_MISMATCH ||
		    vr == X509_V_ERR_IP_ADDRESS_MISMATCH)
			xasprintf(cause, "server certificate does not match "
			    "the name \"%s\" (set sslcommonname or via if "
			    "another name is right)", t->servername);
		else
			xasprintf(cause, "server certificate verification "
			    "failed: %s", X509_verify_cert_error_string(vr));
		return;
	}
	tls_error(&ssl_cause, "TLS handshake");
	xasprintf(cause, "%s", ssl_cause);
	free(ssl_cause);
}

enum tls_io
tls_handshake(struct tls *t, char **cause)
{
	int	r, e;

	ERR_clear_error();
	if ((r = SSL_connect(t->ssl)) == 1) {
		snprintf(t->summary, sizeof(t->summary), "%s %s",
		    SSL_get_version(t->ssl), SSL_get_cipher_name(t->ssl));
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
		if (ERR_peek_error() == 0) {
			xasprintf(cause, "%s: connection closed", what);
			return (TLS_IO_ERROR);
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
	free(t);
}
