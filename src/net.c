/*
 * net.c -- open connections; nothing here reads or writes data.
 *
 * Sockets are non-blocking from the start so that the connect itself,
 * like every later read and write, waits in poll() under a deadline.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net.h"
#include "xmalloc.h"

static int
net_nonblock(int fd)
{
	int	fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		return (-1);
	return (0);
}

/* One attempt; 0 on success, else an errno value. */
static int
net_try(int fd, const struct sockaddr *sa, socklen_t salen, int timeout)
{
	struct pollfd	pfd;
	socklen_t	len;
	int		err, n;

	if (connect(fd, sa, salen) == 0)
		return (0);
	if (errno != EINPROGRESS)
		return (errno);
	pfd.fd = fd;
	pfd.events = POLLOUT;
	do {
		n = poll(&pfd, 1, timeout * 1000);
	} while (n == -1 && errno == EINTR);
	if (n == 0)
		return (ETIMEDOUT);
	if (n == -1)
		return (errno);
	len = sizeof(err);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		return (errno);
	return (err);
}

int
net_connect(const char *host, int port, int timeout, char **peer_r,
    char **cause)
{
	struct addrinfo	 hints, *res, *ai;
	char		 service[16], addr[NI_MAXHOST];
	int		 fd = -1, gai, err = 0, one = 1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(service, sizeof(service), "%d", port);
	if ((gai = getaddrinfo(host, service, &hints, &res)) != 0) {
		xasprintf(cause, "cannot resolve %s: %s", host,
		    gai_strerror(gai));
		return (NET_ERR_DNS);
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd == -1) {
			err = errno;
			continue;
		}
		if (net_nonblock(fd) == -1) {
			err = errno;
			close(fd);
			fd = -1;
			continue;
		}
		if ((err = net_try(fd, ai->ai_addr, ai->ai_addrlen,
		    timeout)) == 0) {
			if (getnameinfo(ai->ai_addr, ai->ai_addrlen, addr,
			    sizeof(addr), NULL, 0, NI_NUMERICHOST) != 0)
				strlcpy(addr, "unknown", sizeof(addr));
			/* Protocol lines are small; don't let Nagle hold them. */
			(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
			    sizeof(one));
			break;
		}
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1) {
		xasprintf(cause, "cannot connect to %s port %d: %s", host,
		    port, strerror(err));
		return (NET_ERR_CONNECT);
	}
	if (peer_r != NULL)
		*peer_r = xstrdup(addr);
	return (fd);
}

int
net_connect_unix(const char *path, char **cause)
{
	struct sockaddr_un	sun;
	int			fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path)) {
		xasprintf(cause, "%s: socket path too long", path);
		return (NET_ERR_CONNECT);
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    net_nonblock(fd) == -1) {
		xasprintf(cause, "cannot connect to %s: %s", path,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		return (NET_ERR_CONNECT);
	}
	return (fd);
}

void
net_local_hostname(char *buf, size_t size)
{
	if (gethostname(buf, size) != 0 || *buf == '\0')
		strlcpy(buf, "localhost", size);
	buf[size - 1] = '\0';
}
