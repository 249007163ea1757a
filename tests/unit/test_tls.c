/*
 * test_tls.c -- tls.c against an OpenSSL server in a child process, for
 * what no scripted server in Python can do: select an ALPN protocol the
 * client did not offer, turn off Extended Master Secret, renegotiate.
 * Review 2026-12, findings 4, 10 and 11, and ALPN (ALPACA).
 */

#include <sys/socket.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "tap.h"
#include "tls.h"

/* What the server child does. */
struct server {
	const char	*select;	/* ALPN to select whatever is offered */
	int		 no_ems;	/* SSL_OP_NO_EXTENDED_MASTER_SECRET */
	int		 tls12;		/* at most TLS 1.2 */
	int		 renegotiate;	/* try to renegotiate after the handshake */
};

static EVP_PKEY	*key;
static X509	*cert;

/* A throwaway self-signed certificate for "good.test". */
static void
make_cert(void)
{
	X509_NAME	*name;

	key = EVP_EC_gen("P-256");
	cert = X509_new();
	ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
	X509_gmtime_adj(X509_getm_notBefore(cert), -60);
	X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
	X509_set_pubkey(cert, key);
	name = X509_get_subject_name(cert);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)"good.test", -1, -1, 0);
	X509_set_issuer_name(cert, name);
	if (key == NULL || X509_sign(cert, key, EVP_sha256()) == 0) {
		printf("Bail out! cannot make a certificate\n");
		exit(1);
	}
}

static int
select_any(SSL *ssl, const unsigned char **out, unsigned char *outlen,
    const unsigned char *in, unsigned int inlen, void *arg)
{
	const char	*want = arg;

	(void)ssl;
	(void)in;
	(void)inlen;
	/* Whatever the client offered: what a hostile server may do. */
	*out = (const unsigned char *)want;
	*outlen = (unsigned char)strlen(want);
	return (SSL_TLSEXT_ERR_OK);
}

/* The child: one handshake on fd, then (maybe) a renegotiation. */
static void
serve(int fd, const struct server *sv)
{
	SSL_CTX	*ctx;
	SSL	*ssl;
	char	 buf[16];
	int	 rc = 0;

	ctx = SSL_CTX_new(TLS_server_method());
	SSL_CTX_use_certificate(ctx, cert);
	SSL_CTX_use_PrivateKey(ctx, key);
	if (sv->tls12)
		SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
	if (sv->no_ems)
		SSL_CTX_set_options(ctx, SSL_OP_NO_EXTENDED_MASTER_SECRET);
	if (sv->select != NULL)
		SSL_CTX_set_alpn_select_cb(ctx, select_any,
		    (void *)sv->select);
	ssl = SSL_new(ctx);
	SSL_set_fd(ssl, fd);
	if (SSL_accept(ssl) != 1)
		_exit(2);
	if (sv->renegotiate) {
		/* 0: the client refused, 1: it renegotiated. */
		if (SSL_renegotiate(ssl) != 1 || SSL_do_handshake(ssl) != 1)
			_exit(3);
		SSL_write(ssl, "x", 1);
		rc = SSL_read(ssl, buf, sizeof(buf)) > 0 &&
		    SSL_renegotiate_pending(ssl) == 0 ? 1 : 0;
		_exit(rc);
	}
	/* Wait for the client to go. */
	(void)SSL_read(ssl, buf, sizeof(buf));
	_exit(0);
}

/* Drive the client's handshake to its end; TLS_IO_OK or TLS_IO_ERROR. */
static enum tls_io
handshake(struct tls *t, int fd, char **cause)
{
	struct pollfd	pfd;
	enum tls_io	r;

	for (;;) {
		r = tls_handshake(t, cause);
		if (r != TLS_IO_WANT_READ && r != TLS_IO_WANT_WRITE)
			return (r);
		pfd.fd = fd;
		pfd.events = r == TLS_IO_WANT_READ ? POLLIN : POLLOUT;
		if (poll(&pfd, 1, 5000) != 1)
			return (TLS_IO_ERROR);
	}
}

/*
 * Connect a client with policy p to a server child as sv says.  Returns
 * the handshake result; *t_r is the session (to free) or NULL.
 */
static enum tls_io
run(const struct server *sv, const struct tls_policy *p, struct tls **t_r,
    int *fd_r, pid_t *pid_r, char **cause)
{
	int	sp[2];
	pid_t	pid;

	*cause = NULL;
	*t_r = NULL;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == -1)
		return (TLS_IO_ERROR);
	if ((pid = fork()) == 0) {
		close(sp[0]);
		serve(sp[1], sv);
	}
	close(sp[1]);
	*fd_r = sp[0];
	*pid_r = pid;
	fcntl(sp[0], F_SETFL, fcntl(sp[0], F_GETFL) | O_NONBLOCK);
	if ((*t_r = tls_client(sp[0], p, cause)) == NULL)
		return (TLS_IO_ERROR);
	return (handshake(*t_r, sp[0], cause));
}

/* Close the client side and collect the child's exit status. */
static int
finish(struct tls **t, int fd, pid_t pid)
{
	int	status;

	tls_free(t);
	close(fd);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return (-1);
	return (WEXITSTATUS(status));
}

static void
policy(struct tls_policy *p, const char *alpn, int tls12)
{
	tls_policy_init(p);
	p->verify = 0;		/* the chain is not what is tested here */
	p->servername = strdup("good.test");
	p->alpn = alpn;
	if (tls12)
		p->max_version = TLS_V_1_2;
}

int
main(void)
{
	struct tls_policy	 p;
	struct server		 sv;
	struct tls		*t;
	const char		*type;
	unsigned char		 cb[64];
	size_t			 len;
	char			*cause, buf[4];
	pid_t			 pid;
	int			 fd;
	enum tls_io		 r;

	signal(SIGPIPE, SIG_IGN);
	plan(14);
	make_cert();

	/* Finding 4: verification on, no name. */
	tls_policy_init(&p);
	p.servername = strdup("");
	cause = NULL;
	t = tls_client(0, &p, &cause);
	ok(t == NULL && cause != NULL && strstr(cause, "no server name") !=
	    NULL, "verification without a server name is refused: %s",
	    cause != NULL ? cause : "(accepted)");
	tls_free(&t);
	free(cause);
	tls_policy_free(&p);

	/* ALPN: a server that selects another protocol. */
	memset(&sv, 0, sizeof(sv));
	sv.select = "http/1.1";
	policy(&p, "imap", 0);
	r = run(&sv, &p, &t, &fd, &pid, &cause);
	ok(r == TLS_IO_ERROR, "ALPN: a server selecting http/1.1 for imap "
	    "is refused");
	/* OpenSSL refuses it first ("bad extension"); tls.c says why. */
	ok(cause != NULL && strstr(cause, "ALPN") != NULL &&
	    strstr(cause, "\"imap\"") != NULL,
	    "and the message says ALPN and names ours: %s",
	    cause != NULL ? cause : "(none)");
	free(cause);
	finish(&t, fd, pid);
	sv.select = "imap";
	r = run(&sv, &p, &t, &fd, &pid, &cause);
	is_int(r, TLS_IO_OK, "ALPN: a server selecting imap is fine");
	free(cause);
	finish(&t, fd, pid);
	tls_policy_free(&p);
	policy(&p, "pop3", 0);
	sv.select = "imap";
	r = run(&sv, &p, &t, &fd, &pid, &cause);
	ok(r == TLS_IO_ERROR && cause != NULL && strstr(cause, "ALPN") != NULL,
	    "ALPN: imap selected where pop3 was offered is refused");
	free(cause);
	finish(&t, fd, pid);
	sv.select = NULL;
	r = run(&sv, &p, &t, &fd, &pid, &cause);
	is_int(r, TLS_IO_OK, "ALPN: a server selecting nothing is fine");
	free(cause);
	finish(&t, fd, pid);
	tls_policy_free(&p);

	/* Finding 11: tls-unique only with Extended Master Secret. */
	memset(&sv, 0, sizeof(sv));
	sv.tls12 = 1;
	policy(&p, NULL, 1);
	r = run(&sv, &p, &t, &fd, &pid, &cause);
	is_int(r, TLS_IO_OK, "TLS 1.2 with EMS: handshake");
	ok(r == TLS_IO_OK && tls_channel_binding(t, &type, cb, sizeof(cb),
	    &len) == 0 && strcmp(type, "tls-unique") == 0 && len == 12,
	    "TLS 1.2 with EMS: tls-unique, 12 bytes");
	free(cause);
	finish(&t, fd, pid);
	sv.no_ems = 1;
	r = run(&sv, &p, &t, &fd, &pid, &cause);
	is_int(r, TLS_IO_OK, "TLS 1.2 without EMS: handshake");
	is_int(r == TLS_IO_OK ? tls_channel_binding(t, &type, cb, sizeof(cb),
	    &len) : 0, -1, "TLS 1.2 without EMS: no channel binding");
	free(cause);
	finish(&t, fd, pid);
	tls_policy_free(&p);
	memset(&sv, 0, sizeof(sv));
	policy(&p, NULL, 0);
	r = run(&sv, &p, &t, &fd, &pid, &cause);
	ok(r == TLS_IO_OK && tls_channel_binding(t, &type, cb, sizeof(cb),
	    &len) == 0 && strcmp(type, "tls-exporter") == 0 && len == 32,
	    "TLS 1.3: tls-exporter, 32 bytes");
	free(cause);
	finish(&t, fd, pid);
	tls_policy_free(&p);

	/* Finding 10: a server's renegotiation is refused. */
	memset(&sv, 0, sizeof(sv));
	sv.tls12 = 1;
	sv.renegotiate = 1;
	policy(&p, NULL, 1);
	r = run(&sv, &p, &t, &fd, &pid, &cause);
	is_int(r, TLS_IO_OK, "renegotiation: first handshake");
	free(cause);
	cause = NULL;
	/* Read the server's byte (the HelloRequest comes first), answer. */
	for (;;) {
		struct pollfd	pfd = { fd, POLLIN, 0 };

		r = t != NULL ? tls_read(t, buf, 1, &len, &cause) :
		    TLS_IO_ERROR;
		if (r != TLS_IO_WANT_READ && r != TLS_IO_WANT_WRITE)
			break;
		if (poll(&pfd, 1, 5000) != 1)
			break;
	}
	is_int(r, TLS_IO_OK, "renegotiation: the data after it arrives");
	free(cause);
	cause = NULL;
	if (t != NULL)
		(void)tls_write(t, "y", 1, &len, &cause);
	free(cause);
	is_int(finish(&t, fd, pid), 0, "renegotiation: the client refused it "
	    "(the server could not renegotiate)");
	tls_policy_free(&p);

	X509_free(cert);
	EVP_PKEY_free(key);
	return (done_testing());
}
