/*
 * sink_harness.c -- drive a real sink the way a session does (sink_harness.h).
 */

#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dotstuff.h"
#include "sink_harness.h"
#include "xmalloc.h"

static char	harness_path[PATH_MAX];

static void
harness_cleanup(void)
{
	char	cmd[PATH_MAX + 16];

	if (harness_path[0] == '\0')
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", harness_path);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", harness_path);
}

const char *
harness_dir(void)
{
	const char	*base;

	if (harness_path[0] != '\0')
		return (harness_path);
	base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
	snprintf(harness_path, sizeof(harness_path), "%s/pm-fuzz.XXXXXX",
	    base != NULL ? base : "/tmp");
	if (mkdtemp(harness_path) == NULL)
		abort();
	atexit(harness_cleanup);
	return (harness_path);
}

struct account *
harness_account(void)
{
	return (account_new("fuzz"));
}

int
harness_input(const uint8_t *data, size_t size, uint32_t *seed_r,
    const uint8_t **msg_r, size_t *len_r)
{
	if (size < 4)
		return (0);
	memcpy(seed_r, data, 4);
	*msg_r = data + 4;
	*len_r = size - 4;
	return (1);
}

static uint32_t
harness_next(uint32_t *x)
{
	/* xorshift32: cheap, and the same pieces for the same input. */
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return (*x);
}

static size_t
harness_piece(uint32_t *x)
{
	uint32_t	r = harness_next(x);

	switch (r % 5) {
	case 0:
		return (1 + (r >> 8) % 16);
	case 1:
		return (1 + (r >> 8) % 4096);
	case 2:
		return (16384);			/* a TLS record */
	case 3:
		return (65536 - (r >> 8) % 16);
	default:
		return (1 + (r >> 8) % ((1 << 20) + 8));
	}
}

static void
harness_write(struct sink *sk, const uint8_t *msg, size_t len, uint32_t seed)
{
	char		*cause = NULL;
	size_t		 off, n;
	uint32_t	 x = seed != 0 ? seed : 1;

	for (off = 0; off < len; off += n) {
		n = harness_piece(&x);
		if (n > len - off)
			n = len - off;
		if (sk->ops->write(sk, msg + off, n, &cause) != SINK_OK) {
			fprintf(stderr, "write: %s\n", cause);
			abort();
		}
	}
}

/* Open descriptors: a sink must not leak one per message. */
static int
harness_fds(void)
{
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	if ((d = opendir("/proc/self/fd")) == NULL)
		return (-1);
	while ((de = readdir(d)) != NULL)
		n++;
	closedir(d);
	return (n);
}

static int	harness_fds_before;

static void
harness_open(struct sink *sk, const struct account *a, struct envelope *e)
{
	char	*cause = NULL;

	harness_fds_before = harness_fds();
	memset(e, 0, sizeof(*e));
	e->from = xstrdup("sender@example.org");
	strlist_add(&e->rcpts, "user");
	sink_init(sk, a);
	if (sk->ops->open(sk, &cause) != 0 ||
	    sk->ops->begin(sk, e, &cause) != SINK_OK) {
		fprintf(stderr, "open/begin: %s\n", cause);
		abort();
	}
}

static void
harness_close(struct sink *sk, struct envelope *e)
{
	sk->ops->close(sk);
	envelope_free(e);
	if (harness_fds() != harness_fds_before)
		abort();
}

void
harness_deliver(const struct account *a, const uint8_t *msg, size_t len,
    uint32_t seed)
{
	struct sink		 sk;
	struct envelope		 e;
	enum sink_result	 r;
	char			*cause = NULL;

	harness_open(&sk, a, &e);
	harness_write(&sk, msg, len, seed);
	r = sk.ops->commit(&sk, &cause);
	if (r == SINK_OK && sk.ops->sync != NULL)
		r = sk.ops->sync(&sk, &cause);
	if (r != SINK_OK) {
		fprintf(stderr, "commit: %s\n", cause);
		abort();
	}
	harness_close(&sk, &e);
}

void
harness_abandon(const struct account *a, const uint8_t *msg, size_t len,
    uint32_t seed)
{
	struct sink	 sk;
	struct envelope	 e;

	harness_open(&sk, a, &e);
	harness_write(&sk, msg, len, seed);
	sk.ops->abort(&sk);
	harness_close(&sk, &e);
}

char *
harness_file_sink(const struct account *a, const char *path,
    const uint8_t *msg, size_t len, uint32_t seed, size_t *len_r)
{
	char	*file, *again;
	size_t	 alen;

	(void)unlink(path);
	harness_deliver(a, msg, len, seed);
	file = harness_slurp(path, len_r);
	harness_abandon(a, msg, len, seed * 7 + 1);
	again = harness_slurp(path, &alen);
	if (alen != *len_r || memcmp(file, again, alen) != 0)
		abort();
	free(again);
	return (file);
}

char *
harness_slurp(const char *path, size_t *len_r)
{
	struct stat	 sb;
	char		*buf;
	int		 fd;

	if ((fd = open(path, O_RDONLY)) == -1 || fstat(fd, &sb) != 0)
		abort();
	buf = xmalloc(sb.st_size + 1);
	if (read(fd, buf, sb.st_size) != sb.st_size)
		abort();
	close(fd);
	*len_r = sb.st_size;
	return (buf);
}

char *
harness_only_file(const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	char		*found = NULL;

	if ((d = opendir(dir)) == NULL)
		abort();
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (found != NULL)
			abort();		/* two messages for one */
		xasprintf(&found, "%s/%s", dir, de->d_name);
	}
	closedir(d);
	return (found);
}

void
harness_empty_dir(const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	char		*path;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		xasprintf(&path, "%s/%s", dir, de->d_name);
		(void)unlink(path);
		free(path);
	}
	closedir(d);
}

size_t
harness_strip(const uint8_t *in, size_t len, char *out)
{
	size_t	i, o = 0;

	for (i = 0; i < len; i++) {
		if (in[i] == '\r' && i + 1 < len && in[i + 1] == '\n')
			continue;
		out[o++] = in[i];
	}
	return (o);
}

size_t
harness_canonical(const char *in, size_t len, char *out)
{
	size_t	i, o = 0;

	for (i = 0; i < len; i++) {
		if (in[i] == '\r' || in[i] == '\n') {
			if (in[i] == '\r' && i + 1 < len && in[i + 1] == '\n')
				i++;
			out[o++] = '\r';
			out[o++] = '\n';
		} else
			out[o++] = in[i];
	}
	if (o > 0 && out[o - 1] != '\n') {
		out[o++] = '\r';
		out[o++] = '\n';
	}
	return (o);
}

void
harness_check_data(const char *data, size_t len)
{
	size_t	i;

	if (len < 3 || memcmp(data + len - 3, ".\r\n", 3) != 0)
		abort();
	for (i = 0; i < len; i++) {
		if (data[i] == '\r' && (i + 1 == len || data[i + 1] != '\n'))
			abort();
		if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r'))
			abort();
		if ((i == 0 || data[i - 1] == '\n') && i + 3 <= len &&
		    memcmp(data + i, ".\r\n", 3) == 0 && i + 3 != len)
			abort();
	}
}

void
harness_check_smtp(const char *data, size_t dlen, const uint8_t *msg,
    size_t len)
{
	struct dot_decoder	 dd = { DOT_BOL };
	char			*got, *want;
	size_t			 glen, wlen, used;

	harness_check_data(data, dlen);
	got = xmalloc(dlen + 1);
	glen = dot_decode(&dd, data, dlen, &used, got);
	if (dd.state != DOT_END || used != dlen)
		abort();
	want = xmalloc(2 * len + 2);
	wlen = harness_canonical((const char *)msg, len, want);
	if (glen != wlen || memcmp(got, want, wlen) != 0)
		abort();
	free(want);
	free(got);
}
