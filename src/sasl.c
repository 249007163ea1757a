/*
 * sasl.c -- SASL client mechanisms as small state machines.
 *
 * PLAIN (RFC 4616), LOGIN, CRAM-MD5 (RFC 2195), SCRAM-SHA-1/-256
 * (RFC 5802, 7677; the server signature is verified), EXTERNAL (RFC
 * 4422), XOAUTH2 (Google's) and OAUTHBEARER (RFC 7628).  OpenSSL does the
 * cryptography; secrets are wiped when the state is freed.
 */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "bounds.h"
#include "sasl.h"
#include "xmalloc.h"

struct sasl {
	enum sasl_mech	 mech;
	char		*user;
	char		*secret;
	char		*host;
	int		 port;
	int		 step;
	/* SCRAM */
	char		*nonce;		/* client nonce */
	char		*client_first_bare;
	unsigned char	 server_sig[EVP_MAX_MD_SIZE];
	size_t		 mdlen;
	char		*gs2;		/* "n,,", "y,," or "p=type,," */
	char		*cbtype;
	unsigned char	 cbdata[64];
	size_t		 cblen;
	int		 verified;
};

static const struct {
	const char	*name;
	enum sasl_mech	 mech;
} mechs[] = {
	{ "EXTERNAL",		SASL_EXTERNAL },
	{ "SCRAM-SHA-256-PLUS",	SASL_SCRAM_SHA_256_PLUS },
	{ "SCRAM-SHA-1-PLUS",	SASL_SCRAM_SHA_1_PLUS },
	{ "SCRAM-SHA-256",	SASL_SCRAM_SHA_256 },
	{ "SCRAM-SHA-1",	SASL_SCRAM_SHA_1 },
	{ "CRAM-MD5",		SASL_CRAM_MD5 },
	{ "PLAIN",		SASL_PLAIN },
	{ "LOGIN",		SASL_LOGIN },
	{ "XOAUTH2",		SASL_XOAUTH2 },
	{ "OAUTHBEARER",	SASL_OAUTHBEARER },
};

const char *
sasl_name(enum sasl_mech m)
{
	size_t	i;

	for (i = 0; i < nitems(mechs); i++) {
		if (mechs[i].mech == m)
			return (mechs[i].name);
	}
	return (NULL);
}

int
sasl_plaintext(enum sasl_mech m)
{
	return (m == SASL_PLAIN || m == SASL_LOGIN || m == SASL_XOAUTH2 ||
	    m == SASL_OAUTHBEARER);
}

int
sasl_offers(const char *offered, enum sasl_mech m)
{
	const char	*name = sasl_name(m), *p = offered;
	size_t		 n;

	if (name == NULL)
		return (0);
	n = strlen(name);
	while (*p != '\0') {
		p += strspn(p, " ");
		if (strncasecmp(p, name, n) == 0 && (p[n] == ' ' ||
		    p[n] == '\0'))
			return (1);
		p += strcspn(p, " ");
	}
	return (0);
}

enum sasl_mech
sasl_choose(const char *offered, int can_bind)
{
	static const enum sasl_mech order[] = { SASL_SCRAM_SHA_256_PLUS,
	    SASL_SCRAM_SHA_1_PLUS, SASL_SCRAM_SHA_256, SASL_SCRAM_SHA_1,
	    SASL_CRAM_MD5, SASL_PLAIN, SASL_LOGIN };
	size_t	i;

	for (i = can_bind ? 0 : 2; i < nitems(order); i++) {
		if (sasl_offers(offered, order[i]))
			return (order[i]);
	}
	return (SASL_NONE);
}

enum sasl_mech
sasl_plus(enum sasl_mech m)
{
	if (m == SASL_SCRAM_SHA_256)
		return (SASL_SCRAM_SHA_256_PLUS);
	if (m == SASL_SCRAM_SHA_1)
		return (SASL_SCRAM_SHA_1_PLUS);
	return (m);
}

static int
scram_plus(const struct sasl *s)
{
	return (s->mech == SASL_SCRAM_SHA_256_PLUS ||
	    s->mech == SASL_SCRAM_SHA_1_PLUS);
}

void
sasl_channel_binding(struct sasl *s, const char *type,
    const unsigned char *data, size_t len)
{
	if (len > sizeof(s->cbdata))
		return;
	free(s->cbtype);
	s->cbtype = xstrdup(type);
	memcpy(s->cbdata, data, len);
	s->cblen = len;
}

char *
sasl_b64_encode(const unsigned char *in, size_t len)
{
	char	*out = xmalloc(4 * ((len + 2) / 3) + 1);

	EVP_EncodeBlock((unsigned char *)out, in, (int)len);
	return (out);
}

int
sasl_b64_decode(const char *in, unsigned char **out, size_t *outlen)
{
	size_t	len = strlen(in), pad = 0;
	int	n;

	*out = NULL;
	*outlen = 0;
	if (len % 4 != 0 || strspn(in, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/=") != len)
		return (-1);
	if (len > 0 && in[len - 1] == '=')
		pad++;
	if (len > 1 && in[len - 2] == '=')
		pad++;
	*out = xmalloc(len / 4 * 3 + 1);
	if (len > 0 && (n = EVP_DecodeBlock(*out, (const unsigned char *)in,
	    (int)len)) < 0) {
		free(*out);
		*out = NULL;
		return (-1);
	}
	*outlen = len / 4 * 3 - pad;
	(*out)[*outlen] = '\0';
	return (0);
}

struct sasl *
sasl_new(enum sasl_mech m, const char *user, const char *secret,
    const char *host, int port, const char *nonce)
{
	struct sasl	*s;
	unsigned char	 raw[18];

	s = xcalloc(1, sizeof(*s));
	s->mech = m;
	s->user = xstrdup(user);
	s->secret = xstrdup(secret != NULL ? secret : "");
	s->host = xstrdup(host != NULL ? host : "");
	s->port = port;
	if (nonce != NULL)
		s->nonce = xstrdup(nonce);
	else {
		if (RAND_bytes(raw, sizeof(raw)) != 1)
			memset(raw, 0x5a, sizeof(raw));	/* cannot happen */
		s->nonce = sasl_b64_encode(raw, sizeof(raw));
	}
	return (s);
}

void
sasl_free(struct sasl *s)
{
	if (s == NULL)
		return;
	free(s->user);
	freezero(s->secret, strlen(s->secret));
	free(s->host);
	free(s->nonce);
	free(s->client_first_bare);
	free(s->gs2);
	free(s->cbtype);
	explicit_bzero(s->cbdata, sizeof(s->cbdata));
	explicit_bzero(s->server_sig, sizeof(s->server_sig));
	free(s);
}

/* out = the string s, as bytes (without the NUL). */
static void
set_out(const char *str, unsigned char **out, size_t *outlen)
{
	*outlen = strlen(str);
	*out = (unsigned char *)xstrdup(str);
}

/* SCRAM's saslname: "=" and "," escaped. */
static char *
scram_name(const char *user)
{
	char	*out = xmalloc(3 * strlen(user) + 1), *o = out;

	for (; *user != '\0'; user++) {
		if (*user == '=' || *user == ',') {
			memcpy(o, *user == '=' ? "=3D" : "=2C", 3);
			o += 3;
		} else
			*o++ = *user;
	}
	*o = '\0';
	return (out);
}

int
sasl_start(struct sasl *s, unsigned char **out, size_t *outlen,
    char **cause)
{
	char	*str, *name;
	size_t	 u, p;

	*out = NULL;
	*outlen = 0;
	switch (s->mech) {
	case SASL_PLAIN:
		/* authzid NUL authcid NUL password */
		u = strlen(s->user);
		p = strlen(s->secret);
		*outlen = u + p + 2;
		*out = xmalloc(*outlen + 1);
		(*out)[0] = '\0';
		memcpy(*out + 1, s->user, u);
		(*out)[u + 1] = '\0';
		memcpy(*out + u + 2, s->secret, p);
		return (0);
	case SASL_EXTERNAL:
		set_out("", out, outlen);	/* empty: no authzid */
		return (0);
	case SASL_SCRAM_SHA_1_PLUS:
	case SASL_SCRAM_SHA_256_PLUS:
		if (s->cbtype == NULL) {
			xasprintf(cause, "%s needs TLS channel binding",
			    sasl_name(s->mech));
			return (-1);
		}
		/* FALLTHROUGH */
	case SASL_SCRAM_SHA_1:
	case SASL_SCRAM_SHA_256:
		free(s->gs2);
		if (scram_plus(s))
			xasprintf(&s->gs2, "p=%s,,", s->cbtype);
		else
			s->gs2 = xstrdup(s->cbtype != NULL ? "y,," : "n,,");
		name = scram_name(s->user);
		xasprintf(&s->client_first_bare, "n=%s,r=%s", name, s->nonce);
		free(name);
		xasprintf(&str, "%s%s", s->gs2, s->client_first_bare);
		set_out(str, out, outlen);
		free(str);
		return (0);
	case SASL_XOAUTH2:
		xasprintf(&str, "user=%s\001auth=Bearer %s\001\001", s->user,
		    s->secret);
		set_out(str, out, outlen);
		freezero(str, strlen(str));
		return (0);
	case SASL_OAUTHBEARER:
		xasprintf(&str, "n,a=%s,\001host=%s\001port=%d\001"
		    "auth=Bearer %s\001\001", s->user, s->host, s->port,
		    s->secret);
		set_out(str, out, outlen);
		freezero(str, strlen(str));
		return (0);
	case SASL_LOGIN:
	case SASL_CRAM_MD5:
		return (0);		/* the server speaks first */
	default:
		xasprintf(cause, "unknown SASL mechanism");
		return (-1);
	}
}

static const EVP_MD *
scram_md(const struct sasl *s)
{
	return (s->mech == SASL_SCRAM_SHA_1 || s->mech ==
	    SASL_SCRAM_SHA_1_PLUS ? EVP_sha1() : EVP_sha256());
}

/* The value of attribute c= in a SCRAM message, or NULL. */
static char *
scram_attr(const char *msg, char c)
{
	const char	*p = msg;
	size_t		 n;

	while (*p != '\0') {
		n = strcspn(p, ",");
		if (n >= 2 && p[0] == c && p[1] == '=')
			return (xstrndup(p + 2, n - 2));
		p += n;
		if (*p == ',')
			p++;
	}
	return (NULL);
}

/* server-first -> client-final with the proof; remember ServerSignature. */
static int
scram_client_final(struct sasl *s, const char *server_first,
    unsigned char **out, size_t *outlen, char **cause)
{
	const EVP_MD	*md = scram_md(s);
	unsigned char	 salted[EVP_MAX_MD_SIZE], client_key[EVP_MAX_MD_SIZE];
	unsigned char	 stored[EVP_MAX_MD_SIZE], sig[EVP_MAX_MD_SIZE];
	unsigned char	 server_key[EVP_MAX_MD_SIZE], *salt = NULL;
	char		*r, *sb64, *ib, *without_proof = NULL, *auth = NULL;
	char		*proof64, *str, *cb64;
	unsigned char	 cbind[sizeof(s->cbdata) + 64];
	const char	*errstr;
	size_t		 saltlen, i, mdlen = EVP_MD_get_size(md);
	unsigned int	 n;
	long long	 iter;
	int		 rc = -1;

	r = scram_attr(server_first, 'r');
	sb64 = scram_attr(server_first, 's');
	ib = scram_attr(server_first, 'i');
	if (r == NULL || sb64 == NULL || ib == NULL) {
		xasprintf(cause, "SCRAM: the server's first message lacks r=, "
		    "s= or i=");
		goto out;
	}
	if (strncmp(r, s->nonce, strlen(s->nonce)) != 0 ||
	    strlen(r) == strlen(s->nonce)) {
		xasprintf(cause, "SCRAM: the server's nonce does not extend "
		    "ours");
		goto out;
	}
	iter = strtonum(ib, 1, PM_SCRAM_ITER_MAX, &errstr);
	if (errstr != NULL) {
		xasprintf(cause, "SCRAM: iteration count %s is %s", ib, errstr);
		goto out;
	}
	if (iter < PM_SCRAM_ITER_MIN) {
		xasprintf(cause, "SCRAM: the server asks for %lld iterations, "
		    "fewer than the %d RFC 7677 requires; a server that does "
		    "this makes the password cheap to guess from the exchange "
		    "(the server's operator must raise its iteration count)",
		    iter, PM_SCRAM_ITER_MIN);
		goto out;
	}
	if (sasl_b64_decode(sb64, &salt, &saltlen) != 0 || saltlen == 0) {
		xasprintf(cause, "SCRAM: the salt is not base64");
		goto out;
	}
	if (PKCS5_PBKDF2_HMAC(s->secret, (int)strlen(s->secret), salt,
	    (int)saltlen, (int)iter, md, (int)mdlen, salted) != 1 ||
	    HMAC(md, salted, (int)mdlen, (const unsigned char *)"Client Key",
	    10, client_key, &n) == NULL ||
	    EVP_Digest(client_key, mdlen, stored, &n, md, NULL) != 1 ||
	    HMAC(md, salted, (int)mdlen, (const unsigned char *)"Server Key",
	    10, server_key, &n) == NULL) {
		xasprintf(cause, "SCRAM: key derivation failed");
		goto out;
	}
	/* c= is the gs2 header, and with -PLUS the binding data too. */
	n = strlen(s->gs2);
	memcpy(cbind, s->gs2, n);
	if (scram_plus(s)) {
		memcpy(cbind + n, s->cbdata, s->cblen);
		n += s->cblen;
	}
	cb64 = sasl_b64_encode(cbind, n);
	xasprintf(&without_proof, "c=%s,r=%s", cb64, r);
	free(cb64);
	xasprintf(&auth, "%s,%s,%s", s->client_first_bare, server_first,
	    without_proof);
	if (HMAC(md, stored, (int)mdlen, (unsigned char *)auth, strlen(auth),
	    sig, &n) == NULL ||
	    HMAC(md, server_key, (int)mdlen, (unsigned char *)auth,
	    strlen(auth), s->server_sig, &n) == NULL) {
		xasprintf(cause, "SCRAM: signature failed");
		goto out;
	}
	s->mdlen = mdlen;
	for (i = 0; i < mdlen; i++)
		client_key[i] ^= sig[i];	/* ClientProof */
	proof64 = sasl_b64_encode(client_key, mdlen);
	xasprintf(&str, "%s,p=%s", without_proof, proof64);
	set_out(str, out, outlen);
	free(str);
	free(proof64);
	rc = 0;
out:
	OPENSSL_cleanse(salted, sizeof(salted));
	OPENSSL_cleanse(client_key, sizeof(client_key));
	OPENSSL_cleanse(stored, sizeof(stored));
	OPENSSL_cleanse(server_key, sizeof(server_key));
	free(r);
	free(sb64);
	free(ib);
	free(salt);
	free(without_proof);
	free(auth);
	return (rc);
}

/* server-final: "v=ServerSignature" must be what we computed. */
static int
scram_verify(struct sasl *s, const char *server_final, char **cause)
{
	unsigned char	*v = NULL;
	char		*v64, *e;
	size_t		 vlen;
	int		 ok;

	if ((e = scram_attr(server_final, 'e')) != NULL) {
		xasprintf(cause, "SCRAM: the server refused: %s", e);
		free(e);
		return (-1);
	}
	if ((v64 = scram_attr(server_final, 'v')) == NULL ||
	    sasl_b64_decode(v64, &v, &vlen) != 0) {
		free(v64);
		xasprintf(cause, "SCRAM: the server's final message has no "
		    "signature");
		return (-1);
	}
	ok = vlen == s->mdlen && CRYPTO_memcmp(v, s->server_sig, vlen) == 0;
	free(v64);
	free(v);
	if (!ok) {
		xasprintf(cause, "SCRAM: the server's signature is wrong: it "
		    "does not know the password (an impostor?)");
		return (-1);
	}
	s->verified = 1;
	return (0);
}

static int
sasl_scram(enum sasl_mech m)
{
	return (m == SASL_SCRAM_SHA_1 || m == SASL_SCRAM_SHA_256 ||
	    m == SASL_SCRAM_SHA_1_PLUS || m == SASL_SCRAM_SHA_256_PLUS);
}

static int
sasl_has_control(const char *p)
{
	for (; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return (1);
	}
	return (0);
}

int
sasl_step(struct sasl *s, const unsigned char *in, size_t inlen,
    unsigned char **out, size_t *outlen, char **cause)
{
	unsigned char	 mac[EVP_MAX_MD_SIZE];
	unsigned int	 n, i;
	char		*msg, *str;
	int		 rc = 0;

	*out = NULL;
	*outlen = 0;
	/* Challenges are text; a NUL inside one is an error. */
	if (memchr(in, '\0', inlen) != NULL && s->mech != SASL_PLAIN) {
		xasprintf(cause, "%s: NUL byte in a challenge",
		    sasl_name(s->mech));
		return (-1);
	}
	msg = xstrndup((const char *)in, inlen);
	if (sasl_scram(s->mech) && sasl_has_control(msg)) {
		/* RFC 5802 messages are printable; one could forge a log line. */
		xasprintf(cause, "%s: a control byte in the server's message",
		    sasl_name(s->mech));
		free(msg);
		return (-1);
	}
	s->step++;
	switch (s->mech) {
	case SASL_LOGIN:
		/* "Username:" then "Password:"; some servers vary the text. */
		if (s->step == 1)
			set_out(s->user, out, outlen);
		else if (s->step == 2)
			set_out(s->secret, out, outlen);
		else {
			xasprintf(cause, "LOGIN: unexpected third challenge");
			rc = -1;
		}
		break;
	case SASL_CRAM_MD5:
		if (s->step != 1 || HMAC(EVP_md5(), s->secret,
		    (int)strlen(s->secret), in, inlen, mac, &n) == NULL) {
			xasprintf(cause, "CRAM-MD5: unexpected challenge");
			rc = -1;
			break;
		}
		str = xmalloc(strlen(s->user) + 2 + 2 * n);
		strcpy(str, s->user);
		strcat(str, " ");
		for (i = 0; i < n; i++)
			snprintf(str + strlen(str), 3, "%02x", mac[i]);
		set_out(str, out, outlen);
		free(str);
		break;
	case SASL_SCRAM_SHA_1:
	case SASL_SCRAM_SHA_256:
	case SASL_SCRAM_SHA_1_PLUS:
	case SASL_SCRAM_SHA_256_PLUS:
		if (s->step == 1)
			rc = scram_client_final(s, msg, out, outlen, cause);
		else if (s->step == 2) {
			/* Some servers send v= as a challenge, then OK. */
			if ((rc = scram_verify(s, msg, cause)) == 0)
				set_out("", out, outlen);
		} else {
			xasprintf(cause, "SCRAM: unexpected challenge");
			rc = -1;
		}
		break;
	case SASL_XOAUTH2:
	case SASL_OAUTHBEARER:
		/*
		 * A challenge here is the server's JSON error; answer so
		 * that it can send its final NO (RFC 7628 section 3.2.3).
		 */
		set_out(s->mech == SASL_OAUTHBEARER ? "\001" : "", out, outlen);
		break;
	default:
		xasprintf(cause, "%s: unexpected challenge",
		    sasl_name(s->mech));
		rc = -1;
		break;
	}
	free(msg);
	return (rc);
}

int
sasl_start_b64(struct sasl *s, char **b64, char **cause)
{
	unsigned char	*out;
	size_t		 len;

	*b64 = NULL;
	if (sasl_start(s, &out, &len, cause) != 0)
		return (-1);
	if (out != NULL) {
		*b64 = sasl_b64_encode(out, len);
		freezero(out, len);
	}
	return (0);
}

int
sasl_answer(struct sasl *s, const char *challenge, char **b64, char **cause)
{
	unsigned char	*in, *out;
	size_t		 inlen, outlen;
	int		 rc;

	*b64 = NULL;
	if (sasl_b64_decode(challenge, &in, &inlen) != 0) {
		xasprintf(cause, "%s: the challenge is not base64",
		    sasl_name(s->mech));
		return (SASL_BAD_CHALLENGE);
	}
	rc = sasl_step(s, in, inlen, &out, &outlen, cause);
	free(in);
	if (rc != 0)
		return (SASL_REFUSED);
	*b64 = sasl_b64_encode(out, outlen);
	freezero(out, outlen);
	return (0);
}

int
sasl_finished(struct sasl *s, char **cause)
{
	if ((s->mech == SASL_SCRAM_SHA_1 || s->mech == SASL_SCRAM_SHA_256 ||
	    scram_plus(s)) && !s->verified) {
		xasprintf(cause, "SCRAM: the server said yes without proving "
		    "it knows the password");
		return (-1);
	}
	return (0);
}
