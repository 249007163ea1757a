/*
 * durable.c -- files that survive a crash or a power cut (durable.h).
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "durable.h"
#include "xmalloc.h"

int
durable_mkdirs(const char *path, int mode)
{
	char	*copy = xstrdup(path), *p, c;
	int	 rc = 0;

	for (p = copy + 1; rc == 0; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		c = *p;
		*p = '\0';
		if (mkdir(copy, mode) != 0 && errno != EEXIST)
			rc = -1;
		*p = c;
		if (c == '\0')
			break;
	}
	free(copy);
	return (rc);
}

int
durable_sync_dir(const char *dir)
{
	int	fd, rc, saved;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return (-1);
	rc = fsync(fd);
	saved = errno;
	close(fd);
	errno = saved;
	return (rc);
}

int
durable_write_all(int fd, const void *data, size_t len)
{
	const char	*p = data;
	ssize_t		 n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		p += n;
		len -= n;
	}
	return (0);
}

int
durable_replace(const char *path, const void *data, size_t len, int mode,
    char **cause)
{
	char	*tmp, *copy;
	int	 fd, rc = 0;

	/*
	 * A name of its own (O_EXCL): in a directory others may write to
	 * (a metrics directory), a file or link they put at a fixed
	 * temporary name could be written through or handed to us.
	 */
	xasprintf(&tmp, "%s.tmp.XXXXXX", path);
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		xasprintf(cause, "%s: %s", tmp, strerror(errno));
		free(tmp);
		return (-1);
	}
	/* Exactly mode, whatever the umask (a unit's UMask=0077). */
	if (fchmod(fd, (mode_t)mode) != 0 ||
	    durable_write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		xasprintf(cause, "%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		free(tmp);
		return (-1);
	}
	close(fd);
	if (rename(tmp, path) != 0) {
		xasprintf(cause, "rename %s to %s: %s", tmp, path,
		    strerror(errno));
		unlink(tmp);
		free(tmp);
		return (-1);
	}
	free(tmp);
	copy = xstrdup(path);
	if (durable_sync_dir(dirname(copy)) != 0) {
		xasprintf(cause, "%s: fsync of its directory: %s", path,
		    strerror(errno));
		rc = -1;
	}
	free(copy);
	return (rc);
}
