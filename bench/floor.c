/*
 * floor.c -- the fastest a client can fetch a mailbox: log in, send every
 * retrieval command at once (POP3 RETR 1..N, or one IMAP UID FETCH 1:*),
 * and read the replies as they stream in.  With a directory argument each
 * message is also written to a file of its own there (no fsync), which is
 * the floor for a client that stores what it fetches.  The benchmark
 * divides pullmail's times by these.
 *
 * usage: floor pop3|imap HOST PORT USER PASS CAFILE [DIR]
 */

#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

static SSL	*ssl;
static char	 in[1 << 16];
static size_t	 have, used;

static int
fill(void)
{
	int	n;

	if (used > 0) {
		memmove(in, in + used, have - used);
		have -= used;
		used = 0;
	}
	if (have == sizeof(in))
		errx(1, "line too long");
	if ((n = SSL_read(ssl, in + have, sizeof(in) - have)) <= 0)
		return (-1);
	have += n;
	return (0);
}

/* The next line, with its CRLF; NULL at the end of the stream. */
static char *
line(size_t *len)
{
	char	*nl;

	while ((nl = memchr(in + used, '\n', have - used)) == NULL)
		if (fill() != 0)
			return (NULL);
	*len = nl + 1 - (in + used);
	nl = in + used;
	used += *len;
	return (nl);
}

static void
put(const char *s)
{
	if (SSL_write(ssl, s, strlen(s)) <= 0)
		errx(1, "write failed");
}

static int
out_open(const char *dir, unsigned n)
{
	char	path[4096];
	int	fd;

	if (dir == NULL)
		return (-1);
	snprintf(path, sizeof(path), "%s/%u", dir, n);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
		err(1, "%s", path);
	return (fd);
}

/* Output is gathered and written in large pieces, as any client would. */
static char	out[1 << 16];
static size_t	outlen;

static void
out_flush(int fd)
{
	if (fd != -1 && outlen > 0 && write(fd, out, outlen) != (ssize_t)outlen)
		err(1, "write");
	outlen = 0;
}

static void
out_write(int fd, const char *p, size_t len)
{
	if (fd == -1)
		return;
	if (outlen + len > sizeof(out))
		out_flush(fd);
	if (len > sizeof(out)) {
		if (write(fd, p, len) != (ssize_t)len)
			err(1, "write");
		return;
	}
	memcpy(out + outlen, p, len);
	outlen += len;
}

static unsigned long long
pop3(const char *user, const char *pass, const char *dir)
{
	char			 cmd[512], *l, *batch;
	size_t			 len, blen = 0;
	unsigned long long	 bytes = 0;
	unsigned		 n, i, msgs = 0;
	int			 fd = -1, in_msg = 0;

	line(&len);				/* greeting */
	snprintf(cmd, sizeof(cmd), "USER %s\r\nPASS %s\r\nSTAT\r\n", user,
	    pass);
	put(cmd);
	for (i = 0; i < 3; i++)
		if ((l = line(&len)) == NULL || strncmp(l, "+OK", 3) != 0)
			errx(1, "login failed");
	if (sscanf(l, "+OK %u", &n) != 1)
		errx(1, "bad STAT");
	/* Every RETR in one write: the server streams them back. */
	batch = malloc((size_t)n * 20 + 16);
	for (i = 1; i <= n; i++)
		blen += sprintf(batch + blen, "RETR %u\r\n", i);
	blen += sprintf(batch + blen, "QUIT\r\n");
	if (SSL_write(ssl, batch, blen) <= 0)
		errx(1, "write failed");
	free(batch);
	while ((l = line(&len)) != NULL) {
		if (!in_msg) {			/* "+OK" before each message */
			if (strncmp(l, "+OK", 3) != 0)
				errx(1, "RETR refused: %.60s", l);
			fd = out_open(dir, ++msgs);
			in_msg = 1;
			continue;
		}
		if (l[0] == '.' && (l[1] == '\r' || l[1] == '\n')) {
			out_flush(fd);
			if (fd != -1)
				close(fd);
			fd = -1;
			in_msg = 0;
			if (msgs == n)
				break;
			continue;
		}
		bytes += len;
		/* Dot-unstuffing, as any client must. */
		out_write(fd, l[0] == '.' ? l + 1 : l, l[0] == '.' ? len - 1 :
		    len);
	}
	return (bytes);
}

/* An IMAP quoted string (two of them live at once). */
static const char *
quote(const char *s)
{
	static char	buf[2][512];
	static int	which;
	char		*o = buf[which ^= 1];
	size_t		 n = 0;

	o[n++] = '"';
	for (; *s != '\0' && n < sizeof(buf[0]) - 3; s++) {
		if (*s == '"' || *s == '\\')
			o[n++] = '\\';
		o[n++] = *s;
	}
	o[n++] = '"';
	o[n] = '\0';
	return (o);
}

static unsigned long long
imap(const char *user, const char *pass, const char *dir)
{
	char			 cmd[1024], *l, *p;
	size_t			 len, want, chunk;
	unsigned long long	 bytes = 0;
	unsigned		 msgs = 0;
	int			 fd;

	line(&len);				/* greeting */
	snprintf(cmd, sizeof(cmd), "a LOGIN %s %s\r\nb SELECT INBOX\r\n"
	    "c UID FETCH 1:* BODY.PEEK[]\r\nd LOGOUT\r\n", quote(user),
	    quote(pass));
	put(cmd);
	while ((l = line(&len)) != NULL) {
		if (strncmp(l, "c ", 2) == 0)
			break;			/* FETCH done */
		if (l[0] != '*' || (p = memchr(l, '{', len)) == NULL)
			continue;
		want = strtoull(p + 1, NULL, 10);
		fd = out_open(dir, ++msgs);
		while (want > 0) {
			if (used == have && fill() != 0)
				errx(1, "connection closed in a literal");
			chunk = have - used < want ? have - used : want;
			out_write(fd, in + used, chunk);
			used += chunk;
			want -= chunk;
			bytes += chunk;
		}
		out_flush(fd);
		if (fd != -1)
			close(fd);
	}
	return (bytes);
}

int
main(int argc, char **argv)
{
	struct sockaddr_in	 sin;
	SSL_CTX			*ctx;
	unsigned long long	 bytes;
	int			 s, one = 1;

	if (argc < 7)
		errx(2, "usage: floor pop3|imap HOST PORT USER PASS CAFILE [DIR]");
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(atoi(argv[3]));
	if (inet_pton(AF_INET, argv[2], &sin.sin_addr) != 1)
		errx(2, "%s: not an IPv4 address", argv[2]);
	if ((s = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    connect(s, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		err(1, "connect");
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	ctx = SSL_CTX_new(TLS_client_method());
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	if (SSL_CTX_load_verify_locations(ctx, argv[6], NULL) != 1)
		errx(1, "%s: cannot load", argv[6]);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	ssl = SSL_new(ctx);
	SSL_set_fd(ssl, s);
	if (SSL_connect(ssl) != 1)
		errx(1, "TLS handshake failed");
	bytes = strcmp(argv[1], "imap") == 0 ?
	    imap(argv[4], argv[5], argc > 7 ? argv[7] : NULL) :
	    pop3(argv[4], argv[5], argc > 7 ? argv[7] : NULL);
	printf("%llu bytes\n", bytes);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	close(s);
	return (0);
}
