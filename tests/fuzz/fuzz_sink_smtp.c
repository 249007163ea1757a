/*
 * fuzz_sink_smtp.c -- libFuzzer target: the SMTP forwarder's DATA path,
 * over a real TCP connection.  A child process listens on 127.0.0.1 and
 * records each DATA stream byte for byte, reading it strictly (the end is
 * CR LF . CR LF and nothing else).  The message (after a 4-byte seed for
 * the piece sizes) is delivered through the real SMTP sink in pieces of
 * random sizes; the recorded stream must hold nothing a lenient server
 * could take for an early end, and must decode to the message with every
 * line end as CR LF.
 */

#include <sys/prctl.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sink_harness.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	*record;	/* where the child writes the last DATA */

/* The child's side: a minimal SMTP server for one connection. */
static void
peer_session(int fd)
{
	FILE	*in = fdopen(fd, "r"), *out;
	char	*line = NULL, *data = NULL;
	size_t	 cap = 0, dlen, dcap;
	ssize_t	 n;

	if (in == NULL || write(fd, "220 fuzz\r\n", 10) != 10)
		_exit(1);
	while ((n = getline(&line, &cap, in)) > 0) {
		if (strncasecmp(line, "EHLO", 4) == 0)
			dprintf(fd, "250-fuzz\r\n250-8BITMIME\r\n250 SIZE 0\r\n");
		else if (strncasecmp(line, "DATA", 4) == 0) {
			dprintf(fd, "354 go\r\n");
			dlen = 0;
			dcap = 65536;
			data = xreallocarray(data, dcap, 1);
			while (!(dlen >= 5 && memcmp(data + dlen - 5,
			    "\r\n.\r\n", 5) == 0) &&
			    !(dlen == 3 && memcmp(data, ".\r\n", 3) == 0)) {
				if ((n = getline(&line, &cap, in)) <= 0)
					_exit(1);
				if (dlen + n > dcap) {
					dcap = 2 * (dlen + n);
					data = xreallocarray(data, dcap, 1);
				}
				memcpy(data + dlen, line, n);
				dlen += n;
			}
			if ((out = fopen(record, "w")) == NULL ||
			    fwrite(data, 1, dlen, out) != dlen || fclose(out))
				_exit(1);
			dprintf(fd, "250 ok\r\n");
		} else if (strncasecmp(line, "QUIT", 4) == 0) {
			dprintf(fd, "221 bye\r\n");
			break;
		} else
			dprintf(fd, "250 ok\r\n");
	}
	fclose(in);
}

/* Start the recording server; its port. */
static int
peer_start(void)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);
	int			 s, c;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((s = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    bind(s, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    listen(s, 8) != 0 ||
	    getsockname(s, (struct sockaddr *)&sin, &len) != 0)
		abort();
	switch (fork()) {
	case -1:
		abort();
	case 0:
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;) {
			if ((c = accept(s, NULL, NULL)) == -1)
				_exit(1);
			peer_session(c);
		}
	}
	close(s);
	return (ntohs(sin.sin_port));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct account	*a;
	const uint8_t		*msg;
	char			*file, *host;
	size_t			 len, flen;
	uint32_t		 seed;

	if (!harness_input(data, size, &seed, &msg, &len))
		return (0);
	if (a == NULL) {
		signal(SIGPIPE, SIG_IGN);
		xasprintf(&record, "%s/data", harness_dir());
		a = harness_account();
		xasprintf(&host, "127.0.0.1/%d", peer_start());
		strlist_add(&a->smtphosts, host);
		free(host);
	}
	(void)unlink(record);
	harness_deliver(a, msg, len, seed);
	file = harness_slurp(record, &flen);
	harness_check_smtp(file, flen, msg, len);

	free(file);
	return (0);
}
